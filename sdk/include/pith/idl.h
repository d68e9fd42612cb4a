/*
 * What the code sdk/idl/pidl.py generates is built on: a message as an
 * array of words and capabilities, its sending and receiving, and the
 * checks of each argument's size and range. Programs use the generated
 * functions, not these (docs/sdk.md, "Protocols").
 *
 * Wire format of a protocol's message: the label is
 * PITH_IDL_LABEL(protocol, method) for a request and the error code
 * (PITH_OK for success) for a reply. The words hold first one word per
 * scalar and per buffer (its length), in declaration order, then each
 * buffer's bytes from a fresh word, in declaration order; capabilities
 * travel as the message's capabilities, in declaration order.
 */
#ifndef PITH_IDL_H
#define PITH_IDL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pith/invoke.h"
#include "pith/ipc.h"

#define PITH_IDL_LABEL(protocol, method)                                       \
	((uint64_t)(protocol) << 16 | (uint64_t)(method))
#define PITH_IDL_PROTOCOL(label) ((uint64_t)(label) >> 16)
#define PITH_IDL_METHOD(label)	 ((uint64_t)(label)&0xffff)

/* A message: label, words and capabilities. */
struct pith_idl_msg {
	uint64_t label;
	unsigned nwords;
	unsigned ncaps;
	uint64_t w[PITH_MSG_MAX_WORDS];
	pith_cptr_t caps[PITH_MSG_MAX_CAPS];
};

/* Words that `len` bytes take. */
static inline uint64_t pith_idl_words(uint64_t len)
{
	return (len + 7) / 8;
}

/* Does v hold an unsigned (zero-extended) or signed (sign-extended)
 * value of `bits` bits? */
static inline bool pith_idl_fits_unsigned(uint64_t v, unsigned bits)
{
	return (v >> bits) == 0;
}

static inline bool pith_idl_fits_signed(uint64_t v, unsigned bits)
{
	int64_t s = (int64_t)v, lim = (int64_t)1 << (bits - 1);

	return s >= -lim && s < lim;
}

/* strlen, but stops counting at max + 1 (a string too long for its
 * protocol is not read to its end). */
size_t pith_idl_strlen(const char *s, size_t max);

/* Copy len bytes into the words from *pos, which moves past them (the
 * caller has checked that they fit). */
void pith_idl_put_bytes(struct pith_idl_msg *m, unsigned *pos, const void *p,
			size_t len);
/* Copy len bytes out of the words from *pos, which moves past them. */
void pith_idl_get_bytes(const struct pith_idl_msg *m, unsigned *pos, void *p,
			size_t len);
/* The len bytes from *pos, in place; *pos moves past them. */
const uint8_t *pith_idl_bytes_at(const struct pith_idl_msg *m, unsigned *pos,
				 size_t len);
/* A string of len bytes from *pos into buf (room for len + 1), terminated;
 * false if it holds a NUL (a malformed message). */
bool pith_idl_get_string(const struct pith_idl_msg *m, unsigned *pos, char *buf,
			 size_t len);

/* Is the capability at cap (in this program's CSpace) of that type
 * (PITH_CAP_*)? */
bool pith_idl_cap_is(pith_cptr_t cap, unsigned type);

/* Call ep with m and wait: the reply replaces m. reply_caps capabilities
 * may come back, into new slots (m->caps); on any error none is kept.
 * The IPC's own errors are returned as they are (PITH_E_ABORTED: the
 * server went away); a reply's error code is returned as the error, with
 * m->nwords 0. */
enum pith_error pith_idl_call(pith_cptr_t ep, struct pith_idl_msg *m,
			      unsigned reply_caps);

/* Send m on a reply capability saved by pith_request_defer(); the slot is
 * freed. */
enum pith_error pith_idl_reply_to(pith_cptr_t reply, struct pith_idl_msg *m);

/* Delete the capabilities m carries (a reply that did not check out). */
void pith_idl_discard(struct pith_idl_msg *m);

/* Moving between struct pith_idl_msg and the registers and IPC buffer of
 * the IPC system calls. */
void pith_idl_load(struct pith_msg *regs, const struct pith_idl_msg *m);
void pith_idl_store(struct pith_idl_msg *m, const struct pith_msg *regs);

#endif
