/*
 * String and memory functions of the SDK's C library (sdk/libc).
 *
 * memcpy, memmove, memset, memcmp, strlen, strnlen, strcmp and strncmp are
 * lib/string.c's, shared with the kernel and the loader; the rest are
 * sdk/libc/string.c's. Strings are bytes in the "C" locale.
 */
#ifndef PITH_LIBC_STRING_H
#define PITH_LIBC_STRING_H

#include <stddef.h>

/* ---- lib/string.c ------------------------------------------------------ */

/* Copy n bytes from src to dst; the two must not overlap. Returns dst. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
/* Copy n bytes from src to dst, which may overlap. Returns dst. */
void *memmove(void *dst, const void *src, size_t n);
/* Fill n bytes at dst with (unsigned char)c. Returns dst. */
void *memset(void *dst, int c, size_t n);
/* Compare n bytes as unsigned char: <0, 0 or >0. */
int memcmp(const void *a, const void *b, size_t n);
/* The length of s, without its NUL. */
size_t strlen(const char *s);
/* The length of s, but at most max (bytes past max are not read). */
size_t strnlen(const char *s, size_t max);
/* Compare two strings as unsigned char: <0, 0 or >0. */
int strcmp(const char *a, const char *b);
/* The same for at most n bytes. */
int strncmp(const char *a, const char *b, size_t n);

/* ---- sdk/libc/string.c ------------------------------------------------- */

/* The first byte (unsigned char)c in the n bytes at s, or NULL. */
void *memchr(const void *s, int c, size_t n);

/* The first (strchr) or last (strrchr) (char)c in s, or NULL; c may be
 * '\0', which finds the terminator. */
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);

/* The first occurrence of `needle` in `haystack`, or NULL; an empty
 * needle is found at the start. */
char *strstr(const char *haystack, const char *needle);

/* Copy src with its NUL to dst (which must have room). Returns dst. */
char *strcpy(char *restrict dst, const char *restrict src);

/* Copy at most n bytes of src to dst and fill the rest of the n bytes
 * with NULs; dst is not terminated if src has n bytes or more. */
char *strncpy(char *restrict dst, const char *restrict src, size_t n);

/* Copy src to the `size`-byte buffer dst, cut to size - 1 bytes and
 * always terminated (when size > 0). Returns strlen(src): a result of
 * size or more means the copy was cut. */
size_t strlcpy(char *restrict dst, const char *restrict src, size_t size);

/* Append src to the string in dst (which must have room). Returns dst. */
char *strcat(char *restrict dst, const char *restrict src);

/* Append at most n bytes of src to dst, then a NUL. Returns dst. */
char *strncat(char *restrict dst, const char *restrict src, size_t n);

/* A copy of s (strdup), or of at most n bytes of it, terminated
 * (strndup), in memory from malloc(); NULL (errno ENOMEM) if there is
 * none. */
char *strdup(const char *s);
char *strndup(const char *s, size_t n);

/* The length of the longest prefix of s made only of bytes in `accept`
 * (strspn), or only of bytes not in `reject` (strcspn). */
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);

/* Split a string into tokens separated by bytes of `delim`: the first
 * call passes the string (which is modified: each token is terminated in
 * place), later calls NULL; *save keeps the position between calls.
 * Returns the next token, or NULL when there is none left. */
char *strtok_r(char *restrict s, const char *restrict delim,
	       char **restrict save);

/* A short description of an errno value (errno.h); "unknown error" for
 * values it does not define. The text is constant: do not modify it. */
char *strerror(int errnum);

#endif
