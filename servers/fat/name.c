/*
 * FAT names: UTF-8 <-> UTF-16, validity, case folding, short names and
 * their aliases (name.h).
 */
#include "name.h"

#include <string.h>

/* CP437, the OEM code page short names are read in, bytes 0x80-0xff. */
static const uint16_t cp437_high[128] = {
	0x00c7, 0x00fc, 0x00e9, 0x00e2, 0x00e4, 0x00e0, 0x00e5, 0x00e7, 0x00ea,
	0x00eb, 0x00e8, 0x00ef, 0x00ee, 0x00ec, 0x00c4, 0x00c5, 0x00c9, 0x00e6,
	0x00c6, 0x00f4, 0x00f6, 0x00f2, 0x00fb, 0x00f9, 0x00ff, 0x00d6, 0x00dc,
	0x00a2, 0x00a3, 0x00a5, 0x20a7, 0x0192, 0x00e1, 0x00ed, 0x00f3, 0x00fa,
	0x00f1, 0x00d1, 0x00aa, 0x00ba, 0x00bf, 0x2310, 0x00ac, 0x00bd, 0x00bc,
	0x00a1, 0x00ab, 0x00bb, 0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561,
	0x2562, 0x2556, 0x2555, 0x2563, 0x2551, 0x2557, 0x255d, 0x255c, 0x255b,
	0x2510, 0x2514, 0x2534, 0x252c, 0x251c, 0x2500, 0x253c, 0x255e, 0x255f,
	0x255a, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256c, 0x2567, 0x2568,
	0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256b, 0x256a, 0x2518,
	0x250c, 0x2588, 0x2584, 0x258c, 0x2590, 0x2580, 0x03b1, 0x00df, 0x0393,
	0x03c0, 0x03a3, 0x03c3, 0x00b5, 0x03c4, 0x03a6, 0x0398, 0x03a9, 0x03b4,
	0x221e, 0x03c6, 0x03b5, 0x2229, 0x2261, 0x00b1, 0x2265, 0x2264, 0x2320,
	0x2321, 0x00f7, 0x2248, 0x00b0, 0x2219, 0x00b7, 0x221a, 0x207f, 0x00b2,
	0x25a0, 0x00a0,
};

int fat_name_dots(const char *name, size_t len)
{
	if (len == 1 && name[0] == '.')
		return 1;
	if (len == 2 && name[0] == '.' && name[1] == '.')
		return 2;
	return 0;
}

/* A character no FAT long name may hold. */
static bool bad_char(uint32_t c)
{
	return c < 0x20 || c == 0x7f || c == '"' || c == '*' || c == '/' ||
	       c == ':' || c == '<' || c == '>' || c == '?' || c == '\\' ||
	       c == '|';
}

/* One code point from UTF-8 at s[*i], *i advanced; false if malformed
 * (truncated, overlong, a surrogate, above U+10FFFF). */
static bool utf8_next(const unsigned char *s, size_t len, size_t *i,
		      uint32_t *cp)
{
	unsigned char b = s[*i];
	uint32_t c;
	size_t more;

	if (b < 0x80) {
		c = b;
		more = 0;
	} else if ((b & 0xe0) == 0xc0) {
		c = b & 0x1f;
		more = 1;
	} else if ((b & 0xf0) == 0xe0) {
		c = b & 0x0f;
		more = 2;
	} else if ((b & 0xf8) == 0xf0) {
		c = b & 0x07;
		more = 3;
	} else {
		return false;
	}
	if (len - *i <= more)
		return false;
	for (size_t k = 1; k <= more; k++) {
		if ((s[*i + k] & 0xc0) != 0x80)
			return false;
		c = c << 6 | (s[*i + k] & 0x3f);
	}
	static const uint32_t least[4] = {0, 0x80, 0x800, 0x10000};
	if (c < least[more] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return false;
	*i += more + 1;
	*cp = c;
	return true;
}

enum pith_error fat_name_parse(const char *name, size_t len, uint16_t *out,
			       uint32_t *n)
{
	const unsigned char *s = (const unsigned char *)name;
	uint32_t k = 0;

	if (len == 0 || fat_name_dots(name, len))
		return PITH_E_INVALID_ARGUMENT;
	/* Trailing dots and spaces are not part of a FAT name. */
	while (len > 0 && (s[len - 1] == '.' || s[len - 1] == ' '))
		len--;
	if (len == 0)
		return PITH_E_NAME_TOO_LONG;
	for (size_t i = 0; i < len;) {
		uint32_t c;

		if (!utf8_next(s, len, &i, &c) || bad_char(c))
			return PITH_E_NAME_TOO_LONG;
		if (c >= 0x10000) {
			if (k + 2 > FAT_LFN_MAX)
				return PITH_E_NAME_TOO_LONG;
			c -= 0x10000;
			out[k++] = (uint16_t)(0xd800 | c >> 10);
			out[k++] = (uint16_t)(0xdc00 | (c & 0x3ff));
		} else {
			if (k + 1 > FAT_LFN_MAX)
				return PITH_E_NAME_TOO_LONG;
			out[k++] = (uint16_t)c;
		}
	}
	*n = k;
	return PITH_OK;
}

bool fat_name_lfn_ok(const uint16_t *u, uint32_t n)
{
	if (n == 0 || n > FAT_LFN_MAX)
		return false;
	if (u[n - 1] == '.' || u[n - 1] == ' ')
		return false;
	if (n == 1 && u[0] == '.')
		return false;
	for (uint32_t i = 0; i < n; i++) {
		uint16_t c = u[i];

		if (c >= 0xd800 && c <= 0xdbff) {
			if (i + 1 >= n || u[i + 1] < 0xdc00 ||
			    u[i + 1] > 0xdfff)
				return false;
			i++;
		} else if ((c >= 0xdc00 && c <= 0xdfff) || bad_char(c)) {
			return false;
		}
	}
	return true;
}

size_t fat_name_utf8(const uint16_t *u, uint32_t n, char *out)
{
	unsigned char *o = (unsigned char *)out;
	size_t k = 0;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t c = u[i];

		if (c >= 0xd800 && c <= 0xdbff && i + 1 < n &&
		    u[i + 1] >= 0xdc00 && u[i + 1] <= 0xdfff) {
			c = 0x10000 + ((c - 0xd800) << 10) +
			    (u[i + 1] - 0xdc00);
			i++;
		} else if (c >= 0xd800 && c <= 0xdfff) {
			c = 0xfffd; /* a lone surrogate (never accepted) */
		}
		if (c < 0x80) {
			o[k++] = (unsigned char)c;
		} else if (c < 0x800) {
			o[k++] = (unsigned char)(0xc0 | c >> 6);
			o[k++] = (unsigned char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			o[k++] = (unsigned char)(0xe0 | c >> 12);
			o[k++] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
			o[k++] = (unsigned char)(0x80 | (c & 0x3f));
		} else {
			o[k++] = (unsigned char)(0xf0 | c >> 18);
			o[k++] = (unsigned char)(0x80 | (c >> 12 & 0x3f));
			o[k++] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
			o[k++] = (unsigned char)(0x80 | (c & 0x3f));
		}
	}
	return k;
}

static uint16_t fold(uint16_t c)
{
	return c >= 'a' && c <= 'z' ? (uint16_t)(c - 'a' + 'A') : c;
}

bool fat_name_equal(const uint16_t *a, uint32_t an, const uint16_t *b,
		    uint32_t bn)
{
	if (an != bn)
		return false;
	for (uint32_t i = 0; i < an; i++)
		if (fold(a[i]) != fold(b[i]))
			return false;
	return true;
}

bool fat_name_short_equal(const uint8_t a[11], const uint8_t b[11])
{
	for (int i = 0; i < 11; i++)
		if (fold(a[i]) != fold(b[i]))
			return false;
	return true;
}

/* One byte of a short name as a character of a name. */
static uint16_t short_char(uint8_t b, bool lower)
{
	if (b >= 0x80)
		return cp437_high[b - 0x80];
	if (b < 0x20 || b == 0x7f || b == '/' || b == '\\')
		return '_';
	if (lower && b >= 'A' && b <= 'Z')
		return (uint16_t)(b - 'A' + 'a');
	return b;
}

/* Length of a space-padded field. */
static uint32_t trimmed(const uint8_t *f, uint32_t len)
{
	while (len > 0 && f[len - 1] == ' ')
		len--;
	return len;
}

uint32_t fat_name_short_u16(const uint8_t sn[11], uint8_t flags, uint16_t *out)
{
	uint32_t nb = trimmed(sn, 8), ne = trimmed(sn + 8, 3), k = 0;

	for (uint32_t i = 0; i < nb; i++) {
		uint8_t b = i == 0 && sn[0] == 0x05 ? 0xe5 : sn[i];

		out[k++] = short_char(b, flags & 0x08);
	}
	if (k == 0)
		out[k++] = '_';
	if (ne > 0) {
		out[k++] = '.';
		for (uint32_t i = 0; i < ne; i++)
			out[k++] = short_char(sn[8 + i], flags & 0x10);
	}
	return k;
}

void fat_name_short_text(const uint8_t sn[11], char out[13])
{
	uint16_t u[12];
	uint32_t n = fat_name_short_u16(sn, 0, u);

	for (uint32_t i = 0; i < n; i++)
		out[i] = u[i] < 0x80 ? (char)u[i] : '?';
	out[n] = '\0';
}

uint8_t fat_name_checksum(const uint8_t sn[11])
{
	uint8_t sum = 0;

	for (int i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + sn[i]);
	return sum;
}

/* A character as it goes into a short name: upper case; '_' if a short
 * name cannot hold it (*lossy set). */
static uint8_t short_byte(uint16_t c, bool *lossy, bool *cased)
{
	static const char ok[] = "!#$%&'()-@^_`{}~";

	if (c >= 'a' && c <= 'z') {
		*cased = true;
		return (uint8_t)(c - 'a' + 'A');
	}
	if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return (uint8_t)c;
	for (const char *p = ok; *p; p++)
		if (c == (uint8_t)*p)
			return (uint8_t)c;
	*lossy = true;
	return '_';
}

/* Copy u[from, to) into a short-name field of `cap` bytes, dropping
 * spaces and dots; returns the bytes used. */
static uint32_t short_field(const uint16_t *u, uint32_t from, uint32_t to,
			    uint8_t *field, uint32_t cap, bool *lossy,
			    bool *cased)
{
	uint32_t k = 0;

	for (uint32_t i = from; i < to; i++) {
		uint16_t c = u[i];

		if (c == ' ' || c == '.') {
			*lossy = true;
			continue;
		}
		if (c >= 0xdc00 && c <= 0xdfff)
			continue; /* a pair's second half: one '_' for both */
		if (k == cap) {
			*lossy = true;
			break;
		}
		field[k++] = short_byte(c, lossy, cased);
	}
	return k;
}

void fat_name_basis(const uint16_t *u, uint32_t n, uint8_t basis[11],
		    bool *exact, bool *lossless)
{
	bool lossy = false, cased = false;
	uint32_t start = 0, dot = n;

	memset(basis, ' ', 11);
	while (start < n && (u[start] == '.' || u[start] == ' '))
		start++;
	if (start > 0)
		lossy = true;
	for (uint32_t i = n; i > start; i--) {
		if (u[i - 1] == '.') {
			dot = i - 1;
			break;
		}
	}
	if (short_field(u, start, dot, basis, 8, &lossy, &cased) == 0) {
		basis[0] = '_';
		lossy = true;
	}
	if (dot < n)
		short_field(u, dot + 1, n, basis + 8, 3, &lossy, &cased);
	*lossless = !lossy;
	*exact = !lossy && !cased;
}

void fat_name_tail(const uint8_t basis[11], uint32_t num, uint8_t out[11])
{
	char digits[8];
	uint32_t nd = 0, keep = trimmed(basis, 8);

	do {
		digits[nd++] = (char)('0' + num % 10);
		num /= 10;
	} while (num > 0 && nd < 7);
	if (keep > 8 - 1 - nd)
		keep = 8 - 1 - nd;
	memset(out, ' ', 11);
	memcpy(out, basis, keep);
	out[keep] = '~';
	for (uint32_t i = 0; i < nd; i++)
		out[keep + 1 + i] = (uint8_t)digits[nd - 1 - i];
	memcpy(out + 8, basis + 8, 3);
}

uint32_t fat_name_tail_num(const uint8_t basis[11], const uint8_t sn[11])
{
	uint32_t len = trimmed(sn, 8), t = len, num = 0;
	uint8_t again[11];

	while (t > 0 && sn[t - 1] >= '0' && sn[t - 1] <= '9')
		t--;
	/* sn[t..len) are the digits, sn[t - 1] must be the '~' */
	if (t < 2 || t == len || sn[t - 1] != '~' || sn[t] == '0' ||
	    len - t > 6)
		return 0;
	for (uint32_t i = t; i < len; i++)
		num = num * 10 + (uint32_t)(sn[i] - '0');
	fat_name_tail(basis, num, again);
	return fat_name_short_equal(again, sn) ? num : 0;
}
