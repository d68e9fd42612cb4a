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
	*memory = s->state == SERVER_RUNNING ? s->memory : 0;
	return PITH_OK;
}

static enum pith_error do_kill(struct pith_request *rq, const char *name)
{
	struct server *s = NULL;

	if (!is_client(rq))
		return PITH_E_MISSING_RIGHTS;
	for (unsigned i = 0; i < nservers; i++)
		if (strcmp(servers[i].m->name, name) == 0)
			s = &servers[i];
	if (!s || s->state != SERVER_RUNNING)
		return PITH_E_INVALID_ARGUMENT;
	server_ended(s, "was killed", true);
	return PITH_OK;
}

void memory_figures(uint64_t *total, uint64_t *kernel, uint64_t *used,
		    uint64_t *available)
{
	const struct pith_bootinfo *bi = pith_bootinfo;
	uint64_t ram = 0, use = 0;

	for (uint64_t i = 0; i < bi->untyped_count; i++) {
		uint64_t paddr, bits, watermark, device;

		if (bi->untyped_list[i].device)
			continue;
		ram += 1ULL << bi->untyped_list[i].size_bits;
		if (pith_untyped_describe(bi->untyped.start + i, &paddr, &bits,
					  &watermark, &device) == PITH_OK)
			use += watermark;
	}
	/* The initrd's frames are RAM the kernel did not make untyped. */
	*kernel = bi->kernel_bytes;
	*used = use + ((bi->initrd_size + 4095) & ~4095ULL);
	*available = ram - use;
	*total = *kernel + *used + *available;
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

static enum pith_error do_reboot(struct pith_request *rq)
{
	if (!is_client(rq) || !(rq->badge & BADGE_POWER))
		return PITH_E_MISSING_RIGHTS;
	return power_reboot();
}

static enum pith_error do_poweroff(struct pith_request *rq)
{
	if (!is_client(rq) || !(rq->badge & BADGE_POWER))
		return PITH_E_MISSING_RIGHTS;
	return power_off();
}

static const struct init_server ops = {
	.list = do_list,
	.kill = do_kill,
	.mem = do_mem,
	.uptime = do_uptime,
	.reboot = do_reboot,
	.poweroff = do_poweroff,
};

const struct pith_service init_services[] = {
	{init_service, &ops},
	{devices_service, &devices_ops},
};
const unsigned init_nservices = 2;
