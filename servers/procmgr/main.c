/*
 * procmgr: the process manager (docs/system.md, "The process manager").
 *
 * Capabilities (its manifest line): `service`, where it serves; `initrd`,
 * the initrd's frames (read-only), with its size in the startinfo; `asid`,
 * an ASID pool; `console`, passed on to every program; `init`, from which
 * it borrows the memory programs are made of (memory.c); and a little
 * untyped memory of its own.
 *
 * One thread serves requests of the `procmgr` protocol, and the exit and
 * fault messages of programs, which come on the same endpoint through
 * badged capabilities (procmgr.h).
 */
#include "procmgr.h"

#include "lib/format.h"
#include "lib/string.h"
#include "pith/proto/chardev.h"

#define LOG_MAX 200

struct procmgr pm;

void pm_log(const char *fmt, ...)
{
	char buf[LOG_MAX];
	va_list ap;
	int n = fmt_snprintf(buf, sizeof(buf), "procmgr: ");

	va_start(ap, fmt);
	n += fmt_vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf))
		n = (int)sizeof(buf) - 1;
	if (pm.console)
		chardev_write(pm.console, buf, (size_t)n, NULL);
}

/* ---- start-up ---------------------------------------------------------- */

/* The initrd's frames, mapped read-only once; then one page mapped and
 * unmapped after them, so that the paging structures where spawning
 * maps the pages it fills exist before any program's memory is in use
 * (what is made then comes from the program's blocks, and goes with
 * them). */
static bool map_initrd(void)
{
	uint64_t size = pith_startinfo->initrd_size, va;
	enum cpio_error why;

	pm.initrd = pith_cap_range("initrd", &pm.initrd_frames);
	if (!pm.initrd || !size || size > pm.initrd_frames * PITH_PAGE_SIZE) {
		pm_log("no initrd: no program can be started\n");
		return false;
	}
	if (pith_vm_map_frames(pm.initrd, pm.initrd_frames, PITH_RIGHT_READ,
			       &va) != PITH_OK) {
		pm_log("cannot map the initrd\n");
		return false;
	}
	why = cpio_check((const void *)(uintptr_t)va, size, NULL);
	if (why != CPIO_OK) {
		pm_log("the initrd is corrupt: %s\n", cpio_strerror(why));
		return false;
	}
	pm.archive = (const void *)(uintptr_t)va;
	pm.archive_size = size;
	if (pith_vm_map_new(1, PITH_RIGHT_READ | PITH_RIGHT_WRITE, &va) ==
	    PITH_OK)
		pith_vm_unmap(va);
	return true;
}

/* procmgr's maximum controlled priority: the highest that it may give
 * itself (setting its MCP to that leaves it as it is). */
static unsigned own_mcp(void)
{
	unsigned p = 255;

	while (p > 0 && pith_tcb_set_mc_priority(PITH_SLOT_TCB, PITH_SLOT_TCB,
						 p) != PITH_OK)
		p--;
	return p;
}

/* ---- the protocol ------------------------------------------------------ */

static enum pith_error do_spawn(struct pith_request *rq, const char *name,
				const uint8_t *args, size_t args_len,
				uint32_t *pid)
{
	struct proc *pr;
	enum pith_error err = proc_spawn(name, args, args_len, &pr);

	(void)rq;
	if (err == PITH_OK)
		*pid = pr->pid;
	return err;
}

/* Waiters that went away (their thread deleted or suspended, which
 * empties the slot of their saved reply capability) wait no more. */
static void forget_gone_waiters(struct proc *pr)
{
	unsigned kept = 0;

	for (unsigned i = 0; i < pr->nwaiters; i++) {
		uint64_t type = PITH_CAP_NULL, rights, badge;

		pith_cnode_identify(PITH_SLOT_CNODE, pr->waiters[i],
				    PITH_SLOT_DEPTH, &type, &rights, &badge);
		if (type == PITH_CAP_REPLY)
			pr->waiters[kept++] = pr->waiters[i];
		else
			pith_slot_free(pr->waiters[i]);
	}
	pr->nwaiters = kept;
}

static enum pith_error do_wait(struct pith_request *rq, uint32_t pid,
			       int32_t *status)
{
	struct proc *pr = proc_find(pid);
	enum pith_error err;

	if (!pr)
		return PITH_E_INVALID_ARGUMENT;
	if (pr->state != PROC_RUNNING) {
		*status = pr->status;
		proc_forget(pr); /* waited for: done */
		return PITH_OK;
	}
	if (pr->nwaiters == WAITERS_MAX)
		forget_gone_waiters(pr);
	if (pr->nwaiters == WAITERS_MAX)
		return PITH_E_EXHAUSTED;
	err = pith_request_defer(rq, &pr->waiters[pr->nwaiters]);
	if (err == PITH_OK)
		pr->nwaiters++;
	return err;
}

static enum pith_error do_kill(struct pith_request *rq, uint32_t pid)
{
	struct proc *pr = proc_find(pid);

	(void)rq;
	if (!pr)
		return PITH_E_INVALID_ARGUMENT;
	if (pr->state == PROC_RUNNING)
		proc_end(pr, PROC_EXITED, -1);
	else
		proc_forget(pr); /* ended already: its record goes */
	return PITH_OK;
}

static enum pith_error do_list(struct pith_request *rq, uint32_t index,
			       uint32_t *pid, char *name, uint32_t *state,
			       uint64_t *memory)
{
	(void)rq;
	for (unsigned i = 0; i < PROCS_MAX; i++) {
		const struct proc *pr = &procs[i];

		if (!pr->used || index--)
			continue;
		*pid = pr->pid;
		memcpy(name, pr->name, strlen(pr->name) + 1);
		*state = pr->state;
		*memory = pr->state == PROC_RUNNING ? pr->memory : 0;
		return PITH_OK;
	}
	return PITH_E_RANGE;
}

static const struct procmgr_server ops = {
	.spawn = do_spawn,
	.wait = do_wait,
	.kill = do_kill,
	.list = do_list,
};

/* ---- exits and faults -------------------------------------------------- */

static const char *fault_name(uint64_t kind)
{
	switch (kind) {
	case PITH_FAULT_PAGE:
		return "page fault";
	case PITH_FAULT_PROTECTION:
		return "protection fault";
	case PITH_FAULT_INVALID_OPCODE:
		return "invalid opcode";
	case PITH_FAULT_DIVIDE:
		return "divide error";
	case PITH_FAULT_BREAKPOINT:
		return "breakpoint";
	case PITH_FAULT_UNKNOWN_SYSCALL:
		return "unknown system call";
	default:
		return "exception";
	}
}

/* A message from a program's thread: its exit, or a fault. Neither is
 * answered (the thread is destroyed). */
static enum pith_dispatch program_message(struct pith_server *srv,
					  struct pith_request *rq)
{
	struct proc *pr = proc_find((uint32_t)(rq->badge & BADGE_PID));
	const struct pith_idl_msg *m = &rq->msg;

	(void)srv;
	if (!(rq->badge & BADGE_PROGRAM))
		return PITH_DISPATCH_NOT_MINE;
	if (!pr || pr->state != PROC_RUNNING)
		return PITH_DISPATCH_DEFERRED; /* stale: it is gone */
	if (rq->badge & BADGE_FAULT) {
		pm_log("%s (pid %u) faulted: %s at 0x%llx (ip 0x%llx)\n",
		       pr->name, pr->pid, fault_name(m->label),
		       (unsigned long long)m->w[PITH_FAULT_ADDRESS],
		       (unsigned long long)m->w[PITH_FAULT_IP]);
		proc_end(pr, PROC_FAULTED, -1);
	} else if (m->label == PITH_EXIT_LABEL && m->nwords >= 1) {
		proc_end(pr, PROC_EXITED, (int32_t)m->w[PITH_EXIT_STATUS]);
	}
	return PITH_DISPATCH_DEFERRED;
}

int main(int argc, char **argv)
{
	static const struct pith_service services[] = {
		{procmgr_service, &ops},
	};
	static struct pith_server srv = {
		.services = services,
		.nservices = 1,
		.other = program_message,
	};

	(void)argc;
	(void)argv;
	pm.service = pith_cap("service");
	pm.console = pith_cap("console");
	pm.asid = pith_cap("asid");
	pm.init = pith_cap("init");
	pm.tsc_khz = pith_startinfo ? pith_startinfo->tsc_khz : 0;
	if (!pm.service || !pith_startinfo) {
		pm_log("no service endpoint\n");
		return 1;
	}
	if (!mem_setup()) {
		pm_log("no memory for programs\n");
		return 1;
	}
	if (!pm.asid)
		pm_log("no ASID pool: no program can be started\n");
	map_initrd();
	pm.priority = own_mcp();
	if (pm.priority > PROGRAM_PRIORITY)
		pm.priority = PROGRAM_PRIORITY;
	srv.ep = pm.service;
	pith_server_run(&srv);
}
