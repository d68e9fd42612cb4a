/*
 * PC keyboard scancode set 1 (what the i8042 delivers with translation
 * on) to the bytes a terminal sends, for a US layout. Pure: no system
 * calls, host-tested (tests/host/drivers/test_kbdmap.c).
 *
 *  - printable keys, with either shift and caps lock (caps lock shifts
 *    letters only; with shift it unshifts them);
 *  - Enter (and keypad Enter) '\r', Backspace 0x7f, Tab '\t', Shift+Tab
 *    ESC [ Z, Escape 0x1b;
 *  - Ctrl with a letter: 0x01-0x1a; with @ [ \ ] ^ _ (and 2, 6, -, /,
 *    space, Backspace as a terminal does): 0x00, 0x1b-0x1f, 0x08;
 *  - Alt (either) with a key: ESC, then the key's bytes;
 *  - cursor keys ESC [ A/B/C/D, Home ESC [ H, End ESC [ F, Insert
 *    ESC [ 2 ~, Delete ESC [ 3 ~, Page Up/Down ESC [ 5 ~ / ESC [ 6 ~,
 *    F1-F4 ESC O P-S, F5-F12 ESC [ 15 ~ ... ESC [ 24 ~;
 *  - the keypad: digits and '.' with num lock on, the cursor keys above
 *    with it off (the state at start); / * - + always.
 *
 * Releases (bit 7) only change the modifiers. The E0 prefix marks the
 * extended keys; the fake shifts some keyboards wrap them in (E0 2A,
 * E0 36) are ignored, and so is Pause (E1 1D 45 E1 9D C5). Caps lock and
 * num lock toggle when pressed, not again while held (typematic repeat).
 * Controller replies that are not keys (0xfa ACK, 0xfe resend, 0x00 and
 * 0xff errors, 0xee echo) yield nothing.
 */
#ifndef KBD_KEYMAP_H
#define KBD_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most bytes one scancode yields: Alt, then ESC [ 1 5 ~. */
#define KEYMAP_OUT_MAX 6

/* Modifier keys held, and locks. */
enum keymap_mod {
	KEYMAP_LSHIFT = 1 << 0,
	KEYMAP_RSHIFT = 1 << 1,
	KEYMAP_LCTRL = 1 << 2,
	KEYMAP_RCTRL = 1 << 3,
	KEYMAP_LALT = 1 << 4,
	KEYMAP_RALT = 1 << 5,
	KEYMAP_CAPS_HELD = 1 << 6, /* the lock keys, to ignore repeats */
	KEYMAP_NUM_HELD = 1 << 7,
};

enum keymap_lock {
	KEYMAP_CAPS_LOCK = 1 << 0,
	KEYMAP_NUM_LOCK = 1 << 1,
};

struct keymap {
	uint8_t mods;	/* enum keymap_mod */
	uint8_t locks;	/* enum keymap_lock */
	uint8_t prefix; /* 0, or 0xe0 before an extended key */
	uint8_t skip;	/* bytes of a Pause sequence still to ignore */
};

/* The state of a keyboard just reset: nothing held, no lock on. */
void keymap_init(struct keymap *k);

/* Feed one byte from the keyboard: the bytes it yields go to out (room
 * for KEYMAP_OUT_MAX); returns how many (0 for most). */
size_t keymap_feed(struct keymap *k, uint8_t code, uint8_t *out);

#endif
