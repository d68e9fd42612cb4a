/*
 * The fake machine the host build of the capability core runs on
 * (machine.c). It provides what the core takes from the rest of the kernel
 * and from the arch port (include/kernel/arch.h), and models hardware only:
 *
 *  - physical memory: a 64 MiB buffer at MACHINE_PHYS_BASE, the first
 *    16 MiB for the test's "boot" allocations, then 4 MiB of device memory
 *    (not RAM: never zeroed by the machine, filled with a pattern), then
 *    RAM. After machine_reset() RAM holds garbage (0xa5 bytes), as real
 *    RAM would: whatever the kernel does not zero shows.
 *    phys_to_virt() and virt_to_phys() fail the test outside the buffer.
 *  - paging: 4-level tables in that memory, walked as the CPU walks them.
 *    An entry is the physical address, a present bit, the VM_* bits
 *    shifted left by one, and a large-page bit.
 *  - an I/O APIC with MACHINE_GSI_COUNT inputs, MSI messages, a port space,
 *    the register file of a thread (the real port's system-call registers).
 *  - the kernel log, in a buffer.
 *
 *  - a timer: arch_timer_ticks() is what the test sets.
 *
 * What the machine cannot do (halt, shut down) and kernel panics fail the
 * test loudly: through cmocka on the main thread, by abort() elsewhere.
 * Returning to user mode, going idle and shutting down fail it too,
 * except inside machine_leave_kernel(), which catches them.
 */
#ifndef TESTS_CAPS_MACHINE_H
#define TESTS_CAPS_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MACHINE_PHYS_BASE   0x100000000ULL
#define MACHINE_PHYS_SIZE   (64ULL << 20)
#define MACHINE_BOOT_BASE   MACHINE_PHYS_BASE
#define MACHINE_BOOT_SIZE   (16ULL << 20)
#define MACHINE_DEVICE_BASE (MACHINE_PHYS_BASE + (16ULL << 20))
#define MACHINE_DEVICE_SIZE (4ULL << 20)
#define MACHINE_RAM_BASE    (MACHINE_PHYS_BASE + (32ULL << 20))
#define MACHINE_RAM_SIZE    (32ULL << 20)

#define MACHINE_GARBAGE	    0xa5 /* what RAM holds before the kernel writes */
#define MACHINE_DEVICE_BYTE 0xd5 /* what device memory reads as */

/* Paging entries (see above). */
#define MACHINE_PTE_P	       0x1ULL
#define MACHINE_PTE_PROT_SHIFT 1
#define MACHINE_PTE_PS	       0x80ULL
#define MACHINE_PTE_ADDR       0x000ffffffffff000ULL
/* What arch_vspace_init() puts in the kernel half (slots 256-511) of a new
 * root: present, and pointing outside physical memory, so that walking
 * into it fails loudly. */
#define MACHINE_KERNEL_ENTRY   (0x000ff00000000000ULL | MACHINE_PTE_P)

#define MACHINE_GSI_COUNT 24

struct tcb;

/* Power-on: RAM garbage, device memory its pattern, no page tables
 * initialised, I/O APIC inputs masked and unrouted, ports 0, log empty. */
void machine_reset(void);
/* The same, resetting only the first `boot`, `device` and `ram` bytes of
 * those areas (the rest keeps what it held): what a fuzzer that uses a
 * small part of the machine on every input needs, and no more. */
void machine_reset_partly(uint64_t boot, uint64_t device, uint64_t ram);

/* Fail the test with a message (never returns). */
_Noreturn void machine_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* ---- paging ---- */

/* Translate a virtual address as the CPU does from `root`; false if a level
 * is missing. *prot gets the leaf's VM_* bits (may be NULL). */
bool machine_translate(uint64_t root, uint64_t va, uint64_t *pa,
		       unsigned *prot);
/* The raw entry for va at `level` (0 PTE ... 3 root entry); 0 if a level
 * above is missing or a large page is in the way. */
uint64_t machine_entry(uint64_t root, uint64_t va, unsigned level);
/* How many times arch_vspace_init() ran on `root`. */
unsigned machine_vspace_inits(uint64_t root);

/* ---- interrupts ---- */

struct machine_gsi {
	bool routed;
	bool masked; /* true at reset */
	bool level;
	bool active_low;
	unsigned vector;
};

const struct machine_gsi *machine_gsi(unsigned gsi);

/* ---- ports ---- */

extern uint8_t machine_ports[65536];

/* ---- threads ---- */

/* arch_tcb_forget() calls, and the last thread it was called for. */
unsigned machine_forget_count(void);
const struct tcb *machine_last_forgotten(void);

/* ---- time, and leaving the kernel ---- */

/* What arch_timer_ticks() returns (0 after machine_reset()). */
void machine_set_ticks(uint64_t ticks);

/* Run `path(arg)`, a kernel path that ends by leaving the kernel
 * (sched_exit_to_user(), syscall_dispatch(), ...), and catch the exit:
 * the thread it went to user mode in, or NULL if it went idle. Main
 * thread only. */
struct tcb *machine_leave_kernel(void (*path)(void *arg), void *arg);
/* The kernel shut the machine down (Debug.Shutdown) inside
 * machine_leave_kernel(), which then returned NULL. Until the next reset. */
bool machine_shut_down(void);

/* ---- log ---- */

bool machine_log_contains(const char *text);
void machine_log_clear(void);

#endif
