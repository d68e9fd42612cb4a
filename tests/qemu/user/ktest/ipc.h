/*
 * What the IPC suites share (ipc_util.c; used by ipc.c, ipc_path.c,
 * ipc_caps.c, ipc_signal.c, ipc_fault.c, ipc_sched.c): a pool of helper
 * threads, one IPC system call made by a helper (struct ipc_op), and
 * ktest's bounded ways to block.
 *
 * ktest runs at the top priority, as do the helpers unless a case moves
 * them; it waits for them by yielding (they run until they block) or by
 * blocking itself. So that a kernel bug cannot hang the suite, ktest
 * blocks only in ipc_recv_bounded() and ipc_wait_done(): a notification
 * bound to ktest, and a watchdog thread at the lowest priority that
 * signals it once nothing else has run for a while (it runs only when
 * every other thread is blocked), end any such wait.
 */
#ifndef KTEST_IPC_H
#define KTEST_IPC_H

#include "ktest.h"

#define HELPERS		8  /* helper threads each suite may use */
#define DONE_BITS	16 /* ipc_done_cap(0 .. DONE_BITS - 1) */
#define HELPER_PRIORITY 255
#define STARTUP_YIELDS	3 /* enough for a new helper to run and block */

/* One IPC system call, made by a helper thread running ipc_op_run(). The
 * words 4-31 and the capabilities go through the helper's IPC buffer. */
struct ipc_op {
	uint64_t sys;	   /* PITH_SYS_* */
	pith_cptr_t cap;   /* what it is made on */
	struct pith_msg m; /* in: the message; out: what came back */
	uint64_t words[PITH_MSG_MAX_WORDS];  /* 4-31: in, then out */
	pith_cptr_t caps[PITH_MSG_MAX_CAPS]; /* capabilities to send */
	uint64_t recv_cnode, recv_index;     /* where received caps go */
	uint64_t badges[PITH_MSG_MAX_CAPS];  /* of received caps (out) */
	uint64_t err;			     /* the system call's result */
};

extern struct thread helper[HELPERS];

/* Set up the helpers, the bound notification and the watchdog; tear it
 * all down (every thread must be gone when ktest ends). */
bool ipc_begin(void);
void ipc_end(void);

/* A message: label, length and capabilities. */
void ipc_op_init(struct ipc_op *op, uint64_t sys, pith_cptr_t cap,
		 struct pith_msg m);
/* Thread body: the system call of the struct ipc_op at `op`. */
void ipc_op_run(uint64_t op);

/* Stop th (ending any IPC it is in), start it on fn(arg), and yield so
 * that it runs until it blocks or ends (if at ktest's priority). */
bool helper_start(struct thread *th, void (*fn)(uint64_t arg), uint64_t arg);
bool op_start(struct thread *th, struct ipc_op *op);
/* Started and neither finished nor gone: blocked, as ktest yields. */
bool helper_blocked(const struct thread *th);
/* Yield until th's function has returned; false if it did not. */
bool helper_finish(struct thread *th);
/* Back to the defaults: priority, no fault endpoint, no notification. */
void helper_reset(struct thread *th);

/* ktest's blocking receive (sys: PITH_SYS_RECV or PITH_SYS_REPLY_RECV);
 * fails the case if the watchdog ended it. */
bool ipc_recv_bounded(struct tcase *t, uint64_t sys, pith_cptr_t ep,
		      struct pith_msg *m, const char *step);
/* A capability that signals done bit i to ktest (helpers end with it). */
pith_cptr_t ipc_done_cap(unsigned i);
/* Block until every bit of `bits` has been signalled through the done
 * capabilities; fails the case if the watchdog ended it. */
bool ipc_wait_done(struct tcase *t, uint64_t bits, const char *step);

/* Message word i of a pattern that starts at `seed`. */
static inline uint64_t ipc_word(uint64_t seed, unsigned i)
{
	return seed + 0x0101010101010101ULL * (i + 1);
}

/* A message of `words` words of the pattern (words 4-31 in `ext`, to put
 * in an IPC buffer). */
struct pith_msg ipc_pattern(uint64_t label, unsigned words, uint64_t seed,
			    uint64_t *ext);
/* The received words (0-3 in m, 4-31 in ext) against the pattern. */
bool ipc_check_words(struct tcase *t, const struct pith_msg *m,
		     const uint64_t *ext, unsigned words, uint64_t seed);
/* The received message's label, length, capabilities, flags and badge. */
bool ipc_check_info(struct tcase *t, const struct pith_msg *m, uint64_t label,
		    unsigned words, uint64_t badge);
/* A send/receive from ktest with words 4-31 through its IPC buffer. */
enum pith_error ipc_ktest_syscall(uint64_t sys, pith_cptr_t cap,
				  struct pith_msg *m, uint64_t *ext);

/* Reconfigure a helper's fault endpoint (0: none). */
enum pith_error helper_set_fault_ep(struct thread *th, pith_cptr_t ep);

/* Call and reply_recv on `ep` down the fastpath and the slow path
 * (ipc_path.c; part of test_ipc). */
void test_ipc_paths(pith_cptr_t ep);

#endif
