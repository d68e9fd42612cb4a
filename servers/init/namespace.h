/*
 * Between init's main thread and its namespace thread (namespace.c,
 * nsthread.c; docs/system.md, "The namespace thread").
 *
 * The namespace thread calls init's endpoint (badge BADGE_NAMESPACE)
 * for work; the main thread answers with the next job, or keeps the call
 * until there is one. So `ns_job` belongs to the main thread while the
 * namespace thread waits in that call, and to the namespace thread from
 * the answer to its next call: the calls order every access, and the
 * namespace thread touches nothing else of init's but the manifest,
 * which never changes. It uses no allocator either: the main thread
 * makes whatever the job needs (copies of endpoints, empty slots for
 * handles) and frees it when the job is reported.
 */
#ifndef INIT_NAMESPACE_H
#define INIT_NAMESPACE_H

#include "init.h"

/* The label of the namespace thread's call, and of the watchdog's. */
#define NS_LABEL_DONE  1
#define NS_LABEL_LATE  2
#define NS_BADGE_WATCH 1 /* | BADGE_NAMESPACE: the watchdog thread */

/* How long a power-off waits for the file systems to sync. */
#define NAMESPACE_SYNC_SECONDS 10

enum ns_kind {
	NS_MOUNT, /* mount the server's mount= (making its directories) */
	NS_DIRS,  /* open the server's dir= paths into slot[] */
	NS_SYNC,  /* fs.sync on the server */
	/* Done by the main thread when it comes up, not given to the
	 * namespace thread: */
	NS_REPLY, /* answer a deferred kill */
	NS_POWER, /* power off or reboot */
};

struct ns_job {
	enum ns_kind kind;
	const struct manifest_server *m; /* the server's line */
	pith_cptr_t vfs;		 /* a copy of the VFS's endpoint */
	pith_cptr_t target; /* NS_MOUNT, NS_SYNC: a copy of the server's */
	bool attach;	    /* attach init's page to the VFS first */
	pith_cptr_t frame;  /* that page's frame */
	char *page;	    /* and where init has it */
	/* NS_DIRS: empty slots for the handles of the dir= options (0:
	 * that option is no dir=, or its handle is held already), and each
	 * one's result. */
	pith_cptr_t slot[MANIFEST_CAPS_MAX];
	enum pith_error err[MANIFEST_CAPS_MAX];
	enum pith_error attach_result;
	enum pith_error result; /* the mount's, the sync's (or the attach's) */
};

/* The namespace thread: arg is its capability to init's endpoint. */
void nsthread_run(uint64_t arg);
/* The watchdog thread: arg is its capability to init's endpoint. Each
 * signal of `nsthread_watch_ntfn` starts a wait of
 * NAMESPACE_SYNC_SECONDS, after which it calls init (NS_LABEL_LATE). */
void nsthread_watch(uint64_t arg);

extern struct ns_job ns_job;
extern pith_cptr_t nsthread_watch_ntfn;

#endif
