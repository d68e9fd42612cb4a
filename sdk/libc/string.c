/*
 * The string functions lib/string.c does not have (string.h). Plain
 * loops: the strings programs handle are short, and the compiler is told
 * not to turn a loop back into a call of the function it implements
 * (-fno-builtin).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++) {
		if (*p == (unsigned char)c)
			return (void *)p;
	}
	return NULL;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *found = NULL;

	for (;; s++) {
		if (*s == (char)c)
			found = s;
		if (!*s)
			return (char *)found;
	}
}

char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack; haystack++) {
		if (strncmp(haystack, needle, n) == 0)
			return (char *)haystack;
	}
	return n ? NULL : (char *)haystack;
}

char *strcpy(char *restrict dst, const char *restrict src)
{
	return memcpy(dst, src, strlen(src) + 1);
}

char *strncpy(char *restrict dst, const char *restrict src, size_t n)
{
	size_t len = strnlen(src, n);

	memcpy(dst, src, len);
	memset(dst + len, 0, n - len);
	return dst;
}

size_t strlcpy(char *restrict dst, const char *restrict src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

char *strcat(char *restrict dst, const char *restrict src)
{
	memcpy(dst + strlen(dst), src, strlen(src) + 1);
	return dst;
}

char *strncat(char *restrict dst, const char *restrict src, size_t n)
{
	char *end = dst + strlen(dst);
	size_t len = strnlen(src, n);

	memcpy(end, src, len);
	end[len] = '\0';
	return dst;
}

char *strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *copy = malloc(len + 1);

	if (!copy)
		return NULL; /* malloc set errno */
	memcpy(copy, s, len);
	copy[len] = '\0';
	return copy;
}

char *strdup(const char *s)
{
	return strndup(s, strlen(s));
}

/* Is c one of the bytes of `set`? (Not of its NUL.) */
static bool in_set(char c, const char *set)
{
	return c && strchr(set, c);
}

size_t strspn(const char *s, const char *accept)
{
	size_t n = 0;

	while (in_set(s[n], accept))
		n++;
	return n;
}

size_t strcspn(const char *s, const char *reject)
{
	size_t n = 0;

	while (s[n] && !in_set(s[n], reject))
		n++;
	return n;
}

char *strtok_r(char *restrict s, const char *restrict delim,
	       char **restrict save)
{
	char *token;

	if (!s)
		s = *save;
	if (!s)
		return NULL;
	s += strspn(s, delim);
	if (!*s) {
		*save = NULL;
		return NULL;
	}
	token = s;
	s += strcspn(s, delim);
	if (*s)
		*s++ = '\0';
	else
		s = NULL;
	*save = s;
	return token;
}

char *strerror(int errnum)
{
	static const char *const text[] = {
		[0] = "no error",
		[EPERM] = "operation not permitted",
		[ENOENT] = "no such entry",
		[EIO] = "input/output error",
		[EBADF] = "bad stream",
		[ENOMEM] = "not enough memory",
		[EBUSY] = "resource busy",
		[EINVAL] = "invalid argument",
		[ENOSPC] = "no space left",
		[EDOM] = "argument out of domain",
		[ERANGE] = "result out of range",
		[ENOSYS] = "not implemented",
		[EILSEQ] = "illegal byte sequence",
	};

	if (errnum < 0 || (size_t)errnum >= sizeof(text) / sizeof(text[0]) ||
	    !text[errnum])
		return (char *)"unknown error";
	return (char *)text[errnum];
}
