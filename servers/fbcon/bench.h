/*
 * What scrolling costs on a given screen: the same routine runs in the
 * console server (argument `bench`, on the real framebuffer, timed with
 * the TSC) and on the host (tests/host/fbcon/fbcon_bench.c, timed with
 * the clock). Pure logic: the clock and the output are passed in.
 */
#ifndef FBCON_BENCH_H
#define FBCON_BENCH_H

#include <stdint.h>

#include "render.h"
#include "term.h"

#define BENCH_LINES 32 /* scrolls timed per case */

/* One figure: `name` (e.g. "scroll_move_dense") and the clock's units
 * per operation. */
typedef void bench_report_fn(const char *name, uint64_t per_op);
typedef uint64_t bench_clock_fn(void);

/* For each way of scrolling (enum term_scroll) and two kinds of text (dense:
 * nearly full lines; sparse: short ones, a shell session), fill the screen,
 * then time BENCH_LINES lines each written and flushed (one scroll each); and
 * time a redraw of every cell. t keeps its scroll mode; the screen and t are
 * left blank. */
void fbcon_bench(struct render *r, struct term *t, bench_clock_fn *clock,
		 bench_report_fn *report);

#endif
