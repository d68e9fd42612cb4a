/*
 * The partners of the benchmarks: the serving loop (a thread of the root
 * task, or a spawned copy of this program) and the faulting program.
 */
#include "bench.h"

void bench_serve(pith_cptr_t ep, uint64_t receive_base)
{
	struct pith_ipc_buffer *ipc = pith_ipc_buffer();
	struct pith_msg m = {0};
	uint64_t received = 0;

	ipc->receive_cnode = receive_base ? PITH_SLOT_CNODE : 0;
	ipc->receive_index = receive_base;
	ipc->receive_depth = PITH_SLOT_DEPTH;
	pith_recv(ep, &m);
	for (;;) {
		unsigned words = PITH_MSGINFO_WORDS(m.info);

		if (PITH_MSGINFO_CAPS(m.info))
			ipc->receive_index = receive_base + ++received;
		if (PITH_MSGINFO_LABEL(m.info) == LABEL_CLEANUP) {
			for (uint64_t i = 0; i < received; i++)
				pith_cnode_delete(PITH_SLOT_CNODE,
						  receive_base + i,
						  PITH_SLOT_DEPTH);
			received = 0;
			ipc->receive_index = receive_base;
			words = 0;
		}
		/* Words past the registers are still in the IPC buffer,
		 * where the message left them: they go back as they came. */
		m.info = PITH_MSGINFO(LABEL_ECHO, words, 0);
		pith_reply_recv(ep, &m);
	}
}

/* Touch FAULT_PAGES unmapped pages, each a fault the root task answers by
 * mapping a frame; report the cycles of each batch. */
static int fault_batches(pith_cptr_t report, uint64_t region, uint64_t batches)
{
	for (uint64_t b = 0; b < batches; b++) {
		struct pith_msg m = pith_msg(LABEL_RESULT, 1, 0);
		uint64_t start = rdtsc();

		for (uint64_t i = 0; i < FAULT_PAGES; i++)
			(void)*(volatile uint64_t *)(uintptr_t)(region +
								i * 4096);
		m.mr[0] = rdtsc() - start;
		/* The root task unmaps the pages again before it replies. */
		if (pith_call(report, &m) != PITH_OK)
			return 1;
	}
	return 0;
}

int bench_child(void)
{
	const struct pith_startinfo *si = pith_startinfo;
	pith_cptr_t first = si->caps.start;

	switch (si->args[0]) {
	case ROLE_SERVER:
		bench_serve(first, si->empty.start);
	case ROLE_FAULTER:
		return fault_batches(first, si->args[1], si->args[2]);
	default:
		bench_printf("bench: unknown role %llu\n",
			     (unsigned long long)si->args[0]);
		return 1;
	}
}
