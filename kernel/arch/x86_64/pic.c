/*
 * The legacy 8259 PICs: remapped away from the exception vectors (so a
 * spurious IRQ cannot pose as one) and fully masked. The local APIC (and
 * later the I/O APIC) deliver all interrupts.
 */
#include "arch/x86.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1

static void io_wait(void)
{
	outb(0x80, 0); /* the POST port: a short, harmless delay */
}

void pic_disable(void)
{
	outb(PIC1_CMD, 0x11); /* ICW1: init, ICW4 follows */
	io_wait();
	outb(PIC2_CMD, 0x11);
	io_wait();
	outb(PIC1_DATA, VEC_PIC_BASE); /* ICW2: vector offsets */
	io_wait();
	outb(PIC2_DATA, VEC_PIC_BASE + 8);
	io_wait();
	outb(PIC1_DATA, 4); /* ICW3: slave on IRQ 2 */
	io_wait();
	outb(PIC2_DATA, 2);
	io_wait();
	outb(PIC1_DATA, 1); /* ICW4: 8086 mode */
	io_wait();
	outb(PIC2_DATA, 1);
	io_wait();
	outb(PIC1_DATA, 0xff); /* mask everything */
	outb(PIC2_DATA, 0xff);
}
