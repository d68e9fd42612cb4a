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
#define BADGE_FAULT  (1ULL << 62) /* | index: a server's fault */
#define BADGE_EXIT   (1ULL << 61) /* | index: a server's exit message */
#define BADGE_CLIENT (1ULL << 60) /* | index: the init protocol */
#define BADGE_POWER  (1ULL << 59) /* with BADGE_CLIENT: may reboot */
#define BADGE_INDEX  0xffffULL

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
};

extern struct server servers[INIT_SERVERS_MAX];
extern unsigned nservers;
extern pith_cptr_t init_ep;

/* The namespace (namespace.c; docs/vfs.md), through the VFS, the server
 * named `vfs`. Before s starts: a handle for each of its `dir=` options,
 * opened with init's unbadged capability and kept in s->held; false
 * (and a line) if one cannot be. After it started: its `mount=`, on a
 * directory made if missing. */
bool namespace_dirs(struct server *s);
void namespace_mount(const struct server *s);
/* Server s is gone (its process destroyed). If it is the VFS, every
 * handle it minted is revoked (init's `dir=` handles among them). */
void namespace_ended(struct server *s);
/* Server s was started again: if it is the VFS, init mounts the file
 * systems again and gives each running server new `dir=` handles (and
 * `endpoint=vfs` capabilities) in the slots of the old ones. */
void namespace_restarted(struct server *s);

/* Before the machine goes off or restarts: every running file-system
 * server with a mount writes what it holds to its device (fs.sync,
 * called directly; an error is a line). A server that never answers
 * holds the power-off up: `kill` it first. */
void namespace_sync(void);

/* Start (or start again) a server; false if it could not be. */
bool server_start(struct server *s);
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
