/*
 * mkinitrd: write a cpio "newc" archive, Pith's initrd format.
 *
 *   mkinitrd -o OUT [PATH[=NAME]]...
 *
 * Each PATH is stored as a regular file named NAME (default: PATH's last
 * component). Timestamps, owners and inode numbers are fixed, so the same
 * inputs always give the same bytes. On an error: a message, no output file,
 * and exit status 1 (2 for a usage error).
 */
#define _POSIX_C_SOURCE 200809L /* fileno, fstat */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/cpio.h"

#define MODE_REG_EXEC 0100755u

static const char *progname = "mkinitrd";
static const char *partial; /* the output file while it is being written */

static void die(const char *fmt, const char *arg, const char *detail)
{
	fprintf(stderr, "%s: ", progname);
	fprintf(stderr, fmt, arg);
	if (detail)
		fprintf(stderr, ": %s", detail);
	fputc('\n', stderr);
	if (partial)
		remove(partial);
	exit(1);
}

static void write_bytes(FILE *out, const void *p, size_t n, const char *path)
{
	if (fwrite(p, 1, n, out) != n)
		die("%s: write failed", path, strerror(errno));
}

static void pad4(FILE *out, uint64_t *off, const char *path)
{
	static const char zeros[4];
	size_t n = (4 - (*off & 3)) & 3;

	write_bytes(out, zeros, n, path);
	*off += n;
}

static void write_member(FILE *out, uint64_t *off, const char *name,
			 uint32_t ino, uint32_t mode, const void *data,
			 uint32_t size, const char *outpath)
{
	char hdr[111];
	size_t namesize = strlen(name) + 1;

	snprintf(hdr, sizeof(hdr),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08zX%08X",
		 ino, mode, 0u, 0u, 1u, 0u, size, 0u, 0u, 0u, 0u, namesize, 0u);
	write_bytes(out, hdr, 110, outpath);
	write_bytes(out, name, namesize, outpath);
	*off += 110 + namesize;
	pad4(out, off, outpath);
	write_bytes(out, data, size, outpath);
	*off += size;
	pad4(out, off, outpath);
}

static void *read_file(const char *path, uint32_t *size)
{
	struct stat st;
	FILE *f = fopen(path, "rb");
	void *buf;

	if (!f)
		die("%s", path, strerror(errno));
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode))
		die("%s: not a regular file", path, NULL);
	if ((uint64_t)st.st_size > UINT32_MAX)
		die("%s: larger than the 4 GiB a newc member can hold", path,
		    NULL);
	*size = (uint32_t)st.st_size;
	buf = malloc(*size ? *size : 1);
	if (!buf || fread(buf, 1, *size, f) != *size)
		die("%s: read failed", path, NULL);
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	const char *outpath = NULL;
	uint64_t off = 0;
	uint32_t ino = 1;
	FILE *out;
	int i = 1;

	if (argc >= 3 && strcmp(argv[1], "-o") == 0) {
		outpath = argv[2];
		i = 3;
	}
	if (!outpath) {
		fprintf(stderr, "usage: %s -o OUT [PATH[=NAME]]...\n",
			progname);
		return 2;
	}
	out = fopen(outpath, "wb");
	if (!out)
		die("%s", outpath, strerror(errno));
	partial = outpath;
	for (; i < argc; i++) {
		char *path = argv[i], *name = strchr(path, '=');
		uint32_t size;
		void *data;

		if (name)
			*name++ = '\0';
		else
			name = strrchr(path, '/') ? strrchr(path, '/') + 1
						  : path;
		if (*name == '\0' || strlen(name) + 1 > CPIO_NAME_MAX ||
		    strcmp(name, "TRAILER!!!") == 0)
			die("%s: bad member name", name, NULL);
		data = read_file(path, &size);
		write_member(out, &off, name, ino++, MODE_REG_EXEC, data, size,
			     outpath);
		free(data);
	}
	write_member(out, &off, "TRAILER!!!", 0, 0, "", 0, outpath);
	if (fclose(out) != 0)
		die("%s: write failed", outpath, strerror(errno));
	partial = NULL;
	return 0;
}
