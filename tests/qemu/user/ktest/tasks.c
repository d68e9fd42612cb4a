/*
 * Tasks in address spaces of their own: the `tasks` program
 * (tests/qemu/user/tasks), spawned from the initrd, plays both sides of a
 * ping-pong between two address spaces, and eight copies of it take
 * turns round-robin at one priority, each printing its turns and logging
 * them in a page ktest shares with all eight. Destroying the tasks gives
 * back every slot and byte they took.
 *
 * The tasks run below ktest's priority, so they run only while ktest
 * blocks: on their exit endpoint, in ipc_recv_bounded() (ipc.h), which
 * the watchdog ends should every task block without reporting. A task
 * that never stops running would keep the watchdog from running too: a
 * guard thread below them all, which only the starvation bound lets run
 * now and then, suspends them once a case has taken far too long. The
 * tasks are made from a block of ktest's pool of their own, whose
 * watermark says what is left of them once destroyed.
 */
#include "../tasks/tasks.h"
#include "ipc.h"

#define TASK_PRIORITY	 100 /* below ktest's */
#define TASK_CNODE_BITS	 8
#define TASK_STACK_PAGES 4
#define BLOCK_BITS	 22 /* 4 MiB: enough for eight tasks */
#define ROUND_TRIPS	 1000
#define SHOWN		 3 /* exchanges each side prints */
#define RR_TASKS	 8
#define RR_TURNS	 3
#define PING_BADGE	 0x9149 /* on ping's endpoint capability */
#define EXIT_PING	 0x100	/* exit badges */
#define EXIT_PONG	 0x101
#define EXIT_RR		 0x200 /* + the task's number */
/* Unused by the tasks (PML4 entry 192): a probe of their address spaces. */
#define PROBE_VA	 0x0000600000000000ULL
#define GUARD_MS	 5000
#define GUARD_CYCLES	 15000000000ULL /* if the TSC rate is unknown */
#define GUARD_PRIORITY	 0
#define GUARD		 (&helper[0])

static struct cpio_entry image; /* the tasks program, in the initrd */
static pith_cptr_t exit_ep;	/* every task reports here */
static pith_cptr_t block;	/* the untyped the tasks are made from */
static pith_cptr_t saved_ut[PITH_ALLOC_UNTYPED_MAX];
static unsigned nsaved_ut;
static uint64_t log_va; /* the round robin's log page, in ktest */
static volatile struct tasks_rr_log *rr_log;

/* What the cases of one demonstration share: the tasks, the ping-pong's
 * endpoint, and the free slots before any of it was made. */
enum { PING, PONG };
static struct pith_process pingpong[2], rr[RR_TASKS];
static pith_cptr_t pingpong_ep;
static uint64_t avail_before;

/* What the guard watches: the running case's tasks, and when to stop
 * them (a TSC value). */
struct guard {
	uint64_t deadline;
	const struct pith_process *tasks;
	unsigned n;
};

static struct guard guard;

/* Make objects from the block only, for a while; then back to the pool. */
static bool use_block(void)
{
	nsaved_ut = pith_alloc_untyped(saved_ut, PITH_ALLOC_UNTYPED_MAX);
	return pith_alloc_use_untyped(&block, 1) == PITH_OK;
}

static void use_saved(void)
{
	pith_alloc_use_untyped(saved_ut, nsaved_ut);
}

/* ---- the guard --------------------------------------------------------- */

/* Runs only when starved or when all else is idle; yields at once. */
static void guard_run(uint64_t arg)
{
	const struct guard *g = (const struct guard *)(uintptr_t)arg;

	while (rdtsc() < g->deadline)
		pith_yield();
	for (unsigned i = 0; i < g->n; i++)
		pith_tcb_suspend(g->tasks[i].tcb);
}

/* Start the guard afresh (no stale state from the last case) over these
 * tasks; ktest is about to block. */
static bool guard_arm(struct tcase *t, const struct pith_process *tasks,
		      unsigned n)
{
	uint64_t khz = pith_bootinfo->tsc_khz;

	pith_tcb_suspend(GUARD->tcb);
	guard = (struct guard){
		.deadline = rdtsc() + (khz ? GUARD_MS * khz : GUARD_CYCLES),
		.tasks = tasks,
		.n = n,
	};
	return tc_ok(t, thread_start(GUARD, guard_run, (uintptr_t)&guard),
		     "start the guard");
}

/* Before the tasks' TCBs go: the guard must not touch their slots. */
static void guard_disarm(void)
{
	pith_tcb_suspend(GUARD->tcb);
}

/* ---- tasks -------------------------------------------------------------- */

static struct pith_spawn_args task_args(uint64_t role, uint64_t exit_badge,
					const struct pith_spawn_cap *cap)
{
	return (struct pith_spawn_args){
		.name = TASKS_NAME,
		.image = image.data,
		.image_size = image.size,
		.args = {role},
		.priority = TASK_PRIORITY,
		.cnode_bits = TASK_CNODE_BITS,
		.stack_pages = TASK_STACK_PAGES,
		.debug = {PITH_SLOT_DEBUG, 0, 0, NULL},
		.exit_ep = {exit_ep, PITH_RIGHT_WRITE, exit_badge, NULL},
		.caps = cap,
		.ncaps = 1,
	};
}

/* Block until a task exits: the badge of its exit endpoint and its
 * status. False (the case failed) if none did, or not with an exit
 * message. */
static bool wait_exit(struct tcase *t, uint64_t *badge, int64_t *status,
		      const char *step)
{
	struct pith_msg m = pith_msg(0, 0, 0);

	if (!ipc_recv_bounded(t, PITH_SYS_RECV, exit_ep, &m, step) ||
	    !tc_eq(t, m.info, PITH_MSGINFO(PITH_EXIT_LABEL, PITH_EXIT_WORDS, 0),
		   "the exit message's info"))
		return false;
	*badge = m.badge;
	*status = (int64_t)m.mr[PITH_EXIT_STATUS];
	return true;
}

/* Destroy the tasks (and the ping-pong's endpoint): with every object
 * made from the block gone, its watermark is back at 0, and ktest has
 * the slots it had. */
static void destroy_case(const char *name, struct pith_process *p, unsigned n)
{
	struct tcase t;

	tc_begin(&t, name);
	guard_disarm();
	for (unsigned i = 0; i < n; i++)
		tc_ok(&t, pith_process_destroy(&p[i]), "destroy a task");
	slot_free(pingpong_ep);
	pingpong_ep = 0;
	use_saved();
	tc_eq(&t, pith_slots_available(), avail_before,
	      "free slots after the destroys");
	tc_eq(&t, untyped_watermark(block), 0,
	      "memory in use after the destroys");
	tc_end(&t);
}

/* ---- ping-pong ---------------------------------------------------------- */

/* pong first, which waits; then ping, which calls it. */
static bool pingpong_spawn(struct tcase *t)
{
	const struct pith_spawn_cap to_pong = {pingpong_ep, PITH_RIGHT_READ, 0,
					       NULL};
	const struct pith_spawn_cap to_ping = {pingpong_ep, PITH_RIGHT_WRITE,
					       PING_BADGE, NULL};
	struct pith_spawn_args a = task_args(TASKS_PONG, EXIT_PONG, &to_pong);

	a.args[1] = SHOWN;
	a.args[2] = PING_BADGE;
	if (!tc_ok(t, pith_process_spawn(&a, &pingpong[PONG]), "spawn pong"))
		return false;
	a = task_args(TASKS_PING, EXIT_PING, &to_ping);
	a.args[1] = ROUND_TRIPS;
	a.args[2] = SHOWN;
	return tc_ok(t, pith_process_spawn(&a, &pingpong[PING]), "spawn ping");
}

/* Two address spaces: two VSpace capabilities, and two VSpaces in fact,
 * for a frame maps at the same address in each (in one, the second map
 * would find the first). The probe is taken down again at once. */
static bool two_spaces(struct tcase *t)
{
	const pith_cptr_t vs[2] = {pingpong[PING].vspace,
				   pingpong[PONG].vspace};
	pith_cptr_t frame = obj_new(PITH_OBJ_FRAME_4K, 0), copy[2] = {0};
	struct pith_vm_tables made[2] = {0};
	bool ok = tc_true(t, frame, "a frame to probe with") &&
		  tc_true(t, vs[0] != vs[1], "one VSpace for both tasks");

	for (unsigned i = 0; ok && i < 2; i++) {
		ok = tc_eq(t, cap_type(vs[i]), PITH_CAP_VSPACE,
			   "a task's VSpace capability");
		copy[i] = ok ? cap_copy(frame, RIGHTS_RW) : 0;
		ok = ok && tc_true(t, copy[i], "a copy of the frame") &&
		     tc_ok(t,
			   pith_vm_map_at(vs[i], copy[i], PROBE_VA,
					  PITH_RIGHT_READ, &made[i]),
			   "map the frame at one address in each VSpace");
	}
	for (unsigned i = 0; i < 2; i++) {
		slot_free(copy[i]);
		for (unsigned k = 0; k < made[i].count; k++)
			slot_free(made[i].slot[k]);
	}
	slot_free(frame);
	return ok;
}

static void test_pingpong(void)
{
	uint64_t badge = 0;
	int64_t status = -1;
	struct tcase t;

	tc_begin(&t, "tasks_pingpong_two_address_spaces");
	avail_before = pith_slots_available();
	if (tc_true(&t, use_block(), "use the block")) {
		pingpong_ep = obj_new(PITH_OBJ_ENDPOINT, 0);
		if (tc_true(&t, pingpong_ep, "an endpoint") &&
		    pingpong_spawn(&t) && two_spaces(&t) &&
		    guard_arm(&t, pingpong, 2) &&
		    wait_exit(&t, &badge, &status, "wait for ping to exit")) {
			tc_eq(&t, badge, EXIT_PING,
			      "the exit's badge: ping's, not pong's");
			tc_eq(&t, (uint64_t)status, TASKS_OK,
			      "ping's exit status");
		}
	}
	tc_end(&t);

	/* pong is still waiting for a call; ping waits to be destroyed. */
	destroy_case("tasks_pingpong_destroy_no_leak", pingpong, 2);
}

/* ---- round robin -------------------------------------------------------- */

/* Eight tasks at one priority below ktest's, each held as soon as it is
 * made: else one could run before the others exist, should the
 * starvation bound pick it while ktest spawns the rest. Released
 * together, they queue in order 0..7. */
static bool rr_spawn(struct tcase *t)
{
	static const uint8_t ut_bits = TASKS_RR_UNTYPED_BITS;
	const struct pith_spawn_cap log = {pith_vm_frame(log_va), RIGHTS_RW, 0,
					   NULL};

	for (unsigned i = 0; i < RR_TASKS; i++) {
		struct pith_spawn_args a =
			task_args(TASKS_RR, EXIT_RR + i, &log);

		a.args[1] = i;
		a.args[2] = RR_TASKS;
		a.args[3] = RR_TURNS;
		a.untyped_bits = &ut_bits;
		a.nuntyped = 1;
		if (!tc_ok(t, pith_process_spawn(&a, &rr[i]), "spawn a task") ||
		    !tc_ok(t, pith_tcb_suspend(rr[i].tcb), "hold it"))
			return false;
	}
	for (unsigned i = 0; i < RR_TASKS; i++) {
		if (!tc_ok(t, pith_tcb_resume(rr[i].tcb), "release a task"))
			return false;
	}
	return tc_eq(t, rr_log->count, 0, "entries before ktest blocked");
}

/* Their exits, in the order they came: the badges and the statuses. */
static bool rr_exits(struct tcase *t, uint64_t *badge, int64_t *status)
{
	for (unsigned i = 0; i < RR_TASKS; i++) {
		if (!wait_exit(t, &badge[i], &status[i],
			       "wait for the tasks to exit"))
			return false;
	}
	return true;
}

/* The log: 0..7 for turn 0, then for turn 1, then for turn 2. */
static bool rr_log_in_turn(struct tcase *t)
{
	if (!tc_eq(t, rr_log->count, (uint64_t)RR_TASKS * RR_TURNS,
		   "entries in the log"))
		return false;
	for (unsigned k = 0; k < RR_TASKS * RR_TURNS; k++) {
		uint64_t got = rr_log->entry[k];

		if (got != TASKS_RR_ENTRY(k % RR_TASKS, k / RR_TASKS)) {
			tc_fail(t,
				"log entry %u: task %llu turn %llu, want "
				"task %u turn %u",
				k, (unsigned long long)TASKS_RR_TASK(got),
				(unsigned long long)TASKS_RR_TURN(got),
				k % RR_TASKS, k / RR_TASKS);
			return false;
		}
	}
	return true;
}

/* Each exited with status 0, and in turn too: task 0 had the first
 * turn, so it is the first to find its turns done. */
static void rr_exits_in_turn(struct tcase *t, const uint64_t *badge,
			     const int64_t *status)
{
	for (unsigned i = 0; i < RR_TASKS; i++) {
		if (badge[i] != EXIT_RR + i || status[i] != TASKS_OK) {
			tc_fail(t,
				"exit %u: badge 0x%llx status %lld, want "
				"task %u's (0x%llx) with status 0",
				i, (unsigned long long)badge[i],
				(long long)status[i], i,
				(unsigned long long)(EXIT_RR + i));
			return;
		}
	}
}

static void test_round_robin(void)
{
	uint64_t badge[RR_TASKS];
	int64_t status[RR_TASKS];
	struct tcase t;

	tc_begin(&t, "tasks_eight_round_robin");
	rr_log->count = 0;
	avail_before = pith_slots_available();
	if (tc_true(&t, use_block(), "use the block") && rr_spawn(&t) &&
	    guard_arm(&t, rr, RR_TASKS) && rr_exits(&t, badge, status) &&
	    rr_log_in_turn(&t))
		rr_exits_in_turn(&t, badge, status);
	tc_end(&t);

	destroy_case("tasks_round_robin_destroy_no_leak", rr, RR_TASKS);
}

/* ---- the suite ---------------------------------------------------------- */

/* The log page, from ktest's pool, and then one page mapped and unmapped
 * where the spawns will map theirs for a moment (pith_process_spawn
 * writes the new pages through such mappings): the page tables of ktest's
 * SDK region are in place before any case counts slots or memory. */
static bool log_map(void)
{
	uint64_t va;

	if (pith_vm_map_new(1, RIGHTS_RW, &log_va) != PITH_OK)
		return false;
	rr_log = (volatile struct tasks_rr_log *)(uintptr_t)log_va;
	if (pith_vm_map_new(1, RIGHTS_RW, &va) != PITH_OK)
		return false;
	return pith_vm_unmap(va) == PITH_OK;
}

/* The exit endpoint, the block, the helper threads (one is the guard)
 * and the log page; false if any is missing. */
static bool setup(void)
{
	enum cpio_error why = CPIO_OK;
	enum pith_error err = pith_initrd_find(TASKS_NAME, &image, &why);

	if (err != PITH_OK) {
		pith_printf("ktest: initrd: %s (%s)\n", pith_error_name(err),
			    cpio_strerror(why));
		return false;
	}
	exit_ep = obj_new(PITH_OBJ_ENDPOINT, 0);
	block = obj_new(PITH_OBJ_UNTYPED, BLOCK_BITS);
	return exit_ep && block && ipc_begin() && log_map() &&
	       pith_tcb_set_priority(GUARD->tcb, PITH_SLOT_TCB,
				     GUARD_PRIORITY) == PITH_OK;
}

void test_tasks(void)
{
	if (!setup()) {
		expect_true("tasks_setup", false,
			    "tasks not in the initrd, or no threads, objects "
			    "or log page");
	} else {
		test_pingpong();
		test_round_robin();
	}
	ipc_end();
	if (log_va)
		pith_vm_unmap(log_va);
	log_va = 0;
	rr_log = NULL;
	slot_free(block);
	slot_free(exit_ep);
	pith_initrd_unmap();
	image = (struct cpio_entry){0};
}
