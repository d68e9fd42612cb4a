/*
 * The SDK's layer for threads and processes (sdk/lib): the slot and
 * object allocators run dry and recover, the SDK's region of ktest's
 * address space maps and unmaps, threads run and go, the initrd is
 * searched, and the `child` program is spawned from it into an address
 * space of its own, where it uses the SDK itself and reports on its exit
 * endpoint (or faults to its fault endpoint). Spawning a malformed image
 * or without memory fails cleanly, and destroying a program gives back
 * every slot and byte it took. The child is a PIE: it reports the
 * arguments, named capabilities and placement it got, at fixed and at
 * random places, and its relocations must be right; bad names, arguments
 * and relocations are refused.
 *
 * These cases run early, while ktest's allocator still draws on its one
 * pool; the memory they make scarce is their own, carved from the pool.
 */
#include "../child/child.h"
#include "../tasks/tasks.h"
#include "ktest.h"
#include "lib/format.h"
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
		.debug = {PITH_SLOT_DEBUG, 0, 0, NULL},
		.exit_ep = {exit_ep, PITH_RIGHT_WRITE, EXIT_BADGE, NULL},
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
	const struct pith_spawn_cap pass = {n, PITH_RIGHT_WRITE, SIGNAL_BADGE,
					    NULL};
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

	a.fault_ep = (struct pith_spawn_cap){fep, 0, 0, NULL};
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
	const struct pith_spawn_cap pass = {n, PITH_RIGHT_WRITE, SIGNAL_BADGE,
					    NULL};
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

/* The CNode and the untyped memory made from blocks the parent names
 * (pith_spawn_args.cnode_from, untyped_from): each fills its block, and
 * each block is free again after the destroy. A block too small for its
 * object fails the spawn, which leaves nothing. */
static void test_spawn_from_blocks(pith_cptr_t ep)
{
	pith_cptr_t n = obj_new(PITH_OBJ_NOTIFICATION, 0);
	pith_cptr_t cnode = obj_new(PITH_OBJ_UNTYPED, 8 + 6);
	pith_cptr_t mem = obj_new(PITH_OBJ_UNTYPED, CHILD_UT_BITS);
	pith_cptr_t small = obj_new(PITH_OBJ_UNTYPED, CHILD_UT_BITS - 1);
	const struct pith_spawn_cap pass = {n, PITH_RIGHT_WRITE, SIGNAL_BADGE,
					    NULL};
	struct pith_spawn_args a = sdk_child_args(ep, &pass);
	struct pith_process p = {0};
	struct tcase t;

	a.cnode_bits = 8;
	a.cnode_from = cnode;
	a.untyped_from = &mem;
	tc_begin(&t, "sdk_spawn_cnode_and_memory_from_blocks");
	if (tc_true(&t, n && cnode && mem && small, "set up the blocks") &&
	    tc_ok(&t, pith_process_spawn(&a, &p), "spawn")) {
		tc_eq(&t, untyped_watermark(cnode), 1ULL << (8 + 6),
		      "the CNode's block, full");
		tc_eq(&t, untyped_watermark(mem), 1ULL << CHILD_UT_BITS,
		      "the memory's block, full");
		check_exit(&t, ep, CHILD_OK);
	}
	tc_ok(&t, pith_process_destroy(&p), "destroy");
	tc_eq(&t, untyped_watermark(cnode), 0, "the CNode's block after it");
	tc_eq(&t, untyped_watermark(mem), 0, "the memory's block after it");
	a.untyped_from = &small;
	tc_err(&t, pith_process_spawn(&a, &p), PITH_E_NOT_ENOUGH_MEMORY,
	       "spawn with a block too small for the memory");
	tc_eq(&t, p.tcb | p.cnode | p.vspace, 0, "what it reports");
	tc_eq(&t, untyped_watermark(cnode), 0, "the CNode's block after it");
	tc_eq(&t, untyped_watermark(small), 0, "the small block after it");
	tc_end(&t);
	slot_free(small);
	slot_free(mem);
	slot_free(cnode);
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
	const struct pith_spawn_cap untyped = {untyped_pool(), 0, 0, NULL};
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

/* ---- start-up: arguments, named capabilities, placement ---------------- */

#define REPORT_BADGE 0x31
#define NOTE_BADGE   0x40
#define ROLE_NONE    0 /* no role of the tasks program: it exits at once */
#define FB_PADDR     0xfd000000ULL
#define FB_WIDTH     1024
#define INITRD_SIZE  123456
#define TSC_KHZ	     2000000

static struct elf_image child_img; /* the child's, as spawn parses it */
static int dyn_phdr = -1;	   /* its PT_DYNAMIC */
static uint64_t dyn_offset;

static const struct elf_limits spawn_limits = {
	.type = ET_EXEC,
	.vaddr_min = PITH_PROCESS_IMAGE_MIN,
	.vaddr_max = PITH_PROCESS_IMAGE_MAX,
	.allow_pie = true,
};

/* A child's three reports (child.h), whole. */
struct reports {
	uint64_t args[PITH_MSG_MAX_WORDS];
	uint64_t caps[PITH_MSG_MAX_WORDS];
	uint64_t place[PITH_MSG_MAX_WORDS];
};

/* One report on `rep`: its label and badge, and its words, those past
 * the registers from the IPC buffer. If none comes, the child's exit
 * status on `ep` (if it exited) says why. */
static bool get_report(struct tcase *t, pith_cptr_t rep, pith_cptr_t ep,
		       uint64_t label, uint64_t *w)
{
	struct pith_msg m;
	unsigned n;

	if (!wait_msg(rep, &m)) {
		m = (struct pith_msg){0};
		if (ep && pith_nb_recv(ep, &m) == PITH_OK)
			tc_fail(t, "no report: the child exited with %lld",
				(long long)m.mr[PITH_EXIT_STATUS]);
		else
			tc_fail(t, "no report");
		return false;
	}
	n = PITH_MSGINFO_WORDS(m.info);
	for (unsigned i = 0; i < n && i < PITH_MSG_MAX_WORDS; i++)
		w[i] = i < PITH_MSG_REGISTER_WORDS ? m.mr[i]
						   : pith_ipc_buffer()->mr[i];
	return tc_eq(t, PITH_MSGINFO_LABEL(m.info), label,
		     "a report's label") &&
	       tc_eq(t, m.badge, REPORT_BADGE, "a report's badge");
}

/* The child in CHILD_REPORT mode, its reports to `rep` (named
 * CHILD_REPORT_CAP), its exit to `ep`. */
static struct pith_spawn_args
report_args(pith_cptr_t ep, const struct pith_spawn_cap *caps, unsigned ncaps)
{
	struct pith_spawn_args a = child_args(CHILD_REPORT, ep);

	a.caps = caps;
	a.ncaps = ncaps;
	return a;
}

/* Spawn it, take its three reports and its exit status; *p is left to
 * the caller to check and destroy. */
static bool run_reporter(struct tcase *t, const struct pith_spawn_args *a,
			 pith_cptr_t rep, pith_cptr_t ep,
			 struct pith_process *p, struct reports *r)
{
	memset(r, 0, sizeof(*r));
	if (!tc_ok(t, pith_process_spawn(a, p), "spawn") ||
	    !get_report(t, rep, ep, CHILD_REPORT_ARGS, r->args) ||
	    !get_report(t, rep, ep, CHILD_REPORT_CAPS, r->caps) ||
	    !get_report(t, rep, ep, CHILD_REPORT_PLACE, r->place))
		return false;
	check_exit(t, ep, CHILD_OK);
	return !t->failed;
}

/* The flags of the child's segment holding link-time address va (0:
 * none). */
static uint32_t child_flags_at(uint64_t va)
{
	for (unsigned i = 0; i < child_img.nsegs; i++) {
		const struct elf_segment *s = &child_img.seg[i];

		if (va >= s->vaddr && va - s->vaddr < s->memsz)
			return s->flags;
	}
	return 0;
}

/* What the child says of its placement, against what spawn says. */
static void check_place(struct tcase *t, const uint64_t *w,
			const struct pith_process *p, const uint64_t *random)
{
	uint64_t top = w[CHILD_PLACE_STACK_TOP], bias = p->load_bias;

	tc_eq(t, w[CHILD_PLACE_BIAS], bias, "the load bias it sees");
	tc_eq(t, w[CHILD_PLACE_STARTINFO], p->startinfo, "its startinfo");
	tc_eq(t, w[CHILD_PLACE_IPC], p->ipc_buffer, "its IPC buffer");
	tc_eq(t, top, p->stack_top, "its stack top");
	tc_eq(t, w[CHILD_PLACE_STACK_SIZE],
	      PITH_PROCESS_STACK_PAGES * PAGE_SIZE, "its stack size");
	tc_true(t,
		w[CHILD_PLACE_LOCAL] < top &&
			w[CHILD_PLACE_LOCAL] >= top - w[CHILD_PLACE_STACK_SIZE],
		"a local variable is not on its stack");
	tc_eq(t, child_flags_at(w[CHILD_PLACE_MAIN] - bias), PF_R | PF_X,
	      "the segment of main");
	tc_eq(t, child_flags_at(w[CHILD_PLACE_RELRO] - bias), PF_R,
	      "the segment of its relocated table");
	tc_eq(t, p->entry, child_img.entry + bias, "its entry");
	for (unsigned i = 0; i < 4; i++)
		tc_eq(t, w[CHILD_PLACE_RANDOM + i], random[i],
		      "a word of its random bytes");
}

/* [lo, hi) inside [min, max), page-aligned? */
static bool inside(uint64_t lo, uint64_t hi, uint64_t min, uint64_t max)
{
	return lo % PAGE_SIZE == 0 && lo >= min && lo < hi && hi <= max;
}

static void check_random_place(struct tcase *t, const struct pith_process *p)
{
	uint64_t stack = (PITH_PROCESS_STACK_PAGES + 1) * PAGE_SIZE;

	tc_true(t,
		inside(p->load_bias + child_img.vaddr_lo,
		       p->load_bias + child_img.vaddr_hi,
		       PITH_PROCESS_IMAGE_MIN, PITH_PROCESS_IMAGE_MAX),
		"the image is out of its range");
	tc_true(t,
		inside(p->stack_top - stack, p->stack_top,
		       PITH_PROCESS_STACK_WINDOW_MIN,
		       PITH_PROCESS_IPC_WINDOW_MIN),
		"the stack and its guard page are out of their window");
	tc_true(t,
		inside(p->ipc_buffer, p->ipc_buffer + PAGE_SIZE,
		       PITH_PROCESS_IPC_WINDOW_MIN,
		       PITH_PROCESS_STARTINFO_WINDOW_MIN),
		"the IPC buffer is out of its window");
	tc_true(t,
		inside(p->startinfo, p->startinfo + PAGE_SIZE,
		       PITH_PROCESS_STARTINFO_WINDOW_MIN,
		       PITH_PROCESS_ADDR_LIMIT),
		"the startinfo page is out of its window");
}

static void fill_random(uint64_t *r)
{
	for (unsigned i = 0; i < 4; i++)
		r[i] = pith_random();
}

/* The child's argv and named ranges, as it reports them. */
static void test_spawn_argv_named(pith_cptr_t ep, pith_cptr_t rep)
{
	static const char *const argv[] = {NULL, "one", "two words", ""};
	static const char strings[] = "child\0one\0two words\0";
	pith_cptr_t n[3] = {obj_new(PITH_OBJ_NOTIFICATION, 0),
			    obj_new(PITH_OBJ_NOTIFICATION, 0),
			    obj_new(PITH_OBJ_NOTIFICATION, 0)};
	const struct pith_spawn_cap caps[] = {
		{rep, PITH_RIGHT_WRITE, REPORT_BADGE, CHILD_REPORT_CAP},
		{n[0], PITH_RIGHT_WRITE, NOTE_BADGE, "notes"},
		{n[1], PITH_RIGHT_WRITE, NOTE_BADGE + 1, "notes"},
		{n[2], 0, 0, NULL},
		{0, 0, 0, "empty"},
		{n[2], PITH_RIGHT_WRITE, 0, "fifteen-chars-x"},
	};
	const struct {
		const char *name;
		uint64_t first, count, type;
	} want[] = {
		{CHILD_REPORT_CAP, 0, 1, PITH_CAP_ENDPOINT},
		{"notes", 1, 2, PITH_CAP_NOTIFICATION},
		{"empty", 4, 1, PITH_CAP_NULL},
		{"fifteen-chars-x", 5, 1, PITH_CAP_NOTIFICATION},
	};
	struct pith_spawn_args a = report_args(ep, caps, 6);
	struct pith_process p = {0};
	struct reports r;
	struct tcase t;

	a.argv = argv;
	a.argc = 4;
	tc_begin(&t, "sdk_spawn_child_argv_and_named_caps");
	if (tc_true(&t, n[0] && n[1] && n[2], "three notifications") &&
	    run_reporter(&t, &a, rep, ep, &p, &r)) {
		tc_eq(&t, r.args[0], 4, "its argc");
		tc_true(&t, !memcmp(&r.args[1], strings, sizeof(strings)),
			"its argv strings");
		tc_eq(&t, r.caps[0], 4, "its named ranges");
		for (unsigned i = 0; i < 4; i++) {
			const uint64_t *e = &r.caps[1 + i * CHILD_CAP_WORDS];

			tc_true(&t,
				!strncmp((const char *)e, want[i].name,
					 PITH_STARTINFO_CAP_NAME_MAX),
				"a range's name");
			tc_eq(&t, e[2],
			      (p.caps.start + want[i].first) | want[i].count
								       << 32,
			      "a range's first slot and count");
			tc_eq(&t, e[3], want[i].type, "a range's capability");
		}
	}
	tc_ok(&t, pith_process_destroy(&p), "destroy");
	tc_end(&t);
	for (unsigned i = 0; i < 3; i++)
		slot_free(n[i]);
}

/* No argv: argv[0] is the name, and nothing else. */
static void test_spawn_argv_default(pith_cptr_t ep, pith_cptr_t rep)
{
	const struct pith_spawn_cap caps[] = {
		{rep, PITH_RIGHT_WRITE, REPORT_BADGE, CHILD_REPORT_CAP}};
	struct pith_spawn_args a = report_args(ep, caps, 1);
	struct pith_process p = {0};
	struct reports r;
	struct tcase t;

	tc_begin(&t, "sdk_spawn_child_argv_defaults_to_name");
	if (run_reporter(&t, &a, rep, ep, &p, &r)) {
		tc_eq(&t, r.args[0], 1, "its argc");
		tc_true(&t, !memcmp(&r.args[1], CHILD_NAME, sizeof(CHILD_NAME)),
			"its argv[0]");
		tc_eq(&t, r.caps[0], 1, "its named ranges");
	}
	tc_ok(&t, pith_process_destroy(&p), "destroy");
	tc_end(&t);
}

/* random all zero: the documented addresses, and nothing given. */
static void test_spawn_fixed_place(pith_cptr_t ep, pith_cptr_t rep)
{
	static const uint64_t zero[4];
	const struct pith_spawn_cap caps[] = {
		{rep, PITH_RIGHT_WRITE, REPORT_BADGE, CHILD_REPORT_CAP}};
	struct pith_spawn_args a = report_args(ep, caps, 1);
	struct pith_process p = {0};
	struct reports r;
	struct tcase t;

	tc_begin(&t, "sdk_spawn_pie_fixed_placement");
	if (run_reporter(&t, &a, rep, ep, &p, &r)) {
		tc_eq(&t, p.load_bias + child_img.vaddr_lo,
		      PITH_PROCESS_PIE_BASE, "its first page");
		tc_eq(&t, p.stack_top, PITH_PROCESS_STACK_TOP, "its stack");
		tc_eq(&t, p.ipc_buffer, PITH_PROCESS_IPC_BUFFER,
		      "its IPC buffer");
		tc_eq(&t, p.startinfo, PITH_PROCESS_STARTINFO,
		      "its startinfo page");
		check_place(&t, r.place, &p, zero);
		tc_eq(&t,
		      r.place[CHILD_PLACE_FB_PADDR] |
			      r.place[CHILD_PLACE_INITRD] |
			      r.place[CHILD_PLACE_TSC],
		      0, "framebuffer, initrd size, TSC not given");
	}
	tc_ok(&t, pith_process_destroy(&p), "destroy");
	tc_end(&t);
}

/* Two spawns with random bytes: everything somewhere else, relocated
 * right (the child checks), at the same offsets in the image. */
static void test_spawn_random_place(pith_cptr_t ep, pith_cptr_t rep)
{
	const struct pith_bootinfo_framebuffer fb = {.paddr = FB_PADDR,
						     .width = FB_WIDTH};
	const struct pith_spawn_cap caps[] = {
		{rep, PITH_RIGHT_WRITE, REPORT_BADGE, CHILD_REPORT_CAP}};
	struct pith_spawn_args a = report_args(ep, caps, 1);
	struct pith_process p = {0}, seen[2] = {0};
	uint64_t main_va[2] = {0};
	struct reports r;
	struct tcase t;

	a.framebuffer = &fb;
	a.initrd_size = INITRD_SIZE;
	a.tsc_khz = TSC_KHZ;
	tc_begin(&t, "sdk_spawn_pie_random_placement");
	for (unsigned i = 0; i < 2 && !t.failed; i++) {
		fill_random(a.random);
		if (run_reporter(&t, &a, rep, ep, &p, &r)) {
			check_place(&t, r.place, &p, a.random);
			check_random_place(&t, &p);
			tc_eq(&t, r.place[CHILD_PLACE_FB_PADDR], FB_PADDR,
			      "the framebuffer's address");
			tc_eq(&t, r.place[CHILD_PLACE_FB_WIDTH], FB_WIDTH,
			      "the framebuffer's width");
			tc_eq(&t, r.place[CHILD_PLACE_INITRD], INITRD_SIZE,
			      "the initrd's size");
			tc_eq(&t, r.place[CHILD_PLACE_TSC], TSC_KHZ,
			      "the TSC's frequency");
			main_va[i] = r.place[CHILD_PLACE_MAIN];
			seen[i] = p;
		}
		tc_ok(&t, pith_process_destroy(&p), "destroy");
	}
	tc_true(&t, seen[0].load_bias != seen[1].load_bias,
		"two spawns at one base");
	tc_true(&t, seen[0].stack_top != seen[1].stack_top,
		"two stacks at one place");
	tc_true(&t, seen[0].ipc_buffer != seen[1].ipc_buffer,
		"two IPC buffers at one place");
	tc_true(&t, seen[0].startinfo != seen[1].startinfo,
		"two startinfo pages at one place");
	tc_eq(&t, main_va[0] - seen[0].load_bias,
	      main_va[1] - seen[1].load_bias, "main's link-time address");
	tc_end(&t);
}

/* A position-dependent program with random bytes: the image where it
 * was linked, the rest at random. */
static void test_spawn_exec_random_place(pith_cptr_t ep)
{
	struct cpio_entry tasks;
	struct elf_image img;
	enum cpio_error why;
	struct pith_spawn_args a = child_args(ROLE_NONE, ep);
	struct pith_process p = {0};
	struct tcase t;

	tc_begin(&t, "sdk_spawn_exec_random_placement");
	if (tc_ok(&t, pith_initrd_find(TASKS_NAME, &tasks, &why),
		  "find tasks") &&
	    tc_eq(&t, elf_parse(tasks.data, tasks.size, &spawn_limits, &img),
		  ELF_OK, "parse tasks")) {
		a.name = TASKS_NAME;
		a.image = tasks.data;
		a.image_size = tasks.size;
		fill_random(a.random);
		if (tc_ok(&t, pith_process_spawn(&a, &p), "spawn"))
			check_exit(&t, ep, TASKS_BAD_ROLE);
		tc_true(&t, !img.pie, "tasks is a PIE");
		tc_eq(&t, p.load_bias, 0, "its load bias");
		tc_eq(&t, p.entry, img.entry, "its entry");
		tc_true(&t,
			p.stack_top > PITH_PROCESS_STACK_WINDOW_MIN &&
				p.stack_top <= PITH_PROCESS_IPC_WINDOW_MIN,
			"its stack is out of its window");
	}
	tc_ok(&t, pith_process_destroy(&p), "destroy");
	tc_end(&t);
}

/* Its relocated pointers stay read-only to it: writing them faults. */
static void test_spawn_relro(pith_cptr_t rep)
{
	pith_cptr_t fep = obj_new(PITH_OBJ_ENDPOINT, 0);
	const struct pith_spawn_cap caps[] = {
		{rep, PITH_RIGHT_WRITE, REPORT_BADGE, CHILD_REPORT_CAP}};
	struct pith_spawn_args a = child_args(CHILD_WRITE_RELRO, 0);
	struct pith_process p = {0};
	uint64_t w[PITH_MSG_MAX_WORDS] = {0};
	struct pith_msg m;
	struct tcase t;

	a.caps = caps;
	a.ncaps = 1;
	a.fault_ep = (struct pith_spawn_cap){fep, 0, 0, NULL};
	fill_random(a.random);
	tc_begin(&t, "sdk_spawn_pie_relocated_data_read_only");
	if (tc_true(&t, fep, "an endpoint") &&
	    tc_ok(&t, pith_process_spawn(&a, &p), "spawn") &&
	    get_report(&t, rep, 0, CHILD_REPORT_PLACE, w) &&
	    tc_true(&t, wait_msg(fep, &m), "no fault message")) {
		tc_eq(&t, PITH_MSGINFO_LABEL(m.info), PITH_FAULT_PAGE,
		      "its label");
		tc_eq(&t, m.mr[PITH_FAULT_ADDRESS], w[CHILD_PLACE_RELRO],
		      "the faulting address: its relocated table");
		tc_eq(&t, child_flags_at(w[CHILD_PLACE_RELRO] - p.load_bias),
		      PF_R, "the segment of the table");
	}
	tc_ok(&t, pith_process_destroy(&p), "destroy");
	tc_end(&t);
	slot_free(fep);
}

/* A spawn that must succeed; the program goes at once. */
static void accepted(struct tcase *t, const struct pith_spawn_args *a,
		     const char *step)
{
	struct pith_process p = {0};

	tc_ok(t, pith_process_spawn(a, &p), step);
	pith_process_destroy(&p);
}

static void test_spawn_name_errors(void)
{
	static char names[PITH_STARTINFO_CAPS_MAX + 1][4];
	static struct pith_spawn_cap many[PITH_STARTINFO_CAPS_MAX + 1];
	const struct pith_spawn_cap bad[][3] = {
		{{0, 0, 0, "sixteen-chars-xx"}},
		{{0, 0, 0, ""}},
		{{0, 0, 0, "a"}, {0, 0, 0, "b"}, {0, 0, 0, "a"}},
	};
	uint64_t avail = pith_slots_available();
	struct pith_spawn_args a = child_args(CHILD_HELLO, 0);
	struct tcase t;

	for (unsigned i = 0; i <= PITH_STARTINFO_CAPS_MAX; i++) {
		fmt_snprintf(names[i], sizeof(names[i]), "c%u", i);
		many[i] = (struct pith_spawn_cap){0, 0, 0, names[i]};
	}
	tc_begin(&t, "sdk_spawn_named_cap_errors");
	a.caps = many;
	a.ncaps = PITH_STARTINFO_CAPS_MAX + 1;
	refused(&t, &a, PITH_E_RANGE, "one named range too many");
	a.ncaps = PITH_STARTINFO_CAPS_MAX;
	accepted(&t, &a, "as many named ranges as fit");
	a.caps = bad[0];
	a.ncaps = 1;
	refused(&t, &a, PITH_E_RANGE, "a name of 16 characters");
	a.caps = bad[1];
	refused(&t, &a, PITH_E_RANGE, "an empty name");
	a.caps = bad[2];
	a.ncaps = 3;
	refused(&t, &a, PITH_E_INVALID_ARGUMENT, "two ranges of one name");
	a.ncaps = 2;
	accepted(&t, &a, "two names");
	tc_eq(&t, pith_slots_available(), avail, "free slots after them");
	tc_end(&t);
}

static void test_spawn_argv_errors(void)
{
	static const char *many[PITH_STARTINFO_ARGC_MAX + 1];
	static char big[PITH_STARTINFO_ARGV_SIZE];
	/* argv[0] "child" takes 6 bytes: this fills the rest. */
	const char *fits[] = {NULL, big};
	const char *holes[] = {NULL, "x", NULL};
	uint64_t avail = pith_slots_available();
	struct pith_spawn_args a = child_args(CHILD_HELLO, 0);
	struct tcase t;

	for (unsigned i = 0; i <= PITH_STARTINFO_ARGC_MAX; i++)
		many[i] = "x";
	memset(big, 'a', sizeof(big) - sizeof(CHILD_NAME) - 1);
	tc_begin(&t, "sdk_spawn_argv_errors");
	a.argv = many;
	a.argc = PITH_STARTINFO_ARGC_MAX + 1;
	refused(&t, &a, PITH_E_RANGE, "one argument too many");
	a.argc = PITH_STARTINFO_ARGC_MAX;
	accepted(&t, &a, "as many arguments as fit");
	a.argv = fits;
	a.argc = 2;
	accepted(&t, &a, "as many bytes as fit");
	big[sizeof(big) - sizeof(CHILD_NAME) - 1] = 'a';
	refused(&t, &a, PITH_E_RANGE, "one byte too many");
	a.argv = holes;
	a.argc = 3;
	refused(&t, &a, PITH_E_INVALID_ARGUMENT, "a NULL argument");
	a.argv = NULL;
	a.argc = 2;
	refused(&t, &a, PITH_E_INVALID_ARGUMENT, "two arguments, no argv");
	tc_eq(&t, pith_slots_available(), avail, "free slots after them");
	tc_end(&t);
}

/* ---- a PIE's relocations refused --------------------------------------- */

static void set_rela(uint8_t *elf, uint64_t r_offset, uint64_t r_info)
{
	struct elf64_rela r;

	memcpy(&r, elf + child_img.rela_offset, sizeof(r));
	if (r_offset != ANY)
		r.r_offset = r_offset;
	if (r_info != ANY)
		r.r_info = r_info;
	memcpy(elf + child_img.rela_offset, &r, sizeof(r));
}

static void reloc_type(uint8_t *elf)
{
	set_rela(elf, ANY, 1); /* R_X86_64_64, symbol 0 */
}

static void reloc_outside(uint8_t *elf)
{
	set_rela(elf, child_img.vaddr_hi + PAGE_SIZE, ANY);
}

static void reloc_text(uint8_t *elf)
{
	set_rela(elf, child_img.entry, ANY);
}

/* The dynamic entry with `tag` (the first one if tag is ANY) changed to
 * new_tag and new_val (ANY: unchanged). */
static void set_dyn(uint8_t *elf, uint64_t tag, uint64_t new_tag,
		    uint64_t new_val)
{
	struct elf64_dyn d;

	for (uint64_t off = dyn_offset;; off += sizeof(d)) {
		memcpy(&d, elf + off, sizeof(d));
		if (d.d_tag == DT_NULL)
			return;
		if (tag != ANY && (uint64_t)d.d_tag != tag)
			continue;
		if (new_tag != ANY)
			d.d_tag = (int64_t)new_tag;
		if (new_val != ANY)
			d.d_val = new_val;
		memcpy(elf + off, &d, sizeof(d));
		return;
	}
}

static void dyn_needed(uint8_t *elf)
{
	set_dyn(elf, ANY, DT_NEEDED, ANY);
}

static void dyn_bad_relaent(uint8_t *elf)
{
	set_dyn(elf, DT_RELAENT, ANY, 16);
}

static void dyn_textrel(uint8_t *elf)
{
	set_dyn(elf, ANY, DT_TEXTREL, 0);
}

/* The child as spawn sees it: a PIE with relocations and a dynamic
 * section. */
static bool child_is_pie(void)
{
	struct elf64_ehdr eh;
	struct elf64_phdr ph;
	struct tcase t;

	tc_begin(&t, "sdk_spawn_child_is_a_pie");
	tc_eq(&t, elf_parse(image.data, image.size, &spawn_limits, &child_img),
	      ELF_OK, "parse");
	memcpy(&eh, image.data, sizeof(eh));
	for (unsigned i = 0; i < eh.e_phnum && !t.failed; i++) {
		read_headers(image.data, &eh, &ph, i);
		if (ph.p_type == PT_DYNAMIC) {
			dyn_phdr = (int)i;
			dyn_offset = ph.p_offset;
		}
	}
	tc_true(&t, child_img.pie, "not a PIE");
	tc_true(&t, child_img.nrela > 0, "no relocations");
	tc_true(&t, dyn_phdr >= 0, "no PT_DYNAMIC");
	tc_end(&t);
	return !t.failed;
}

static void test_spawn_bad_relocations(void)
{
	spawn_bad_image("sdk_spawn_pie_relocation_type", image.size, reloc_type,
			ELF_E_RELOC_TYPE, dyn_phdr);
	spawn_bad_image("sdk_spawn_pie_relocation_outside", image.size,
			reloc_outside, ELF_E_RELOC_RANGE, dyn_phdr);
	spawn_bad_image("sdk_spawn_pie_text_relocation", image.size, reloc_text,
			ELF_E_RELOC_TEXT, dyn_phdr);
	spawn_bad_image("sdk_spawn_pie_textrel_flag", image.size, dyn_textrel,
			ELF_E_RELOC_TEXT, dyn_phdr);
	spawn_bad_image("sdk_spawn_pie_needs_a_library", image.size, dyn_needed,
			ELF_E_DYN_UNSUPPORTED, dyn_phdr);
	spawn_bad_image("sdk_spawn_pie_bad_relocation_size", image.size,
			dyn_bad_relaent, ELF_E_DYN_MALFORMED, dyn_phdr);
}

/* Start-up: what the child gets and where, and what is refused. */
static void test_spawn_startup(pith_cptr_t ep)
{
	pith_cptr_t rep = obj_new(PITH_OBJ_ENDPOINT, 0);

	if (!rep) {
		expect_true("sdk_spawn_startup_setup", false,
			    "no report endpoint");
		return;
	}
	test_spawn_argv_named(ep, rep);
	test_spawn_argv_default(ep, rep);
	test_spawn_fixed_place(ep, rep);
	test_spawn_random_place(ep, rep);
	test_spawn_exec_random_place(ep);
	test_spawn_relro(rep);
	test_spawn_name_errors();
	test_spawn_argv_errors();
	test_spawn_bad_relocations();
	slot_free(rep);
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
	if (!child_is_pie()) {
		slot_free(ep);
		return;
	}
	test_spawn_hello(ep);
	test_spawn_sdk(ep);
	test_spawn_fault();
	test_spawn_bad_images();
	test_spawn_no_memory(ep);
	test_spawn_no_leak(ep);
	test_spawn_from_blocks(ep);
	test_spawn_bad_args();
	test_spawn_startup(ep);
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
