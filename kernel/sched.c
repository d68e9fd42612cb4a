/*
 * The scheduler (see include/kernel/sched.h).
 *
 * Each priority has a circular doubly linked ready queue of the threads
 * that wait to run; ready_words has one bit per priority with a non-empty
 * queue, ready_summary one bit per non-zero word of it. The running
 * thread is in no queue: it goes back into its queue only when another
 * thread takes the CPU (at the head: it was preempted) or its timeslice
 * ends (at the tail). So an IPC that blocks one thread and wakes another
 * of at least its priority switches without touching a queue, which is
 * what the fastpath (ipc/fastpath.c) relies on.
 */
#include "kernel/sched.h"

#include "arch/enter_user.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "kernel/shutdown.h"

#define IDLE_TICKS_BEFORE_EXIT 3

struct tcb *sched_current;
struct tcb *sched_boosted;
static struct tcb *ready[SCHED_PRIORITIES];
static uint64_t ready_words[SCHED_PRIORITIES / 64];
static uint64_t ready_summary;
static unsigned timeslice = 2;
static unsigned starvation;   /* ticks; 0: strict priorities */
static bool rotate_current;   /* its timeslice ended, or it yielded */
static struct tcb *switch_to; /* woken to run at once, if it may */

void sched_init(unsigned timeslice_ticks, unsigned starvation_ticks)
{
	timeslice = timeslice_ticks ? timeslice_ticks : 1;
	starvation = starvation_ticks;
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

/*
 * Into t's ready queue: at the head or the tail. The head's ready_since
 * is how long its priority has had a thread waiting (check_starvation()
 * looks only at heads): a thread put in front of threads already waiting
 * takes over the oldest of their times, so that it cannot hide them.
 */
static void enqueue(struct tcb *t, bool head)
{
	struct tcb **q = &ready[t->priority];
	uint64_t now = arch_timer_ticks();

	t->ready_since = now;
	if (!*q) {
		t->sched_next = t->sched_prev = t;
		*q = t;
		mark(t->priority);
	} else { /* just before the head: the tail of the ring */
		t->sched_next = *q;
		t->sched_prev = (*q)->sched_prev;
		t->sched_prev->sched_next = t;
		(*q)->sched_prev = t;
		if (head) {
			if ((*q)->ready_since < now)
				t->ready_since = (*q)->ready_since;
			*q = t;
		}
	}
}

static void dequeue(struct tcb *t)
{
	struct tcb **q = &ready[t->priority];

	if (t->sched_next == t) {
		*q = NULL;
		unmark(t->priority);
	} else {
		t->sched_prev->sched_next = t->sched_next;
		t->sched_next->sched_prev = t->sched_prev;
		if (*q == t)
			*q = t->sched_next;
	}
	t->sched_next = t->sched_prev = NULL;
}

void sched_add(struct tcb *t, bool first)
{
	KASSERT(t->state == TCB_RUNNABLE);
	if (!t->timeslice)
		t->timeslice = timeslice;
	if (first)
		switch_to = t;
	if (t == sched_current || queued(t))
		return;
	enqueue(t, first);
}

void sched_remove(struct tcb *t)
{
	if (queued(t))
		dequeue(t);
	if (sched_current == t)
		sched_current = NULL;
	if (sched_boosted == t)
		sched_boosted = NULL;
	if (switch_to == t)
		switch_to = NULL;
}

void sched_set_priority(struct tcb *t, unsigned priority)
{
	bool was_queued = queued(t);

	if (was_queued)
		dequeue(t);
	t->priority = (uint8_t)priority;
	if (was_queued)
		enqueue(t, false);
	/* The running thread, now below a ready one, is preempted on the
	 * way out of the kernel. */
}

void sched_yield_timeslice(struct tcb *t)
{
	t->timeslice = timeslice;
	if (t == sched_current)
		rotate_current = true;
	if (t == sched_boosted)
		sched_boosted = NULL;
}

/*
 * The starvation bound: a ready thread below the running thread's
 * priority that has not run for `starvation` ticks runs next, for one
 * timeslice. Only the heads of the ready queues are looked at: the head
 * of a queue is the thread of that priority that runs next, and the one
 * that has waited longest but for direct switches (which run at once).
 * The heads of at most 256 queues, once a tick.
 */
static void check_starvation(const struct tcb *cur)
{
	uint64_t now = arch_timer_ticks(), oldest = now;
	struct tcb *starved = NULL;

	for (unsigned w = 0; w < cur->priority / 64 + 1; w++) {
		uint64_t bits = ready_words[w];

		if (w == cur->priority / 64)
			bits &= (1ULL << (cur->priority % 64)) - 1;
		while (bits) {
			unsigned prio =
				w * 64 + (unsigned)__builtin_ctzll(bits);
			struct tcb *h = ready[prio];

			bits &= bits - 1;
			if (now - h->ready_since >= starvation &&
			    h->ready_since <= oldest) {
				oldest = h->ready_since;
				starved = h;
			}
		}
	}
	if (starved) {
		starved->timeslice = timeslice;
		sched_boosted = starved;
	}
}

void sched_tick(void)
{
	struct tcb *t = sched_current;

	if (!t)
		return;
	if (t->timeslice && --t->timeslice == 0) {
		t->timeslice = timeslice;
		rotate_current = true;
		if (sched_boosted == t) {
			/* Its boost is over: the running thread's priority
			 * means nothing to the bound until the next tick. */
			sched_boosted = NULL;
			return;
		}
	}
	/* On every tick, the last of a timeslice too: with a timeslice of
	 * one tick, no other tick would check. */
	if (starvation && !sched_boosted)
		check_starvation(t);
}

#if PITH_HOST
struct tcb *sched_ready_head(unsigned prio, bool *marked)
{
	*marked = ready_words[prio / 64] >> (prio % 64) & 1 &&
		  ready_summary >> (prio / 64) & 1;
	return ready[prio];
}
#endif

static struct tcb *highest(void)
{
	unsigned w, prio;

	if (!ready_summary)
		return NULL;
	w = 63 - (unsigned)__builtin_clzll(ready_summary);
	prio = w * 64 + 63 - (unsigned)__builtin_clzll(ready_words[w]);
	return ready[prio];
}

/* The queued thread with the best claim to the CPU: a starved one, one
 * woken for a direct switch (unless a higher priority waits), or the
 * head of the highest priority. */
static struct tcb *best_queued(void)
{
	struct tcb *h;

	if (sched_boosted && queued(sched_boosted))
		return sched_boosted;
	h = highest();
	if (switch_to && queued(switch_to) &&
	    switch_to->priority >= h->priority)
		return switch_to;
	return h;
}

/* Whether the running thread keeps the CPU against `next`; `rotate`: it
 * yielded or used up its timeslice, so its peers go first. */
static bool keeps_cpu(const struct tcb *cur, const struct tcb *next,
		      bool rotate)
{
	if (!next)
		return true;
	if (next == sched_boosted)
		return false;
	if (cur == sched_boosted)
		return true;
	if (rotate || next == switch_to)
		return next->priority < cur->priority;
	return next->priority <= cur->priority;
}

/* The root of t's address space. One whose address space is gone (its
 * capability deleted, or its ASID pool) cannot run: it is stopped, as a
 * fault would, and the result is 0. */
static uint64_t runnable_root(struct tcb *t)
{
	uint64_t root = tcb_vspace_root(t);

	if (!root) {
		pr_err("fault: thread '%s' stopped: its address space is gone",
		       t->name);
		tcb_suspend(t);
		t->faulted = true;
	}
	return root;
}

static __always_inline _Noreturn void run(struct tcb *t, uint64_t root)
{
	sched_current = t;
	switch_to = NULL;
	arch_enter_user(t, root);
}

/* Run the best queued thread, if there is one that can run. */
static void run_queued(void)
{
	struct tcb *next;
	uint64_t root;

	while ((next = best_queued())) {
		dequeue(next);
		root = runnable_root(next);
		if (root)
			run(next, root);
	}
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

	sched_current = NULL;
	for (;;) {
		uint64_t idle_ticks;

		run_queued();
		idle_ticks = arch_timer_ticks() - start;
		if (!said) {
			pr_debug("sched: no runnable threads; idle");
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
	struct tcb *cur = sched_current;
	bool rotate = rotate_current;
	uint64_t root;

	rotate_current = false;
	if (cur && (root = runnable_root(cur))) {
		KASSERT(cur->state == TCB_RUNNABLE);
		if (keeps_cpu(cur, best_queued(), rotate))
			run(cur, root);
		/* Preempted: first in line again; its time up: last. */
		enqueue(cur, !rotate);
		sched_current = NULL;
	}
	run_queued();
	idle();
}

/* The rest of a yield that gives up the CPU: out of line, so that a yield
 * that keeps it (the null system call) saves no registers for this. */
static __attribute__((noinline)) _Noreturn void yield_to(struct tcb *t,
							 struct tcb *next)
{
	uint64_t root;

	enqueue(t, false);
	sched_current = NULL;
	dequeue(next);
	root = runnable_root(next);
	if (root)
		run(next, root);
	run_queued();
	idle();
}

/*
 * yield, the whole system call, for the system call entry: the running
 * thread goes behind the ready threads of its priority, or on at once if
 * there are none (nothing it did can have changed its address space).
 */
void sched_yield_syscall(struct tcb *t)
{
	struct tcb *next;

	KASSERT(t == sched_current && !rotate_current && !switch_to);
	arch_set_syscall_error(&t->ctx, PITH_OK);
	t->timeslice = timeslice;
	if (sched_boosted == t)
		sched_boosted = NULL;
	next = best_queued();
	if (keeps_cpu(t, next, true))
		arch_resume_user(t);
	yield_to(t, next);
}
