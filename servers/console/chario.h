/*
 * The read side of a chardev server (sdk/idl/proto/chardev.pidl), shared
 * by the console and the drivers (serial, kbd): bytes wait in a ring,
 * and at most one reader waits for bytes.
 *
 * A read that finds bytes is answered at once. One that finds none is
 * deferred: its reply capability is saved, and the server answers it
 * when input comes (chario_answer from its signal callback). A second
 * reader meanwhile gets PITH_E_IN_USE, unless the first has gone (its
 * thread deleted or suspended, which deletes the saved reply capability):
 * then the newcomer takes its place, so a restarted client is never
 * locked out by the instance that died.
 *
 * Bytes are taken from the ring only once the reply went out: input
 * meant for a reader that died meanwhile stays for the next one.
 *
 * Not thread-safe: the server's loop thread only.
 */
#ifndef CHARIO_CHARIO_H
#define CHARIO_CHARIO_H

#include <stddef.h>
#include <stdint.h>

#include "pith/proto/chardev.h"
#include "ring.h"

struct chario_waiter {
	pith_cptr_t reply; /* the waiting reader's reply capability, or 0 */
	uint32_t max;	   /* bytes it takes, 1 to CHARDEV_READ_DATA_MAX */
};

/* A read's max as the reply can carry it: at most CHARDEV_READ_DATA_MAX;
 * 0 for a max of 0, which the handler refuses (PITH_E_INVALID_ARGUMENT). */
uint32_t chario_clamp(uint32_t max);

/* In a read handler that has no bytes to return: make this request the
 * waiting reader (the generated dispatcher then sends nothing).
 * PITH_E_IN_USE if a live reader waits already; PITH_E_EXHAUSTED if no
 * slot is free for the reply capability. `max` is already clamped. */
enum pith_error chario_defer(struct chario_waiter *w, struct pith_request *rq,
			     uint32_t max);

/* How many bytes the waiting reader takes; 0 if none waits. */
static inline uint32_t chario_wanted(const struct chario_waiter *w)
{
	return w->reply ? w->max : 0;
}

/* Answer the waiting reader with `len` bytes (1 to chario_wanted()). It
 * no longer waits afterwards, whatever happened; the error is the
 * reply's (the reader went away: the bytes were not delivered). */
enum pith_error chario_answer(struct chario_waiter *w, const uint8_t *data,
			      size_t len);

/* Refuse the waiting reader, if any, with err (the input it waited for
 * will not come). */
void chario_fail(struct chario_waiter *w, enum pith_error err);

/* Answer the waiting reader, if any, from a ring: the bytes delivered
 * are taken from it. Returns how many. */
uint32_t chario_answer_from(struct chario_waiter *w, struct ring *r);

/* A read handler served from one ring: the bytes there at once, else the
 * request is deferred (chario_defer). */
enum pith_error chario_read(struct chario_waiter *w, struct ring *r,
			    struct pith_request *rq, uint32_t max,
			    uint8_t *data, size_t *data_len);

#endif
