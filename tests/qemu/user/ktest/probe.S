/*
 * The code of the isolation test's second task (isolation.c), alone in a
 * page of its own so that the page can be copied into another address
 * space. It uses only its register arguments: no stack, no data, no
 * calls.
 *
 *   %rdi  the shared page: word 0 gets PROBE_STARTED, word 1
 *         PROBE_SUCCEEDED (must never happen), word 2 the value read
 *   %rsi  the address it must not reach
 *   %rdx  0: read it, 1: write it
 */
#define PROBE_STARTED	0x53545254 /* "STRT" */
#define PROBE_SUCCEEDED 0x21444f47 /* "GOD!" */

	.section .text.ktest_probe, "ax"
	.balign 4096
	.globl ktest_probe
	.type ktest_probe, @function
ktest_probe:
	movq $PROBE_STARTED, (%rdi)
	testq %rdx, %rdx
	jnz 1f
	.globl ktest_probe_load
ktest_probe_load:
	movq (%rsi), %rax
	movq %rax, 16(%rdi)
	jmp 2f
1:
	.globl ktest_probe_store
ktest_probe_store:
	movq %rdi, (%rsi)
2:
	movq $PROBE_SUCCEEDED, 8(%rdi)
3:
	pause
	jmp 3b
	.size ktest_probe, . - ktest_probe
	.balign 4096
