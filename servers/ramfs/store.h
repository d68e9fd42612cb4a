/*
 * ramfs's nodes (docs/vfs.md): files and directories in the server's own
 * heap. A node's number is generation << 32 | index, so a number whose
 * node was freed and reused is refused. A node lives while it has a
 * name or a reference (lookup, create): a file unlinked while open keeps
 * its data until its last release. File data is kept in pages taken as
 * written (a page never written reads as zeros), so big files need no
 * big allocation. The data pages are the caller's, given once
 * (ramfs_add_pages): they are the whole quota, so what statfs calls free
 * can be written. Nodes and names come from the heap. Pure: only malloc
 * and free.
 */
#ifndef RAMFS_STORE_H
#define RAMFS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pith/abi.h"

#define RAMFS_PAGE 4096u

struct ramfs_entry {
	char *name;
	uint16_t len;
	uint32_t node; /* index */
};

struct ramfs_node {
	bool used;
	uint32_t gen;
	uint32_t type; /* PITH_FS_FILE, PITH_FS_DIR */
	bool named;    /* in a directory (the root always) */
	uint32_t refs;
	uint64_t size;	/* a file's bytes; a directory's entries */
	uint64_t mtime; /* what the store's clock said at the last change */
	struct ramfs_entry *ents; /* a directory's */
	uint8_t **pages;	  /* a file's; NULL: zeros */
	uint64_t npages;	  /* of `pages` */
};

struct ramfs_store {
	struct ramfs_node *nodes;
	uint32_t n, cap;
	uint64_t pages, pages_max; /* data pages in use, and given */
	void *spare;		   /* the free ones: a list through their
				    * first word */
	uint64_t (*clock)(void);   /* for mtime; may be NULL */
};

/* An empty store with a root directory (node ramfs_root(s)), without
 * data pages. */
enum pith_error ramfs_init(struct ramfs_store *s);

/* Give the store n data pages at mem (n * RAMFS_PAGE bytes, which stay
 * the store's): files can hold that many pages more. */
void ramfs_add_pages(struct ramfs_store *s, void *mem, uint64_t n);

/* Take back n pages at mem given by ramfs_add_pages, if none of them is
 * in a file; false (and nothing changes) if any is. */
bool ramfs_take_pages(struct ramfs_store *s, void *mem, uint64_t n);
uint64_t ramfs_root(const struct ramfs_store *s);

/* The node a number names, or NULL. */
struct ramfs_node *ramfs_node(struct ramfs_store *s, uint64_t id);

enum pith_error ramfs_lookup(struct ramfs_store *s, uint64_t dir,
			     const char *name, size_t len, uint64_t *node);
void ramfs_ref(struct ramfs_store *s, uint64_t node);
enum pith_error ramfs_release(struct ramfs_store *s, uint64_t node);
enum pith_error ramfs_create(struct ramfs_store *s, uint64_t dir,
			     const char *name, size_t len, uint32_t type,
			     uint64_t *node);
enum pith_error ramfs_unlink(struct ramfs_store *s, uint64_t dir,
			     const char *name, size_t len);
enum pith_error ramfs_rename(struct ramfs_store *s, uint64_t from,
			     const char *a, size_t alen, uint64_t to,
			     const char *b, size_t blen);
enum pith_error ramfs_read(struct ramfs_store *s, uint64_t node, uint64_t at,
			   void *buf, uint32_t len, uint32_t *done);
enum pith_error ramfs_write(struct ramfs_store *s, uint64_t node, uint64_t at,
			    const void *buf, uint32_t len, uint32_t *done);
enum pith_error ramfs_truncate(struct ramfs_store *s, uint64_t node,
			       uint64_t size);
/* Entries of dir from `cookie` as struct pith_fs_dirent into buf (max
 * bytes): *next 0 at the end; PITH_E_RANGE if not even one fits. */
enum pith_error ramfs_readdir(struct ramfs_store *s, uint64_t dir,
			      uint64_t cookie, void *buf, uint32_t max,
			      uint64_t *next, uint32_t *count, uint32_t *used);

#endif
