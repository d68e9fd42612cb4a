/*
 * x86-64 user register context, as saved on every kernel entry.
 *
 * The layout is the entry code's stack frame: the CPU pushes ss..rip on an
 * interrupt (or the syscall entry pushes them by hand), the stub pushes the
 * error code and vector, then the general registers. TSS.rsp0 points just
 * past `ss` of the running thread's context, so the frame lands directly in
 * the thread, as in seL4: nothing is copied on entry or exit.
 */
#ifndef ARCH_CONTEXT_H
#define ARCH_CONTEXT_H

#define ARCH_VECTOR_SYSCALL 0x100 /* not a hardware vector */

#ifndef __ASSEMBLER__
#include <stdint.h>

struct arch_context {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector; /* trap vector, or ARCH_VECTOR_SYSCALL */
	uint64_t error;	 /* CPU error code, or 0 */
	uint64_t rip, cs, rflags, rsp, ss;
} __attribute__((aligned(16)));

/* The frame's end must be 16-byte aligned: the CPU aligns RSP before it
 * pushes an interrupt frame. */
_Static_assert(sizeof(struct arch_context) == 176, "entry frame layout");
_Static_assert(sizeof(struct arch_context) % 16 == 0, "entry frame alignment");

/* x87/SSE state as fxsave writes it. */
struct arch_fpu {
	uint8_t area[512];
} __attribute__((aligned(16)));

/* The syscall register convention (sdk/abi/pith.toml). */
static inline uint64_t arch_syscall_number(const struct arch_context *c)
{
	return c->rax;
}

static inline uint64_t arch_syscall_arg(const struct arch_context *c,
					unsigned i)
{
	switch (i) {
	case 0:
		return c->rdi;
	case 1:
		return c->rsi;
	case 2:
		return c->rdx;
	case 3:
		return c->r10;
	case 4:
		return c->r8;
	default:
		return c->r9;
	}
}

/* Message words 0-3 travel in %rdx, %r10, %r8, %r9. */
static inline uint64_t arch_message_register(const struct arch_context *c,
					     unsigned i)
{
	switch (i) {
	case 0:
		return c->rdx;
	case 1:
		return c->r10;
	case 2:
		return c->r8;
	default:
		return c->r9;
	}
}

static inline void arch_set_message_register(struct arch_context *c, unsigned i,
					     uint64_t v)
{
	switch (i) {
	case 0:
		c->rdx = v;
		break;
	case 1:
		c->r10 = v;
		break;
	case 2:
		c->r8 = v;
		break;
	default:
		c->r9 = v;
		break;
	}
}

/* The results of a system call: the error in %rax, the message info in
 * %rsi, the badge in %rdi. */
static inline void arch_set_syscall_result(struct arch_context *c, uint64_t err,
					   uint64_t info)
{
	c->rax = err;
	c->rsi = info;
}

static inline void arch_set_syscall_error(struct arch_context *c, uint64_t err)
{
	c->rax = err;
}

static inline void arch_set_syscall_badge(struct arch_context *c,
					  uint64_t badge)
{
	c->rdi = badge;
}

#endif /* __ASSEMBLER__ */
#endif
