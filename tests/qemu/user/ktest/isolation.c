/*
 * Isolation: a second task, in an address space of its own built here
 * from untyped memory, tries to read and write ktest's memory and the
 * kernel's. Each attempt must fault; the kernel reports the fault, stops
 * only that task, and ktest carries on.
 *
 * The task runs ktest_probe (probe.S), copied into a frame mapped at the
 * same address in the new address space, read+execute. It shares one
 * frame with ktest: it writes "started" there, then touches the address
 * it must not reach, then writes "succeeded", which must never appear.
 */
#include "ktest.h"
#include "lib/string.h"

#define PROBE_STARTED	0x53545254
#define PROBE_SUCCEEDED 0x21444f47
#define PROBE_READ	0
#define PROBE_WRITE	1
#define DIRECT_MAP	0xffff800000000000ULL
#define SECRET		0x5ec2e75ec2e75ec2ULL
#define EXTRA_YIELDS	10

extern const char ktest_probe[], ktest_probe_load[], ktest_probe_store[];

static volatile uint64_t secret = SECRET; /* in ktest's .data */

struct task {
	pith_cptr_t vs, pdpt, pd, pt;
	pith_cptr_t code, shared, shared_copy, stack, ipc;
	pith_cptr_t cnode, tcb;
	uint64_t code_va, shared_va, stack_va, ipc_va; /* in the task */
	volatile uint64_t *shared_local;	       /* in ktest */
};

static bool map_into(pith_cptr_t f, pith_cptr_t vs, uint64_t va,
		     uint64_t rights)
{
	return pith_frame_map(f, vs, va, rights, 0) == PITH_OK;
}

/* The address space: its ASID, the tables over the code's 2 MiB, and the
 * code, shared, stack and IPC-buffer pages in them. */
static bool task_space(struct tcase *t, struct task *k)
{
	uint64_t base, local = va_page();

	k->code_va = (uint64_t)(uintptr_t)ktest_probe;
	base = k->code_va & ~(LARGE_PAGE_SIZE - 1);
	k->shared_va = base + LARGE_PAGE_SIZE - 3 * PAGE_SIZE;
	k->stack_va = k->shared_va + PAGE_SIZE;
	k->ipc_va = k->stack_va + PAGE_SIZE;
	k->vs = obj_new(PITH_OBJ_VSPACE, 0);
	k->pdpt = obj_new(PITH_OBJ_PDPT, 0);
	k->pd = obj_new(PITH_OBJ_PAGE_DIRECTORY, 0);
	k->pt = obj_new(PITH_OBJ_PAGE_TABLE, 0);
	k->code = obj_new(PITH_OBJ_FRAME_4K, 0);
	k->stack = obj_new(PITH_OBJ_FRAME_4K, 0);
	k->ipc = obj_new(PITH_OBJ_FRAME_4K, 0);
	if (!tc_true(t, k->code_va % PAGE_SIZE == 0,
		     "probe not page aligned") ||
	    !tc_true(t, k->code_va < k->shared_va, "image too large") ||
	    !tc_ok(t, pith_asid_pool_assign(PITH_SLOT_ASID_POOL, k->vs),
		   "assign an ASID") ||
	    !tc_ok(t, pith_pdpt_map(k->pdpt, k->vs, base), "pdpt.map") ||
	    !tc_ok(t, pith_page_directory_map(k->pd, k->vs, base),
		   "page_directory.map") ||
	    !tc_ok(t, pith_page_table_map(k->pt, k->vs, base),
		   "page_table.map"))
		return false;
	/* The code: written through a mapping in ktest, then moved. */
	if (!tc_true(t,
		     local && map_into(k->code, PITH_SLOT_VSPACE, local,
				       RIGHTS_RW),
		     "map the code frame into ktest"))
		return false;
	memcpy((void *)(uintptr_t)local, ktest_probe, PAGE_SIZE);
	pith_frame_unmap(k->code);
	k->shared = frame_new_mapped(&local, RIGHTS_RW);
	k->shared_local = (volatile uint64_t *)(uintptr_t)local;
	k->shared_copy = cap_copy(k->shared, PITH_RIGHTS_ALL);
	return tc_true(t, map_into(k->code, k->vs, k->code_va, RIGHTS_RX),
		       "map the code read+execute") &&
	       tc_true(t,
		       k->shared && k->shared_copy &&
			       map_into(k->shared_copy, k->vs, k->shared_va,
					RIGHTS_RW),
		       "map the shared frame") &&
	       tc_true(t, map_into(k->stack, k->vs, k->stack_va, RIGHTS_RW),
		       "map the stack") &&
	       tc_true(t, map_into(k->ipc, k->vs, k->ipc_va, RIGHTS_RW),
		       "map the IPC buffer");
}

static bool task_create(struct tcase *t, struct task *k)
{
	*k = (struct task){0};
	if (!task_space(t, k))
		return false;
	k->cnode = obj_new(PITH_OBJ_CNODE, 2);
	k->tcb = obj_new(PITH_OBJ_TCB, 0);
	return tc_true(t, k->cnode && k->tcb, "retype CNode and TCB") &&
	       tc_ok(t,
		     pith_tcb_configure(k->tcb, k->cnode, k->vs, k->ipc, 0, 0,
					k->ipc_va),
		     "tcb.configure") &&
	       tc_ok(t, pith_tcb_set_priority(k->tcb, PITH_SLOT_TCB, 255),
		     "tcb.set_priority");
}

static void task_destroy(struct task *k)
{
	const pith_cptr_t all[] = {k->tcb,    k->cnode, k->code, k->shared_copy,
				   k->shared, k->stack, k->ipc,	 k->pt,
				   k->pd,     k->pdpt,	k->vs};

	for (unsigned i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		slot_free(all[i]);
}

/* Run the probe on `target`; true once it has started. */
static bool task_run(struct tcase *t, struct task *k, uint64_t target,
		     uint64_t mode)
{
	uint64_t regs[REG_COUNT] = {0};

	k->shared_local[0] = k->shared_local[1] = k->shared_local[2] = 0;
	regs[REG_RIP] = k->code_va;
	regs[REG_RSP] = k->stack_va + PAGE_SIZE - 8;
	regs[REG_RFLAGS] = 0x202;
	regs[REG_RDI] = k->shared_va;
	regs[REG_RSI] = target;
	regs[REG_RDX] = mode;
	if (!tc_ok(t, pith_tcb_write_registers(k->tcb, 1, REG_COUNT, regs),
		   "write_registers and resume"))
		return false;
	yield_until(&k->shared_local[0], YIELD_BOUND);
	for (unsigned i = 0; i < EXTRA_YIELDS; i++)
		pith_yield();
	return tc_eq(t, k->shared_local[0], PROBE_STARTED,
		     "the task's \"started\" marker");
}

/* The probe must have stopped at its access and nowhere else. */
static void check_stopped(struct tcase *t, struct task *k, uint64_t mode)
{
	uint64_t regs[REG_COUNT] = {0};
	uint64_t at =
		(uint64_t)(uintptr_t)(mode == PROBE_READ ? ktest_probe_load
							 : ktest_probe_store);

	tc_eq(t, k->shared_local[1], 0,
	      "the task's \"succeeded\" marker (the access went through)");
	if (tc_ok(t, pith_tcb_read_registers(k->tcb, REG_COUNT, regs),
		  "read_registers"))
		tc_eq(t, regs[REG_RIP], at, "rip of the stopped task");
	pith_tcb_suspend(k->tcb); /* should it be running after all */
}

static void probe_case(struct task *k, const char *name, uint64_t target,
		       uint64_t mode)
{
	struct tcase t;

	tc_begin(&t, name);
	if (task_run(&t, k, target, mode))
		check_stopped(&t, k, mode);
	tc_end(&t);
}

/*
 * Revoking a VSpace capability deletes its copies, the one in a running
 * thread's TCB included. The thread must stop (it has no address space
 * left), the VSpace capability itself stays, and the kernel carries on.
 */
static void test_revoke_running_vspace(void)
{
	struct task k = {0};
	struct tcase t;

	tc_begin(&t, "vspace_revoke_under_running_thread");
	if (task_create(&t, &k) &&
	    task_run(&t, &k, k.shared_va + 24, PROBE_READ)) {
		/* The probe now spins in its own address space. */
		tc_ok(&t, pith_cnode_revoke(PITH_SLOT_CNODE, k.vs, DEPTH),
		      "revoke the VSpace");
		for (unsigned i = 0; i < EXTRA_YIELDS; i++)
			pith_yield();
		tc_eq(&t, cap_type(k.vs), PITH_CAP_VSPACE, "the VSpace");
	}
	tc_end(&t);
	task_destroy(&k);
}

void test_isolation(void)
{
	struct task k = {0};
	struct tcase t;
	bool ready;

	/* First what it may do: the probe works, and the rest means
	 * something. */
	tc_begin(&t, "isolation_task_reads_its_own_page");
	ready = task_create(&t, &k) &&
		task_run(&t, &k, k.shared_va + 24, PROBE_READ) &&
		tc_eq(&t, k.shared_local[1], PROBE_SUCCEEDED,
		      "its \"succeeded\" marker");
	pith_tcb_suspend(k.tcb);
	tc_end(&t);
	if (!ready) {
		task_destroy(&k);
		return;
	}

	probe_case(&k, "isolation_read_ktest_memory_faults",
		   (uint64_t)(uintptr_t)&secret, PROBE_READ);
	probe_case(&k, "isolation_write_ktest_memory_faults",
		   (uint64_t)(uintptr_t)&secret, PROBE_WRITE);
	probe_case(&k, "isolation_read_kernel_image_faults", KERNEL_ADDRESS,
		   PROBE_READ);
	probe_case(&k, "isolation_write_kernel_image_faults", KERNEL_ADDRESS,
		   PROBE_WRITE);
	probe_case(&k, "isolation_read_direct_map_faults",
		   DIRECT_MAP + 0x100000, PROBE_READ);

	tc_begin(&t, "isolation_ktest_carries_on");
	tc_eq(&t, secret, SECRET, "ktest's word");
	tc_eq(&t, cap_type(k.tcb), PITH_CAP_TCB, "the stopped task's TCB");
	tc_end(&t);
	task_destroy(&k);
	test_revoke_running_vspace();
}
