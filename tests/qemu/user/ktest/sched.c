/*
 * The scheduler's starvation bound (docs/scheduling.md): a ready thread
 * that has not run for starvation_ms runs for one timeslice whatever its
 * priority. The user case boots with starvation_ms=100.
 *
 * A high-priority thread spins for many times the bound while a
 * low-priority thread counts. With strict priorities the count would stay
 * zero until the spinner ends; with the bound, it moves after about one
 * bound, and not long before it: until then, priority holds.
 */
#include "ktest.h"
#include "lib/cmdline.h"

#define SPIN_BOUNDS 10 /* the spinner runs for this many bounds */
#define PRIO_HIGH   200
#define PRIO_LOW    100

static volatile uint64_t low_count;
static volatile uint64_t low_seen_after; /* TSC ticks; 0: never */

uint64_t starvation_bound_tsc(void)
{
	char value[16];
	uint64_t ms = 0;

	if (!pith_bootinfo || !pith_bootinfo->tsc_khz ||
	    !cmdline_get(pith_bootinfo->cmdline, "starvation_ms", value,
			 sizeof(value)))
		return 0;
	for (const char *p = value; *p >= '0' && *p <= '9'; p++)
		ms = ms * 10 + (uint64_t)(*p - '0');
	return ms * pith_bootinfo->tsc_khz;
}

static void count_forever(uint64_t arg)
{
	(void)arg;
	for (;;)
		low_count++;
}

/* Spin for `ticks` TSC ticks, noting when the low thread first moved,
 * then wake ktest. */
static void spin(uint64_t ticks)
{
	uint64_t start = rdtsc(), now;

	while ((now = rdtsc()) - start < ticks)
		if (low_count && !low_seen_after)
			low_seen_after = now - start;
	pith_signal(pith_ipc_buffer()->user);
}

void test_starvation(void)
{
	uint64_t bound = starvation_bound_tsc(), word;
	struct thread high = {0}, low = {0};
	pith_cptr_t done = obj_new(PITH_OBJ_NOTIFICATION, 0);
	struct tcase t;

	tc_begin(&t, "sched_starvation_bound");
	if (!tc_true(&t, bound, "no starvation_ms on the command line") ||
	    !tc_true(&t,
		     done && thread_create(&high, PRIO_HIGH) &&
			     thread_create(&low, PRIO_LOW),
		     "threads"))
		goto out;
	low_count = low_seen_after = 0;
	/* The spinner finds the notification in its IPC buffer's free
	 * word. */
	((struct pith_ipc_buffer *)(uintptr_t)high.ipc_va)->user = done;
	tc_ok(&t, thread_start(&low, count_forever, 0), "start low");
	tc_ok(&t, thread_start(&high, spin, SPIN_BOUNDS * bound), "start high");
	/* ktest waits: the spinner runs, and the low thread would not. */
	tc_ok(&t, pith_wait(done, &word), "wait for the spinner");
	tc_true(&t, low_seen_after != 0,
		"the low-priority thread never ran while the spinner did");
	tc_true(&t, low_seen_after >= bound / 2,
		"the low-priority thread ran before half the bound");
	pith_printf(
		"ktest: starved thread ran after %llu ms (bound %llu "
		"ms)\n",
		(unsigned long long)(low_seen_after / pith_bootinfo->tsc_khz),
		(unsigned long long)(bound / pith_bootinfo->tsc_khz));
out:
	tc_end(&t);
	thread_destroy(&high);
	thread_destroy(&low);
	slot_free(done);
}
