/*
 * bench: the kernel's benchmarks (docs/benchmarks.md). One line per
 * figure:
 *
 *	BENCH <name> <cycles per operation> cycles
 *
 * Each figure is the median, over BATCHES timed batches of `iterations`
 * operations, of rdtsc cycles per operation, after a warm-up batch. Under
 * qemu -icount shift=0 a cycle is one guest instruction.
 *
 * It runs two ways:
 *  - as the root task (init=bench), as tools/bench boots it: every
 *    capability; iterations from the command line (bench.iterations=N);
 *    output on the kernel's debug console;
 *  - as a program procmgr starts (the shell's `bench [N]`): its memory
 *    from its startinfo, the ASID pool named `asid` and the initrd's
 *    frames named `initrd` (where it finds itself, for the copies it
 *    spawns); iterations from argv[1]; output on its `console`.
 *
 * Every thread runs at one priority (the root task's 255, or the highest
 * a spawned bench may use), so an IPC partner that is woken runs at once
 * and the fastpath applies where it can.
 */
#include "bench.h"

#include <stdio.h>

#include "lib/cmdline.h"

#define ROOT_PRIORITY	   255
#define BATCHES		   9
#define ITERATIONS_DEFAULT 2000
#define ITERATIONS_MAX	   3000 /* the server's free slots bound it */

static uint64_t iterations = ITERATIONS_DEFAULT;
static unsigned priority = ROOT_PRIORITY;
static struct cpio_entry image; /* this program, for the spawned copies */
static pith_cptr_t asid_pool;	/* 0: the root task's */
static bool failed;

void bench_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap); /* stdout: the console, if it has one (pith_start) */
	va_end(ap);
}

static bool check(enum pith_error err, const char *what)
{
	if (err == PITH_OK)
		return true;
	bench_printf("bench: %s: %s\n", what, pith_error_name(err));
	failed = true;
	return false;
}

/* ---- timing ------------------------------------------------------------ */

typedef void (*body_fn)(uint64_t n, uint64_t arg);
typedef void (*between_fn)(uint64_t arg);

static void sort(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t x = v[j];

			v[j] = v[j - 1];
			v[j - 1] = x;
		}
}

/* Print the median of samples given in tenths of a cycle. */
static void report(const char *name, uint64_t *tenths, unsigned n)
{
	sort(tenths, n);
	bench_printf("BENCH %s %llu.%llu cycles\n", name,
		     (unsigned long long)(tenths[n / 2] / 10),
		     (unsigned long long)(tenths[n / 2] % 10));
}

/*
 * Time `body` doing `iterations` iterations, BATCHES times after one
 * warm-up, each iteration being `ops` operations; `between` (if any) runs
 * untimed after every batch.
 */
static void measure(const char *name, body_fn body, between_fn between,
		    uint64_t arg, uint64_t ops)
{
	uint64_t tenths[BATCHES];

	body(iterations, arg);
	if (between)
		between(arg);
	for (unsigned b = 0; b < BATCHES; b++) {
		uint64_t start = rdtsc();

		body(iterations, arg);
		tenths[b] = (rdtsc() - start) * 10 / (iterations * ops);
		if (between)
			between(arg);
	}
	if (!failed)
		report(name, tenths, BATCHES);
}

/* ---- partners ---------------------------------------------------------- */

static void yield_forever(uint64_t arg)
{
	(void)arg;
	for (;;)
		pith_yield();
}

static void serve_thread(uint64_t ep)
{
	bench_serve(ep, 0);
}

/* The notification ping-pong: signal `pong` whenever `ping` is. */
static pith_cptr_t ping, pong;

static void notify_echo(uint64_t arg)
{
	uint64_t word;

	(void)arg;
	for (;;) {
		pith_wait(ping, &word);
		pith_signal(pong);
	}
}

static bool thread(struct pith_thread *t, void (*fn)(uint64_t), uint64_t arg)
{
	return check(pith_thread_create(t, priority, 0), "thread") &&
	       check(pith_thread_start(t, fn, arg), "thread start");
}

/* A copy of this program in an address space of its own. */
static bool spawn(struct pith_process *p, const char *name, uint64_t role,
		  const struct pith_spawn_cap *caps, unsigned ncaps,
		  struct pith_spawn_cap fault_ep, uint64_t arg1, uint64_t arg2)
{
	struct pith_spawn_args a = {
		.name = name,
		.image = image.data,
		.image_size = image.size,
		.args = {role, arg1, arg2},
		.priority = priority,
		.asid_pool = asid_pool,
		/* The debug console, if this bench has it (the root task). */
		.debug = {.cap = pith_bootinfo ? PITH_SLOT_DEBUG : 0},
		.fault_ep = fault_ep,
		.caps = caps,
		.ncaps = ncaps,
	};

	return check(pith_process_spawn(&a, p), name);
}

/* ---- the operations ---------------------------------------------------- */

static void null_syscalls(uint64_t n, uint64_t arg)
{
	(void)arg;
	for (uint64_t i = 0; i < n; i++)
		pith_yield();
}

static void calls(uint64_t n, uint64_t ep)
{
	for (uint64_t i = 0; i < n; i++) {
		struct pith_msg m = pith_msg(LABEL_ECHO, 0, 0);

		pith_call(ep, &m);
	}
}

static void calls_256b(uint64_t n, uint64_t ep)
{
	for (uint64_t i = 0; i < n; i++) {
		struct pith_msg m = pith_msg(LABEL_ECHO, PITH_MSG_MAX_WORDS, 0);

		pith_call(ep, &m);
	}
}

static void calls_with_cap(uint64_t n, uint64_t ep)
{
	pith_ipc_buffer()->caps[0] = PITH_SLOT_DEBUG;
	for (uint64_t i = 0; i < n; i++) {
		struct pith_msg m = pith_msg(LABEL_ECHO, 0, 1);

		pith_call(ep, &m);
	}
}

static void cleanup(uint64_t ep)
{
	struct pith_msg m = pith_msg(LABEL_CLEANUP, 0, 0);

	check(pith_call(ep, &m), "cleanup");
}

static void notify_round_trips(uint64_t n, uint64_t arg)
{
	uint64_t word;

	(void)arg;
	for (uint64_t i = 0; i < n; i++) {
		pith_signal(ping);
		pith_wait(pong, &word);
	}
}

/* ---- the benchmarks ---------------------------------------------------- */

static void bench_syscalls(void)
{
	struct pith_thread peer = {0};

	measure("null_syscall", null_syscalls, NULL, 0, 1);
	/* Two threads yielding to each other: each yield one switch. */
	if (thread(&peer, yield_forever, 0))
		measure("yield_switch", null_syscalls, NULL, 0, 2);
	pith_thread_destroy(&peer);
}

static void bench_same_as(pith_cptr_t ep)
{
	struct pith_thread server = {0}, echo = {0};

	if (thread(&server, serve_thread, ep))
		measure("ipc_rt_same_as", calls, NULL, ep, 1);
	pith_thread_destroy(&server);
	if (thread(&echo, notify_echo, 0))
		measure("notify_rt", notify_round_trips, NULL, 0, 1);
	pith_thread_destroy(&echo);
}

static void bench_cross_as(pith_cptr_t ep)
{
	struct pith_spawn_cap cap = {.cap = ep};
	struct pith_process server = {0};

	if (spawn(&server, "bench-server", ROLE_SERVER, &cap, 1,
		  (struct pith_spawn_cap){0}, 0, 0)) {
		measure("ipc_rt_cross_as", calls, NULL, ep, 1);
		measure("ipc_rt_cross_as_256b", calls_256b, NULL, ep, 1);
		measure("ipc_rt_cap_transfer", calls_with_cap, cleanup, ep, 1);
	}
	check(pith_process_destroy(&server), "destroy the server");
}

/* The fault handler: map a frame at each faulting address and reply,
 * until the faulter reports a batch; unmap them all, then go on. */
static bool handle_faults(pith_cptr_t ep, const struct pith_process *p,
			  const pith_cptr_t *frames, uint64_t *tenths,
			  unsigned batches, struct pith_vm_tables *tables)
{
	struct pith_msg m = {0};
	unsigned done = 0;

	if (!check(pith_recv(ep, &m), "fault receive"))
		return false;
	while (done < batches) {
		if (m.badge == LABEL_RESULT) {
			tenths[done++] = m.mr[0] * 10 / FAULT_PAGES;
			for (unsigned i = 0; i < FAULT_PAGES; i++)
				pith_frame_unmap(frames[i]);
			m = pith_msg(0, 0, 0);
		} else {
			uint64_t va = m.mr[PITH_FAULT_ADDRESS] & ~0xfffULL;
			uint64_t i = (va - FAULT_REGION) / 4096;
			struct pith_vm_tables made = {0};

			if (PITH_MSGINFO_LABEL(m.info) != PITH_FAULT_PAGE ||
			    va < FAULT_REGION || i >= FAULT_PAGES) {
				bench_printf("bench: unexpected fault at "
					     "0x%llx\n",
					     (unsigned long long)va);
				failed = true;
				return false;
			}
			if (!check(pith_vm_map_at(p->vspace, frames[i], va,
						  PITH_RIGHT_READ, &made),
				   "map"))
				return false;
			for (unsigned k = 0; k < made.count; k++)
				tables->slot[tables->count++] = made.slot[k];
			m = pith_msg(0, 0, 0);
		}
		if (done == batches)
			break;
		pith_reply_recv(ep, &m);
	}
	/* Let the faulter finish: it exits, and is destroyed. */
	return check(pith_reply(&m), "last reply");
}

static void bench_faults(pith_cptr_t ep)
{
	static pith_cptr_t frames[FAULT_PAGES];
	uint64_t tenths[BATCHES + 1];
	struct pith_spawn_cap results = {.cap = ep, .badge = LABEL_RESULT};
	struct pith_spawn_cap fault = {.cap = ep, .badge = 1};
	struct pith_vm_tables tables = {0};
	struct pith_process faulter = {0};

	for (unsigned i = 0; i < FAULT_PAGES; i++)
		if (!check(pith_alloc_object(PITH_OBJ_FRAME_4K, 0, &frames[i]),
			   "frame"))
			return;
	/* The first batch, which makes the page table, is the warm-up. */
	if (spawn(&faulter, "bench-faulter", ROLE_FAULTER, &results, 1, fault,
		  FAULT_REGION, BATCHES + 1) &&
	    handle_faults(ep, &faulter, frames, tenths, BATCHES + 1, &tables) &&
	    !failed)
		report("fault_rt", tenths + 1, BATCHES);
	check(pith_process_destroy(&faulter), "destroy the faulter");
	for (unsigned i = 0; i < tables.count; i++)
		pith_slot_free(tables.slot[i]);
	for (unsigned i = 0; i < FAULT_PAGES; i++)
		pith_slot_free(frames[i]);
}

/* Iterations per batch from a decimal number: 1 to ITERATIONS_MAX. */
static bool set_iterations(const char *value)
{
	uint64_t n = 0;
	const char *p = value;

	for (; *p >= '0' && *p <= '9' && n <= ITERATIONS_MAX; p++)
		n = n * 10 + (uint64_t)(*p - '0');
	if (*p || n < 1 || n > ITERATIONS_MAX) {
		bench_printf("bench: iterations %s: 1 to %u expected\n", value,
			     ITERATIONS_MAX);
		return false;
	}
	iterations = n;
	return true;
}

/* The root task's options: bench.iterations=N on the command line. */
static void read_options(void)
{
	char value[16];

	if (cmdline_get(pith_bootinfo->cmdline, "bench.iterations", value,
			sizeof(value)))
		set_iterations(value);
}

/* The highest priority this program may give itself: its MCP (setting
 * the MCP to that leaves it as it is). */
static unsigned own_mcp(void)
{
	unsigned p = ROOT_PRIORITY;

	while (p > 0 && pith_tcb_set_mc_priority(PITH_SLOT_TCB, PITH_SLOT_TCB,
						 p) != PITH_OK)
		p--;
	return p;
}

/* This program's file, for the copies it spawns: in the initrd, which
 * the root task has, and a spawned bench is given (`initrd`). */
static bool find_image(void)
{
	const struct pith_startinfo *si = pith_startinfo;
	enum cpio_error why = CPIO_OK;
	pith_cptr_t first;
	unsigned frames;
	uint64_t va;

	if (pith_bootinfo)
		return check(pith_initrd_find("bench", &image, &why),
			     "bench in the initrd");
	first = pith_cap_range("initrd", &frames);
	if (!first || !si->initrd_size ||
	    si->initrd_size > frames * PITH_PAGE_SIZE) {
		bench_printf("bench: no initrd capability: cannot spawn the "
			     "benchmarks' partners\n");
		return false;
	}
	if (!check(pith_vm_map_frames(first, frames, PITH_RIGHT_READ, &va),
		   "map the initrd"))
		return false;
	if (pith_archive_find((const void *)(uintptr_t)va, si->initrd_size,
			      "bench", &image, &why) == PITH_OK)
		return true;
	bench_printf("bench: bench in the initrd: %s\n", cpio_strerror(why));
	return false;
}

/* A bench that procmgr started: its iterations from argv[1], output on
 * its console, its partners in address spaces from its ASID pool, all at
 * the highest priority it may use. */
static bool spawned_setup(int argc, char **argv)
{
	asid_pool = pith_cap("asid");
	if (argc > 2) {
		bench_printf("bench: usage: bench [ITERATIONS]\n");
		return false;
	}
	if (argc == 2 && !set_iterations(argv[1]))
		return false;
	if (!asid_pool) {
		bench_printf("bench: no ASID pool (asid): cannot make the "
			     "benchmarks' address spaces\n");
		return false;
	}
	priority = own_mcp();
	return check(
		pith_tcb_set_priority(PITH_SLOT_TCB, PITH_SLOT_TCB, priority),
		"priority");
}

int main(int argc, char **argv)
{
	const struct pith_startinfo *si = pith_startinfo;
	pith_cptr_t ep = 0;

	if (si && si->args[0])
		return bench_child(); /* a partner this program spawned */
	if (si && !spawned_setup(argc, argv))
		return 1;
	if (!si)
		read_options();
	bench_printf("bench: %llu iterations per batch, %u batches; TSC %llu "
		     "kHz\n",
		     (unsigned long long)iterations, BATCHES,
		     (unsigned long long)(si ? si->tsc_khz
					     : pith_bootinfo->tsc_khz));
	if (!find_image() ||
	    !check(pith_alloc_object(PITH_OBJ_ENDPOINT, 0, &ep), "endpoint") ||
	    !check(pith_alloc_object(PITH_OBJ_NOTIFICATION, 0, &ping),
		   "notification") ||
	    !check(pith_alloc_object(PITH_OBJ_NOTIFICATION, 0, &pong),
		   "notification"))
		return 1;
	bench_syscalls();
	bench_same_as(ep);
	bench_cross_as(ep);
	bench_faults(ep);
	bench_printf("bench: %s\n", failed ? "failed" : "done");
	return failed ? 1 : 0;
}
