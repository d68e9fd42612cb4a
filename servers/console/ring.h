/*
 * A ring of bytes with one producer and one consumer, which may be two
 * threads: each index is written by one side only and read by the other
 * with acquire ordering, so no lock is needed (the console's reader
 * threads push, its server thread takes). The drivers use it from one
 * thread, where the atomics cost nothing more than plain moves.
 *
 * head and tail count bytes ever pushed and taken; they wrap at 2^32, and
 * head - tail is the number of bytes held. The size is a power of two.
 */
#ifndef CHARIO_RING_H
#define CHARIO_RING_H

#include <stdatomic.h>
#include <stdint.h>

#include "lib/string.h"

struct ring {
	uint8_t *buf;
	uint32_t size;	       /* a power of two */
	_Atomic uint32_t head; /* written by the producer only */
	_Atomic uint32_t tail; /* written by the consumer only */
};

static inline void ring_init(struct ring *r, uint8_t *buf, uint32_t size)
{
	r->buf = buf;
	r->size = size;
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
}

/* Bytes held (exact for the consumer; a lower bound for the producer). */
static inline uint32_t ring_count(struct ring *r)
{
	return atomic_load_explicit(&r->head, memory_order_acquire) -
	       atomic_load_explicit(&r->tail, memory_order_acquire);
}

/* Room left (exact for the producer; a lower bound for the consumer). */
static inline uint32_t ring_space(struct ring *r)
{
	return r->size - ring_count(r);
}

/* Producer: copy in up to n bytes; returns how many fitted. */
static inline uint32_t ring_push(struct ring *r, const uint8_t *p, uint32_t n)
{
	uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	uint32_t space = ring_space(r), at, first;

	n = n < space ? n : space;
	at = head & (r->size - 1);
	first = r->size - at < n ? r->size - at : n;
	memcpy(r->buf + at, p, first);
	memcpy(r->buf, p + first, n - first);
	atomic_store_explicit(&r->head, head + n, memory_order_release);
	return n;
}

/* Consumer: copy out up to n bytes without taking them; returns how many
 * (ring_drop() takes them once they are delivered). */
static inline uint32_t ring_peek(struct ring *r, uint8_t *p, uint32_t n)
{
	uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	uint32_t count = ring_count(r), at, first;

	n = n < count ? n : count;
	at = tail & (r->size - 1);
	first = r->size - at < n ? r->size - at : n;
	memcpy(p, r->buf + at, first);
	memcpy(p + first, r->buf, n - first);
	return n;
}

/* Consumer: take n bytes (at most ring_count()). */
static inline void ring_drop(struct ring *r, uint32_t n)
{
	uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);

	atomic_store_explicit(&r->tail, tail + n, memory_order_release);
}

#endif
