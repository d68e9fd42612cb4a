/*
 * init, the root task: the first user program, started by the kernel with
 * every capability in the system. For now it greets and exits; it will
 * start and supervise the servers named in its manifest.
 */
#include "pith/pith.h"

int main(void);

int main(void)
{
	pith_debug_puts("init: hello from user mode\n");
	return 0;
}
