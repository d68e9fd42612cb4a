/*
 * The scheduler (see include/kernel/sched.h).
 *
 * Each priority has a circular doubly linked ready queue; the running
 * thread stays at the head of its queue until its timeslice ends or it
 * yields, blocks or stops. ready_words has one bit per priority with a
 * non-empty queue, ready_summary one bit per non-zero word of it.
 */
#include "kernel/sched.h"

#include "kernel/log.h"
#include "kernel/panic.h"
#include "kernel/shutdown.h"

#define IDLE_TICKS_BEFORE_EXIT 3

struct tcb *sched_current;
static struct tcb *ready[SCHED_PRIORITIES];
static uint64_t ready_words[SCHED_PRIORITIES / 64];
static uint64_t ready_summary;
static unsigned timeslice = 2;

void sched_init(unsigned timeslice_ticks)
{
	timeslice = timeslice_ticks ? timeslice_ticks : 1;
}

static void mark(unsigned prio)
{
	ready_words[prio / 64] |= 1ULL << (prio % 64);
	ready_summary |= 1ULL << (prio / 64);
}

static void unmark(unsigned prio)
{
	ready_words[prio / 64] &= ~(1ULL << (prio % 64));
	if (!ready_words[prio / 64])
		ready_summary &= ~(1ULL << (prio / 64));
}

static bool queued(const struct tcb *t)
{
	return t->sched_next != NULL;
}

void sched_add(struct tcb *t, bool first)
{
	struct tcb **head = &ready[t->priority];

	KASSERT(t->state == TCB_RUNNABLE);
	if (queued(t))
		return;
	if (!*head) {
		t->sched_next = t->sched_prev = t;
		*head = t;
		mark(t->priority);
	} else { /* just before the head: the tail of the ring */
		t->sched_next = *head;
		t->sched_prev = (*head)->sched_prev;
		t->sched_prev->sched_next = t;
		(*head)->sched_prev = t;
		if (first)
			*head = t;
	}
	if (!t->timeslice)
		t->timeslice = timeslice;
	t->ready_since = arch_timer_ticks();
}

void sched_remove(struct tcb *t)
{
	struct tcb **head = &ready[t->priority];

	if (!queued(t))
		return;
	if (t->sched_next == t) {
		*head = NULL;
		unmark(t->priority);
	} else {
		t->sched_prev->sched_next = t->sched_next;
		t->sched_next->sched_prev = t->sched_prev;
		if (*head == t)
			*head = t->sched_next;
	}
	t->sched_next = t->sched_prev = NULL;
	if (sched_current == t)
		sched_current = NULL;
}

void sched_set_priority(struct tcb *t, unsigned priority)
{
	bool was_queued = queued(t);
	struct tcb *cur = sched_current;

	sched_remove(t);
	t->priority = (uint8_t)priority;
	if (was_queued)
		sched_add(t, false);
	if (cur == t)
		sched_current = t;
}

/* Send the head of t's queue to the back with a fresh timeslice. */
static void rotate(struct tcb *t)
{
	struct tcb **head = &ready[t->priority];

	t->timeslice = timeslice;
	if (queued(t) && *head == t)
		*head = t->sched_next;
}

void sched_yield_timeslice(struct tcb *t)
{
	rotate(t);
}

void sched_tick(void)
{
	struct tcb *t = sched_current;

	if (t && t->state == TCB_RUNNABLE && t->timeslice &&
	    --t->timeslice == 0)
		rotate(t);
}

static struct tcb *highest(void)
{
	unsigned w, prio;

	if (!ready_summary)
		return NULL;
	w = 63 - (unsigned)__builtin_clzll(ready_summary);
	prio = w * 64 + 63 - (unsigned)__builtin_clzll(ready_words[w]);
	return ready[prio];
}

/* The next thread to run. One whose address space is gone (its
 * capability deleted, or its ASID pool) cannot run: it is stopped, as a
 * fault would. */
static struct tcb *pick(void)
{
	struct tcb *t;

	while ((t = highest()) && !tcb_vspace_root(t)) {
		pr_err("fault: thread '%s' stopped: its address space is gone",
		       t->name);
		tcb_suspend(t);
		t->faulted = true;
	}
	return t;
}

/*
 * Nothing can run. Wait for an interrupt that changes that. A test image
 * (debug_exit) whose root task did not shut the machine down ends after a
 * few ticks, which show that the kernel itself still runs.
 */
static _Noreturn void idle(void)
{
	uint64_t start = arch_timer_ticks();
	bool said = false;

	for (;;) {
		struct tcb *next = pick();
		uint64_t idle_ticks = arch_timer_ticks() - start;

		if (next) {
			sched_current = next;
			arch_return_to_user(next);
		}
		if (!said) {
			pr_info("sched: no runnable threads; idle");
			said = true;
		}
		if (shutdown_via_debug_exit() &&
		    idle_ticks >= IDLE_TICKS_BEFORE_EXIT) {
			pr_info("sched: kernel alive after the last thread "
				"stopped (%llu timer ticks in idle)",
				(unsigned long long)idle_ticks);
			shutdown_machine(shutdown_idle_status());
		}
		arch_idle();
	}
}

void sched_exit_to_user(void)
{
	struct tcb *next = pick();

	if (!next)
		idle();
	sched_current = next;
	arch_return_to_user(next);
}
