/*
 * The fuzzer's world and the kernel's invariants (see world.h).
 */
#include "world.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps/asid.h"
#include "caps/cdt.h"
#include "caps/cnode.h"
#include "caps/tcb.h"
#include "ipc/endpoint.h"
#include "ipc/notification.h"
#include "kernel/arch.h"
#include "kernel/mem.h"
#include "kernel/sched.h"
#include "kernel/syscall.h"
#include "machine.h"
#include "pith/ipc_buffer.h"

struct cte *w_root;
struct tcb *w_thread[W_THREADS];

static uint64_t boot_next;

_Noreturn void world_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz: invariant broken: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	abort();
}

static void *boot_alloc(unsigned bits)
{
	uint64_t size = 1ULL << bits;
	uint64_t pa = (boot_next + size - 1) & ~(size - 1);
	void *p;

	if (pa + size > MACHINE_BOOT_BASE + W_BOOT_BYTES)
		world_fail("boot area full");
	boot_next = pa + size;
	p = phys_to_virt(pa);
	memset(p, 0, size);
	return p;
}

/* ---- building it --------------------------------------------------------- */

static void put(uint64_t slot, struct cap c)
{
	cdt_insert(NULL, &w_root[slot], c, MDB_REVOCABLE);
}

/* The root thread invokes `cptr` (the system-call layer, without leaving
 * the kernel); a failure while building is the kernel's. */
static void call(uint64_t label, uint64_t cptr, const uint64_t *words,
		 unsigned nwords, const uint64_t *caps, unsigned ncaps)
{
	struct tcb *t = w_thread[0];
	struct pith_ipc_buffer *ipc = tcb_ipc_buffer(t);

	t->ctx.rax = PITH_SYS_CALL;
	t->ctx.rdi = cptr;
	t->ctx.rsi = PITH_MSGINFO(label, nwords, ncaps);
	for (unsigned i = 0; i < nwords; i++) {
		if (i < PITH_MSG_REGISTER_WORDS)
			arch_set_message_register(&t->ctx, i, words[i]);
		else
			ipc->mr[i] = words[i];
	}
	for (unsigned i = 0; i < ncaps; i++)
		ipc->caps[i] = caps[i];
	syscall_handle(t);
	if (t->ctx.rax != PITH_OK)
		world_fail("building the world: invocation 0x%llx on %llu: "
			   "error %llu",
			   (unsigned long long)label, (unsigned long long)cptr,
			   (unsigned long long)t->ctx.rax);
}

#define N(...)	   (sizeof((const uint64_t[]){__VA_ARGS__}) / sizeof(uint64_t))
#define WORDS(...) ((const uint64_t[]){__VA_ARGS__}), (unsigned)N(__VA_ARGS__)
#define NONE	   NULL, 0
#define DEPTH	   64

static void retype(uint64_t ut, unsigned type, uint64_t bits, uint64_t dest,
		   uint64_t num)
{
	call(PITH_INV_UNTYPED_RETYPE, ut, WORDS(type, bits, 0, 0, dest, num),
	     WORDS(W_CNODE));
}

static void mint(uint64_t dest, uint64_t src, uint64_t rights, uint64_t data)
{
	call(PITH_INV_CNODE_MINT, W_CNODE,
	     WORDS(dest, DEPTH, src, DEPTH, rights, data), WORDS(W_CNODE));
}

static void boot_caps(void)
{
	struct cte *ipc = boot_alloc(12);

	put(W_TCB, (struct cap){.type = PITH_CAP_TCB,
				.rights = PITH_RIGHTS_ALL,
				.tcb.tcb = w_thread[0]});
	put(W_CNODE, (struct cap){.type = PITH_CAP_CNODE,
				  .rights = PITH_RIGHTS_ALL,
				  .size_bits = W_ROOT_BITS,
				  .u32 = 64 - W_ROOT_BITS,
				  .cnode.slots = w_root});
	put(W_UNTYPED, (struct cap){.type = PITH_CAP_UNTYPED,
				    .rights = PITH_RIGHTS_ALL,
				    .size_bits = W_UNTYPED_BITS,
				    .untyped.paddr = MACHINE_RAM_BASE});
	put(W_DEVICE, (struct cap){.type = PITH_CAP_UNTYPED,
				   .rights = PITH_RIGHTS_ALL,
				   .size_bits = W_DEVICE_BITS,
				   .flags = CAP_F_DEVICE,
				   .untyped.paddr = MACHINE_DEVICE_BASE});
	put(W_IRQ_CONTROL, (struct cap){.type = PITH_CAP_IRQ_CONTROL,
					.rights = PITH_RIGHTS_ALL});
	put(W_IOPORT_CONTROL, (struct cap){.type = PITH_CAP_IOPORT_CONTROL,
					   .rights = PITH_RIGHTS_ALL});
	put(W_ASID_CONTROL, (struct cap){.type = PITH_CAP_ASID_CONTROL,
					 .rights = PITH_RIGHTS_ALL});
	put(W_DEBUG,
	    (struct cap){.type = PITH_CAP_DEBUG, .rights = PITH_RIGHTS_ALL});
	put(W_IPC_FRAME,
	    (struct cap){.type = PITH_CAP_FRAME,
			 .rights = PITH_RIGHT_READ | PITH_RIGHT_WRITE,
			 .size_bits = 12,
			 .page.paddr = virt_to_phys(ipc)});
	/* The root thread's CSpace and IPC buffer, as the boot code gives
	 * them; its VSpace comes with TCB.Configure below. */
	cdt_insert(&w_root[W_CNODE], &w_thread[0]->slots[TCB_SLOT_CSPACE],
		   w_root[W_CNODE].cap, 0);
	cdt_insert(&w_root[W_IPC_FRAME],
		   &w_thread[0]->slots[TCB_SLOT_IPC_BUFFER],
		   w_root[W_IPC_FRAME].cap, 0);
	tcb_set_ipc_buffer(w_thread[0], W_IPC_VADDR);
}

static void thread(unsigned i, uint64_t slot, uint64_t vs, uint64_t frame,
		   unsigned prio)
{
	call(PITH_INV_TCB_CONFIGURE, slot,
	     WORDS(0, 0, W_IPC_VADDR + 0x1000ULL * i),
	     WORDS(W_CNODE, vs, frame));
	call(PITH_INV_TCB_SET_PRIORITY, slot, WORDS(prio), WORDS(W_TCB));
	call(PITH_INV_TCB_SET_MC_PRIORITY, slot, WORDS(prio), WORDS(W_TCB));
	w_thread[i] = w_root[slot].cap.tcb.tcb;
}

static void exit_path(void *arg)
{
	(void)arg;
	sched_exit_to_user();
}

/* A root CNode, a root thread and the boot capabilities, in fresh boot
 * memory, as the kernel's boot code makes them. */
static void boot_root(void)
{
	boot_next = MACHINE_BOOT_BASE;
	w_root = boot_alloc(W_ROOT_BITS + CTE_SIZE_BITS);
	w_thread[0] = boot_alloc(11);
	tcb_init(w_thread[0], "root");
	w_thread[0]->mcp = 255;
	w_thread[0]->priority = 100;
	boot_caps();
}

void world_build(void)
{
	machine_reset_partly(W_BOOT_BYTES, 1u << W_DEVICE_BITS,
			     1u << W_UNTYPED_BITS);
	sched_init(2, 8);
	boot_root();

	/* Address spaces A and B, endpoints, notifications, threads. */
	retype(W_UNTYPED, PITH_OBJ_UNTYPED, 12, W_POOL_UT, 1);
	call(PITH_INV_ASID_CONTROL_MAKE_POOL, W_ASID_CONTROL,
	     WORDS(W_POOL, DEPTH), WORDS(W_POOL_UT, W_CNODE));
	retype(W_UNTYPED, PITH_OBJ_VSPACE, 0, W_VS_A, 2);
	call(PITH_INV_ASID_POOL_ASSIGN, W_POOL, NONE, WORDS(W_VS_A));
	call(PITH_INV_ASID_POOL_ASSIGN, W_POOL, NONE, WORDS(W_VS_B));
	retype(W_UNTYPED, PITH_OBJ_ENDPOINT, 0, W_EP1, 2);
	retype(W_UNTYPED, PITH_OBJ_NOTIFICATION, 0, W_NTFN1, 2);
	retype(W_UNTYPED, PITH_OBJ_TCB, 0, W_T1, 3);
	retype(W_UNTYPED, PITH_OBJ_FRAME_4K, 0, W_FRAME1, 3);
	mint(W_EP1_BADGED, W_EP1, PITH_RIGHTS_ALL, 0x11);
	mint(W_NTFN1_BADGED, W_NTFN1, PITH_RIGHTS_ALL, 0x100);
	mint(W_EP1_READ, W_EP1, PITH_RIGHT_READ, 0);
	call(PITH_INV_TCB_CONFIGURE, W_TCB, WORDS(0, 0, W_IPC_VADDR),
	     WORDS(W_CNODE, W_VS_A, W_IPC_FRAME));
	thread(1, W_T1, W_VS_A, W_FRAME1, 100);
	thread(2, W_T1 + 1, W_VS_B, W_FRAME1 + 1, 150);
	thread(3, W_T1 + 2, W_VS_A, W_FRAME1 + 2, 50);
	for (unsigned i = 0; i < W_THREADS; i++)
		call(PITH_INV_TCB_RESUME, i ? W_T1 + i - 1 : W_TCB, NONE, NONE);
	if (!machine_leave_kernel(exit_path, NULL))
		world_fail("no thread runs in the new world");
	world_check("world_build");
}

/* ---- the kernel forgot everything ---------------------------------------- */

static void check_tables_empty(void)
{
	struct asid_pool *p = boot_alloc(12 + 6);
	bool marked;

	if (sched_current)
		world_fail("after destroying everything, thread '%s' runs",
			   sched_current->name);
	for (unsigned prio = 0; prio < SCHED_PRIORITIES; prio++) {
		struct tcb *h = sched_ready_head(prio, &marked);

		if (h || marked)
			world_fail("after destroying everything, priority "
				   "%u has a ready queue",
				   prio);
	}
	for (unsigned i = 0; i < ASID_POOLS; i++) {
		if (asid_pool_register(&p[i]) != (uint64_t)i << ASID_POOL_BITS)
			world_fail("after destroying everything, ASID pool "
				   "%u is still registered",
				   i);
	}
	for (unsigned i = 0; i < ASID_POOLS; i++)
		asid_pool_destroy(&p[i], (uint64_t)i << ASID_POOL_BITS);
}

/* Every interrupt and port can be issued again: through a new root (the
 * old one is gone), whose control capabilities are then revoked. */
static void check_irqs_and_ports_free(void)
{
	uint64_t slot = W_FREE;

	boot_root();
	call(PITH_INV_IRQ_CONTROL_GET_MSI, W_IRQ_CONTROL, WORDS(slot, DEPTH),
	     WORDS(W_CNODE));
	for (unsigned g = 0; g < MACHINE_GSI_COUNT; g++)
		call(PITH_INV_IRQ_CONTROL_GET_IOAPIC, W_IRQ_CONTROL,
		     WORDS(g, 0, 0, ++slot, DEPTH), WORDS(W_CNODE));
	call(PITH_INV_IOPORT_CONTROL_ISSUE, W_IOPORT_CONTROL,
	     WORDS(0, 0xffff, ++slot, DEPTH), WORDS(W_CNODE));
	cte_revoke(&w_root[W_IRQ_CONTROL]);
	cte_revoke(&w_root[W_IOPORT_CONTROL]);
}

#define MAX_SLOTS   8192
#define MAX_OBJECTS 2048

/* Every slot holding a capability that world_check() found (collect()),
 * in a list and in a hash set. */
static const struct cte *slots[MAX_SLOTS];
static const struct cte *slot_set[2 * MAX_SLOTS];
static unsigned nslots;

/* Revoke and delete the capability in `s`, if it still holds one. */
static void remove_all(struct cte *s)
{
	if (s->cap.type == PITH_CAP_NULL)
		return;
	cte_revoke(s);
	if (s->cap.type != PITH_CAP_NULL)
		cte_delete(s);
}

void world_destroy(void)
{
	world_check("before world_destroy");
	/* Revoke every derivation list from its head, wherever the fuzzer
	 * moved it: the untyped first (every object), then the rest. The
	 * slots found stay readable as they empty: nothing is made meanwhile.
	 */
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned i = 0; i < nslots; i++) {
			struct cte *s = (struct cte *)slots[i];

			if (!s->mdb_prev &&
			    (pass || s->cap.type == PITH_CAP_UNTYPED))
				remove_all(s);
		}
	}
	for (uint64_t s = 0; s < (1ULL << W_ROOT_BITS); s++)
		remove_all(&w_root[s]);
	tcb_suspend(w_thread[0]);
	for (unsigned s = 0; s < TCB_SLOTS; s++)
		remove_all(&w_thread[0]->slots[s]);
	check_tables_empty();
	check_irqs_and_ports_free();
}

/* ---- invariants ---------------------------------------------------------- */

static unsigned slot_hash(const struct cte *s)
{
	return (unsigned)(((uintptr_t)s >> 5) * 0x9e3779b97f4a7c15ULL >> 40) %
	       (2 * MAX_SLOTS);
}

static bool have_slot(const struct cte *s)
{
	for (unsigned h = slot_hash(s); slot_set[h];
	     h = (h + 1) % (2 * MAX_SLOTS)) {
		if (slot_set[h] == s)
			return true;
	}
	return false;
}

static void add_slot(const struct cte *s)
{
	unsigned h = slot_hash(s);

	while (slot_set[h])
		h = (h + 1) % (2 * MAX_SLOTS);
	slot_set[h] = s;
	slots[nslots++] = s;
}

static void collect_list(const struct cte *s, const char *step)
{
	unsigned n = 0;

	while (s->mdb_prev) {
		if (s->mdb_prev->mdb_next != s)
			world_fail("%s: derivation list: prev/next disagree",
				   step);
		s = s->mdb_prev;
		if (++n > MAX_SLOTS)
			world_fail("%s: derivation list: a cycle", step);
	}
	if (have_slot(s))
		return;
	for (; s; s = s->mdb_next) {
		if (s->cap.type == PITH_CAP_NULL || s->cap.type == CAP_ZOMBIE)
			world_fail("%s: derivation list: slot %p holds %s",
				   step, (const void *)s,
				   s->cap.type ? "a zombie" : "nothing");
		if (s->mdb_next && s->mdb_next->mdb_prev != s)
			world_fail("%s: derivation list: next/prev disagree",
				   step);
		if (nslots == MAX_SLOTS)
			world_fail("%s: more than %u capabilities", step,
				   MAX_SLOTS);
		add_slot(s);
	}
}

struct object {
	uint64_t base, size;
	unsigned type;
};

static struct object objects[MAX_OBJECTS];
static unsigned nobjects;

static int by_base(const void *a, const void *b)
{
	const struct object *x = a, *y = b;

	return x->base < y->base ? -1 : x->base > y->base;
}

/* The untyped capabilities found, child untyped included. */
static const struct cap *untypeds[MAX_OBJECTS];
static unsigned nuntypeds;

static bool in_world_memory(uint64_t base, uint64_t size)
{
	return (base >= MACHINE_RAM_BASE &&
		base + size <= MACHINE_RAM_BASE + (1ULL << W_UNTYPED_BITS)) ||
	       (base >= MACHINE_DEVICE_BASE &&
		base + size <= MACHINE_DEVICE_BASE + (1ULL << W_DEVICE_BITS));
}

/* An object (or child untyped) at [base, base + size) that overlaps the
 * untyped u must lie below its watermark, and u must know it has
 * children: else its next retype would hand the memory out again. */
static void check_below_watermark(const struct cap *u, uint64_t base,
				  uint64_t size, unsigned type,
				  const char *step)
{
	uint64_t lo = u->untyped.paddr, hi = lo + (1ULL << u->size_bits);

	if (base >= hi || base + size <= lo)
		return; /* elsewhere */
	if (type == PITH_CAP_UNTYPED && (base < lo || base + size > hi ||
					 (base == lo && base + size == hi)))
		return; /* an untyped around u, or u itself */
	if (base < lo || base + size > lo + u->untyped.watermark)
		world_fail("%s: object type %u at 0x%llx (0x%llx bytes) past "
			   "the watermark of the untyped at 0x%llx (0x%llx)",
			   step, type, (unsigned long long)base,
			   (unsigned long long)size, (unsigned long long)lo,
			   (unsigned long long)u->untyped.watermark);
}

/*
 * Untyped accounting: every object lies in the world's memory, no two
 * objects overlap, and an object in an untyped's block lies below that
 * untyped's watermark (so no retype can hand it out again). Untyped
 * capabilities cannot be copied, so each block has one watermark. (An
 * untyped deleted before its objects leaves them in no block: their
 * memory comes back only with them.)
 */
static void check_memory(const char *step)
{
	nobjects = 0;
	nuntypeds = 0;
	for (unsigned i = 0; i < nslots; i++) {
		const struct cap *c = &slots[i]->cap;
		uint64_t base, size;

		if (c->type == PITH_CAP_UNTYPED) {
			if (c->untyped.watermark > 1ULL << c->size_bits)
				world_fail("%s: untyped watermark 0x%llx "
					   "past its size",
					   step,
					   (unsigned long long)
						   c->untyped.watermark);
			if (nuntypeds == MAX_OBJECTS)
				world_fail("%s: too many untyped", step);
			untypeds[nuntypeds++] = c;
			continue;
		}
		if (!cap_region(c, &base, &size) ||
		    (base >= MACHINE_BOOT_BASE &&
		     base < MACHINE_BOOT_BASE + W_BOOT_BYTES))
			continue; /* no memory, or made at boot */
		if (!in_world_memory(base, size))
			world_fail("%s: object type %u at 0x%llx outside the "
				   "world's memory",
				   step, c->type, (unsigned long long)base);
		for (unsigned k = 0; k < nobjects; k++) {
			if (objects[k].base == base &&
			    objects[k].size == size &&
			    objects[k].type == c->type)
				goto seen;
		}
		if (nobjects == MAX_OBJECTS)
			world_fail("%s: too many objects", step);
		objects[nobjects++] = (struct object){
			.base = base, .size = size, .type = c->type};
	seen:;
	}
	qsort(objects, nobjects, sizeof(objects[0]), by_base);
	for (unsigned k = 0; k + 1 < nobjects; k++) {
		if (objects[k].base + objects[k].size > objects[k + 1].base)
			world_fail("%s: objects overlap: type %u at 0x%llx "
				   "(0x%llx bytes) and type %u at 0x%llx",
				   step, objects[k].type,
				   (unsigned long long)objects[k].base,
				   (unsigned long long)objects[k].size,
				   objects[k + 1].type,
				   (unsigned long long)objects[k + 1].base);
	}
	for (unsigned u = 0; u < nuntypeds; u++) {
		for (unsigned k = 0; k < nobjects; k++)
			check_below_watermark(untypeds[u], objects[k].base,
					      objects[k].size, objects[k].type,
					      step);
		for (unsigned v = 0; v < nuntypeds; v++)
			check_below_watermark(untypeds[u],
					      untypeds[v]->untyped.paddr,
					      1ULL << untypeds[v]->size_bits,
					      PITH_CAP_UNTYPED, step);
	}
}

/* ---- threads ---- */

static const struct tcb *tcbs[MAX_OBJECTS];
static unsigned ntcbs;
static unsigned queued[MAX_OBJECTS]; /* how many queues each is in */

static int tcb_index(const struct tcb *t)
{
	for (unsigned i = 0; i < ntcbs; i++) {
		if (tcbs[i] == t)
			return (int)i;
	}
	return -1;
}

static bool live_object(unsigned type, const void *obj)
{
	for (unsigned i = 0; i < nslots; i++) {
		const struct cap *c = &slots[i]->cap;

		if (c->type != type)
			continue;
		if ((type == PITH_CAP_ENDPOINT && c->endpoint.ep == obj) ||
		    (type == PITH_CAP_NOTIFICATION &&
		     c->notification.ntfn == obj))
			return true;
	}
	return false;
}

/* A thread found in a queue: live, and counted. */
static void in_queue(const struct tcb *t, const char *queue, const char *step)
{
	int i = tcb_index(t);

	if (i < 0)
		world_fail("%s: a thread no capability names is in %s", step,
			   queue);
	queued[i]++;
}

static void check_ipc_queue(const struct ipc_queue *q, const void *obj,
			    enum tcb_state want, const char *what,
			    const char *step)
{
	const struct tcb *prev = NULL;
	unsigned n = 0;

	for (const struct tcb *t = q->head; t; prev = t, t = t->ipc_next) {
		in_queue(t, what, step);
		if (t->ipc_prev != prev)
			world_fail("%s: %s queue: prev link wrong", step, what);
		if (t->blocked_on != obj || t->state != want)
			world_fail("%s: thread '%s' in %s queue in state %u, "
				   "blocked on %p",
				   step, t->name, what, t->state,
				   t->blocked_on);
		if (++n > MAX_OBJECTS)
			world_fail("%s: %s queue: a cycle", step, what);
	}
	if (q->tail != prev)
		world_fail("%s: %s queue: tail wrong", step, what);
}

static void check_queues(const char *step)
{
	bool marked;

	memset(queued, 0, sizeof(queued));
	for (unsigned prio = 0; prio < SCHED_PRIORITIES; prio++) {
		const struct tcb *h = sched_ready_head(prio, &marked);
		const struct tcb *t = h;
		unsigned n = 0;

		if (!h != !marked)
			world_fail("%s: priority %u: bitmap %d, queue %p", step,
				   prio, marked, (const void *)h);
		do {
			if (!t)
				break;
			in_queue(t, "a ready queue", step);
			if (t->priority != prio || t->state != TCB_RUNNABLE ||
			    t == sched_current)
				world_fail("%s: thread '%s' (priority %u, "
					   "state %u) in the ready queue of "
					   "%u%s",
					   step, t->name, t->priority, t->state,
					   prio,
					   t == sched_current ? ", running"
							      : "");
			if (t->sched_next->sched_prev != t)
				world_fail("%s: ready queue %u: links", step,
					   prio);
			if (++n > MAX_OBJECTS)
				world_fail("%s: ready queue %u: no ring", step,
					   prio);
			t = t->sched_next;
		} while (t != h);
	}
	for (unsigned i = 0; i < nslots; i++) {
		const struct cap *c = &slots[i]->cap;

		if (c->type == PITH_CAP_ENDPOINT) {
			const struct endpoint *ep = c->endpoint.ep;

			if (ep->state != EP_IDLE && !ep->queue.head)
				world_fail("%s: endpoint in state %llu with "
					   "no thread waiting",
					   step, (unsigned long long)ep->state);
			if (ep->state == EP_IDLE && ep->queue.head)
				world_fail("%s: idle endpoint with threads "
					   "waiting",
					   step);
			/* Count each endpoint once: at its first cap. */
			if (slots[i]->mdb_prev &&
			    slots[i]->mdb_prev->cap.type == PITH_CAP_ENDPOINT &&
			    slots[i]->mdb_prev->cap.endpoint.ep == ep)
				continue;
			check_ipc_queue(&ep->queue, ep,
					ep->state == EP_SEND ? TCB_BLOCKED_SEND
							     : TCB_BLOCKED_RECV,
					"an endpoint", step);
		} else if (c->type == PITH_CAP_NOTIFICATION) {
			const struct notification *n = c->notification.ntfn;

			if (slots[i]->mdb_prev &&
			    slots[i]->mdb_prev->cap.type ==
				    PITH_CAP_NOTIFICATION &&
			    slots[i]->mdb_prev->cap.notification.ntfn == n)
				continue;
			check_ipc_queue(&n->queue, n, TCB_BLOCKED_NOTIFY,
					"a notification", step);
			if (n->bound &&
			    (tcb_index(n->bound) < 0 || n->bound->bound != n))
				world_fail("%s: notification bound to a "
					   "thread that is not bound to it",
					   step);
			if (n->word && n->queue.head)
				world_fail("%s: a signalled notification "
					   "with waiters",
					   step);
		}
	}
}

static bool reply_cap_to(const struct tcb *t)
{
	for (unsigned i = 0; i < nslots; i++) {
		const struct cap *c = &slots[i]->cap;

		if (c->type == PITH_CAP_REPLY && c->reply.tcb == t)
			return true;
	}
	return false;
}

/* Each thread is in exactly the one queue its state says. */
static void check_threads(const char *step)
{
	ntcbs = 0;
	for (unsigned i = 0; i < nslots; i++) {
		const struct cap *c = &slots[i]->cap;

		if (c->type == PITH_CAP_TCB && tcb_index(c->tcb.tcb) < 0) {
			if (ntcbs == MAX_OBJECTS)
				world_fail("%s: too many threads", step);
			tcbs[ntcbs++] = c->tcb.tcb;
		}
	}
	if (sched_current && tcb_index(sched_current) < 0)
		world_fail("%s: the running thread has no capability", step);
	if (sched_boosted && tcb_index(sched_boosted) < 0)
		world_fail("%s: the boosted thread has no capability", step);
	check_queues(step);
	for (unsigned i = 0; i < ntcbs; i++) {
		const struct tcb *t = tcbs[i];
		unsigned want = 1;

		switch (t->state) {
		case TCB_RUNNABLE:
			want = t == sched_current ? 0 : 1;
			break;
		case TCB_BLOCKED_SEND:
		case TCB_BLOCKED_RECV:
			if (!live_object(PITH_CAP_ENDPOINT, t->blocked_on))
				world_fail("%s: '%s' waits on a dead "
					   "endpoint",
					   step, t->name);
			break;
		case TCB_BLOCKED_NOTIFY:
			if (!live_object(PITH_CAP_NOTIFICATION, t->blocked_on))
				world_fail("%s: '%s' waits on a dead "
					   "notification",
					   step, t->name);
			break;
		case TCB_BLOCKED_REPLY:
			want = 0;
			if (!reply_cap_to(t))
				world_fail("%s: '%s' waits for a reply no "
					   "capability can give",
					   step, t->name);
			break;
		case TCB_INACTIVE:
			want = 0;
			break;
		default:
			world_fail("%s: '%s' in state %u", step, t->name,
				   t->state);
		}
		if (queued[i] != want)
			world_fail("%s: '%s' (state %u%s) is in %u queues, "
				   "not %u",
				   step, t->name, t->state,
				   t == sched_current ? ", running" : "",
				   queued[i], want);
		if (t != sched_current && t->state != TCB_RUNNABLE &&
		    t->sched_next)
			world_fail("%s: '%s' not runnable, but linked in a "
				   "ready queue",
				   step, t->name);
		if (t->bound &&
		    (!live_object(PITH_CAP_NOTIFICATION, t->bound) ||
		     t->bound->bound != t))
			world_fail("%s: '%s' bound to a dead or other "
				   "notification",
				   step, t->name);
	}
	if (sched_current && sched_current->state != TCB_RUNNABLE)
		world_fail("%s: the running thread is in state %u", step,
			   sched_current->state);
}

/* Containers (CNodes and threads, by their slot arrays) already scanned. */
static const struct cte *containers[MAX_OBJECTS];
static unsigned ncontainers;

/* Collect the lists through every slot of a container, once. */
static void collect_container(const struct cte *in, uint64_t n,
			      const char *step)
{
	for (unsigned i = 0; i < ncontainers; i++) {
		if (containers[i] == in)
			return;
	}
	if (ncontainers == MAX_OBJECTS)
		world_fail("%s: too many CNodes and threads", step);
	containers[ncontainers++] = in;
	for (uint64_t k = 0; k < n; k++) {
		if (in[k].cap.type != PITH_CAP_NULL)
			collect_list(&in[k], step);
	}
}

/*
 * Every capability the threads can still reach: the derivation lists
 * through every slot of the root CNode and the root thread, and then,
 * again and again, through every slot of each CNode and thread a
 * capability found names. A list loses its head when that capability is
 * deleted (its children head their own lists): so lists are found through
 * their slots, not their heads. (Capabilities only in CNodes no thread
 * can reach any more are lost to user space, and to this check.)
 */
static void collect(const char *step)
{
	memset(slot_set, 0, sizeof(slot_set));
	nslots = 0;
	ncontainers = 0;
	collect_container(w_root, 1ULL << W_ROOT_BITS, step);
	collect_container(w_thread[0]->slots, TCB_SLOTS, step);
	for (unsigned i = 0; i < nslots; i++) {
		const struct cap *c = &slots[i]->cap;

		if (c->type == PITH_CAP_CNODE)
			collect_container(c->cnode.slots, 1ULL << c->size_bits,
					  step);
		else if (c->type == PITH_CAP_TCB)
			collect_container(c->tcb.tcb->slots, TCB_SLOTS, step);
	}
}

void world_check(const char *step)
{
	collect(step);
	check_memory(step);
	check_threads(step);
}
