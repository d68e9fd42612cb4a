/*
 * Kernel coverage for fuzzing (docs/fuzzing.md). The kernel-kcov build
 * compiles the syscall-reachable code (caps/, ipc/, the system-call and
 * invocation layers, the scheduler) with -fsanitize-coverage=trace-pc-guard:
 * each edge gets a guard, numbered at boot, and running it sets its byte
 * in a bitmap that the root task can map read-only (pith_bootinfo
 * kcov_frames). The plain kernel links kernel/kcov_none.c: no bitmap.
 */
#ifndef KERNEL_KCOV_H
#define KERNEL_KCOV_H

#include <stdint.h>

/* Number the edges' guards (before any of them runs). */
void kcov_init(void);

/* The bitmap, page aligned, and the number of edges it counts (0: this
 * kernel has no coverage; *map is then NULL). */
uint64_t kcov_map(const uint8_t **map);

#endif
