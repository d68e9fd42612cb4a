/*
 * What the root task starts with: its initial CSpace layout and the
 * boot-info page the kernel maps read-only into its address space (its
 * address arrives in %rdi at _start).
 *
 * The root CNode has 2^cnode_size_bits slots and a guard that covers the
 * remaining bits, so a slot number is also its capability address at
 * depth 64.
 */
#ifndef PITH_BOOTINFO_H
#define PITH_BOOTINFO_H

#include <stdint.h>

#define PITH_BOOTINFO_MAGIC   0x4f464e49544f4f42ULL /* "BOOTINFO" */
#define PITH_BOOTINFO_VERSION 3

/* Fixed slots of the root task's CNode. */
enum pith_root_slot {
	PITH_SLOT_NULL = 0,		 /* always empty */
	PITH_SLOT_TCB = 1,		 /* the root task's thread */
	PITH_SLOT_CNODE = 2,		 /* its root CNode */
	PITH_SLOT_VSPACE = 3,		 /* its address space */
	PITH_SLOT_IRQ_CONTROL = 4,	 /* interrupts */
	PITH_SLOT_IOPORT_CONTROL = 5,	 /* I/O ports */
	PITH_SLOT_ASID_CONTROL = 6,	 /* making ASID pools */
	PITH_SLOT_ASID_POOL = 7,	 /* the pool its own ASID came from */
	PITH_SLOT_DEBUG = 8,		 /* kernel console, shutdown */
	PITH_SLOT_BOOTINFO_FRAME = 9,	 /* the frame of this page */
	PITH_SLOT_IPC_BUFFER_FRAME = 10, /* the frame of its IPC buffer */
	PITH_SLOT_FIRST_DYNAMIC = 16,	 /* frames and untyped, see below */
};

/* Slots [start, end) of the root CNode. */
struct pith_slot_range {
	uint64_t start;
	uint64_t end;
};

/* One untyped capability, in the order of bootinfo.untyped. */
struct pith_untyped_desc {
	uint64_t paddr;
	uint8_t size_bits; /* the block is 2^size_bits bytes */
	uint8_t device; /* 1: device memory (MMIO, firmware, ACPI): frames only
			 */
	uint8_t reserved[6];
};

struct pith_bootinfo_framebuffer {
	uint64_t paddr; /* 0: no framebuffer */
	uint64_t size;
	uint32_t width, height, pitch; /* pixels, pixels, bytes per line */
	uint32_t format;	       /* 1 RGBX, 2 BGRX, 3 bit masks */
	uint32_t red_mask, green_mask, blue_mask, reserved_mask;
};

struct pith_bootinfo {
	uint64_t magic;	     /* PITH_BOOTINFO_MAGIC */
	uint32_t version;    /* PITH_BOOTINFO_VERSION */
	uint32_t size;	     /* bytes of this page in use */
	uint64_t ipc_buffer; /* the root task's IPC buffer (user address) */
	uint32_t cnode_size_bits;	/* the root CNode has 2^bits slots */
	uint32_t untyped_count;		/* entries of untyped_list */
	struct pith_slot_range empty;	/* free slots */
	struct pith_slot_range untyped; /* untyped caps, as untyped_list */
	struct pith_slot_range initrd_frames;	/* 4 KiB frames, read-only */
	struct pith_slot_range fb_large_frames; /* 2 MiB device frames */
	struct pith_slot_range fb_small_frames; /* 4 KiB device frames after */
	uint64_t initrd_paddr; /* the first initrd frame holds its start */
	uint64_t initrd_size;
	struct pith_bootinfo_framebuffer framebuffer;
	uint64_t acpi_rsdp;  /* physical; 0: none */
	uint8_t entropy[32]; /* from the firmware; all zero if none */
	uint32_t entropy_valid;
	uint32_t tsc_khz; /* the TSC's frequency (0: unknown) */
	/* A kernel built with coverage (docs/fuzzing.md): 4 KiB read-only
	 * frames holding one byte per edge of the syscall-reachable code,
	 * nonzero once the edge ran; kcov_edges bytes matter (0: no
	 * coverage, and no frames). */
	struct pith_slot_range kcov_frames;
	uint64_t kcov_edges;
	/* RAM the kernel keeps for itself: its image and what it allocated
	 * while booting (its page tables, the root task's first objects);
	 * with the untyped memory and the initrd, that is all the RAM. */
	uint64_t kernel_bytes;
	char cmdline[1024]; /* the kernel command line */
	struct pith_untyped_desc untyped_list[];
};

#define PITH_BOOTINFO_MAX_UNTYPED                                              \
	((4096 - sizeof(struct pith_bootinfo)) /                               \
	 sizeof(struct pith_untyped_desc))

#endif
