/*
 * The kernel without coverage (see include/kernel/kcov.h).
 */
#include "kernel/kcov.h"

#include <stddef.h>

void kcov_init(void)
{
}

uint64_t kcov_map(const uint8_t **map)
{
	*map = NULL;
	return 0;
}
