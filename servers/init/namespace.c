/*
 * init's part in the namespace (docs/vfs.md, docs/system.md, "The
 * namespace thread"): it holds the VFS's unbadged capability (the VFS
 * server's service endpoint, whose original init keeps), the only one
 * that may mount. With it, init mounts each file-system server whose
 * line says `mount=PATH`, making the directory first if it is missing,
 * opens the directory of each `dir[:NAME]=PATH` for the server whose
 * line says so, and has every mounted file system sync before the
 * machine goes off. Paths go through a page init attaches to the VFS.
 *
 * The calls themselves are the namespace thread's (nsthread.c): the VFS
 * calls the file systems, which may call init (to borrow memory; their
 * disk drivers, through the bus server, for device memory), so the main
 * thread, which serves init's endpoint, must never wait for them. This
 * file is the main thread's side: a queue of work, handed to the
 * namespace thread one job at a time (namespace.h), and what each job's
 * result changes. Only the main thread changes init's state.
 *
 * Restarts (docs/vfs.md, "Restarts"): when the VFS is restarted init
 * revokes every handle the dead one minted, mounts the file systems
 * again and gives the running servers new directory handles in the
 * slots of the old ones. A job done on a VFS that has ended since (its
 * epoch is an old one) changes nothing: the restart queued its own.
 */
#include "namespace.h"

#include "lib/string.h"
#include "pith/thread.h"
#include "pith/vm.h"

#define QUEUE_MAX      128
#define NS_PRIORITY    255 /* init's own */
#define WATCH_PRIORITY 1   /* below everyone: it spins */

/* A job waiting its turn. */
struct pending {
	enum ns_kind kind;
	unsigned index;	   /* its server */
	pith_cptr_t reply; /* NS_REPLY, NS_POWER: the deferred request */
	bool reboot;	   /* NS_POWER */
};

static struct pending queue[QUEUE_MAX];
static unsigned head, queued;
static uint64_t ever;	       /* jobs queued since boot */
static struct pending current; /* the job the namespace thread does */
static bool working;	       /* it does it (ns_job is its own) */
static pith_cptr_t waiting;    /* its call, kept while there is no work */
static uint64_t epoch;	       /* moves on when the VFS ends */
static uint64_t job_epoch;     /* the VFS's epoch when the job began */
static bool attached;	       /* the page, to the VFS running now */
static char *page;
static pith_cptr_t frame;
static struct pith_thread worker, watcher;

/* The server named `vfs`, if the manifest has one. */
static struct server *vfs_server(void)
{
	const struct manifest_server *m =
		nservers ? manifest_find(servers[0].m, nservers, "vfs") : NULL;

	return m ? &servers[m - servers[0].m] : NULL;
}

static bool vfs_running(void)
{
	const struct server *v = vfs_server();

	return v && v->state == SERVER_RUNNING && v->service;
}

bool namespace_setup(void)
{
	const uint64_t rights = PITH_RIGHT_WRITE | PITH_RIGHT_GRANT_REPLY;
	pith_cptr_t ep, watch_ep;
	uint64_t va;

	if (pith_vm_map_new(1, PITH_RIGHT_READ | PITH_RIGHT_WRITE, &va) !=
	    PITH_OK)
		return false;
	page = (char *)va;
	frame = pith_vm_frame(va);
	return pith_cap_mint(init_ep, rights, BADGE_NAMESPACE, &ep) ==
		       PITH_OK &&
	       pith_cap_mint(init_ep, rights, BADGE_NAMESPACE | NS_BADGE_WATCH,
			     &watch_ep) == PITH_OK &&
	       pith_alloc_object(PITH_OBJ_NOTIFICATION, 0,
				 &nsthread_watch_ntfn) == PITH_OK &&
	       pith_thread_create(&worker, NS_PRIORITY, 0) == PITH_OK &&
	       pith_thread_create(&watcher, WATCH_PRIORITY, 1) == PITH_OK &&
	       pith_thread_set_name(worker.tcb, "init-namespace") == PITH_OK &&
	       pith_thread_set_name(watcher.tcb, "init-watchdog") == PITH_OK &&
	       pith_thread_start(&worker, nsthread_run, ep) == PITH_OK &&
	       pith_thread_start(&watcher, nsthread_watch, watch_ep) == PITH_OK;
}

/* Answer a deferred request of the init protocol (kill, poweroff,
 * reboot: their replies are the error alone). */
static void answer(pith_cptr_t reply, enum pith_error err)
{
	struct pith_idl_msg m = {.label = err};

	pith_idl_reply_to(reply, &m);
}

static void enqueue(struct pending p)
{
	if (queued == QUEUE_MAX) {
		/* Not with 32 servers: a mount, a dir job and a sync each. */
		pith_printf("init: %s: the namespace's queue is full\n",
			    servers[p.index].m->name);
		if (p.reply)
			answer(p.reply, PITH_E_EXHAUSTED);
		return;
	}
	queue[(head + queued++) % QUEUE_MAX] = p;
	ever++;
}

uint64_t namespace_jobs(void)
{
	return ever;
}

/* Does server s lack a `dir=` handle? */
static bool dirs_missing(const struct server *s)
{
	for (unsigned i = 0; i < s->m->ncaps; i++)
		if (s->m->caps[i].kind == MCAP_DIR && !s->held[i])
			return true;
	return false;
}

/* After a VFS restart: running server t's `dir=` handles (dirs), or its
 * `endpoint=vfs` capabilities (!dirs), each minted again in the slot of
 * its CNode where the revoked one was, so pith_cap() finds it. */
static void give(struct server *t, bool dirs)
{
	const struct manifest_server *m = t->m;
	const struct server *v = vfs_server();
	enum pith_error err;

	for (unsigned i = 0; i < m->ncaps; i++) {
		const struct manifest_cap *c = &m->caps[i];
		bool dir = c->kind == MCAP_DIR;
		uint64_t slot = t->proc.caps.start + t->at[i];
		pith_cptr_t from = dir ? t->held[i] : v->service;

		if (dir != dirs)
			continue;
		if (!dir &&
		    (c->kind != MCAP_ENDPOINT || strcmp(c->target, "vfs") != 0))
			continue;
		if (!from)
			continue;
		pith_cnode_delete(t->proc.cnode, slot, t->proc.cnode_bits);
		err = pith_cnode_mint(t->proc.cnode, PITH_SLOT_CNODE, slot,
				      t->proc.cnode_bits, from, PITH_SLOT_DEPTH,
				      dir ? PITH_RIGHTS_ALL
					  : PITH_RIGHT_WRITE |
						      PITH_RIGHT_GRANT |
						      PITH_RIGHT_GRANT_REPLY,
				      dir ? 0 : t->index + 1);
		if (err != PITH_OK)
			pith_printf("init: %s: %s again: %s\n", m->name,
				    c->name, pith_error_name(err));
	}
}

/* Server s's dir job is over: `stale` if the VFS ended meanwhile. */
static void dirs_over(struct server *s, bool stale)
{
	if (!s->waiting) {
		if (s->state == SERVER_RUNNING && !stale)
			give(s, true); /* after a VFS restart */
		return;
	}
	if (stale && dirs_missing(s)) {
		enqueue((struct pending){.kind = NS_DIRS, .index = s->index});
		return;
	}
	s->waiting = false;
	server_resume(s, !dirs_missing(s));
}

/* The namespace thread reported the job `current`, or it could not be
 * given (ns_job holds the errors then): what it changes. */
static void complete(void)
{
	struct ns_job *j = &ns_job;
	struct server *s = &servers[current.index];
	bool stale = job_epoch != epoch;

	pith_slot_free(j->vfs);
	pith_slot_free(j->target);
	if (j->attach && !stale && j->attach_result != PITH_OK)
		attached = false;
	if (current.kind == NS_MOUNT && !stale && j->result == PITH_OK)
		s->mounted = true;
	if (current.kind != NS_DIRS)
		return;
	for (unsigned i = 0; i < s->m->ncaps; i++) {
		if (!j->slot[i])
			continue;
		if (!stale && j->err[i] == PITH_OK && !s->held[i])
			s->held[i] = j->slot[i];
		else
			pith_slot_free(j->slot[i]);
	}
	dirs_over(s, stale);
}

/* The main thread's own job: it returns only if it failed. */
static void do_power(const struct pending *p)
{
	answer(p->reply, p->reboot ? power_reboot() : power_off());
}

/* ns_job for p, with copies of the endpoints it calls and empty slots
 * for the handles it opens: false if there is nothing to do (or it
 * failed here: complete() has been called). */
static bool prepare_job(const struct pending *p)
{
	struct server *s = &servers[p->index];
	struct ns_job *j = &ns_job;
	enum pith_error err = PITH_OK;

	*j = (struct ns_job){
		.kind = p->kind, .m = s->m, .frame = frame, .page = page};
	if (p->kind == NS_SYNC)
		return s->state == SERVER_RUNNING && s->mounted &&
		       pith_cap_copy(s->service, PITH_RIGHTS_ALL, &j->target) ==
			       PITH_OK;
	if (p->kind == NS_MOUNT && s->state != SERVER_RUNNING)
		return false;
	if (p->kind == NS_DIRS && !dirs_missing(s)) {
		/* Another job of its opened them (a restart's, say). */
		if (s->waiting) {
			s->waiting = false;
			server_resume(s, true);
		}
		return false;
	}
	if (!vfs_running()) {
		pith_printf("init: %s: no vfs server running\n", s->m->name);
		err = PITH_E_NOT_FOUND;
	}
	if (err == PITH_OK)
		err = pith_cap_copy(vfs_server()->service, PITH_RIGHTS_ALL,
				    &j->vfs);
	if (err == PITH_OK && p->kind == NS_MOUNT)
		err = pith_cap_copy(s->service, PITH_RIGHTS_ALL, &j->target);
	for (unsigned i = 0; p->kind == NS_DIRS && i < s->m->ncaps; i++) {
		j->err[i] = err;
		if (err == PITH_OK && s->m->caps[i].kind == MCAP_DIR &&
		    !s->held[i])
			j->err[i] = err = pith_slot_alloc(&j->slot[i]);
	}
	j->result = err;
	if (err != PITH_OK) {
		if (p->kind == NS_DIRS)
			for (unsigned i = 0; i < MANIFEST_CAPS_MAX; i++)
				j->err[i] = err;
		complete();
		return false;
	}
	j->attach = !attached;
	attached = true;
	return true;
}

/* Hand the waiting namespace thread its next job; the main thread's own
 * jobs on the way are done here, in their turn. */
static void dispatch(void)
{
	while (waiting && !working && queued) {
		struct pending p = queue[head];
		struct pith_idl_msg m = {.label = PITH_OK};

		head = (head + 1) % QUEUE_MAX;
		queued--;
		current = p;
		job_epoch = epoch;
		if (p.kind == NS_REPLY) {
			answer(p.reply, PITH_OK);
		} else if (p.kind == NS_POWER) {
			if (p.reply)
				do_power(&p);
		} else if (prepare_job(&p)) {
			working = true;
			pith_idl_reply_to(waiting, &m);
			waiting = 0;
		}
	}
}

bool namespace_dirs(struct server *s)
{
	if (!dirs_missing(s))
		return true;
	s->waiting = true;
	enqueue((struct pending){.kind = NS_DIRS, .index = s->index});
	dispatch();
	return false;
}

void namespace_mount(struct server *s)
{
	if (!s->m->mount[0])
		return;
	enqueue((struct pending){.kind = NS_MOUNT, .index = s->index});
	dispatch();
}

void namespace_then_reply(pith_cptr_t reply)
{
	if (!working && !queued) {
		answer(reply, PITH_OK);
		return;
	}
	enqueue((struct pending){.kind = NS_REPLY, .reply = reply});
	dispatch();
}

void namespace_power(pith_cptr_t reply, bool reboot)
{
	for (unsigned i = 0; i < nservers; i++)
		if (servers[i].mounted && servers[i].state == SERVER_RUNNING)
			enqueue((struct pending){.kind = NS_SYNC, .index = i});
	enqueue((struct pending){
		.kind = NS_POWER, .reply = reply, .reboot = reboot});
	if (pith_bootinfo->tsc_khz)
		pith_signal(nsthread_watch_ntfn);
	dispatch();
}

/* The watchdog: the syncs before a power-off took too long. */
static void late(void)
{
	for (unsigned k = 0; k < queued; k++) {
		struct pending *p = &queue[(head + k) % QUEUE_MAX];

		if (p->kind != NS_POWER || !p->reply)
			continue;
		pith_printf("init: the file systems did not sync within %u "
			    "s; going on\n",
			    NAMESPACE_SYNC_SECONDS);
		do_power(p);
		p->reply = 0; /* answered: nothing to do in its turn */
	}
}

enum pith_dispatch namespace_message(struct pith_request *rq)
{
	if ((rq->badge & ~(uint64_t)NS_BADGE_WATCH) != BADGE_NAMESPACE)
		return PITH_DISPATCH_NOT_MINE;
	if (rq->badge & NS_BADGE_WATCH) {
		late();
		rq->msg = (struct pith_idl_msg){.label = PITH_OK};
		return PITH_DISPATCH_REPLY;
	}
	if (working) {
		working = false;
		complete();
	}
	if (pith_request_defer(rq, &waiting) != PITH_OK) {
		/* No slot for its reply: it asks again. */
		waiting = 0;
		rq->msg = (struct pith_idl_msg){.label = PITH_E_EXHAUSTED};
		return PITH_DISPATCH_REPLY;
	}
	dispatch();
	return PITH_DISPATCH_DEFERRED;
}

void namespace_ended(struct server *s)
{
	const struct manifest_server *m;

	if (!s || s != vfs_server())
		return;
	/* Every handle the dead VFS minted (and every capability init gave
	 * to it, the namespace thread's copy among them: a call of its on
	 * the dead VFS ends) goes: the new one knows none of them. */
	pith_cnode_revoke(PITH_SLOT_CNODE, s->service, PITH_SLOT_DEPTH);
	attached = false;
	epoch++;
	for (unsigned i = 0; i < nservers; i++) {
		servers[i].mounted = false;
		m = servers[i].m;
		for (unsigned j = 0; j < m->ncaps; j++) {
			if (m->caps[j].kind != MCAP_DIR || !servers[i].held[j])
				continue;
			pith_slot_free(servers[i].held[j]); /* empty now */
			servers[i].held[j] = 0;
		}
	}
}

void namespace_restarted(struct server *s)
{
	if (s != vfs_server())
		return;
	for (unsigned i = 0; i < nservers; i++)
		if (servers[i].state == SERVER_RUNNING)
			namespace_mount(&servers[i]);
	for (unsigned i = 0; i < nservers; i++) {
		struct server *t = &servers[i];

		if (t->state != SERVER_RUNNING || t == s)
			continue;
		give(t, false);	     /* endpoint=vfs: now */
		if (dirs_missing(t)) /* dir=: once they are open */
			enqueue((struct pending){.kind = NS_DIRS, .index = i});
	}
	dispatch();
}
