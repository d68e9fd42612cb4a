/*
 * The root task: the first user program, found in the initrd by name
 * (command line init=, default "init") and started by the kernel itself.
 */
#ifndef KERNEL_ROOT_TASK_H
#define KERNEL_ROOT_TASK_H

#include "boot/boot_info.h"

/* User address space layout of the root task. */
#define USER_IMAGE_MIN	 0x10000ULL /* nothing below: null pointers fault */
#define USER_STACK_TOP	 0x00007fff00000000ULL
#define USER_STACK_PAGES 16 /* 64 KiB, with an unmapped guard page below */

/* Load the root task and make it runnable. A missing or malformed root
 * task is reported and stops the system (there is nothing else to run). */
void root_task_create(const struct boot_info *bi, const char *cmdline);

#endif
