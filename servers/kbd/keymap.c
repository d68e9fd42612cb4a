/*
 * Scancode set 1 to terminal bytes (keymap.h).
 */
#include "keymap.h"

#include "lib/string.h"

#define ESC	     0x1b
#define RELEASE	     0x80
#define PREFIX_EXT   0xe0
#define PREFIX_PAUSE 0xe1
#define PAUSE_REST   2 /* E1 then two bytes, for the make and the break */

/* Make codes of the keys the tables below do not cover. */
enum {
	SC_LSHIFT = 0x2a,
	SC_RSHIFT = 0x36,
	SC_CTRL = 0x1d,
	SC_ALT = 0x38,
	SC_CAPS = 0x3a,
	SC_NUM = 0x45,
	SC_F1 = 0x3b,
	SC_F10 = 0x44,
	SC_F11 = 0x57,
	SC_F12 = 0x58,
	SC_KP_FIRST = 0x47, /* keypad 7 (Home) */
	SC_KP_LAST = 0x53,  /* keypad . (Delete) */
	SC_KP_MINUS = 0x4a,
	SC_KP_PLUS = 0x4e,
	SC_ENTER = 0x1c,
	SC_TAB = 0x0f,
	SC_SLASH = 0x35,
	SC_TABLE = 0x59, /* the tables cover codes below this */
};

/* The character keys of a US layout, without and with shift (0: not a
 * character key). Keypad * - + are here; the other keypad keys depend on
 * num lock. 0x56 is the extra key of ISO keyboards, next to left shift. */
static const char plain[SC_TABLE] = {
	[0x01] = ESC,  [0x02] = '1',  [0x03] = '2',  [0x04] = '3',
	[0x05] = '4',  [0x06] = '5',  [0x07] = '6',  [0x08] = '7',
	[0x09] = '8',  [0x0a] = '9',  [0x0b] = '0',  [0x0c] = '-',
	[0x0d] = '=',  [0x0e] = 0x7f, [0x0f] = '\t', [0x10] = 'q',
	[0x11] = 'w',  [0x12] = 'e',  [0x13] = 'r',  [0x14] = 't',
	[0x15] = 'y',  [0x16] = 'u',  [0x17] = 'i',  [0x18] = 'o',
	[0x19] = 'p',  [0x1a] = '[',  [0x1b] = ']',  [0x1c] = '\r',
	[0x1e] = 'a',  [0x1f] = 's',  [0x20] = 'd',  [0x21] = 'f',
	[0x22] = 'g',  [0x23] = 'h',  [0x24] = 'j',  [0x25] = 'k',
	[0x26] = 'l',  [0x27] = ';',  [0x28] = '\'', [0x29] = '`',
	[0x2b] = '\\', [0x2c] = 'z',  [0x2d] = 'x',  [0x2e] = 'c',
	[0x2f] = 'v',  [0x30] = 'b',  [0x31] = 'n',  [0x32] = 'm',
	[0x33] = ',',  [0x34] = '.',  [0x35] = '/',  [0x37] = '*',
	[0x39] = ' ',  [0x4a] = '-',  [0x4e] = '+',  [0x56] = '\\',
};

static const char shifted[SC_TABLE] = {
	[0x01] = ESC, [0x02] = '!', [0x03] = '@',  [0x04] = '#',  [0x05] = '$',
	[0x06] = '%', [0x07] = '^', [0x08] = '&',  [0x09] = '*',  [0x0a] = '(',
	[0x0b] = ')', [0x0c] = '_', [0x0d] = '+',  [0x0e] = 0x7f, [0x0f] = '\t',
	[0x10] = 'Q', [0x11] = 'W', [0x12] = 'E',  [0x13] = 'R',  [0x14] = 'T',
	[0x15] = 'Y', [0x16] = 'U', [0x17] = 'I',  [0x18] = 'O',  [0x19] = 'P',
	[0x1a] = '{', [0x1b] = '}', [0x1c] = '\r', [0x1e] = 'A',  [0x1f] = 'S',
	[0x20] = 'D', [0x21] = 'F', [0x22] = 'G',  [0x23] = 'H',  [0x24] = 'J',
	[0x25] = 'K', [0x26] = 'L', [0x27] = ':',  [0x28] = '"',  [0x29] = '~',
	[0x2b] = '|', [0x2c] = 'Z', [0x2d] = 'X',  [0x2e] = 'C',  [0x2f] = 'V',
	[0x30] = 'B', [0x31] = 'N', [0x32] = 'M',  [0x33] = '<',  [0x34] = '>',
	[0x35] = '?', [0x37] = '*', [0x39] = ' ',  [0x4a] = '-',  [0x4e] = '+',
	[0x56] = '|',
};

/* The keys that send an escape sequence. */
enum seq {
	SEQ_NONE,
	SEQ_UP,
	SEQ_DOWN,
	SEQ_RIGHT,
	SEQ_LEFT,
	SEQ_HOME,
	SEQ_END,
	SEQ_INSERT,
	SEQ_DELETE,
	SEQ_PAGE_UP,
	SEQ_PAGE_DOWN,
	SEQ_BACKTAB,
	SEQ_F1, /* F1-F12 follow in order */
	SEQ_COUNT = SEQ_F1 + 12,
};

static const char *const seq_text[SEQ_COUNT] = {
	[SEQ_UP] = "\x1b[A",	    [SEQ_DOWN] = "\x1b[B",
	[SEQ_RIGHT] = "\x1b[C",	    [SEQ_LEFT] = "\x1b[D",
	[SEQ_HOME] = "\x1b[H",	    [SEQ_END] = "\x1b[F",
	[SEQ_INSERT] = "\x1b[2~",   [SEQ_DELETE] = "\x1b[3~",
	[SEQ_PAGE_UP] = "\x1b[5~",  [SEQ_PAGE_DOWN] = "\x1b[6~",
	[SEQ_BACKTAB] = "\x1b[Z",   [SEQ_F1] = "\x1bOP",
	[SEQ_F1 + 1] = "\x1bOQ",    [SEQ_F1 + 2] = "\x1bOR",
	[SEQ_F1 + 3] = "\x1bOS",    [SEQ_F1 + 4] = "\x1b[15~",
	[SEQ_F1 + 5] = "\x1b[17~",  [SEQ_F1 + 6] = "\x1b[18~",
	[SEQ_F1 + 7] = "\x1b[19~",  [SEQ_F1 + 8] = "\x1b[20~",
	[SEQ_F1 + 9] = "\x1b[21~",  [SEQ_F1 + 10] = "\x1b[23~",
	[SEQ_F1 + 11] = "\x1b[24~",
};

/* The keypad from 7 to '.', as cursor keys (num lock off; 5 sends
 * nothing, - and + are characters) and as characters (num lock on). The
 * extended codes of the dedicated cursor keys are the same numbers. */
static const uint8_t keypad_seq[SC_KP_LAST - SC_KP_FIRST + 1] = {
	SEQ_HOME,      SEQ_UP,	   SEQ_PAGE_UP, SEQ_NONE, SEQ_LEFT,
	SEQ_NONE,      SEQ_RIGHT,  SEQ_NONE,	SEQ_END,  SEQ_DOWN,
	SEQ_PAGE_DOWN, SEQ_INSERT, SEQ_DELETE,
};
static const char keypad_char[] = "789-456+1230.";

void keymap_init(struct keymap *k)
{
	*k = (struct keymap){0};
}

/* Shift, Ctrl, Alt, and the locks: true if `key` is one (its press or
 * release is then only a change of state). */
static bool modifier(struct keymap *k, uint8_t key, bool ext, bool release)
{
	uint8_t bit = 0, held = 0, lock = 0;

	if (key == SC_LSHIFT || key == SC_RSHIFT) {
		if (ext)
			return true; /* a fake shift around an extended key */
		bit = key == SC_LSHIFT ? KEYMAP_LSHIFT : KEYMAP_RSHIFT;
	} else if (key == SC_CTRL) {
		bit = ext ? KEYMAP_RCTRL : KEYMAP_LCTRL;
	} else if (key == SC_ALT) {
		bit = ext ? KEYMAP_RALT : KEYMAP_LALT;
	} else if (key == SC_CAPS && !ext) {
		held = KEYMAP_CAPS_HELD;
		lock = KEYMAP_CAPS_LOCK;
	} else if (key == SC_NUM && !ext) {
		held = KEYMAP_NUM_HELD;
		lock = KEYMAP_NUM_LOCK;
	} else {
		return false;
	}
	if (release) {
		k->mods &= (uint8_t) ~(bit | held);
		return true;
	}
	if (lock && !(k->mods & held))
		k->locks ^= lock;
	k->mods |= bit | held;
	return true;
}

/* What Ctrl makes of a character, as a terminal sends it. */
static uint8_t control(uint8_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return c & 0x1f;
	switch (c) {
	case '@':
	case '2':
	case ' ':
		return 0x00;
	case '[':
		return 0x1b;
	case '\\':
		return 0x1c;
	case ']':
		return 0x1d;
	case '^':
	case '6':
		return 0x1e;
	case '_':
	case '-':
	case '/':
		return 0x1f;
	case 0x7f:
		return 0x08;
	default:
		return c;
	}
}

/* The character of a non-extended key, or 0. */
static uint8_t character(const struct keymap *k, uint8_t key)
{
	bool shift = k->mods & (KEYMAP_LSHIFT | KEYMAP_RSHIFT);
	uint8_t c = (uint8_t)plain[key];

	if (c >= 'a' && c <= 'z' && (k->locks & KEYMAP_CAPS_LOCK))
		shift = !shift;
	if (shift)
		c = (uint8_t)shifted[key];
	if (c && (k->mods & (KEYMAP_LCTRL | KEYMAP_RCTRL)))
		c = control(c);
	return c;
}

/* The bytes of a key press (no prefix, no Alt): to out, the count. */
static size_t press(const struct keymap *k, uint8_t key, bool ext, uint8_t *out)
{
	bool shift = k->mods & (KEYMAP_LSHIFT | KEYMAP_RSHIFT);
	bool keypad = key >= SC_KP_FIRST && key <= SC_KP_LAST;
	enum seq s = SEQ_NONE;

	if (ext) {
		if (key == SC_ENTER || key == SC_SLASH) {
			out[0] = key == SC_ENTER ? '\r' : '/';
			return 1;
		}
		if (keypad)
			s = keypad_seq[key - SC_KP_FIRST];
	} else if (key >= SC_F1 && key <= SC_F10) {
		s = SEQ_F1 + (key - SC_F1);
	} else if (key == SC_F11 || key == SC_F12) {
		s = SEQ_F1 + 10 + (key - SC_F11);
	} else if (key == SC_TAB && shift) {
		s = SEQ_BACKTAB;
	} else if (keypad && key != SC_KP_MINUS && key != SC_KP_PLUS) {
		if (k->locks & KEYMAP_NUM_LOCK) {
			out[0] = (uint8_t)keypad_char[key - SC_KP_FIRST];
			return 1;
		}
		s = keypad_seq[key - SC_KP_FIRST];
	} else if (key < SC_TABLE && plain[key]) {
		out[0] = character(k, key);
		return 1;
	}
	if (s == SEQ_NONE)
		return 0;
	memcpy(out, seq_text[s], strlen(seq_text[s]));
	return strlen(seq_text[s]);
}

size_t keymap_feed(struct keymap *k, uint8_t code, uint8_t *out)
{
	bool ext = k->prefix == PREFIX_EXT, release = code & RELEASE;
	uint8_t key = code & (uint8_t)~RELEASE;
	size_t n;

	if (k->skip) {
		k->skip--;
		return 0;
	}
	if (code == PREFIX_EXT || code == PREFIX_PAUSE) {
		k->prefix = code == PREFIX_EXT ? PREFIX_EXT : 0;
		k->skip = code == PREFIX_PAUSE ? PAUSE_REST : 0;
		return 0;
	}
	k->prefix = 0;
	if (modifier(k, key, ext, release) || release)
		return 0;
	n = press(k, key, ext, out + 1);
	if (n == 0)
		return 0;
	if (k->mods & (KEYMAP_LALT | KEYMAP_RALT)) {
		out[0] = ESC; /* Alt: the key, after ESC */
		return n + 1;
	}
	memmove(out, out + 1, n);
	return n;
}
