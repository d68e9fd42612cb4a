/*
 * A split virtqueue (virtio 1.x, 2.6): the descriptor table, the
 * driver's available ring and the device's used ring, in memory shared
 * with the device. Pure logic over those three areas, so it is
 * host-tested (tests/host/drivers/test_virtq.c) with a fake device.
 *
 * Free descriptors are chained through their `next` fields. A request
 * is a chain of buffers; its head's index names it in the used ring.
 */
#ifndef VIRTIO_VIRTQ_H
#define VIRTIO_VIRTQ_H

#include <stdbool.h>
#include <stdint.h>

#define VIRTQ_DESC_F_NEXT  1
#define VIRTQ_DESC_F_WRITE 2 /* the device writes the buffer */
#define VIRTQ_SIZE_MAX	   256

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[]; /* size entries, then used_event */
};

struct virtq_used_elem {
	uint32_t id; /* the head of the chain */
	uint32_t len;
};

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[]; /* size entries, then avail_event */
};

/* One buffer of a request. */
struct virtq_buf {
	uint64_t addr;
	uint32_t len;
	bool device_writes;
};

struct virtq {
	unsigned size; /* a power of two, at most VIRTQ_SIZE_MAX */
	volatile struct virtq_desc *desc;
	volatile struct virtq_avail *avail;
	volatile struct virtq_used *used;
	unsigned free_head; /* first free descriptor */
	unsigned nfree;
	uint16_t avail_idx; /* ours: what we published */
	uint16_t last_used; /* the next used entry to take */
};

/* Bytes of each area for `size` entries. */
#define VIRTQ_DESC_BYTES(size)	(16U * (size))
#define VIRTQ_AVAIL_BYTES(size) (6U + 2U * (size))
#define VIRTQ_USED_BYTES(size)	(6U + 8U * (size))

/* Set up a queue of `size` entries over zeroed areas; false if size is
 * not a power of two from 1 to VIRTQ_SIZE_MAX. */
bool virtq_init(struct virtq *q, unsigned size, void *desc, void *avail,
		void *used);

/* Write the chain of n buffers into free descriptors and make it
 * available to the device (not yet notified): its head, or -1 if fewer
 * than n descriptors are free (or n is 0). */
int virtq_submit(struct virtq *q, const struct virtq_buf *bufs, unsigned n);

/* Take the next request the device has finished: its head and the
 * bytes it wrote, its descriptors freed. false if there is none, or if
 * the device named a head that is not a chain in use (nothing freed). */
bool virtq_reap(struct virtq *q, unsigned *head, uint32_t *len);

/* Has the device finished requests not yet reaped? */
bool virtq_pending(const struct virtq *q);

#endif
