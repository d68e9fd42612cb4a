/*
 * The scrolling benchmark (bench.h).
 */
#include "bench.h"

#include "lib/string.h"

/* Line n of the text, with its '\n': dense lines fill all but a few
 * columns, sparse ones 8 to 24. */
static size_t make_line(char *buf, unsigned n, unsigned cols, bool dense)
{
	static const char words[] = "lorem ipsum dolor sit amet consectetur "
				    "adipiscing elit sed do eiusmod tempor ";
	size_t len = dense ? cols - 1 - n % 5 : 8 + n % 17;

	if (len >= cols)
		len = cols - 1;
	for (size_t i = 0; i < len; i++)
		buf[i] = words[((size_t)n * 7 + i) % (sizeof(words) - 1)];
	buf[len] = '\n';
	return len + 1;
}

static void write_line(struct term *t, unsigned n, bool dense)
{
	char line[TERM_COLS_MAX + 1];

	term_write(t, (const uint8_t *)line,
		   make_line(line, n, t->cols, dense));
}

static void clear(struct render *r, struct term *t)
{
	term_reset(t);
	render_flush(r, t);
}

static void one_case(struct render *r, struct term *t, enum term_scroll mode,
		     bool dense, bench_clock_fn *clock, bench_report_fn *report)
{
	static const char *const names[3][2] = {
		{"scroll_move_sparse", "scroll_move_dense"},
		{"scroll_redraw_sparse", "scroll_redraw_dense"},
		{"scroll_auto_sparse", "scroll_auto_dense"},
	};
	unsigned n = 0;
	uint64_t start;

	clear(r, t);
	t->scroll_mode = mode;
	for (; n < t->rows; n++)
		write_line(t, n, dense);
	render_flush(r, t);
	start = clock();
	for (unsigned i = 0; i < BENCH_LINES; i++, n++) {
		write_line(t, n, dense);
		render_flush(r, t);
	}
	report(names[mode][dense], (clock() - start) / BENCH_LINES);
}

void fbcon_bench(struct render *r, struct term *t, bench_clock_fn *clock,
		 bench_report_fn *report)
{
	enum term_scroll mode = t->scroll_mode;
	uint64_t start;

	for (int m = TERM_SCROLL_MOVE; m <= TERM_SCROLL_AUTO; m++)
		for (int dense = 0; dense < 2; dense++)
			one_case(r, t, (enum term_scroll)m, dense, clock,
				 report);
	/* Every cell drawn once, the screen full of text. */
	start = clock();
	term_touch_all(t);
	render_flush(r, t);
	report("redraw_all", clock() - start);
	t->scroll_mode = mode;
	clear(r, t);
}
