/*
 * Host tests for servers/kbd/keymap.c: scancode set 1 to the bytes a
 * terminal sends. Every key plain, with shift (either), with caps lock
 * and both; Ctrl and Alt; the extended keys and the keypad with num lock
 * off and on; releases, prefixes, Pause and the controller's replies;
 * and random scancode streams, after which the state must still be
 * consistent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "keymap.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define LSHIFT 0x2a
#define RSHIFT 0x36
#define CTRL   0x1d
#define ALT    0x38
#define CAPS   0x3a
#define NUM    0x45
#define EXT    0xe0
#define REL    0x80

/* Feed a scancode sequence; everything it yields, as a string. */
static const char *feed(struct keymap *k, const uint8_t *codes, size_t n)
{
	static char got[512];
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		/* Exactly KEYMAP_OUT_MAX bytes of heap: ASan catches more. */
		uint8_t *out = malloc(KEYMAP_OUT_MAX);
		size_t m;

		assert_non_null(out);
		m = keymap_feed(k, codes[i], out);
		assert_true(m <= KEYMAP_OUT_MAX);
		assert_true(len + m < sizeof(got));
		memcpy(got + len, out, m);
		len += m;
		free(out);
	}
	got[len] = '\0';
	return got;
}

#define FEED(k, ...)                                                           \
	feed((k), (const uint8_t[]){__VA_ARGS__},                              \
	     sizeof((const uint8_t[]){__VA_ARGS__}))

/* A key pressed and released on its own. */
static const char *tap(struct keymap *k, uint8_t code)
{
	return FEED(k, code, code | REL);
}

/* The character keys of a US layout: make code, plain, shifted. */
static const struct {
	uint8_t code;
	char plain, shifted;
} chars[] = {
	{0x02, '1', '!'},  {0x03, '2', '@'},  {0x04, '3', '#'},
	{0x05, '4', '$'},  {0x06, '5', '%'},  {0x07, '6', '^'},
	{0x08, '7', '&'},  {0x09, '8', '*'},  {0x0a, '9', '('},
	{0x0b, '0', ')'},  {0x0c, '-', '_'},  {0x0d, '=', '+'},
	{0x10, 'q', 'Q'},  {0x11, 'w', 'W'},  {0x12, 'e', 'E'},
	{0x13, 'r', 'R'},  {0x14, 't', 'T'},  {0x15, 'y', 'Y'},
	{0x16, 'u', 'U'},  {0x17, 'i', 'I'},  {0x18, 'o', 'O'},
	{0x19, 'p', 'P'},  {0x1a, '[', '{'},  {0x1b, ']', '}'},
	{0x1e, 'a', 'A'},  {0x1f, 's', 'S'},  {0x20, 'd', 'D'},
	{0x21, 'f', 'F'},  {0x22, 'g', 'G'},  {0x23, 'h', 'H'},
	{0x24, 'j', 'J'},  {0x25, 'k', 'K'},  {0x26, 'l', 'L'},
	{0x27, ';', ':'},  {0x28, '\'', '"'}, {0x29, '`', '~'},
	{0x2b, '\\', '|'}, {0x2c, 'z', 'Z'},  {0x2d, 'x', 'X'},
	{0x2e, 'c', 'C'},  {0x2f, 'v', 'V'},  {0x30, 'b', 'B'},
	{0x31, 'n', 'N'},  {0x32, 'm', 'M'},  {0x33, ',', '<'},
	{0x34, '.', '>'},  {0x35, '/', '?'},  {0x39, ' ', ' '},
	{0x37, '*', '*'},  {0x4a, '-', '-'},  {0x4e, '+', '+'},
	{0x56, '\\', '|'},
};

static bool is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static void expect(const char *got, const char *want, uint8_t code)
{
	if (strcmp(got, want) != 0)
		fail_msg("scancode 0x%02x: got \"%s\" (%zu bytes), want \"%s\"",
			 code, got, strlen(got), want);
}

static void test_plain_keys(void **state)
{
	struct keymap k;
	char want[2] = {0};

	(void)state;
	keymap_init(&k);
	for (size_t i = 0; i < NELEM(chars); i++) {
		want[0] = chars[i].plain;
		expect(tap(&k, chars[i].code), want, chars[i].code);
	}
	expect(tap(&k, 0x01), "\x1b", 0x01);
	expect(tap(&k, 0x0e), "\x7f", 0x0e);
	expect(tap(&k, 0x0f), "\t", 0x0f);
	expect(tap(&k, 0x1c), "\r", 0x1c);
}

static void test_shift(void **state)
{
	const uint8_t shifts[] = {LSHIFT, RSHIFT};
	struct keymap k;
	char want[2] = {0};

	(void)state;
	keymap_init(&k);
	for (size_t s = 0; s < NELEM(shifts); s++) {
		FEED(&k, shifts[s]);
		for (size_t i = 0; i < NELEM(chars); i++) {
			want[0] = chars[i].shifted;
			expect(tap(&k, chars[i].code), want, chars[i].code);
		}
		/* Shift does not change Escape, Backspace, Enter. */
		expect(tap(&k, 0x01), "\x1b", 0x01);
		expect(tap(&k, 0x0e), "\x7f", 0x0e);
		expect(tap(&k, 0x1c), "\r", 0x1c);
		FEED(&k, shifts[s] | REL);
		expect(tap(&k, 0x1e), "a", 0x1e);
	}
	/* Both held, one let go: still shifted. */
	FEED(&k, LSHIFT, RSHIFT, LSHIFT | REL);
	expect(tap(&k, 0x1e), "A", 0x1e);
	FEED(&k, RSHIFT | REL);
	expect(tap(&k, 0x1e), "a", 0x1e);
}

static void test_caps_lock(void **state)
{
	struct keymap k;
	char want[2] = {0};

	(void)state;
	keymap_init(&k);
	FEED(&k, CAPS, CAPS | REL);
	assert_true(k.locks & KEYMAP_CAPS_LOCK);
	for (size_t i = 0; i < NELEM(chars); i++) {
		want[0] = is_letter(chars[i].plain) ? chars[i].shifted
						    : chars[i].plain;
		expect(tap(&k, chars[i].code), want, chars[i].code);
	}
	/* With shift, letters go back to lower case; the rest shift. */
	FEED(&k, LSHIFT);
	for (size_t i = 0; i < NELEM(chars); i++) {
		want[0] = is_letter(chars[i].plain) ? chars[i].plain
						    : chars[i].shifted;
		expect(tap(&k, chars[i].code), want, chars[i].code);
	}
	FEED(&k, LSHIFT | REL);
	/* Held down, the key repeats its make code: one toggle only. */
	FEED(&k, CAPS, CAPS, CAPS | REL);
	assert_false(k.locks & KEYMAP_CAPS_LOCK);
	expect(tap(&k, 0x1e), "a", 0x1e);
	/* An extended 0x3a is not caps lock. */
	FEED(&k, EXT, CAPS, EXT, CAPS | REL);
	assert_false(k.locks & KEYMAP_CAPS_LOCK);
}

static void test_ctrl(void **state)
{
	static const struct {
		uint8_t code;
		const char *want;
	} specials[] = {
		{0x1a, "\x1b"}, {0x2b, "\x1c"}, {0x1b, "\x1d"}, {0x07, "\x1e"},
		{0x0c, "\x1f"}, {0x35, "\x1f"}, {0x0e, "\x08"}, {0x02, "1"},
		{0x0f, "\t"},	{0x1c, "\r"},	{0x01, "\x1b"},
	};
	struct keymap k;
	char want[2] = {0};

	(void)state;
	keymap_init(&k);
	for (int right = 0; right < 2; right++) {
		if (right)
			FEED(&k, EXT, CTRL);
		else
			FEED(&k, CTRL);
		for (size_t i = 0; i < NELEM(chars); i++) {
			if (!is_letter(chars[i].plain))
				continue;
			want[0] = (char)(chars[i].plain - 'a' + 1);
			expect(tap(&k, chars[i].code), want, chars[i].code);
		}
		for (size_t i = 0; i < NELEM(specials); i++)
			expect(tap(&k, specials[i].code), specials[i].want,
			       specials[i].code);
		/* Ctrl+2 and Ctrl+space are NUL: one byte, 0. */
		assert_int_equal(keymap_feed(&k, 0x03, (uint8_t[8]){0}), 1);
		assert_int_equal(keymap_feed(&k, 0x39, (uint8_t[8]){0}), 1);
		/* With shift too: still the control code. */
		FEED(&k, LSHIFT);
		expect(tap(&k, 0x2e), "\x03", 0x2e);
		FEED(&k, LSHIFT | REL);
		if (right)
			FEED(&k, EXT, CTRL | REL);
		else
			FEED(&k, CTRL | REL);
		expect(tap(&k, 0x2e), "c", 0x2e);
	}
	/* Caps lock does not change a control code. */
	FEED(&k, CAPS, CAPS | REL, CTRL);
	expect(tap(&k, 0x2e), "\x03", 0x2e);
}

static void test_alt(void **state)
{
	struct keymap k;

	(void)state;
	keymap_init(&k);
	FEED(&k, ALT);
	expect(tap(&k, 0x30),
	       "\x1b"
	       "b",
	       0x30);
	expect(FEED(&k, EXT, 0x48, EXT, 0x48 | REL), "\x1b\x1b[A", 0x48);
	expect(tap(&k, 0x3f), "\x1b\x1b[15~", 0x3f); /* F5: the longest */
	FEED(&k, ALT | REL);
	expect(tap(&k, 0x30), "b", 0x30);
	FEED(&k, EXT, ALT); /* right Alt */
	expect(tap(&k, 0x30),
	       "\x1b"
	       "b",
	       0x30);
	FEED(&k, EXT, ALT | REL);
	expect(tap(&k, 0x30), "b", 0x30);
	/* Alt alone, and with a key that yields nothing, yields nothing. */
	expect(FEED(&k, ALT, 0x46, 0x46 | REL, ALT | REL), "", ALT);
}

static const struct {
	uint8_t code;
	const char *want;
} extended[] = {
	{0x48, "\x1b[A"},  {0x50, "\x1b[B"},  {0x4d, "\x1b[C"},
	{0x4b, "\x1b[D"},  {0x47, "\x1b[H"},  {0x4f, "\x1b[F"},
	{0x52, "\x1b[2~"}, {0x53, "\x1b[3~"}, {0x49, "\x1b[5~"},
	{0x51, "\x1b[6~"}, {0x1c, "\r"},      {0x35, "/"},
	{0x37, ""}, /* Print Screen */
	{0x5b, ""}, /* the Windows keys, Menu */
	{0x5c, ""},	   {0x5d, ""},
};

static void test_extended_keys(void **state)
{
	struct keymap k;

	(void)state;
	keymap_init(&k);
	for (int pass = 0; pass < 2; pass++) {
		/* The same with shift, and with num lock (both ignored by
		 * the dedicated keys). */
		for (size_t i = 0; i < NELEM(extended); i++)
			expect(FEED(&k, EXT, extended[i].code, EXT,
				    extended[i].code | REL),
			       extended[i].want, extended[i].code);
		FEED(&k, NUM, NUM | REL);
	}
	FEED(&k, LSHIFT);
	for (size_t i = 0; i < NELEM(extended); i++)
		expect(FEED(&k, EXT, extended[i].code), extended[i].want,
		       extended[i].code);
	/* Fake shifts around extended keys change nothing. */
	FEED(&k, LSHIFT | REL);
	expect(FEED(&k, EXT, LSHIFT, EXT, 0x48, EXT, 0x48 | REL, EXT,
		    LSHIFT | REL),
	       "\x1b[A", 0x48);
	expect(tap(&k, 0x1e), "a", 0x1e);
	FEED(&k, LSHIFT);
	expect(FEED(&k, EXT, LSHIFT | REL, EXT, RSHIFT | REL), "", LSHIFT);
	expect(tap(&k, 0x1e), "A", 0x1e); /* the real shift is still down */
	FEED(&k, LSHIFT | REL);
	/* The prefix holds for one byte only: then keypad 8. */
	FEED(&k, NUM, NUM | REL);
	expect(FEED(&k, EXT, 0x48 | REL, 0x48), "8", 0x48);
	expect(FEED(&k, 0x48), "8", 0x48);
}

static void test_keypad(void **state)
{
	static const char *const off[] = {
		"\x1b[H",  "\x1b[A",  "\x1b[5~", "-",	   "\x1b[D",
		"",	   "\x1b[C",  "+",	 "\x1b[F", "\x1b[B",
		"\x1b[6~", "\x1b[2~", "\x1b[3~",
	};
	static const char on[] = "789-456+1230.";
	struct keymap k;
	char want[2] = {0};

	(void)state;
	keymap_init(&k);
	assert_false(k.locks & KEYMAP_NUM_LOCK);
	for (uint8_t c = 0x47; c <= 0x53; c++)
		expect(tap(&k, c), off[c - 0x47], c);
	FEED(&k, NUM, NUM, NUM | REL); /* repeated: one toggle */
	assert_true(k.locks & KEYMAP_NUM_LOCK);
	for (uint8_t c = 0x47; c <= 0x53; c++) {
		want[0] = on[c - 0x47];
		expect(tap(&k, c), want, c);
	}
	expect(tap(&k, 0x37), "*", 0x37);
	FEED(&k, NUM, NUM | REL);
	expect(tap(&k, 0x48), "\x1b[A", 0x48);
}

static void test_function_keys(void **state)
{
	static const char *const f[] = {
		"\x1bOP",   "\x1bOQ",	"\x1bOR",   "\x1bOS",
		"\x1b[15~", "\x1b[17~", "\x1b[18~", "\x1b[19~",
		"\x1b[20~", "\x1b[21~", "\x1b[23~", "\x1b[24~",
	};
	struct keymap k;

	(void)state;
	keymap_init(&k);
	for (uint8_t c = 0x3b; c <= 0x44; c++)
		expect(tap(&k, c), f[c - 0x3b], c);
	expect(tap(&k, 0x57), f[10], 0x57);
	expect(tap(&k, 0x58), f[11], 0x58);
	/* Shift+Tab: back-tab. */
	expect(FEED(&k, LSHIFT, 0x0f, 0x0f | REL, LSHIFT | REL), "\x1b[Z",
	       0x0f);
}

/* Every release yields nothing; releases of keys never pressed too. */
static void test_releases(void **state)
{
	struct keymap k;

	(void)state;
	keymap_init(&k);
	for (unsigned c = 0x80; c < 0x100; c++) {
		if (c == EXT || c == 0xe1)
			continue;
		expect(FEED(&k, (uint8_t)c), "", (uint8_t)c);
		expect(FEED(&k, EXT, (uint8_t)c), "", (uint8_t)c);
	}
	assert_int_equal(k.mods, 0);
	/* Modifiers let go: plain again. */
	FEED(&k, LSHIFT, CTRL, ALT);
	FEED(&k, LSHIFT | REL, CTRL | REL, ALT | REL);
	expect(tap(&k, 0x1e), "a", 0x1e);
}

static void test_pause_and_replies(void **state)
{
	struct keymap k;

	(void)state;
	keymap_init(&k);
	/* Pause: E1 1D 45 E1 9D C5; nothing, and Ctrl is not left down. */
	expect(FEED(&k, 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5), "", 0xe1);
	assert_int_equal(k.mods, 0);
	assert_false(k.locks & KEYMAP_NUM_LOCK);
	expect(tap(&k, 0x1e), "a", 0x1e);
	/* ACK, resend, echo, errors, BAT passed. */
	expect(FEED(&k, 0xfa, 0xfe, 0xee, 0x00, 0xff), "", 0xfa);
	expect(tap(&k, 0x1e), "a", 0x1e);
	/* Codes no key has. */
	for (uint8_t c = 0x59; c < 0x80; c++)
		expect(tap(&k, c), "", c);
	expect(tap(&k, 0x1e), "a", 0x1e);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* A byte a keyboard might send: mostly real makes and breaks, some
 * prefixes, some noise. */
static uint8_t random_code(void)
{
	uint64_t r = rng();

	switch (r % 8) {
	case 0:
		return EXT;
	case 1:
		return (r >> 8) % 64 == 0 ? 0xe1 : (uint8_t)(r >> 16);
	case 2:
	case 3:
		return (uint8_t)((r >> 8) % 0x59) | REL;
	default:
		return (uint8_t)((r >> 8) % 0x59);
	}
}

/*
 * Random scancode streams: no output is longer than KEYMAP_OUT_MAX
 * (feed() checks, on an exact heap buffer), every byte out is one a
 * keyboard can type, and after letting go of every modifier the state
 * is consistent: 'a' comes out in the case caps lock says.
 */
static void test_random_streams(void **state)
{
	struct keymap k;
	uint8_t codes[64];
	const char *got;

	(void)state;
	for (int run = 0; run < 20000; run++) {
		size_t n = 1 + rng() % NELEM(codes);

		keymap_init(&k);
		for (size_t i = 0; i < n; i++)
			codes[i] = random_code();
		got = feed(&k, codes, n);
		for (const char *p = got; *p; p++)
			assert_true((*p >= 0x20 && *p < 0x7f) || *p == 0x1b ||
				    *p == '\r' || *p == '\t' || *p == 0x7f ||
				    (*p > 0 && *p < 0x20));
		/* Flush a Pause sequence and a prefix, let go of all. */
		FEED(&k, 0x80, 0x80, 0x80, LSHIFT | REL, RSHIFT | REL,
		     CTRL | REL, ALT | REL, EXT, CTRL | REL, EXT, ALT | REL,
		     CAPS | REL, NUM | REL);
		assert_int_equal(k.mods, 0);
		assert_int_equal(k.prefix, 0);
		assert_int_equal(k.skip, 0);
		expect(tap(&k, 0x1e), (k.locks & KEYMAP_CAPS_LOCK) ? "A" : "a",
		       0x1e);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_keys),
		cmocka_unit_test(test_shift),
		cmocka_unit_test(test_caps_lock),
		cmocka_unit_test(test_ctrl),
		cmocka_unit_test(test_alt),
		cmocka_unit_test(test_extended_keys),
		cmocka_unit_test(test_keypad),
		cmocka_unit_test(test_function_keys),
		cmocka_unit_test(test_releases),
		cmocka_unit_test(test_pause_and_replies),
		cmocka_unit_test(test_random_streams),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
