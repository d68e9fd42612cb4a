/*
 * Reading user memory. The kernel never dereferences a user pointer: it
 * walks the thread's page tables as the CPU would for a user access and
 * copies through the direct map. So SMAP stays on without exceptions, and
 * a bad pointer is an error code, never a kernel fault.
 */
#ifndef KERNEL_UACCESS_H
#define KERNEL_UACCESS_H

#include "kernel/compiler.h"

/* The first address that is not for users: the last canonical page of the
 * lower half stays unmapped, so a user %rip can never be non-canonical
 * after a syscall (sysret would fault in ring 0). */
#define USER_ADDR_LIMIT 0x00007ffffffff000ULL

/* Copy len bytes at user address src in address space `vspace` to dst.
 * False if any byte is outside user space or not mapped readable. */
bool uaccess_copy_in(uint64_t vspace, void *dst, uint64_t src, size_t len);

#endif
