/*
 * The leak test: 10,000 objects of every type are made from one untyped
 * (the largest RAM block) and deleted again, in batches where memory is
 * short. Every batch must fit again, the watermark must return to 0, and
 * after a revoke of 10,000 objects the untyped must retype its whole size
 * at once: nothing leaked. Timings are printed as
 *
 *   BENCH retype_<type> <cycles per object, retype + delete> cycles
 *   BENCH revoke_10k <cycles for the revoke> cycles
 *
 * (rdtsc under QEMU/TCG: useful for comparing runs, not hardware.)
 */
#include "ktest.h"
#include "lib/format.h"

#define LEAK_OBJECTS	10000
#define LEAK_CNODE_BITS 14 /* 16384 slots for a batch */

static const struct {
	const char *name;
	uint64_t type, size_bits;
	unsigned bits; /* log2 of the object's size */
	unsigned count;
} kinds[] = {
	{"untyped", PITH_OBJ_UNTYPED, 4, 4, LEAK_OBJECTS},
	{"tcb", PITH_OBJ_TCB, 0, 11, LEAK_OBJECTS},
	{"endpoint", PITH_OBJ_ENDPOINT, 0, 5, LEAK_OBJECTS},
	{"notification", PITH_OBJ_NOTIFICATION, 0, 6, LEAK_OBJECTS},
	{"cnode", PITH_OBJ_CNODE, 1, 7, LEAK_OBJECTS},
	{"frame_4k", PITH_OBJ_FRAME_4K, 0, 12, LEAK_OBJECTS},
	{"frame_2m", PITH_OBJ_FRAME_2M, 0, 21, LEAK_OBJECTS},
	{"page_table", PITH_OBJ_PAGE_TABLE, 0, 12, LEAK_OBJECTS},
	{"page_directory", PITH_OBJ_PAGE_DIRECTORY, 0, 12, LEAK_OBJECTS},
	{"pdpt", PITH_OBJ_PDPT, 0, 12, LEAK_OBJECTS},
	{"vspace", PITH_OBJ_VSPACE, 0, 12, LEAK_OBJECTS},
};

static unsigned min_u(unsigned a, uint64_t b)
{
	return b < a ? (unsigned)b : a;
}

/* Make and delete `count` objects of kind k from ut, into cn. */
static void leak_kind(unsigned k, pith_cptr_t ut, uint64_t ut_bits,
		      pith_cptr_t cn)
{
	unsigned batch =
		min_u(1u << LEAK_CNODE_BITS, 1ULL << (ut_bits - kinds[k].bits));
	unsigned done = 0, count = kinds[k].count;
	char name[64];
	uint64_t start, cycles;
	struct tcase t;

	fmt_snprintf(name, sizeof(name), "leak_%s", kinds[k].name);
	tc_begin(&t, name);
	start = rdtsc();
	while (done < count && !t.failed) {
		unsigned n = min_u(batch, count - done);

		if (!tc_ok(&t,
			   pith_untyped_retype(
				   ut, PITH_SLOT_CNODE, kinds[k].type,
				   kinds[k].size_bits, cn, DEPTH, 0, n),
			   "retype a batch"))
			break;
		for (unsigned i = 0; i < n; i++) {
			if (!tc_ok(&t,
				   pith_cnode_delete(cn, i, LEAK_CNODE_BITS),
				   "delete"))
				break;
		}
		done += n;
	}
	cycles = rdtsc() - start;
	tc_eq(&t, untyped_watermark(ut), 0, "watermark after the deletes");
	tc_end(&t);
	if (done)
		pith_printf("BENCH retype_%s %llu cycles\n", kinds[k].name,
			    (unsigned long long)(cycles / done));
}

static void leak_revoke(pith_cptr_t ut, uint64_t ut_bits, pith_cptr_t cn)
{
	uint64_t start, cycles;
	pith_cptr_t full;
	struct tcase t;

	tc_begin(&t, "leak_revoke_10k");
	if (tc_ok(&t,
		  pith_untyped_retype(ut, PITH_SLOT_CNODE,
				      PITH_OBJ_NOTIFICATION, 0, cn, DEPTH, 0,
				      LEAK_OBJECTS),
		  "retype 10,000 notifications")) {
		start = rdtsc();
		tc_ok(&t, pith_cnode_revoke(PITH_SLOT_CNODE, ut, DEPTH),
		      "revoke");
		cycles = rdtsc() - start;
		pith_printf("BENCH revoke_10k %llu cycles\n",
			    (unsigned long long)cycles);
		pith_printf("BENCH revoke_10k_per_object %llu cycles\n",
			    (unsigned long long)(cycles / LEAK_OBJECTS));
		tc_eq(&t, untyped_watermark(ut), 0, "watermark");
		tc_eq(&t, nested_cap_type(cn, LEAK_CNODE_BITS, 0),
		      PITH_CAP_NULL, "first slot");
		tc_eq(&t,
		      nested_cap_type(cn, LEAK_CNODE_BITS, LEAK_OBJECTS - 1),
		      PITH_CAP_NULL, "last slot");
	}
	tc_end(&t);

	/* Nothing leaked: the whole block retypes at once. */
	tc_begin(&t, "leak_untyped_whole_size_again");
	full = obj_new_from(ut, PITH_OBJ_UNTYPED, ut_bits);
	tc_true(&t, full != 0, "retype an untyped of the same size");
	tc_end(&t);
	slot_free(full);
}

void test_leak(void)
{
	uint64_t ut_bits = 0;
	pith_cptr_t ut = untyped_largest(&ut_bits);
	pith_cptr_t cn = obj_new(PITH_OBJ_CNODE, LEAK_CNODE_BITS);
	uint64_t start = rdtsc();

	if (!cn) {
		expect_true("leak_setup", false, "no CNode for the objects");
		return;
	}
	for (unsigned k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		leak_kind(k, ut, ut_bits, cn);
	leak_revoke(ut, ut_bits, cn);
	pith_printf("ktest: leak test took %llu Mcycles\n",
		    (unsigned long long)((rdtsc() - start) >> 20));
	slot_free(cn);
}
