/*
 * hello: the smallest program procmgr runs (tests/qemu/run.py, case
 * "shell"). It prints its arguments on its console and exits with their
 * number as its status, so a test sees both travel:
 *
 *	pith> run hello a "b c"
 *	hello: 2 arguments: "a" "b c"
 *	run: hello (pid 101) ended with status 2
 *
 * Two arguments make it misbehave on purpose: `sleep` waits until it is
 * killed, `fault` reads address 0.
 */
#include <stdio.h>

#include "lib/string.h"
#include "pith/pith.h"

/* Wait on a notification nobody signals: until procmgr kills us. */
static int sleep_forever(void)
{
	pith_cptr_t ntfn;
	uint64_t word;
	enum pith_error err =
		pith_alloc_object(PITH_OBJ_NOTIFICATION, 0, &ntfn);

	if (err != PITH_OK) {
		printf("hello: no notification: %s\n", pith_error_name(err));
		return 1;
	}
	printf("hello: sleeping until killed\n");
	for (;;)
		pith_wait(ntfn, &word);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "sleep") == 0)
		return sleep_forever();
	if (argc == 2 && strcmp(argv[1], "fault") == 0) {
		printf("hello: reading address 0\n");
		/* On purpose: procmgr must report it and end the program. */
		// NOLINTBEGIN(clang-analyzer-core.NullDereference)
		// cppcheck-suppress nullPointer
		return *(volatile int *)(uintptr_t)0;
		// NOLINTEND(clang-analyzer-core.NullDereference)
	}
	printf("hello: %d argument%s%s", argc - 1, argc == 2 ? "" : "s",
	       argc > 1 ? ":" : "");
	for (int i = 1; i < argc; i++)
		printf(" \"%s\"", argv[i]);
	printf("\n");
	return argc - 1;
}
