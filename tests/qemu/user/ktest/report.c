/*
 * Reporting: one TEST line per case (see ktest.h), and invoke(), which
 * keeps an error's detail words.
 */
#include <stdarg.h>

#include "ktest.h"
#include "lib/format.h"

#define REASON_MAX 256

static unsigned cases_run, cases_failed;

void tc_begin(struct tcase *t, const char *name)
{
	t->name = name;
	t->failed = false;
}

void tc_end(struct tcase *t)
{
	cases_run++;
	if (t->failed)
		cases_failed++;
	else
		pith_printf("TEST %s PASS\n", t->name);
}

void tc_fail(struct tcase *t, const char *fmt, ...)
{
	char why[REASON_MAX];
	va_list ap;

	if (t->failed)
		return; /* the first reason is the one that counts */
	t->failed = true;
	va_start(ap, fmt);
	fmt_vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	pith_printf("TEST %s FAIL %s\n", t->name, why);
}

bool tc_detail(struct tcase *t, struct result r, enum pith_error want,
	       uint64_t d0, uint64_t d1, const char *step)
{
	if (!tc_err(t, r.err, want, step))
		return false;
	if ((d0 != ANY && r.detail[0] != d0) ||
	    (d1 != ANY && r.detail[1] != d1)) {
		tc_fail(t, "%s: %s with detail (%llu, %llu), want (%lld, %lld)",
			step, pith_error_name(r.err),
			(unsigned long long)r.detail[0],
			(unsigned long long)r.detail[1], (long long)d0,
			(long long)d1);
		return false;
	}
	return true;
}

void expect_err(const char *name, enum pith_error got, enum pith_error want)
{
	struct tcase t;

	tc_begin(&t, name);
	tc_err(&t, got, want, "result");
	tc_end(&t);
}

void expect_detail(const char *name, struct result r, enum pith_error want,
		   uint64_t d0, uint64_t d1)
{
	struct tcase t;

	tc_begin(&t, name);
	tc_detail(&t, r, want, d0, d1, "result");
	tc_end(&t);
}

void expect_true(const char *name, bool ok, const char *why)
{
	struct tcase t;

	tc_begin(&t, name);
	tc_true(&t, ok, why);
	tc_end(&t);
}

void report_summary(void)
{
	pith_printf("ktest: %u cases, %u failed\n", cases_run, cases_failed);
}

void report_coverage(void)
{
	const struct pith_slot_range *f = &pith_bootinfo->kcov_frames;
	uint64_t edges = pith_bootinfo->kcov_edges, hit = 0, va;
	const volatile uint8_t *map;

	if (!edges)
		return; /* a kernel without coverage */
	if (pith_vm_map_frames(f->start, f->end - f->start, PITH_RIGHT_READ,
			       &va) != PITH_OK) {
		pith_printf("ktest: kernel coverage: the bitmap could not be "
			    "mapped\n");
		return;
	}
	map = (const volatile uint8_t *)(uintptr_t)va;
	for (uint64_t i = 0; i < edges; i++)
		hit += map[i] != 0;
	pith_vm_unmap(va);
	pith_printf("ktest: kernel coverage: %llu of %llu edges (%llu%%)\n",
		    (unsigned long long)hit, (unsigned long long)edges,
		    (unsigned long long)(hit * 100 / edges));
}

struct result invoke(pith_cptr_t cap, uint64_t label, const uint64_t *args,
		     unsigned nargs, const pith_cptr_t *caps, unsigned ncaps)
{
	uint64_t mr[PITH_MSG_MAX_WORDS] = {0};
	struct result r;

	for (unsigned i = 0; i < nargs && i < PITH_MSG_MAX_WORDS; i++)
		mr[i] = args[i];
	r.err = pith_invoke(cap, label, mr, nargs, caps, ncaps, 0);
	r.detail[0] = mr[0];
	r.detail[1] = mr[1];
	return r;
}
