/*
 * printf-style formatting (see include/lib/format.h).
 */
#include "lib/format.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

/* Widths and precisions are clamped here: no output of Pith needs more,
 * and it keeps the arithmetic on them from overflowing. */
#define FMT_FIELD_MAX 4096

struct spec {
	bool left;     /* '-': pad on the right */
	bool zero;     /* '0': pad numbers with zeros */
	int width;     /* minimum field width */
	int precision; /* -1 if none */
	int length;    /* 0 int, 1 long, 2 long long / 64-bit, -1 short... */
};

struct out {
	fmt_sink sink;
	void *ctx;
	int n;
};

static void put(struct out *o, char c)
{
	o->sink(c, o->ctx);
	o->n++;
}

static void pad(struct out *o, char c, int count)
{
	while (count-- > 0)
		put(o, c);
}

static void put_str(struct out *o, const struct spec *sp, const char *s)
{
	int len = 0;

	if (!s)
		s = "(null)";
	while (s[len] && (sp->precision < 0 || len < sp->precision))
		len++;
	if (!sp->left)
		pad(o, ' ', sp->width - len);
	for (int i = 0; i < len; i++)
		put(o, s[i]);
	if (sp->left)
		pad(o, ' ', sp->width - len);
}

static void put_num(struct out *o, const struct spec *sp, uint64_t v,
		    bool negative, unsigned base, bool upper,
		    const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	int len = 0, plen = 0, zeros = 0, total;

	do {
		buf[len++] = digits[v % base];
		v /= base;
	} while (v);
	if (sp->precision == 0 && len == 1 && buf[0] == '0')
		len = 0; /* "%.0d" of zero prints nothing */
	if (negative)
		prefix = "-";
	while (prefix && prefix[plen])
		plen++;
	if (sp->precision > len)
		zeros = sp->precision - len;
	else if (sp->zero && !sp->left && sp->precision < 0 &&
		 sp->width > len + plen)
		zeros = sp->width - len - plen;
	total = plen + zeros + len;

	if (!sp->left)
		pad(o, ' ', sp->width - total);
	for (int i = 0; i < plen; i++)
		put(o, prefix[i]);
	pad(o, '0', zeros);
	while (len)
		put(o, buf[--len]);
	if (sp->left)
		pad(o, ' ', sp->width - total);
}

/* A width or precision from '*': its magnitude, clamped; *negative is set
 * if it was below zero. */
static int clamp_field(int v, bool *negative)
{
	if (v < 0) {
		*negative = true;
		return v < -FMT_FIELD_MAX ? FMT_FIELD_MAX : -v;
	}
	return v > FMT_FIELD_MAX ? FMT_FIELD_MAX : v;
}

/* Digits of a width or precision, added to *v and clamped. */
static const char *parse_number(const char *f, int *v)
{
	for (; *f >= '0' && *f <= '9'; f++) {
		*v = *v * 10 + (*f - '0');
		if (*v > FMT_FIELD_MAX)
			*v = FMT_FIELD_MAX;
	}
	return f;
}

/* Parse flags, width, precision and length; returns the conversion char. */
static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){.precision = -1};
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else if (*f != ' ' && *f != '+' && *f != '#')
			break;
	}
	if (*f == '*') {
		sp->width = clamp_field(va_arg(*ap, int), &sp->left);
		f++;
	}
	f = parse_number(f, &sp->width);
	if (*f == '.') {
		sp->precision = 0;
		if (*++f == '*') {
			bool negative = false;

			sp->precision =
				clamp_field(va_arg(*ap, int), &negative);
			if (negative) /* a negative precision means none */
				sp->precision = -1;
			f++;
		}
		f = parse_number(f, &sp->precision);
	}
	for (;; f++) {
		if (*f == 'l' || *f == 'z' || *f == 't' || *f == 'j')
			sp->length = 2; /* all 64-bit on x86-64 */
		else if (*f == 'h')
			sp->length--;
		else
			return f;
	}
}

static uint64_t get_unsigned(const struct spec *sp, va_list *ap)
{
	if (sp->length >= 1)
		return va_arg(*ap, unsigned long long);
	if (sp->length == -1)
		return (unsigned short)va_arg(*ap, unsigned int);
	if (sp->length <= -2)
		return (unsigned char)va_arg(*ap, unsigned int);
	return va_arg(*ap, unsigned int);
}

static int64_t get_signed(const struct spec *sp, va_list *ap)
{
	if (sp->length >= 1)
		return va_arg(*ap, long long);
	if (sp->length == -1)
		return (short)va_arg(*ap, int);
	if (sp->length <= -2)
		return (signed char)va_arg(*ap, int);
	return va_arg(*ap, int);
}

static void convert(struct out *o, char c, struct spec *sp, va_list *ap)
{
	int64_t s;
	char ch;

	switch (c) {
	case 'c':
		ch = (char)va_arg(*ap, int);
		if (!sp->left)
			pad(o, ' ', sp->width - 1);
		put(o, ch);
		if (sp->left)
			pad(o, ' ', sp->width - 1);
		break;
	case 's':
		put_str(o, sp, va_arg(*ap, const char *));
		break;
	case 'd':
	case 'i':
		s = get_signed(sp, ap);
		put_num(o, sp, s < 0 ? -(uint64_t)s : (uint64_t)s, s < 0, 10,
			false, NULL);
		break;
	case 'u':
		put_num(o, sp, get_unsigned(sp, ap), false, 10, false, NULL);
		break;
	case 'x':
	case 'X':
		put_num(o, sp, get_unsigned(sp, ap), false, 16, c == 'X', NULL);
		break;
	case 'o':
		put_num(o, sp, get_unsigned(sp, ap), false, 8, false, NULL);
		break;
	case 'p':
		sp->precision = 16;
		put_num(o, sp, (uintptr_t)va_arg(*ap, void *), false, 16, false,
			"0x");
		break;
	default: /* "%%" and unknown conversions print themselves */
		put(o, c);
		break;
	}
}

int fmt_vformat(fmt_sink sink, void *ctx, const char *fmt, va_list ap)
{
	struct out o = {sink, ctx, 0};
	struct spec sp;
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp, &args);
		if (!*fmt)
			break;
		convert(&o, *fmt++, &sp, &args);
	}
	va_end(args);
	return o.n;
}

struct buf {
	char *p;
	size_t size;
	size_t len;
};

static void buf_sink(char c, void *ctx)
{
	struct buf *b = ctx;

	if (b->len + 1 < b->size)
		b->p[b->len] = c;
	b->len++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf b = {buf, size, 0};
	int n = fmt_vformat(buf_sink, &b, fmt, ap);

	if (size > 0)
		buf[b.len < size ? b.len : size - 1] = '\0';
	return n;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
