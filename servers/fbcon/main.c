/*
 * fbcon: the framebuffer console, a chardev server (docs/fbcon.md).
 *
 * Capabilities (docs/system.md): `service`, where it serves, and
 * `framebuffer`, the framebuffer's frames (2 MiB ones first, then 4 KiB
 * ones, as the kernel made them), with the framebuffer's geometry in the
 * startinfo page.
 *
 * `write` draws the bytes (term.h says what each does) and brings the
 * screen up to date before it answers; `read` is refused: a display has
 * no input. If the display cannot be set up (no framebuffer, a format
 * the renderer does not draw, not enough memory for the cell grid), the
 * reason is logged and writes are refused too, with
 * PITH_E_ILLEGAL_OPERATION, so that a client never waits on a console
 * that cannot show anything.
 *
 * Arguments (the manifest's args=): scroll=auto, scroll=move or
 * scroll=redraw (how the screen scrolls: enum term_scroll; the default
 * depends on the machine, parse_args()), cursor=block or
 * cursor=underline, bench (bench.c: time scrolling on this screen
 * first, printing BENCH lines) and testcard (draw every glyph and colour
 * first, to check the font and the pixel format on a new machine).
 *
 * Memory: the cell grid (2 bytes a cell, 4 a row) in pages of the SDK's
 * region, and the paging structures that map it and the framebuffer.
 */
#include "bench.h"
#include "pith/pith.h"
#include "pith/proto/chardev.h"
#include "pith/server.h"
#include "render.h"
#include "term.h"

#include "lib/format.h"
#include "lib/string.h"

#define LARGE_PAGE (2ULL << 20)
/* Where the framebuffer is mapped: the middle of the SDK's region,
 * 2 MiB aligned, far above anything its first-fit placement reaches
 * (PITH_VM_MAPPINGS_MAX small mappings), and inside the region no
 * spawn places anything at random. */
#define FB_VA	   (PITH_VM_BASE + PITH_VM_SIZE / 2)

static const char *name = "fbcon"; /* argv[0]: the manifest's name */

static struct {
	struct term term;
	struct render render;
	bool ready; /* the display works: writes are drawn */
	bool bench;
	bool testcard;
	bool scroll_given; /* scroll= was an argument */
	enum term_scroll scroll;
	enum render_cursor cursor;
} con = {.cursor = RENDER_CURSOR_BLOCK};

/* How the kernel split the framebuffer into frames: 2 MiB frames over
 * its 2 MiB-aligned part (if its start is aligned), 4 KiB after. */
static void frame_split(const struct pith_bootinfo_framebuffer *fb,
			uint64_t *large, uint64_t *small)
{
	uint64_t big = fb->paddr % LARGE_PAGE ? 0 : fb->size / LARGE_PAGE;

	*large = big;
	*small = (fb->size - big * LARGE_PAGE + PITH_PAGE_SIZE - 1) /
		 PITH_PAGE_SIZE;
}

/* Map the `count` frames from `first` at FB_VA, read-write (uncached:
 * device frames). */
static enum pith_error
map_framebuffer(const struct pith_bootinfo_framebuffer *fb, pith_cptr_t first,
		unsigned count)
{
	const uint64_t rights = PITH_RIGHT_READ | PITH_RIGHT_WRITE;
	uint64_t large, small, va = FB_VA;
	enum pith_error err = PITH_OK;

	frame_split(fb, &large, &small);
	if (large + small != count || fb->size > PITH_VM_SIZE / 4) {
		pith_printf("%s: %u framebuffer frames given, %llu of "
			    "2 MiB and %llu of 4 KiB expected\n",
			    name, count, (unsigned long long)large,
			    (unsigned long long)small);
		return PITH_E_INVALID_ARGUMENT;
	}
	for (uint64_t i = 0; err == PITH_OK && i < large; i++, va += LARGE_PAGE)
		err = pith_vm_map_at(PITH_SLOT_VSPACE, first + i, va, rights,
				     NULL);
	for (uint64_t i = 0; err == PITH_OK && i < small;
	     i++, va += PITH_PAGE_SIZE)
		err = pith_vm_map_at(PITH_SLOT_VSPACE, first + large + i, va,
				     rights, NULL);
	if (err != PITH_OK)
		pith_printf("%s: mapping the framebuffer at 0x%llx: %s\n", name,
			    (unsigned long long)va, pith_error_name(err));
	return err;
}

/* The renderer over the mapped framebuffer, and a cell grid for it. */
static bool display_setup(const struct pith_bootinfo_framebuffer *fb)
{
	struct render_fb rfb = {
		.base = (uint8_t *)(uintptr_t)FB_VA,
		.size = fb->size,
		.width = fb->width,
		.height = fb->height,
		.pitch = fb->pitch,
		.format = fb->format,
		.red_mask = fb->red_mask,
		.green_mask = fb->green_mask,
		.blue_mask = fb->blue_mask,
	};
	enum term_error e = render_init(&con.render, &rfb);
	uint64_t grid_va, bytes, pages;
	enum pith_error err;

	if (e != TERM_OK) {
		pith_printf("%s: %ux%u, pitch %u, format %u: %s\n", name,
			    fb->width, fb->height, fb->pitch, fb->format,
			    term_strerror(e));
		return false;
	}
	bytes = term_memory_size(con.render.cols, con.render.rows);
	pages = (bytes + PITH_PAGE_SIZE - 1) / PITH_PAGE_SIZE;
	err = pith_vm_map_new(pages, PITH_RIGHT_READ | PITH_RIGHT_WRITE,
			      &grid_va);
	if (err != PITH_OK) {
		pith_printf("%s: a %ux%u cell grid (%llu bytes): %s\n", name,
			    con.render.cols, con.render.rows,
			    (unsigned long long)bytes, pith_error_name(err));
		return false;
	}
	term_init(&con.term, con.render.cols, con.render.rows,
		  (void *)(uintptr_t)grid_va, pages * PITH_PAGE_SIZE,
		  con.scroll);
	con.render.cursor_style = con.cursor;
	render_clear(&con.render);
	render_flush(&con.render, &con.term);
	return true;
}

static bool display_start(void)
{
	const struct pith_bootinfo_framebuffer *fb =
		&pith_startinfo->framebuffer;
	unsigned count;
	pith_cptr_t first = pith_cap_range("framebuffer", &count);

	if (!first || !fb->paddr) {
		pith_printf("%s: no framebuffer given\n", name);
		return false;
	}
	if (map_framebuffer(fb, first, count) != PITH_OK)
		return false;
	return display_setup(fb);
}

/* Are we in a virtual machine (CPUID leaf 1, ECX bit 31)? */
static bool hypervisor_present(void)
{
	uint32_t a = 1, b, c = 0, d;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return c >> 31 & 1;
}

static bool set_scroll(const char *arg)
{
	static const struct {
		const char *arg;
		enum term_scroll mode;
	} modes[] = {
		{"scroll=move", TERM_SCROLL_MOVE},
		{"scroll=redraw", TERM_SCROLL_REDRAW},
		{"scroll=auto", TERM_SCROLL_AUTO},
	};

	for (unsigned i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(arg, modes[i].arg) == 0) {
			con.scroll = modes[i].mode;
			con.scroll_given = true;
			return true;
		}
	return false;
}

/*
 * The arguments. Without scroll=: in a virtual machine the framebuffer
 * is the host's memory, and moving its pixels up costs about as much as
 * redrawing 40% of the cells (docs/fbcon.md): auto. On a real machine it
 * is uncached device memory, where every read is a bus round trip and a
 * move reads the whole screen: redraw, which only writes.
 */
static void parse_args(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (set_scroll(argv[i]))
			continue;
		if (strcmp(argv[i], "cursor=block") == 0)
			con.cursor = RENDER_CURSOR_BLOCK;
		else if (strcmp(argv[i], "cursor=underline") == 0)
			con.cursor = RENDER_CURSOR_UNDERLINE;
		else if (strcmp(argv[i], "bench") == 0)
			con.bench = true;
		else if (strcmp(argv[i], "testcard") == 0)
			con.testcard = true;
		else
			pith_printf("%s: unknown argument '%s' ignored\n", name,
				    argv[i]);
	}
	if (!con.scroll_given)
		con.scroll = hypervisor_present() ? TERM_SCROLL_AUTO
						  : TERM_SCROLL_REDRAW;
}

static void put(const char *s)
{
	term_write(&con.term, (const uint8_t *)s, strlen(s));
}

/* The screen's geometry, every glyph, and the 16 colours as foreground
 * and as background. */
static void testcard(void)
{
	const struct render_fb *fb = &con.render.fb;
	char line[128];

	fmt_snprintf(line, sizeof(line),
		     "Pith framebuffer console: %ux%u, format %u, %ux%u "
		     "cells\n",
		     fb->width, fb->height, fb->format, con.term.cols,
		     con.term.rows);
	put(line);
	for (unsigned c = 0x20; c < 0x7f; c++) {
		line[c - 0x20] = (char)c;
	}
	line[0x7f - 0x20] = '\n';
	term_write(&con.term, (const uint8_t *)line, 0x7f - 0x20 + 1);
	for (unsigned i = 0; i < 16; i++) {
		fmt_snprintf(line, sizeof(line), "\x1b[%um %2u \x1b[0m",
			     i < 8 ? 30 + i : 90 + i - 8, i);
		put(line);
	}
	put("\n");
	for (unsigned i = 0; i < 16; i++) {
		fmt_snprintf(line, sizeof(line), "\x1b[%u;%um %2u \x1b[0m",
			     i < 8 ? 40 + i : 100 + i - 8, i == 0 ? 97 : 30, i);
		put(line);
	}
	put("\n");
	render_flush(&con.render, &con.term);
}

static void say_ready(void)
{
	static const char *const scroll[] = {"move", "redraw", "auto"};
	const struct render_fb *fb = &con.render.fb;

	pith_printf("%s: ready: %ux%u, format %u, %ux%u cells, scroll %s\n",
		    name, fb->width, fb->height, fb->format, con.term.cols,
		    con.term.rows, scroll[con.scroll]);
}

static uint64_t tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static void bench_report(const char *figure, uint64_t cycles)
{
	pith_printf("BENCH fbcon_%s_%ux%u %llu cycles\n", figure,
		    con.render.fb.width, con.render.fb.height,
		    (unsigned long long)cycles);
}

static enum pith_error fbcon_write(struct pith_request *rq, const uint8_t *data,
				   size_t len, uint32_t *count)
{
	(void)rq;
	if (!con.ready)
		return PITH_E_ILLEGAL_OPERATION;
	term_write(&con.term, data, len);
	render_flush(&con.render, &con.term);
	*count = (uint32_t)len;
	return PITH_OK;
}

/* A display has no input. */
static enum pith_error fbcon_read(struct pith_request *rq, uint32_t max,
				  uint8_t *data, size_t *data_len)
{
	(void)rq;
	(void)max;
	(void)data;
	*data_len = 0;
	return PITH_E_ILLEGAL_OPERATION;
}

int main(int argc, char **argv)
{
	static const struct chardev_server ops = {
		.write = fbcon_write,
		.read = fbcon_read,
	};
	static const struct pith_service services[] = {
		{chardev_service, &ops},
	};
	static struct pith_server srv = {
		.services = services,
		.nservices = 1,
	};

	if (argc > 0 && argv[0])
		name = argv[0];
	parse_args(argc, argv);
	srv.ep = pith_cap("service");
	if (!srv.ep) {
		pith_printf("%s: needs the capability service\n", name);
		return 1;
	}
	con.ready = display_start();
	if (!con.ready)
		pith_printf("%s: no display: writes are refused\n", name);
	if (con.ready && con.bench)
		fbcon_bench(&con.render, &con.term, tsc, bench_report);
	if (con.ready && con.testcard)
		testcard();
	if (con.ready)
		say_ready();
	pith_server_run(&srv);
}
