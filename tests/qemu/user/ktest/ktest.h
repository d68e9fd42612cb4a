/*
 * ktest: the in-QEMU test suite for the kernel's user-mode interface, run
 * as the root task (boot.cfg init=ktest). Shared declarations: reporting
 * (report.c), slots, objects and test mappings (alloc.c), threads in
 * ktest's own address space (thread.c), and one entry point per suite.
 *
 * Every case prints exactly one "TEST <name> PASS" or "TEST <name> FAIL
 * <reason>" line (docs/testing.md). A case checks real values: an error
 * code and, where the ABI documents one, its detail word.
 */
#ifndef KTEST_H
#define KTEST_H

#include <stdbool.h>
#include <stdint.h>

#include "../lib/tsc.h"
#include "pith/pith.h"

#define PAGE_SIZE	4096ULL
#define LARGE_PAGE_SIZE (2ULL << 20)
#define DEPTH		64 /* a root slot number is its cptr at depth 64 */
#define KERNEL_ADDRESS	0xffffffff80000000ULL
#define USER_ADDR_LIMIT 0x00007ffffffff000ULL
#define USER_IMAGE_BASE 0x400000ULL
#define ANY		UINT64_MAX /* a detail word that is not checked */
#define RIGHTS_RW	(PITH_RIGHT_READ | PITH_RIGHT_WRITE)
#define RIGHTS_RX	(PITH_RIGHT_READ | PITH_RIGHT_EXECUTE)
#define REG_COUNT	18   /* rip .. r15: the registers every thread has */
#define YIELD_BOUND	2000 /* yields before a thread counts as stuck */

/*
 * The address-space region ktest builds its own test mappings in (PML4
 * entry 32, unused by the image and the stack). One PDPT and one page
 * directory cover its first GiB; page tables appear as pages are handed
 * out. Fixed sub-regions serve the tests of paging structures.
 */
#define TEST_VA		  0x0000100000000000ULL
#define TEST_VA_PAGES_END (TEST_VA + 0x10000000ULL) /* 4 KiB pages */
#define TEST_VA_LARGE	  (TEST_VA + 0x20000000ULL) /* 2 MiB pages */
#define TEST_VA_NO_PT	  (TEST_VA + 0x30000000ULL) /* a PD, no page table */
#define TEST_VA_NO_PD	  (TEST_VA + 0x40000000ULL) /* a PDPT, no PD */
#define TEST_VA_NO_PDPT	  0x0000200000000000ULL	    /* no PDPT */
#define TEST_VA_SCRATCH	  0x0000300000000000ULL	    /* built and torn down */

/* Register order of tcb.read_registers / write_registers. */
enum reg {
	REG_RIP,
	REG_RSP,
	REG_RFLAGS,
	REG_RAX,
	REG_RBX,
	REG_RCX,
	REG_RDX,
	REG_RSI,
	REG_RDI,
	REG_RBP,
	REG_R8,
};

/* ---- reporting (report.c) ---------------------------------------------
 * A case begins, checks step after step, and ends. The first failed step
 * prints the FAIL line with its reason; later failures of that case are
 * not printed; the end prints PASS if nothing failed.
 */
struct tcase {
	const char *name;
	bool failed;
};

/* An invocation's error and the two detail words that come with it. */
struct result {
	enum pith_error err;
	uint64_t detail[2];
};

void tc_begin(struct tcase *t, const char *name);
void tc_end(struct tcase *t);
void tc_fail(struct tcase *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The checks: true if the step passed. Inline, so that static analysers
 * see that a false result means the step failed. */
static inline bool tc_true(struct tcase *t, bool cond, const char *step)
{
	if (!cond)
		tc_fail(t, "%s", step);
	return cond;
}

static inline bool tc_err(struct tcase *t, enum pith_error got,
			  enum pith_error want, const char *step)
{
	if (got != want)
		tc_fail(t, "%s: got %s, want %s", step, pith_error_name(got),
			pith_error_name(want));
	return got == want;
}

static inline bool tc_ok(struct tcase *t, enum pith_error got, const char *step)
{
	return tc_err(t, got, PITH_OK, step);
}

static inline bool tc_eq(struct tcase *t, uint64_t got, uint64_t want,
			 const char *step)
{
	if (got != want)
		tc_fail(t, "%s: got 0x%llx, want 0x%llx", step,
			(unsigned long long)got, (unsigned long long)want);
	return got == want;
}

/* The error and its detail words (ANY: not checked). */
bool tc_detail(struct tcase *t, struct result r, enum pith_error want,
	       uint64_t d0, uint64_t d1, const char *step);

/* A case made of one check. */
void expect_err(const char *name, enum pith_error got, enum pith_error want);
void expect_detail(const char *name, struct result r, enum pith_error want,
		   uint64_t d0, uint64_t d1);
void expect_true(const char *name, bool ok, const char *why);

/* Cases run and failed so far. */
void report_summary(void);
/* With a coverage kernel (kernel-kcov.elf): the edges run so far. */
void report_coverage(void);

/* Invoke with raw words and capability addresses, keeping the error's
 * detail words (the generated stubs return only the error). */
struct result invoke(pith_cptr_t cap, uint64_t label, const uint64_t *args,
		     unsigned nargs, const pith_cptr_t *caps, unsigned ncaps);

/* Argument lists for invoke(): WORDS(a, b, c) expands to the array and its
 * length; so does CAPS(x); NO_WORDS and NO_CAPS are empty lists. */
#define WORDS(...)                                                             \
	(const uint64_t[]){__VA_ARGS__},                                       \
		(unsigned)(sizeof((const uint64_t[]){__VA_ARGS__}) /           \
			   sizeof(uint64_t))
#define CAPS(...)                                                              \
	(const pith_cptr_t[]){__VA_ARGS__},                                    \
		(unsigned)(sizeof((const pith_cptr_t[]){__VA_ARGS__}) /        \
			   sizeof(pith_cptr_t))
#define NO_WORDS NULL, 0
#define NO_CAPS	 NULL, 0

/* The command line's starvation_ms in TSC ticks (0: not given). */
uint64_t starvation_bound_tsc(void);

/* ---- slots, objects and mappings (alloc.c) ----------------------------
 * Thin wrappers over the SDK's allocators (pith/alloc.h), narrowed to
 * ktest's pool, with ktest's test region of its address space.
 */

struct ident {
	uint64_t type, rights, badge;
};

/* Find the memory and slots to work with; false if the boot info is
 * missing or has fewer than two RAM untyped. */
bool alloc_init(void);
/* How much of the pool and of the root CNode the run has used. */
void alloc_report(void);

/* A free slot of the root CNode (0 if none left). */
pith_cptr_t slot_alloc(void);
/* Delete what the slot holds and make it free again. */
void slot_free(pith_cptr_t slot);
/* n consecutive free slots (for retypes of several objects); 0 if none. */
pith_cptr_t slots_alloc(unsigned n);
void slots_free(pith_cptr_t first, unsigned n);

/* One new object of `type` in a new slot, from the general pool or from a
 * given untyped; 0 on failure. */
pith_cptr_t obj_new(uint64_t type, uint64_t size_bits);
pith_cptr_t obj_new_from(pith_cptr_t untyped, uint64_t type,
			 uint64_t size_bits);

/* Untyped capabilities of the boot info, chosen by alloc_init(): the
 * largest RAM block (kept for leak.c), one of device memory above 4 GiB
 * (0 if there is none), and the general pool obj_new() uses. */
pith_cptr_t untyped_largest(uint64_t *size_bits);
pith_cptr_t untyped_device(void);
pith_cptr_t untyped_pool(void);

/* Debug.Identify of a capability of the root CNode. */
struct ident ident(pith_cptr_t cptr);
uint64_t cap_type(pith_cptr_t cptr);

/* The type of the capability in slot `index` of a CNode other than the
 * root (cnode: its cptr; bits: its size), by moving it out and back. */
uint64_t nested_cap_type(pith_cptr_t cnode, uint64_t bits, uint64_t index);

/* Copy/mint within the root CNode into a new slot (0 on failure). */
pith_cptr_t cap_copy(pith_cptr_t src, uint64_t rights);
pith_cptr_t cap_mint(pith_cptr_t src, uint64_t rights, uint64_t badge);

/* The watermark of an untyped (UINT64_MAX if describe fails). */
uint64_t untyped_watermark(pith_cptr_t ut);

/* Map the test region's PDPT and page directory (once). */
bool vm_init(void);
/* The next unused 4 KiB page of the test region (page table included). */
uint64_t va_page(void);
/* A new 4 KiB frame mapped at a new page of the test region; *va its
 * address. 0 on failure. */
pith_cptr_t frame_new_mapped(uint64_t *va, uint64_t rights);

/* ---- threads in ktest's own address space and CSpace (thread.c) -------
 * SDK threads (pith/thread.h), with the fields the suites look at.
 */

enum thread_state {
	THREAD_IDLE,	/* not started, or its function has not begun */
	THREAD_RUNNING, /* in its function */
	THREAD_DONE,	/* its function returned */
};

#define THREAD_STACK_PAGES 4

struct thread {
	pith_cptr_t tcb;	    /* sdk.tcb */
	pith_cptr_t ipc_frame;	    /* the frame of its IPC buffer */
	uint64_t ipc_va, stack_top; /* sdk's */
	void (*fn)(uint64_t arg);
	uint64_t arg;
	volatile uint64_t state; /* enum thread_state, set by the thread */
	struct pith_thread sdk;	 /* the thread itself */
};

/* A thread at `priority`, configured with ktest's CSpace and VSpace, its
 * own IPC buffer and stack; not started. */
bool thread_create(struct thread *t, unsigned priority);
/* Set its registers to run fn(arg) and resume it. The thread suspends
 * itself when fn returns. */
enum pith_error thread_start(struct thread *t, void (*fn)(uint64_t arg),
			     uint64_t arg);
/* Start it and yield until fn has returned: false if it did not within
 * YIELD_BOUND yields (it faulted, or never got to run). */
bool thread_run(struct thread *t, void (*fn)(uint64_t arg), uint64_t arg);
/* Yield up to `n` times, stopping early once *flag is non-zero. */
void yield_until(volatile uint64_t *flag, unsigned n);
void thread_destroy(struct thread *t);
/* Where threads start (their saved rip lies just after it). */
uint64_t thread_entry_address(void);

/* Thread bodies shared by the suites. */
extern volatile uint64_t probe_value;
void probe_read(uint64_t va);  /* probe_value = *va */
void probe_write(uint64_t va); /* *va = probe_value */

/* ---- the suites --------------------------------------------------------- */

void test_syscalls(void);     /* syscall.c: the system-call edge */
void test_invocation(void);   /* invoke.c: dispatch, lookup, debug */
void test_sdk(void);	      /* sdk.c: threads and processes, SDK */
void test_untyped(void);      /* untyped.c */
void test_cnode(void);	      /* cnode.c: slot operations, derivation */
void test_notification(void); /* notification.c */
void test_tcb(void);	      /* tcb.c */
void test_starvation(void);   /* sched.c */
void test_vspace(void);	      /* vspace.c: frames, paging structures */
void test_asid(void);	      /* asid.c */
void test_irq(void);	      /* irq.c: handlers and the RTC end to end */
void test_ioport(void);	      /* ioport.c */
void test_ipc(void);	      /* ipc.c: endpoints, call and reply */
void test_ipc_caps(void);     /* ipc_caps.c: rights, grant, badges */
void test_ipc_signals(void);  /* ipc_signal.c: notifications, aborts */
void test_ipc_faults(void);   /* ipc_fault.c: faults as messages */
void test_ipc_sched(void);    /* ipc_sched.c: priorities, round robin */
void test_tasks(void);	      /* tasks.c: tasks in address spaces */
void test_isolation(void);    /* isolation.c: a second address space */
void test_leak(void);	      /* leak.c: 10,000 objects of each type */
void test_interrupts_preserve_registers(void); /* syscall.c */

#endif
