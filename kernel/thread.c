/*
 * Threads (see include/kernel/thread.h).
 */
#include "kernel/thread.h"

#include "kernel/log.h"
#include "kernel/sched.h"
#include "lib/string.h"

void thread_init(struct thread *t, const char *name, uint64_t vspace,
		 uint64_t entry, uint64_t stack_top)
{
	memset(t, 0, sizeof(*t));
	arch_context_init_user(&t->ctx, entry, stack_top);
	t->vspace = vspace;
	t->state = THREAD_INACTIVE;
	for (size_t i = 0; i < sizeof(t->name) - 1 && name[i]; i++)
		t->name[i] = name[i];
}

void thread_fault(struct thread *t, const struct fault_info *f)
{
	pr_info("thread '%s': %llu interrupts taken in user mode", t->name,
		(unsigned long long)t->interrupts);
	if (f->kind == FAULT_PAGE)
		pr_err("fault: thread '%s' stopped: %s at address 0x%llx "
		       "(ip 0x%llx, vector %u, error 0x%llx)",
		       t->name, f->what, (unsigned long long)f->address,
		       (unsigned long long)f->ip, f->vector,
		       (unsigned long long)f->error);
	else
		pr_err("fault: thread '%s' stopped: %s (ip 0x%llx, vector %u, "
		       "error 0x%llx)",
		       t->name, f->what, (unsigned long long)f->ip, f->vector,
		       (unsigned long long)f->error);
	t->state = THREAD_STOPPED;
	sched_schedule();
}

void thread_exit(struct thread *t, int status)
{
	pr_info("thread '%s' exited with status %d (%llu interrupts taken in "
		"user mode)",
		t->name, status, (unsigned long long)t->interrupts);
	t->state = THREAD_EXITED;
	t->exit_status = status;
	sched_schedule();
}
