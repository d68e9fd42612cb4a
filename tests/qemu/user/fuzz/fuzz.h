/*
 * fuzz: the in-QEMU fuzzer of the kernel's system calls (docs/fuzzing.md),
 * booted as the root task: init=fuzz fuzz.seed=<hex> fuzz.inputs=<n>.
 *
 * An input is a program of up to FUZZ_CALLS_MAX 64-bit call seeds
 * (program.c). Each seed expands, given what the input has made so far,
 * into one system call (gen.c): which thread makes it, the number, the
 * capability, the message and its capabilities. The calls run against the
 * real kernel (exec.c): the root task makes those that cannot block, and
 * hands the others to three worker threads, two in its own address space
 * and one in a second address space; it only ever blocks in waits that a
 * watchdog ends. Everything an input makes comes from one untyped block U
 * and lands in the input's own territory of the root CNode; revoking U
 * and emptying the territory resets the world between inputs.
 *
 * Everything follows from fuzz.seed, so a failure replays: the line
 * "FUZZ run <i> p <seeds>" printed before each input is a program that
 * the initrd file fuzz.replay (or fuzz.corpus) can give back.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdbool.h>
#include <stdint.h>

#include "../lib/tsc.h"
#include "pith/pith.h"

#define FUZZ_CALLS_MAX	32  /* call seeds per program */
#define FUZZ_CORPUS_MAX 256 /* programs kept in the corpus */
#define FUZZ_WORKERS	3   /* threads 1-3; thread 0 is the root task */
#define FUZZ_THREADS	(FUZZ_WORKERS + 1)
#define FUZZ_AS2_THREAD 3   /* the worker in the second address space */
#define FUZZ_SLOTS	256 /* slots of the range calls name */

/* The second address space: its code page (a copy of the worker stub)
 * and the third worker's IPC buffer, under one page table made for each
 * input; frames map there from FUZZ_AS2_FREE on. */
#define FUZZ_AS2_CODE 0x10000ULL
#define FUZZ_AS2_IPC  0x11000ULL
#define FUZZ_AS2_FREE 0x12000ULL
#define FUZZ_AS2_SPAN 0x200000ULL /* what the page table covers */

/* A region of the fuzzer's own address space, PML4 entry 96, that
 * neither its image, its stack nor the SDK's region uses: inputs may map
 * things there (a PDPT, a page directory and a page table are made for
 * each input). */
#define FUZZ_PLAY_BASE 0x0000300000000000ULL
#define FUZZ_PLAY_SPAN 0x200000ULL

/* The root CNode: calls name it as the CNode of CNode operations and as
 * the `root` of the slots they fill, never in a message. */
#define FUZZ_ROOT_CNODE PITH_SLOT_CNODE

/* ---- programs (program.c) ---------------------------------------------- */

struct program {
	unsigned len;
	uint64_t seed[FUZZ_CALLS_MAX];
};

/* xoshiro256**, seeded by splitmix64: every choice the fuzzer makes. */
struct rng {
	uint64_t s[4];
};

uint64_t splitmix64(uint64_t *state);
void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
uint64_t rng_below(struct rng *r, uint64_t n);

/* The corpus: programs that found new kernel edges, or came from the
 * initrd. */
extern struct program fuzz_corpus[FUZZ_CORPUS_MAX];
extern unsigned fuzz_corpus_len;
void corpus_add(const struct program *p, struct rng *r);

/* A new program: fresh, or a mutation of the corpus. */
void program_next(struct program *p, struct rng *r);

/* Parse one "p <hex> <hex> ..." line (up to `end` or a newline); *next is
 * where the next line starts. False if the line is not a program. */
bool program_parse(const char *line, const char *end, struct program *p,
		   const char **next);

/* "p <hex> ...": up to size bytes, NUL-terminated. */
void program_format(const struct program *p, char *buf, unsigned size);

/* ---- the world an input runs in (exec.c) --------------------------------- */

/* Tags of what the per-input set-up made, kept with a slot and its
 * copies. */
enum fuzz_tag {
	TAG_NONE,
	TAG_WORKER, /* a worker's TCB */
	TAG_AS2,    /* the second address space */
	TAG_SETUP,  /* an endpoint or notification the workers share */
};

/* What the fuzzer believes a slot of the range holds. */
struct slot_info {
	uint8_t type;	/* PITH_CAP_*, as Debug.Identify saw it */
	uint8_t bits;	/* untyped size or CNode radix, 0: unknown */
	uint8_t tag;	/* enum fuzz_tag */
	uint8_t rights; /* PITH_RIGHT_* */
	bool mapped;	/* a frame or paging structure in use, a VSpace
			 * with an ASID (as far as the calls tell) */
};

struct world {
	unsigned cnode_bits; /* the root CNode has 2^bits slots */
	uint64_t first;	     /* the range: [first, first + FUZZ_SLOTS) */
	uint64_t territory;  /* input territory: [territory, 2^bits) */
	struct slot_info slot[FUZZ_SLOTS];
};

extern struct world fuzz_world;

/* ---- one call (gen.c) ---------------------------------------------------- */

/* A thread that must fault: where it starts instead of the system call. */
enum fuzz_fault {
	FAULT_NONE,
	FAULT_UD2,
	FAULT_INT3,
	FAULT_HLT,
	FAULT_LOAD,
	FAULT_STORE,
	FAULT_DIVIDE,
	FAULT_FETCH, /* an instruction fetch from an address in w[0] */
	FAULT_SPIN,  /* no fault: a loop that timer ticks interrupt */
	FAULT_COUNT,
};

struct call {
	uint64_t seed;
	unsigned thread; /* 0 the root task, 1-3 a worker */
	uint64_t sys;	 /* PITH_SYS_*, or a number that is none */
	uint64_t label;	 /* the invocation meant (PITH_INV_*), 0: none */
	uint64_t cap;	 /* %rdi */
	uint64_t info;	 /* %rsi */
	uint64_t w[PITH_MSG_MAX_WORDS];
	uint64_t caps[PITH_MSG_MAX_CAPS];
	uint64_t recv_cnode, recv_index, recv_depth;
	uint64_t rflags;
	unsigned fault; /* enum fuzz_fault */
	bool root_only; /* names a fixed capability in caps[] */
	bool async;	/* the root task does not wait for the worker */

	uint64_t touch[6];		   /* slots it may change (0: none) */
	uint64_t touch_first, touch_count; /* and a run of them */
};

/* Expand a call seed given what the world holds. */
void gen_call(uint64_t seed, const struct world *w, struct call *c);

/* A slot number (or capability address) below the territory, the
 * fuzzer's own, moved into the range; any other value as it is. Every
 * slot a call names goes through it, so that no call reaches the
 * fuzzer's capabilities but those chosen on purpose. */
uint64_t fuzz_fix_slot(const struct world *w, uint64_t v);

/* Keep an address out of the fuzzer's own memory (its image, stack and
 * the SDK's region), so that no thread is ever sent to run its code or
 * made to use its memory as an IPC buffer. */
uint64_t fuzz_fix_address(uint64_t v);

/* The invocation's name ("cnode.copy"), or NULL for a label that is
 * none. */
const char *fuzz_label_name(uint64_t label);

/* Invocations: the capability type, words and capabilities each needs. */
struct label_desc {
	const char *name;
	uint8_t type;	/* PITH_CAP_* */
	uint8_t args;	/* message words it needs */
	uint8_t caps;	/* extra capabilities it needs */
	uint8_t rights; /* rights of the invoked capability it needs */
};

extern const struct label_desc fuzz_labels[PITH_INV_COUNT];

/* ---- running inputs (exec.c) --------------------------------------------- */

/* Once, at the start: the watchdog, the worker pages, the untyped block
 * and the territory. False (with a message) if that fails. */
bool exec_init(void);

/* Run one program as input `index`; `trace` prints every call. False on
 * a bug (already reported with a FUZZ bug line). */
bool exec_input(uint64_t index, const struct program *p, bool trace);

/* A full check of the territory: every slot empty. False on a bug. */
bool exec_check_territory(uint64_t index);

/* Print a line of the fuzzer's output (a FUZZ line starts at the start of
 * a line even after a Debug.Write of an input). */
void fuzz_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A Debug.Write may have left the console in the middle of a line. */
extern bool fuzz_mid_line;

#endif
