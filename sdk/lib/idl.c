/*
 * The runtime of generated protocol code (pith/idl.h).
 */
#include "pith/idl.h"

#include "lib/string.h"
#include "pith/alloc.h"
#include "pith/bootinfo.h"
#include "pith/invocations.h"

size_t pith_idl_strlen(const char *s, size_t max)
{
	return s ? strnlen(s, max + 1) : 0;
}

void pith_idl_put_bytes(struct pith_idl_msg *m, unsigned *pos, const void *p,
			size_t len)
{
	if (len) {
		m->w[*pos + pith_idl_words(len) - 1] = 0; /* no stale bytes */
		memcpy(&m->w[*pos], p, len);
	}
	*pos += (unsigned)pith_idl_words(len);
}

void pith_idl_get_bytes(const struct pith_idl_msg *m, unsigned *pos, void *p,
			size_t len)
{
	if (len)
		memcpy(p, &m->w[*pos], len);
	*pos += (unsigned)pith_idl_words(len);
}

const uint8_t *pith_idl_bytes_at(const struct pith_idl_msg *m, unsigned *pos,
				 size_t len)
{
	const uint8_t *p = (const uint8_t *)&m->w[*pos];

	*pos += (unsigned)pith_idl_words(len);
	return p;
}

bool pith_idl_get_string(const struct pith_idl_msg *m, unsigned *pos, char *buf,
			 size_t len)
{
	pith_idl_get_bytes(m, pos, buf, len);
	buf[len] = '\0';
	return strnlen(buf, len) == len;
}

bool pith_idl_cap_is(pith_cptr_t cap, unsigned type)
{
	uint64_t t, rights, badge;

	return pith_cnode_identify(PITH_SLOT_CNODE, cap, PITH_SLOT_DEPTH, &t,
				   &rights, &badge) == PITH_OK &&
	       t == type;
}

void pith_idl_load(struct pith_msg *regs, const struct pith_idl_msg *m)
{
	struct pith_ipc_buffer *ipc = pith_ipc_buffer();

	regs->info = PITH_MSGINFO(m->label, m->nwords, m->ncaps);
	for (unsigned i = 0; i < PITH_MSG_REGISTER_WORDS; i++)
		regs->mr[i] = i < m->nwords ? m->w[i] : 0;
	for (unsigned i = PITH_MSG_REGISTER_WORDS; i < m->nwords; i++)
		ipc->mr[i] = m->w[i];
	for (unsigned i = 0; i < m->ncaps; i++)
		ipc->caps[i] = m->caps[i];
}

void pith_idl_store(struct pith_idl_msg *m, const struct pith_msg *regs)
{
	const struct pith_ipc_buffer *ipc = pith_ipc_buffer();
	unsigned n = PITH_MSGINFO_WORDS(regs->info);

	m->label = PITH_MSGINFO_LABEL(regs->info);
	m->nwords = n < PITH_MSG_MAX_WORDS ? n : PITH_MSG_MAX_WORDS;
	m->ncaps = 0;
	for (unsigned i = 0; i < m->nwords; i++)
		m->w[i] =
			i < PITH_MSG_REGISTER_WORDS ? regs->mr[i] : ipc->mr[i];
}

/* Where the capabilities of the next message go: n slots from `first`
 * (n 0: nowhere, so any that come are dropped). */
static void receive_into(pith_cptr_t first, unsigned n)
{
	struct pith_ipc_buffer *ipc = pith_ipc_buffer();

	ipc->receive_cnode = n ? PITH_SLOT_CNODE : 0;
	ipc->receive_index = n ? first : 0;
	ipc->receive_depth = 0;
}

void pith_idl_discard(struct pith_idl_msg *m)
{
	for (unsigned i = 0; i < m->ncaps; i++)
		pith_slot_free(m->caps[i]);
	m->ncaps = 0;
}

enum pith_error pith_idl_call(pith_cptr_t ep, struct pith_idl_msg *m,
			      unsigned reply_caps)
{
	struct pith_msg regs = {0};
	pith_cptr_t window = 0;
	enum pith_error err;
	unsigned got;

	if (reply_caps) {
		err = pith_slots_alloc(reply_caps, &window);
		if (err != PITH_OK)
			return err;
	}
	receive_into(window, reply_caps);
	pith_idl_load(&regs, m);
	err = pith_call(ep, &regs);
	receive_into(0, 0);
	if (err != PITH_OK) {
		if (reply_caps)
			pith_slots_free(window, reply_caps);
		return err;
	}
	pith_idl_store(m, &regs);
	got = PITH_MSGINFO_CAPS(regs.info);
	got = got < reply_caps ? got : reply_caps;
	for (unsigned i = 0; i < got; i++)
		m->caps[i] = window + i;
	m->ncaps = got;
	if (got < reply_caps)
		pith_slots_free(window + got, reply_caps - got);
	if (m->label != PITH_OK) {
		pith_idl_discard(m);
		m->nwords = 0;
		return m->label < PITH_E_COUNT ? (enum pith_error)m->label
					       : PITH_E_INVALID_ARGUMENT;
	}
	return PITH_OK;
}

enum pith_error pith_idl_reply_to(pith_cptr_t reply, struct pith_idl_msg *m)
{
	struct pith_msg regs = {0};
	enum pith_error err;

	pith_idl_load(&regs, m);
	err = pith_reply_to(reply, &regs);
	pith_slot_free(reply);
	return err;
}
