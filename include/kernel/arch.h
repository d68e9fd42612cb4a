/*
 * The one interface between the generic kernel and an architecture port.
 * Every port (today kernel/arch/x86_64) provides exactly these functions;
 * generic code includes nothing else from arch/.
 */
#ifndef KERNEL_ARCH_H
#define KERNEL_ARCH_H

#include "arch/context.h"
#include "boot/boot_info.h"
#include "kernel/compiler.h"

/* ---- bring-up, in this order ---- */

/* Console, descriptor tables, exception handling, CPU features. Runs on
 * the loader's page tables; allocates nothing. */
void arch_early_init(void);
/* Build the kernel's own page tables (W^X, direct map) and switch to them. */
void arch_vm_init(const struct boot_info *bi);
/* Interrupt controllers, the periodic timer, the syscall entry. */
void arch_late_init(const struct boot_info *bi);

/* ---- console ---- */
void arch_console_write(const char *s, size_t len);

/* ---- address spaces ---- */
#define VM_READ	  0x1u
#define VM_WRITE  0x2u
#define VM_EXEC	  0x4u
#define VM_USER	  0x8u
#define VM_DEVICE 0x10u /* uncached */

/* A new address space sharing the kernel's half; root is its physical
 * address. Boot-time only (allocates page tables). */
uint64_t arch_vspace_create(void);
/* Map one page; boot-time only. False if va is already mapped. */
bool arch_vm_map_page(uint64_t root, uint64_t va, uint64_t pa, unsigned prot);
/* Translate a user address as the CPU would for a user-mode access
 * (present, user, and writable if `write`). */
bool arch_vm_user_lookup(uint64_t root, uint64_t va, bool write, uint64_t *pa);
/* Map device memory into the kernel; boot-time only. */
void *arch_map_device(uint64_t phys, size_t size);

/* ---- threads ---- */
void arch_context_init_user(struct arch_context *ctx, uint64_t entry,
			    uint64_t stack_top);
void arch_set_syscall_result(struct arch_context *ctx, uint64_t value);
/* Enter user mode with ctx on address space `root`; the next kernel entry
 * saves the user's registers back into ctx. */
_Noreturn void arch_enter_user(struct arch_context *ctx, uint64_t root);

/* ---- CPU ---- */
/* Enable interrupts, wait for one, disable them again. */
void arch_idle(void);
_Noreturn void arch_halt(void);
/* Write a status to QEMU's isa-debug-exit port. */
void arch_debug_exit(unsigned status);
/* Timer interrupts since arch_late_init(). */
uint64_t arch_timer_ticks(void);
unsigned arch_timer_hz(void);

/* Print the registers of a trap frame, or of the caller if ctx is NULL,
 * and a backtrace; used by panic(). */
void arch_dump_state(const struct arch_context *ctx);

#endif
