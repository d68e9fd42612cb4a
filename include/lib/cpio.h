/*
 * A reader for cpio "newc" archives (the initrd format). Every header field
 * is checked against the archive's bounds; a corrupt archive yields an error,
 * never an out-of-bounds read.
 */
#ifndef LIB_CPIO_H
#define LIB_CPIO_H

#include <stddef.h>
#include <stdint.h>

#define CPIO_NAME_MAX 256 /* bytes of a member name, including the NUL */

#define CPIO_MODE_TYPE 0170000u
#define CPIO_MODE_REG  0100000u
#define CPIO_MODE_DIR  0040000u

struct cpio_entry {
	const char *name; /* NUL-terminated, inside the archive */
	size_t namelen;	  /* strlen(name) */
	const void *data; /* inside the archive */
	size_t size;
	uint32_t mode;
};

struct cpio_iter {
	const uint8_t *base;
	size_t size;
	size_t off;
};

enum cpio_error {
	CPIO_OK = 0,
	CPIO_END,	   /* reached the TRAILER!!! member */
	CPIO_E_TRUNCATED,  /* a header runs past the end */
	CPIO_E_MAGIC,	   /* not a newc header (070701) */
	CPIO_E_FIELD,	   /* a header field is not hexadecimal */
	CPIO_E_NAME,	   /* bad name size or unterminated name */
	CPIO_E_DATA,	   /* member data runs past the end */
	CPIO_E_NO_TRAILER, /* archive ends without TRAILER!!! */
	CPIO_E_NOT_FOUND,  /* cpio_find: no regular file of that name */
	CPIO_E_COUNT
};

void cpio_iter_init(struct cpio_iter *it, const void *archive, size_t size);

/* The next member: CPIO_OK and *out filled, CPIO_END, or an error. */
enum cpio_error cpio_next(struct cpio_iter *it, struct cpio_entry *out);

/* Walk the whole archive; CPIO_OK if it is well formed up to its trailer.
 * `members` (optional) receives the number of members before the trailer. */
enum cpio_error cpio_check(const void *archive, size_t size, size_t *members);

/* Find the regular file `name` ("init", "./init" and "/init" are the same). */
enum cpio_error cpio_find(const void *archive, size_t size, const char *name,
			  struct cpio_entry *out);

const char *cpio_strerror(enum cpio_error err);

#endif
