/*
 * The `init` protocol (sdk/idl/proto/init.pidl): what init tells and does
 * for its clients, who are known by their badges (init.h).
 */
#include "devices.h"
#include "init.h"

#include "lib/string.h"
#include "pith/proto/init.h"

static bool is_client(const struct pith_request *rq)
{
	return (rq->badge & BADGE_CLIENT) != 0;
}

static enum pith_error do_list(struct pith_request *rq, uint32_t index,
			       char *name, uint32_t *pid, uint32_t *state,
			       uint32_t *restarts, uint64_t *memory)
{
	const struct server *s;

	if (!is_client(rq))
		return PITH_E_MISSING_RIGHTS;
	if (index >= nservers)
		return PITH_E_RANGE;
	s = &servers[index];
	memcpy(name, s->m->name, strlen(s->m->name) + 1);
	*pid = s->state == SERVER_RUNNING ? s->pid : 0;
	*state = s->state;
	*restarts = s->restarts;
	*memory = s->state == SERVER_RUNNING ? s->memory + memory_held(s->index)
					     : 0;
	return PITH_OK;
}

static enum pith_error do_kill(struct pith_request *rq, const char *name)
{
	struct server *s = NULL;
	pith_cptr_t reply;
	uint64_t jobs;

	if (!is_client(rq))
		return PITH_E_MISSING_RIGHTS;
	for (unsigned i = 0; i < nservers; i++)
		if (strcmp(servers[i].m->name, name) == 0)
			s = &servers[i];
	if (!s || s->state != SERVER_RUNNING)
		return PITH_E_INVALID_ARGUMENT;
	jobs = namespace_jobs();
	server_ended(s, "was killed", true);
	/* The answer waits for the namespace's work the kill made (the
	 * VFS's: the mounts and dir handles again), if any. */
	if (namespace_jobs() != jobs &&
	    pith_request_defer(rq, &reply) == PITH_OK)
		namespace_then_reply(reply);
	return PITH_OK;
}

static enum pith_error do_mem(struct pith_request *rq, uint64_t *total,
			      uint64_t *kernel, uint64_t *used,
			      uint64_t *available)
{
	if (!is_client(rq))
		return PITH_E_MISSING_RIGHTS;
	memory_figures(total, kernel, used, available);
	return PITH_OK;
}

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static enum pith_error do_uptime(struct pith_request *rq, uint64_t *ns)
{
	uint64_t khz = pith_bootinfo->tsc_khz, t = rdtsc();

	if (!is_client(rq))
		return PITH_E_MISSING_RIGHTS;
	if (!khz)
		return PITH_E_ILLEGAL_OPERATION; /* no known TSC rate */
	/* ns = ticks * 1e6 / khz, without overflow for centuries. */
	*ns = t / khz * 1000000 + t % khz * 1000000 / khz;
	return PITH_OK;
}

/* Once the file systems have synced (namespace.c), or could not in
 * time: the answer comes only if it fails. */
static enum pith_error power_after_sync(struct pith_request *rq, bool reboot)
{
	pith_cptr_t reply;
	enum pith_error err = pith_request_defer(rq, &reply);

	if (err == PITH_OK)
		namespace_power(reply, reboot);
	return err;
}

static enum pith_error do_reboot(struct pith_request *rq)
{
	if (!is_client(rq) || !(rq->badge & BADGE_POWER))
		return PITH_E_MISSING_RIGHTS;
	return power_after_sync(rq, true);
}

static enum pith_error do_poweroff(struct pith_request *rq)
{
	if (!is_client(rq) || !(rq->badge & BADGE_POWER))
		return PITH_E_MISSING_RIGHTS;
	return power_after_sync(rq, false);
}

/* The server a client's badge names; NULL if it is no client. */
static const struct server *client(const struct pith_request *rq)
{
	uint64_t index = rq->badge & BADGE_INDEX;

	return is_client(rq) && index < nservers ? &servers[index] : NULL;
}

static enum pith_error do_lend(struct pith_request *rq, uint32_t bits,
			       uint64_t slot)
{
	const struct server *s = client(rq);

	return s ? memory_lend(s, bits, slot) : PITH_E_MISSING_RIGHTS;
}

static enum pith_error do_give_back(struct pith_request *rq, uint64_t slot)
{
	const struct server *s = client(rq);

	return s ? memory_give_back(s, slot) : PITH_E_MISSING_RIGHTS;
}

static const struct init_server ops = {
	.list = do_list,
	.kill = do_kill,
	.mem = do_mem,
	.uptime = do_uptime,
	.reboot = do_reboot,
	.poweroff = do_poweroff,
	.lend = do_lend,
	.give_back = do_give_back,
};

const struct pith_service init_services[] = {
	{init_service, &ops},
	{devices_service, &devices_ops},
};
const unsigned init_nservices = 2;
