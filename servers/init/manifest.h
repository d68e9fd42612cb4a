/*
 * The manifest: which servers init starts, and with what (docs/system.md).
 * Parsing is pure (no system calls) and host-tested; checks that need the
 * running system (is the binary in the initrd? is there a framebuffer?)
 * are init's.
 */
#ifndef INIT_MANIFEST_H
#define INIT_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MANIFEST_NAME_MAX     15 /* characters of a server or cap name */
#define MANIFEST_BINARY_MAX   31
#define MANIFEST_CAPS_MAX     16 /* capability options of one server */
#define MANIFEST_ARGS_MAX     8	 /* arguments after the name */
#define MANIFEST_ARG_LEN      31
#define MANIFEST_LINE_MAX     512
#define MANIFEST_PRIORITY_DEF 100
#define MANIFEST_STACK_DEF    16
#define MANIFEST_STACK_MAX    256
#define MANIFEST_RESTART_DEF  5
#define MANIFEST_RESTART_MAX  1000
#define MANIFEST_MEMORY_MAX   (1ULL << 32)
#define MANIFEST_BORROW_MIN   4096 /* the smallest block init lends */
#define MANIFEST_BORROW_MAX   (1ULL << 40)
#define MANIFEST_SLOTS_DEF    256 /* CNode slots */
#define MANIFEST_SLOTS_MIN    64
#define MANIFEST_SLOTS_MAX    65536
#define MANIFEST_PATH_MAX     127 /* bytes of a mount= or dir= path */

enum manifest_cap_kind {
	MCAP_IOPORT,	  /* ports first..last */
	MCAP_IRQ,	  /* ISA interrupt `first` */
	MCAP_ENDPOINT,	  /* the service endpoint of server `target` */
	MCAP_FRAMEBUFFER, /* the framebuffer's frames */
	MCAP_INITRD,	  /* the initrd's frames */
	MCAP_ASID,	  /* an ASID pool */
	MCAP_INIT,	  /* init's own protocol */
	MCAP_POWER,	  /* the same, with the power right */
	MCAP_DEBUG,	  /* the kernel's Debug capability */
	MCAP_DIR,	  /* a directory handle of the VFS for `path` */
};

struct manifest_cap {
	enum manifest_cap_kind kind;
	char name[MANIFEST_NAME_MAX + 1];   /* in the child's startinfo */
	char target[MANIFEST_NAME_MAX + 1]; /* MCAP_ENDPOINT: the server */
	char path[MANIFEST_PATH_MAX + 1];   /* MCAP_DIR: absolute */
	uint32_t first, last;
};

struct manifest_server {
	unsigned line; /* in the manifest, from 1 */
	char name[MANIFEST_NAME_MAX + 1];
	char binary[MANIFEST_BINARY_MAX + 1];
	unsigned priority;
	uint64_t memory; /* bytes of untyped memory */
	uint64_t borrow; /* most bytes it may borrow at once; 0: none */
	bool devices;	 /* the devices protocol: device memory, MSI */
	unsigned stack_pages;
	unsigned restart_max;
	unsigned cnode_bits; /* its CNode has 2^cnode_bits slots */
	unsigned nargs;
	char args[MANIFEST_ARGS_MAX][MANIFEST_ARG_LEN + 1];
	unsigned ncaps;
	struct manifest_cap caps[MANIFEST_CAPS_MAX];
	char mount[MANIFEST_PATH_MAX + 1]; /* mount=: where (empty: none) */
};

/* What is wrong with a line: called once per bad line, with its number
 * and a message ("unknown option 'foo'"). */
typedef void (*manifest_report_fn)(void *ctx, unsigned line, const char *msg);

/*
 * Parse the manifest text (len bytes; need not be terminated) into at most
 * `max` servers. A line with an error is reported and left out; the
 * others are kept. Returns the number of servers parsed. Checks every
 * option's syntax and range, names (letters, digits, '-', '_'), duplicate
 * server names and capability names, and that each endpoint option names
 * a server of the manifest (one whose own line parsed).
 */
unsigned manifest_parse(const char *text, size_t len,
			struct manifest_server *out, unsigned max,
			manifest_report_fn report, void *ctx);

/* The server named `name` among n, or NULL. */
const struct manifest_server *manifest_find(const struct manifest_server *s,
					    unsigned n, const char *name);

#endif
