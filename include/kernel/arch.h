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

struct tcb;

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

/* Boot time: a new address space sharing the kernel's half; its root's
 * physical address. */
uint64_t arch_vspace_create(void);
/* Boot time: map one page, making page tables as needed. False if va is
 * already mapped. */
bool arch_vm_map_page(uint64_t root, uint64_t va, uint64_t pa, unsigned prot);
/* Map device memory into the kernel; boot time only. */
void *arch_map_device(uint64_t phys, size_t size);
/* Physical ranges the kernel keeps for itself (local and I/O APICs):
 * they never become device untyped. Fills up to max ranges. */
size_t arch_reserved_mmio(uint64_t *base, uint64_t *size, size_t max);
/* Physical address width of the CPU. */
unsigned arch_phys_bits(void);

/* Turn zeroed memory into an address space root sharing the kernel half. */
void arch_vspace_init(uint64_t root);

/*
 * User mappings made through capabilities. Entry levels: 0 a page-table
 * entry (4 KiB frame), 1 a page-directory entry (page table or 2 MiB
 * frame), 2 a PDPT entry (page directory), 3 a root entry (PDPT).
 */
enum arch_map_status {
	ARCH_MAP_OK = 0,
	ARCH_MAP_OCCUPIED, /* something is mapped there already */
	ARCH_MAP_MISSING,  /* a level above is missing: *missing says which
			      structure (1 page table, 2 page directory,
			      3 PDPT) */
};

enum arch_map_status arch_map_table(uint64_t root, uint64_t vaddr,
				    unsigned level, uint64_t table,
				    unsigned *missing);
enum arch_map_status arch_map_frame(uint64_t root, uint64_t vaddr,
				    uint64_t paddr, unsigned size_bits,
				    unsigned prot, unsigned *missing);
/* Clear the entry at `level` for vaddr if it maps `paddr`; flushes the
 * TLB as needed. False if it did not. */
bool arch_unmap(uint64_t root, uint64_t vaddr, unsigned level, uint64_t paddr);
/* Change the rights of a frame mapping of `paddr` at vaddr. */
bool arch_remap_frame(uint64_t root, uint64_t vaddr, uint64_t paddr,
		      unsigned size_bits, unsigned prot);
/* Translate a user address as the CPU would for a user-mode access
 * (present, user, and writable if `write`). */
bool arch_vm_user_lookup(uint64_t root, uint64_t va, bool write, uint64_t *pa);

/* ---- threads ---- */
void arch_context_init_user(struct arch_context *ctx, uint64_t entry,
			    uint64_t stack_top);
/* Default register and FPU state of a new thread. */
void arch_tcb_init(struct tcb *t);
/* The thread is being destroyed: forget any reference to it. */
void arch_tcb_forget(struct tcb *t);
/* The thread's IPC buffer moved to vaddr (t->ipc_buffer): the SDK reaches
 * it through %gs. */
void arch_tcb_set_ipc_buffer(struct tcb *t, uint64_t vaddr);
/* Registers in ABI order: rip, rsp, rflags, rax, rbx, rcx, rdx, rsi, rdi,
 * rbp, r8-r15. Setting checks rip and rsp and keeps only user flags;
 * false if a value is not acceptable. */
#define ARCH_REGISTERS 18
void arch_tcb_get_registers(const struct tcb *t, uint64_t *regs, unsigned n);
bool arch_tcb_set_registers(struct tcb *t, const uint64_t *regs, unsigned n);

/* The system call's registers (sdk/abi/pith.toml): arch/context.h. */

/* Run thread t in user mode in the address space `root` (its
 * tcb_vspace_root(), not 0), switching FPU state and IPC buffer as needed;
 * the next entry saves its registers into t->ctx. */
_Noreturn void arch_return_to_user(struct tcb *t, uint64_t root);

/* ---- interrupts and ports ---- */
bool arch_ioapic_has_gsi(unsigned gsi);
/* Route an I/O APIC input to a vector (left masked). */
void arch_ioapic_route(unsigned gsi, unsigned vector, bool level,
		       bool active_low);
void arch_ioapic_mask(unsigned gsi, bool masked);
/* The input, trigger and polarity of an ISA IRQ (from the firmware). */
void arch_isa_irq(unsigned irq, unsigned *gsi, bool *level, bool *active_low);
/* The MSI address and data that make a device raise `vector`. */
void arch_msi_message(unsigned vector, uint64_t *address, uint64_t *data);
uint32_t arch_port_in(uint16_t port, unsigned width);
void arch_port_out(uint16_t port, unsigned width, uint32_t value);

/* ---- CPU ---- */
/* Enable interrupts, wait for one, disable them again. */
void arch_idle(void);
_Noreturn void arch_halt(void);
/* Write a status to QEMU's isa-debug-exit port. */
void arch_debug_exit(unsigned status);
/* Timer interrupts since arch_late_init(). */
uint64_t arch_timer_ticks(void);
unsigned arch_timer_hz(void);
/* The TSC's frequency (0: unknown). */
uint64_t arch_tsc_hz(void);

/* Print the registers of a trap frame, or of the caller if ctx is NULL,
 * and a backtrace; used by panic(). */
void arch_dump_state(const struct arch_context *ctx);

#endif
