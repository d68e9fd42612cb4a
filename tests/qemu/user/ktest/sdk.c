/*
 * The SDK's layer for threads and processes (sdk/lib): the slot and
 * object allocators run dry and recover, the SDK's region of ktest's
 * address space maps and unmaps, threads run and go, the initrd is
 * searched, and the `child` program is spawned from it into an address
 * space of its own, where it uses the SDK itself and reports on its exit
 * endpoint (or faults to its fault endpoint). Spawning a malformed image
 * or without memory fails cleanly, and destroying a program gives back
 * every slot and byte it took.
 *
 * These cases run early, while ktest's allocator still draws on its one
 * pool; the memory they make scarce is their own, carved from the pool.
 */
#include "../child/child.h"
#include "ktest.h"
#include "lib/string.h"

#define MARKER	       0x5d4c0ffee5d4c0ffULL
#define CHILD_PRIORITY 255 /* ktest's: the child runs while ktest yields */
#define EXIT_BADGE     0x77
#define SIGNAL_BADGE   0x5
#define CHILD_UT_BITS  17 /* the memory CHILD_SDK gets */
#define HELLO_A	       10
#define HELLO_B	       20
#define HELLO_C	       12

static struct thread helper;	/* probes whether memory is mapped */
static struct cpio_entry image; /* the child's ELF, in the initrd */
static pith_cptr_t saved_ut[PITH_ALLOC_UNTYPED_MAX];
static unsigned nsaved_ut;
static uint64_t taken[PITH_ALLOC_SLOTS_MAX / 64];
static uint8_t archive_copy[512];

static volatile uint64_t *word_at(uint64_t va)
{
	return (volatile uint64_t *)(uintptr_t)va;
}

/* Make objects from `ut` only, for a while; then back to ktest's pool. */
static bool use_only(pith_cptr_t ut)
{
	nsaved_ut = pith_alloc_untyped(saved_ut, PITH_ALLOC_UNTYPED_MAX);
	return ut && pith_alloc_use_untyped(&ut, 1) == PITH_OK;
}

static void use_saved(void)
{
	pith_alloc_use_untyped(saved_ut, nsaved_ut);
}

/* ---- allocators -------------------------------------------------------- */

static void take(uint64_t i, bool on)
{
	if (on)
		taken[i / 64] |= 1ULL << (i % 64);
	else
		taken[i / 64] &= ~(1ULL << (i % 64));
}

static bool is_taken(uint64_t i)
{
	return taken[i / 64] >> (i % 64) & 1;
}

static void test_slots(void)
{
	const uint64_t base = pith_bootinfo->empty.start;
	uint64_t avail = pith_slots_available(), n = 0;
	pith_cptr_t s, mid = 0, again = 0;
	struct tcase t;

	tc_begin(&t, "sdk_slots_exhausted_then_reused");
	memset(taken, 0, sizeof(taken));
	while (pith_slot_alloc(&s) == PITH_OK) {
		take(s - base, true);
		if (++n == avail / 2)
			mid = s;
	}
	tc_eq(&t, n, avail, "slots handed out");
	tc_err(&t, pith_slot_alloc(&s), PITH_E_EXHAUSTED, "one slot more");
	tc_eq(&t, s, 0, "the slot of a failed alloc");
	tc_err(&t, pith_slots_alloc(2, &s), PITH_E_EXHAUSTED, "a run of two");
	tc_err(&t, pith_alloc_object(PITH_OBJ_ENDPOINT, 0, &s),
	       PITH_E_EXHAUSTED, "an object");
	pith_slot_free(mid);
	tc_ok(&t, pith_slot_alloc(&again), "a slot after one is freed");
	tc_eq(&t, again, mid, "the slot freed, used again");
	for (uint64_t i = 0; i < PITH_ALLOC_SLOTS_MAX; i++) {
		if (is_taken(i)) {
			pith_slot_free(base + i);
			take(i, false);
		}
	}
	tc_eq(&t, pith_slots_available(), avail, "free slots at the end");
	tc_end(&t);
}

/* Four frames fit in 16 KiB; the fifth comes from the next untyped. */
static void test_objects(void)
{
	pith_cptr_t tiny = obj_new(PITH_OBJ_UNTYPED, 14), f[5] = {0}, s = 1;
	pith_cptr_t both[2] = {tiny, untyped_pool()};
	uint64_t avail;
	struct tcase t;

	tc_begin(&t, "sdk_alloc_object_memory_runs_out");
	if (tc_true(&t, use_only(tiny), "set up a 16 KiB untyped")) {
		for (unsigned i = 0; i < 4; i++)
			tc_ok(&t,
			      pith_alloc_object(PITH_OBJ_FRAME_4K, 0, &f[i]),
			      "a frame");
		avail = pith_slots_available();
		tc_err(&t, pith_alloc_object(PITH_OBJ_FRAME_4K, 0, &s),
		       PITH_E_NOT_ENOUGH_MEMORY, "a fifth frame");
		tc_eq(&t, s, 0, "the slot of a failed alloc");
		tc_eq(&t, pith_slots_available(), avail, "free slots");
		tc_err(&t, pith_alloc_object(PITH_OBJ_COUNT, 0, &s),
		       PITH_E_INVALID_ARGUMENT, "an object of no type");
		tc_ok(&t, pith_alloc_use_untyped(both, 2), "use two untyped");
		tc_ok(&t, pith_alloc_object(PITH_OBJ_FRAME_4K, 0, &f[4]),
		      "a fifth frame from the next untyped");
		for (unsigned i = 0; i < 5; i++)
			slot_free(f[i]);
		tc_eq(&t, untyped_watermark(tiny), 0,
		      "the untyped's watermark once its frames are gone");
	}
	use_saved();
	tc_end(&t);
	slot_free(tiny);
}

/* ---- the SDK's region of ktest's address space ------------------------- */

static void test_vm_map_new(void)
{
	uint64_t avail = pith_slots_available(), va = 0, bad = 1;
	struct tcase t;

	tc_begin(&t, "sdk_vm_map_new_and_unmap");
	if (tc_ok(&t, pith_vm_map_new(3, RIGHTS_RW, &va), "map 3 pages")) {
		tc_true(&t,
			va >= PITH_VM_BASE &&
				va + 3 * PAGE_SIZE <=
					PITH_VM_BASE + PITH_VM_SIZE,
			"the pages are not in the SDK's region");
		for (unsigned i = 0; i < 3; i++)
			*word_at(va + i * PAGE_SIZE) = MARKER + i;
		for (unsigned i = 0; i < 3; i++)
			tc_eq(&t, *word_at(va + i * PAGE_SIZE), MARKER + i,
			      "a page's word");
		tc_eq(&t, cap_type(pith_vm_frame(va + PAGE_SIZE)),
		      PITH_CAP_FRAME, "the second page's frame");
		tc_ok(&t, pith_vm_unmap(va + PAGE_SIZE + 8),
		      "unmap by an address inside");
		tc_true(&t, !thread_run(&helper, probe_read, va),
			"the first page is readable after the unmap");
		tc_err(&t, pith_vm_unmap(va), PITH_E_NOT_MAPPED, "unmap again");
		tc_eq(&t, pith_vm_frame(va), 0,
		      "the frame of an unmapped page");
	}
	tc_eq(&t, pith_slots_available(), avail, "free slots after the unmap");
	tc_end(&t);

	tc_begin(&t, "sdk_vm_map_write_execute_refused");
	tc_err(&t, pith_vm_map_new(1, RIGHTS_RW | PITH_RIGHT_EXECUTE, &bad),
	       PITH_E_INVALID_ARGUMENT, "map");
	tc_eq(&t, bad, 0, "the address of a failed map");
	tc_eq(&t, pith_slots_available(), avail, "free slots after it");
	tc_end(&t);
}

/* A frame mapped twice through copies, and once itself. */
static void test_vm_map_frame(void)
{
	uint64_t avail = pith_slots_available(), a = 0, b = 0, c = 0, d = 1;
	pith_cptr_t f = obj_new(PITH_OBJ_FRAME_4K, 0);
	struct tcase t;

	tc_begin(&t, "sdk_vm_map_frame_copies");
	if (tc_true(&t, f, "a frame") &&
	    tc_ok(&t, pith_vm_map_frame(f, RIGHTS_RW, &a), "map a copy") &&
	    tc_ok(&t, pith_vm_map_frame(f, PITH_RIGHT_READ, &b),
		  "map another copy") &&
	    tc_ok(&t, pith_vm_map_frames(f, 1, PITH_RIGHT_READ, &c),
		  "map the capability itself")) {
		*word_at(a) = MARKER;
		tc_eq(&t, *word_at(b), MARKER,
		      "the word through the other copy");
		tc_eq(&t, *word_at(c), MARKER, "the word through the frame");
		tc_err(&t, pith_vm_map_frames(f, 1, PITH_RIGHT_READ, &d),
		       PITH_E_DELETE_FIRST, "map the capability again");
		tc_eq(&t, d, 0, "the address of a failed map");
	}
	pith_vm_unmap(a);
	pith_vm_unmap(b);
	pith_vm_unmap(c);
	tc_eq(&t, cap_type(f), PITH_CAP_FRAME, "the frame after the unmaps");
	tc_err(&t, pith_frame_unmap(f), PITH_E_NOT_MAPPED,
	       "the frame's own mapping after the unmaps");
	slot_free(f);
	tc_eq(&t, pith_slots_available(), avail, "free slots at the end");
	tc_end(&t);
}

static void test_vm_stack(void)
{
	uint64_t top = 0;
	struct tcase t;

	tc_begin(&t, "sdk_vm_stack_guard_page");
	if (tc_ok(&t, pith_vm_map_stack(2, &top), "map a stack")) {
		*word_at(top - 8) = MARKER;
		*word_at(top - 2 * PAGE_SIZE) = MARKER;
		tc_true(&t, thread_run(&helper, probe_read, top - 8),
			"the stack's top is not readable");
		tc_true(&t,
			!thread_run(&helper, probe_read, top - 3 * PAGE_SIZE),
			"the guard page below the stack is readable");
		tc_ok(&t, pith_vm_unmap(top - PAGE_SIZE), "unmap");
	}
	tc_end(&t);
}

/* ---- threads ------------------------------------------------------------ */

static volatile uint64_t seen_arg, seen_ipc;

static void record(uint64_t arg)
{
	seen_arg = arg;
	seen_ipc = (uint64_t)(uintptr_t)pith_ipc_buffer();
}

static bool run_sdk_thread(struct pith_thread *th, uint64_t arg)
{
	seen_arg = 0;
	if (pith_thread_start(th, record, arg) != PITH_OK)
		return false;
	for (unsigned i = 0; i < YIELD_BOUND && th->state != PITH_THREAD_DONE;
	     i++)
		pith_yield();
	return th->state == PITH_THREAD_DONE && seen_arg == arg;
}

static void test_threads(void)
{
	uint64_t avail = pith_slots_available();
	struct pith_thread th;
	pith_cptr_t tcb;
	struct tcase t;

	tc_begin(&t, "sdk_thread_create_run_destroy");
	if (tc_ok(&t, pith_thread_create(&th, 255, 0), "create")) {
		tcb = th.tcb;
		tc_true(&t, run_sdk_thread(&th, 0x1234), "the first run");
		tc_eq(&t, seen_ipc, th.ipc_va, "its IPC buffer");
		tc_true(&t, run_sdk_thread(&th, 0x5678), "a second run");
		pith_thread_destroy(&th);
		tc_eq(&t, cap_type(tcb), PITH_CAP_NULL, "its TCB's slot");
	}
	tc_eq(&t, pith_slots_available(), avail, "free slots at the end");
	tc_end(&t);

	tc_begin(&t, "sdk_thread_priority_above_mcp");
	tc_err(&t, pith_thread_create(&th, 256, 0), PITH_E_RANGE, "create");
	tc_eq(&t, pith_slots_available(), avail, "free slots after it");
	tc_end(&t);
}

/* ---- the initrd --------------------------------------------------------- */

static void test_initrd(void)
{
	struct cpio_entry again = {0}, none = {0};
	enum cpio_error why = CPIO_E_COUNT;
	const void *archive = NULL;
	size_t size = 0;
	struct tcase t;

	tc_begin(&t, "sdk_initrd_find_present_file");
	tc_eq(&t, image.size >= 64 && !memcmp(image.data, "\177ELF", 4), 1,
	      "child is an ELF file");
	tc_ok(&t, pith_initrd_find("./" CHILD_NAME, &again, &why),
	      "find ./child");
	tc_eq(&t, why, CPIO_OK, "its detail");
	tc_true(&t, again.data == image.data && again.size == image.size,
		"./child is not child");
	tc_end(&t);

	tc_begin(&t, "sdk_initrd_find_missing_file");
	tc_err(&t, pith_initrd_find("no-such-program", &none, &why),
	       PITH_E_INVALID_ARGUMENT, "find");
	tc_eq(&t, why, CPIO_E_NOT_FOUND, "its detail");
	tc_end(&t);

	/* A copy of its first bytes, one header smashed, then cut short. */
	tc_begin(&t, "sdk_initrd_corrupt_archive");
	if (tc_ok(&t, pith_initrd_map(&archive, &size), "map") &&
	    tc_true(&t, size >= sizeof(archive_copy), "a tiny initrd")) {
		memcpy(archive_copy, archive, sizeof(archive_copy));
		archive_copy[0] = 'X';
		tc_err(&t,
		       pith_archive_find(archive_copy, sizeof(archive_copy),
					 CHILD_NAME, &none, &why),
		       PITH_E_INVALID_ARGUMENT, "find in a bad header");
		tc_eq(&t, why, CPIO_E_MAGIC, "its detail");
		archive_copy[0] = '0';
		tc_err(&t,
		       pith_archive_find(archive_copy, 100, CHILD_NAME, &none,
					 &why),
		       PITH_E_INVALID_ARGUMENT, "find in a truncated archive");
		tc_eq(&t, why, CPIO_E_TRUNCATED, "its detail");
	}
	tc_end(&t);
}

/* ---- spawning ----------------------------------------------------------- */

static struct pith_spawn_args child_args(uint64_t mode, pith_cptr_t exit_ep)
{
	return (struct pith_spawn_args){
		.name = CHILD_NAME,
		.image = image.data,
		.image_size = image.size,
		.args = {mode, HELLO_A, HELLO_B, HELLO_C},
		.priority = CHILD_PRIORITY,
		.debug = {PITH_SLOT_DEBUG, 0, 0},
		.exit_ep = {exit_ep, PITH_RIGHT_WRITE, EXIT_BADGE},
	};
}

/* A message on `ep`, waiting by yielding (the child runs at ktest's
 * priority), so that a child that never sends cannot hang ktest. */
static bool wait_msg(pith_cptr_t ep, struct pith_msg *m)
{
	for (unsigned i = 0; i < YIELD_BOUND; i++) {
		enum pith_error err;

		*m = (struct pith_msg){0};
		err = pith_nb_recv(ep, m);
		if (err != PITH_E_WOULD_BLOCK)
			return err == PITH_OK;
		pith_yield();
	}
	return false;
}

/* The exit message: its label, length, badge and status. */
static void check_exit(struct tcase *t, pith_cptr_t ep, int64_t status)
{
	struct pith_msg m;

	if (!tc_true(t, wait_msg(ep, &m), "no exit message"))
		return;
	tc_eq(t, PITH_MSGINFO_LABEL(m.info), PITH_EXIT_LABEL, "its label");
	tc_eq(t, PITH_MSGINFO_WORDS(m.info), PITH_EXIT_WORDS, "its words");
	tc_eq(t, m.badge, EXIT_BADGE, "its badge");
	tc_eq(t, m.mr[PITH_EXIT_STATUS], (uint64_t)status, "the status");
}

/* Spawn the child in `mode`, check its exit status, destroy it. */
static void spawn_and_exit(struct tcase *t, struct pith_spawn_args a,
			   pith_cptr_t ep, int64_t status)
{
	struct pith_process p = {0};

	if (tc_ok(t, pith_process_spawn(&a, &p), "spawn"))
		check_exit(t, ep, status);
	tc_ok(t, pith_process_destroy(&p), "destroy");
}

static void test_spawn_hello(pith_cptr_t ep)
{
	struct tcase t;

	tc_begin(&t, "sdk_spawn_child_exit_status");
	spawn_and_exit(&t, child_args(CHILD_HELLO, ep), ep,
		       HELLO_A + HELLO_B + HELLO_C);
	tc_end(&t);
}

/* The child in CHILD_SDK mode: memory of its own, and `pass` (a
 * notification) to signal. */
static struct pith_spawn_args sdk_child_args(pith_cptr_t ep,
					     const struct pith_spawn_cap *pass)
{
	static const uint8_t ut_bits = CHILD_UT_BITS;
	struct pith_spawn_args a = child_args(CHILD_SDK, ep);

	a.args[1] = CHILD_PRIORITY;
	a.caps = pass;
	a.ncaps = 1;
	a.untyped_bits = &ut_bits;
	a.nuntyped = 1;
	return a;
}

/* The child uses its untyped memory, maps, runs a thread, and signals
 * the notification passed to it. */
static void test_spawn_sdk(pith_cptr_t ep)
{
	pith_cptr_t n = obj_new(PITH_OBJ_NOTIFICATION, 0);
	const struct pith_spawn_cap pass = {n, PITH_RIGHT_WRITE, SIGNAL_BADGE};
	uint64_t word = 0;
	struct tcase t;

	tc_begin(&t, "sdk_spawn_child_uses_the_sdk");
	if (tc_true(&t, n, "a notification")) {
		spawn_and_exit(&t, sdk_child_args(ep, &pass), ep, CHILD_OK);
		tc_ok(&t, pith_poll(n, &word), "poll the notification");
		tc_eq(&t, word, SIGNAL_BADGE, "the child's signal");
	}
	tc_end(&t);
	slot_free(n);
}

static void test_spawn_fault(void)
{
	pith_cptr_t fep = obj_new(PITH_OBJ_ENDPOINT, 0);
	struct pith_spawn_args a = child_args(CHILD_FAULT, 0);
	struct pith_process p = {0};
	struct pith_msg m;
	struct tcase t;

	a.fault_ep = (struct pith_spawn_cap){fep, 0, 0};
	tc_begin(&t, "sdk_spawn_child_fault_endpoint");
	if (tc_true(&t, fep, "an endpoint") &&
	    tc_ok(&t, pith_process_spawn(&a, &p), "spawn") &&
	    tc_true(&t, wait_msg(fep, &m), "no fault message")) {
		tc_eq(&t, PITH_MSGINFO_LABEL(m.info), PITH_FAULT_PAGE,
		      "its label");
		tc_eq(&t, m.mr[PITH_FAULT_ADDRESS], CHILD_FAULT_ADDRESS,
		      "the faulting address");
	}
	tc_ok(&t, pith_process_destroy(&p), "destroy the faulted child");
	tc_end(&t);
	slot_free(fep);
}

/* ---- spawn errors ------------------------------------------------------- */

static void read_headers(const uint8_t *elf, struct elf64_ehdr *eh,
			 struct elf64_phdr *ph, unsigned i)
{
	memcpy(eh, elf, sizeof(*eh));
	memcpy(ph, elf + eh->e_phoff + i * sizeof(*ph), sizeof(*ph));
}

static void write_headers(uint8_t *elf, const struct elf64_ehdr *eh,
			  const struct elf64_phdr *ph, unsigned i)
{
	memcpy(elf, eh, sizeof(*eh));
	memcpy(elf + eh->e_phoff + i * sizeof(*ph), ph, sizeof(*ph));
}

static void wrong_machine(uint8_t *elf)
{
	struct elf64_ehdr eh;
	struct elf64_phdr ph;

	read_headers(elf, &eh, &ph, 0);
	eh.e_machine = EM_AARCH64;
	write_headers(elf, &eh, &ph, 0);
}

/* The second segment moved onto the first one's first page. */
static void overlapping(uint8_t *elf)
{
	struct elf64_ehdr eh;
	struct elf64_phdr ph0, ph1;

	read_headers(elf, &eh, &ph0, 0);
	read_headers(elf, &eh, &ph1, 1);
	ph1.p_vaddr = ph0.p_vaddr + ph1.p_offset % PAGE_SIZE;
	write_headers(elf, &eh, &ph1, 1);
}

static void writable_code(uint8_t *elf)
{
	struct elf64_ehdr eh;
	struct elf64_phdr ph;

	read_headers(elf, &eh, &ph, 0);
	ph.p_flags |= PF_W;
	write_headers(elf, &eh, &ph, 0);
}

/* Spawn a copy of the child's image, `size` bytes of it, changed by
 * `mutate`: refused with `want` (at program header `phdr`), nothing
 * left behind. */
static void spawn_bad_image(const char *name, size_t size,
			    void (*mutate)(uint8_t *elf), enum elf_error want,
			    int phdr)
{
	uint64_t avail = pith_slots_available(), va = 0;
	struct pith_spawn_args a = child_args(CHILD_HELLO, 0);
	struct pith_process p = {0};
	struct tcase t;

	tc_begin(&t, name);
	if (tc_ok(&t,
		  pith_vm_map_new((image.size + PAGE_SIZE - 1) / PAGE_SIZE,
				  RIGHTS_RW, &va),
		  "memory for a copy of the image")) {
		memcpy((void *)(uintptr_t)va, image.data, image.size);
		if (mutate)
			mutate((uint8_t *)(uintptr_t)va);
		a.image = (const void *)(uintptr_t)va;
		a.image_size = size;
		tc_err(&t, pith_process_spawn(&a, &p), PITH_E_INVALID_ARGUMENT,
		       "spawn");
		tc_eq(&t, p.elf_error, want, "the ELF error");
		tc_eq(&t, (uint64_t)(int64_t)p.bad_phdr,
		      (uint64_t)(int64_t)phdr, "the program header at fault");
		tc_ok(&t, pith_vm_unmap(va), "unmap the copy");
	}
	tc_eq(&t, pith_slots_available(), avail, "free slots after it");
	tc_end(&t);
}

static void test_spawn_bad_images(void)
{
	struct elf64_ehdr eh;
	struct elf64_phdr ph;

	read_headers(image.data, &eh, &ph, 0);
	spawn_bad_image("sdk_spawn_elf_shorter_than_its_header", 40, NULL,
			ELF_E_TRUNCATED, -1);
	spawn_bad_image("sdk_spawn_elf_cut_in_a_segment",
			ph.p_offset + ph.p_filesz / 2, NULL, ELF_E_SEG_FILE, 0);
	spawn_bad_image("sdk_spawn_elf_wrong_machine", image.size,
			wrong_machine, ELF_E_MACHINE, -1);
	spawn_bad_image("sdk_spawn_elf_overlapping_segments", image.size,
			overlapping, ELF_E_SEG_OVERLAP, 1);
	spawn_bad_image("sdk_spawn_elf_writable_code", image.size,
			writable_code, ELF_E_SEG_WX, 0);
}

/* 64 KiB is not enough: the spawn fails half-way and leaves nothing. */
static void test_spawn_no_memory(pith_cptr_t ep)
{
	pith_cptr_t ut = obj_new(PITH_OBJ_UNTYPED, 16);
	struct pith_spawn_args a = child_args(CHILD_HELLO, ep);
	struct pith_process p = {0};
	uint64_t avail;
	struct tcase t;

	a.cnode_bits = 8;
	tc_begin(&t, "sdk_spawn_out_of_memory");
	if (tc_true(&t, use_only(ut), "set up a 64 KiB untyped")) {
		avail = pith_slots_available();
		tc_err(&t, pith_process_spawn(&a, &p), PITH_E_NOT_ENOUGH_MEMORY,
		       "spawn");
		tc_eq(&t, p.tcb | p.cnode | p.vspace, 0, "what it reports");
		tc_eq(&t, pith_slots_available(), avail, "free slots after it");
		tc_eq(&t, untyped_watermark(ut), 0, "memory still in use");
	}
	use_saved();
	tc_end(&t);
	slot_free(ut);
}

/* From a block of its own, twice: each destroy gives back all of it,
 * what the child made from its own memory (the paging structures of its
 * SDK region, which it leaves) included. */
static void test_spawn_no_leak(pith_cptr_t ep)
{
	pith_cptr_t n = obj_new(PITH_OBJ_NOTIFICATION, 0);
	pith_cptr_t ut = obj_new(PITH_OBJ_UNTYPED, 20);
	const struct pith_spawn_cap pass = {n, PITH_RIGHT_WRITE, SIGNAL_BADGE};
	uint64_t avail;
	struct tcase t;

	tc_begin(&t, "sdk_spawn_destroy_spawn_again_no_leak");
	if (tc_true(&t, n && use_only(ut), "set up a 1 MiB untyped")) {
		avail = pith_slots_available();
		spawn_and_exit(&t, sdk_child_args(ep, &pass), ep, CHILD_OK);
		tc_eq(&t, pith_slots_available(), avail,
		      "free slots after the first destroy");
		tc_eq(&t, untyped_watermark(ut), 0,
		      "memory in use after the first destroy");
		spawn_and_exit(&t, child_args(CHILD_HELLO, ep), ep,
			       HELLO_A + HELLO_B + HELLO_C);
		tc_eq(&t, pith_slots_available(), avail,
		      "free slots after the second destroy");
		tc_eq(&t, untyped_watermark(ut), 0,
		      "memory in use after the second destroy");
	}
	use_saved();
	tc_end(&t);
	slot_free(ut);
	slot_free(n);
}

/* A spawn that must fail; should it not, the program goes again. */
static void refused(struct tcase *t, const struct pith_spawn_args *a,
		    enum pith_error want, const char *step)
{
	struct pith_process p = {0};

	if (!tc_err(t, pith_process_spawn(a, &p), want, step))
		pith_process_destroy(&p);
}

/* Arguments refused before anything is made, and after. */
static void test_spawn_bad_args(void)
{
	static const char long_name[] = "a-name-of-sixty-four-characters-"
					"one-more-than-a-startinfo-holds!";
	const struct pith_spawn_cap untyped = {untyped_pool(), 0, 0};
	uint64_t avail = pith_slots_available();
	struct pith_spawn_args a = child_args(CHILD_HELLO, 0);
	struct tcase t;

	_Static_assert(sizeof(long_name) == PITH_STARTINFO_NAME_MAX + 1,
		       "the name's length");
	tc_begin(&t, "sdk_spawn_bad_arguments");
	a.cnode_bits = 3;
	refused(&t, &a, PITH_E_RANGE, "a tiny CNode");
	a.cnode_bits = PITH_PROCESS_CNODE_BITS_MIN;
	a.stack_pages = 1ULL << PITH_PROCESS_CNODE_BITS_MIN;
	refused(&t, &a, PITH_E_RANGE, "more pages than CNode slots");
	a = child_args(CHILD_HELLO, 0);
	a.name = long_name;
	refused(&t, &a, PITH_E_RANGE, "a long name");
	a = child_args(CHILD_HELLO, 0);
	a.image = NULL;
	refused(&t, &a, PITH_E_INVALID_ARGUMENT, "no image");
	a = child_args(CHILD_HELLO, 0);
	a.priority = 256;
	refused(&t, &a, PITH_E_RANGE, "priority 256");
	a = child_args(CHILD_HELLO, 0);
	a.caps = &untyped;
	a.ncaps = 1;
	refused(&t, &a, PITH_E_ILLEGAL_OPERATION,
		"an untyped capability to copy");
	tc_eq(&t, pith_slots_available(), avail, "free slots after them");
	tc_end(&t);
}

/* Once done with it: the initrd's frames are unmapped again. */
static void test_initrd_unmap(void)
{
	struct tcase t;

	tc_begin(&t, "sdk_initrd_unmap");
	tc_ok(&t, pith_initrd_unmap(), "unmap");
	tc_err(&t, pith_frame_unmap(pith_bootinfo->initrd_frames.start),
	       PITH_E_NOT_MAPPED, "the first frame's mapping");
	tc_err(&t, pith_initrd_unmap(), PITH_E_NOT_MAPPED, "unmap again");
	tc_end(&t);
	image = (struct cpio_entry){0};
}

/* ---- the suite ---------------------------------------------------------- */

static void test_spawn(void)
{
	pith_cptr_t ep = obj_new(PITH_OBJ_ENDPOINT, 0);

	if (!ep) {
		expect_true("sdk_spawn_setup", false, "no exit endpoint");
		return;
	}
	test_spawn_hello(ep);
	test_spawn_sdk(ep);
	test_spawn_fault();
	test_spawn_bad_images();
	test_spawn_no_memory(ep);
	test_spawn_no_leak(ep);
	test_spawn_bad_args();
	slot_free(ep);
}

void test_sdk(void)
{
	enum cpio_error why = CPIO_OK;
	enum pith_error err = pith_initrd_find(CHILD_NAME, &image, &why);

	/* Finding the child maps the initrd: the paging structures of the
	 * SDK's region are there before any case counts slots. */
	if (err != PITH_OK || !thread_create(&helper, 255)) {
		pith_printf("ktest: initrd: %s (%s)\n", pith_error_name(err),
			    cpio_strerror(why));
		expect_true("sdk_setup", false,
			    "child not in the initrd, or no helper thread");
		return;
	}
	test_slots();
	test_objects();
	test_vm_map_new();
	test_vm_map_frame();
	test_vm_stack();
	test_threads();
	test_initrd();
	test_spawn();
	test_initrd_unmap();
	thread_destroy(&helper);
}
