/*
 * fsbench: the storage stack's benchmarks (docs/benchmarks.md). init
 * starts it from fsbench.manifest beside the bus server, the VFS, ramfs
 * at /, the FAT server on the disk of one virtio-blk driver, and a
 * second virtio-blk driver for a raw disk. It holds a directory handle
 * on / (`root`), the second driver's endpoint (`blk`), whose disk it
 * opens itself, and init's power capability (`power`).
 *
 *	fsbench FAT-DIR RAM-DIR [mib=N] [files=N] [reps=N]
 *
 * Through the SDK's clients, the way a program would (pith/file.h,
 * pith/blkdev.h), in calls of CHUNK bytes:
 *
 *  - N MiB (default 64) written to the raw disk and read back: the block
 *    driver's cost with no file system in the way;
 *  - a file of N MiB written in FAT-DIR, synced, and read back through
 *    the VFS, in the same run, and the ratio of each to the raw figure;
 *    both `reps` times (default 3), one after the other, and each
 *    figure the median;
 *  - `files` small files (default 200, 512 bytes each) created, stated
 *    and unlinked in a new directory of FAT-DIR and of RAM-DIR.
 *
 * Every byte read is checked against what was written (a pattern of the
 * position), and a wrong one fails the run: a benchmark of a stack that
 * loses data measures nothing. It prints `BENCH <name> <value> <unit>`
 * lines (DESIGN.md): cycles/MiB for the bulk figures, cycles per
 * operation for the small files, ratios as `x`; a `TEST fsbench_<what>
 * PASS|FAIL` line per check and `fsbench: done, N failures`. It ends
 * the run through init's poweroff, which syncs the file systems first
 * (fsbench itself never syncs after its unlinks: the harness's fsck.fat
 * checks that poweroff did), or on a failure with status 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/tsc.h"
#include "pith/blkdev.h"
#include "pith/file.h"
#include "pith/pith.h"
#include "pith/proto/init.h"
#include "pith/vm.h"

#define CHUNK	   (128u << 10)	  /* bytes per call */
#define RAW_PAGES  (CHUNK / 4096) /* the blk region's data pages */
#define SMALL_SIZE 512
#define MIB	   (1ULL << 20)
#define REPS_MAX   9

static uint8_t *buf; /* CHUNK bytes */
static unsigned failures;

static void result(const char *name, bool ok, const char *why,
		   enum pith_error err)
{
	if (ok) {
		printf("TEST fsbench_%s PASS\n", name);
		return;
	}
	failures++;
	printf("TEST fsbench_%s FAIL %s (%s)\n", name, why,
	       pith_error_name(err));
}

/* The pattern: each 8-byte word holds its byte position in the stream,
 * with a tag for the stream, so a block read from the wrong place or
 * the wrong stream shows. Only one word per 512 bytes is written and
 * checked, to keep the check's cost out of the figures. */
static void fill(uint64_t pos, uint64_t tag)
{
	for (uint32_t o = 0; o < CHUNK; o += 512)
		*(uint64_t *)(buf + o) = (pos + o) ^ tag;
}

static bool check(uint64_t pos, uint64_t tag)
{
	for (uint32_t o = 0; o < CHUNK; o += 512)
		if (*(uint64_t *)(buf + o) != ((pos + o) ^ tag))
			return false;
	return true;
}

/* cycles / per, as `unit` (0 if per is). */
static void bench(const char *name, uint64_t cycles, uint64_t per,
		  const char *unit)
{
	printf("BENCH %s %llu %s\n", name,
	       (unsigned long long)(per ? cycles / per : 0), unit);
}

static void bench_ratio(const char *name, uint64_t a, uint64_t b)
{
	/* one decimal, in integers */
	uint64_t tenths = b ? (a * 10 + b / 2) / b : 0;

	printf("BENCH %s %llu.%llu x\n", name,
	       (unsigned long long)(tenths / 10),
	       (unsigned long long)(tenths % 10));
}

struct bulk {
	uint64_t write, read; /* cycles for the whole size */
};

/* Each of the n figures' median (n at most REPS_MAX; b unchanged). */
static struct bulk median(struct bulk *b, uint32_t n)
{
	uint64_t w[REPS_MAX] = {0}, r[REPS_MAX] = {0};

	for (uint32_t i = 0; i < n; i++) {
		uint32_t j = i;

		for (; j && w[j - 1] > b[i].write; j--)
			w[j] = w[j - 1];
		w[j] = b[i].write;
		for (j = i; j && r[j - 1] > b[i].read; j--)
			r[j] = r[j - 1];
		r[j] = b[i].read;
	}
	return (struct bulk){.write = w[n / 2], .read = r[n / 2]};
}

/* Raw: the first `mib` MiB of the raw disk written, flushed, read back. */
static bool raw(pith_cptr_t blk, uint64_t mib, struct bulk *out)
{
	const uint64_t tag = 0x7261770000000000ULL;
	struct pith_blkdev d;
	enum pith_error err = pith_blkdev_open(&d, blk, 0, RAW_PAGES);
	uint64_t per, t0;
	bool ok = err == PITH_OK;

	if (ok && d.sectors * d.sector_size < mib * MIB)
		err = PITH_E_RANGE;
	ok = err == PITH_OK;
	result("raw_open", ok, "the raw disk, of the size", err);
	if (!ok)
		return false;
	per = CHUNK / d.sector_size;
	t0 = rdtsc();
	for (uint64_t pos = 0; pos < mib * MIB && ok; pos += CHUNK) {
		fill(pos, tag);
		err = pith_blkdev_write(&d, pos / d.sector_size, per, buf);
		ok = err == PITH_OK;
	}
	if (ok)
		ok = (err = pith_blkdev_flush(&d)) == PITH_OK;
	out->write = rdtsc() - t0;
	result("raw_write", ok, "a write or the flush failed", err);
	t0 = rdtsc();
	for (uint64_t pos = 0; pos < mib * MIB && ok; pos += CHUNK) {
		err = pith_blkdev_read(&d, pos / d.sector_size, per, buf);
		ok = err == PITH_OK && check(pos, tag);
	}
	out->read = rdtsc() - t0;
	result("raw_read", ok, "a read failed, or read the wrong bytes", err);
	pith_blkdev_close(&d);
	return ok;
}

/* Through the VFS: DIR/fsbench.bin written, synced, read back, removed. */
static bool vfs(struct pith_fs *fs, uint64_t mib, struct bulk *out)
{
	const uint64_t tag = 0x7666730000000000ULL;
	struct pith_file f;
	enum pith_error err =
		pith_fs_open(fs, "fsbench.bin",
			     PITH_FS_O_READ | PITH_FS_O_WRITE |
				     PITH_FS_O_CREATE | PITH_FS_O_TRUNCATE,
			     &f);
	uint64_t t0, pos;
	size_t done = 0;
	bool ok = err == PITH_OK;

	result("vfs_open", ok, "cannot make fsbench.bin", err);
	if (!ok)
		return false;
	t0 = rdtsc();
	for (pos = 0; pos < mib * MIB && ok; pos += CHUNK) {
		fill(pos, tag);
		err = pith_file_write(&f, buf, CHUNK, &done);
		ok = err == PITH_OK && done == CHUNK;
	}
	if (ok)
		ok = (err = pith_file_sync(&f)) == PITH_OK;
	out->write = rdtsc() - t0;
	result("vfs_write", ok, "a write was short or failed, or the sync",
	       err);
	if (ok)
		ok = (err = pith_file_seek(&f, 0, 0, &pos)) == PITH_OK;
	t0 = rdtsc();
	for (pos = 0; pos < mib * MIB && ok; pos += CHUNK) {
		err = pith_file_read(&f, buf, CHUNK, &done);
		ok = err == PITH_OK && done == CHUNK && check(pos, tag);
	}
	out->read = rdtsc() - t0;
	result("vfs_read", ok, "a read was short or failed, or wrong bytes",
	       err);
	pith_file_close(&f);
	err = pith_fs_unlink(fs, "fsbench.bin");
	result("vfs_unlink", err == PITH_OK, "cannot remove fsbench.bin", err);
	return ok && err == PITH_OK;
}

static void small_name(char *name, size_t size, uint32_t i)
{
	snprintf(name, size, "fsbench.d/f%05u.dat", (unsigned)i);
}

/* `files` small files made (opened with CREATE|EXCL, written, closed),
 * stated and unlinked in DIR/fsbench.d; name: "fat" or "ram". */
static void small(struct pith_fs *fs, const char *name, uint32_t files)
{
	uint64_t t_create, t_stat, t_unlink, t0;
	enum pith_error err = pith_fs_mkdir(fs, "fsbench.d");
	char path[48], test[32], fig[32];
	struct pith_stat st;
	bool ok = err == PITH_OK;

	memset(buf, 0xa5, SMALL_SIZE);
	t0 = rdtsc();
	for (uint32_t i = 0; i < files && ok; i++) {
		struct pith_file f;
		size_t done = 0;

		small_name(path, sizeof(path), i);
		err = pith_fs_open(fs, path,
				   PITH_FS_O_WRITE | PITH_FS_O_CREATE |
					   PITH_FS_O_EXCL,
				   &f);
		if (err != PITH_OK)
			break;
		err = pith_file_write(&f, buf, SMALL_SIZE, &done);
		pith_file_close(&f);
		ok = err == PITH_OK && done == SMALL_SIZE;
	}
	t_create = rdtsc() - t0;
	ok = ok && err == PITH_OK;
	snprintf(test, sizeof(test), "%s_create", name);
	result(test, ok, "a create or its write failed", err);
	t0 = rdtsc();
	for (uint32_t i = 0; i < files && ok; i++) {
		small_name(path, sizeof(path), i);
		err = pith_fs_stat(fs, path, &st);
		ok = err == PITH_OK && st.type == PITH_FS_FILE &&
		     st.size == SMALL_SIZE;
	}
	t_stat = rdtsc() - t0;
	snprintf(test, sizeof(test), "%s_stat", name);
	result(test, ok, "a stat failed or gave the wrong size", err);
	t0 = rdtsc();
	for (uint32_t i = 0; i < files && ok; i++) {
		small_name(path, sizeof(path), i);
		ok = (err = pith_fs_unlink(fs, path)) == PITH_OK;
	}
	t_unlink = rdtsc() - t0;
	if (ok) {
		err = pith_fs_stat(fs, "fsbench.d/f00000.dat", &st);
		ok = err == PITH_E_NOT_FOUND;
	}
	if (ok)
		ok = (err = pith_fs_unlink(fs, "fsbench.d")) == PITH_OK;
	snprintf(test, sizeof(test), "%s_unlink", name);
	result(test, ok, "an unlink failed, or the file is still there", err);
	snprintf(fig, sizeof(fig), "fs_%s_create", name);
	bench(fig, ok ? t_create : 0, files, "cycles");
	snprintf(fig, sizeof(fig), "fs_%s_stat", name);
	bench(fig, ok ? t_stat : 0, files, "cycles");
	snprintf(fig, sizeof(fig), "fs_%s_unlink", name);
	bench(fig, ok ? t_unlink : 0, files, "cycles");
}

/* A struct pith_fs on `path` under `root`: *dir the open directory. */
static bool open_dir(struct pith_fs *root, const char *path,
		     struct pith_file *dir, struct pith_fs *fs)
{
	enum pith_error err =
		pith_fs_open(root, path, PITH_FS_O_DIRECTORY, dir);

	if (err != PITH_OK) {
		printf("fsbench: %s: %s\n", path, pith_error_name(err));
		return false;
	}
	pith_file_as_fs(dir, fs);
	return true;
}

static uint64_t arg(int argc, char **argv, const char *key, uint64_t def)
{
	size_t n = strlen(key);

	for (int i = 1; i < argc; i++)
		if (!strncmp(argv[i], key, n) && argv[i][n] == '=')
			return strtoull(argv[i] + n + 1, NULL, 10);
	return def;
}

int main(int argc, char **argv)
{
	pith_cptr_t blk = pith_cap("blk");
	uint64_t mib = arg(argc, argv, "mib", 64), va;
	uint32_t files = (uint32_t)arg(argc, argv, "files", 200);
	struct pith_fs root, fat, ram;
	struct pith_file fat_dir, ram_dir;
	uint32_t reps = (uint32_t)arg(argc, argv, "reps", 3);
	struct bulk r[REPS_MAX], v[REPS_MAX];
	bool ok, bulk_ok = true;

	pith_fs_init(&root, pith_cap("root"));
	if (argc < 3 || !blk || !root.dir || !pith_cap("power") || !reps ||
	    reps > REPS_MAX || !mib || mib > 4096 || !files || files > 10000 ||
	    pith_vm_map_new(CHUNK / 4096, PITH_RIGHT_READ | PITH_RIGHT_WRITE,
			    &va) != PITH_OK) {
		printf("fsbench: usage: fsbench FAT-DIR RAM-DIR [mib=1..4096] "
		       "[files=1..10000] [reps=1..9], with 'root', 'blk' and "
		       "'power'\n");
		pith_debug_shutdown(PITH_SLOT_DEBUG, 1);
		return 1;
	}
	buf = (uint8_t *)va;
	ok = open_dir(&root, argv[1], &fat_dir, &fat) &&
	     open_dir(&root, argv[2], &ram_dir, &ram);
	if (ok) {
		printf("fsbench: %llu MiB in %u KiB calls, %u small files\n",
		       (unsigned long long)mib, CHUNK >> 10, files);
		for (uint32_t i = 0; i < reps && bulk_ok; i++)
			bulk_ok = raw(blk, mib, &r[i]) && vfs(&fat, mib, &v[i]);
		if (bulk_ok) {
			struct bulk rm = median(r, reps), vm = median(v, reps);

			bench("fs_raw_write", rm.write, mib, "cycles/MiB");
			bench("fs_raw_read", rm.read, mib, "cycles/MiB");
			bench("fs_fat_write", vm.write, mib, "cycles/MiB");
			bench("fs_fat_read", vm.read, mib, "cycles/MiB");
			bench_ratio("fs_fat_write_vs_raw", vm.write, rm.write);
			bench_ratio("fs_fat_read_vs_raw", vm.read, rm.read);
		}
		small(&fat, "fat", files);
		small(&ram, "ram", files);
	} else {
		failures++;
	}
	printf("fsbench: done, %u failures\n", failures);
	if (!failures) {
		enum pith_error err = init_poweroff(pith_cap("power"));

		printf("fsbench: poweroff: %s\n", pith_error_name(err));
	}
	pith_debug_shutdown(PITH_SLOT_DEBUG, 1);
	return 1;
}
