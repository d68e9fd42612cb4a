/*
 * init, the root task: starts the servers of the manifest, supervises
 * them and answers the `init` protocol (docs/system.md).
 */
#ifndef INIT_INIT_H
#define INIT_INIT_H

#include <stdbool.h>
#include <stdint.h>

#include "manifest.h"
#include "pith/pith.h"
#include "pith/server.h"

#define INIT_SERVERS_MAX 32

/* Badges of init's endpoint: who a message comes from. */
#define BADGE_FAULT	(1ULL << 62) /* | index: a server's fault */
#define BADGE_EXIT	(1ULL << 61) /* | index: a server's exit message */
#define BADGE_CLIENT	(1ULL << 60) /* | index: the init protocol */
#define BADGE_POWER	(1ULL << 59) /* with BADGE_CLIENT: may reboot */
#define BADGE_NAMESPACE (1ULL << 58) /* | 0 or 1: init's own threads */
#define BADGE_INDEX	0xffffULL

enum server_state {
	SERVER_RUNNING = 0,
	SERVER_RESTARTING = 1,
	SERVER_FAILED = 2,	/* given up after its restarts */
	SERVER_NOT_STARTED = 3, /* its line or its binary was bad */
	SERVER_EXITED = 4,	/* ended with status 0 */
};

struct server {
	const struct manifest_server *m;
	unsigned index;
	uint32_t pid;
	enum server_state state;
	unsigned restarts;
	pith_cptr_t service; /* its endpoint (init keeps the original) */
	pith_cptr_t held[MANIFEST_CAPS_MAX]; /* ports, IRQs, dirs it is given */
	/* Where manifest capability i went in its capability list: in its
	 * CNode at proc.caps.start + at[i] (so init can put a new directory
	 * handle there when the VFS was restarted). */
	uint16_t at[MANIFEST_CAPS_MAX];
	const void *image;
	uint64_t image_size;
	struct pith_process proc;
	/* Blocks of init's pool its CNode and untyped memory are made from
	 * (0: from init's own memory), while it runs. */
	pith_cptr_t cnode_block;
	pith_cptr_t memory_block[PITH_STARTINFO_MAX_UNTYPED];
	uint64_t memory; /* bytes it was given, for `ps` */
	/* Not started yet: it waits for its `dir=` handles, which init's
	 * namespace thread opens (namespace.c). */
	bool waiting;
	bool mounted; /* its mount= worked, on the VFS running now */
};

extern struct server servers[INIT_SERVERS_MAX];
extern unsigned nservers;
extern pith_cptr_t init_ep;

/* The namespace (namespace.c, nsthread.c; docs/system.md, "The
 * namespace thread"): init's work with the VFS and the file systems,
 * done by a thread of its own so that the main thread, which alone
 * changes init's state, never waits for a server that may be waiting for
 * it. The main thread queues work; the namespace thread does it in order.
 *
 * namespace_setup() makes the thread (before the servers start).
 * namespace_dirs(): true if server s has every `dir=` handle; else they
 * are queued to be opened and s->waiting is set: the server is started
 * when they are (or reported and not started if one cannot be).
 * namespace_mount(): its `mount=`, queued. */
bool namespace_setup(void);
bool namespace_dirs(struct server *s);
void namespace_mount(struct server *s);
/* Server s is gone (its process destroyed). If it is the VFS, every
 * handle it minted is revoked (init's `dir=` handles among them). */
void namespace_ended(struct server *s);
/* Server s was started again: if it is the VFS, init gives each running
 * server new `endpoint=vfs` capabilities at once, and queues the mounts
 * and new `dir=` handles for them, put in the slots of the old ones. */
void namespace_restarted(struct server *s);
/* How many jobs were ever queued (to see whether a call queued any). */
uint64_t namespace_jobs(void);
/* Answer the deferred request `reply` (an init_kill_reply) once the
 * work queued so far is done; at once if there is none. */
void namespace_then_reply(pith_cptr_t reply);
/* Power off (or reboot) once every mounted file system has synced, or
 * once NAMESPACE_SYNC_SECONDS have passed; if that fails, the deferred
 * request `reply` gets the error. */
void namespace_power(pith_cptr_t reply, bool reboot);
/* A message from init's own threads (BADGE_NAMESPACE). */
enum pith_dispatch namespace_message(struct pith_request *rq);

/* Start (or start again) a server; false if it could not be. */
bool server_start(struct server *s);
/* Server s waited for its `dir=` handles (namespace.c), `dirs` if it has
 * them all now: it starts (at boot, only with them all). */
void server_resume(struct server *s, bool dirs);
/* Stop a server and take it down, with what it borrowed (its endpoint
 * stays). */
void server_stop(struct server *s);
/* A server ended (a fault, an exit, a kill): restart it within its
 * limit, or give up on it. */
void server_ended(struct server *s, const char *why, bool failure);

/* The `init` protocol's handlers (service.c). */
extern const struct pith_service init_services[];
extern const unsigned init_nservices;

/* Power (power.c): turn the machine off or restart it; they return only
 * if they failed. */
enum pith_error power_off(void);
enum pith_error power_reboot(void);

/* Memory (memory.c). Put the RAM in the lending pool and take init's own
 * first block from it; false if there is none. */
bool memory_setup(void);
/* One more block for init's own objects; false if none is left. */
bool memory_grow(void);
/* A block of 2^bits bytes from the pool for a server's object; 0 if
 * there is none. memory_give() takes it back, with whatever is made from
 * it (0: nothing). */
pith_cptr_t memory_take(unsigned bits);
void memory_give(pith_cptr_t block);
/* The `init` protocol's lend and give_back for server s (init.pidl has
 * their errors). */
enum pith_error memory_lend(const struct server *s, unsigned bits,
			    uint64_t slot);
enum pith_error memory_give_back(const struct server *s, uint64_t slot);
/* End every loan of server s (it is gone). */
void memory_reclaim(const struct server *s);
/* The bytes server `index` has borrowed now. */
uint64_t memory_held(unsigned index);
/* As the `init` protocol's mem method. */
void memory_figures(uint64_t *total, uint64_t *kernel, uint64_t *used,
		    uint64_t *available);

#endif
