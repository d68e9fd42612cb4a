/*
 * fattest: the FAT server on a disk the harness made (tests/qemu/run.py,
 * case "fat"; tests/qemu/fat_case.py; docs/vfs.md). init starts it from
 * fat.manifest with a directory handle on the namespace's root (`root`)
 * and one on DIR/sub (`sub`).
 *
 *	fattest DIR /BAD...
 *
 * DIR is the volume's mount point; each /BAD that of a server named BAD
 * given a disk it must refuse (a FAT16 volume, a GPT that is not sound):
 * its mount failed (the server read the volume when the VFS mounted it),
 * so /BAD is no mount point and shows nothing of that disk, while init
 * keeps the server running, never restarted (`init` lists it). `sub`,
 * a `dir=` handle on DIR/sub, shows that init can open one inside a FAT
 * mount before its server starts. The files the harness put
 * in DIR with mcopy are read back and compared with what it wrote; then files
 *are written under DIR/guest with contents the harness regenerates from the
 * same seeds (pattern() here and in fat_case.py), one of them truncated,
 * one renamed, one unlinked, nested directories, a long name; sync; and
 * all of it is read back; a BENCH line each for writing and reading 4
 * MiB. After QEMU has ended the harness checks the image with fsck.fat
 * and reads the files back with mtools. One line per case, `TEST
 * fat_<name> PASS|FAIL`, then `fattest: N failures`; it exits (vfstest,
 * given `wait=fattest`, stops the machine).
 */
#include <stdio.h>
#include <string.h>

#include "pith/fs.h"
#include "pith/pith.h"
#include "pith/proto/init.h"
#include "pith/proto/vfs.h"
#include "pith/vm.h"

#define PAGES	  32
#define BUF	  131072u /* PAGES pages */
#define BENCH_MIB 4

_Static_assert(BUF == PAGES * 4096, "BUF is PAGES pages");

static uint8_t *buf;
static unsigned failures;
static char why[160];
static char dir[128];

/* Byte i of the file made from `seed` (fat_case.py's pattern()). */
static uint8_t pattern(uint32_t seed, uint32_t i)
{
	return (uint8_t)((i * 2654435761u + seed * 97u) >> 13);
}

/* The files under DIR/guest: name, seed, size. */
static const struct {
	const char *name;
	uint32_t seed, size;
} files[] = {
	{"g0.bin", 10, 0},
	{"g1.bin", 11, 1},
	{"g2.bin", 12, 511},
	{"g3.bin", 13, 512},
	{"g4.bin", 14, 4097},
	{"g5.bin", 15, 65536},
	{"g6.bin", 16, 300001},
	{"A longer name, with spaces.txt", 17, 1000},
	{"deep/er/nested.bin", 18, 7000},
};

static void result(const char *name, bool ok)
{
	if (ok) {
		printf("TEST fat_%s PASS\n", name);
		return;
	}
	printf("TEST fat_%s FAIL %s\n", name, why);
	failures++;
}

static bool is(enum pith_error err, enum pith_error want, const char *what)
{
	if (err == want)
		return true;
	snprintf(why, sizeof(why), "%s: %s, not %s", what, pith_error_name(err),
		 pith_error_name(want));
	return false;
}

static bool fact(bool ok, const char *what)
{
	if (!ok)
		snprintf(why, sizeof(why), "%s", what);
	return ok;
}

/* DIR/path at the buffer's start: its length. */
static uint32_t put(const char *path)
{
	int n = snprintf((char *)buf, BUF, "%s/%s", dir, path);

	return (uint32_t)n;
}

static enum pith_error op_open(pith_cptr_t root, const char *path,
			       uint32_t flags, pith_cptr_t *h)
{
	uint32_t type;

	*h = 0;
	return vfs_open(root, put(path), flags, h, &type);
}

static void op_close(pith_cptr_t h)
{
	vfs_close(h);
	pith_slot_free(h);
}

/* Write `size` bytes of the seed's pattern at the handle's position. */
static bool write_pattern(pith_cptr_t h, uint32_t seed, uint32_t size)
{
	uint32_t at = 0, done = 0;

	while (at < size) {
		uint32_t n = size - at < BUF ? size - at : BUF;

		for (uint32_t i = 0; i < n; i++)
			buf[i] = pattern(seed, at + i);
		if (!is(vfs_write(h, 0, n, &done), PITH_OK, "write") ||
		    !fact(done == n, "a short write"))
			return false;
		at += n;
	}
	return true;
}

/* Does DIR/path hold exactly `size` bytes of the seed's pattern? */
static bool holds(pith_cptr_t root, const char *path, uint32_t seed,
		  uint32_t size)
{
	pith_cptr_t h;
	uint32_t at = 0, done = 1;
	bool ok = is(op_open(root, path, PITH_FS_O_READ, &h), PITH_OK, path);

	while (ok && done) {
		ok = is(vfs_read(h, 0, BUF, &done), PITH_OK, "read");
		for (uint32_t i = 0; ok && i < done; i++)
			ok = fact(at + i < size &&
					  buf[i] == pattern(seed, at + i),
				  "the wrong bytes, or too many");
		at += done;
	}
	if (h)
		op_close(h);
	return ok && fact(at == size, "too few bytes");
}

static bool make(pith_cptr_t root, const char *path, uint32_t seed,
		 uint32_t size)
{
	pith_cptr_t h;
	bool ok = is(
		op_open(root, path,
			PITH_FS_O_WRITE | PITH_FS_O_CREATE | PITH_FS_O_TRUNCATE,
			&h),
		PITH_OK, path);

	ok = ok && write_pattern(h, seed, size);
	if (h)
		op_close(h);
	return ok;
}

/* What the harness put on the volume with mcopy. */
static void test_host_files(pith_cptr_t root)
{
	pith_cptr_t h;
	uint32_t done = 0;
	const char *hello = "hello from the host\n";

	result("host_short_name",
	       is(op_open(root, "HELLO.TXT", PITH_FS_O_READ, &h), PITH_OK,
		  "open") &&
		       is(vfs_read(h, 0, 64, &done), PITH_OK, "read") &&
		       fact(done == strlen(hello) && !memcmp(buf, hello, done),
			    "not the host's text"));
	if (h)
		op_close(h);
	result("host_long_name", holds(root, "Long Host Name.txt", 1, 10000));
	result("host_case", holds(root, "long host name.TXT", 1, 10000));
	result("host_subdir", holds(root, "sub/data.bin", 2, 150000));
}

static void test_write(pith_cptr_t root)
{
	char path[96];
	pith_cptr_t h = 0;
	bool ok;

	vfs_mkdir(root, put("guest"));
	vfs_mkdir(root, put("guest/deep"));
	result("mkdir",
	       is(vfs_mkdir(root, put("guest/deep/er")), PITH_OK, "mkdir"));
	ok = true;
	for (unsigned i = 0; ok && i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "guest/%s", files[i].name);
		ok = make(root, path, files[i].seed, files[i].size);
	}
	result("write_files", ok);
	ok = make(root, "guest/trunc.bin", 20, 50000) &&
	     is(op_open(root, "guest/trunc.bin", PITH_FS_O_WRITE, &h), PITH_OK,
		"open") &&
	     is(vfs_truncate(h, 12345), PITH_OK, "truncate");
	if (h)
		op_close(h);
	result("truncate", ok && holds(root, "guest/trunc.bin", 20, 12345));
	ok = make(root, "guest/tmp.bin", 21, 3000);
	snprintf((char *)buf, BUF, "%s/guest/tmp.bin%s/guest/renamed.bin", dir,
		 dir);
	result("rename", ok &&
				 is(vfs_rename(root, (uint32_t)strlen(dir) + 14,
					       (uint32_t)strlen(dir) + 18),
				    PITH_OK, "rename") &&
				 holds(root, "guest/renamed.bin", 21, 3000));
	ok = make(root, "guest/gone.bin", 22, 9000);
	result("unlink", ok && is(vfs_unlink(root, put("guest/gone.bin")),
				  PITH_OK, "unlink"));
	result("sync", is(vfs_sync(root), PITH_OK, "sync"));
	ok = true;
	for (unsigned i = 0; ok && i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "guest/%s", files[i].name);
		ok = holds(root, path, files[i].seed, files[i].size);
	}
	result("read_back", ok);
}

static void test_statfs(pith_cptr_t root)
{
	char fstype[16];
	uint64_t bs = 0, blocks = 0, avail = 0;
	pith_cptr_t h;
	bool ok =
		is(op_open(root, "", PITH_FS_O_DIRECTORY, &h), PITH_OK, "open");

	result("statfs", ok &&
				 is(vfs_statfs(h, fstype, &bs, &blocks, &avail),
				    PITH_OK, "statfs") &&
				 fact(!strcmp(fstype, "fat") && bs >= 512 &&
					      blocks >= 65525 && avail < blocks,
				      "not a FAT32 volume's figures"));
	if (h)
		op_close(h);
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* BENCH lines: BENCH_MIB written in the buffer's 128 KiB calls, synced,
 * and read back, in TSC cycles per MiB; the file is removed after. */
static void bench(pith_cptr_t root)
{
	pith_cptr_t h;
	uint64_t t0, t_write, t_read, pos;
	uint32_t done = 0;
	bool ok = is(op_open(root, "bench.bin",
			     PITH_FS_O_READ | PITH_FS_O_WRITE |
				     PITH_FS_O_CREATE | PITH_FS_O_TRUNCATE,
			     &h),
		     PITH_OK, "open");

	memset(buf, 0x5a, BUF);
	t0 = rdtsc();
	for (uint32_t i = 0; ok && i < BENCH_MIB * 8; i++)
		ok = is(vfs_write(h, 0, BUF, &done), PITH_OK, "write") &&
		     fact(done == BUF, "a short write");
	ok = ok && is(vfs_sync(root), PITH_OK, "sync");
	t_write = rdtsc() - t0;
	ok = ok && is(vfs_seek(h, 0, 0, &pos), PITH_OK, "seek");
	t0 = rdtsc();
	for (uint32_t i = 0; ok && i < BENCH_MIB * 8; i++)
		ok = is(vfs_read(h, 0, BUF, &done), PITH_OK, "read") &&
		     fact(done == BUF && buf[0] == 0x5a && buf[BUF - 1] == 0x5a,
			  "a short read, or the wrong bytes");
	t_read = rdtsc() - t0;
	if (h)
		op_close(h);
	result("bench",
	       ok && is(vfs_unlink(root, put("bench.bin")), PITH_OK, "unlink"));
	printf("BENCH fat_virtio_write %llu cycles/MiB\n",
	       (unsigned long long)(ok ? t_write / BENCH_MIB : 0));
	printf("BENCH fat_virtio_read %llu cycles/MiB\n",
	       (unsigned long long)(ok ? t_read / BENCH_MIB : 0));
}

/* The refused volume at `bad` ("/NAME"): its server is NAME in init's
 * list. Its mount failed (init says why: PITH_E_CORRUPT), so `bad` is
 * the plain directory init made in the root's file system. */
static void test_refused(pith_cptr_t root, pith_cptr_t init, const char *bad)
{
	char path[160], name[16], test[48];
	uint32_t type, pid, state = 9, restarts = 9, mount = 9, root_mount = 8;
	uint64_t mem, size;

	snprintf(path, sizeof(path), "%s/x", bad);
	memcpy(buf, path, strlen(path) + 1);
	snprintf(test, sizeof(test), "%s_nothing_shows", bad + 1);
	result(test, is(vfs_stat(root, (uint32_t)strlen(path), &type, &size,
				 &mem, &mount),
			PITH_E_NOT_FOUND, "stat"));
	memcpy(buf, "/", 2);
	snprintf(test, sizeof(test), "%s_not_mounted", bad + 1);
	result(test, is(vfs_stat(root, 1, &type, &size, &mem, &root_mount),
			PITH_OK, "stat /") &&
			     (memcpy(buf, bad, strlen(bad) + 1),
			      is(vfs_stat(root, (uint32_t)strlen(bad), &type,
					  &size, &mem, &mount),
				 PITH_OK, "stat")) &&
			     fact(mount == root_mount && type == PITH_FS_DIR,
				  "a mount point, or no directory"));
	for (uint32_t i = 0;
	     init_list(init, i, name, &pid, &state, &restarts, &mem) == PITH_OK;
	     i++)
		if (!strcmp(name, bad + 1))
			break;
	snprintf(test, sizeof(test), "%s_stays_up", bad + 1);
	result(test, fact(state == 0 && restarts == 0,
			  "the server is not running, or was restarted"));
}

/* A `dir=` handle inside the FAT mount (`sub`, DIR/sub, which init
 * opened before fattest started): the host's sub/data.bin through it,
 * with a buffer of one page attached to it. */
static void test_dir_on_fat(void)
{
	pith_cptr_t sub = pith_cap("sub"), h = 0;
	uint32_t type, at = 0, done = 1, size = 150000;
	uint64_t va;
	uint8_t *page;
	bool ok =
		fact(sub != 0, "no 'sub' handle") &&
		is(pith_vm_map_new(1, PITH_RIGHT_READ | PITH_RIGHT_WRITE, &va),
		   PITH_OK, "map") &&
		is(vfs_attach(sub, 0, pith_vm_frame(va)), PITH_OK, "attach");

	page = ok ? (uint8_t *)va : NULL;
	if (ok) {
		memcpy(page, "data.bin", sizeof("data.bin")); /* 8 sent */
		ok = is(vfs_open(sub, 8, PITH_FS_O_READ, &h, &type), PITH_OK,
			"open data.bin");
	}
	while (ok && done) {
		ok = is(vfs_read(h, 0, 4096, &done), PITH_OK, "read");
		for (uint32_t i = 0; ok && i < done; i++)
			ok = fact(at + i < size &&
					  page[i] == pattern(2, at + i),
				  "the wrong bytes, or too many");
		at += done;
	}
	if (h)
		op_close(h);
	result("dir_on_fat", ok && fact(at == size, "too few bytes"));
}

int main(int argc, char **argv)
{
	pith_cptr_t root = pith_cap("root"), init = pith_cap("init");
	uint64_t va;
	bool ok =
		argc >= 2 && root && init && strlen(argv[1]) < sizeof(dir) - 40;

	for (int i = 2; i < argc; i++)
		ok = ok && argv[i][0] == '/' && strlen(argv[i]) < 16;

	if (ok && pith_vm_map_new(PAGES, PITH_RIGHT_READ | PITH_RIGHT_WRITE,
				  &va) == PITH_OK) {
		buf = (uint8_t *)va;
		for (unsigned i = 0; i < PAGES && ok; i++)
			ok = vfs_attach(root, i,
					pith_vm_frame(va + i * 4096ULL)) ==
			     PITH_OK;
	}
	if (!ok || !buf) {
		printf("fattest: usage: fattest DIR /BAD..., with 'root' and "
		       "'init'\n");
		return 1;
	}
	strlcpy(dir, argv[1], sizeof(dir));
	printf("fattest: testing %s\n", dir);
	test_host_files(root);
	test_write(root);
	test_statfs(root);
	bench(root);
	test_dir_on_fat();
	for (int i = 2; i < argc; i++)
		test_refused(root, init, argv[i]);
	printf("fattest: %u failures\n", failures);
	return failures ? 1 : 0;
}
