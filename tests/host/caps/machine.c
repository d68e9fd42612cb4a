/*
 * The fake machine (see machine.h): the symbols the capability core takes
 * from the rest of the kernel and from the arch port, modelling hardware
 * and nothing of the behaviour under test.
 */
#include "machine.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MACHINE_NO_CMOCKA
#include <cmocka.h>
#endif

#include "caps/tcb.h"
#include "kernel/arch.h"
#include "kernel/log.h"
#include "kernel/mem.h"
#include "kernel/panic.h"
#include "kernel/shutdown.h"
#include "kernel/uaccess.h"

static uint8_t *phys;	      /* MACHINE_PHYS_SIZE bytes, 2 MiB aligned */
static pthread_t main_thread; /* the one cmocka runs tests on */

_Noreturn void machine_fail(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "machine: %s\n", msg);
	fflush(stderr);
#ifndef MACHINE_NO_CMOCKA
	if (pthread_equal(pthread_self(), main_thread))
		fail_msg("machine: %s", msg); /* longjmps to the runner */
#endif
	abort();
}

/* ---- physical memory ------------------------------------------------- */

void *phys_to_virt(uint64_t pa)
{
	if (!phys || pa < MACHINE_PHYS_BASE ||
	    pa - MACHINE_PHYS_BASE >= MACHINE_PHYS_SIZE)
		machine_fail("phys_to_virt(0x%llx): not physical memory",
			     (unsigned long long)pa);
	return phys + (pa - MACHINE_PHYS_BASE);
}

uint64_t virt_to_phys(const void *va)
{
	const uint8_t *p = va;

	if (!phys || p < phys || p >= phys + MACHINE_PHYS_SIZE)
		machine_fail("virt_to_phys(%p): not in physical memory", va);
	return MACHINE_PHYS_BASE + (uint64_t)(p - phys);
}

/* ---- paging: tables in physical memory, walked as the CPU does -------- */

#define ENTRIES 512

static struct {
	uint64_t root;
	unsigned count;
} vspace_inits[4096];
static unsigned nvspace_inits;

static uint64_t *table(uint64_t pa)
{
	if (pa & 0xfff)
		machine_fail("page table at 0x%llx: not 4 KiB aligned",
			     (unsigned long long)pa);
	return phys_to_virt(pa);
}

static unsigned index_at(uint64_t va, unsigned level)
{
	return (unsigned)(va >> (12 + 9 * level)) & (ENTRIES - 1);
}

unsigned machine_vspace_inits(uint64_t root)
{
	for (unsigned i = 0; i < nvspace_inits; i++) {
		if (vspace_inits[i].root == root)
			return vspace_inits[i].count;
	}
	return 0;
}

void arch_vspace_init(uint64_t root)
{
	uint64_t *t = table(root);
	unsigned i;

	for (i = ENTRIES / 2; i < ENTRIES; i++)
		t[i] = MACHINE_KERNEL_ENTRY;
	for (i = 0; i < nvspace_inits; i++) {
		if (vspace_inits[i].root == root)
			break;
	}
	if (i == nvspace_inits) {
		if (i == ARRAY_SIZE(vspace_inits))
			machine_fail("too many address spaces");
		vspace_inits[nvspace_inits++].root = root;
	}
	vspace_inits[i].count++;
}

/* The entry for va at `level`; NULL if a level above is missing (*missing:
 * which) or a large page is in the way (*missing: 0). */
static uint64_t *walk(uint64_t root, uint64_t va, unsigned level,
		      unsigned *missing)
{
	uint64_t *t = table(root);

	*missing = 0;
	for (unsigned l = 3; l > level; l--) {
		uint64_t e = t[index_at(va, l)];

		if (!(e & MACHINE_PTE_P)) {
			*missing = l;
			return NULL;
		}
		if (e & MACHINE_PTE_PS)
			return NULL;
		t = table(e & MACHINE_PTE_ADDR);
	}
	return &t[index_at(va, level)];
}

uint64_t machine_entry(uint64_t root, uint64_t va, unsigned level)
{
	unsigned missing;
	const uint64_t *e = walk(root, va, level, &missing);

	return e ? *e : 0;
}

bool machine_translate(uint64_t root, uint64_t va, uint64_t *pa, unsigned *prot)
{
	const uint64_t *t = table(root);

	for (int l = 3; l >= 0; l--) {
		uint64_t e = t[index_at(va, (unsigned)l)];
		uint64_t size = 1ULL << (12 + 9 * l);

		if (!(e & MACHINE_PTE_P))
			return false;
		if (l == 0 || (e & MACHINE_PTE_PS)) {
			*pa = (e & MACHINE_PTE_ADDR & ~(size - 1)) |
			      (va & (size - 1));
			if (prot)
				*prot = (unsigned)(e >>
						   MACHINE_PTE_PROT_SHIFT) &
					0x1f;
			return true;
		}
		t = table(e & MACHINE_PTE_ADDR);
	}
	return false;
}

static uint64_t make_entry(uint64_t pa, unsigned prot, bool large)
{
	return pa | MACHINE_PTE_P | (uint64_t)prot << MACHINE_PTE_PROT_SHIFT |
	       (large ? MACHINE_PTE_PS : 0);
}

enum arch_map_status arch_map_table(uint64_t root, uint64_t vaddr,
				    unsigned level, uint64_t tbl,
				    unsigned *missing)
{
	uint64_t *e;

	if (level < 1 || level > 3 || (tbl & 0xfff))
		machine_fail("arch_map_table: level %u, table 0x%llx", level,
			     (unsigned long long)tbl);
	e = walk(root, vaddr, level, missing);
	if (!e)
		return *missing ? ARCH_MAP_MISSING : ARCH_MAP_OCCUPIED;
	if (*e & MACHINE_PTE_P)
		return ARCH_MAP_OCCUPIED;
	*e = make_entry(tbl, VM_READ | VM_WRITE | VM_USER, false);
	return ARCH_MAP_OK;
}

enum arch_map_status arch_map_frame(uint64_t root, uint64_t vaddr,
				    uint64_t paddr, unsigned size_bits,
				    unsigned prot, unsigned *missing)
{
	uint64_t *e;

	if ((size_bits != 12 && size_bits != 21) ||
	    ((vaddr | paddr) & ((1ULL << size_bits) - 1)))
		machine_fail("arch_map_frame: 0x%llx -> 0x%llx, %u bits",
			     (unsigned long long)vaddr,
			     (unsigned long long)paddr, size_bits);
	e = walk(root, vaddr, size_bits > 12 ? 1 : 0, missing);
	if (!e)
		return *missing ? ARCH_MAP_MISSING : ARCH_MAP_OCCUPIED;
	if (*e & MACHINE_PTE_P)
		return ARCH_MAP_OCCUPIED;
	*e = make_entry(paddr, prot | VM_USER, size_bits > 12);
	return ARCH_MAP_OK;
}

bool arch_unmap(uint64_t root, uint64_t vaddr, unsigned level, uint64_t paddr)
{
	unsigned missing;
	uint64_t *e = walk(root, vaddr, level, &missing);

	if (!e || !(*e & MACHINE_PTE_P) || (*e & MACHINE_PTE_ADDR) != paddr)
		return false;
	*e = 0;
	return true;
}

bool arch_remap_frame(uint64_t root, uint64_t vaddr, uint64_t paddr,
		      unsigned size_bits, unsigned prot)
{
	unsigned missing;
	uint64_t *e = walk(root, vaddr, size_bits > 12 ? 1 : 0, &missing);

	if (!e || !(*e & MACHINE_PTE_P) || (*e & MACHINE_PTE_ADDR) != paddr)
		return false;
	*e = make_entry(paddr, prot | VM_USER, size_bits > 12);
	return true;
}

bool uaccess_copy_in(uint64_t vspace, void *dst, uint64_t src, size_t len)
{
	uint8_t *out = dst;

	if (src >= USER_ADDR_LIMIT || len > USER_ADDR_LIMIT - src)
		return false;
	while (len > 0) {
		uint64_t pa, chunk = PAGE_SIZE - (src & (PAGE_SIZE - 1));
		unsigned prot;

		if (chunk > len)
			chunk = len;
		if (!vspace || !machine_translate(vspace, src, &pa, &prot) ||
		    !(prot & VM_USER) || !(prot & VM_READ) ||
		    (pa >= MACHINE_DEVICE_BASE &&
		     pa < MACHINE_DEVICE_BASE + MACHINE_DEVICE_SIZE))
			return false;
		memcpy(out, phys_to_virt(pa), chunk);
		out += chunk;
		src += chunk;
		len -= chunk;
	}
	return true;
}

/* ---- interrupt controller, ports -------------------------------------- */

static struct machine_gsi gsis[MACHINE_GSI_COUNT];
uint8_t machine_ports[65536];

const struct machine_gsi *machine_gsi(unsigned gsi)
{
	if (gsi >= MACHINE_GSI_COUNT)
		machine_fail("machine_gsi(%u): no such input", gsi);
	return &gsis[gsi];
}

bool arch_ioapic_has_gsi(unsigned gsi)
{
	return gsi < MACHINE_GSI_COUNT;
}

void arch_ioapic_route(unsigned gsi, unsigned vector, bool level,
		       bool active_low)
{
	if (gsi >= MACHINE_GSI_COUNT)
		machine_fail("arch_ioapic_route: no input %u", gsi);
	gsis[gsi].routed = true;
	gsis[gsi].vector = vector;
	gsis[gsi].level = level;
	gsis[gsi].active_low = active_low;
}

void arch_ioapic_mask(unsigned gsi, bool masked)
{
	if (gsi >= MACHINE_GSI_COUNT)
		machine_fail("arch_ioapic_mask: no input %u", gsi);
	gsis[gsi].masked = masked;
}

/* As on a PC: the timer (ISA 0) arrives on input 2, the ACPI interrupt
 * (ISA 9) is level-triggered and active low; the rest map one to one. */
void arch_isa_irq(unsigned irq, unsigned *gsi, bool *level, bool *active_low)
{
	*gsi = irq == 0 ? 2 : irq;
	*level = *active_low = irq == 9;
}

void arch_msi_message(unsigned vector, uint64_t *address, uint64_t *data)
{
	*address = 0xfee00000;
	*data = vector;
}

uint32_t arch_port_in(uint16_t port, unsigned width)
{
	uint32_t v = 0;

	if ((width != 1 && width != 2 && width != 4) ||
	    (unsigned)port + width > sizeof(machine_ports))
		machine_fail("arch_port_in(0x%x, %u)", port, width);
	for (unsigned i = 0; i < width; i++)
		v |= (uint32_t)machine_ports[port + i] << (8 * i);
	return v;
}

void arch_port_out(uint16_t port, unsigned width, uint32_t value)
{
	if ((width != 1 && width != 2 && width != 4) ||
	    (unsigned)port + width > sizeof(machine_ports))
		machine_fail("arch_port_out(0x%x, %u)", port, width);
	for (unsigned i = 0; i < width; i++)
		machine_ports[port + i] = (uint8_t)(value >> (8 * i));
}

/* ---- threads: the register file, as the x86_64 port lays it out ------- */

#define USER_CS 0x23 /* the port's user code and data selectors */
#define USER_SS 0x1b

static unsigned forget_count;
static const struct tcb *last_forgotten;

unsigned machine_forget_count(void)
{
	return forget_count;
}

const struct tcb *machine_last_forgotten(void)
{
	return last_forgotten;
}

void arch_context_init_user(struct arch_context *ctx, uint64_t entry,
			    uint64_t stack_top)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->rip = entry;
	ctx->rsp = stack_top;
	ctx->cs = USER_CS;
	ctx->ss = USER_SS;
	ctx->rflags = 0x202; /* IF and the reserved bit */
}

void arch_tcb_init(struct tcb *t)
{
	arch_context_init_user(&t->ctx, 0, 0);
	memset(&t->fpu, 0, sizeof(t->fpu));
}

void arch_tcb_forget(struct tcb *t)
{
	forget_count++;
	last_forgotten = t;
}

void arch_tcb_set_ipc_buffer(struct tcb *t, uint64_t vaddr)
{
	(void)t;
	(void)vaddr;
}

static uint64_t *reg_slot(struct arch_context *c, unsigned i)
{
	uint64_t *const order[ARCH_REGISTERS] = {
		&c->rip, &c->rsp, &c->rflags, &c->rax, &c->rbx, &c->rcx,
		&c->rdx, &c->rsi, &c->rdi,    &c->rbp, &c->r8,	&c->r9,
		&c->r10, &c->r11, &c->r12,    &c->r13, &c->r14, &c->r15,
	};

	return order[i];
}

void arch_tcb_get_registers(const struct tcb *t, uint64_t *regs, unsigned n)
{
	struct arch_context c = t->ctx;

	for (unsigned i = 0; i < n && i < ARCH_REGISTERS; i++)
		regs[i] = *reg_slot(&c, i);
}

bool arch_tcb_set_registers(struct tcb *t, const uint64_t *regs, unsigned n)
{
	if (n > ARCH_REGISTERS || (n > 0 && regs[0] >= USER_ADDR_LIMIT) ||
	    (n > 1 && regs[1] > USER_ADDR_LIMIT))
		return false;
	for (unsigned i = 0; i < n; i++)
		*reg_slot(&t->ctx, i) = regs[i];
	return true;
}

/* ---- time, and leaving the kernel --------------------------------------- */

static uint64_t ticks;
static jmp_buf *leave; /* set inside machine_leave_kernel() */
static struct tcb *entered;

void machine_set_ticks(uint64_t t)
{
	ticks = t;
}

uint64_t arch_timer_ticks(void)
{
	return ticks;
}

struct tcb *machine_leave_kernel(void (*path)(void *arg), void *arg)
{
	jmp_buf here;

	if (!pthread_equal(pthread_self(), main_thread))
		machine_fail("machine_leave_kernel: not on the main thread");
	entered = NULL;
	leave = &here;
	if (!setjmp(here)) {
		path(arg);
		leave = NULL;
		machine_fail("machine_leave_kernel: the path returned");
	}
	leave = NULL;
	return entered;
}

_Noreturn void arch_return_to_user(struct tcb *t, uint64_t root)
{
	(void)root;
	if (!leave)
		machine_fail("arch_return_to_user('%s'): outside "
			     "machine_leave_kernel()",
			     t->name);
	entered = t;
	longjmp(*leave, 1);
}

void arch_idle(void)
{
	if (!leave)
		machine_fail("arch_idle: the kernel went idle");
	entered = NULL;
	longjmp(*leave, 1);
}

/* ---- what a test can never reach -------------------------------------- */

_Noreturn void arch_halt(void)
{
	machine_fail("arch_halt");
}

void arch_debug_exit(unsigned status)
{
	machine_fail("arch_debug_exit(0x%x)", status);
}

static bool shut_down;

bool machine_shut_down(void)
{
	return shut_down;
}

_Noreturn void shutdown_machine(enum shutdown_status status)
{
	/* Inside machine_leave_kernel(), the kernel leaves for good. */
	if (!leave)
		machine_fail("shutdown_machine(0x%x)", status);
	shut_down = true;
	entered = NULL;
	longjmp(*leave, 1);
}

bool shutdown_via_debug_exit(void)
{
	return false;
}

enum shutdown_status shutdown_idle_status(void)
{
	return SHUTDOWN_FAIL;
}

_Noreturn void panic(const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	machine_fail("PANIC: %s", msg);
}

_Noreturn void panic_trap(const struct arch_context *ctx, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	machine_fail("PANIC (trap at rip 0x%llx): %s",
		     (unsigned long long)ctx->rip, msg);
}

/* ---- the kernel log ---------------------------------------------------- */

static char log_buf[1 << 16];
static size_t log_len;

void machine_log_clear(void)
{
	log_len = 0;
	log_buf[0] = '\0';
}

bool machine_log_contains(const char *text)
{
	return strstr(log_buf, text) != NULL;
}

void kputs_raw(const char *s, size_t len)
{
	if (getenv("PITH_TEST_LOG"))
		fwrite(s, 1, len, stderr);
	if (len > sizeof(log_buf) - 1 - log_len)
		log_len = 0; /* keep the latest */
	if (len > sizeof(log_buf) - 1)
		len = sizeof(log_buf) - 1;
	memcpy(log_buf + log_len, s, len);
	log_len += len;
	log_buf[log_len] = '\0';
}

void kvprintf(const char *fmt, va_list ap)
{
	char line[1024];
	int n = vsnprintf(line, sizeof(line), fmt, ap);

	if (n > 0)
		kputs_raw(line, (size_t)n < sizeof(line) ? (size_t)n
							 : sizeof(line) - 1);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

void kvlog(enum log_level level, const char *fmt, va_list ap)
{
	static const char *const prefix[] = {"[E] ", "[W] ", "[I] ", "[D] "};

	kputs_raw(prefix[level & 3], 4);
	kvprintf(fmt, ap);
	kputs_raw("\n", 1);
}

void klog(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvlog(level, fmt, ap);
	va_end(ap);
}

/* ---- power-on ---------------------------------------------------------- */

void machine_reset(void)
{
	machine_reset_partly(MACHINE_BOOT_SIZE, MACHINE_DEVICE_SIZE,
			     MACHINE_RAM_SIZE);
}

void machine_reset_partly(uint64_t boot, uint64_t device, uint64_t ram)
{
	if (!phys) {
		phys = aligned_alloc(2ULL << 20, MACHINE_PHYS_SIZE);
		if (!phys)
			machine_fail("no memory for the physical buffer");
		main_thread = pthread_self();
	}
	if (boot > MACHINE_BOOT_SIZE || device > MACHINE_DEVICE_SIZE ||
	    ram > MACHINE_RAM_SIZE)
		machine_fail("machine_reset_partly: more than there is");
	memset(phys + (MACHINE_BOOT_BASE - MACHINE_PHYS_BASE), MACHINE_GARBAGE,
	       boot);
	memset(phys + (MACHINE_DEVICE_BASE - MACHINE_PHYS_BASE),
	       MACHINE_DEVICE_BYTE, device);
	memset(phys + (MACHINE_RAM_BASE - MACHINE_PHYS_BASE), MACHINE_GARBAGE,
	       ram);
	machine_log_clear();
	memset(machine_ports, 0, sizeof(machine_ports));
	nvspace_inits = 0;
	for (unsigned g = 0; g < MACHINE_GSI_COUNT; g++)
		gsis[g] = (struct machine_gsi){.masked = true};
	forget_count = 0;
	last_forgotten = NULL;
	ticks = 0;
	leave = NULL;
	shut_down = false;
}
