/*
 * Raw system calls (sdk/include/pith/syscall_abi.h has the convention).
 */
#ifndef PITH_SYSCALL_H
#define PITH_SYSCALL_H

#include <stdint.h>

#include "pith/syscall_abi.h"

static inline uint64_t pith_syscall2(uint64_t nr, uint64_t a0, uint64_t a1)
{
	uint64_t ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1)
			 : "rcx", "r11", "memory");
	return ret;
}

#endif
