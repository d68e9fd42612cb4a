/*
 * The read side of a chardev server (chario.h).
 */
#include "chario.h"

#include "pith/alloc.h"

uint32_t chario_clamp(uint32_t max)
{
	return max < CHARDEV_READ_DATA_MAX ? max : CHARDEV_READ_DATA_MAX;
}

/* Forget a waiting reader whose thread has gone: its reply capability
 * went with it, and the slot is empty. */
static void forget_dead(struct chario_waiter *w)
{
	if (w->reply && !pith_idl_cap_is(w->reply, PITH_CAP_REPLY)) {
		pith_slot_free(w->reply);
		w->reply = 0;
	}
}

enum pith_error chario_defer(struct chario_waiter *w, struct pith_request *rq,
			     uint32_t max)
{
	enum pith_error err;

	forget_dead(w);
	if (w->reply)
		return PITH_E_IN_USE;
	err = pith_request_defer(rq, &w->reply);
	if (err != PITH_OK) {
		w->reply = 0;
		return err;
	}
	w->max = max;
	return PITH_OK;
}

enum pith_error chario_answer(struct chario_waiter *w, const uint8_t *data,
			      size_t len)
{
	pith_cptr_t reply = w->reply;

	w->reply = 0;
	return chardev_read_reply(reply, PITH_OK, data, len);
}

void chario_fail(struct chario_waiter *w, enum pith_error err)
{
	pith_cptr_t reply = w->reply;

	if (reply) {
		w->reply = 0;
		chardev_read_reply(reply, err, NULL, 0);
	}
}

uint32_t chario_answer_from(struct chario_waiter *w, struct ring *r)
{
	uint8_t buf[CHARDEV_READ_DATA_MAX];
	uint32_t n = ring_peek(r, buf, chario_wanted(w));

	if (n == 0)
		return 0;
	if (chario_answer(w, buf, n) != PITH_OK)
		return 0; /* the reader is gone: the bytes wait for the next */
	ring_drop(r, n);
	return n;
}

enum pith_error chario_read(struct chario_waiter *w, struct ring *r,
			    struct pith_request *rq, uint32_t max,
			    uint8_t *data, size_t *data_len)
{
	uint32_t n;

	max = chario_clamp(max);
	if (max == 0)
		return PITH_E_INVALID_ARGUMENT;
	n = ring_peek(r, data, max);
	if (n == 0)
		return chario_defer(w, rq, max);
	ring_drop(r, n);
	*data_len = n;
	return PITH_OK;
}
