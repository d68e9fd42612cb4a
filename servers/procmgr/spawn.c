/*
 * Programs: starting one from the initrd, and taking one down.
 *
 * Memory. Each program is made from two blocks of the pool (memory.c):
 * its quota, 2^q bytes, which becomes its own untyped memory, and an
 * arena of 2^b bytes, sized from its image, for what it is made of: the
 * frames of its image, stack, IPC buffer and startinfo page, its paging
 * structures, CNode, TCB and VSpace. The object allocator uses exactly
 * these two blocks while pith_process_spawn() runs, in an order that
 * lets the quota land at the start of a block (untyped objects are
 * aligned to their size), so nothing is lost to alignment. When the
 * program is destroyed, both blocks are empty again and go back to the
 * pool whole.
 */
#include "procmgr.h"

#include "lib/string.h"

#define STACK_PAGES	    PITH_PROCESS_STACK_PAGES
#define PAGE		    PITH_PAGE_SIZE
#define TCB_BYTES	    2048ULL
#define SLOT_BYTES	    64ULL /* a CNode slot */
#define CNODE_BITS_MIN	    8
/* Paging structures of a randomly placed program: a PDPT, a page
 * directory and a page table for each of image, stack, IPC buffer and
 * startinfo page, which lie far apart (12), a page table per 2 MiB of
 * image, and two for an image that straddles boundaries. */
#define TABLES(image_pages) ((uint64_t)(image_pages) / 512 + 14)
/* Free slots a program gets beyond what it starts with: one per page
 * of its quota, and some. */
#define SPARE_SLOTS	    64
#define ARENA_RETRIES	    2
/* Capabilities passed: console, procmgr, asid and the initrd's frames. */
#define SPAWN_CAPS_MAX	    2048

struct proc procs[PROCS_MAX];

static uint32_t next_pid = PID_FIRST;
static uint64_t ends;
static struct pith_spawn_cap caps[SPAWN_CAPS_MAX];

/* Programs that need more than the default (docs/system.md). */
static const struct program_config {
	const char *name;
	unsigned quota_bits;
	bool initrd; /* the initrd's frames, named `initrd` */
	bool asid;   /* the ASID pool, named `asid` */
} configs[] = {
	/* The benchmark program spawns copies of itself from the initrd. */
	{"bench", QUOTA_BITS_BENCH, true, true},
};

static const struct program_config default_config = {
	.quota_bits = QUOTA_BITS_DEFAULT};

static const struct program_config *config_of(const char *name)
{
	for (size_t i = 0; i < sizeof(configs) / sizeof(configs[0]); i++)
		if (strcmp(configs[i].name, name) == 0)
			return &configs[i];
	return &default_config;
}

static unsigned log2_up(uint64_t n)
{
	unsigned bits = 0;

	while ((1ULL << bits) < n)
		bits++;
	return bits;
}

struct proc *proc_find(uint32_t pid)
{
	for (unsigned i = 0; i < PROCS_MAX; i++)
		if (procs[i].used && procs[i].pid == pid)
			return &procs[i];
	return NULL;
}

/* ---- the record -------------------------------------------------------- */

void proc_forget(struct proc *pr)
{
	*pr = (struct proc){0};
}

/* A free record: an unused one, else that of the program which ended
 * first and was never waited for. NULL if every program runs. */
static struct proc *new_record(void)
{
	struct proc *oldest = NULL;

	for (unsigned i = 0; i < PROCS_MAX; i++) {
		struct proc *pr = &procs[i];

		if (!pr->used)
			return pr;
		if (pr->state != PROC_RUNNING && pr->nwaiters == 0 &&
		    (!oldest || pr->ended < oldest->ended))
			oldest = pr;
	}
	if (oldest)
		proc_forget(oldest);
	return oldest;
}

/* The next pid not in use, counting up from PID_FIRST and around. */
static uint32_t new_pid(void)
{
	uint32_t pid;

	do {
		pid = next_pid;
		next_pid = next_pid >= PID_LAST ? PID_FIRST : next_pid + 1;
	} while (proc_find(pid));
	return pid;
}

/* ---- memory ------------------------------------------------------------ */

/* The size of a program's CNode and arena: its image pages, its caps. */
struct sizes {
	unsigned cnode_bits, arena_bits, quota_bits;
};

static struct sizes size_program(const struct elf_image *img, unsigned ncaps,
				 unsigned quota_bits)
{
	uint64_t pages = 0, slots, bytes;
	struct sizes s = {.quota_bits = quota_bits};

	for (unsigned i = 0; i < img->nsegs; i++) {
		uint64_t lo = img->seg[i].vaddr & ~(PAGE - 1);

		pages += (img->seg[i].vaddr + img->seg[i].memsz - lo + PAGE -
			  1) /
			 PAGE;
	}
	slots = PITH_SLOT_FIRST_DYNAMIC + ncaps + 1 + pages + STACK_PAGES + 2 +
		TABLES(pages) + (1ULL << quota_bits) / PAGE + SPARE_SLOTS;
	s.cnode_bits = log2_up(slots);
	if (s.cnode_bits < CNODE_BITS_MIN)
		s.cnode_bits = CNODE_BITS_MIN;
	/* The CNode is aligned to its size: count it twice. */
	bytes = (pages + STACK_PAGES + 2 + TABLES(pages) + 1) * PAGE +
		TCB_BYTES + 2 * (SLOT_BYTES << s.cnode_bits);
	s.arena_bits = log2_up(bytes);
	return s;
}

/* ---- starting ---------------------------------------------------------- */

/* Packed arguments (NUL-terminated strings one after another) into
 * argv[1...]; false if they are malformed or too many. */
static bool unpack_args(const uint8_t *args, size_t len, const char **argv,
			unsigned *argc)
{
	size_t at = 0;

	if (len && args[len - 1] != '\0')
		return false;
	while (at < len) {
		if (*argc == PITH_STARTINFO_ARGC_MAX)
			return false;
		argv[(*argc)++] = (const char *)args + at;
		at += strlen((const char *)args + at) + 1;
	}
	return true;
}

/* The capabilities a program gets: `console`, `procmgr` (a badged copy
 * of procmgr's endpoint), and for some `asid` and `initrd`. */
static unsigned program_caps(const struct program_config *c, uint32_t pid)
{
	unsigned n = 0;

	if (pm.console)
		caps[n++] = (struct pith_spawn_cap){.cap = pm.console,
						    .name = "console"};
	caps[n++] = (struct pith_spawn_cap){.cap = pm.service,
					    .rights = PITH_RIGHT_WRITE,
					    .badge = BADGE_CHILD | pid,
					    .name = "procmgr"};
	if (c->asid && pm.asid)
		caps[n++] =
			(struct pith_spawn_cap){.cap = pm.asid, .name = "asid"};
	for (unsigned i = 0; c->initrd && pm.archive && i < pm.initrd_frames &&
			     n < SPAWN_CAPS_MAX;
	     i++)
		caps[n++] = (struct pith_spawn_cap){.cap = pm.initrd + i,
						    .rights = PITH_RIGHT_READ,
						    .name = "initrd"};
	return n;
}

/* Spawn into the two blocks: the one that can hold the quota at its
 * start is used last (see the top of this file). */
static enum pith_error spawn_in(struct pith_spawn_args *a, struct proc *pr,
				const struct sizes *s)
{
	pith_cptr_t use[2];
	enum pith_error err;

	if (s->arena_bits > s->quota_bits) {
		/* The quota's block takes the first objects; the untyped
		 * does not fit after them, and goes to the start of the
		 * (then empty) arena, which the frames fill after it. */
		use[0] = pr->arena[1];
		use[1] = pr->arena[0];
	} else {
		/* The arena takes the first objects and the frames; the
		 * untyped cannot fit in it and fills the quota's block. */
		use[0] = pr->arena[0];
		use[1] = pr->arena[1];
	}
	pith_alloc_use_untyped(use, 2);
	err = pith_process_spawn(a, &pr->p);
	pith_alloc_use_untyped(&pm.own, 1);
	return err;
}

/* Take the blocks and spawn; an arena that proves too small is doubled
 * and tried again. */
static enum pith_error make(struct pith_spawn_args *a, struct proc *pr,
			    struct sizes *s)
{
	enum pith_error err = PITH_E_NOT_ENOUGH_MEMORY;

	for (unsigned tries = 0; tries <= ARENA_RETRIES; tries++) {
		a->cnode_bits = s->cnode_bits;
		err = mem_take(s->arena_bits, &pr->arena[0]);
		if (err == PITH_OK)
			err = mem_take(s->quota_bits, &pr->arena[1]);
		if (err == PITH_OK)
			err = spawn_in(a, pr, s);
		if (err == PITH_OK)
			return PITH_OK;
		mem_release(&pr->arena[0]);
		mem_release(&pr->arena[1]);
		if (err != PITH_E_NOT_ENOUGH_MEMORY ||
		    pr->p.elf_error != ELF_OK)
			return err;
		s->arena_bits++;
	}
	return err;
}

static enum pith_error check_image(const char *name, const void *data,
				   size_t size, struct elf_image *img)
{
	const struct elf_limits lim = {
		.type = ET_EXEC,
		.vaddr_min = PITH_PROCESS_IMAGE_MIN,
		.vaddr_max = PITH_PROCESS_IMAGE_MAX,
		.allow_pie = true,
	};
	enum elf_error e = elf_parse(data, size, &lim, img);

	if (e == ELF_OK)
		return PITH_OK;
	pm_log("%s: not a program: %s\n", name, elf_strerror(e));
	return PITH_E_INVALID_ARGUMENT;
}

/* Everything pith_process_spawn() is told, but the CNode's size. */
static void spawn_args(struct pith_spawn_args *a, const struct proc *pr,
		       const struct cpio_entry *file, const char *const *argv,
		       unsigned argc, const struct program_config *c)
{
	*a = (struct pith_spawn_args){
		.name = argv[0],
		.image = file->data,
		.image_size = file->size,
		.priority = pm.priority,
		.asid_pool = pm.asid,
		.exit_ep = {.cap = pm.service,
			    .rights = PITH_RIGHT_WRITE,
			    .badge = BADGE_PROGRAM | pr->pid},
		.fault_ep = {.cap = pm.service,
			     .rights = PITH_RIGHT_WRITE,
			     .badge = BADGE_PROGRAM | BADGE_FAULT | pr->pid},
		.caps = caps,
		.ncaps = program_caps(c, pr->pid),
		.nuntyped = 1,
		.argv = argv,
		.argc = argc,
		.initrd_size = c->initrd ? pm.archive_size : 0,
		.tsc_khz = pm.tsc_khz,
	};
	for (unsigned i = 0; i < PITH_STARTINFO_ARGS; i++)
		a->random[i] = pith_random();
}

/* The program's file, checked; its image in *img. */
static enum pith_error find_program(const char *name, struct cpio_entry *file,
				    struct elf_image *img)
{
	if (!pm.archive ||
	    cpio_find(pm.archive, pm.archive_size, name, file) != CPIO_OK)
		return PITH_E_INVALID_ARGUMENT; /* no such program */
	return check_image(name, file->data, file->size, img);
}

enum pith_error proc_spawn(const char *name, const uint8_t *args,
			   size_t args_len, struct proc **out)
{
	static struct elf_image img;
	const struct program_config *c = config_of(name);
	const char *argv[PITH_STARTINFO_ARGC_MAX];
	unsigned argc = 1;
	struct pith_spawn_args a;
	struct cpio_entry file;
	struct proc *pr;
	struct sizes s;
	uint8_t quota;
	enum pith_error err;

	*out = NULL;
	argv[0] = name;
	if (!*name || !unpack_args(args, args_len, argv, &argc))
		return PITH_E_INVALID_ARGUMENT;
	err = find_program(name, &file, &img);
	if (err != PITH_OK)
		return err;
	pr = new_record();
	if (!pr)
		return PITH_E_EXHAUSTED; /* too many programs */
	*pr = (struct proc){.pid = new_pid()};
	spawn_args(&a, pr, &file, argv, argc, c);
	s = size_program(&img, a.ncaps, c->quota_bits);
	quota = (uint8_t)s.quota_bits;
	a.untyped_bits = &quota;
	err = make(&a, pr, &s);
	if (err != PITH_OK) {
		if (pr->p.elf_error != ELF_OK)
			pm_log("%s: not a program: %s\n", name,
			       elf_strerror(pr->p.elf_error));
		next_pid = pr->pid; /* unused: the next program has it */
		proc_forget(pr);
		mem_return_idle();
		return err;
	}
	pr->used = true;
	memcpy(pr->name, name, strlen(name) + 1);
	pr->state = PROC_RUNNING;
	pr->memory = (1ULL << s.arena_bits) + (1ULL << s.quota_bits);
	*out = pr;
	return PITH_OK;
}

/* ---- ending ------------------------------------------------------------ */

void proc_end(struct proc *pr, enum proc_state how, int32_t status)
{
	bool waited = pr->nwaiters > 0;

	pith_process_destroy(&pr->p);
	mem_release(&pr->arena[0]);
	mem_release(&pr->arena[1]);
	mem_return_idle();
	pr->state = how;
	pr->status = status;
	pr->ended = ++ends;
	for (unsigned i = 0; i < pr->nwaiters; i++)
		procmgr_wait_reply(pr->waiters[i], PITH_OK, status);
	pr->nwaiters = 0;
	if (waited)
		proc_forget(pr); /* told: nobody needs the record */
}
