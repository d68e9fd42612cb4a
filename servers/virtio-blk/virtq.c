/*
 * The split virtqueue (virtq.h): pure, host-tested.
 */
#include "virtq.h"

/* The device sees the ring entries before the index that publishes them
 * (and we see its used entries after reading its index): on x86 stores
 * are ordered, so a compiler barrier is enough, but say what is meant. */
static inline void barrier(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

bool virtq_init(struct virtq *q, unsigned size, void *desc, void *avail,
		void *used)
{
	if (size == 0 || size > VIRTQ_SIZE_MAX || (size & (size - 1)))
		return false;
	q->size = size;
	q->desc = desc;
	q->avail = avail;
	q->used = used;
	for (unsigned i = 0; i < size; i++) {
		q->desc[i].flags = 0;
		q->desc[i].next = (uint16_t)((i + 1) % size);
	}
	q->free_head = 0;
	q->nfree = size;
	q->avail_idx = q->avail->idx;
	q->last_used = q->used->idx;
	return true;
}

int virtq_submit(struct virtq *q, const struct virtq_buf *bufs, unsigned n)
{
	unsigned head = q->free_head, i = head;

	if (n == 0 || n > q->nfree)
		return -1;
	for (unsigned k = 0; k < n; k++) {
		volatile struct virtq_desc *d = &q->desc[i];
		unsigned next = d->next;

		d->addr = bufs[k].addr;
		d->len = bufs[k].len;
		d->flags =
			(uint16_t)((bufs[k].device_writes ? VIRTQ_DESC_F_WRITE
							  : 0) |
				   (k + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
		if (k + 1 < n)
			i = next;
		else
			q->free_head = next;
	}
	q->nfree -= n;
	q->avail->ring[q->avail_idx % q->size] = (uint16_t)head;
	barrier();
	q->avail_idx++;
	q->avail->idx = q->avail_idx;
	barrier();
	return (int)head;
}

bool virtq_pending(const struct virtq *q)
{
	return q->used->idx != q->last_used;
}

bool virtq_reap(struct virtq *q, unsigned *head, uint32_t *len)
{
	unsigned i, n = 1;
	uint32_t id;

	if (!virtq_pending(q))
		return false;
	barrier();
	id = q->used->ring[q->last_used % q->size].id;
	*len = q->used->ring[q->last_used % q->size].len;
	if (id >= q->size)
		return false;
	/* Walk the chain to its end, bounded by the queue's size. */
	for (i = id; q->desc[i].flags & VIRTQ_DESC_F_NEXT; i = q->desc[i].next)
		if (++n > q->size - q->nfree || q->desc[i].next >= q->size)
			return false;
	q->desc[i].flags = 0;
	q->desc[i].next = (uint16_t)q->free_head;
	q->free_head = id;
	q->nfree += n;
	q->last_used++;
	*head = id;
	return true;
}
