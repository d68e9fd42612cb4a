/*
 * Small language helpers used throughout the kernel.
 */
#ifndef KERNEL_COMPILER_H
#define KERNEL_COMPILER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a)	 (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)	 (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define IS_ALIGNED(x, a) (((x) & ((a)-1)) == 0)

#define likely(x)      __builtin_expect(!!(x), 1)
#define unlikely(x)    __builtin_expect(!!(x), 0)
#define __unused       __attribute__((unused))
#define __printf(f, a) __attribute__((format(printf, f, a)))
#define __section(s)   __attribute__((section(s)))
#define __aligned(n)   __attribute__((aligned(n)))
#define __packed       __attribute__((packed))
/* For the fastpath, whose blocks end in a call that does not return, which
 * the compiler takes for a cold path not worth inlining into. */
#ifndef __always_inline /* the host C library has the same */
#define __always_inline inline __attribute__((always_inline))
#endif

#define KiB(x) ((uint64_t)(x) << 10)
#define MiB(x) ((uint64_t)(x) << 20)
#define GiB(x) ((uint64_t)(x) << 30)

/* IS_ENABLED(PITH_DEBUG): configuration as a C expression, not an #ifdef. */
#ifdef PITH_DEBUG
#define PITH_DEBUG_ENABLED 1
#else
#define PITH_DEBUG_ENABLED 0
#endif

#endif
