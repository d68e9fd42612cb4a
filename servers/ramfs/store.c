/*
 * ramfs's nodes (store.h).
 */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "pith/fs.h"

static uint64_t id_of(const struct ramfs_store *s, uint32_t i)
{
	return (uint64_t)s->nodes[i].gen << 32 | i;
}

static uint64_t now(const struct ramfs_store *s)
{
	return s->clock ? s->clock() : 0;
}

struct ramfs_node *ramfs_node(struct ramfs_store *s, uint64_t id)
{
	uint32_t i = (uint32_t)id;

	if (i >= s->n || !s->nodes[i].used ||
	    s->nodes[i].gen != (uint32_t)(id >> 32))
		return NULL;
	return &s->nodes[i];
}

static enum pith_error new_node(struct ramfs_store *s, uint32_t type,
				uint32_t *index)
{
	uint32_t i;

	for (i = 0; i < s->n && s->nodes[i].used; i++)
		;
	if (i == s->n) {
		if (s->n == s->cap) {
			uint32_t cap = s->cap ? s->cap * 2 : 16;
			struct ramfs_node *n =
				realloc(s->nodes, cap * sizeof(*n));

			if (!n)
				return PITH_E_NO_SPACE;
			s->nodes = n;
			s->cap = cap;
		}
		s->nodes[s->n++] = (struct ramfs_node){0};
	}
	s->nodes[i] = (struct ramfs_node){.used = true,
					  .gen = s->nodes[i].gen,
					  .type = type,
					  .mtime = now(s)};
	*index = i;
	return PITH_OK;
}

enum pith_error ramfs_init(struct ramfs_store *s)
{
	uint32_t root;
	enum pith_error err;

	*s = (struct ramfs_store){0};
	err = new_node(s, PITH_FS_DIR, &root);
	if (err == PITH_OK)
		s->nodes[root].named = true;
	return err;
}

uint64_t ramfs_root(const struct ramfs_store *s)
{
	return id_of(s, 0);
}

/* A data page onto the spare list. */
static void spare_push(struct ramfs_store *s, uint8_t *p)
{
	memcpy(p, &s->spare, sizeof(s->spare));
	s->spare = p;
}

/* A spare data page, zeroed; NULL if none is left. */
static uint8_t *page_get(struct ramfs_store *s)
{
	uint8_t *p = s->spare;

	if (!p)
		return NULL;
	memcpy(&s->spare, p, sizeof(s->spare));
	memset(p, 0, RAMFS_PAGE);
	s->pages++;
	return p;
}

void ramfs_add_pages(struct ramfs_store *s, void *mem, uint64_t n)
{
	for (uint64_t i = n; i-- > 0;)
		spare_push(s, (uint8_t *)mem + i * RAMFS_PAGE);
	s->pages_max += n;
}

bool ramfs_take_pages(struct ramfs_store *s, void *mem, uint64_t n)
{
	uint8_t *lo = mem, *hi = lo + n * RAMFS_PAGE, *p, *next, *prev = NULL;
	uint64_t spare = 0;

	for (p = s->spare; p; p = next) {
		memcpy(&next, p, sizeof(next));
		spare += p >= lo && p < hi;
	}
	if (spare < n)
		return false; /* some are in files */
	for (p = s->spare; p; p = next) {
		memcpy(&next, p, sizeof(next));
		if (p < lo || p >= hi)
			prev = p;
		else if (prev)
			memcpy(prev, &next, sizeof(next));
		else
			s->spare = next;
	}
	s->pages_max -= n;
	return true;
}

static void free_pages(struct ramfs_store *s, struct ramfs_node *n,
		       uint64_t from)
{
	for (uint64_t p = from; p < n->npages; p++) {
		if (n->pages[p]) {
			spare_push(s, n->pages[p]);
			n->pages[p] = NULL;
			s->pages--;
		}
	}
}

/* Free a node nothing names or holds any more. */
static void maybe_free(struct ramfs_store *s, struct ramfs_node *n)
{
	if (n->named || n->refs)
		return;
	free_pages(s, n, 0);
	free(n->pages);
	for (uint64_t i = 0; i < n->size && n->type == PITH_FS_DIR; i++)
		free(n->ents[i].name);
	free(n->ents);
	*n = (struct ramfs_node){.gen = n->gen + 1};
}

static struct ramfs_node *dir_of(struct ramfs_store *s, uint64_t id,
				 enum pith_error *err)
{
	struct ramfs_node *d = ramfs_node(s, id);

	*err = !d			? PITH_E_NOT_FOUND
	       : d->type != PITH_FS_DIR ? PITH_E_NOT_DIRECTORY
					: PITH_OK;
	return *err == PITH_OK ? d : NULL;
}

static enum pith_error check_name(const char *name, size_t len)
{
	if (len == 0 || (len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return PITH_E_INVALID_ARGUMENT;
	if (len > PITH_FS_NAME_MAX)
		return PITH_E_NAME_TOO_LONG;
	for (size_t i = 0; i < len; i++)
		if (name[i] == '/' || name[i] == '\0')
			return PITH_E_INVALID_ARGUMENT;
	return PITH_OK;
}

/* The entry index of name in d, or -1. */
static long find(const struct ramfs_node *d, const char *name, size_t len)
{
	for (uint64_t i = 0; i < d->size; i++)
		if (d->ents[i].len == len &&
		    !memcmp(d->ents[i].name, name, len))
			return (long)i;
	return -1;
}

enum pith_error ramfs_lookup(struct ramfs_store *s, uint64_t dir,
			     const char *name, size_t len, uint64_t *node)
{
	enum pith_error err = check_name(name, len);
	struct ramfs_node *d = err == PITH_OK ? dir_of(s, dir, &err) : NULL;
	long e;

	if (!d)
		return err;
	e = find(d, name, len);
	if (e < 0)
		return PITH_E_NOT_FOUND;
	*node = id_of(s, d->ents[e].node);
	s->nodes[d->ents[e].node].refs++;
	return PITH_OK;
}

void ramfs_ref(struct ramfs_store *s, uint64_t node)
{
	struct ramfs_node *n = ramfs_node(s, node);

	if (n)
		n->refs++;
}

enum pith_error ramfs_release(struct ramfs_store *s, uint64_t node)
{
	struct ramfs_node *n = ramfs_node(s, node);

	if (!n)
		return PITH_E_NOT_FOUND;
	if (n->refs == 0)
		return PITH_E_INVALID_ARGUMENT;
	n->refs--;
	maybe_free(s, n);
	return PITH_OK;
}

/* Add an entry (name copied) for node index i to d. */
static enum pith_error add_entry(struct ramfs_node *d, const char *name,
				 size_t len, uint32_t i)
{
	struct ramfs_entry *e;
	char *copy = malloc(len ? len : 1);

	if (!copy)
		return PITH_E_NO_SPACE;
	e = realloc(d->ents, (d->size + 1) * sizeof(*e));
	if (!e) {
		free(copy);
		return PITH_E_NO_SPACE;
	}
	memcpy(copy, name, len);
	d->ents = e;
	e[d->size++] = (struct ramfs_entry){copy, (uint16_t)len, i};
	/* cppcheck-suppress memleak ; the entry holds copy */
	return PITH_OK;
}

static void remove_entry(struct ramfs_node *d, uint64_t e)
{
	free(d->ents[e].name);
	d->ents[e] = d->ents[--d->size];
}

enum pith_error ramfs_create(struct ramfs_store *s, uint64_t dir,
			     const char *name, size_t len, uint32_t type,
			     uint64_t *node)
{
	enum pith_error err = check_name(name, len);
	struct ramfs_node *d = err == PITH_OK ? dir_of(s, dir, &err) : NULL;
	uint32_t i, di;

	if (!d)
		return err;
	if (type != PITH_FS_FILE && type != PITH_FS_DIR)
		return PITH_E_INVALID_ARGUMENT;
	if (find(d, name, len) >= 0)
		return PITH_E_EXISTS;
	di = (uint32_t)(d - s->nodes);
	err = new_node(s, type, &i);
	if (err != PITH_OK)
		return err;
	d = &s->nodes[di]; /* the array may have moved */
	err = add_entry(d, name, len, i);
	if (err != PITH_OK) {
		maybe_free(s, &s->nodes[i]);
		return err;
	}
	s->nodes[i].named = true;
	s->nodes[i].refs = 1;
	d->mtime = now(s);
	*node = id_of(s, i);
	return PITH_OK;
}

enum pith_error ramfs_unlink(struct ramfs_store *s, uint64_t dir,
			     const char *name, size_t len)
{
	enum pith_error err = check_name(name, len);
	struct ramfs_node *d = err == PITH_OK ? dir_of(s, dir, &err) : NULL;
	struct ramfs_node *n;
	long e;

	if (!d)
		return err;
	e = find(d, name, len);
	if (e < 0)
		return PITH_E_NOT_FOUND;
	n = &s->nodes[d->ents[e].node];
	if (n->type == PITH_FS_DIR && n->size)
		return PITH_E_NOT_EMPTY;
	remove_entry(d, (uint64_t)e);
	d->mtime = now(s);
	n->named = false;
	maybe_free(s, n);
	return PITH_OK;
}

/* Is node index i the directory d or one of its ancestors' below? That
 * is: is d inside i? (A directory may not move into itself.) */
static bool inside(const struct ramfs_store *s, uint32_t d, uint32_t i)
{
	if (d == i)
		return true;
	for (uint64_t e = 0;
	     s->nodes[i].type == PITH_FS_DIR && e < s->nodes[i].size; e++)
		if (s->nodes[s->nodes[i].ents[e].node].type == PITH_FS_DIR &&
		    inside(s, d, s->nodes[i].ents[e].node))
			return true;
	return false;
}

enum pith_error ramfs_rename(struct ramfs_store *s, uint64_t from,
			     const char *a, size_t alen, uint64_t to,
			     const char *b, size_t blen)
{
	enum pith_error err;
	struct ramfs_node *fd, *td, *n, *old = NULL;
	uint32_t i;
	long ea, eb;

	err = check_name(a, alen);
	if (err == PITH_OK)
		err = check_name(b, blen);
	fd = err == PITH_OK ? dir_of(s, from, &err) : NULL;
	td = fd ? dir_of(s, to, &err) : NULL;
	if (!td)
		return err;
	ea = find(fd, a, alen);
	if (ea < 0)
		return PITH_E_NOT_FOUND;
	i = fd->ents[ea].node;
	n = &s->nodes[i];
	if (n->type == PITH_FS_DIR && inside(s, (uint32_t)(td - s->nodes), i))
		return PITH_E_INVALID_ARGUMENT;
	eb = find(td, b, blen);
	if (eb >= 0) {
		old = &s->nodes[td->ents[eb].node];
		if (old == n)
			return PITH_OK;
		if (old->type == PITH_FS_DIR)
			return n->type == PITH_FS_DIR ? PITH_E_EXISTS
						      : PITH_E_IS_DIRECTORY;
		if (n->type == PITH_FS_DIR)
			return PITH_E_NOT_DIRECTORY;
	}
	err = add_entry(td, b, blen, i);
	if (err != PITH_OK)
		return err;
	/* add_entry may have moved td->ents, not fd's entries' meaning */
	ea = find(fd, a, alen);
	remove_entry(fd, (uint64_t)ea);
	if (old) {
		eb = -1;
		for (uint64_t e = 0; e < td->size; e++)
			if (&s->nodes[td->ents[e].node] == old)
				eb = (long)e;
		remove_entry(td, (uint64_t)eb);
		old->named = false;
		maybe_free(s, old);
	}
	fd->mtime = td->mtime = now(s);
	return PITH_OK;
}

static struct ramfs_node *file_of(struct ramfs_store *s, uint64_t id,
				  enum pith_error *err)
{
	struct ramfs_node *n = ramfs_node(s, id);

	*err = !n			 ? PITH_E_NOT_FOUND
	       : n->type != PITH_FS_FILE ? PITH_E_IS_DIRECTORY
					 : PITH_OK;
	return *err == PITH_OK ? n : NULL;
}

enum pith_error ramfs_read(struct ramfs_store *s, uint64_t node, uint64_t at,
			   void *buf, uint32_t len, uint32_t *done)
{
	enum pith_error err;
	struct ramfs_node *n = file_of(s, node, &err);
	uint8_t *out = buf;

	*done = 0;
	if (!n)
		return err;
	if (at >= n->size)
		return PITH_OK;
	if (len > n->size - at)
		len = (uint32_t)(n->size - at);
	while (*done < len) {
		uint64_t p = at / RAMFS_PAGE, o = at % RAMFS_PAGE;
		uint32_t k = RAMFS_PAGE - (uint32_t)o;

		if (k > len - *done)
			k = len - *done;
		if (p < n->npages && n->pages[p])
			memcpy(out + *done, n->pages[p] + o, k);
		else
			memset(out + *done, 0, k);
		*done += k;
		at += k;
	}
	return PITH_OK;
}

/* Room in n's page array for pages [0, pages). */
static enum pith_error grow_pages(struct ramfs_node *n, uint64_t pages)
{
	uint8_t **p;

	if (pages <= n->npages)
		return PITH_OK;
	if (pages > (UINT64_MAX / sizeof(*p)))
		return PITH_E_NO_SPACE;
	p = realloc(n->pages, pages * sizeof(*p));
	if (!p)
		return PITH_E_NO_SPACE;
	memset(p + n->npages, 0, (pages - n->npages) * sizeof(*p));
	n->pages = p;
	n->npages = pages;
	return PITH_OK;
}

enum pith_error ramfs_write(struct ramfs_store *s, uint64_t node, uint64_t at,
			    const void *buf, uint32_t len, uint32_t *done)
{
	enum pith_error err;
	struct ramfs_node *n = file_of(s, node, &err);
	const uint8_t *in = buf;

	*done = 0;
	if (!n)
		return err;
	if (at + len < at)
		return PITH_E_RANGE;
	err = grow_pages(n, (at + len + RAMFS_PAGE - 1) / RAMFS_PAGE);
	while (err == PITH_OK && *done < len) {
		uint64_t p = at / RAMFS_PAGE, o = at % RAMFS_PAGE;
		uint32_t k = RAMFS_PAGE - (uint32_t)o;

		if (k > len - *done)
			k = len - *done;
		if (!n->pages[p] && !(n->pages[p] = page_get(s))) {
			err = PITH_E_NO_SPACE;
			break;
		}
		memcpy(n->pages[p] + o, in + *done, k);
		*done += k;
		at += k;
		if (at > n->size)
			n->size = at;
	}
	if (*done)
		n->mtime = now(s);
	return *done ? PITH_OK : err;
}

enum pith_error ramfs_truncate(struct ramfs_store *s, uint64_t node,
			       uint64_t size)
{
	enum pith_error err;
	struct ramfs_node *n = file_of(s, node, &err);

	if (!n)
		return err;
	if (size < n->size) {
		uint64_t keep = (size + RAMFS_PAGE - 1) / RAMFS_PAGE;

		free_pages(s, n, keep);
		if (size % RAMFS_PAGE && keep - 1 < n->npages &&
		    n->pages[keep - 1])
			memset(n->pages[keep - 1] + size % RAMFS_PAGE, 0,
			       RAMFS_PAGE - size % RAMFS_PAGE);
	}
	n->size = size; /* pages past the old end read as zeros */
	n->mtime = now(s);
	return PITH_OK;
}

enum pith_error ramfs_readdir(struct ramfs_store *s, uint64_t dir,
			      uint64_t cookie, void *buf, uint32_t max,
			      uint64_t *next, uint32_t *count, uint32_t *used)
{
	enum pith_error err;
	struct ramfs_node *d = dir_of(s, dir, &err);
	uint8_t *out = buf;

	*next = 0;
	*count = *used = 0;
	if (!d)
		return err;
	for (uint64_t e = cookie; e < d->size; e++) {
		const struct ramfs_entry *en = &d->ents[e];
		const struct ramfs_node *n = &s->nodes[en->node];
		uint64_t sz = PITH_FS_DIRENT_SIZE(en->len);
		struct pith_fs_dirent h = {
			.size = n->type == PITH_FS_FILE ? n->size : 0,
			.type = n->type,
			.name_len = en->len};

		if (*used + sz > max) {
			if (*count == 0)
				return PITH_E_RANGE;
			*next = e;
			return PITH_OK;
		}
		memset(out + *used, 0, sz);
		memcpy(out + *used, &h, sizeof(h));
		memcpy(out + *used + sizeof(h), en->name, en->len);
		*used += (uint32_t)sz;
		(*count)++;
	}
	return PITH_OK;
}
