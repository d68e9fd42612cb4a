/*
 * The manifest's parser (manifest.h).
 */
#include "manifest.h"

#include "lib/format.h"
#include "lib/string.h"

struct parser {
	manifest_report_fn report;
	void *ctx;
	unsigned line;
	bool bad; /* this line had an error (reported) */
};

__attribute__((format(printf, 2, 3))) static void fail(struct parser *p,
						       const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	if (p->bad)
		return; /* one report per line: the first error */
	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->bad = true;
	if (p->report)
		p->report(p->ctx, p->line, msg);
}

/* The first c in s[0..len), or NULL (memchr, which the freestanding
 * library lacks). */
static const char *find_byte(const char *s, int c, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == (char)c)
			return s + i;
	return NULL;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool valid_name(const char *s, size_t len, size_t max)
{
	if (len == 0 || len > max)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		      c == '.'))
			return false;
	}
	return true;
}

/* A number: decimal or 0x hex, with an optional K or M suffix when
 * `sized`. False on anything else or overflow past `max`. */
static bool parse_number(const char *s, size_t len, bool sized, uint64_t max,
			 uint64_t *out)
{
	uint64_t v = 0, base = 10, mult = 1;
	size_t i = 0;

	if (sized && len > 1 && (s[len - 1] == 'K' || s[len - 1] == 'M')) {
		mult = s[len - 1] == 'K' ? 1024 : 1024 * 1024;
		len--;
	}
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == len)
		return false;
	for (; i < len; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return false;
		if (v > (max - d) / base)
			return false;
		v = v * base + d;
	}
	if (v > max / mult)
		return false;
	*out = v * mult;
	return true;
}

static void copy_token(char *dst, const char *s, size_t len)
{
	memcpy(dst, s, len);
	dst[len] = '\0';
}

static const struct {
	const char *key;
	enum manifest_cap_kind kind;
	bool has_value;
} cap_keys[] = {
	{"ioport", MCAP_IOPORT, true},
	{"irq", MCAP_IRQ, true},
	{"endpoint", MCAP_ENDPOINT, true},
	{"framebuffer", MCAP_FRAMEBUFFER, false},
	{"initrd", MCAP_INITRD, false},
	{"asid", MCAP_ASID, false},
	{"init", MCAP_INIT, false},
	{"power", MCAP_POWER, false},
	{"debug", MCAP_DEBUG, false},
	{"dir", MCAP_DIR, true},
};

static bool key_is(const char *key, size_t klen, const char *what)
{
	return strlen(what) == klen && memcmp(key, what, klen) == 0;
}

/* A path of mount= or dir=: absolute, not too long. */
static bool path_ok(struct parser *p, const char *what, const char *val,
		    size_t vlen)
{
	if (val[0] != '/') {
		fail(p, "%s path '%.*s' does not start with /", what, (int)vlen,
		     val);
		return false;
	}
	if (vlen > MANIFEST_PATH_MAX) {
		fail(p, "%s path longer than %d characters", what,
		     MANIFEST_PATH_MAX);
		return false;
	}
	return true;
}

/* A capability option: kind[:name][=value]. */
static void cap_option(struct parser *p, struct manifest_server *s,
		       const char *key, size_t klen, const char *val,
		       size_t vlen, bool has_val)
{
	const char *colon = find_byte(key, ':', klen);
	size_t base_len = colon ? (size_t)(colon - key) : klen;
	struct manifest_cap *c;
	uint64_t a, b;
	unsigned k;

	for (k = 0; k < sizeof(cap_keys) / sizeof(cap_keys[0]); k++)
		if (key_is(key, base_len, cap_keys[k].key))
			break;
	if (k == sizeof(cap_keys) / sizeof(cap_keys[0])) {
		fail(p, "unknown option '%.*s'", (int)klen, key);
		return;
	}
	if (cap_keys[k].has_value != has_val) {
		fail(p,
		     has_val ? "option '%.*s' takes no value"
			     : "option '%.*s' needs a value",
		     (int)base_len, key);
		return;
	}
	if (s->ncaps == MANIFEST_CAPS_MAX) {
		fail(p, "more than %d capabilities", MANIFEST_CAPS_MAX);
		return;
	}
	c = &s->caps[s->ncaps];
	*c = (struct manifest_cap){.kind = cap_keys[k].kind};
	if (colon) {
		size_t nlen = klen - base_len - 1;

		if (!valid_name(colon + 1, nlen, MANIFEST_NAME_MAX)) {
			fail(p, "bad capability name '%.*s'", (int)nlen,
			     colon + 1);
			return;
		}
		copy_token(c->name, colon + 1, nlen);
	}
	switch (c->kind) {
	case MCAP_IOPORT: {
		const char *dash = find_byte(val, '-', vlen);

		if (!dash ||
		    !parse_number(val, (size_t)(dash - val), false, 0xffff,
				  &a) ||
		    !parse_number(dash + 1, vlen - (size_t)(dash - val) - 1,
				  false, 0xffff, &b) ||
		    a > b) {
			fail(p,
			     "bad port range '%.*s' (FIRST-LAST, at most "
			     "0xffff)",
			     (int)vlen, val);
			return;
		}
		c->first = (uint32_t)a;
		c->last = (uint32_t)b;
		break;
	}
	case MCAP_IRQ:
		if (!parse_number(val, vlen, false, 15, &a)) {
			fail(p, "bad ISA interrupt '%.*s' (0 to 15)", (int)vlen,
			     val);
			return;
		}
		c->first = c->last = (uint32_t)a;
		break;
	case MCAP_ENDPOINT:
		if (!valid_name(val, vlen, MANIFEST_NAME_MAX)) {
			fail(p, "bad server name '%.*s'", (int)vlen, val);
			return;
		}
		copy_token(c->target, val, vlen);
		break;
	case MCAP_DIR:
		if (!path_ok(p, "dir", val, vlen))
			return;
		copy_token(c->path, val, vlen);
		break;
	default:
		break;
	}
	if (!c->name[0]) {
		const char *def =
			c->kind == MCAP_ENDPOINT ? c->target : cap_keys[k].key;

		copy_token(c->name, def, strlen(def));
	}
	for (unsigned i = 0; i < s->ncaps; i++) {
		if (strcmp(s->caps[i].name, c->name) == 0) {
			fail(p, "two capabilities named '%s'", c->name);
			return;
		}
	}
	s->ncaps++;
}

static void args_option(struct parser *p, struct manifest_server *s,
			const char *val, size_t vlen)
{
	size_t start = 0;

	for (size_t i = 0; i <= vlen; i++) {
		if (i < vlen && val[i] != ',')
			continue;
		if (s->nargs == MANIFEST_ARGS_MAX) {
			fail(p, "more than %d arguments", MANIFEST_ARGS_MAX);
			return;
		}
		if (i - start > MANIFEST_ARG_LEN) {
			fail(p, "argument longer than %d characters",
			     MANIFEST_ARG_LEN);
			return;
		}
		copy_token(s->args[s->nargs++], val + start, i - start);
		start = i + 1;
	}
}

static void number_option(struct parser *p, const char *key, size_t klen,
			  const char *val, size_t vlen, bool sized,
			  uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v;

	if (!parse_number(val, vlen, sized, max, &v) || v < min) {
		fail(p, "bad value '%.*s' for %.*s (%llu to %llu)", (int)vlen,
		     val, (int)klen, key, (unsigned long long)min,
		     (unsigned long long)max);
		return;
	}
	*out = v;
}

static void option(struct parser *p, struct manifest_server *s, const char *tok,
		   size_t len)
{
	const char *eq = find_byte(tok, '=', len);
	size_t klen = eq ? (size_t)(eq - tok) : len;
	const char *val = eq ? eq + 1 : "";
	size_t vlen = eq ? len - klen - 1 : 0;
	uint64_t v;

	if (eq && vlen == 0) {
		fail(p, "option '%.*s' has an empty value", (int)klen, tok);
		return;
	}
	if (key_is(tok, klen, "priority") && eq) {
		v = s->priority;
		number_option(p, tok, klen, val, vlen, false, 0, 255, &v);
		s->priority = (unsigned)v;
	} else if (key_is(tok, klen, "memory") && eq) {
		number_option(p, tok, klen, val, vlen, true, 0,
			      MANIFEST_MEMORY_MAX, &s->memory);
	} else if (key_is(tok, klen, "borrow") && eq) {
		number_option(p, tok, klen, val, vlen, true,
			      MANIFEST_BORROW_MIN, MANIFEST_BORROW_MAX,
			      &s->borrow);
	} else if (key_is(tok, klen, "stack") && eq) {
		v = s->stack_pages;
		number_option(p, tok, klen, val, vlen, false, 1,
			      MANIFEST_STACK_MAX, &v);
		s->stack_pages = (unsigned)v;
	} else if (key_is(tok, klen, "restart") && eq) {
		v = s->restart_max;
		number_option(p, tok, klen, val, vlen, false, 0,
			      MANIFEST_RESTART_MAX, &v);
		s->restart_max = (unsigned)v;
	} else if (key_is(tok, klen, "slots") && eq) {
		v = 0;
		number_option(p, tok, klen, val, vlen, false,
			      MANIFEST_SLOTS_MIN, MANIFEST_SLOTS_MAX, &v);
		if (v & (v - 1))
			fail(p, "slots=%llu is not a power of two",
			     (unsigned long long)v);
		else if (v)
			s->cnode_bits = (unsigned)__builtin_ctzll(v);
	} else if (key_is(tok, klen, "devices") && !eq) {
		s->devices = true;
	} else if (key_is(tok, klen, "args") && eq) {
		args_option(p, s, val, vlen);
	} else if (key_is(tok, klen, "mount") && eq) {
		if (path_ok(p, "mount", val, vlen))
			copy_token(s->mount, val, vlen);
	} else {
		cap_option(p, s, tok, klen, val, vlen, eq != NULL);
	}
}

/* One line (without its newline) into *s; false if it holds no server. */
static bool parse_line(struct parser *p, const char *line, size_t len,
		       struct manifest_server *s)
{
	size_t i = 0, ntok = 0;

	*s = (struct manifest_server){
		.line = p->line,
		.priority = MANIFEST_PRIORITY_DEF,
		.stack_pages = MANIFEST_STACK_DEF,
		.restart_max = MANIFEST_RESTART_DEF,
		.cnode_bits = 8, /* MANIFEST_SLOTS_DEF */
	};
	while (i < len && !p->bad) {
		size_t start;

		while (i < len && is_space(line[i]))
			i++;
		if (i == len || line[i] == '#')
			break;
		start = i;
		while (i < len && !is_space(line[i]))
			i++;
		if (ntok == 0) {
			if (!valid_name(line + start, i - start,
					MANIFEST_NAME_MAX))
				fail(p, "bad server name '%.*s'",
				     (int)(i - start), line + start);
			else
				copy_token(s->name, line + start, i - start);
		} else if (ntok == 1) {
			if (!valid_name(line + start, i - start,
					MANIFEST_BINARY_MAX))
				fail(p, "bad binary name '%.*s'",
				     (int)(i - start), line + start);
			else
				copy_token(s->binary, line + start, i - start);
		} else {
			option(p, s, line + start, i - start);
		}
		ntok++;
	}
	if (ntok == 1 && !p->bad)
		fail(p, "server '%s' has no binary", s->name);
	return ntok > 0;
}

const struct manifest_server *manifest_find(const struct manifest_server *s,
					    unsigned n, const char *name)
{
	for (unsigned i = 0; i < n; i++)
		if (strcmp(s[i].name, name) == 0)
			return &s[i];
	return NULL;
}

/* Drop servers whose endpoint options name no server, until none does
 * (dropping one may strand another). */
static unsigned check_endpoints(struct parser *p, struct manifest_server *s,
				unsigned n)
{
	bool changed = true;

	while (changed) {
		changed = false;
		for (unsigned i = 0; i < n; i++) {
			for (unsigned c = 0; c < s[i].ncaps; c++) {
				const struct manifest_cap *cap = &s[i].caps[c];

				if (cap->kind != MCAP_ENDPOINT ||
				    manifest_find(s, n, cap->target))
					continue;
				p->line = s[i].line;
				p->bad = false;
				fail(p, "endpoint '%s': no server of that name",
				     cap->target);
				memmove(&s[i], &s[i + 1],
					(n - i - 1) * sizeof(*s));
				n--;
				i--;
				changed = true;
				break;
			}
		}
	}
	return n;
}

unsigned manifest_parse(const char *text, size_t len,
			struct manifest_server *out, unsigned max,
			manifest_report_fn report, void *ctx)
{
	struct parser p = {.report = report, .ctx = ctx};
	unsigned n = 0;
	size_t pos = 0;

	while (pos < len) {
		const char *nl = find_byte(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		struct manifest_server s;

		p.line++;
		p.bad = false;
		if (end - pos > MANIFEST_LINE_MAX)
			fail(&p, "line longer than %d characters",
			     MANIFEST_LINE_MAX);
		else if (find_byte(text + pos, '\0', end - pos))
			fail(&p, "a NUL byte in the line");
		else if (parse_line(&p, text + pos, end - pos, &s) && !p.bad) {
			if (manifest_find(out, n, s.name))
				fail(&p, "a second server named '%s'", s.name);
			else if (n == max)
				fail(&p, "more than %u servers", max);
			else
				out[n++] = s;
		}
		pos = end + 1;
	}
	return check_endpoints(&p, out, n);
}
