/*
 * init, the root task: the first user program, started by the kernel with
 * every capability in the system. It reads the manifest from the initrd,
 * starts each server it names with exactly the capabilities its line
 * grants, and then serves: the `init` protocol for its clients, and the
 * exit and fault messages of its servers, which it restarts
 * (docs/system.md).
 */
#include "init.h"

#include "lib/cmdline.h"
#include "lib/format.h"
#include "lib/string.h"
#include "pith/random.h"

struct server servers[INIT_SERVERS_MAX];
unsigned nservers;
pith_cptr_t init_ep;

static struct manifest_server manifest[INIT_SERVERS_MAX];
static uint32_t next_pid = 1;
/* Servers started at boot; those still waiting for their `dir=`
 * handles; whether the boot's loop is over (then the last of them
 * says how many started). */
static unsigned started, boot_waiting;
static bool booted;

#define SLOT_SIZE_BITS 6 /* a CNode slot is 64 bytes */

/* Scratch for one spawn's capability list: the framebuffer and initrd
 * options give one entry per frame. */
#define SPAWN_CAPS_MAX 2048
static struct pith_spawn_cap spawn_caps[SPAWN_CAPS_MAX];

static void report_line(void *ctx, unsigned line, const char *msg)
{
	pith_printf("init: %s:%u: %s\n", (const char *)ctx, line, msg);
}

/* Add n frames from a range of init's slots, all under one name. */
static bool add_frames(unsigned *n, struct pith_slot_range r, uint64_t rights,
		       const char *name)
{
	for (uint64_t slot = r.start; slot < r.end; slot++) {
		if (*n == SPAWN_CAPS_MAX)
			return false;
		spawn_caps[(*n)++] = (struct pith_spawn_cap){
			.cap = slot, .rights = rights, .name = name};
	}
	return true;
}

/* The capability list of a server, as its manifest line says. */
static bool build_caps(struct server *s, unsigned *n,
		       struct pith_spawn_args *args)
{
	const struct pith_bootinfo *bi = pith_bootinfo;
	const struct manifest_server *m = s->m;

	*n = 0;
	spawn_caps[(*n)++] = (struct pith_spawn_cap){.cap = s->service,
						     .rights = PITH_RIGHTS_ALL,
						     .name = "service"};
	for (unsigned i = 0; i < m->ncaps; i++) {
		const struct manifest_cap *c = &m->caps[i];
		struct pith_spawn_cap sc = {.name = c->name};
		const struct manifest_server *t;

		switch (c->kind) {
		case MCAP_IOPORT:
		case MCAP_IRQ:
		case MCAP_DIR:
			sc.cap = s->held[i];
			break;
		case MCAP_ENDPOINT:
			t = manifest_find(manifest, nservers, c->target);
			sc.cap = servers[t - manifest].service;
			sc.rights = PITH_RIGHT_WRITE | PITH_RIGHT_GRANT |
				    PITH_RIGHT_GRANT_REPLY;
			sc.badge = (uint64_t)s->index + 1;
			break;
		case MCAP_FRAMEBUFFER:
			if (!add_frames(n, bi->fb_large_frames, 0, c->name) ||
			    !add_frames(n, bi->fb_small_frames, 0, c->name))
				return false;
			args->framebuffer = &bi->framebuffer;
			continue;
		case MCAP_INITRD:
			if (!add_frames(n, bi->initrd_frames, PITH_RIGHT_READ,
					c->name))
				return false;
			args->initrd_size = bi->initrd_size;
			continue;
		case MCAP_ASID:
			sc.cap = PITH_SLOT_ASID_POOL;
			break;
		case MCAP_INIT:
		case MCAP_POWER:
			sc.cap = init_ep;
			sc.rights = PITH_RIGHT_WRITE | PITH_RIGHT_GRANT_REPLY;
			sc.badge = BADGE_CLIENT | s->index |
				   (c->kind == MCAP_POWER ? BADGE_POWER : 0);
			break;
		case MCAP_DEBUG:
			args->debug =
				(struct pith_spawn_cap){.cap = PITH_SLOT_DEBUG};
			continue;
		}
		if (*n == SPAWN_CAPS_MAX)
			return false;
		s->at[i] = (uint16_t)*n;
		spawn_caps[(*n)++] = sc;
	}
	return true;
}

/* The untyped blocks for `bytes` of memory: powers of two of at least
 * 4 KiB, largest first. */
static unsigned memory_blocks(uint64_t bytes, uint8_t *bits)
{
	unsigned n = 0;

	bytes = (bytes + 4095) & ~4095ULL;
	for (unsigned b = 40; b >= 12 && n < PITH_STARTINFO_MAX_UNTYPED; b--)
		if (bytes & (1ULL << b))
			bits[n++] = (uint8_t)b;
	return n;
}

/* A server's CNode and untyped memory are made from blocks of init's
 * pool of exactly their sizes (memory.c); whatever the pool cannot give
 * comes from init's own memory. */
static void take_blocks(struct server *s, const uint8_t *bits, unsigned n,
			struct pith_spawn_args *args)
{
	s->cnode_block = memory_take(s->m->cnode_bits + SLOT_SIZE_BITS);
	for (unsigned i = 0; i < n; i++)
		s->memory_block[i] = memory_take(bits[i]);
	args->cnode_from = s->cnode_block;
	args->untyped_from = s->memory_block;
}

/* Back to the pool, once the server is gone. */
static void give_blocks(struct server *s)
{
	memory_give(s->cnode_block);
	s->cnode_block = 0;
	for (unsigned i = 0; i < PITH_STARTINFO_MAX_UNTYPED; i++) {
		memory_give(s->memory_block[i]);
		s->memory_block[i] = 0;
	}
}

static uint64_t process_bytes(const struct server *s)
{
	const struct pith_process *p = &s->proc;

	return (p->image.end - p->image.start) * 4096 + s->m->memory +
	       (1ULL << (p->cnode_bits + SLOT_SIZE_BITS)) + 2048;
}

bool server_start(struct server *s)
{
	const struct manifest_server *m = s->m;
	const char *argv[MANIFEST_ARGS_MAX + 1];
	uint8_t bits[PITH_STARTINFO_MAX_UNTYPED];
	struct pith_spawn_args args = {
		.name = m->name,
		.image = s->image,
		.image_size = s->image_size,
		.priority = m->priority,
		.cnode_bits = m->cnode_bits,
		.stack_pages = m->stack_pages,
		.argv = argv,
		.argc = m->nargs + 1,
		.tsc_khz = pith_bootinfo->tsc_khz,
		.exit_ep = {.cap = init_ep,
			    .rights = PITH_RIGHT_WRITE,
			    .badge = BADGE_EXIT | s->index},
		.fault_ep = {.cap = init_ep,
			     .rights = PITH_RIGHT_WRITE,
			     .badge = BADGE_FAULT | s->index},
	};
	enum pith_error err;
	unsigned ncaps;

	argv[0] = m->name;
	for (unsigned i = 0; i < m->nargs; i++)
		argv[i + 1] = m->args[i];
	for (unsigned i = 0; i < 4; i++)
		args.random[i] = pith_random();
	if (!build_caps(s, &ncaps, &args)) {
		pith_printf("init: %s: more than %d capabilities\n", m->name,
			    SPAWN_CAPS_MAX);
		return false;
	}
	args.caps = spawn_caps;
	args.ncaps = ncaps;
	args.untyped_bits = bits;
	args.nuntyped = memory_blocks(m->memory, bits);
	take_blocks(s, bits, args.nuntyped, &args);
	/* When init's own memory runs out, it takes more from the pool. */
	while ((err = pith_process_spawn(&args, &s->proc)) ==
		       PITH_E_NOT_ENOUGH_MEMORY &&
	       memory_grow())
		;
	if (err != PITH_OK) {
		give_blocks(s);
		if (s->proc.elf_error != ELF_OK)
			pith_printf("init: %s: cannot start %s: %s\n", m->name,
				    m->binary, elf_strerror(s->proc.elf_error));
		else
			pith_printf("init: %s: cannot start %s: %s\n", m->name,
				    m->binary, pith_error_name(err));
		return false;
	}
	s->pid = next_pid++;
	s->state = SERVER_RUNNING;
	s->memory = process_bytes(s);
	return true;
}

void server_stop(struct server *s)
{
	pith_process_destroy(&s->proc);
	give_blocks(s);
	memory_reclaim(s);
}

/* Clients of a server init gave up on must not wait for it for ever:
 * revoking its endpoint deletes every capability to it, and whoever was
 * waiting on it wakes with PITH_E_ABORTED. */
static void abandon(struct server *s)
{
	pith_cnode_revoke(PITH_SLOT_CNODE, s->service, PITH_SLOT_DEPTH);
	pith_slot_free(s->service);
	s->service = 0;
}

void server_ended(struct server *s, const char *why, bool failure)
{
	bool again = failure && s->restarts < s->m->restart_max;

	server_stop(s);
	s->state = SERVER_RESTARTING; /* not running while the namespace is */
	namespace_ended(s);
	if (!failure) {
		pith_printf("init: %s %s\n", s->m->name, why);
		s->state = SERVER_EXITED;
		return;
	}
	if (!again) {
		pith_printf("init: %s %s; restarted %u times: giving up\n",
			    s->m->name, why, s->restarts);
		s->state = SERVER_FAILED;
		abandon(s);
		return;
	}
	s->restarts++;
	pith_printf("init: %s %s; restart %u of %u\n", s->m->name, why,
		    s->restarts, s->m->restart_max);
	/* Those a VFS restart took from it meanwhile: it is started once
	 * they are open again (server_resume()). */
	if (namespace_dirs(s))
		server_resume(s, true);
}

void server_resume(struct server *s, bool dirs)
{
	bool boot = s->state == SERVER_NOT_STARTED;

	/* At a restart it goes without a handle that cannot be opened. */
	if ((dirs || !boot) && server_start(s)) {
		if (boot) {
			started++;
			namespace_mount(s);
		} else {
			namespace_restarted(s);
		}
	} else {
		s->state = boot ? SERVER_NOT_STARTED : SERVER_FAILED;
		abandon(s);
	}
	if (boot && --boot_waiting == 0 && booted)
		pith_printf("init: %u of %u servers started\n", started,
			    nservers);
}

/* What a server needs from init before it can start: its binary, its
 * endpoint, its ports and interrupts. */
static bool prepare(struct server *s, const char *manifest_name)
{
	const struct manifest_server *m = s->m;
	const struct pith_bootinfo *bi = pith_bootinfo;
	struct cpio_entry file;
	enum cpio_error why;
	enum pith_error err;

	if (pith_initrd_find(m->binary, &file, &why) != PITH_OK) {
		pith_printf("init: %s:%u: %s: binary '%s': %s\n", manifest_name,
			    m->line, m->name, m->binary, cpio_strerror(why));
		return false;
	}
	s->image = file.data;
	s->image_size = file.size;
	for (unsigned i = 0; i < m->ncaps; i++) {
		const struct manifest_cap *c = &m->caps[i];

		if (c->kind == MCAP_FRAMEBUFFER && !bi->framebuffer.paddr) {
			pith_printf("init: %s: no framebuffer; not started\n",
				    m->name);
			return false;
		}
		if (c->kind != MCAP_IOPORT && c->kind != MCAP_IRQ)
			continue;
		err = pith_slot_alloc(&s->held[i]);
		if (err == PITH_OK && c->kind == MCAP_IOPORT)
			err = pith_ioport_control_issue(
				PITH_SLOT_IOPORT_CONTROL, PITH_SLOT_CNODE,
				c->first, c->last, s->held[i], PITH_SLOT_DEPTH);
		else if (err == PITH_OK)
			err = pith_irq_control_get_isa(
				PITH_SLOT_IRQ_CONTROL, PITH_SLOT_CNODE,
				c->first, s->held[i], PITH_SLOT_DEPTH);
		if (err != PITH_OK) {
			pith_printf("init: %s:%u: %s: %s %u: %s\n",
				    manifest_name, m->line, m->name,
				    c->kind == MCAP_IOPORT ? "ports from"
							   : "irq",
				    c->first, pith_error_name(err));
			return false;
		}
	}
	return true;
}

/* Messages from the servers themselves: faults and exits. */
static enum pith_dispatch supervise(struct pith_server *srv,
				    struct pith_request *rq)
{
	uint64_t index = rq->badge & BADGE_INDEX;
	struct server *s;
	char why[96];

	(void)srv;
	if (rq->badge & BADGE_NAMESPACE)
		return namespace_message(rq);
	if (!(rq->badge & (BADGE_FAULT | BADGE_EXIT)) || index >= nservers)
		return PITH_DISPATCH_NOT_MINE;
	s = &servers[index];
	if (s->state != SERVER_RUNNING)
		return PITH_DISPATCH_DEFERRED; /* stale: already handled */
	if (rq->badge & BADGE_FAULT) {
		uint64_t kind = rq->msg.label;

		fmt_snprintf(
			why, sizeof(why), "faulted: %s at 0x%llx (ip 0x%llx)",
			kind == PITH_FAULT_PAGE		? "page fault"
			: kind == PITH_FAULT_PROTECTION ? "protection fault"
							: "exception",
			(unsigned long long)rq->msg.w[PITH_FAULT_ADDRESS],
			(unsigned long long)rq->msg.w[PITH_FAULT_IP]);
		server_ended(s, why, true);
	} else if (rq->msg.label == PITH_EXIT_LABEL && rq->msg.nwords >= 1) {
		int64_t status = (int64_t)rq->msg.w[PITH_EXIT_STATUS];

		fmt_snprintf(why, sizeof(why), "exited with status %lld",
			     (long long)status);
		server_ended(s, why, status != 0);
	} else {
		return PITH_DISPATCH_NOT_MINE;
	}
	return PITH_DISPATCH_DEFERRED; /* no reply: the sender is gone */
}

/* The manifest: its name from the command line (init.manifest=NAME). */
static unsigned read_manifest(const char *name)
{
	struct cpio_entry file;
	enum cpio_error why;

	if (pith_initrd_find(name, &file, &why) != PITH_OK) {
		pith_printf("init: no manifest '%s' in the initrd: %s\n", name,
			    cpio_strerror(why));
		return 0;
	}
	return manifest_parse(file.data, file.size, manifest, INIT_SERVERS_MAX,
			      report_line, (void *)name);
}

int main(int argc, char **argv)
{
	static char manifest_name[64] = "manifest";
	static struct pith_server srv = {
		.services = init_services,
		.other = supervise,
	};
	unsigned n;

	(void)argc;
	(void)argv;
	if (!pith_bootinfo) {
		pith_console_puts("init: no boot information\n");
		return 1;
	}
	cmdline_get(pith_bootinfo->cmdline, "init.manifest", manifest_name,
		    sizeof(manifest_name));
	pith_printf("init: starting the servers of '%s'\n", manifest_name);
	if (!memory_setup()) {
		pith_printf("init: no memory of its own\n");
		return 1;
	}
	if (pith_alloc_object(PITH_OBJ_ENDPOINT, 0, &init_ep) != PITH_OK) {
		pith_printf("init: no memory for an endpoint\n");
		return 1;
	}
	n = read_manifest(manifest_name);
	for (unsigned i = 0; i < n; i++) {
		servers[i] = (struct server){.m = &manifest[i], .index = i};
		if (pith_alloc_object(PITH_OBJ_ENDPOINT, 0,
				      &servers[i].service) != PITH_OK) {
			pith_printf("init: no memory for endpoints\n");
			return 1;
		}
	}
	nservers = n;
	if (!namespace_setup()) {
		pith_printf("init: cannot start its namespace thread\n");
		return 1;
	}
	/* The mounts and the `dir=` handles are the namespace thread's,
	 * queued in the manifest's order and done while this thread serves
	 * (a server with dir= starts once they are open). */
	for (unsigned i = 0; i < n; i++) {
		struct server *s = &servers[i];

		s->state = SERVER_NOT_STARTED;
		if (!prepare(s, manifest_name)) {
			if (s->service)
				abandon(s);
		} else if (!namespace_dirs(s)) {
			boot_waiting++;
		} else if (server_start(s)) {
			started++;
			namespace_mount(s);
		} else {
			abandon(s);
		}
	}
	booted = true;
	if (!boot_waiting)
		pith_printf("init: %u of %u servers started\n", started, n);
	srv.ep = init_ep;
	srv.nservices = init_nservices;
	pith_server_run(&srv);
}
