/*
 * The CSpace every capability test starts from (fixture.c), built by hand
 * as the kernel's boot code builds the root task's, and helpers to invoke
 * capabilities through the real system-call path (invocation_call() on a
 * fake caller thread whose registers and IPC buffer hold the message).
 *
 * The root CNode has 2^8 slots and a 56-bit guard of 0, so capability
 * address n (depth 64) is slot n, as in the root task's CSpace. Its fixed
 * slots hold capabilities made by hand (cdt_insert(NULL, ...)); everything
 * else comes from FX_SLOT_UNTYPED by retype.
 */
#ifndef TESTS_CAPS_FIXTURE_H
#define TESTS_CAPS_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "caps/cap.h"
#include "kernel/invocation.h"
#include "machine.h"

#define FX_ROOT_BITS 8
#define FX_DEPTH     64 /* depth of a root-CNode slot address */

enum fx_slot {
	FX_SLOT_TCB = 1,	    /* the caller thread */
	FX_SLOT_CNODE = 2,	    /* the root CNode */
	FX_SLOT_UNTYPED = 3,	    /* 32 MiB of RAM */
	FX_SLOT_DEVICE = 4,	    /* 4 MiB of device memory */
	FX_SLOT_IRQ_CONTROL = 5,    /* the control capabilities */
	FX_SLOT_IOPORT_CONTROL = 6, /* ... */
	FX_SLOT_ASID_CONTROL = 7,   /* ... */
	FX_SLOT_DEBUG = 8,	    /* the debug capability */
	FX_SLOT_IPC_FRAME = 9,	    /* the caller's IPC buffer frame */
	FX_SLOT_FREE = 16,	    /* first empty slot */
};

#define FX_UNTYPED_PADDR MACHINE_RAM_BASE
#define FX_UNTYPED_BITS	 25
#define FX_DEVICE_PADDR	 MACHINE_DEVICE_BASE
#define FX_DEVICE_BITS	 22
#define FX_IPC_VADDR	 0x10000000ULL

extern struct cte *fx_root;   /* the root CNode's slots */
extern struct tcb *fx_caller; /* the thread whose calls the tests make */

/* cmocka setup/teardown: a fresh machine and CSpace; afterwards every
 * object made from the untyped capabilities is destroyed and the kernel's
 * tables (ASIDs, interrupts, ports, ready queues) must be empty again. */
int fx_setup(void **state);
int fx_teardown(void **state);

/* Zeroed, naturally aligned memory from the boot area (objects made by
 * hand, like the kernel's boot allocator). */
void *fx_boot_alloc(unsigned bits);

static inline struct cte *fx_slot(uint64_t i)
{
	return &fx_root[i];
}

static inline struct cap *fx_cap(uint64_t i)
{
	return &fx_root[i].cap;
}

/* ---- invoking through invocation_call() ---- */

struct fx_reply {
	uint64_t err;
	uint64_t label;
	unsigned nret;
	uint64_t mr[PITH_MSG_MAX_WORDS];
};

/* The reply to the last fx_call(). */
extern struct fx_reply fx_last;

/* Invoke the capability at `cptr` in the caller's CSpace with `label`,
 * message words and extra capability addresses; returns the error. */
uint64_t fx_call(uint64_t label, uint64_t cptr, const uint64_t *words,
		 unsigned nwords, const uint64_t *caps, unsigned ncaps);

#define FX_N(...) (sizeof((const uint64_t[]){__VA_ARGS__}) / sizeof(uint64_t))
#define FX_WORDS(...)                                                          \
	((const uint64_t[]){__VA_ARGS__}), (unsigned)FX_N(__VA_ARGS__)
#define FX_NONE NULL, 0

/* The common operations, with every slot in the root CNode. */
uint64_t fx_retype(uint64_t ut, unsigned type, uint64_t size_bits,
		   uint64_t dest, uint64_t num);
uint64_t fx_retype_into(uint64_t ut, unsigned type, uint64_t size_bits,
			uint64_t node_index, uint64_t node_depth,
			uint64_t offset, uint64_t num);
uint64_t fx_copy(uint64_t dest, uint64_t src, uint64_t rights);
uint64_t fx_mint(uint64_t dest, uint64_t src, uint64_t rights, uint64_t data);
uint64_t fx_move(uint64_t dest, uint64_t src);
uint64_t fx_mutate(uint64_t dest, uint64_t src, uint64_t data);
uint64_t fx_delete(uint64_t slot);
uint64_t fx_revoke(uint64_t slot);
/* Untyped.Describe's watermark (asserts the call succeeds). */
uint64_t fx_watermark(uint64_t ut);

/* A fresh 4 KiB untyped in `slot`, retyped from FX_SLOT_UNTYPED. */
void fx_small_untyped(uint64_t slot, unsigned bits);

/* An address space with an ASID: a 4 KiB untyped in ut_slot becomes an ASID
 * pool in pool_slot, a VSpace is retyped into vs_slot and assigned. */
struct fx_vspace {
	uint64_t root; /* physical address of the PML4 */
	uint64_t asid;
};
struct fx_vspace fx_make_vspace(uint64_t ut_slot, uint64_t pool_slot,
				uint64_t vs_slot);

/* A decode function called directly, with slots instead of addresses. */
enum pith_error fx_decode(enum pith_error (*decode)(struct invocation *),
			  struct invocation *inv, struct cte *slot,
			  const uint64_t *args, unsigned nargs,
			  struct cte *const *caps, unsigned ncaps);

/* Physical base of the object the capability in `slot` names. */
uint64_t fx_object(const struct cap *c);

/* The derivation-tree list through `slot` is well formed (every prev/next
 * pair agrees, no empty or zombie slot in it); its length. */
size_t fx_check_list(const struct cte *slot);

/* ---- assertions ---- */

void fx_assert_err(uint64_t got, uint64_t want, const char *expr,
		   const char *file, int line);
#define assert_err(got, want)                                                  \
	fx_assert_err((got), (want), #got, __FILE__, __LINE__)
#define assert_ok(x) assert_err((x), PITH_OK)

/* The last call failed with `err` and this detail (MR0, MR1). */
#define assert_detail(mr0, mr1)                                                \
	do {                                                                   \
		assert_int_equal(fx_last.nret, 2);                             \
		assert_int_equal(fx_last.mr[0], (mr0));                        \
		assert_int_equal(fx_last.mr[1], (mr1));                        \
	} while (0)

#define assert_empty(slot) assert_int_equal(fx_cap(slot)->type, PITH_CAP_NULL)

#endif
