/*
 * tasks: a program ktest spawns several times from the initrd, each copy
 * a task in an address space of its own (tests/qemu/user/ktest/tasks.c):
 * the two sides of a ping-pong between two address spaces, and the
 * members of a round robin that take turns by yielding. What each does
 * is in tasks.h.
 */
#include "tasks.h"

#include "lib/string.h"
#include "pith/pith.h"

/* The one capability the parent passed: in caps.start. */
static pith_cptr_t passed_cap(const struct pith_startinfo *si)
{
	return si->caps.end == si->caps.start + 1 ? si->caps.start : 0;
}

/* ---- ping-pong ---------------------------------------------------------- */

static int ping(const struct pith_startinfo *si)
{
	const pith_cptr_t ep = passed_cap(si);
	const uint64_t trips = si->args[1], shown = si->args[2];
	uint64_t good = 0, bad = 0, first_bad = 0;

	if (!ep)
		return TASKS_BAD_ARGS;
	for (uint64_t k = 0; k < trips; k++) {
		const uint64_t counter = 2 * k + 1;
		struct pith_msg m = pith_msg(TASKS_PING_LABEL, 1, 0);
		enum pith_error err;

		if (k < shown)
			pith_printf("pingpong: ping %llu\n",
				    (unsigned long long)counter);
		m.mr[0] = counter;
		err = pith_call(ep, &m);
		if (err == PITH_OK &&
		    m.info == PITH_MSGINFO(TASKS_PONG_LABEL, 1, 0) &&
		    m.mr[0] == counter + 1)
			good++;
		else if (!bad++)
			first_bad = k;
	}
	pith_printf("pingpong: %llu round trips between two address spaces\n",
		    (unsigned long long)good);
	if (!bad)
		return TASKS_OK;
	pith_printf("pingpong: %llu round trips wrong, the first #%llu\n",
		    (unsigned long long)bad, (unsigned long long)first_bad);
	return TASKS_BAD_REPLY;
}

/* Serves until its receive fails; the parent destroys it before that. */
static int pong(const struct pith_startinfo *si)
{
	const pith_cptr_t ep = passed_cap(si);
	const uint64_t shown = si->args[1], badge = si->args[2];
	struct pith_msg m = pith_msg(0, 0, 0);
	uint64_t want = 1;
	enum pith_error err;

	if (!ep)
		return TASKS_BAD_ARGS;
	err = pith_recv(ep, &m);
	for (uint64_t k = 0; err == PITH_OK; k++) {
		const uint64_t reply = m.mr[0] + 1;
		const bool right =
			m.info == PITH_MSGINFO(TASKS_PING_LABEL, 1, 0) &&
			m.badge == badge && m.mr[0] == want;

		if (k < shown)
			pith_printf("pingpong: pong %llu\n",
				    (unsigned long long)reply);
		m = pith_msg(right ? TASKS_PONG_LABEL : TASKS_WRONG_LABEL, 1,
			     0);
		m.mr[0] = reply;
		want = reply + 1;
		err = pith_reply_recv(ep, &m);
	}
	return TASKS_IPC_FAILED;
}

/* ---- round robin -------------------------------------------------------- */

/* Task `task`: each turn is printed, logged in the shared page, and ended
 * by a yield, which sends it behind the other tasks of its priority. */
static int round_robin(const struct pith_startinfo *si)
{
	const pith_cptr_t frame = passed_cap(si);
	const uint64_t task = si->args[1], tasks = si->args[2];
	const uint64_t turns = si->args[3];
	volatile struct tasks_rr_log *log;
	uint64_t va;

	if (!frame || task >= tasks || tasks * turns > TASKS_RR_LOG_MAX)
		return TASKS_BAD_ARGS;
	if (pith_vm_map_frames(frame, 1, PITH_RIGHT_READ | PITH_RIGHT_WRITE,
			       &va) != PITH_OK)
		return TASKS_NO_LOG;
	log = (volatile struct tasks_rr_log *)(uintptr_t)va;
	for (uint64_t turn = 0; turn < turns; turn++) {
		uint64_t n;

		pith_printf("rr-task: task %llu turn %llu\n",
			    (unsigned long long)task, (unsigned long long)turn);
		/* Atomic: a preemption between the read and the write must
		 * not lose another task's entry. */
		n = __atomic_fetch_add(&log->count, 1, __ATOMIC_SEQ_CST);
		if (n < TASKS_RR_LOG_MAX)
			log->entry[n] = TASKS_RR_ENTRY(task, turn);
		pith_yield();
	}
	return TASKS_OK;
}

int main(int argc, char **argv)
{
	const struct pith_startinfo *si = pith_startinfo;

	(void)argc;
	(void)argv;
	if (!si || strcmp(si->name, TASKS_NAME) != 0)
		return TASKS_BAD_STARTINFO;
	switch (si->args[0]) {
	case TASKS_PING:
		return ping(si);
	case TASKS_PONG:
		return pong(si);
	case TASKS_RR:
		return round_robin(si);
	default:
		return TASKS_BAD_ROLE;
	}
}
