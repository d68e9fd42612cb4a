/*
 * The kernel console: the 16550 UART at COM1 (I/O port 0x3f8), polled,
 * 115200 baud 8N1. On a machine without COM1 the line status register
 * reads 0xff, so the transmit wait below ends at once and output vanishes
 * harmlessly.
 */
#include "arch/x86.h"
#include "kernel/arch.h"

#define COM1	    0x3f8
#define REG_DATA    0
#define REG_IER	    1
#define REG_FCR	    2
#define REG_LCR	    3
#define REG_MCR	    4
#define REG_LSR	    5
#define LSR_THRE    0x20
#define TX_SPIN_MAX 100000

void serial_init(void)
{
	outb(COM1 + REG_IER, 0x00); /* no interrupts: the kernel polls */
	outb(COM1 + REG_LCR, 0x80); /* divisor latch */
	outb(COM1 + REG_DATA, 1);   /* 115200 baud */
	outb(COM1 + REG_IER, 0);
	outb(COM1 + REG_LCR, 0x03); /* 8N1 */
	outb(COM1 + REG_FCR, 0xc7); /* FIFO on, cleared, 14-byte threshold */
	outb(COM1 + REG_MCR, 0x03); /* DTR, RTS */
}

static void serial_putc(char c)
{
	for (int i = 0; i < TX_SPIN_MAX; i++) {
		if (inb(COM1 + REG_LSR) & LSR_THRE)
			break;
		cpu_relax();
	}
	outb(COM1 + REG_DATA, (uint8_t)c);
}

void arch_console_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}
