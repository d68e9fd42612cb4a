/*
 * Host tests for servers/virtio-blk/virtq.c with a fake device: chains
 * written as given (flags, order, the last without NEXT), the available
 * and used rings' indices wrapping at 2^16, descriptors running out and
 * coming back, out-of-order completion, and a device that names a bad
 * head. Also servers/virtio-blk/blkreq.c: every request error, and the
 * splitting of a request's data into physically contiguous pieces.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "blkreq.h"
#include "virtq.h"

#define SIZE 16

struct rings {
	struct virtq_desc desc[SIZE];
	_Alignas(8) uint8_t avail[VIRTQ_AVAIL_BYTES(SIZE)];
	_Alignas(8) uint8_t used[VIRTQ_USED_BYTES(SIZE)];
};

#define AVAIL(r) ((struct virtq_avail *)(void *)(r)->avail)
#define USED(r)	 ((struct virtq_used *)(void *)(r)->used)

/* The fake device's view: the next available entry it takes. */
static uint16_t dev_avail;

/* Take one available chain: its head and length in descriptors, with
 * the buffers' addresses checked against what the driver gave. */
static unsigned dev_take(struct rings *r, unsigned *head)
{
	unsigned n = 1, i;

	assert_true(AVAIL(r)->idx != dev_avail);
	*head = AVAIL(r)->ring[dev_avail % SIZE];
	dev_avail++;
	for (i = *head; r->desc[i].flags & VIRTQ_DESC_F_NEXT;
	     i = r->desc[i].next)
		n++;
	return n;
}

static void dev_done(struct rings *r, unsigned head, uint32_t len)
{
	USED(r)->ring[USED(r)->idx % SIZE] =
		(struct virtq_used_elem){head, len};
	USED(r)->idx++;
}

static void test_chain(void **state)
{
	struct rings *r = calloc(1, sizeof(*r));
	struct virtq q;
	struct virtq_buf b[3] = {
		{0x1000, 16, false}, {0x2000, 4096, true}, {0x3000, 1, true}};
	unsigned head, got;
	uint32_t len;
	int h;

	(void)state;
	dev_avail = 0;
	assert_false(virtq_init(&q, 12, r->desc, r->avail, r->used));
	assert_true(virtq_init(&q, SIZE, r->desc, r->avail, r->used));
	h = virtq_submit(&q, b, 3);
	assert_true(h >= 0);
	assert_int_equal(q.nfree, SIZE - 3);
	assert_int_equal(dev_take(r, &head), 3);
	assert_int_equal(head, (unsigned)h);
	assert_int_equal(r->desc[head].addr, 0x1000);
	assert_int_equal(r->desc[head].flags, VIRTQ_DESC_F_NEXT);
	got = r->desc[head].next;
	assert_int_equal(r->desc[got].addr, 0x2000);
	assert_int_equal(r->desc[got].len, 4096);
	assert_int_equal(r->desc[got].flags,
			 VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE);
	got = r->desc[got].next;
	assert_int_equal(r->desc[got].flags, VIRTQ_DESC_F_WRITE);
	assert_false(virtq_reap(&q, &got, &len));
	dev_done(r, head, 4097);
	assert_true(virtq_pending(&q));
	assert_true(virtq_reap(&q, &got, &len));
	assert_int_equal(got, head);
	assert_int_equal(len, 4097);
	assert_int_equal(q.nfree, SIZE);
	assert_int_equal(virtq_submit(&q, b, 0), -1);
	free(r);
}

/* Many rounds: the indices wrap, chains of random lengths complete in
 * random order, and every descriptor comes back. */
static void test_wrap_and_order(void **state)
{
	struct rings *r = calloc(1, sizeof(*r));
	struct virtq q;
	struct virtq_buf b[SIZE];
	unsigned heads[SIZE], nheads = 0, head, got;
	uint32_t len;

	(void)state;
	dev_avail = 0;
	AVAIL(r)->idx = 65530; /* as a previous driver left it */
	USED(r)->idx = 65530;
	dev_avail = 65530;
	assert_true(virtq_init(&q, SIZE, r->desc, r->avail, r->used));
	for (unsigned i = 0; i < SIZE; i++)
		b[i] = (struct virtq_buf){0x1000ULL * (i + 1), 512, i % 2};
	srand(3);
	for (unsigned round = 0; round < 200000; round++) {
		unsigned n = 1 + (unsigned)rand() % 5;
		int h = virtq_submit(&q, b, n);

		if (h < 0) {
			assert_true(q.nfree < n);
			/* the device finishes one at random */
			unsigned k = (unsigned)rand() % nheads;

			dev_done(r, heads[k], 0);
			heads[k] = heads[--nheads];
			assert_true(virtq_reap(&q, &got, &len));
			continue;
		}
		assert_int_equal(dev_take(r, &head), n);
		assert_int_equal(head, (unsigned)h);
		heads[nheads++] = head;
	}
	while (nheads) {
		dev_done(r, heads[--nheads], 0);
		assert_true(virtq_reap(&q, &got, &len));
	}
	assert_int_equal(q.nfree, SIZE);
	free(r);
}

static void test_bad_head(void **state)
{
	struct rings *r = calloc(1, sizeof(*r));
	struct virtq q;
	struct virtq_buf b = {0x1000, 512, false};
	unsigned got;
	uint32_t len;

	(void)state;
	assert_true(virtq_init(&q, SIZE, r->desc, r->avail, r->used));
	assert_true(virtq_submit(&q, &b, 1) >= 0);
	dev_done(r, SIZE + 3, 0); /* out of the table */
	assert_false(virtq_reap(&q, &got, &len));
	assert_int_equal(q.nfree, SIZE - 1);
	free(r);
}

static uint64_t pages[BLK_DATA_PAGES];

static void test_check(void **state)
{
	struct pith_blk_request r = {PITH_BLK_READ, 8, 0, 0, 0, 0};

	(void)state;
	for (unsigned i = 0; i < BLK_DATA_PAGES; i++)
		pages[i] = 0x100000 + 0x2000ULL * i; /* never adjacent */
	assert_int_equal(blk_check(&r, 100, false, pages), PITH_OK);
	r.op = 3;
	assert_int_equal(blk_check(&r, 100, false, pages),
			 PITH_E_INVALID_ARGUMENT);
	r.op = PITH_BLK_WRITE;
	assert_int_equal(blk_check(&r, 100, true, pages), PITH_E_READ_ONLY);
	r.count = 0;
	assert_int_equal(blk_check(&r, 100, false, pages),
			 PITH_E_INVALID_ARGUMENT);
	r.count = PITH_BLK_MAX_SECTORS + 1;
	assert_int_equal(blk_check(&r, 1ULL << 40, false, pages), PITH_E_RANGE);
	r.count = 8;
	r.sector = 93; /* 93 + 8 > 100 */
	assert_int_equal(blk_check(&r, 100, false, pages), PITH_E_RANGE);
	r.sector = 92;
	assert_int_equal(blk_check(&r, 100, false, pages), PITH_OK);
	r.sector = ~0ULL; /* wraps */
	assert_int_equal(blk_check(&r, 100, false, pages), PITH_E_RANGE);
	r.sector = 0;
	r.offset = 100;
	assert_int_equal(blk_check(&r, 100, false, pages), PITH_E_ALIGNMENT);
	r.offset = BLK_DATA_PAGES * BLK_PAGE - 512ULL * 7;
	assert_int_equal(blk_check(&r, 100, false, pages), PITH_E_RANGE);
	r.offset = BLK_DATA_PAGES * BLK_PAGE - 512ULL * 8;
	assert_int_equal(blk_check(&r, 100, false, pages), PITH_OK);
	r.offset = ~0ULL - 511;
	assert_int_equal(blk_check(&r, 100, false, pages), PITH_E_RANGE);
	r.offset = 4096 * 3 - 512; /* spans pages 2 and 3 */
	pages[3] = 0;
	assert_int_equal(blk_check(&r, 100, false, pages), PITH_E_NOT_MAPPED);
	pages[3] = 0x100000 + 0x2000ULL * 3;
	assert_int_equal(blk_check(&r, 100, false, pages), PITH_OK);
}

static void test_pieces(void **state)
{
	struct blk_piece p[8];
	uint64_t done;
	unsigned n;

	(void)state;
	for (unsigned i = 0; i < BLK_DATA_PAGES; i++)
		pages[i] = 0x100000 + 0x2000ULL * i;
	/* 3 pages from the middle of page 1: 4 pieces */
	n = blk_pieces(pages, 4096 + 512, 3ULL * 4096, 8, 4096, p, &done);
	assert_int_equal(n, 4);
	assert_int_equal(done, 3 * 4096);
	assert_int_equal(p[0].paddr, pages[1] + 512);
	assert_int_equal(p[0].len, 4096 - 512);
	assert_int_equal(p[3].paddr, pages[4]);
	assert_int_equal(p[3].len, 512);
	/* too few pieces allowed: what fits */
	n = blk_pieces(pages, 0, 5ULL * 4096, 2, 4096, p, &done);
	assert_int_equal(n, 2);
	assert_int_equal(done, 2 * 4096);
	/* adjacent pages merge, up to max_piece and not across it */
	pages[10] = 0x400000;
	pages[11] = 0x401000;
	pages[12] = 0x402000;
	n = blk_pieces(pages, 10ULL * 4096, 3ULL * 4096, 8, 8192, p, &done);
	assert_int_equal(n, 2);
	assert_int_equal(p[0].len, 8192);
	assert_int_equal(p[1].paddr, 0x402000);
	assert_int_equal(p[1].len, 4096);
	n = blk_pieces(pages, 10ULL * 4096, 3ULL * 4096, 8, 4096, p, &done);
	assert_int_equal(n, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_wrap_and_order),
		cmocka_unit_test(test_bad_head),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_pieces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
