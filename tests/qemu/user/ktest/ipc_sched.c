/*
 * Scheduling as IPC sees it (kernel/sched.c, ipc/): a signal or message
 * to a higher-priority thread runs it at once; lower priorities run only
 * when everything above is blocked; threads of one priority that yield
 * take strict turns; and two threads ping-pong 1000 calls.
 *
 * ktest stays at the top priority; it lets lower threads run by blocking
 * (ipc_wait_done). Windows where a lower thread must not run are kept far
 * below the starvation bound, which lets any thread run now and then.
 */
#include "ipc.h"

#define HIGH	    200
#define LOW	    100
#define LOG_MAX	    64
#define SPIN_YIELDS 1000
#define RR_THREADS  4
#define RR_ROUNDS   5
#define RR8_THREADS 8
#define RR8_TURNS   3
#define ROUND_TRIPS 1000
#define PING	    0x919
#define PONG	    0x909

static volatile uint64_t log_entries[LOG_MAX];
static volatile unsigned log_n;
static volatile uint64_t low_count, stop, spin_before, spin_after;
static pith_cptr_t ntfn;

static void log_reset(void)
{
	log_n = 0;
	for (unsigned i = 0; i < LOG_MAX; i++)
		log_entries[i] = UINT64_MAX;
}

static void log_add(uint64_t v)
{
	unsigned n = log_n;

	if (n < LOG_MAX)
		log_entries[n] = v;
	log_n = n + 1;
}

static bool log_is(struct tcase *t, const uint64_t *want, unsigned n)
{
	if (!tc_eq(t, log_n, n, "entries in the log"))
		return false;
	for (unsigned i = 0; i < n; i++) {
		if (log_entries[i] != want[i]) {
			tc_fail(t, "log entry %u: got %llu, want %llu", i,
				(unsigned long long)log_entries[i],
				(unsigned long long)want[i]);
			return false;
		}
	}
	return true;
}

static bool set_priority(struct tcase *t, struct thread *th, unsigned prio)
{
	return tc_ok(t, pith_tcb_set_priority(th->tcb, PITH_SLOT_TCB, prio),
		     "set a helper's priority");
}

/* ---- preemption ------------------------------------------------------- */

static void high_waits(uint64_t arg)
{
	uint64_t w;

	(void)arg;
	pith_wait(ntfn, &w);
	log_add('H');
}

static void low_signals(uint64_t arg)
{
	(void)arg;
	log_add('a');
	pith_signal(ntfn);
	log_add('b');
	pith_signal(ipc_done_cap(0));
}

static void low_logs(uint64_t arg)
{
	log_add(arg);
	pith_signal(ipc_done_cap(0));
}

static void low_counts(uint64_t arg)
{
	(void)arg;
	do {
		low_count++;
		pith_yield();
	} while (!stop);
	pith_signal(ipc_done_cap(1));
}

static void high_spins(uint64_t arg)
{
	(void)arg;
	spin_before = low_count;
	for (unsigned i = 0; i < SPIN_YIELDS; i++)
		pith_yield();
	spin_after = low_count;
	pith_signal(ipc_done_cap(0));
}

static void test_preemption(void)
{
	static const uint64_t order[] = {'a', 'H', 'b'};
	uint64_t start, bound = starvation_bound_tsc();
	struct tcase t;

	/* ktest blocks; the lower thread signals the higher, which runs
	 * before the signaller's next statement. */
	tc_begin(&t, "ipc_sched_signal_preempts_lower_signaller");
	log_reset();
	if (set_priority(&t, &helper[0], HIGH) &&
	    set_priority(&t, &helper[1], LOW) &&
	    tc_true(&t, helper_start(&helper[0], high_waits, 0), "start H") &&
	    tc_true(&t, helper_start(&helper[1], low_signals, 0), "start L") &&
	    tc_eq(&t, log_n, 0, "entries before ktest blocked") &&
	    ipc_wait_done(&t, 1, "wait for the signaller"))
		log_is(&t, order, 3);
	tc_end(&t);

	/* A thread below ktest runs only once ktest blocks, even when
	 * ktest yields or wakes it. */
	tc_begin(&t, "ipc_sched_lower_runs_only_when_ktest_blocks");
	log_reset();
	if (tc_true(&t, helper_start(&helper[0], high_waits, 0), "start") &&
	    tc_true(&t, helper_start(&helper[1], low_logs, 'L'), "start")) {
		tc_ok(&t, pith_signal(ntfn), "wake the waiter at 200");
		for (unsigned i = 0; i < 20; i++)
			pith_yield();
		tc_eq(&t, log_n, 0, "entries while ktest ran");
		if (ipc_wait_done(&t, 1, "block"))
			log_is(&t, (const uint64_t[]){'H', 'L'}, 2);
	}
	tc_end(&t);

	/* While the higher thread spins (yielding, alone at its
	 * priority), the lower one, runnable, does not run. */
	tc_begin(&t, "ipc_sched_higher_runnable_excludes_lower");
	low_count = stop = 0;
	spin_before = spin_after = UINT64_MAX;
	start = rdtsc();
	if (tc_true(&t, helper_start(&helper[1], low_counts, 0), "start L") &&
	    tc_true(&t, helper_start(&helper[0], high_spins, 0), "start H") &&
	    ipc_wait_done(&t, 1, "wait for the spinner")) {
		if (!bound || rdtsc() - start < bound) {
			tc_eq(&t, spin_before, 0, "the count when H began");
			tc_eq(&t, spin_after, 0, "the count when H ended");
		}
		stop = 1;
		if (ipc_wait_done(&t, 2, "let the lower thread run"))
			tc_true(&t, low_count > 0, "it never ran");
	}
	stop = 1;
	tc_end(&t);
	helper_reset(&helper[0]);
	helper_reset(&helper[1]);
}

/* ktest at the top priority sends to a waiting receiver of the same
 * priority: the receiver runs at once (a direct switch), before ktest
 * goes on. */
static void test_direct_switch(pith_cptr_t ep)
{
	struct ipc_op op;
	struct pith_msg m = pith_msg(0x99, 0, 0);
	struct tcase t;

	tc_begin(&t, "ipc_sched_send_switches_to_receiver");
	ipc_op_init(&op, PITH_SYS_RECV, ep, pith_msg(0, 0, 0));
	if (tc_true(&t, op_start(&helper[0], &op), "start the receiver") &&
	    tc_true(&t, helper_blocked(&helper[0]), "it did not wait") &&
	    tc_ok(&t, pith_send(ep, &m), "send"))
		tc_eq(&t, helper[0].state, THREAD_DONE,
		      "the receiver had run when send returned");
	tc_end(&t);
}

/* ---- round robin ------------------------------------------------------ */

static void rr_body(uint64_t id)
{
	for (unsigned r = 0; r < RR_ROUNDS; r++) {
		log_add(id);
		pith_yield();
	}
	pith_signal(ipc_done_cap((unsigned)id));
}

static void rr8_body(uint64_t id)
{
	for (unsigned turn = 0; turn < RR8_TURNS; turn++) {
		pith_printf("rr: task %u turn %u\n", (unsigned)id, turn);
		log_add(id);
		pith_yield();
	}
	pith_signal(ipc_done_cap((unsigned)id));
}

/* n threads at LOW run body(i); the log must be 0..n-1, rounds times. */
static void rr_case(const char *name, void (*body)(uint64_t), unsigned n,
		    unsigned rounds)
{
	uint64_t want[LOG_MAX];
	struct tcase t;

	tc_begin(&t, name);
	log_reset();
	for (unsigned i = 0; i < n * rounds && i < LOG_MAX; i++)
		want[i] = i % n;
	for (unsigned i = 0; i < n; i++) {
		if (!set_priority(&t, &helper[i], LOW) ||
		    !tc_true(&t, helper_start(&helper[i], body, i), "start"))
			break;
	}
	if (!t.failed && tc_eq(&t, log_n, 0, "entries before ktest blocked") &&
	    ipc_wait_done(&t, (1ULL << n) - 1, "wait for the threads"))
		log_is(&t, want, n * rounds);
	tc_end(&t);
	for (unsigned i = 0; i < n; i++)
		helper_reset(&helper[i]);
}

/* ---- ping-pong -------------------------------------------------------- */

struct pingpong {
	pith_cptr_t ep;
	uint64_t trips, served, bad_client, bad_server, first_bad;
};

static void pong(uint64_t arg)
{
	struct pingpong *p = (struct pingpong *)(uintptr_t)arg;
	struct pith_msg m = pith_msg(0, 0, 0);
	enum pith_error err = pith_recv(p->ep, &m);

	for (uint64_t i = 0; err == PITH_OK; i++) {
		if (PITH_MSGINFO_LABEL(m.info) != PING || m.mr[0] != 2 * i)
			p->bad_server++;
		p->served++;
		m = pith_msg(PONG, 1, 0);
		m.mr[0] = 2 * i + 1;
		err = pith_reply_recv(p->ep, &m);
	}
}

static void ping(uint64_t arg)
{
	struct pingpong *p = (struct pingpong *)(uintptr_t)arg;

	for (uint64_t i = 0; i < ROUND_TRIPS; i++) {
		struct pith_msg m = pith_msg(PING, 1, 0);
		enum pith_error err;

		m.mr[0] = 2 * i;
		err = pith_call(p->ep, &m);
		if (err != PITH_OK || m.info != PITH_MSGINFO(PONG, 1, 0) ||
		    m.mr[0] != 2 * i + 1) {
			if (!p->bad_client++)
				p->first_bad = i;
			continue;
		}
		p->trips++;
	}
	pith_signal(ipc_done_cap(0));
}

static void test_pingpong(pith_cptr_t ep)
{
	struct pingpong p = {.ep = ep};
	struct tcase t;

	tc_begin(&t, "ipc_pingpong_1000");
	if (set_priority(&t, &helper[0], LOW) &&
	    set_priority(&t, &helper[1], LOW) &&
	    tc_true(&t, helper_start(&helper[1], pong, (uintptr_t)&p),
		    "start the server") &&
	    tc_true(&t, helper_start(&helper[0], ping, (uintptr_t)&p),
		    "start the client") &&
	    ipc_wait_done(&t, 1, "wait for the client")) {
		if (p.bad_client)
			tc_fail(&t, "%llu bad round trips, the first #%llu",
				(unsigned long long)p.bad_client,
				(unsigned long long)p.first_bad);
		tc_eq(&t, p.bad_server, 0, "bad calls the server saw");
		tc_eq(&t, p.served, ROUND_TRIPS, "calls served");
		if (tc_eq(&t, p.trips, ROUND_TRIPS, "round trips"))
			pith_printf("pingpong: %llu round trips\n",
				    (unsigned long long)p.trips);
	}
	tc_end(&t);
	helper_reset(&helper[0]);
	helper_reset(&helper[1]);
}

void test_ipc_sched(void)
{
	pith_cptr_t ep = obj_new(PITH_OBJ_ENDPOINT, 0);

	ntfn = obj_new(PITH_OBJ_NOTIFICATION, 0);
	if (!ipc_begin() || !ep || !ntfn) {
		expect_true("ipc_sched_setup", false, "threads or objects");
	} else {
		test_preemption();
		test_direct_switch(ep);
		rr_case("ipc_sched_round_robin_yield", rr_body, RR_THREADS,
			RR_ROUNDS);
		rr_case("ipc_sched_eight_tasks_round_robin", rr8_body,
			RR8_THREADS, RR8_TURNS);
		test_pingpong(ep);
	}
	ipc_end();
	slot_free(ntfn);
	slot_free(ep);
}
