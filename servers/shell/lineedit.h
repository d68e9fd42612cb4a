/*
 * The shell's line editor: bytes from a terminal in, a line out, and what
 * the terminal must be sent to show it. Pure logic: no system calls and
 * no library, so it builds for the host and is unit-tested there
 * (tests/host/test_lineedit.c).
 *
 * Keys (docs/shell.md):
 *   printable ASCII          insert at the cursor
 *   Enter (CR, LF, CR LF)    end the line (LINEEDIT_LINE)
 *   Backspace (DEL, ^H)      delete the character before the cursor
 *   Delete (ESC [ 3 ~), ^D   delete the character at the cursor
 *   Left, Right, ^B, ^F      move the cursor
 *   Home, End, ^A, ^E        to the start, to the end of the line
 *   Up, Down, ^P, ^N         older, newer line of the history
 *   ^U / ^K                  delete to the start / to the end of the line
 *   ^W                       delete the word before the cursor
 *   ^C                       abandon the line (LINEEDIT_CANCEL)
 *   ^L                       clear the screen, show the line again
 * Arrows, Home, End and Delete come as VT100/xterm sequences: ESC [ A-D,
 * ESC O A-D, ESC [ H / F, ESC O H / F, ESC [ 1 ~ / 4 ~ / 7 ~ / 8 ~,
 * ESC [ 3 ~; modifier parameters (ESC [ 1 ; 5 C) are ignored. Other
 * control bytes, other sequences and bytes above 0x7e are ignored; a full
 * line refuses more with a BEL.
 *
 * Display: one terminal row of `cols` columns, the prompt then the line.
 * A line longer than the row scrolls sideways so that the cursor stays
 * visible. The editor writes only CR, CR LF, BEL, printable ASCII and
 * the sequences ESC [ K (erase to the end of the row), ESC [ n C (cursor
 * right), ESC [ H and ESC [ 2 J (clear the screen).
 */
#ifndef SHELL_LINEEDIT_H
#define SHELL_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LINEEDIT_MAX	    255 /* characters in a line */
#define LINEEDIT_HISTORY    32	/* lines remembered */
#define LINEEDIT_COLS	    80	/* the row's width unless told */
#define LINEEDIT_COLS_MIN   16
#define LINEEDIT_COLS_MAX   1024
#define LINEEDIT_PROMPT_MAX 32
#define LINEEDIT_OUT_SIZE   256 /* output is handed over in pieces this big */
#define LINEEDIT_PARAM_MAX  9999

/* Where the editor's output goes: all len bytes of s. */
typedef void (*lineedit_write_fn)(void *ctx, const char *s, size_t len);

enum lineedit_event {
	LINEEDIT_MORE,	 /* all input taken: feed more */
	LINEEDIT_LINE,	 /* a line is done: lineedit_line() */
	LINEEDIT_CANCEL, /* ^C: the line was abandoned */
};

enum lineedit_state {
	LINEEDIT_NORMAL,
	LINEEDIT_ESC, /* after ESC */
	LINEEDIT_CSI, /* after ESC [ */
	LINEEDIT_SS3, /* after ESC O */
};

/* One editor; its fields are its own. */
struct lineedit {
	lineedit_write_fn write;
	void *ctx;
	char prompt[LINEEDIT_PROMPT_MAX + 1];
	size_t prompt_len;
	size_t cols;

	char buf[LINEEDIT_MAX + 1]; /* the line, NUL-terminated */
	size_t len;		    /* characters in buf */
	size_t pos;		    /* the cursor: 0 to len */
	bool done;		    /* the line was ended: start() next */

	/* Escape sequences, which may arrive split over several feeds. */
	enum lineedit_state state;
	unsigned param;	  /* the first CSI parameter */
	bool first_param; /* still reading the first parameter */
	bool after_cr;	  /* the last byte was CR: an LF now is its pair */

	/* History: hist_count lines, the oldest at hist_first, in a ring. */
	char hist[LINEEDIT_HISTORY][LINEEDIT_MAX + 1];
	unsigned hist_first, hist_count;
	unsigned hist_at;	      /* 0: the new line; n: n-th newest */
	char saved[LINEEDIT_MAX + 1]; /* the new line, while browsing */

	char out[LINEEDIT_OUT_SIZE];
	size_t out_len;
};

/* Set up an editor that shows `prompt` (at most LINEEDIT_PROMPT_MAX
 * characters; longer is cut) on a row of `cols` columns (0:
 * LINEEDIT_COLS; clamped to LINEEDIT_COLS_MIN..MAX, and to more than
 * the prompt), writing through `write`. The history is empty. */
void lineedit_init(struct lineedit *le, const char *prompt, size_t cols,
		   lineedit_write_fn write, void *ctx);

/* Begin a new, empty line: the prompt is written. */
void lineedit_start(struct lineedit *le);

/* Take bytes of input, up to the end of a line: returns how many of the
 * `n` bytes were taken, and *ev says why it stopped. After LINEEDIT_LINE
 * or LINEEDIT_CANCEL the rest of the input belongs to the next line:
 * call lineedit_start(), then feed it again. Output is written before
 * this returns. */
size_t lineedit_feed(struct lineedit *le, const char *in, size_t n,
		     enum lineedit_event *ev);

/* The line, after LINEEDIT_LINE (until the next lineedit_start()). */
const char *lineedit_line(const struct lineedit *le);

/* The history: the n-th newest line (1: the newest), or NULL. */
const char *lineedit_history(const struct lineedit *le, unsigned n);

#endif
