/*
 * A shared buffer of the file protocols (pith/fs.h) as one side sees it:
 * up to PITH_FS_BUFFER_PAGES pages, each mapped where the other side's
 * attach put it, read and written as one array of bytes. A file-system
 * server keeps one for the VFS's buffer (fs.attach).
 */
#ifndef PITH_FSBUF_H
#define PITH_FSBUF_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "pith/alloc.h"
#include "pith/fs.h"
#include "pith/vm.h"

struct pith_fsbuf {
	uint64_t va[PITH_FS_BUFFER_PAGES]; /* 0: not attached */
};

/* Map `frame` (an attach's capability, in a slot of the allocator) as
 * page `index`: the mapping keeps a copy, and the slot is freed.
 * PITH_E_RANGE, PITH_E_IN_USE, or the mapping's error (then the
 * capability is the caller's still). */
static inline enum pith_error
pith_fsbuf_attach(struct pith_fsbuf *b, uint32_t index, pith_cptr_t frame)
{
	enum pith_error err;

	if (index >= PITH_FS_BUFFER_PAGES)
		return PITH_E_RANGE;
	if (b->va[index])
		return PITH_E_IN_USE;
	err = pith_vm_map_frame(frame, PITH_RIGHT_READ | PITH_RIGHT_WRITE,
				&b->va[index]);
	if (err == PITH_OK)
		pith_slot_free(frame);
	return err;
}

/* As pith_fsbuf_attach, but a page attached already is replaced: for a
 * file-system server, whose one client, the VFS, shares a new buffer
 * when it was restarted (the old one's frames went with it). */
static inline enum pith_error
pith_fsbuf_replace(struct pith_fsbuf *b, uint32_t index, pith_cptr_t frame)
{
	if (index < PITH_FS_BUFFER_PAGES && b->va[index]) {
		pith_vm_unmap(b->va[index]);
		b->va[index] = 0;
	}
	return pith_fsbuf_attach(b, index, frame);
}

/* Are bytes [off, off + len) attached? PITH_E_RANGE past the largest
 * buffer, PITH_E_NOT_MAPPED for a page not attached. */
static inline enum pith_error pith_fsbuf_check(const struct pith_fsbuf *b,
					       uint64_t off, uint64_t len)
{
	const uint64_t total = PITH_FS_BUFFER_PAGES * 4096ULL;

	if (off > total || len > total - off)
		return PITH_E_RANGE;
	for (uint64_t p = off / 4096; len && p <= (off + len - 1) / 4096; p++)
		if (!b->va[p])
			return PITH_E_NOT_MAPPED;
	return PITH_OK;
}

/* The bytes at `off` up to the end of their page (at most len), in
 * place: *n says how many. The span must have been checked. */
static inline uint8_t *pith_fsbuf_at(const struct pith_fsbuf *b, uint64_t off,
				     uint64_t len, uint64_t *n)
{
	uint64_t in_page = off % 4096;

	*n = 4096 - in_page < len ? 4096 - in_page : len;
	return (uint8_t *)b->va[off / 4096] + in_page;
}

/* Copy between the buffer (a checked span) and memory. */
static inline void pith_fsbuf_copy(const struct pith_fsbuf *b, uint64_t off,
				   void *mem, uint64_t len, bool to_mem)
{
	uint8_t *m = (uint8_t *)mem;
	uint64_t n;

	while (len) {
		uint8_t *p = pith_fsbuf_at(b, off, len, &n);

		if (to_mem)
			memcpy(m, p, n);
		else
			memcpy(p, m, n);
		m += n;
		off += n;
		len -= n;
	}
}

#endif
