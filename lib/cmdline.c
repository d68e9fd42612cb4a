/*
 * Command line parsing (see include/lib/cmdline.h).
 */
#include "lib/cmdline.h"

#include "lib/string.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Find the last word naming `key`. On success *value points after '=' (or
 * to NULL for a bare flag) and *vlen is the value's length.
 */
static bool find_key(const char *s, const char *key, const char **value,
		     size_t *vlen)
{
	size_t klen = strlen(key);
	bool found = false;

	while (*s) {
		const char *w;
		size_t n = 0;

		if (is_blank(*s)) {
			s++;
			continue;
		}
		if (*s == '#') { /* comment: skip to end of line */
			while (*s && *s != '\n')
				s++;
			continue;
		}
		w = s;
		while (w[n] && !is_blank(w[n]))
			n++;
		s = w + n;
		if (n < klen || strncmp(w, key, klen) != 0)
			continue;
		if (n == klen) {
			*value = NULL;
			*vlen = 0;
			found = true;
		} else if (w[klen] == '=') {
			*value = w + klen + 1;
			*vlen = n - klen - 1;
			found = true;
		}
	}
	return found;
}

bool cmdline_normalize(char *dst, size_t size, const char *src)
{
	size_t n = 0;

	if (size == 0)
		return false;
	while (*src) {
		if (is_blank(*src)) {
			src++;
		} else if (*src == '#') {
			while (*src && *src != '\n')
				src++;
		} else {
			if (n > 0 && n < size - 1)
				dst[n++] = ' ';
			while (*src && !is_blank(*src) && n < size - 1)
				dst[n++] = *src++;
			if (*src && !is_blank(*src)) {
				dst[n] = '\0';
				return false; /* out of room */
			}
		}
	}
	dst[n] = '\0';
	return true;
}

bool cmdline_get(const char *cmdline, const char *key, char *val, size_t size)
{
	const char *v;
	size_t n;

	if (!find_key(cmdline, key, &v, &n) || !v || n >= size)
		return false;
	memcpy(val, v, n);
	val[n] = '\0';
	return true;
}

bool cmdline_has(const char *cmdline, const char *key)
{
	const char *v;
	size_t n;

	return find_key(cmdline, key, &v, &n);
}

bool cmdline_flag(const char *cmdline, const char *flag)
{
	static const char *const yes[] = {"1", "yes", "on", "true"};
	const char *v;
	size_t n;

	if (!find_key(cmdline, flag, &v, &n))
		return false;
	if (!v)
		return true;
	for (unsigned i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strlen(yes[i]) == n && strncmp(v, yes[i], n) == 0)
			return true;
	}
	return false;
}
