/*
 * init, the root task: the first user program, started by the kernel with
 * every capability in the system. For now it greets, reports what it was
 * given, and ends (which stops the machine); it will start and supervise
 * the servers named in its manifest.
 */
#include "pith/pith.h"

int main(int argc, char **argv)
{
	const struct pith_bootinfo *bi = pith_bootinfo;
	uint64_t ram = 0, devices = 0;

	(void)argc;
	(void)argv;
	pith_console_puts("init: hello from user mode\n");
	if (!bi) {
		pith_console_puts("init: no boot information\n");
		return 1;
	}
	for (uint32_t i = 0; i < bi->untyped_count; i++) {
		uint64_t size = 1ULL << bi->untyped_list[i].size_bits;

		if (bi->untyped_list[i].device)
			devices++;
		else
			ram += size;
	}
	pith_printf("init: %u untyped capabilities: %llu KiB of RAM, %llu "
		    "device regions; %llu free slots of %llu\n",
		    bi->untyped_count, (unsigned long long)ram >> 10,
		    (unsigned long long)devices,
		    (unsigned long long)(bi->empty.end - bi->empty.start),
		    (unsigned long long)1 << bi->cnode_size_bits);
	return 0;
}
