/*
 * A server that borrows memory from init, for the lending tests of the
 * boot case (tests/qemu/run.py): systest.manifest gives it `init` and
 * borrow=1M. It checks the errors of lend and give_back, that a block
 * lent is an untyped of the size asked for that objects can be made
 * from, that giving it back takes those objects too (even from another
 * slot), and then borrows 1 MiB and keeps it until svtest kills it, to
 * see that init takes the block back.
 */
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
	}
	/* Borrow again and keep it, with something made from it: svtest
	 * kills this server and checks that init takes the block back. */
	check("lend_kept",
	      init_lend(init, 20, slot) == PITH_OK &&
		      pith_alloc_object_from(slot, PITH_OBJ_ENDPOINT, 0, &ep) ==
			      PITH_OK,
	      "no block to keep");
	pith_printf("lender: %u failures\n", failures);
	pith_printf("lender: holding 1024 KiB\n");
	for (;;)
		pith_recv(service, &m); /* nobody calls: until killed */
}
