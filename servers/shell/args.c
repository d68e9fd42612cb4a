/*
 * Splitting command lines (args.h). The words are written over the line
 * itself: a word never takes more room than its text did, so the write
 * position w never passes the read position r.
 */
#include "args.h"

#include <stddef.h>

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* One word from *r (not blank), written at *w; then *r is just past it,
 * *w past what was written, and *bare_amp says whether it was a lone
 * unquoted `&`. */
static enum args_error word(char **r, char **w, bool *bare_amp)
{
	char *in = *r, *out = *w, quote = 0;
	bool quoted = false;

	for (; *in && (quote || !is_blank(*in)); in++) {
		char c = *in;

		if (quote && c == quote) {
			quote = 0;
			continue;
		}
		if (quote == '"' && c == '\\' &&
		    (in[1] == '"' || in[1] == '\\')) {
			c = *++in;
		} else if (!quote && (c == '"' || c == '\'')) {
			quote = c;
			quoted = true;
			continue;
		} else if (!quote && c == '\\' && in[1]) {
			c = *++in;
			quoted = true;
		}
		*out++ = c;
	}
	if (quote)
		return ARGS_E_QUOTE;
	*bare_amp = !quoted && out - *w == 1 && **w == '&';
	*r = in;
	*w = out;
	return ARGS_OK;
}

enum args_error args_split(char *line, struct args *a)
{
	char *r = line, *w = line;
	bool amp = false;

	*a = (struct args){0};
	for (;;) {
		char *start;
		enum args_error err;

		while (is_blank(*r))
			r++;
		if (!*r)
			break;
		if (amp) {
			*a = (struct args){0};
			return ARGS_E_AMPERSAND; /* an `&` before this word */
		}
		if (a->argc == ARGS_MAX) {
			*a = (struct args){0};
			return ARGS_E_TOO_MANY;
		}
		start = w;
		err = word(&r, &w, &amp);
		if (err != ARGS_OK) {
			*a = (struct args){0};
			return err;
		}
		/* r is past the word; w <= r, so the NUL overwrites at most
		 * the blank (or the NUL) that ended it. */
		if (*r)
			r++;
		*w++ = '\0';
		if (!amp)
			a->argv[a->argc++] = start;
	}
	a->background = amp;
	a->argv[a->argc] = NULL;
	return ARGS_OK;
}

const char *args_strerror(enum args_error err)
{
	switch (err) {
	case ARGS_OK:
		return "no error";
	case ARGS_E_QUOTE:
		return "unterminated quote";
	case ARGS_E_TOO_MANY:
		return "too many words";
	case ARGS_E_AMPERSAND:
		return "'&' may only end a command";
	}
	return "unknown error";
}
