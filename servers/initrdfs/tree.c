/*
 * initrdfs's tree (tree.h).
 */
#include "tree.h"

#include <stdlib.h>
#include <string.h>

#include "pith/fs.h"

long irfs_lookup(const struct irfs_tree *t, uint32_t dir, const char *name,
		 size_t len)
{
	if (dir >= t->n || t->nodes[dir].type != PITH_FS_DIR)
		return -1;
	for (uint32_t c = t->nodes[dir].first; c; c = t->nodes[c].next)
		if (t->nodes[c].len == len &&
		    !memcmp(t->nodes[c].name, name, len))
			return c;
	return -1;
}

/* A new child of dir; -1 if memory ran out. Children are kept in the
 * order they appear. */
static long add(struct irfs_tree *t, uint32_t dir, const char *name, size_t len,
		uint32_t type)
{
	uint32_t *link;

	if (t->n == t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 64;
		struct irfs_node *n = realloc(t->nodes, cap * sizeof(*n));

		if (!n)
			return -1;
		t->nodes = n;
		t->cap = cap;
	}
	t->nodes[t->n] = (struct irfs_node){.name = name,
					    .len = (uint16_t)len,
					    .type = type,
					    .parent = dir};
	for (link = &t->nodes[dir].first; *link; link = &t->nodes[*link].next)
		;
	*link = t->n;
	return t->n++;
}

/* Add the member at path p (len bytes); false if memory ran out. */
static int add_member(struct irfs_tree *t, const char *p, size_t len,
		      uint32_t type, const struct cpio_entry *e)
{
	uint32_t dir = 0;
	size_t i = 0;

	while (i < len) {
		size_t start = i, n;
		long c;

		while (i < len && p[i] != '/')
			i++;
		n = i - start;
		while (i < len && p[i] == '/')
			i++;
		if (n == 0 || (n == 1 && p[start] == '.'))
			continue;
		if ((n == 2 && p[start] == '.' && p[start + 1] == '.') ||
		    n > PITH_FS_NAME_MAX)
			return 1; /* a name no path can reach: left out */
		c = irfs_lookup(t, dir, p + start, n);
		if (i < len) { /* a directory on the way */
			if (c < 0)
				c = add(t, dir, p + start, n, PITH_FS_DIR);
			else if (t->nodes[c].type != PITH_FS_DIR)
				return 1;
			if (c < 0)
				return 0;
			dir = (uint32_t)c;
			continue;
		}
		if (c >= 0)
			return 1; /* a second member of this path */
		c = add(t, dir, p + start, n, type);
		if (c < 0)
			return 0;
		if (type == PITH_FS_FILE) {
			t->nodes[c].data = e->data;
			t->nodes[c].size = e->size;
		}
	}
	return 1;
}

enum cpio_error irfs_build(struct irfs_tree *t, const void *archive,
			   size_t size)
{
	struct cpio_iter it;
	struct cpio_entry e;
	enum cpio_error err;

	*t = (struct irfs_tree){0};
	if (add(t, 0, "", 0, PITH_FS_DIR) != 0)
		return CPIO_E_COUNT;
	t->nodes[0].first = 0;
	cpio_iter_init(&it, archive, size);
	while ((err = cpio_next(&it, &e)) == CPIO_OK) {
		uint32_t kind = e.mode & CPIO_MODE_TYPE;
		uint32_t type = kind == CPIO_MODE_REG	? PITH_FS_FILE
				: kind == CPIO_MODE_DIR ? PITH_FS_DIR
							: 0;

		if (type && !add_member(t, e.name, e.namelen, type, &e))
			return CPIO_E_COUNT;
	}
	return err == CPIO_END ? CPIO_OK : err;
}
