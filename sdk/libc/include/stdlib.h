/*
 * General utilities of the SDK's C library (sdk/libc): the heap, number
 * parsing, sorting, and the program's end.
 *
 * The heap (malloc and friends) takes its memory from the program's own
 * address space (pith_vm_map_new(), pith/vm.h), so it needs untyped memory
 * and free slots; when they run out, allocations return NULL with errno
 * ENOMEM. Blocks are 16-byte aligned. Like the rest of the SDK it is not
 * thread-safe: one thread of a program allocates at a time. free() and
 * realloc() check the pointer they are given: a block freed twice, or a
 * pointer the heap did not return, ends the program with a message
 * (abort()).
 */
#ifndef PITH_LIBC_STDLIB_H
#define PITH_LIBC_STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

/* ---- the heap ---------------------------------------------------------- */

/* At least `size` bytes, 16-byte aligned, uninitialised; NULL (errno
 * ENOMEM) if there is no memory. malloc(0) returns a unique pointer that
 * must be freed like any other. */
void *malloc(size_t size);

/* An array of n elements of `size` bytes, zeroed; NULL (errno ENOMEM) if
 * n * size overflows or there is no memory. */
void *calloc(size_t n, size_t size);

/* Resize the block p to `size` bytes, keeping its contents up to the
 * smaller size, possibly moving it: returns the block's new address.
 * realloc(NULL, size) is malloc(size); realloc(p, 0) shrinks p to a
 * block of no bytes, still to be freed. On failure it returns NULL
 * (errno ENOMEM) and p is unchanged. */
void *realloc(void *p, size_t size);

/* `size` bytes aligned to `alignment`, a power of two (any size, not only
 * a multiple of it); NULL with errno EINVAL if the alignment is not a
 * power of two, ENOMEM if there is no memory. */
void *aligned_alloc(size_t alignment, size_t size);

/* Give back a block from malloc, calloc, realloc or aligned_alloc;
 * free(NULL) does nothing. */
void free(void *p);

/* ---- numbers ----------------------------------------------------------- */

/* Parse an integer from s: leading white space (isspace), an optional
 * sign, then digits in `base` (2-36; letters a-z or A-Z are 10-35), or
 * with base 0 a C prefix chooses it ("0x"/"0X" hex, "0" octal, else
 * decimal); base 16 also accepts a "0x" prefix. *end (if end is not
 * NULL) is set past the last digit used, or to s if there was no number.
 * A value out of range gives the type's limit and errno ERANGE; a bad
 * base gives 0 and errno EINVAL. The unsigned forms accept a '-' and
 * negate the result, as C requires. */
long strtol(const char *restrict s, char **restrict end, int base);
long long strtoll(const char *restrict s, char **restrict end, int base);
unsigned long strtoul(const char *restrict s, char **restrict end, int base);
unsigned long long strtoull(const char *restrict s, char **restrict end,
			    int base);

/* strtol(s, NULL, 10) as an int (atoi) or long (atol); an out-of-range
 * value gives the type's limit. */
int atoi(const char *s);
long atol(const char *s);

/* The absolute value (of the most negative value: itself). */
int abs(int v);
long labs(long v);
long long llabs(long long v);

/* Sort n elements of `size` bytes at `base` into the order `cmp` gives
 * (negative, zero or positive, as strcmp). Heapsort: O(n log n) even on
 * the worst input, no recursion, no memory allocated; not stable. */
void qsort(void *base, size_t n, size_t size,
	   int (*cmp)(const void *, const void *));

/* The element of the sorted array (n elements of `size` bytes at base)
 * that compares equal to *key, or NULL; cmp(key, element). */
void *bsearch(const void *key, const void *base, size_t n, size_t size,
	      int (*cmp)(const void *, const void *));

/* ---- the program's end ------------------------------------------------- */

/* End the program with `status` (pith_exit(), pith/pith.h: the exit
 * message to the parent, or the machine's stop in the root task). */
_Noreturn void exit(int status);

/* End the program at once with status 134, the conventional status of an
 * abort. */
_Noreturn void abort(void);

#endif
