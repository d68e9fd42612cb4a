/*
 * The FAT32 engine (servers/fat) on an image file, for the round trips
 * with dosfstools and mtools that test_fat_tools.py drives:
 *
 *   fat_tool dump IMAGE DIR       copy every file and directory of the
 *                                 volume into DIR (mounted read-only);
 *                                 IMAGE@@OFFSET: the volume starts at
 *                                 byte OFFSET (a partition), as in mtools
 *   fat_tool workload IMAGE DIR   make, write, rename, truncate and delete
 *                                 files and directories on the volume, and
 *                                 do the same through the host's file
 *                                 system in DIR, which then holds what the
 *                                 volume must hold
 *
 * Exit status 0, or 1 with a message on the first thing that goes wrong.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fat.h"

static struct fat fs;
static const char *host_root;

_Noreturn static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "fat_tool: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static void check(enum pith_error err, const char *what, const char *path)
{
	static const char *const names[] = PITH_ERROR_NAMES;

	if (err != PITH_OK)
		die("%s %s: %s", what, path,
		    err < PITH_E_COUNT ? names[err] : "?");
}

/* ---- the image as a device --------------------------------------------- */

struct file_dev {
	int fd;
	uint32_t ss;
	uint64_t start; /* byte offset of the volume in the file */
};

static enum pith_error file_read(void *ctx, uint64_t lba, uint32_t count,
				 void *buf)
{
	struct file_dev *f = ctx;
	size_t len = (size_t)count * f->ss;

	if (pread(f->fd, buf, len, (off_t)(f->start + lba * f->ss)) !=
	    (ssize_t)len)
		return PITH_E_IO;
	return PITH_OK;
}

static enum pith_error file_write(void *ctx, uint64_t lba, uint32_t count,
				  const void *buf)
{
	struct file_dev *f = ctx;
	size_t len = (size_t)count * f->ss;

	if (pwrite(f->fd, buf, len, (off_t)(f->start + lba * f->ss)) !=
	    (ssize_t)len)
		return PITH_E_IO;
	return PITH_OK;
}

static enum pith_error file_flush(void *ctx)
{
	struct file_dev *f = ctx;

	return fsync(f->fd) == 0 ? PITH_OK : PITH_E_IO;
}

static struct file_dev image;

static void mount_image(const char *arg, bool read_only)
{
	char path[4096];
	char *at;
	uint8_t bs[512];
	struct stat st;
	struct fat_dev dev;

	snprintf(path, sizeof path, "%s", arg);
	at = strstr(path, "@@");
	if (at) {
		*at = '\0';
		image.start = strtoull(at + 2, NULL, 0);
	}
	image.fd = open(path, read_only ? O_RDONLY : O_RDWR);
	if (image.fd < 0 || fstat(image.fd, &st) != 0 ||
	    (uint64_t)st.st_size <= image.start ||
	    pread(image.fd, bs, sizeof bs, (off_t)image.start) !=
		    (ssize_t)sizeof bs)
		die("%s: %s", path, strerror(errno));
	image.ss = (uint32_t)(bs[11] | bs[12] << 8);
	dev = (struct fat_dev){
		.ctx = &image,
		.sector_size = image.ss,
		.sectors = ((uint64_t)st.st_size - image.start) /
			   (image.ss ? image.ss : 1),
		.read = file_read,
		.write = file_write,
		.flush = file_flush,
	};
	if (fat_mount(&fs, &dev, read_only) != PITH_OK)
		die("%s: not mounted: %s", path, fs.why ? fs.why : "?");
}

/* ---- dump -------------------------------------------------------------- */

static void dump_file(uint32_t node, const char *path)
{
	static uint8_t buf[1 << 16];
	uint64_t off = 0;
	size_t done;
	FILE *f = fopen(path, "wb");

	if (!f)
		die("%s: %s", path, strerror(errno));
	for (;;) {
		check(fat_read(&fs, node, off, buf, sizeof buf, &done), "read",
		      path);
		if (done == 0)
			break;
		if (fwrite(buf, 1, done, f) != done)
			die("%s: %s", path, strerror(errno));
		off += done;
	}
	fclose(f);
}

static void dump_dir(uint32_t dir, const char *path)
{
	struct fat_dirent ent;
	uint64_t cookie = 0;
	enum pith_error err;

	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		die("%s: %s", path, strerror(errno));
	while ((err = fat_readdir(&fs, dir, cookie, &ent, &cookie)) ==
	       PITH_OK) {
		char *sub;
		uint32_t node;

		if (asprintf(&sub, "%s/%s", path, ent.name) < 0)
			die("out of memory");
		check(fat_lookup(&fs, dir, ent.name, ent.name_len, &node),
		      "lookup", sub);
		if (ent.is_dir)
			dump_dir(node, sub);
		else
			dump_file(node, sub);
		check(fat_release(&fs, node), "release", sub);
		free(sub);
	}
	if (err != PITH_E_NOT_FOUND)
		check(err, "readdir", path);
}

/* ---- workload: every operation on the volume and on the host ----------- */

/* The node at path ("a/b/c", "" for the root). */
static uint32_t walk(const char *path)
{
	uint32_t node, next;
	const char *p = path;

	check(fat_root(&fs, &node), "root", "/");
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);

		check(fat_lookup(&fs, node, p, len, &next), "lookup", path);
		check(fat_release(&fs, node), "release", path);
		node = next;
		p += len + (slash ? 1 : 0);
	}
	return node;
}

/* The parent of path and the last name in it. */
static uint32_t walk_parent(const char *path, const char **name)
{
	char *copy = strdup(path), *slash;
	uint32_t node;

	if (!copy)
		die("out of memory");
	slash = strrchr(copy, '/');
	if (slash) {
		*slash = '\0';
		*name = path + (slash - copy) + 1;
		node = walk(copy);
	} else {
		*name = path;
		node = walk("");
	}
	free(copy);
	return node;
}

static char *host(const char *path)
{
	static char buf[4096];

	snprintf(buf, sizeof buf, "%s/%s", host_root, path);
	return buf;
}

static void fill(uint8_t *buf, size_t len, uint64_t off, uint32_t seed)
{
	for (size_t i = 0; i < len; i++) {
		uint64_t x = (off + i) * 0x9E3779B97F4A7C15ull + seed;

		buf[i] = (uint8_t)(x >> 29 ^ x >> 47);
	}
}

static void op_mkdir(const char *path)
{
	const char *name;
	uint32_t parent = walk_parent(path, &name), node;

	check(fat_create(&fs, parent, name, strlen(name), true, &node), "mkdir",
	      path);
	check(fat_release(&fs, node), "release", path);
	check(fat_release(&fs, parent), "release", path);
	if (mkdir(host(path), 0755) != 0)
		die("host mkdir %s: %s", path, strerror(errno));
}

/* Write len bytes of stream `seed` at off, making the file if need be. */
static void op_write(const char *path, uint64_t off, size_t len, uint32_t seed)
{
	const char *name;
	uint32_t parent = walk_parent(path, &name), node;
	uint8_t *buf = malloc(len ? len : 1);
	size_t done;
	int fd;

	if (!buf)
		die("out of memory");
	if (fat_lookup(&fs, parent, name, strlen(name), &node) != PITH_OK)
		check(fat_create(&fs, parent, name, strlen(name), false, &node),
		      "create", path);
	fill(buf, len, off, seed);
	check(fat_write(&fs, node, off, buf, len, &done), "write", path);
	if (done != len)
		die("write %s: %zu of %zu bytes", path, done, len);
	check(fat_release(&fs, node), "release", path);
	check(fat_release(&fs, parent), "release", path);
	fd = open(host(path), O_WRONLY | O_CREAT, 0644);
	if (fd < 0 || pwrite(fd, buf, len, (off_t)off) != (ssize_t)len)
		die("host write %s: %s", path, strerror(errno));
	close(fd);
	free(buf);
}

static void op_truncate(const char *path, uint64_t size)
{
	uint32_t node = walk(path);

	check(fat_truncate(&fs, node, size), "truncate", path);
	check(fat_release(&fs, node), "release", path);
	if (truncate(host(path), (off_t)size) != 0)
		die("host truncate %s: %s", path, strerror(errno));
}

static void op_unlink(const char *path, bool is_dir)
{
	const char *name;
	uint32_t parent = walk_parent(path, &name);

	check(fat_unlink(&fs, parent, name, strlen(name)), "unlink", path);
	check(fat_release(&fs, parent), "release", path);
	if ((is_dir ? rmdir(host(path)) : unlink(host(path))) != 0)
		die("host unlink %s: %s", path, strerror(errno));
}

static void op_rename(const char *from, const char *to)
{
	const char *oname, *nname;
	uint32_t od = walk_parent(from, &oname), nd = walk_parent(to, &nname);
	char hfrom[4096];

	check(fat_rename(&fs, od, oname, strlen(oname), nd, nname,
			 strlen(nname)),
	      "rename", from);
	check(fat_release(&fs, od), "release", from);
	check(fat_release(&fs, nd), "release", to);
	snprintf(hfrom, sizeof hfrom, "%s", host(from));
	if (rename(hfrom, host(to)) != 0)
		die("host rename %s: %s", from, strerror(errno));
}

/* Unlink a file while it is open, then use it: its clusters must be
 * freed at the release, not lost. */
static void op_unlink_open(const char *path)
{
	uint32_t node = walk(path);
	uint8_t buf[70000], back[70000];
	size_t done;

	op_unlink(path, false);
	fill(buf, sizeof buf, 0, 99);
	check(fat_write(&fs, node, 1000, buf, sizeof buf, &done), "write",
	      path);
	check(fat_read(&fs, node, 1000, back, sizeof back, &done), "read",
	      path);
	if (done != sizeof back || memcmp(buf, back, sizeof buf) != 0)
		die("%s: unlinked file reads back wrong", path);
	check(fat_release(&fs, node), "release", path);
}

static void workload(void)
{
	char path[256];

	op_mkdir("docs");
	op_mkdir("docs/nested");
	op_mkdir("docs/nested/deeper");
	op_mkdir("Mixed Case Dir");
	op_mkdir("empty dir");
	op_mkdir("many");
	op_write("README.TXT", 0, 1234, 1);
	op_write("lower.c", 0, 40, 2);
	op_write("x", 0, 1, 3);
	op_write("zero length", 0, 0, 4);
	op_write("docs/nested/deeper/a file with a long name.txt", 0, 9000, 5);
	op_write("h\xC3\xA9llo w\xC3\xB6rld.txt", 0, 77, 6);
	op_write("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E.txt", 0, 10, 7);
	/* a big file: odd pieces, a hole, a tail */
	for (uint64_t off = 0; off < (5u << 20); off += 100003)
		op_write("big.bin", off, 100003, 8);
	op_write("big.bin", 6u << 20, 4321, 9);
	for (int i = 0; i < 200; i++) {
		snprintf(path, sizeof path,
			 "many/entry %03d of a directory over clusters.txt", i);
		op_write(path, 0, (size_t)(i * 37 % 3000), 100 + (uint32_t)i);
	}
	for (int i = 0; i < 200; i += 3) {
		snprintf(path, sizeof path,
			 "many/entry %03d of a directory over clusters.txt", i);
		op_unlink(path, false);
	}
	for (int i = 200; i < 230; i++) {
		snprintf(path, sizeof path, "many/again %d.dat", i);
		op_write(path, 0, 600, 300 + (uint32_t)i);
	}
	/* renames: over a file, across directories, a directory moved */
	op_write("replaced.txt", 0, 50000, 10);
	op_write("replacement.txt", 0, 3000, 11);
	op_rename("replacement.txt", "replaced.txt");
	op_rename("lower.c", "docs/lower-moved.c");
	op_rename("docs/nested", "Mixed Case Dir/nested, moved");
	op_rename("x", "X2");
	op_unlink("empty dir", true);
	/* truncates */
	op_write("shrink-grow.bin", 0, 200000, 12);
	op_truncate("shrink-grow.bin", 3333);
	op_truncate("shrink-grow.bin", 70000);
	op_write("shrink-grow.bin", 100000, 10, 13);
	op_write("to-empty.bin", 0, 8000, 14);
	op_truncate("to-empty.bin", 0);
	/* an open file unlinked and used */
	op_write("docs/open then unlinked", 0, 30000, 15);
	op_unlink_open("docs/open then unlinked");
	/* files the host put there, if it did */
	if (access(host("host file.txt"), F_OK) == 0) {
		op_write("host file.txt", 5, 100, 16);
		op_rename("host file.txt", "docs/host file, renamed.txt");
	}
	if (access(host("host-delete-me.txt"), F_OK) == 0)
		op_unlink("host-delete-me.txt", false);
}

int main(int argc, char **argv)
{
	uint32_t root;

	if (argc != 4)
		die("usage: fat_tool dump|workload IMAGE DIR");
	host_root = argv[3];
	if (strcmp(argv[1], "dump") == 0) {
		mount_image(argv[2], true);
		check(fat_root(&fs, &root), "root", "/");
		dump_dir(root, argv[3]);
		check(fat_release(&fs, root), "release", "/");
	} else if (strcmp(argv[1], "workload") == 0) {
		mount_image(argv[2], false);
		workload();
	} else {
		die("unknown command %s", argv[1]);
	}
	check(fat_unmount(&fs), "unmount", argv[2]);
	close(image.fd);
	return 0;
}
