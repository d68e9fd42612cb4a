/*
 * fbcon_bench: the console's scrolling benchmark (servers/fbcon/bench.c)
 * on the host, -O2 without sanitizers, in a framebuffer in RAM.
 *
 *   fbcon_bench              1280x800 and 1920x1080
 *   fbcon_bench WIDTH HEIGHT one size
 *
 * Prints "BENCH <case>_<W>x<H> <ns> ns" per scroll (per full redraw for
 * redraw_all). The console server runs the same code on the real
 * framebuffer with its argument `bench` (docs/fbcon.md).
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench.h"
#include "render.h"
#include "term.h"

static unsigned width, height;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void report(const char *name, uint64_t ns)
{
	printf("BENCH %s_%ux%u %llu ns\n", name, width, height,
	       (unsigned long long)ns);
}

static int run(void)
{
	struct render_fb fb = {0};
	struct render r;
	struct term t;
	size_t size;
	void *grid;

	fb.width = width;
	fb.height = height;
	fb.pitch = width * 4;
	fb.format = RENDER_BGRX;
	fb.size = (uint64_t)fb.pitch * height;
	fb.base = calloc(1, fb.size ? fb.size : 1);
	if (!fb.base || render_init(&r, &fb) != TERM_OK) {
		fprintf(stderr, "fbcon_bench: can't draw on %ux%u\n", width,
			height);
		free(fb.base);
		return 1;
	}
	size = term_memory_size(r.cols, r.rows);
	grid = malloc(size);
	if (!grid || term_init(&t, r.cols, r.rows, grid, size,
			       TERM_SCROLL_REDRAW) != TERM_OK) {
		free(grid);
		free(fb.base);
		return 1;
	}
	render_clear(&r);
	fbcon_bench(&r, &t, now_ns, report);
	free(grid);
	free(fb.base);
	return 0;
}

int main(int argc, char **argv)
{
	static const unsigned sizes[][2] = {{1280, 800}, {1920, 1080}};
	int status = 0;

	if (argc == 3) {
		width = (unsigned)strtoul(argv[1], NULL, 10);
		height = (unsigned)strtoul(argv[2], NULL, 10);
		return run();
	}
	if (argc != 1) {
		fprintf(stderr, "usage: fbcon_bench [WIDTH HEIGHT]\n");
		return 2;
	}
	for (size_t s = 0; s < 2; s++) {
		width = sizes[s][0];
		height = sizes[s][1];
		status |= run();
	}
	return status;
}
