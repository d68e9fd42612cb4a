/*
 * The Debug capability: the kernel console, capability identification for
 * tests, and stopping the machine.
 */
#include "caps/cspace.h"
#include "caps/tcb.h"
#include "kernel/invocation.h"
#include "kernel/log.h"
#include "kernel/shutdown.h"
#include "kernel/uaccess.h"

#define WRITE_MAX 4096
#define CHUNK	  256

/* Anything but printable ASCII, tab and newline prints as '?', so a
 * program cannot send terminal control sequences. */
static void put_text(char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\n' && c != '\t') || c > 0x7e)
			s[i] = '?';
	}
	kputs_raw(s, n);
}

/* args: address, length */
enum pith_error decode_debug_write(struct invocation *inv)
{
	uint64_t vspace = tcb_vspace_root(inv->caller);
	uint64_t str = inv->args[0], len = inv->args[1];
	char buf[CHUNK];

	if (len > WRITE_MAX)
		return inv_error(inv, PITH_E_RANGE, 1, 0);
	/* All of it prints, or none: check first. */
	for (uint64_t off = 0; off < len; off += CHUNK) {
		uint64_t n = len - off < CHUNK ? len - off : CHUNK;

		if (!uaccess_copy_in(vspace, buf, str + off, n))
			return PITH_E_FAULT;
	}
	for (uint64_t off = 0; off < len; off += CHUNK) {
		uint64_t n = len - off < CHUNK ? len - off : CHUNK;

		if (!uaccess_copy_in(vspace, buf, str + off, n))
			return PITH_E_FAULT;
		put_text(buf, n);
	}
	return PITH_OK;
}

/* args: cptr */
enum pith_error decode_debug_identify(struct invocation *inv)
{
	const struct cap *root = &inv->caller->slots[TCB_SLOT_CSPACE].cap;
	struct cte *slot;
	unsigned type = PITH_CAP_NULL, rights = 0;
	uint64_t badge = 0;

	if (cspace_lookup_cap(root, inv->args[0], &slot) == LOOKUP_OK &&
	    slot->cap.type < PITH_CAP_COUNT) {
		type = slot->cap.type;
		rights = slot->cap.rights;
		badge = cap_badge(&slot->cap);
	}
	inv_return(inv, 0, type);
	inv_return(inv, 1, rights);
	inv_return(inv, 2, badge);
	return PITH_OK;
}

/* args: status */
enum pith_error decode_debug_shutdown(struct invocation *inv)
{
	pr_info("debug: shutdown requested by '%s' with status %llu",
		inv->caller->name, (unsigned long long)inv->args[0]);
	shutdown_machine(inv->args[0] == 0 ? SHUTDOWN_PASS : SHUTDOWN_FAIL);
}
