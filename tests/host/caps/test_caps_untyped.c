/*
 * Host tests for untyped memory (caps/untyped.c, caps/object.c): object
 * sizes, natural alignment above the watermark, accounting to the last
 * byte, the watermark's reset once nothing made from the untyped remains,
 * argument ranges, destinations, device memory.
 */
#include "fixture.h"

#include <string.h>

#include "caps/asid.h"
#include "caps/object.h"
#include "caps/tcb.h"
#include "ipc/endpoint.h"
#include "ipc/notification.h"
#include "kernel/mem.h"

#define UT  FX_SLOT_UNTYPED
#define DEV FX_SLOT_DEVICE

static uint64_t paddr(uint64_t slot)
{
	return fx_object(fx_cap(slot));
}

/* Every byte of [pa, pa + len) is `byte`. */
static bool memory_is(uint64_t pa, uint64_t len, uint8_t byte)
{
	const uint8_t *p = phys_to_virt(pa);

	for (uint64_t i = 0; i < len; i++) {
		if (p[i] != byte)
			return false;
	}
	return true;
}

static void test_object_sizes(void **state)
{
	static const struct {
		uint64_t type;
		uint64_t size_bits;
		int bits;
	} cases[] = {
		{PITH_OBJ_UNTYPED, 3, -1},
		{PITH_OBJ_UNTYPED, 4, 4},
		{PITH_OBJ_UNTYPED, 47, 47},
		{PITH_OBJ_UNTYPED, 48, -1},
		{PITH_OBJ_UNTYPED, 1ULL << 32 | 12, -1},
		{PITH_OBJ_UNTYPED, UINT64_MAX, -1},
		{PITH_OBJ_TCB, 0, 11},
		{PITH_OBJ_TCB, 99, 11},
		{PITH_OBJ_ENDPOINT, 0, 5},
		{PITH_OBJ_NOTIFICATION, 0, 6},
		{PITH_OBJ_CNODE, 0, -1},
		{PITH_OBJ_CNODE, 1, 7},
		{PITH_OBJ_CNODE, 20, 26},
		{PITH_OBJ_CNODE, 21, -1},
		{PITH_OBJ_CNODE, 1ULL << 32 | 4, -1},
		{PITH_OBJ_FRAME_4K, 0, 12},
		{PITH_OBJ_FRAME_2M, 0, 21},
		{PITH_OBJ_PAGE_TABLE, 0, 12},
		{PITH_OBJ_PAGE_DIRECTORY, 0, 12},
		{PITH_OBJ_PDPT, 0, 12},
		{PITH_OBJ_VSPACE, 0, 12},
		{PITH_OBJ_COUNT, 0, -1},
		{1000, 12, -1},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int got = object_size_bits((unsigned)cases[i].type,
					   cases[i].size_bits);

		if (got != cases[i].bits)
			fail_msg("object_size_bits(%llu, %llu) = %d, expected "
				 "%d",
				 (unsigned long long)cases[i].type,
				 (unsigned long long)cases[i].size_bits, got,
				 cases[i].bits);
	}
	/* The objects fit their sizes. */
	assert_true(sizeof(struct tcb) <= 1u << TCB_SIZE_BITS);
	assert_true(sizeof(struct endpoint) <= 1u << ENDPOINT_SIZE_BITS);
	assert_true(sizeof(struct notification) <=
		    1u << NOTIFICATION_SIZE_BITS);
	assert_int_equal(sizeof(struct asid_pool), PAGE_SIZE);
	assert_true(object_is_frame(PITH_OBJ_FRAME_4K));
	assert_true(object_is_frame(PITH_OBJ_FRAME_2M));
	assert_false(object_is_frame(PITH_OBJ_PAGE_TABLE));
	assert_false(object_is_frame(PITH_OBJ_UNTYPED));
}

/* Each type, made from RAM full of garbage: the right capability, all
 * rights, natural alignment, and an initialised object. */
static void test_every_type_is_made_and_zeroed(void **state)
{
	static const struct {
		unsigned type;
		unsigned size_bits;
		unsigned cap_type;
		unsigned cap_size_bits;
		unsigned bytes_log2;
	} cases[] = {
		{PITH_OBJ_UNTYPED, 12, PITH_CAP_UNTYPED, 12, 12},
		{PITH_OBJ_TCB, 0, PITH_CAP_TCB, 0, 11},
		{PITH_OBJ_ENDPOINT, 0, PITH_CAP_ENDPOINT, 0, 5},
		{PITH_OBJ_NOTIFICATION, 0, PITH_CAP_NOTIFICATION, 0, 6},
		{PITH_OBJ_CNODE, 3, PITH_CAP_CNODE, 3, 9},
		{PITH_OBJ_FRAME_4K, 0, PITH_CAP_FRAME, 12, 12},
		{PITH_OBJ_FRAME_2M, 0, PITH_CAP_FRAME, 21, 21},
		{PITH_OBJ_PAGE_TABLE, 0, PITH_CAP_PAGE_TABLE, 12, 12},
		{PITH_OBJ_PAGE_DIRECTORY, 0, PITH_CAP_PAGE_DIRECTORY, 12, 12},
		{PITH_OBJ_PDPT, 0, PITH_CAP_PDPT, 12, 12},
		{PITH_OBJ_VSPACE, 0, PITH_CAP_VSPACE, 12, 12},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t slot = FX_SLOT_FREE + i, base, size;
		const struct cap *c = fx_cap(slot);

		assert_ok(fx_retype(UT, cases[i].type, cases[i].size_bits, slot,
				    1));
		assert_int_equal(c->type, cases[i].cap_type);
		assert_int_equal(c->rights, PITH_RIGHTS_ALL);
		assert_int_equal(c->flags, 0);
		assert_int_equal(c->size_bits, cases[i].cap_size_bits);
		assert_true(cap_region(c, &base, &size));
		assert_int_equal(size, 1ULL << cases[i].bytes_log2);
		assert_int_equal(base % size, 0);
		assert_true(base >= FX_UNTYPED_PADDR &&
			    base + size <= FX_UNTYPED_PADDR +
						   (1ULL << FX_UNTYPED_BITS));
		assert_int_equal(cap_badge(c), 0);

		switch (c->type) {
		case PITH_CAP_TCB:
			assert_int_equal(c->tcb.tcb->state, TCB_INACTIVE);
			assert_null(c->tcb.tcb->sched_next);
			/* Every slot is empty but the master reply cap. */
			for (unsigned s = 0; s < TCB_SLOTS; s++)
				assert_int_equal(c->tcb.tcb->slots[s].cap.type,
						 s == TCB_SLOT_REPLY
							 ? PITH_CAP_REPLY
							 : PITH_CAP_NULL);
			assert_true(
				c->tcb.tcb->slots[TCB_SLOT_REPLY].cap.flags &
				CAP_F_MASTER);
			assert_int_equal(c->tcb.tcb->ipc_buffer, 0);
			break;
		case PITH_CAP_VSPACE:
			/* The user half is empty, the kernel half shared. */
			assert_true(memory_is(base, size / 2, 0));
			assert_int_equal(machine_vspace_inits(base), 1);
			assert_int_equal(((uint64_t *)phys_to_virt(base))[511],
					 MACHINE_KERNEL_ENTRY);
			assert_int_equal(c->page.asid, 0);
			break;
		case PITH_CAP_UNTYPED:
			assert_int_equal(fx_watermark(slot), 0);
			break;
		default:
			assert_true(memory_is(base, size, 0));
			break;
		}
	}
}

static void test_objects_are_aligned_above_the_watermark(void **state)
{
	static const struct {
		unsigned type;
		uint64_t size_bits;
		uint64_t num;
		uint64_t offset;    /* of the first object in the untyped */
		uint64_t watermark; /* afterwards */
	} steps[] = {
		{PITH_OBJ_ENDPOINT, 0, 1, 0, 32},
		{PITH_OBJ_NOTIFICATION, 0, 1, 64, 128},
		{PITH_OBJ_TCB, 0, 1, 2048, 4096},
		{PITH_OBJ_FRAME_4K, 0, 1, 4096, 8192},
		{PITH_OBJ_ENDPOINT, 0, 1, 8192, 8224},
		{PITH_OBJ_CNODE, 4, 1, 9216, 10240},
		{PITH_OBJ_NOTIFICATION, 0, 3, 10240, 10432},
		{PITH_OBJ_UNTYPED, 13, 1, 16384, 24576},
		{PITH_OBJ_UNTYPED, 4, 2, 24576, 24608},
		{PITH_OBJ_PAGE_TABLE, 0, 2, 28672, 36864},
	};
	uint64_t slot = 40, base;

	(void)state;
	fx_small_untyped(16, 16);
	base = fx_cap(16)->untyped.paddr;
	assert_int_equal(base % (1 << 16), 0);
	for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
		int bits = object_size_bits(steps[i].type, steps[i].size_bits);

		assert_ok(fx_retype(16, steps[i].type, steps[i].size_bits, slot,
				    steps[i].num));
		for (uint64_t n = 0; n < steps[i].num; n++) {
			uint64_t want = base + steps[i].offset + (n << bits);

			if (paddr(slot + n) != want)
				fail_msg("step %zu object %llu at +0x%llx, "
					 "expected +0x%llx",
					 i, (unsigned long long)n,
					 (unsigned long long)(paddr(slot + n) -
							      base),
					 (unsigned long long)(want - base));
			assert_int_equal(paddr(slot + n) % (1ULL << bits), 0);
		}
		slot += steps[i].num;
		assert_int_equal(fx_watermark(16), steps[i].watermark);
	}
	/* Describe: where, how big, how much used, device or not. */
	assert_ok(fx_call(PITH_INV_UNTYPED_DESCRIBE, 16, FX_NONE, FX_NONE));
	assert_int_equal(fx_last.nret, 4);
	assert_int_equal(fx_last.mr[0], base);
	assert_int_equal(fx_last.mr[1], 16);
	assert_int_equal(fx_last.mr[2], 36864);
	assert_int_equal(fx_last.mr[3], 0);
	/* The parent counts the child untyped as used from the start. */
	assert_int_equal(fx_watermark(UT), base - FX_UNTYPED_PADDR + 65536);
}

static void test_not_enough_memory_exactly_at_the_end(void **state)
{
	uint64_t base;

	(void)state;
	fx_small_untyped(16, 12);
	base = fx_cap(16)->untyped.paddr;

	/* 128 endpoints fill 4 KiB exactly; one more does not fit. */
	assert_ok(fx_retype(16, PITH_OBJ_ENDPOINT, 0, 64, 128));
	assert_int_equal(fx_watermark(16), 4096);
	assert_int_equal(paddr(191), base + 4096 - 32);
	assert_err(fx_retype(16, PITH_OBJ_ENDPOINT, 0, 192, 1),
		   PITH_E_NOT_ENOUGH_MEMORY);
	assert_empty(192);
	assert_ok(fx_revoke(16));

	/* 127, then two more: refused whole, nothing made; then one. */
	assert_ok(fx_retype(16, PITH_OBJ_ENDPOINT, 0, 64, 127));
	assert_err(fx_retype(16, PITH_OBJ_ENDPOINT, 0, 191, 2),
		   PITH_E_NOT_ENOUGH_MEMORY);
	assert_empty(191);
	assert_empty(192);
	assert_int_equal(fx_watermark(16), 4064);
	assert_ok(fx_retype(16, PITH_OBJ_ENDPOINT, 0, 191, 1));
	assert_int_equal(paddr(191), base + 4064);
	assert_ok(fx_revoke(16));

	/* Alignment counts: after a 2 KiB TCB a frame no longer fits, a
	 * second TCB does. */
	assert_ok(fx_retype(16, PITH_OBJ_TCB, 0, 20, 1));
	assert_err(fx_retype(16, PITH_OBJ_FRAME_4K, 0, 21, 1),
		   PITH_E_NOT_ENOUGH_MEMORY);
	assert_ok(fx_retype(16, PITH_OBJ_TCB, 0, 21, 1));
	assert_int_equal(paddr(21), base + 2048);
	assert_err(fx_retype(16, PITH_OBJ_ENDPOINT, 0, 22, 1),
		   PITH_E_NOT_ENOUGH_MEMORY);
	assert_ok(fx_revoke(16));

	/* Exactly one frame; objects larger than the untyped never fit. */
	assert_ok(fx_retype(16, PITH_OBJ_FRAME_4K, 0, 20, 1));
	assert_int_equal(paddr(20), base);
	assert_err(fx_retype(16, PITH_OBJ_FRAME_4K, 0, 21, 1),
		   PITH_E_NOT_ENOUGH_MEMORY);
	assert_ok(fx_revoke(16));
	assert_err(fx_retype(16, PITH_OBJ_FRAME_4K, 0, 20, 2),
		   PITH_E_NOT_ENOUGH_MEMORY);
	assert_err(fx_retype(16, PITH_OBJ_FRAME_2M, 0, 20, 1),
		   PITH_E_NOT_ENOUGH_MEMORY);
	assert_err(fx_retype(16, PITH_OBJ_UNTYPED, 13, 20, 1),
		   PITH_E_NOT_ENOUGH_MEMORY);
	assert_err(fx_retype(16, PITH_OBJ_CNODE, 7, 20, 1),
		   PITH_E_NOT_ENOUGH_MEMORY);
	assert_ok(fx_retype(16, PITH_OBJ_CNODE, 6, 20, 1));
	assert_empty(21);
	/* The whole root untyped, in 2 MiB frames: 16 fit, 17 do not. */
	assert_err(fx_retype(UT, PITH_OBJ_FRAME_2M, 0, 64, 17),
		   PITH_E_NOT_ENOUGH_MEMORY);
	assert_ok(fx_revoke(UT));
	assert_ok(fx_retype(UT, PITH_OBJ_FRAME_2M, 0, 64, 16));
	assert_int_equal(fx_watermark(UT), 1ULL << FX_UNTYPED_BITS);
	assert_err(fx_retype(UT, PITH_OBJ_UNTYPED, 4, 80, 1),
		   PITH_E_NOT_ENOUGH_MEMORY);
}

static void test_watermark_resets_only_without_children(void **state)
{
	uint64_t base;

	(void)state;
	fx_small_untyped(16, 12);
	base = fx_cap(16)->untyped.paddr;
	assert_ok(fx_retype(16, PITH_OBJ_ENDPOINT, 0, 20, 2));
	assert_int_equal(fx_watermark(16), 64);
	assert_ok(fx_copy(22, 20, PITH_RIGHTS_ALL));
	assert_ok(fx_delete(20));
	assert_ok(fx_delete(21));
	/* The copy still names the first endpoint: nothing is reused. */
	assert_int_equal(fx_watermark(16), 64);
	assert_ok(fx_retype(16, PITH_OBJ_ENDPOINT, 0, 23, 1));
	assert_int_equal(paddr(23), base + 64);
	assert_int_equal(fx_watermark(16), 96);
	assert_ok(fx_delete(22));
	assert_int_equal(fx_watermark(16), 96);
	assert_ok(fx_delete(23));
	/* Nothing left: Describe says 0, and the next object starts at 0. */
	assert_int_equal(fx_watermark(16), 0);
	assert_ok(fx_retype(16, PITH_OBJ_NOTIFICATION, 0, 24, 1));
	assert_int_equal(paddr(24), base);
	assert_int_equal(fx_watermark(16), 64);

	/* Objects made from a child untyped count after the child's
	 * capability is gone. */
	assert_ok(fx_retype(16, PITH_OBJ_UNTYPED, 8, 25, 1));
	assert_int_equal(paddr(25), base + 256);
	assert_ok(fx_retype(25, PITH_OBJ_ENDPOINT, 0, 26, 1));
	assert_ok(fx_delete(25));
	assert_ok(fx_delete(24));
	assert_int_equal(fx_watermark(16), 512);
	assert_ok(fx_retype(16, PITH_OBJ_ENDPOINT, 0, 27, 1));
	assert_int_equal(paddr(27), base + 512);

	/* Revoke: everything goes, the whole block is free again. */
	assert_ok(fx_revoke(16));
	assert_empty(26);
	assert_empty(27);
	assert_int_equal(fx_watermark(16), 0);
	assert_ok(fx_retype(16, PITH_OBJ_FRAME_4K, 0, 28, 1));
	assert_int_equal(paddr(28), base);
}

static void test_reused_memory_is_zeroed(void **state)
{
	uint64_t first;

	(void)state;
	assert_ok(fx_retype(UT, PITH_OBJ_NOTIFICATION, 0, 16, 1));
	first = paddr(16);
	assert_ok(fx_call(PITH_INV_NOTIFICATION_SIGNAL, 16, FX_NONE, FX_NONE));
	assert_ok(fx_delete(16));
	memset(phys_to_virt(first), 0x77, 64); /* free memory, dirtied */
	assert_ok(fx_retype(UT, PITH_OBJ_NOTIFICATION, 0, 17, 1));
	assert_int_equal(paddr(17), first);
	assert_true(memory_is(first, 64, 0));
	assert_ok(fx_call(PITH_INV_NOTIFICATION_POLL, 17, FX_NONE, FX_NONE));
	assert_int_equal(fx_last.mr[0], 0);
}

static void test_size_bits_ranges(void **state)
{
	(void)state;
	assert_err(fx_retype(UT, PITH_OBJ_UNTYPED, 3, 16, 1), PITH_E_RANGE);
	assert_detail(1, 0);
	assert_err(fx_retype(UT, PITH_OBJ_UNTYPED, 48, 16, 1), PITH_E_RANGE);
	assert_detail(1, 0);
	assert_err(fx_retype(UT, PITH_OBJ_UNTYPED, 1ULL << 32 | 12, 16, 1),
		   PITH_E_RANGE);
	/* In range, but larger than the memory. */
	assert_err(fx_retype(UT, PITH_OBJ_UNTYPED, 47, 16, 1),
		   PITH_E_NOT_ENOUGH_MEMORY);
	assert_ok(fx_retype(UT, PITH_OBJ_UNTYPED, 4, 16, 1));
	assert_int_equal(fx_cap(16)->size_bits, 4);

	assert_err(fx_retype(UT, PITH_OBJ_CNODE, 0, 17, 1), PITH_E_RANGE);
	assert_detail(1, 0);
	assert_err(fx_retype(UT, PITH_OBJ_CNODE, 21, 17, 1), PITH_E_RANGE);
	assert_err(fx_retype(UT, PITH_OBJ_CNODE, 20, 17, 1),
		   PITH_E_NOT_ENOUGH_MEMORY);
	assert_ok(fx_retype(UT, PITH_OBJ_CNODE, 1, 17, 1));
	assert_int_equal(fx_cap(17)->size_bits, 1);

	/* Fixed-size objects ignore size_bits. */
	assert_ok(fx_retype(UT, PITH_OBJ_ENDPOINT, UINT64_MAX, 18, 1));
	assert_ok(fx_retype(UT, PITH_OBJ_FRAME_4K, 30, 19, 1));
	assert_int_equal(fx_cap(19)->size_bits, 12);

	assert_err(fx_retype(UT, PITH_OBJ_COUNT, 0, 20, 1),
		   PITH_E_INVALID_ARGUMENT);
	assert_detail(0, 0);
	assert_err(fx_retype(UT, UINT32_MAX, 0, 20, 1),
		   PITH_E_INVALID_ARGUMENT);
	assert_empty(20);
}

static void test_number_of_objects(void **state)
{
	const struct cte *c;
	uint64_t wm;

	(void)state;
	assert_err(fx_retype(UT, PITH_OBJ_ENDPOINT, 0, 16, 0), PITH_E_RANGE);
	assert_detail(5, 0);
	assert_err(fx_retype(UT, PITH_OBJ_ENDPOINT, 0, 16, 65537),
		   PITH_E_RANGE);
	assert_detail(5, 0);
	assert_err(fx_retype(UT, PITH_OBJ_ENDPOINT, 0, 16, UINT64_MAX),
		   PITH_E_RANGE);
	assert_empty(16);
	assert_int_equal(fx_watermark(UT), 0);

	/* The most objects at once: 65536, into a CNode of 2^16 slots. */
	assert_ok(fx_retype(UT, PITH_OBJ_CNODE, 16, 16, 1));
	wm = fx_watermark(UT);
	assert_ok(fx_retype_into(UT, PITH_OBJ_ENDPOINT, 0, 16, FX_DEPTH, 0,
				 65536));
	c = fx_cap(16)->cnode.slots;
	for (uint64_t i = 0; i < 65536; i += 4369)
		assert_int_equal(fx_object(&c[i].cap),
				 FX_UNTYPED_PADDR + wm + i * 32);
	assert_int_equal(c[65535].cap.type, PITH_CAP_ENDPOINT);
	assert_int_equal(fx_watermark(UT), wm + 65536ULL * 32);
}

static void test_destination_range(void **state)
{
	const struct cte *c;

	(void)state;
	assert_ok(fx_retype(UT, PITH_OBJ_CNODE, 3, 16, 1));
	c = fx_cap(16)->cnode.slots;
#define INTO(offset, num)                                                      \
	fx_retype_into(UT, PITH_OBJ_ENDPOINT, 0, 16, FX_DEPTH, (offset), (num))
	assert_err(INTO(8, 1), PITH_E_RANGE);
	assert_detail(4, 0);
	assert_err(INTO(2, 7), PITH_E_RANGE);
	assert_detail(4, 0);
	assert_err(INTO(UINT64_MAX, 1), PITH_E_RANGE);
	assert_err(INTO(1ULL << 63, 2), PITH_E_RANGE);
	assert_err(INTO(1, 65536), PITH_E_RANGE);
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(c[i].cap.type, PITH_CAP_NULL);
	assert_ok(INTO(7, 1));
	assert_int_equal(c[7].cap.type, PITH_CAP_ENDPOINT);
	assert_ok(INTO(0, 7));
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(c[i].cap.type, PITH_CAP_ENDPOINT);
	/* The root CNode's last slot. */
	assert_ok(fx_retype(UT, PITH_OBJ_ENDPOINT, 0, 255, 1));
	assert_err(fx_retype(UT, PITH_OBJ_ENDPOINT, 0, 255, 2), PITH_E_RANGE);
	assert_err(fx_retype(UT, PITH_OBJ_ENDPOINT, 0, 256, 1), PITH_E_RANGE);
#undef INTO
}

static void test_occupied_destination_makes_nothing(void **state)
{
	uint64_t wm;

	(void)state;
	assert_ok(fx_retype(UT, PITH_OBJ_ENDPOINT, 0, 42, 1));
	wm = fx_watermark(UT);
	assert_err(fx_retype(UT, PITH_OBJ_NOTIFICATION, 0, 40, 4),
		   PITH_E_DELETE_FIRST);
	assert_empty(40);
	assert_empty(41);
	assert_empty(43);
	assert_int_equal(fx_cap(42)->type, PITH_CAP_ENDPOINT);
	assert_int_equal(fx_watermark(UT), wm);
	/* Fixed slots count too. */
	assert_err(fx_retype(UT, PITH_OBJ_ENDPOINT, 0, FX_SLOT_DEBUG, 1),
		   PITH_E_DELETE_FIRST);
	assert_int_equal(fx_cap(FX_SLOT_DEBUG)->type, PITH_CAP_DEBUG);
}

static void test_device_memory_becomes_frames_only(void **state)
{
	static const unsigned refused[] = {
		PITH_OBJ_TCB,	PITH_OBJ_ENDPOINT,   PITH_OBJ_NOTIFICATION,
		PITH_OBJ_CNODE, PITH_OBJ_PAGE_TABLE, PITH_OBJ_PAGE_DIRECTORY,
		PITH_OBJ_PDPT,	PITH_OBJ_VSPACE,
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
		assert_err(fx_retype(DEV, refused[i], 2, 16, 1),
			   PITH_E_INVALID_ARGUMENT);
		assert_detail(0, 0);
		assert_empty(16);
	}
	assert_int_equal(fx_watermark(DEV), 0);

	/* Untyped: device memory too, with the same rule. */
	assert_ok(fx_retype(DEV, PITH_OBJ_UNTYPED, 12, 18, 1));
	assert_int_equal(fx_cap(18)->flags, CAP_F_DEVICE);
	assert_int_equal(paddr(18), FX_DEVICE_PADDR);
	assert_ok(fx_call(PITH_INV_UNTYPED_DESCRIBE, 18, FX_NONE, FX_NONE));
	assert_int_equal(fx_last.mr[3], 1);
	assert_err(fx_retype(18, PITH_OBJ_ENDPOINT, 0, 19, 1),
		   PITH_E_INVALID_ARGUMENT);
	assert_ok(fx_retype(18, PITH_OBJ_FRAME_4K, 0, 19, 1));
	assert_int_equal(fx_cap(19)->flags, CAP_F_DEVICE);
	assert_int_equal(paddr(19), FX_DEVICE_PADDR);

	/* Frames: marked device, memory left as the device has it. */
	assert_ok(fx_retype(DEV, PITH_OBJ_FRAME_4K, 0, 16, 1));
	assert_int_equal(fx_cap(16)->flags, CAP_F_DEVICE);
	assert_int_equal(paddr(16), FX_DEVICE_PADDR + 4096);
	assert_ok(fx_retype(DEV, PITH_OBJ_FRAME_2M, 0, 17, 1));
	assert_int_equal(paddr(17), FX_DEVICE_PADDR + (2 << 20));
	assert_int_equal(fx_cap(17)->flags, CAP_F_DEVICE);
	assert_true(memory_is(FX_DEVICE_PADDR, 1ULL << FX_DEVICE_BITS,
			      MACHINE_DEVICE_BYTE));
	assert_err(fx_retype(DEV, PITH_OBJ_FRAME_4K, 0, 21, 1),
		   PITH_E_NOT_ENOUGH_MEMORY);

	/* RAM frames are zeroed: the machine's RAM starts as garbage. */
	assert_ok(fx_retype(UT, PITH_OBJ_FRAME_4K, 0, 20, 1));
	assert_int_equal(fx_cap(20)->flags, 0);
	assert_true(memory_is(paddr(20), 4096, 0));
	assert_ok(fx_call(PITH_INV_UNTYPED_DESCRIBE, UT, FX_NONE, FX_NONE));
	assert_int_equal(fx_last.mr[3], 0);
}

static void test_retype_into_a_nested_cnode(void **state)
{
	struct cte *c, *inner;

	(void)state;
	assert_ok(fx_retype(UT, PITH_OBJ_CNODE, 4, 20, 1));
	c = fx_cap(20)->cnode.slots;
	/* node_depth 64 reaches slot 20: its CNode is the destination. */
	assert_ok(fx_retype_into(UT, PITH_OBJ_ENDPOINT, 0, 20, FX_DEPTH, 3, 1));
	assert_int_equal(c[3].cap.type, PITH_CAP_ENDPOINT);
	assert_int_equal(fx_cap(3)->type, PITH_CAP_UNTYPED);
	/* node_depth 0: the root CNode itself, node_index ignored. */
	assert_ok(fx_retype_into(UT, PITH_OBJ_ENDPOINT, 0, 12345, 0, 21, 1));
	assert_int_equal(fx_cap(21)->type, PITH_CAP_ENDPOINT);
	assert_int_equal(c[5].cap.type, PITH_CAP_NULL);

	/* Bad destinations. */
	assert_err(fx_retype_into(UT, PITH_OBJ_ENDPOINT, 0, 20, 32, 0, 1),
		   PITH_E_FAILED_LOOKUP);
	assert_detail(LOOKUP_WHICH_DEST, 3);
	assert_err(fx_retype_into(UT, PITH_OBJ_ENDPOINT, 0, 21, FX_DEPTH, 0, 1),
		   PITH_E_FAILED_LOOKUP);
	assert_detail(LOOKUP_WHICH_DEST, 4);
	assert_err(fx_retype_into(UT, PITH_OBJ_ENDPOINT, 0, 1ULL << 60 | 20,
				  FX_DEPTH, 0, 1),
		   PITH_E_FAILED_LOOKUP);
	assert_detail(LOOKUP_WHICH_DEST, 2);
	assert_err(fx_retype_into(UT, PITH_OBJ_ENDPOINT, 0, 22, FX_DEPTH, 0, 1),
		   PITH_E_FAILED_LOOKUP);
	assert_int_equal(fx_last.mr[0], LOOKUP_WHICH_DEST);
	/* An empty slot: reported as not a CNode (or as empty). */
	assert_true(fx_last.mr[1] == 4 || fx_last.mr[1] == 1);
	assert_err(fx_retype_into(UT, PITH_OBJ_ENDPOINT, 0, 20, 65, 0, 1),
		   PITH_E_RANGE);
	/* The root for node_index must be a CNode. */
	assert_err(fx_call(PITH_INV_UNTYPED_RETYPE, UT,
			   FX_WORDS(PITH_OBJ_ENDPOINT, 0, 0, 0, 30, 1),
			   FX_WORDS(FX_SLOT_DEBUG)),
		   PITH_E_INVALID_CAPABILITY);
	assert_detail(1, 0);
	assert_empty(30);

	/* Two levels down through a guarded capability: the root given is
	 * the CNode in slot 20 with a 60-bit guard, node_index 7 names its
	 * slot 7, which holds another CNode. */
	assert_ok(fx_mint(23, 20, PITH_RIGHTS_ALL, 60 | 0x0 << 6));
	assert_ok(fx_retype_into(UT, PITH_OBJ_CNODE, 2, 20, FX_DEPTH, 7, 1));
	inner = c[7].cap.cnode.slots;
	assert_ok(fx_call(PITH_INV_UNTYPED_RETYPE, UT,
			  FX_WORDS(PITH_OBJ_NOTIFICATION, 0, 7, 64, 1, 1),
			  FX_WORDS(23)));
	assert_int_equal(inner[1].cap.type, PITH_CAP_NOTIFICATION);
	assert_ok(fx_call(PITH_INV_UNTYPED_RETYPE, UT,
			  FX_WORDS(PITH_OBJ_NOTIFICATION, 0, 0, 0, 9, 1),
			  FX_WORDS(23)));
	assert_int_equal(c[9].cap.type, PITH_CAP_NOTIFICATION);
	/* Depth 4 would stop inside the guard. */
	assert_err(fx_call(PITH_INV_UNTYPED_RETYPE, UT,
			   FX_WORDS(PITH_OBJ_NOTIFICATION, 0, 7, 4, 2, 1),
			   FX_WORDS(23)),
		   PITH_E_FAILED_LOOKUP);
	assert_detail(LOOKUP_WHICH_DEST, 3);
}

/* Retype made through a decode function directly (as the deep-chain test
 * in test_caps_delete does) behaves as through the system call. */
static void test_decode_directly(void **state)
{
	struct invocation inv;
	struct cte *const caps[] = {fx_slot(FX_SLOT_CNODE)};
	const uint64_t args[] = {PITH_OBJ_ENDPOINT, 0, 0, 0, 50, 2};

	(void)state;
	assert_ok(fx_decode(decode_untyped_retype, &inv, fx_slot(UT), args, 6,
			    caps, 1));
	assert_int_equal(fx_cap(50)->type, PITH_CAP_ENDPOINT);
	assert_int_equal(fx_cap(51)->type, PITH_CAP_ENDPOINT);
	assert_ok(fx_decode(decode_untyped_describe, &inv, fx_slot(UT), NULL, 0,
			    NULL, 0));
	assert_int_equal(inv.nret, 4);
	assert_int_equal(inv.ret[2], 64);
}

#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_object_sizes),
		T(test_every_type_is_made_and_zeroed),
		T(test_objects_are_aligned_above_the_watermark),
		T(test_not_enough_memory_exactly_at_the_end),
		T(test_watermark_resets_only_without_children),
		T(test_reused_memory_is_zeroed),
		T(test_size_bits_ranges),
		T(test_number_of_objects),
		T(test_destination_range),
		T(test_occupied_destination_makes_nothing),
		T(test_device_memory_becomes_frames_only),
		T(test_retype_into_a_nested_cnode),
		T(test_decode_directly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
