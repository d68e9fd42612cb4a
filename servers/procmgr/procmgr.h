/*
 * procmgr, the process manager: starts programs from the initrd by name,
 * gives each its memory, and answers the `procmgr` protocol (spawn,
 * wait, kill, list) for the shell and for programs (docs/system.md, "The
 * process manager").
 */
#ifndef PROCMGR_PROCMGR_H
#define PROCMGR_PROCMGR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pith/borrow.h"
#include "pith/pith.h"
#include "pith/proto/procmgr.h"
#include "pith/server.h"

#define PROCS_MAX   32	/* programs, running or ended and not waited for */
#define PID_FIRST   100 /* init's servers have 1-99 */
#define PID_LAST    0x7fffffffU
#define WAITERS_MAX 4 /* waits for one program at once */

/* Badges of procmgr's endpoint. Clients of the protocol hold init's
 * badges (a server's index + 1) or BADGE_CHILD | pid; a program's exit
 * and fault endpoints carry BADGE_PROGRAM, which no client badge has. */
#define BADGE_PROGRAM (1ULL << 63) /* | pid: from a program's thread */
#define BADGE_FAULT   (1ULL << 62) /* with BADGE_PROGRAM: a fault */
#define BADGE_CHILD   (1ULL << 61) /* | pid: a program's `procmgr` */
#define BADGE_PID     0xffffffffULL

/* Memory (docs/system.md): a program's own untyped memory, besides what
 * its image, stack and kernel objects take. */
#define QUOTA_BITS_DEFAULT 18 /* 256 KiB */
#define QUOTA_BITS_BENCH   22 /* 4 MiB: the benchmark program */
/* Memory borrowed from init: blocks of at least this size (smaller
 * ones would mean a loan for nearly every spawn). */
#define BORROW_MIN_BITS	   20 /* 1 MiB */
/* Programs run below every server, so that a busy one never keeps the
 * shell or the drivers from running. */
#define PROGRAM_PRIORITY   50

/* The `state` of the protocol's list. */
enum proc_state {
	PROC_RUNNING = 0,
	PROC_EXITED = 1, /* ended (an exit or a kill), not waited for */
	PROC_FAULTED = 2,
};

struct proc {
	bool used;
	uint32_t pid;
	char name[PROCMGR_SPAWN_NAME_MAX + 1];
	enum proc_state state;
	int32_t status;	 /* once it ended */
	uint64_t ended;	 /* when (a count of ends), to reuse the oldest */
	uint64_t memory; /* bytes set aside for it */
	struct pith_process p;
	uint64_t arena[2]; /* pool blocks it is made of (0: none) */
	pith_cptr_t waiters[WAITERS_MAX]; /* deferred waits' replies */
	unsigned nwaiters;
};

/* What procmgr was given (main.c). */
struct procmgr {
	pith_cptr_t service; /* its endpoint: requests, exits and faults */
	pith_cptr_t console; /* passed on to programs; 0: none */
	pith_cptr_t asid;    /* the ASID pool for programs' address spaces */
	pith_cptr_t initrd;  /* the first initrd frame (`initrd` range) */
	unsigned initrd_frames;
	const void *archive; /* the initrd, mapped; NULL: none */
	size_t archive_size;
	pith_cptr_t init;  /* init's protocol: memory is borrowed there */
	uint64_t own;	   /* procmgr's own untyped block */
	unsigned priority; /* of programs */
	uint64_t tsc_khz;
	/* Programs' memory (memory.c): a pool of blocks, fed by loans
	 * from init, each given back as soon as it is wholly free again. */
	struct pith_borrow mem;
};

extern struct procmgr pm;
extern struct proc procs[PROCS_MAX];

/* A line on the console: "procmgr: " and the text. */
void pm_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The program `pid`, running or ended; NULL if none. */
struct proc *proc_find(uint32_t pid);

/* Start the program `name` with packed arguments (procmgr.pidl):
 * *out the new record. The protocol's errors. */
enum pith_error proc_spawn(const char *name, const uint8_t *args,
			   size_t args_len, struct proc **out);

/* Take a running program down (its thread, its objects, its memory) and
 * record how it ended; its waiters are answered, and if there were any
 * the record is freed. */
void proc_end(struct proc *pr, enum proc_state how, int32_t status);

/* Free an ended program's record. */
void proc_forget(struct proc *pr);

/* Memory (memory.c). Set the pool up from the untyped memory init gave;
 * false if there is none. */
bool mem_setup(void);

/* A block of 2^bits bytes from the pool, borrowing from init when the
 * pool has none. PITH_E_NOT_ENOUGH_MEMORY (init lends no more),
 * PITH_E_EXHAUSTED (the pool's table is full). */
enum pith_error mem_take(unsigned bits, uint64_t *block);

/* Give a block from mem_take() back to the pool, once whatever is made
 * from it is gone; *block becomes 0. */
void mem_release(uint64_t *block);

/* Give init back every borrowed block that is wholly free again. */
void mem_return_idle(void);

#endif
