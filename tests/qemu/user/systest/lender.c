/*
 * A server that borrows memory from init, for the lending tests of the
 * boot case (tests/qemu/run.py): systest.manifest gives it `init` and
 * borrow=1M. It checks the errors of lend and give_back, that a block
 * lent is an untyped of the size asked for that objects can be made
 * from, that giving it back takes those objects too (even from another
 * slot). Then its heap borrows (pith_heap_borrow(), pith/heap.h): an
 * allocation larger than its memory=16K works on borrowed blocks, which
 * all go back to init when it is freed. Then it borrows 1 MiB and keeps
 * it until svtest kills it, to see that init takes the block back (and
 * that the heap could not have kept anything: the loan takes the whole
 * borrow=1M); with that held, the heap's next borrowing is refused, and
 * malloc says ENOMEM.
 */
#include <errno.h>
#include <stdlib.h>

#include "pith/heap.h"
#include "pith/pith.h"
#include "pith/proto/init.h"

static unsigned failures;

static void check(const char *name, bool ok, const char *why)
{
	if (ok) {
		pith_printf("TEST %s PASS\n", name);
	} else {
		pith_printf("TEST %s FAIL %s\n", name, why);
		failures++;
	}
}

/* The capability type in one of its slots. */
static uint64_t type_at(pith_cptr_t slot)
{
	uint64_t type = ~0ULL, rights, badge;

	pith_cnode_identify(PITH_SLOT_CNODE, slot, PITH_SLOT_DEPTH, &type,
			    &rights, &badge);
	return type;
}

/* An untyped of 2^bits bytes with nothing made from it in `slot`. */
static bool fresh_untyped(pith_cptr_t slot, uint64_t want_bits)
{
	uint64_t paddr, bits = 0, watermark = 1, device = 1;

	return pith_untyped_describe(slot, &paddr, &bits, &watermark,
				     &device) == PITH_OK &&
	       bits == want_bits && watermark == 0 && device == 0;
}

static void errors(pith_cptr_t init, pith_cptr_t slot)
{
	check("lend_bits_range",
	      init_lend(init, 11, slot) == PITH_E_RANGE &&
		      init_lend(init, 48, slot) == PITH_E_RANGE,
	      "a block size out of range");
	check("lend_over_limit",
	      init_lend(init, 21, slot) == PITH_E_NOT_ENOUGH_MEMORY,
	      "2 MiB lent with borrow=1M");
	check("lend_slot_taken",
	      init_lend(init, 12, PITH_SLOT_TCB) == PITH_E_DELETE_FIRST,
	      "a block into a slot that is not empty");
	check("lend_slot_range",
	      init_lend(init, 12, 1ULL << 40) == PITH_E_RANGE,
	      "a block into a slot past the CNode");
	check("lend_nothing_made", type_at(slot) == PITH_CAP_NULL,
	      "a refused loan left something in the slot");
}

/* A loan of 1 MiB: usable, counted against the limit, given back with
 * what was made from it. */
static void loan(pith_cptr_t init, pith_cptr_t slot, pith_cptr_t other)
{
	pith_cptr_t ep = 0, own = pith_startinfo->untyped.start;
	enum pith_error err = init_lend(init, 20, slot);

	check("lend_block", err == PITH_OK && fresh_untyped(slot, 20),
	      err != PITH_OK ? pith_error_name(err)
			     : "not a fresh untyped of 1 MiB");
	check("lend_block_usable",
	      pith_alloc_object_from(slot, PITH_OBJ_ENDPOINT, 0, &ep) ==
			      PITH_OK &&
		      type_at(ep) == PITH_CAP_ENDPOINT,
	      "no endpoint from the block");
	check("lend_limit_counts_held",
	      init_lend(init, 12, other) == PITH_E_NOT_ENOUGH_MEMORY &&
		      type_at(other) == PITH_CAP_NULL,
	      "4 KiB more lent while holding 1 MiB of 1M");
	check("give_back_foreign",
	      init_give_back(init, own) == PITH_E_INVALID_ARGUMENT &&
		      type_at(own) == PITH_CAP_UNTYPED,
	      "its own memory taken as a loan");
	check("give_back_not_lent",
	      init_give_back(init, other) == PITH_E_INVALID_ARGUMENT &&
		      init_give_back(init, ep) == PITH_E_INVALID_ARGUMENT,
	      "a slot that holds no loan given back");
	err = init_give_back(init, slot);
	check("give_back",
	      err == PITH_OK && type_at(slot) == PITH_CAP_NULL &&
		      type_at(ep) == PITH_CAP_NULL,
	      err != PITH_OK ? pith_error_name(err)
			     : "the block or its endpoint is still there");
	check("give_back_twice",
	      init_give_back(init, slot) == PITH_E_INVALID_ARGUMENT,
	      "a loan given back twice");
	pith_slot_free(ep);
	/* Moved to another slot, the block still goes back by its own. */
	err = init_lend(init, 20, slot);
	if (err == PITH_OK)
		err = pith_cnode_move(PITH_SLOT_CNODE, PITH_SLOT_CNODE, other,
				      PITH_SLOT_DEPTH, slot, PITH_SLOT_DEPTH);
	if (err == PITH_OK)
		err = init_give_back(init, slot);
	check("give_back_moved",
	      err == PITH_OK && type_at(other) == PITH_CAP_NULL,
	      err != PITH_OK ? pith_error_name(err)
			     : "the moved block is still there");
}

/* Does the block hold the bytes fill() wrote? */
static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7 + (i >> 12));
}

static bool filled(const uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (uint8_t)(seed + i * 7 + (i >> 12)))
			return false;
	return true;
}

/* The heap beyond its own 16 KiB: 600 KiB on borrowed blocks (loans of
 * 512 and 256 KiB, within borrow=1M), all given back when freed. */
static void heap(pith_cptr_t init)
{
	const size_t big = 600 << 10;
	uint8_t *p = malloc(big);
	uint64_t held = 0;

	check("heap_own_memory_only", !p && errno == ENOMEM,
	      "600 KiB from memory=16K without borrowing");
	free(p);
	check("heap_borrow_setup",
	      pith_heap_borrow(0) == PITH_E_INVALID_ARGUMENT &&
		      pith_heap_borrow(init) == PITH_OK &&
		      pith_heap_borrowed() == 0,
	      "pith_heap_borrow's answers");
	p = malloc(big);
	if (p)
		fill(p, big, 3);
	held = pith_heap_borrowed();
	check("heap_borrows",
	      p && filled(p, big, 3) && held >= big && held <= (1 << 20),
	      !p ? "malloc of 600 KiB failed" : "wrong contents or figure");
	free(p);
	check("heap_gives_back", pith_heap_borrowed() == 0,
	      "a borrowed block kept after free");
	p = malloc(big); /* and again: borrowed anew */
	check("heap_borrows_again", p && pith_heap_borrowed() == held,
	      "a second borrowing");
	free(p);
}

/* With the whole borrow=1M held, the heap's borrowing is refused:
 * malloc returns NULL with ENOMEM, and the program goes on. */
static void heap_refused(void)
{
	void *p = malloc(300 << 10);

	check("heap_borrow_refused", !p && errno == ENOMEM,
	      "300 KiB past the borrow limit");
}

int main(int argc, char **argv)
{
	pith_cptr_t init = pith_cap("init"), service = pith_cap("service");
	pith_cptr_t slot = 0, other = 0, ep = 0;
	struct pith_msg m = {0};

	(void)argc;
	(void)argv;
	check("lend_setup",
	      init && service && pith_slot_alloc(&slot) == PITH_OK &&
		      pith_slot_alloc(&other) == PITH_OK,
	      "no init capability or no free slots");
	if (!failures) {
		errors(init, slot);
		loan(init, slot, other);
		heap(init);
	}
	/* Borrow again and keep it, with something made from it: svtest
	 * kills this server and checks that init takes the block back. */
	check("lend_kept",
	      init_lend(init, 20, slot) == PITH_OK &&
		      pith_alloc_object_from(slot, PITH_OBJ_ENDPOINT, 0, &ep) ==
			      PITH_OK,
	      "no block to keep");
	heap_refused();
	pith_printf("lender: %u failures\n", failures);
	pith_printf("lender: holding 1024 KiB\n");
	for (;;)
		pith_recv(service, &m); /* nobody calls: until killed */
}
