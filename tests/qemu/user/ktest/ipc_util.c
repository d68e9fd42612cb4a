/*
 * The helpers the IPC suites share (ipc.h): the helper threads, one IPC
 * system call made by a helper, message patterns, and ktest's bounded
 * waits with their watchdog.
 */
#include "ipc.h"

#include "../lib/watchdog.h"

/* A wait that has not ended after the watchdog ran this long alone never
 * will. A pause between two of its steps longer than a thousandth of
 * that went to other threads and does not count. */
#define WATCHDOG_MS	  1000
#define WATCHDOG_CYCLES	  3000000000ULL /* if the TSC rate is unknown */
#define WATCHDOG_GAP_DIV  1000
#define WATCHDOG_BIT	  (1ULL << 63)
#define WATCHDOG_PRIORITY 1

static const pith_cptr_t R = PITH_SLOT_CNODE;

struct thread helper[HELPERS];
static struct thread watchdog_thread;
static struct watchdog wd;	/* what the watchdog thread reads */
static pith_cptr_t kn;		/* bound to ktest: ends its waits */
static pith_cptr_t kn_watchdog; /* kn, badged WATCHDOG_BIT */
static pith_cptr_t done_caps[DONE_BITS];
static uint64_t pending; /* done bits received, not yet waited for */

static void watchdog_arm(void)
{
	wd.restart = 1;
	pith_tcb_resume(watchdog_thread.tcb);
}

static void watchdog_disarm(void)
{
	uint64_t w = 0;

	pith_tcb_suspend(watchdog_thread.tcb);
	if (pith_poll(kn, &w) == PITH_OK)
		pending |= w & ~WATCHDOG_BIT;
}

bool ipc_begin(void)
{
	uint64_t khz;
	bool ok;

	pending = 0;
	kn = obj_new(PITH_OBJ_NOTIFICATION, 0);
	kn_watchdog = cap_mint(kn, PITH_RIGHT_WRITE, WATCHDOG_BIT);
	khz = pith_bootinfo ? pith_bootinfo->tsc_khz : 0;
	wd = (struct watchdog){
		.cap = kn_watchdog,
		.limit = khz ? WATCHDOG_MS * khz : WATCHDOG_CYCLES,
	};
	wd.gap = wd.limit / WATCHDOG_GAP_DIV;
	ok = kn && kn_watchdog &&
	     pith_tcb_bind_notification(PITH_SLOT_TCB, kn) == PITH_OK &&
	     thread_create(&watchdog_thread, WATCHDOG_PRIORITY) &&
	     thread_start(&watchdog_thread, watchdog_run, (uintptr_t)&wd) ==
		     PITH_OK &&
	     pith_tcb_suspend(watchdog_thread.tcb) == PITH_OK;
	for (unsigned i = 0; ok && i < DONE_BITS; i++) {
		done_caps[i] = cap_mint(kn, PITH_RIGHT_WRITE, 1ULL << i);
		ok = done_caps[i] != 0;
	}
	for (unsigned i = 0; ok && i < HELPERS; i++)
		ok = thread_create(&helper[i], HELPER_PRIORITY);
	return ok;
}

void ipc_end(void)
{
	struct pith_ipc_buffer *ipc = pith_ipc_buffer();

	for (unsigned i = 0; i < HELPERS; i++)
		thread_destroy(&helper[i]);
	thread_destroy(&watchdog_thread);
	pith_tcb_unbind_notification(PITH_SLOT_TCB);
	for (unsigned i = 0; i < DONE_BITS; i++)
		slot_free(done_caps[i]);
	slot_free(kn_watchdog);
	slot_free(kn);
	ipc->receive_cnode = 0;
	ipc->receive_index = 0;
}

pith_cptr_t ipc_done_cap(unsigned i)
{
	return i < DONE_BITS ? done_caps[i] : 0;
}

void ipc_op_init(struct ipc_op *op, uint64_t sys, pith_cptr_t cap,
		 struct pith_msg m)
{
	*op = (struct ipc_op){.sys = sys, .cap = cap, .m = m};
	op->err = UINT64_MAX;
}

void ipc_op_run(uint64_t arg)
{
	struct ipc_op *op = (struct ipc_op *)(uintptr_t)arg;
	struct pith_ipc_buffer *ipc = pith_ipc_buffer();

	for (unsigned i = PITH_MSG_REGISTER_WORDS; i < PITH_MSG_MAX_WORDS; i++)
		ipc->mr[i] = op->words[i];
	for (unsigned i = 0; i < PITH_MSG_MAX_CAPS; i++) {
		ipc->caps[i] = op->caps[i];
		ipc->badges[i] = 0;
	}
	ipc->receive_cnode = op->recv_cnode;
	ipc->receive_index = op->recv_index;
	ipc->receive_depth = DEPTH;
	op->err = pith_ipc_syscall(op->sys, op->cap, &op->m);
	for (unsigned i = PITH_MSG_REGISTER_WORDS; i < PITH_MSG_MAX_WORDS; i++)
		op->words[i] = ipc->mr[i];
	for (unsigned i = 0; i < PITH_MSG_MAX_CAPS; i++)
		op->badges[i] = ipc->badges[i];
}

bool helper_start(struct thread *th, void (*fn)(uint64_t arg), uint64_t arg)
{
	pith_tcb_suspend(th->tcb);
	if (thread_start(th, fn, arg) != PITH_OK)
		return false;
	for (unsigned i = 0; i < STARTUP_YIELDS; i++)
		pith_yield();
	return true;
}

bool op_start(struct thread *th, struct ipc_op *op)
{
	return helper_start(th, ipc_op_run, (uint64_t)(uintptr_t)op);
}

bool helper_blocked(const struct thread *th)
{
	return th->state == THREAD_RUNNING;
}

bool helper_finish(struct thread *th)
{
	for (unsigned i = 0; i < YIELD_BOUND && th->state != THREAD_DONE; i++)
		pith_yield();
	return th->state == THREAD_DONE;
}

enum pith_error helper_set_fault_ep(struct thread *th, pith_cptr_t ep)
{
	return pith_tcb_configure(th->tcb, R, PITH_SLOT_VSPACE, th->ipc_frame,
				  ep, 0, th->ipc_va);
}

void helper_reset(struct thread *th)
{
	pith_tcb_suspend(th->tcb);
	helper_set_fault_ep(th, 0);
	pith_tcb_unbind_notification(th->tcb);
	pith_tcb_set_priority(th->tcb, PITH_SLOT_TCB, HELPER_PRIORITY);
}

bool ipc_recv_bounded(struct tcase *t, uint64_t sys, pith_cptr_t ep,
		      struct pith_msg *m, const char *step)
{
	enum pith_error err;

	watchdog_arm();
	for (;;) {
		err = pith_ipc_syscall(sys, ep, m);
		if (err != PITH_OK || !(m->info & PITH_MSGINFO_SIGNAL))
			break;
		/* A signal of the bound notification, not a message. */
		pending |= m->badge & ~WATCHDOG_BIT;
		if (m->badge & WATCHDOG_BIT) {
			watchdog_disarm();
			tc_fail(t, "%s: nothing arrived (ktest would hang)",
				step);
			return false;
		}
		sys = PITH_SYS_RECV; /* a reply_recv has replied already */
	}
	watchdog_disarm();
	return tc_ok(t, err, step);
}

bool ipc_wait_done(struct tcase *t, uint64_t bits, const char *step)
{
	uint64_t w = 0;
	bool ok;

	watchdog_arm();
	while ((pending & bits) != bits) {
		if (pith_wait(kn, &w) != PITH_OK)
			break;
		pending |= w & ~WATCHDOG_BIT;
		if (w & WATCHDOG_BIT)
			break;
	}
	watchdog_disarm();
	ok = (pending & bits) == bits;
	if (!ok)
		tc_fail(t, "%s: not signalled: 0x%llx", step,
			(unsigned long long)(bits & ~pending));
	pending &= ~bits;
	return ok;
}

struct pith_msg ipc_pattern(uint64_t label, unsigned words, uint64_t seed,
			    uint64_t *ext)
{
	struct pith_msg m = pith_msg(label, words, 0);

	for (unsigned i = 0; i < PITH_MSG_MAX_WORDS; i++) {
		if (i < PITH_MSG_REGISTER_WORDS)
			m.mr[i] = ipc_word(seed, i);
		else if (ext)
			ext[i] = ipc_word(seed, i);
	}
	return m;
}

bool ipc_check_words(struct tcase *t, const struct pith_msg *m,
		     const uint64_t *ext, unsigned words, uint64_t seed)
{
	for (unsigned i = 0; i < words; i++) {
		uint64_t got = i < PITH_MSG_REGISTER_WORDS ? m->mr[i] : ext[i];

		if (got != ipc_word(seed, i)) {
			tc_fail(t, "word %u: got 0x%llx, want 0x%llx", i,
				(unsigned long long)got,
				(unsigned long long)ipc_word(seed, i));
			return false;
		}
	}
	return true;
}

bool ipc_check_info(struct tcase *t, const struct pith_msg *m, uint64_t label,
		    unsigned words, uint64_t badge)
{
	return tc_eq(t, PITH_MSGINFO_LABEL(m->info), label, "label") &&
	       tc_eq(t, PITH_MSGINFO_WORDS(m->info), words, "length") &&
	       tc_eq(t, PITH_MSGINFO_CAPS(m->info), 0, "capabilities") &&
	       tc_eq(t, PITH_MSGINFO_FLAGS(m->info), 0, "flags") &&
	       tc_eq(t, m->badge, badge, "badge");
}

enum pith_error ipc_ktest_syscall(uint64_t sys, pith_cptr_t cap,
				  struct pith_msg *m, uint64_t *ext)
{
	struct pith_ipc_buffer *ipc = pith_ipc_buffer();
	enum pith_error err;

	for (unsigned i = PITH_MSG_REGISTER_WORDS; i < PITH_MSG_MAX_WORDS; i++)
		ipc->mr[i] = ext[i];
	err = pith_ipc_syscall(sys, cap, m);
	for (unsigned i = PITH_MSG_REGISTER_WORDS; i < PITH_MSG_MAX_WORDS; i++)
		ext[i] = ipc->mr[i];
	return err;
}
