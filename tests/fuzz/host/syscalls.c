/*
 * The host syscall fuzzer (libFuzzer): the kernel's generic core (caps/,
 * ipc/, the scheduler, the system-call layer) on the host model, in the
 * world of world.c. An input is a sequence of steps, each the running
 * thread's system call, a timer tick, an interrupt or a fault, taken by
 * the kernel's own entry points; after each, every invariant of
 * world_check() must hold, and no panic may happen (a panic aborts). At
 * the end the world is destroyed and the kernel must have forgotten every
 * object.
 *
 * The input format (docs/fuzzing.md), byte by byte, 0 once it runs out:
 *
 *   step:    kind (mod 8: 0-4 system call, 5 tick, 6 interrupt, 7 fault)
 *   syscall: number (< 0xf0: mod 8, a valid one; else as it is),
 *            cptr (a slot; 0xff: 8 bytes follow), label (< 0xf0: mod the
 *            number of labels + 1, so 0 or a valid one; else 2 bytes
 *            follow, little endian: any label), words (7 bits)
 *            | flags, caps (2 bits), then each word (a tag byte: 0 small,
 *            1 a slot, 2 eight bytes, 3 a page address), each capability
 *            address (a slot), and the receive slot and depth
 *   irq:     vector
 *   fault:   kind, address (a page address)
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps/irq.h"
#include "caps/tcb.h"
#include "kernel/arch.h"
#include "kernel/sched.h"
#include "kernel/syscall.h"
#include "machine.h"
#include "pith/ipc_buffer.h"
#include "world.h"

#define MAX_STEPS 512

struct input {
	const uint8_t *p, *end;
};

static uint8_t byte(struct input *in)
{
	return in->p < in->end ? *in->p++ : 0;
}

static uint64_t bytes(struct input *in, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)byte(in) << (8 * i);
	return v;
}

static uint64_t cptr(struct input *in)
{
	uint8_t b = byte(in);

	return b == 0xff ? bytes(in, 8) : b;
}

static uint64_t word(struct input *in)
{
	uint8_t tag = byte(in);

	switch (tag & 3) {
	case 0:
		return tag >> 2;
	case 1:
		return byte(in);
	case 2:
		return bytes(in, 8);
	default:
		return bytes(in, 4) << 12;
	}
}

static void syscall_path(void *t)
{
	syscall_dispatch(t);
}

static void exit_path(void *arg)
{
	(void)arg;
	sched_exit_to_user();
}

static uint64_t ticks;
static int trace = -1; /* PITH_FUZZ_TRACE=1: print every step */

static void trace_syscall(const struct tcb *t, unsigned n, unsigned words,
			  unsigned caps, const struct pith_ipc_buffer *ipc)
{
	if (!trace)
		return;
	fprintf(stderr,
		"step %u: '%s' syscall %llu cptr 0x%llx label %llu "
		"info 0x%llx words",
		n, t->name, (unsigned long long)t->ctx.rax,
		(unsigned long long)t->ctx.rdi,
		(unsigned long long)(t->ctx.rsi >> 12),
		(unsigned long long)t->ctx.rsi);
	for (unsigned i = 0; i < words && i < PITH_MSG_MAX_WORDS; i++)
		fprintf(stderr, " 0x%llx",
			(unsigned long long)(i < PITH_MSG_REGISTER_WORDS
						     ? arch_message_register(
							       &t->ctx, i)
					     : ipc ? ipc->mr[i]
						   : 0));
	if (ipc) {
		fprintf(stderr, " caps");
		for (unsigned i = 0; i < caps; i++)
			fprintf(stderr, " 0x%llx",
				(unsigned long long)ipc->caps[i]);
		fprintf(stderr, " recv %llu/%llu",
			(unsigned long long)ipc->receive_index,
			(unsigned long long)ipc->receive_depth);
	}
	fputc('\n', stderr);
}

/* The running thread makes a system call built from the input. */
static void step_syscall(struct tcb *t, struct input *in, unsigned n)
{
	struct pith_ipc_buffer *ipc = tcb_ipc_buffer(t);
	uint8_t nr = byte(in), lw, lc;
	uint64_t info, label;
	unsigned words, caps;

	t->ctx.rax = nr < 0xf0 ? nr % 8 : nr;
	t->ctx.rdi = cptr(in);
	label = byte(in);
	label = label < 0xf0 ? label % PITH_INV_COUNT : bytes(in, 2);
	lw = byte(in);
	lc = byte(in);
	words = lw & 0x7f;
	caps = lc & 3;
	info = label << 12 | (uint64_t)(lc >> 2 & 7) << 9 |
	       (uint64_t)caps << 7 | words;
	t->ctx.rsi = info;
	for (unsigned i = 0; i < words && i < PITH_MSG_MAX_WORDS; i++) {
		uint64_t w = word(in);

		if (i < PITH_MSG_REGISTER_WORDS)
			arch_set_message_register(&t->ctx, i, w);
		else if (ipc)
			ipc->mr[i] = w;
	}
	if (ipc) {
		for (unsigned i = 0; i < caps; i++)
			ipc->caps[i] = cptr(in);
		ipc->receive_cnode = W_CNODE;
		ipc->receive_index = cptr(in);
		ipc->receive_depth = byte(in) % 66;
	}
	trace_syscall(t, n, words, caps, ipc);
	machine_leave_kernel(syscall_path, t);
	if (trace)
		fprintf(stderr, "  -> error %llu; running: '%s'\n",
			(unsigned long long)t->ctx.rax,
			sched_current ? sched_current->name : "(idle)");
}

static void step_fault(struct tcb *t, struct input *in)
{
	static const unsigned vectors[PITH_FAULT_COUNT] = {
		[PITH_FAULT_PAGE] = 14,
		[PITH_FAULT_PROTECTION] = 13,
		[PITH_FAULT_INVALID_OPCODE] = 6,
		[PITH_FAULT_DIVIDE] = 0,
		[PITH_FAULT_BREAKPOINT] = 3,
		[PITH_FAULT_UNKNOWN_SYSCALL] = 0,
		[PITH_FAULT_OTHER] = 17,
	};
	struct fault_info f = {0};

	f.kind = (enum pith_fault)(1 + byte(in) % (PITH_FAULT_COUNT - 1));
	f.vector = vectors[f.kind];
	f.address = bytes(in, 4) << 12;
	f.ip = t->ctx.rip;
	f.error = byte(in) & 0x1f;
	f.what = "fuzzed fault";
	tcb_fault(t, &f);
	machine_leave_kernel(exit_path, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {data, data + size};
	char step[64];

	if (trace < 0) {
		const char *env = getenv("PITH_FUZZ_TRACE");

		trace = env && *env == '1';
	}
	world_build();
	ticks = 0;
	machine_set_ticks(0);
	for (unsigned n = 0; n < MAX_STEPS && in.p < in.end; n++) {
		struct tcb *t = sched_current;
		uint8_t kind = byte(&in) % 8;

		if (kind < 5 && t) {
			snprintf(step, sizeof(step), "step %u: system call", n);
			step_syscall(t, &in, n);
		} else if (kind == 6) {
			uint8_t vector = byte(&in);

			snprintf(step, sizeof(step), "step %u: interrupt %u", n,
				 vector);
			if (irq_vector_is_device(vector))
				irq_handle(vector);
			machine_leave_kernel(exit_path, NULL);
		} else if (kind == 7 && t) {
			snprintf(step, sizeof(step), "step %u: fault", n);
			step_fault(t, &in);
		} else {
			snprintf(step, sizeof(step), "step %u: tick", n);
			machine_set_ticks(++ticks);
			sched_tick();
			machine_leave_kernel(exit_path, NULL);
		}
		if (trace && kind >= 5)
			fprintf(stderr, "%s; running: '%s'\n", step,
				sched_current ? sched_current->name : "(idle)");
		world_check(step);
		if (machine_shut_down())
			break; /* Debug.Shutdown: the machine is off */
	}
	world_destroy();
	return 0;
}
