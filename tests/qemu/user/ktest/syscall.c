/*
 * The system-call edge: Debug.Write with bad pointers and lengths, unknown
 * system-call numbers, and registers preserved across system calls and
 * interrupts. (The original ktest cases.)
 */
#include "ktest.h"

#define NONCANONICAL 0x0000800000000000ULL
#define UNMAPPED     0x10000000ULL /* between the image and the stack */

extern char _end[];

static enum pith_error write_at(uint64_t addr, uint64_t len)
{
	return pith_debug_write(PITH_SLOT_DEBUG, addr, len);
}

static uint64_t raw_syscall(uint64_t nr)
{
	__asm__ volatile("syscall" : "+a"(nr) : : "rcx", "r11", "memory");
	return nr;
}

static void test_debug_write(void)
{
	static char big[4097];
	/* The first unmapped page after the program's data. */
	uint64_t end =
		((uint64_t)(uintptr_t)_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);

	expect_err("debug_write_ok", pith_console_puts("ktest: hello\n"),
		   PITH_OK);
	expect_err("debug_write_zero_length", write_at(0, 0), PITH_OK);
	expect_err("debug_write_null", write_at(0, 1), PITH_E_FAULT);
	expect_err("debug_write_kernel_address", write_at(KERNEL_ADDRESS, 16),
		   PITH_E_FAULT);
	expect_err("debug_write_noncanonical", write_at(NONCANONICAL, 1),
		   PITH_E_FAULT);
	expect_err("debug_write_unmapped", write_at(UNMAPPED, 8), PITH_E_FAULT);
	expect_err("debug_write_wraps_around", write_at(UINT64_MAX, 2),
		   PITH_E_FAULT);
	/* Mapped start, unmapped end: nothing may be printed. */
	expect_err("debug_write_straddles_unmapped", write_at(end - 4, 8),
		   PITH_E_FAULT);
	expect_err("debug_write_too_long",
		   write_at((uintptr_t)big, sizeof(big)), PITH_E_RANGE);
}

static void test_unknown_syscall(void)
{
	expect_err("syscall_unknown_number", raw_syscall(PITH_SYS_COUNT),
		   PITH_E_NO_SYSCALL);
	expect_err("syscall_huge_number", raw_syscall(UINT64_MAX),
		   PITH_E_NO_SYSCALL);
}

/* Registers other than %rax, %rcx and %r11 survive a system call. */
static void test_syscall_preserves_registers(void)
{
	uint64_t bad = 0;

	__asm__ volatile("movq $0x1111, %%rbx\n\t"
			 "movq $0x2222, %%rdx\n\t"
			 "movq $0x3333, %%rsi\n\t"
			 "movq $0x4444, %%rdi\n\t"
			 "movq $0x8888, %%r8\n\t"
			 "movq $0x9999, %%r9\n\t"
			 "movq $0xaaaa, %%r10\n\t"
			 "movq $0xcccc, %%r12\n\t"
			 "movq $0xdddd, %%r13\n\t"
			 "movq $0xeeee, %%r14\n\t"
			 "movq $0xffff, %%r15\n\t"
			 "movq $999, %%rax\n\t" /* unknown: returns at once */
			 "syscall\n\t"
			 "xorq $0x1111, %%rbx\n\t"
			 "orq %%rbx, %0\n\t"
			 "xorq $0x2222, %%rdx\n\t"
			 "orq %%rdx, %0\n\t"
			 "xorq $0x3333, %%rsi\n\t"
			 "orq %%rsi, %0\n\t"
			 "xorq $0x4444, %%rdi\n\t"
			 "orq %%rdi, %0\n\t"
			 "xorq $0x8888, %%r8\n\t"
			 "orq %%r8, %0\n\t"
			 "xorq $0x9999, %%r9\n\t"
			 "orq %%r9, %0\n\t"
			 "xorq $0xaaaa, %%r10\n\t"
			 "orq %%r10, %0\n\t"
			 "xorq $0xcccc, %%r12\n\t"
			 "orq %%r12, %0\n\t"
			 "xorq $0xdddd, %%r13\n\t"
			 "orq %%r13, %0\n\t"
			 "xorq $0xeeee, %%r14\n\t"
			 "orq %%r14, %0\n\t"
			 "xorq $0xffff, %%r15\n\t"
			 "orq %%r15, %0"
			 : "+m"(bad)
			 :
			 : "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9",
			   "r10", "r11", "r12", "r13", "r14", "r15", "memory");
	expect_true("syscall_preserves_registers", bad == 0,
		    "a register changed across syscall");
}

/*
 * Spin with known values in every register long enough for several timer
 * interrupts (100 Hz) to arrive; each one saves and restores the full
 * context through the iret path.
 */
void test_interrupts_preserve_registers(void)
{
	uint64_t start = rdtsc(), bad = 0, rounds = 0;

	while (rdtsc() - start < 200000000ULL && !bad) {
		__asm__ volatile("movq $0x1111, %%rbx\n\t"
				 "movq $0x8888, %%r8\n\t"
				 "movq $0xffff, %%r15\n\t"
				 "movq $200000, %%rcx\n\t"
				 "1: cmpq $0x1111, %%rbx\n\t"
				 "jne 2f\n\t"
				 "cmpq $0x8888, %%r8\n\t"
				 "jne 2f\n\t"
				 "cmpq $0xffff, %%r15\n\t"
				 "jne 2f\n\t"
				 "decq %%rcx\n\t"
				 "jnz 1b\n\t"
				 "jmp 3f\n\t"
				 "2: movq $1, %0\n\t"
				 "3:"
				 : "+r"(bad)
				 :
				 : "rbx", "rcx", "r8", "r15", "cc");
		rounds++;
	}
	expect_true("interrupts_preserve_registers", bad == 0,
		    "a register changed while interrupts were taken");
	pith_printf("ktest: spun %llu rounds with interrupts arriving\n",
		    (unsigned long long)rounds);
}

void test_syscalls(void)
{
	test_debug_write();
	test_unknown_syscall();
	test_syscall_preserves_registers();
}
