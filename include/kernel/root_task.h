/*
 * The root task: the first user program, found in the initrd by name
 * (command line init=, default "init") and started by the kernel itself
 * with every capability in the system.
 */
#ifndef KERNEL_ROOT_TASK_H
#define KERNEL_ROOT_TASK_H

#include "boot/boot_info.h"

struct tcb;

/* The root task's address space. */
#define USER_IMAGE_MIN	 0x10000ULL /* nothing below: null pointers fault */
#define USER_STACK_TOP	 0x00007fff00000000ULL
#define USER_STACK_PAGES 16 /* 64 KiB, with an unmapped guard page below */
#define USER_IPC_BUFFER	 (USER_STACK_TOP + 0x1000) /* its IPC buffer */
#define USER_BOOTINFO	 (USER_STACK_TOP + 0x2000) /* the boot-info page */

/* Load the root task, give it its capabilities and make it runnable. A
 * missing or malformed root task is reported and stops the system. This
 * is the last boot allocation: what is left becomes untyped memory. */
struct tcb *root_task_create(const struct boot_info *bi, const char *cmdline);

#endif
