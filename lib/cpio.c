/*
 * cpio newc reader (see include/lib/cpio.h).
 *
 * A newc member is a 110-byte ASCII header ("070701" and 13 fields of 8 hex
 * digits), the name (namesize bytes including the NUL), padding to 4 bytes,
 * the data (filesize bytes), and padding to 4 bytes.
 */
#include "lib/cpio.h"

#include <stdbool.h>

#include "lib/string.h"

#define HDR_SIZE       110
#define FIELD_MODE     1 /* field indexes after the magic */
#define FIELD_FILESIZE 6
#define FIELD_NAMESIZE 11

static const char *const cpio_errors[CPIO_E_COUNT] = {
	[CPIO_OK] = "ok",
	[CPIO_END] = "end of archive",
	[CPIO_E_TRUNCATED] = "archive truncated inside a member header",
	[CPIO_E_MAGIC] = "not a cpio newc archive (bad header magic)",
	[CPIO_E_FIELD] = "corrupt member header (non-hex field)",
	[CPIO_E_NAME] = "corrupt member name",
	[CPIO_E_DATA] = "member data extends past end of archive",
	[CPIO_E_NO_TRAILER] = "archive has no TRAILER!!! member",
	[CPIO_E_NOT_FOUND] = "no such file in the archive",
};

const char *cpio_strerror(enum cpio_error err)
{
	if ((unsigned)err >= CPIO_E_COUNT)
		return "unknown cpio error";
	return cpio_errors[err];
}

void cpio_iter_init(struct cpio_iter *it, const void *archive, size_t size)
{
	it->base = archive;
	it->size = size;
	it->off = 0;
}

static bool parse_hex8(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		uint8_t c = p[i];
		uint32_t d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

/* Round up to the 4-byte boundary; false if that passes `limit`. */
static bool align4(size_t off, size_t limit, size_t *out)
{
	size_t r = (off + 3) & ~(size_t)3;

	if (r < off || r > limit)
		return false;
	*out = r;
	return true;
}

enum cpio_error cpio_next(struct cpio_iter *it, struct cpio_entry *out)
{
	const uint8_t *h;
	uint32_t field[13];
	size_t name_off, data_off, end;

	if (it->off >= it->size)
		return CPIO_E_NO_TRAILER;
	if (it->size - it->off < HDR_SIZE)
		return CPIO_E_TRUNCATED;
	h = it->base + it->off;
	if (memcmp(h, "070701", 6) != 0)
		return CPIO_E_MAGIC;
	for (int i = 0; i < 13; i++) {
		if (!parse_hex8(h + 6 + (size_t)8 * i, &field[i]))
			return CPIO_E_FIELD;
	}

	name_off = it->off + HDR_SIZE;
	if (field[FIELD_NAMESIZE] < 2 ||
	    field[FIELD_NAMESIZE] > CPIO_NAME_MAX ||
	    field[FIELD_NAMESIZE] > it->size - name_off)
		return CPIO_E_NAME;
	out->name = (const char *)it->base + name_off;
	out->namelen = field[FIELD_NAMESIZE] - 1;
	if (out->name[out->namelen] != '\0')
		return CPIO_E_NAME;
	for (size_t i = 0; i < out->namelen; i++) {
		if (out->name[i] == '\0') /* a NUL inside the name */
			return CPIO_E_NAME;
	}

	if (!align4(name_off + field[FIELD_NAMESIZE], it->size, &data_off) ||
	    field[FIELD_FILESIZE] > it->size - data_off)
		return CPIO_E_DATA;
	out->data = it->base + data_off;
	out->size = field[FIELD_FILESIZE];
	out->mode = field[FIELD_MODE];

	if (strcmp(out->name, "TRAILER!!!") == 0)
		return CPIO_END;
	/* The data's padding may be cut off only at the very end. */
	end = data_off + out->size;
	if (!align4(end, it->size, &it->off))
		it->off = it->size;
	return CPIO_OK;
}

enum cpio_error cpio_check(const void *archive, size_t size, size_t *members)
{
	struct cpio_iter it;
	struct cpio_entry e;
	enum cpio_error err;
	size_t n = 0;

	cpio_iter_init(&it, archive, size);
	while ((err = cpio_next(&it, &e)) == CPIO_OK)
		n++;
	if (members)
		*members = n;
	return err == CPIO_END ? CPIO_OK : err;
}

static const char *strip_prefix(const char *name)
{
	for (;;) {
		if (name[0] == '/')
			name++;
		else if (name[0] == '.' && name[1] == '/')
			name += 2;
		else
			return name;
	}
}

enum cpio_error cpio_find(const void *archive, size_t size, const char *name,
			  struct cpio_entry *out)
{
	struct cpio_iter it;
	enum cpio_error err;

	name = strip_prefix(name);
	cpio_iter_init(&it, archive, size);
	while ((err = cpio_next(&it, out)) == CPIO_OK) {
		if ((out->mode & CPIO_MODE_TYPE) == CPIO_MODE_REG &&
		    strcmp(strip_prefix(out->name), name) == 0)
			return CPIO_OK;
	}
	return err == CPIO_END ? CPIO_E_NOT_FOUND : err;
}
