/*
 * System calls (sdk/abi/pith.toml): `call` invokes a capability, `yield`
 * gives up the rest of the timeslice. Anything else is PITH_E_NO_SYSCALL.
 */
#include "kernel/syscall.h"

#include "kernel/invocation.h"
#include "kernel/sched.h"

void syscall_dispatch(struct tcb *t)
{
	switch (arch_syscall_number(&t->ctx)) {
	case PITH_SYS_CALL:
		invocation_call(t);
		break;
	case PITH_SYS_YIELD:
		sched_yield_timeslice(t);
		arch_set_syscall_error(&t->ctx, PITH_OK);
		break;
	default:
		arch_set_syscall_error(&t->ctx, PITH_E_NO_SYSCALL);
		break;
	}
	sched_exit_to_user();
}
