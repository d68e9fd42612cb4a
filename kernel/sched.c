/*
 * The scheduler (see include/kernel/sched.h).
 *
 * Bring-up version: threads run in the order they were added, each until it
 * exits or faults; timer interrupts do not yet preempt. The idle loop halts
 * the CPU until an interrupt arrives.
 */
#include "kernel/sched.h"

#include "kernel/log.h"
#include "kernel/panic.h"
#include "kernel/shutdown.h"

#define SCHED_MAX_THREADS      8
#define IDLE_TICKS_BEFORE_EXIT 3

struct thread *sched_current;
static struct thread *threads[SCHED_MAX_THREADS];
static unsigned nthreads;

void sched_add(struct thread *t)
{
	KASSERT(nthreads < SCHED_MAX_THREADS);
	t->state = THREAD_RUNNABLE;
	threads[nthreads++] = t;
}

static struct thread *pick_next(void)
{
	for (unsigned i = 0; i < nthreads; i++) {
		if (threads[i]->state == THREAD_RUNNABLE)
			return threads[i];
	}
	return NULL;
}

/* How the first thread (the root task) ended decides the status. */
static enum shutdown_status final_status(void)
{
	const struct thread *root = threads[0];

	KASSERT(nthreads > 0);
	if (root->state == THREAD_STOPPED)
		return SHUTDOWN_USER_FAULT;
	return root->exit_status == 0 ? SHUTDOWN_PASS : SHUTDOWN_FAIL;
}

/*
 * Nothing can run again. A test image (debug_exit) reports how the root
 * task ended and exits QEMU, after a few timer ticks that show the kernel
 * itself still runs; otherwise the CPU idles.
 */
static _Noreturn void idle(void)
{
	uint64_t start = arch_timer_ticks();

	pr_info("sched: no runnable threads; idle");
	for (;;) {
		uint64_t idle_ticks = arch_timer_ticks() - start;

		if (shutdown_via_debug_exit() &&
		    idle_ticks >= IDLE_TICKS_BEFORE_EXIT) {
			pr_info("sched: kernel alive after the last thread "
				"ended (%llu timer ticks in idle)",
				(unsigned long long)idle_ticks);
			shutdown(final_status());
		}
		arch_idle();
	}
}

void sched_schedule(void)
{
	struct thread *next = pick_next();

	sched_current = next;
	if (next)
		arch_enter_user(&next->ctx, next->vspace);
	idle();
}
