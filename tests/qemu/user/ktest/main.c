/*
 * ktest: the in-QEMU test suite for the kernel's user-mode interface, run
 * as the root task (boot.cfg init=ktest). It prints one "TEST <name> PASS"
 * or "TEST <name> FAIL <reason>" line per case (docs/testing.md): the
 * system-call edge, then every invocation of every capability type, its
 * error paths and the derivation tree, isolation between address spaces,
 * interrupts, and a leak test with timings ("BENCH" lines).
 *
 * It ends by reading kernel memory: the kernel must report that fault and
 * stop only this task, so the suite's expected ending is a contained user
 * fault (QEMU exit status 39). Every other thread must be gone by then,
 * or the kernel would not go idle.
 */
#include "ktest.h"

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	test_syscalls();
	if (!alloc_init() || !vm_init()) {
		expect_true("ktest_setup", false,
			    "no boot info, too few RAM untyped, or the test "
			    "region could not be mapped");
	} else {
		test_invocation();
		test_sdk();
		test_untyped();
		test_cnode();
		test_notification();
		test_tcb();
		test_starvation();
		test_vspace();
		test_asid();
		test_ioport();
		test_irq();
		test_ipc();
		test_ipc_caps();
		test_ipc_signals();
		test_ipc_faults();
		test_ipc_sched();
		test_tasks();
		test_isolation();
		test_leak();
		alloc_report();
		report_coverage();
	}
	test_interrupts_preserve_registers();
	report_summary();

	pith_console_puts("ktest: reading kernel memory; the kernel must stop "
			  "this task\n");
	(void)*(volatile uint64_t *)(uintptr_t)KERNEL_ADDRESS;
	expect_true("user_read_of_kernel_memory_faults", false,
		    "the read succeeded");
	return 1;
}
