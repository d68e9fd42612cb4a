/*
 * System calls (see include/kernel/syscall.h and
 * sdk/include/pith/syscall_abi.h). Each call decodes and checks all of its
 * arguments before it acts; a bad argument is an error code in %rax.
 */
#include "kernel/syscall.h"

#include "kernel/log.h"
#include "kernel/sched.h"
#include "kernel/uaccess.h"
#include "pith/error.h"
#include "pith/syscall_abi.h"

#define PUTS_CHUNK 256

/* Print user bytes; anything but printable ASCII, tab and newline is shown
 * as '?', so a program cannot send terminal control sequences. */
static void put_user_text(char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\n' && c != '\t') || c > 0x7e)
			s[i] = '?';
	}
	kputs_raw(s, n);
}

static enum pith_error sys_debug_puts(struct thread *t, uint64_t str,
				      uint64_t len)
{
	char buf[PUTS_CHUNK];

	if (len > PITH_DEBUG_PUTS_MAX)
		return PITH_E_RANGE;
	/* Check the whole string first: all of it prints, or none. */
	for (uint64_t off = 0; off < len; off += PUTS_CHUNK) {
		uint64_t n = len - off < PUTS_CHUNK ? len - off : PUTS_CHUNK;

		if (!uaccess_copy_in(t->vspace, buf, str + off, n))
			return PITH_E_FAULT;
	}
	for (uint64_t off = 0; off < len; off += PUTS_CHUNK) {
		uint64_t n = len - off < PUTS_CHUNK ? len - off : PUTS_CHUNK;

		if (!uaccess_copy_in(t->vspace, buf, str + off, n))
			return PITH_E_FAULT; /* unmapped meanwhile (SMP) */
		put_user_text(buf, n);
	}
	return PITH_OK;
}

void syscall_dispatch(struct thread *t)
{
	struct arch_context *c = &t->ctx;
	uint64_t nr = arch_syscall_number(c);
	enum pith_error ret;

	switch (nr) {
	case PITH_SYS_DEBUG_PUTS:
		ret = sys_debug_puts(t, arch_syscall_arg(c, 0),
				     arch_syscall_arg(c, 1));
		break;
	case PITH_SYS_EXIT:
		thread_exit(t, (int)arch_syscall_arg(c, 0));
	default:
		pr_debug("syscall: thread '%s': no syscall %llu", t->name,
			 (unsigned long long)nr);
		ret = PITH_E_NOSYS;
		break;
	}
	arch_set_syscall_result(c, ret);
	arch_enter_user(c, t->vspace);
}
