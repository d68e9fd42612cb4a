/*
 * The IDT: all 256 vectors go to the stubs in trap.S. Interrupt gates
 * (interrupts off on entry) throughout, ring 0 only except the breakpoint,
 * which user code may raise with int3. Double fault, NMI and machine check
 * run on their own IST stacks, so they work even on a broken kernel stack.
 */
#include "arch/x86.h"
#include "kernel/compiler.h"

#define STUB_SIZE 16

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type; /* P | DPL | 0xe (64-bit interrupt gate) */
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __packed;

_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate layout");

extern char trap_stubs[], trap_stubs_end[];

static struct idt_gate idt[256] __aligned(16);

static void set_gate(unsigned vec, uint8_t ist, unsigned dpl)
{
	uint64_t addr =
		(uint64_t)(uintptr_t)trap_stubs + (uint64_t)vec * STUB_SIZE;

	idt[vec] = (struct idt_gate){
		.offset_low = (uint16_t)addr,
		.selector = SEL_KERNEL_CODE,
		.ist = ist,
		.type = (uint8_t)(0x80 | dpl << 5 | 0x0e),
		.offset_mid = (uint16_t)(addr >> 16),
		.offset_high = (uint32_t)(addr >> 32),
	};
}

void idt_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __packed p = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};

	_Static_assert(256 * STUB_SIZE == 4096, "stub table size");
	for (unsigned v = 0; v < 256; v++)
		set_gate(v, 0, 0);
	set_gate(2, 2, 0);  /* NMI: IST2 */
	set_gate(3, 0, 3);  /* breakpoint: user code may int3 */
	set_gate(8, 1, 0);  /* double fault: IST1 */
	set_gate(18, 3, 0); /* machine check: IST3 */
	__asm__ volatile("lidt %0" : : "m"(p));
}

/* trap.S must have laid out exactly 256 stubs of STUB_SIZE bytes. */
bool idt_stubs_ok(void)
{
	return (uintptr_t)trap_stubs_end - (uintptr_t)trap_stubs ==
	       (uintptr_t)256 * STUB_SIZE;
}
