/*
 * The benchmark program (docs/benchmarks.md): shared by its two sides.
 *
 * The benchmark program (init=bench, or started by procmgr) runs the
 * benchmarks. For those that need a partner in another address space it
 * spawns this same program from the initrd; the spawned copy reads its
 * role from its startinfo's first argument word (procmgr leaves it 0).
 */
#ifndef BENCH_H
#define BENCH_H

#include "../lib/tsc.h"
#include "pith/pith.h"

/* Roles of a spawned copy (startinfo args[0]). */
enum bench_role {
	ROLE_SERVER = 1, /* reply_recv on its first capability, forever */
	ROLE_FAULTER,	 /* touch pages that fault; report on its first cap */
};

/* args[1] of ROLE_FAULTER: where its pages are. */
#define FAULT_REGION 0x0000200000000000ULL
#define FAULT_PAGES  256 /* pages per batch: within one page table */

/* Labels on the server's endpoint, besides plain round trips. */
enum bench_label {
	LABEL_ECHO = 0,	   /* reply with as many words as came */
	LABEL_CLEANUP = 1, /* delete received capabilities (word 0: how many) */
	LABEL_RESULT = 2,  /* the faulter's figure (word 0: cycles) */
};

/* The serving loop of the same-address-space and the spawned servers:
 * echo every call's length; on LABEL_CLEANUP delete the capabilities
 * received so far (into slots receive_base + i). */
_Noreturn void bench_serve(pith_cptr_t ep, uint64_t receive_base);

/* The spawned copy's main(). */
int bench_child(void);

/* printf to the program's console: the `console` capability if it has
 * one (started by procmgr), else the kernel's debug console. */
void bench_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
