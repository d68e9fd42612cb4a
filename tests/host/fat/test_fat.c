/*
 * Host tests of the FAT32 engine (servers/fat, docs/fat.md) over an
 * in-memory device: mounting and every boot-sector check, files and
 * directories, long and short names, rename and unlink, a full disk,
 * corrupt images, a read-only mount, device errors, and random
 * operations against a model. After every test that leaves a sound
 * volume, fatimg_check() (fatimg.c) judges what is on the disk.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fat.h"
#include "fatimg.h"

#define OK(x)	   assert_int_equal((x), PITH_OK)
#define ERR(x, e)  assert_int_equal((x), (e))
#define SMALL_DISK 67000 /* sectors: the smallest FAT32 with 512 B clusters */

static struct fat fs;
static struct memdev *md;
static struct fat_dev dev;
static struct geo geo;
static bool mounted, check_at_end;

/* ---- fixtures ---------------------------------------------------------- */

static void mount_rw(void)
{
	dev = md_dev(md);
	OK(fat_mount(&fs, &dev, false));
	mounted = true;
}

static void format_and_mount(uint32_t ss, uint64_t sectors, uint32_t spc)
{
	md = md_new(ss, sectors);
	fatimg_format(md, spc, 2, 0);
	fatimg_geo(md, &geo);
	mount_rw();
	check_at_end = true;
}

static int setup_512(void **state)
{
	(void)state;
	format_and_mount(512, SMALL_DISK, 1);
	return 0;
}

static int setup_4096(void **state)
{
	(void)state;
	format_and_mount(4096, 66000, 1);
	return 0;
}

static int setup_spc8(void **state)
{
	(void)state;
	format_and_mount(512, 528000, 8);
	return 0;
}

/* One FAT: nothing to mirror. */
static int setup_one_fat(void **state)
{
	(void)state;
	md = md_new(512, SMALL_DISK);
	fatimg_format(md, 1, 1, 0);
	fatimg_geo(md, &geo);
	mount_rw();
	check_at_end = true;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (mounted)
		OK(fat_unmount(&fs));
	mounted = false;
	if (check_at_end)
		fatimg_check(md);
	md_free(md);
	md = NULL;
	return 0;
}

static void remount(void)
{
	OK(fat_unmount(&fs));
	fatimg_check(md);
	OK(fat_mount(&fs, &dev, false));
}

/* ---- helpers ----------------------------------------------------------- */

static uint32_t root(void)
{
	uint32_t r;

	OK(fat_root(&fs, &r));
	return r;
}

static enum pith_error look_e(uint32_t dir, const char *name, uint32_t *n)
{
	return fat_lookup(&fs, dir, name, strlen(name), n);
}

static uint32_t look(uint32_t dir, const char *name)
{
	uint32_t n;

	OK(look_e(dir, name, &n));
	return n;
}

static enum pith_error create_e(uint32_t dir, const char *name, bool is_dir,
				uint32_t *n)
{
	return fat_create(&fs, dir, name, strlen(name), is_dir, n);
}

static uint32_t mkfile(uint32_t dir, const char *name)
{
	uint32_t n;

	OK(create_e(dir, name, false, &n));
	return n;
}

static uint32_t mkdir_(uint32_t dir, const char *name)
{
	uint32_t n;

	OK(create_e(dir, name, true, &n));
	return n;
}

static enum pith_error unlink_e(uint32_t dir, const char *name)
{
	return fat_unlink(&fs, dir, name, strlen(name));
}

static enum pith_error rename_e(uint32_t od, const char *on, uint32_t nd,
				const char *nn)
{
	return fat_rename(&fs, od, on, strlen(on), nd, nn, strlen(nn));
}

static void rel(uint32_t n)
{
	OK(fat_release(&fs, n));
}

/* Deterministic bytes: position `off` of stream `seed`. */
static void pattern(uint8_t *buf, size_t len, uint64_t off, uint32_t seed)
{
	for (size_t i = 0; i < len; i++) {
		uint64_t x = (off + i) * 0x9E3779B97F4A7C15ull + seed;

		buf[i] = (uint8_t)(x >> 29 ^ x >> 47);
	}
}

static void write_all(uint32_t n, uint64_t off, const void *buf, size_t len)
{
	size_t done;

	OK(fat_write(&fs, n, off, buf, len, &done));
	assert_int_equal(done, len);
}

static void write_str(uint32_t n, const char *s)
{
	write_all(n, 0, s, strlen(s));
}

static void expect_contents(uint32_t n, const void *want, size_t len)
{
	uint8_t *got = malloc(len + 16);
	size_t done;

	assert_non_null(got);
	OK(fat_read(&fs, n, 0, got, len + 16, &done));
	assert_int_equal(done, len);
	assert_memory_equal(got, want, len);
	free(got);
}

static void expect_str(uint32_t n, const char *s)
{
	expect_contents(n, s, strlen(s));
}

static uint64_t size_of(uint32_t n)
{
	struct fat_stat st;

	OK(fat_stat(&fs, n, &st));
	return st.size;
}

static uint32_t free_clusters(void)
{
	uint32_t cb, total, nfree;

	OK(fat_statfs(&fs, &cb, &total, &nfree));
	return nfree;
}

/* The names in a directory, in order, "|"-separated. */
static void list(uint32_t dir, char *out, size_t cap)
{
	struct fat_dirent ent;
	uint64_t cookie = 0, next;
	enum pith_error err;

	out[0] = '\0';
	while ((err = fat_readdir(&fs, dir, cookie, &ent, &next)) == PITH_OK) {
		assert_int_equal(strlen(ent.name), ent.name_len);
		if (out[0])
			strncat(out, "|", cap - strlen(out) - 1);
		strncat(out, ent.name, cap - strlen(out) - 1);
		assert_true(next > cookie);
		cookie = next;
	}
	ERR(err, PITH_E_NOT_FOUND);
}

static uint32_t count_entries(uint32_t dir)
{
	struct fat_dirent ent;
	uint64_t cookie = 0;
	uint32_t n = 0;

	while (fat_readdir(&fs, dir, cookie, &ent, &cookie) == PITH_OK)
		n++;
	return n;
}

/* ---- mounting ---------------------------------------------------------- */

static void test_mount_fresh(void **state)
{
	uint32_t cb, total, nfree, r;
	struct fat_stat st;

	(void)state;
	OK(fat_statfs(&fs, &cb, &total, &nfree));
	assert_int_equal(cb, geo.cb);
	assert_int_equal(total, geo.clusters);
	assert_int_equal(nfree, geo.clusters - 1); /* the root's cluster */
	r = root();
	OK(fat_stat(&fs, r, &st));
	assert_true(st.is_dir);
	assert_int_equal(count_entries(r), 0);
	rel(r);
}

/* One field of the boot sector changed: what, where, how wide, to what. */
struct bpb_patch {
	const char *what;
	uint32_t off, width, value;
	const char *why; /* a word fs.why must hold */
};

static const struct bpb_patch bpb_patches[] = {
	{"signature", 510, 1, 0x00, "signature"},
	{"signature", 511, 1, 0x55, "signature"},
	{"jump", 0, 1, 0x00, "jump"},
	{"bytes per sector vs device", 11, 2, 1024, "bytes per sector"},
	{"bytes per sector", 11, 2, 500, "bytes per sector"},
	{"sectors per cluster 0", 13, 1, 0, "sectors per cluster"},
	{"sectors per cluster 3", 13, 1, 3, "sectors per cluster"},
	{"sectors per cluster 6", 13, 1, 6, "sectors per cluster"},
	{"reserved sectors", 14, 2, 0, "reserved"},
	{"FAT count 0", 16, 1, 0, "FATs"},
	{"FAT count 5", 16, 1, 5, "FATs"},
	{"root entries (FAT16)", 17, 2, 512, "FAT16"},
	{"FAT size 16 (FAT16)", 22, 2, 64, "FAT16"},
	{"total sectors 16 disagrees", 19, 2, 1000, "total sector"},
	{"total sectors 0", 32, 4, 0, "total sectors"},
	{"total sectors past the device", 32, 4, SMALL_DISK + 1,
	 "total sectors"},
	{"too few clusters for FAT32", 32, 4, 60000, "cluster count"},
	{"media", 21, 1, 0x12, "media"},
	{"FAT size 0", 36, 4, 0, "FAT size"},
	{"FAT too small", 36, 4, 100, "too small"},
	{"FATs fill the volume", 36, 4, 40000, "no room"},
	{"version", 42, 2, 1, "version"},
	{"root cluster 0", 44, 4, 0, "root cluster"},
	{"root cluster 1", 44, 4, 1, "root cluster"},
	{"root cluster past the end", 44, 4, 0x00100000, "root cluster"},
	{"FSInfo outside the reserved area", 48, 2, 40, "FSInfo"},
	{"active FAT missing", 40, 2, 0x83, "active FAT"},
};

static void test_mount_bad_boot_sector(void **state)
{
	uint8_t *bs = md_sector(md, 0), saved[512];

	(void)state;
	OK(fat_unmount(&fs));
	mounted = false;
	memcpy(saved, bs, sizeof saved);
	for (size_t i = 0; i < sizeof bpb_patches / sizeof bpb_patches[0];
	     i++) {
		const struct bpb_patch *p = &bpb_patches[i];

		for (uint32_t b = 0; b < p->width; b++)
			bs[p->off + b] = (uint8_t)(p->value >> (8 * b));
		if (fat_mount(&fs, &dev, false) != PITH_E_CORRUPT)
			fail_msg("%s: mounted", p->what);
		if (!fs.why || !strstr(fs.why, p->why))
			fail_msg("%s: said \"%s\"", p->what,
				 fs.why ? fs.why : "(nothing)");
		memcpy(bs, saved, sizeof saved);
		/* and each time the sound sector mounts */
		OK(fat_mount(&fs, &dev, true));
		OK(fat_unmount(&fs));
	}
}

static void test_mount_fat16(void **state)
{
	uint8_t *bs = md_sector(md, 0);

	(void)state;
	OK(fat_unmount(&fs));
	mounted = false;
	/* what a FAT16 formatter writes: a fixed root directory and a
	 * 16-bit FAT size; no FAT32 extension */
	bs[17] = 0x00;
	bs[18] = 0x02;
	bs[22] = 0x40;
	bs[23] = 0x00;
	memset(bs + 36, 0, 54);
	memcpy(bs + 54, "FAT16   ", 8);
	ERR(fat_mount(&fs, &dev, true), PITH_E_CORRUPT);
	assert_non_null(strstr(fs.why, "only FAT32 is supported"));
	check_at_end = false;
}

static enum pith_error failing_read(void *ctx, uint64_t lba, uint32_t count,
				    void *buf)
{
	(void)ctx;
	(void)lba;
	(void)count;
	(void)buf;
	return PITH_E_IO;
}

static void test_mount_bad_device(void **state)
{
	struct fat_dev d;

	(void)state;
	OK(fat_unmount(&fs));
	mounted = false;
	d = dev;
	d.sector_size = 300;
	ERR(fat_mount(&fs, &d, false), PITH_E_INVALID_ARGUMENT);
	d = dev;
	d.read = NULL;
	ERR(fat_mount(&fs, &d, false), PITH_E_INVALID_ARGUMENT);
	d = dev;
	d.write = NULL;
	ERR(fat_mount(&fs, &d, false), PITH_E_INVALID_ARGUMENT);
	OK(fat_mount(&fs, &d, true)); /* no writes needed read-only */
	d = dev;
	d.sectors = 0;
	ERR(fat_mount(&fs, &d, false), PITH_E_INVALID_ARGUMENT);
	d = dev;
	d.read = failing_read;
	ERR(fat_mount(&fs, &d, false), PITH_E_IO);
	/* a device smaller than the volume */
	d = dev;
	d.sectors = SMALL_DISK - 1;
	ERR(fat_mount(&fs, &d, false), PITH_E_CORRUPT);
	/* a 4096-byte-sector device under a 512-byte volume */
	d = dev;
	d.sector_size = 4096;
	ERR(fat_mount(&fs, &d, false), PITH_E_CORRUPT);
}

static void test_mount_bad_root(void **state)
{
	static const uint32_t bad[] = {0, 2, 0x0FFFFFF7, 1, 0x0FFFFFF0};

	(void)state;
	OK(fat_unmount(&fs));
	mounted = false;
	check_at_end = false;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		/* free, a loop onto itself, bad, reserved, out of range */
		fatimg_set_fat(md, &geo, geo.root, bad[i]);
		ERR(fat_mount(&fs, &dev, false), PITH_E_CORRUPT);
		assert_non_null(strstr(fs.why, "root"));
	}
	/* a longer loop: 2 -> 3 -> 4 -> 3 */
	fatimg_set_fat(md, &geo, 2, 3);
	fatimg_set_fat(md, &geo, 3, 4);
	fatimg_set_fat(md, &geo, 4, 3);
	ERR(fat_mount(&fs, &dev, false), PITH_E_CORRUPT);
	fatimg_set_fat(md, &geo, 4, 0x0FFFFFFF);
	OK(fat_mount(&fs, &dev, true));
	OK(fat_unmount(&fs));
}

/* ---- files ------------------------------------------------------------- */

static void test_create_read_write(void **state)
{
	uint32_t r = root(), f, z, g;
	struct fat_stat st;
	char buf[64];
	size_t done;

	(void)state;
	f = mkfile(r, "hello.txt");
	write_str(f, "Hello, FAT32!");
	expect_str(f, "Hello, FAT32!");
	OK(fat_read(&fs, f, 13, buf, sizeof buf, &done));
	assert_int_equal(done, 0);
	OK(fat_read(&fs, f, 1000000, buf, sizeof buf, &done));
	assert_int_equal(done, 0);
	OK(fat_read(&fs, f, 7, buf, sizeof buf, &done));
	assert_int_equal(done, 6);
	assert_memory_equal(buf, "FAT32!", 6);
	OK(fat_stat(&fs, f, &st));
	assert_false(st.is_dir);
	assert_int_equal(st.size, 13);
	assert_int_equal(st.links, 1);
	ERR(create_e(r, "hello.txt", false, &g), PITH_E_EXISTS);
	z = mkfile(r, "empty");
	assert_int_equal(size_of(z), 0);
	OK(fat_read(&fs, z, 0, buf, sizeof buf, &done));
	assert_int_equal(done, 0);
	rel(f);
	rel(z);
	rel(r);
	remount();
	r = root();
	f = look(r, "HELLO.TXT");
	expect_str(f, "Hello, FAT32!");
	z = look(r, "empty");
	assert_int_equal(size_of(z), 0);
	/* the same file opened twice is one node */
	g = look(r, "hello.txt");
	assert_int_equal(g, f);
	rel(g);
	rel(f);
	rel(z);
	rel(r);
}

static void test_nested_dirs(void **state)
{
	static const char *const names[] = {"alpha", "Beta", "gamma dir",
					    "D",     "e.e",  "f"};
	uint32_t r = root(), d[7], n, f;
	char out[256];

	(void)state;
	d[0] = r;
	for (int i = 0; i < 6; i++)
		d[i + 1] = mkdir_(d[i], names[i]);
	f = mkfile(d[6], "deep.txt");
	write_str(f, "at the bottom");
	rel(f);
	for (int i = 1; i <= 6; i++) {
		n = look(d[i], "..");
		assert_int_equal(n, d[i - 1]);
		rel(n);
		n = look(d[i], ".");
		assert_int_equal(n, d[i]);
		rel(n);
	}
	n = look(r, "..");
	assert_int_equal(n, r);
	rel(n);
	list(d[0], out, sizeof out);
	assert_string_equal(out, "alpha");
	list(d[3], out, sizeof out);
	assert_string_equal(out, "D");
	/* a file is not a directory */
	f = look(d[6], "deep.txt");
	ERR(look_e(f, "x", &n), PITH_E_NOT_DIRECTORY);
	ERR(create_e(f, "x", false, &n), PITH_E_NOT_DIRECTORY);
	rel(f);
	ERR(look_e(d[6], "nothing", &n), PITH_E_NOT_FOUND);
	for (int i = 6; i >= 0; i--)
		rel(d[i]);
	remount();
	r = root();
	n = r;
	for (int i = 0; i < 6; i++) {
		char upper[16];
		uint32_t next;

		for (size_t k = 0; k <= strlen(names[i]); k++)
			upper[k] =
				(char)(names[i][k] >= 'a' && names[i][k] <= 'z'
					       ? names[i][k] - 32
					       : names[i][k]);
		next = look(n, upper);
		if (n != r)
			rel(n);
		n = next;
	}
	f = look(n, "DEEP.TXT");
	expect_str(f, "at the bottom");
	rel(f);
	rel(n);
	rel(r);
}

/* Two files written a slice each in turn, so their chains interleave. */
static void test_big_file(void **state)
{
	const size_t size = 6 << 20, slice = 64 << 10, wchunk = 7777;
	uint32_t r = root(), a = mkfile(r, "big-a.bin"),
		 b = mkfile(r, "big-b.bin"), free0 = free_clusters();
	uint8_t *buf = malloc(size), *got = malloc(size);
	size_t done;

	(void)state;
	assert_true(buf && got);
	pattern(buf, size, 0, 1);
	for (size_t off = 0; off < size; off += slice) {
		for (size_t o = off; o < off + slice; o += wchunk) {
			size_t n = off + slice - o < wchunk ? off + slice - o
							    : wchunk;

			write_all(a, o, buf + o, n);
		}
		write_all(b, off, buf + off, slice);
	}
	assert_int_equal(free0 - free_clusters(), 2 * (size / geo.cb));
	for (int round = 0; round < 2; round++) {
		uint32_t files[2] = {a, b};

		for (int i = 0; i < 2; i++) {
			memset(got, 0, size);
			for (size_t off = 0; off < size; off += 4099) {
				OK(fat_read(&fs, files[i], off, got + off, 4099,
					    &done));
				assert_int_equal(done, size - off < 4099
							       ? size - off
							       : 4099);
			}
			assert_memory_equal(got, buf, size);
		}
		if (round == 0) {
			rel(a);
			rel(b);
			rel(r);
			remount();
			r = root();
			a = look(r, "big-a.bin");
			b = look(r, "big-b.bin");
			assert_int_equal(size_of(a), size);
		}
	}
	/* one read of the whole file, and one from an odd place */
	OK(fat_read(&fs, b, 0, got, size, &done));
	assert_int_equal(done, size);
	assert_memory_equal(got, buf, size);
	OK(fat_read(&fs, a, 1234567, got, 3000000, &done));
	assert_int_equal(done, 3000000);
	assert_memory_equal(got, buf + 1234567, 3000000);
	free(buf);
	free(got);
	rel(a);
	rel(b);
	rel(r);
}

static void test_holes_and_truncate(void **state)
{
	uint32_t r = root(), f = mkfile(r, "sparse"), free0;
	uint8_t buf[8192], zeros[8192] = {0};
	size_t done;

	(void)state;
	free0 = free_clusters();
	write_all(f, 100000, "abc", 3);
	assert_int_equal(size_of(f), 100003);
	for (uint64_t off = 0; off < 100000; off += sizeof buf) {
		size_t n =
			100000 - off < sizeof buf ? 100000 - off : sizeof buf;

		OK(fat_read(&fs, f, off, buf, n, &done));
		assert_int_equal(done, n);
		assert_memory_equal(buf, zeros, n);
	}
	OK(fat_read(&fs, f, 100000, buf, 10, &done));
	assert_int_equal(done, 3);
	assert_memory_equal(buf, "abc", 3);
	/* shrink, then grow: the old bytes must not come back */
	pattern(buf, sizeof buf, 0, 7);
	write_all(f, 0, buf, sizeof buf);
	OK(fat_truncate(&fs, f, 50));
	assert_int_equal(size_of(f), 50);
	OK(fat_truncate(&fs, f, 5000));
	OK(fat_read(&fs, f, 50, buf, 4950, &done));
	assert_int_equal(done, 4950);
	assert_memory_equal(buf, zeros, 4950);
	/* a write past the end within the last cluster zeros the gap */
	OK(fat_truncate(&fs, f, 10));
	write_all(f, 400, "x", 1);
	OK(fat_read(&fs, f, 10, buf, 390, &done));
	assert_int_equal(done, 390);
	assert_memory_equal(buf, zeros, 390);
	OK(fat_truncate(&fs, f, 0));
	assert_int_equal(free_clusters(), free0);
	ERR(fat_truncate(&fs, f, 0x100000000ull), PITH_E_RANGE);
	ERR(fat_write(&fs, f, 0xFFFFFFFFull, "x", 1, &done), PITH_E_RANGE);
	assert_int_equal(done, 0);
	OK(fat_write(&fs, f, 0, "x", 0, &done));
	assert_int_equal(done, 0);
	assert_int_equal(size_of(f), 0);
	rel(f);
	rel(r);
}

static void test_overwrite(void **state)
{
	uint32_t r = root(), f = mkfile(r, "over");
	uint8_t want[10000], part[1500];

	(void)state;
	pattern(want, sizeof want, 0, 3);
	write_all(f, 0, want, sizeof want);
	pattern(part, sizeof part, 0, 4);
	write_all(f, 3001, part, sizeof part);
	memcpy(want + 3001, part, sizeof part);
	assert_int_equal(size_of(f), sizeof want);
	expect_contents(f, want, sizeof want);
	/* across the end: part in, part out */
	write_all(f, 9000, part, sizeof part);
	assert_int_equal(size_of(f), 10500);
	{
		uint8_t got[1500];
		size_t done;

		OK(fat_read(&fs, f, 9000, got, sizeof got, &done));
		assert_int_equal(done, sizeof got);
		assert_memory_equal(got, part, sizeof part);
		OK(fat_read(&fs, f, 0, got, 1000, &done));
		assert_memory_equal(got, want, 1000);
	}
	rel(f);
	rel(r);
}

/* ---- rename and unlink ------------------------------------------------- */

static void test_rename_file(void **state)
{
	uint32_t r = root(), a, b, d, h, t, free0;
	uint8_t big[5000];
	char out[256];
	struct fat_stat st;

	(void)state;
	a = mkfile(r, "a.txt");
	write_str(a, "AAAA");
	rel(a);
	b = mkfile(r, "b.txt");
	pattern(big, sizeof big, 0, 9);
	write_all(b, 0, big, sizeof big);
	rel(b);
	free0 = free_clusters();
	/* over an existing file: its clusters are freed */
	OK(rename_e(r, "a.txt", r, "b.txt"));
	ERR(look_e(r, "a.txt", &a), PITH_E_NOT_FOUND);
	b = look(r, "b.txt");
	expect_str(b, "AAAA");
	rel(b);
	assert_int_equal(free_clusters(), free0 + (sizeof big + 511) / 512);
	/* to itself, and to itself in another case */
	OK(rename_e(r, "b.txt", r, "b.txt"));
	OK(rename_e(r, "b.txt", r, "B.TXT"));
	list(r, out, sizeof out);
	assert_string_equal(out, "B.TXT");
	OK(rename_e(r, "B.TXT", r, "Bee.txt"));
	list(r, out, sizeof out);
	assert_string_equal(out, "Bee.txt");
	/* to another directory */
	d = mkdir_(r, "d");
	OK(rename_e(r, "bee.TXT", d, "moved.txt"));
	list(r, out, sizeof out);
	assert_string_equal(out, "d");
	list(d, out, sizeof out);
	assert_string_equal(out, "moved.txt");
	/* an open file follows its name, and its writes land there */
	h = look(d, "moved.txt");
	OK(rename_e(d, "moved.txt", r, "again.txt"));
	write_all(h, 4, "xyz", 3);
	rel(h);
	h = look(r, "again.txt");
	expect_str(h, "AAAAxyz");
	rel(h);
	ERR(rename_e(r, "missing", r, "x"), PITH_E_NOT_FOUND);
	ERR(rename_e(r, "again.txt", r, "a/b"), PITH_E_NAME_TOO_LONG);
	ERR(rename_e(r, "again.txt", r, ".."), PITH_E_INVALID_ARGUMENT);
	ERR(rename_e(r, ".", r, "x"), PITH_E_INVALID_ARGUMENT);
	/* over an open file: it lives on, nameless, until released */
	t = mkfile(r, "target");
	write_str(t, "target");
	OK(rename_e(r, "again.txt", r, "target"));
	expect_str(t, "target");
	OK(fat_stat(&fs, t, &st));
	assert_int_equal(st.links, 0);
	h = look(r, "target");
	assert_int_not_equal(h, t);
	expect_str(h, "AAAAxyz");
	free0 = free_clusters();
	rel(t);
	assert_int_equal(free_clusters(), free0 + 1);
	rel(h);
	rel(d);
	rel(r);
	remount();
	r = root();
	list(r, out, sizeof out);
	assert_string_equal(out, "d|target");
	rel(r);
}

static void test_rename_dir(void **state)
{
	uint32_t r = root(), a, b, c, e, f, n;
	char out[256];

	(void)state;
	a = mkdir_(r, "a");
	b = mkdir_(a, "b");
	c = mkdir_(b, "c");
	f = mkfile(c, "file");
	write_str(f, "in c");
	rel(f);
	OK(rename_e(a, "b", r, "b2"));
	n = look(r, "b2");
	assert_int_equal(n, b);
	rel(n);
	n = look(b, "..");
	assert_int_equal(n, r);
	rel(n);
	/* into itself or below it */
	ERR(rename_e(r, "b2", b, "x"), PITH_E_INVALID_ARGUMENT);
	ERR(rename_e(r, "b2", c, "x"), PITH_E_INVALID_ARGUMENT);
	/* over what it cannot replace */
	f = mkfile(r, "f");
	rel(f);
	ERR(rename_e(r, "b2", r, "f"), PITH_E_NOT_DIRECTORY);
	ERR(rename_e(r, "f", r, "a"), PITH_E_IS_DIRECTORY);
	ERR(rename_e(r, "a", r, "b2"), PITH_E_NOT_EMPTY);
	/* over an empty directory */
	e = mkdir_(r, "e");
	rel(e);
	OK(rename_e(r, "a", r, "e"));
	ERR(look_e(r, "a", &n), PITH_E_NOT_FOUND);
	n = look(r, "e");
	assert_int_equal(n, a);
	rel(n);
	/* up to the root */
	OK(rename_e(b, "c", r, "c"));
	n = look(c, "..");
	assert_int_equal(n, r);
	rel(n);
	/* and down again, into a */
	OK(rename_e(r, "c", a, "c-again"));
	n = look(c, "..");
	assert_int_equal(n, a);
	rel(n);
	list(r, out, sizeof out);
	assert_string_equal(out, "b2|f|e");
	rel(a);
	rel(b);
	rel(c);
	rel(r);
	remount();
	r = root();
	a = look(r, "e");
	c = look(a, "c-again");
	n = look(c, "..");
	assert_int_equal(n, a);
	rel(n);
	f = look(c, "file");
	expect_str(f, "in c");
	rel(f);
	rel(c);
	rel(a);
	rel(r);
}

static void test_unlink_open_file(void **state)
{
	uint32_t r = root(), f, g, again, free0;
	uint8_t data[20000], more[3000];
	struct fat_stat st;
	char out[64];

	(void)state;
	free0 = free_clusters();
	f = mkfile(r, "open.bin");
	pattern(data, sizeof data, 0, 11);
	write_all(f, 0, data, sizeof data);
	g = look(r, "open.bin");
	assert_int_equal(g, f);
	OK(unlink_e(r, "open.bin"));
	ERR(look_e(r, "open.bin", &again), PITH_E_NOT_FOUND);
	list(r, out, sizeof out);
	assert_string_equal(out, "");
	/* still readable and writable, until the last release */
	expect_contents(f, data, sizeof data);
	pattern(more, sizeof more, 0, 12);
	write_all(f, sizeof data, more, sizeof more);
	OK(fat_stat(&fs, f, &st));
	assert_int_equal(st.links, 0);
	assert_int_equal(st.size, sizeof data + sizeof more);
	/* the name is free again, for a different file */
	again = mkfile(r, "open.bin");
	assert_int_not_equal(again, f);
	assert_int_equal(size_of(again), 0);
	rel(f);
	assert_true(free_clusters() < free0);
	rel(g);
	assert_int_equal(free_clusters(), free0);
	rel(again);
	rel(r);
	remount();
	r = root();
	g = look(r, "open.bin");
	assert_int_equal(size_of(g), 0);
	rel(g);
	rel(r);
}

static void test_unlink_dirs(void **state)
{
	uint32_t r = root(), d, x, n, free0 = free_clusters();
	struct fat_dirent ent;
	uint64_t next;

	(void)state;
	d = mkdir_(r, "d");
	x = mkfile(d, "x");
	rel(x);
	ERR(unlink_e(r, "d"), PITH_E_NOT_EMPTY);
	OK(unlink_e(d, "x"));
	/* removed while open: nothing more can be made in it */
	OK(unlink_e(r, "d"));
	ERR(create_e(d, "y", false, &n), PITH_E_NOT_FOUND);
	ERR(look_e(d, "x", &n), PITH_E_NOT_FOUND);
	ERR(fat_readdir(&fs, d, 0, &ent, &next), PITH_E_NOT_FOUND);
	rel(d);
	assert_int_equal(free_clusters(), free0);
	ERR(unlink_e(r, "."), PITH_E_INVALID_ARGUMENT);
	ERR(unlink_e(r, ".."), PITH_E_INVALID_ARGUMENT);
	ERR(unlink_e(r, ""), PITH_E_INVALID_ARGUMENT);
	ERR(unlink_e(r, "d"), PITH_E_NOT_FOUND);
	x = mkfile(r, "file");
	ERR(unlink_e(x, "anything"), PITH_E_NOT_DIRECTORY);
	rel(x);
	OK(unlink_e(r, "FILE"));
	assert_int_equal(count_entries(r), 0);
	rel(r);
}

/* ---- a full volume ----------------------------------------------------- */

static void test_full_disk(void **state)
{
	const size_t chunk = 1 << 20;
	uint32_t r = root(), big, x, n, free0 = free_clusters();
	uint8_t *buf = malloc(chunk);
	uint64_t total = 0;
	size_t done;
	enum pith_error err;
	char name[16];

	(void)state;
	assert_non_null(buf);
	big = mkfile(r, "big");
	for (;;) {
		pattern(buf, chunk, total, 5);
		err = fat_write(&fs, big, total, buf, chunk, &done);
		if (err) {
			ERR(err, PITH_E_NO_SPACE);
			assert_int_equal(done, 0);
			break;
		}
		total += done;
		if (done < chunk) /* the short write that filled it */
			assert_int_equal(free_clusters(), 0);
	}
	assert_int_equal(total, (uint64_t)free0 * geo.cb);
	assert_int_equal(size_of(big), total);
	assert_int_equal(free_clusters(), 0);
	OK(fat_read(&fs, big, total - chunk, buf, chunk, &done));
	{
		uint8_t *want = malloc(chunk);

		assert_non_null(want);
		pattern(want, chunk, total - chunk, 5);
		assert_memory_equal(buf, want, chunk);
		free(want);
	}
	/* a file fits in the root's cluster, its bytes do not */
	x = mkfile(r, "x");
	ERR(fat_write(&fs, x, 0, "data", 4, &done), PITH_E_NO_SPACE);
	assert_int_equal(size_of(x), 0);
	ERR(fat_write(&fs, big, total + 10000, "x", 1, &done), PITH_E_NO_SPACE);
	assert_int_equal(size_of(big), total);
	ERR(fat_truncate(&fs, x, 100), PITH_E_NO_SPACE);
	assert_int_equal(size_of(x), 0);
	/* a directory needs a cluster */
	ERR(create_e(r, "dir", true, &n), PITH_E_NO_SPACE);
	ERR(look_e(r, "dir", &n), PITH_E_NOT_FOUND);
	/* the root cannot grow: names until its cluster is full */
	for (int i = 0;; i++) {
		snprintf(name, sizeof name, "N%d", i);
		err = create_e(r, name, false, NULL);
		if (err) {
			ERR(err, PITH_E_NO_SPACE);
			ERR(look_e(r, name, &n), PITH_E_NOT_FOUND);
			assert_true(i > 10);
			break;
		}
	}
	rel(x);
	rel(big);
	remount();
	assert_int_equal(free_clusters(), 0);
	OK(unlink_e(r = root(), "big"));
	assert_int_equal(free_clusters(), free0);
	/* and it works again */
	x = look(r, "x");
	write_str(x, "data");
	rel(x);
	rel(r);
	free(buf);
}

/* ---- names ------------------------------------------------------------- */

/* The 8.3 alias readdir gives for `name` in dir. */
static void alias_of(uint32_t dir, const char *name, char out[13])
{
	struct fat_dirent ent;
	uint64_t cookie = 0;

	while (fat_readdir(&fs, dir, cookie, &ent, &cookie) == PITH_OK) {
		if (strcmp(ent.name, name) == 0) {
			snprintf(out, 13, "%s", ent.short_name);
			return;
		}
	}
	fail_msg("%s not listed", name);
}

static void test_names_length(void **state)
{
	char name[300], upper[300], alias[13];
	uint32_t r = root(), f, n;

	(void)state;
	memset(name, 'a', 251);
	snprintf(name + 251, sizeof name - 251, "%s", ".txt");
	f = mkfile(r, name);
	rel(f);
	for (int i = 0; i < 255; i++)
		upper[i] =
			(char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32
								: name[i]);
	upper[255] = '\0';
	f = look(r, upper);
	rel(f);
	alias_of(r, name, alias);
	assert_string_equal(alias, "AAAAAA~1.TXT");
	/* 256 characters */
	memset(name, 'b', 256);
	name[256] = '\0';
	ERR(create_e(r, name, false, &n), PITH_E_NAME_TOO_LONG);
	ERR(look_e(r, name, &n), PITH_E_NAME_TOO_LONG);
	/* 255 with trailing dots, which are not part of it */
	memset(name, 'c', 255);
	snprintf(name + 255, sizeof name - 255, "%s", "...");
	f = mkfile(r, name);
	rel(f);
	name[255] = '\0';
	f = look(r, name);
	rel(f);
	/* counted in UTF-16 units: é is one, U+1F600 two */
	memset(name, 'd', 254);
	snprintf(name + 254, sizeof name - 254, "%s", "\xC3\xA9");
	f = mkfile(r, name);
	rel(f);
	memset(name, 'e', 253);
	snprintf(name + 253, sizeof name - 253, "%s", "\xF0\x9F\x98\x80");
	f = mkfile(r, name);
	rel(f);
	memset(name, 'f', 254);
	snprintf(name + 254, sizeof name - 254, "%s", "\xF0\x9F\x98\x80");
	ERR(create_e(r, name, false, &n), PITH_E_NAME_TOO_LONG);
	assert_int_equal(count_entries(r), 4);
	rel(r);
	remount();
	r = root();
	memset(name, 'e', 253);
	snprintf(name + 253, sizeof name - 253, "%s", "\xF0\x9F\x98\x80");
	f = look(r, name);
	rel(f);
	rel(r);
}

static void test_names_invalid(void **state)
{
	static const char *const bad[] = {
		"a/b",
		"a\\b",
		"a:b",
		"a*b",
		"a?b",
		"a\"b",
		"a<b",
		"a>b",
		"a|b",
		"a\x01z",
		"\x1f",
		"del\x7f",
		"\xC0\xAF",
		"\xED\xA0\x80",
		"\xE2\x82",
		"\xF4\x90\x80\x80",
		"\xFF",
		"...",
		" ",
		". .",
		"x\xC1\x81",
		"\xE0\x81\x81",
		"\xF0\x80\x81\x81",
		"\x80",
	};
	uint32_t r = root(), n;
	char out[256];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (create_e(r, bad[i], false, &n) != PITH_E_NAME_TOO_LONG)
			fail_msg("created \"%s\"", bad[i]);
		ERR(look_e(r, bad[i], &n), PITH_E_NAME_TOO_LONG);
		ERR(create_e(r, bad[i], true, &n), PITH_E_NAME_TOO_LONG);
	}
	/* a NUL inside the name */
	ERR(fat_create(&fs, r, "a\0b", 3, false, &n), PITH_E_NAME_TOO_LONG);
	ERR(create_e(r, ".", false, &n), PITH_E_INVALID_ARGUMENT);
	ERR(create_e(r, "..", true, &n), PITH_E_INVALID_ARGUMENT);
	ERR(create_e(r, "", false, &n), PITH_E_INVALID_ARGUMENT);
	ERR(look_e(r, "", &n), PITH_E_INVALID_ARGUMENT);
	assert_int_equal(count_entries(r), 0);
	/* trailing dots and spaces go; leading ones stay */
	n = mkfile(r, "foo. . ");
	rel(n);
	ERR(create_e(r, "foo", false, &n), PITH_E_EXISTS);
	n = look(r, "FOO...");
	rel(n);
	n = mkfile(r, " lead");
	rel(n);
	n = mkfile(r, ".hidden");
	rel(n);
	/* characters a long name may hold and a short one may not */
	n = mkfile(r, "a+b,c;d=e[f] g");
	rel(n);
	list(r, out, sizeof out);
	assert_string_equal(out, "foo| lead|.hidden|a+b,c;d=e[f] g");
	{
		char alias[13];

		alias_of(r, "a+b,c;d=e[f] g", alias);
		assert_string_equal(alias, "A_B_C_~1");
		alias_of(r, ".hidden", alias);
		assert_string_equal(alias, "HIDDEN~1");
		alias_of(r, " lead", alias);
		assert_string_equal(alias, "LEAD~1");
	}
	rel(r);
}

static void test_names_case(void **state)
{
	uint32_t r = root(), a, b, n;
	char alias[13];
	uint8_t *e;

	(void)state;
	a = mkfile(r, "Makefile");
	b = look(r, "MAKEFILE");
	assert_int_equal(a, b);
	rel(b);
	b = look(r, "makefile");
	assert_int_equal(a, b);
	rel(b);
	ERR(create_e(r, "MAKEFILE", false, &n), PITH_E_EXISTS);
	ERR(create_e(r, "makefile", true, &n), PITH_E_EXISTS);
	rel(a);
	alias_of(r, "Makefile", alias);
	assert_string_equal(alias, "MAKEFILE");
	/* a plain upper-case 8.3 name has no long entries */
	n = mkfile(r, "README.TXT");
	rel(n);
	n = mkfile(r, "hello.txt");
	rel(n);
	alias_of(r, "hello.txt", alias);
	assert_string_equal(alias, "HELLO.TXT");
	ERR(create_e(r, "Hello.Txt", false, &n), PITH_E_EXISTS);
	/* case folding is ASCII's: É and é differ */
	n = mkfile(r, "\xC3\x89t\xC3\xA9");
	rel(n);
	n = mkfile(r, "\xC3\xA9t\xC3\xA9");
	rel(n);
	ERR(create_e(r, "\xC3\xA9T\xC3\xA9", false, &n), PITH_E_EXISTS);
	OK(fat_sync(&fs));
	e = fatimg_find(md, &geo, geo.root, "README  TXT");
	assert_non_null(e);
	assert_true(e == md_sector(md, fatimg_lba(&geo, geo.root)) ||
		    e[-32 + 11] != 0x0F);
	e = fatimg_find(md, &geo, geo.root, "HELLO   TXT");
	assert_non_null(e);
	assert_int_equal(e[-32 + 11], 0x0F);
	rel(r);
}

static void test_names_short_alias(void **state)
{
	static const char *const want[] = {
		"LONGFI~1.TXT", "LONGFI~2.TXT", "LONGFI~3.TXT", "LONGFI~4.TXT",
		"LONGFI~5.TXT", "LONGFI~6.TXT", "LONGFI~7.TXT", "LONGFI~8.TXT",
		"LONGFI~9.TXT", "LONGF~10.TXT", "LONGF~11.TXT", "LONGF~12.TXT",
	};
	uint32_t r = root(), a, b, n;
	char name[64], alias[13];

	(void)state;
	for (int i = 0; i < 12; i++) {
		snprintf(name, sizeof name, "Long File Name %d.txt", i);
		n = mkfile(r, name);
		write_str(n, name);
		rel(n);
		alias_of(r, name, alias);
		assert_string_equal(alias, want[i]);
	}
	/* the alias finds the file */
	a = look(r, "longfi~1.txt");
	b = look(r, "Long File Name 0.txt");
	assert_int_equal(a, b);
	expect_str(a, "Long File Name 0.txt");
	rel(a);
	rel(b);
	/* and is taken as a name */
	ERR(create_e(r, "LONGFI~1.TXT", false, &n), PITH_E_EXISTS);
	/* a freed tail is used again */
	OK(unlink_e(r, "Long File Name 1.txt"));
	n = mkfile(r, "Long File Name again.txt");
	rel(n);
	alias_of(r, "Long File Name again.txt", alias);
	assert_string_equal(alias, "LONGFI~2.TXT");
	n = mkfile(r, "a.b.c.tar.gz");
	rel(n);
	alias_of(r, "a.b.c.tar.gz", alias);
	assert_string_equal(alias, "ABCTAR~1.GZ");
	n = mkfile(r, "x.jpeg");
	rel(n);
	alias_of(r, "x.jpeg", alias);
	assert_string_equal(alias, "X~1.JPE");
	/* a basis that is another name's short name gets a tail */
	n = mkfile(r, "hello.txt");
	rel(n);
	n = mkfile(r, "hello .txt");
	rel(n);
	alias_of(r, "hello.txt", alias);
	assert_string_equal(alias, "HELLO.TXT");
	alias_of(r, "hello .txt", alias);
	assert_string_equal(alias, "HELLO~1.TXT");
	rel(r);
}

static void test_names_unicode(void **state)
{
	static const char *const names[] = {
		"h\xC3\xA9llo w\xC3\xB6rld.txt",
		"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E.txt",
		"emoji \xF0\x9F\x98\x80.bin",
		"\xC3\x9Cn\xC3\xAF",
	};
	uint32_t r = root(), n;
	char out[512], want[512] = "", alias[13];

	(void)state;
	for (int i = 0; i < 4; i++) {
		n = mkfile(r, names[i]);
		write_str(n, names[i]);
		rel(n);
		snprintf(want + strlen(want), sizeof want - strlen(want),
			 "%s%s", i ? "|" : "", names[i]);
	}
	list(r, out, sizeof out);
	assert_string_equal(out, want);
	alias_of(r, names[2], alias);
	assert_string_equal(alias, "EMOJI_~1.BIN");
	rel(r);
	remount();
	r = root();
	list(r, out, sizeof out);
	assert_string_equal(out, want);
	for (int i = 0; i < 4; i++) {
		n = look(r, names[i]);
		expect_str(n, names[i]);
		rel(n);
	}
	rel(r);
}

static void test_readdir_many(void **state)
{
	uint32_t r = root(), d, n, k = 0, chain = 0;
	uint8_t seen[400] = {0};
	struct fat_dirent ent;
	uint64_t cookie = 0;
	char name[64];

	(void)state;
	d = mkdir_(r, "many");
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof name, "file number %03d, a long name.dat",
			 i);
		n = mkfile(d, name);
		rel(n);
	}
	/* read a third, remount, read the rest from the cookie */
	for (; k < 100; k++)
		OK(fat_readdir(&fs, d, cookie, &ent, &cookie));
	rel(d);
	rel(r);
	remount();
	r = root();
	d = look(r, "MANY");
	while (fat_readdir(&fs, d, cookie, &ent, &cookie) == PITH_OK)
		k++;
	assert_int_equal(k, 300);
	cookie = 0;
	while (fat_readdir(&fs, d, cookie, &ent, &cookie) == PITH_OK) {
		char *end;
		long i;

		assert_int_equal(strncmp(ent.name, "file number ", 12), 0);
		i = strtol(ent.name + 12, &end, 10);
		assert_int_equal(*end, ',');
		assert_true(i >= 0 && i < 300);
		assert_false(seen[i]);
		seen[i] = 1;
	}
	/* delete every third, then fill the holes */
	for (int i = 0; i < 300; i += 3) {
		snprintf(name, sizeof name, "FILE NUMBER %03d, A LONG NAME.DAT",
			 i);
		OK(unlink_e(d, name));
	}
	assert_int_equal(count_entries(d), 200);
	for (int i = 300; i < 350; i++) {
		snprintf(name, sizeof name, "file number %03d, a long name.dat",
			 i);
		n = mkfile(d, name);
		rel(n);
	}
	assert_int_equal(count_entries(d), 250);
	OK(fat_sync(&fs));
	/* it spans many clusters */
	{
		uint8_t *e = fatimg_find(md, &geo, geo.root, "MANY       ");

		assert_non_null(e);
		for (uint32_t c = fatimg_cluster(e); c < 0x0FFFFFF8;
		     c = fatimg_fat(md, &geo, 0, c))
			chain++;
	}
	assert_true(chain * geo.cb >= 300 * 4 * 32);
	ERR(fat_readdir(&fs, d, 7, &ent, &cookie), PITH_E_INVALID_ARGUMENT);
	ERR(fat_readdir(&fs, d, 1ull << 40, &ent, &cookie), PITH_E_NOT_FOUND);
	rel(d);
	rel(r);
}

/* ---- corrupt volumes --------------------------------------------------- */

/* A file "data.bin" of 5 clusters and a directory "sub" of 3, written
 * and unmounted; their short entries and first clusters. */
static uint8_t *file_ent, *dir_ent;
static uint32_t file_c[5];

static void make_victims(void)
{
	uint32_t r = root(), f = mkfile(r, "DATA.BIN"), d, n;
	uint8_t buf[5 * 512];
	char name[40];

	pattern(buf, sizeof buf, 0, 21);
	write_all(f, 0, buf, sizeof buf);
	rel(f);
	d = mkdir_(r, "SUB");
	for (int i = 0; i < 30; i++) {
		snprintf(name, sizeof name, "F%d", i);
		n = mkfile(d, name);
		rel(n);
	}
	rel(d);
	OK(create_e(r, "OTHER", false, NULL));
	rel(r);
	OK(fat_unmount(&fs));
	mounted = false;
	file_ent = fatimg_find(md, &geo, geo.root, "DATA    BIN");
	dir_ent = fatimg_find(md, &geo, geo.root, "SUB        ");
	assert_true(file_ent && dir_ent);
	file_c[0] = fatimg_cluster(file_ent);
	for (int i = 1; i < 5; i++)
		file_c[i] = fatimg_fat(md, &geo, 0, file_c[i - 1]);
	check_at_end = false;
}

/* Mount, and expect the file (and its unlink) to be refused as
 * corrupt, without a byte of the FAT or the directory changing. */
static void expect_corrupt_file(void)
{
	struct memdev *before = md_clone(md);
	uint32_t r, n;

	mount_rw();
	r = root();
	ERR(look_e(r, "data.bin", &n), PITH_E_CORRUPT);
	ERR(unlink_e(r, "data.bin"), PITH_E_CORRUPT);
	ERR(rename_e(r, "sub", r, "data.bin"), PITH_E_NOT_DIRECTORY);
	/* replacing it means freeing its chain: refused too */
	ERR(rename_e(r, "other", r, "data.bin"), PITH_E_CORRUPT);
	rel(r);
	OK(fat_unmount(&fs));
	mounted = false;
	for (uint64_t s = 0; s < geo.data + 8; s++)
		if (before->sec[s] || md->sec[s])
			assert_memory_equal(md_sector(before, s),
					    md_sector(md, s), md->ss);
	md_free(before);
}

static void test_corrupt_chains(void **state)
{
	struct memdev *orig;

	(void)state;
	make_victims();
	orig = md_clone(md);
	/* each fault on a fresh copy of the sound volume */
	/* first a control: the reserved top bits of FAT entries are not
	 * part of the cluster number */
	fatimg_set_fat(md, &geo, file_c[1], 0xF0000000 | file_c[2]);
	mount_rw();
	{
		uint32_t r = root(), n = look(r, "data.bin");
		uint8_t want[5 * 512];

		pattern(want, sizeof want, 0, 21);
		expect_contents(n, want, sizeof want);
		rel(n);
		rel(r);
	}
	OK(fat_unmount(&fs));
	mounted = false;
	fatimg_set_fat(md, &geo, file_c[1], file_c[2]);
	for (int fault = 0; fault < 9; fault++) {
		md_free(md);
		md = md_clone(orig);
		file_ent = fatimg_find(md, &geo, geo.root, "DATA    BIN");
		switch (fault) {
		case 0: /* a loop back to the start */
			fatimg_set_fat(md, &geo, file_c[3], file_c[0]);
			break;
		case 1: /* a loop onto itself, at the first cluster */
			fatimg_set_fat(md, &geo, file_c[0], file_c[0]);
			break;
		case 2: /* a cluster past the end of the volume */
			fatimg_set_fat(md, &geo, file_c[1], geo.clusters + 2);
			break;
		case 3: /* the reserved cluster 1 */
			fatimg_set_fat(md, &geo, file_c[1], 1);
			break;
		case 4: /* shorter than the file: 3 clusters for 5 */
			fatimg_set_fat(md, &geo, file_c[2], 0x0FFFFFFF);
			break;
		case 5: /* a free cluster in the chain */
			fatimg_set_fat(md, &geo, file_c[2], 0);
			break;
		case 6: /* a bad cluster in the chain */
			fatimg_set_fat(md, &geo, file_c[2], 0x0FFFFFF7);
			break;
		case 7: /* the entry's first cluster out of range */
			file_ent[20] = 0xF0;
			file_ent[21] = 0x0F;
			break;
		case 8: /* bytes, but no cluster */
			memset(file_ent + 20, 0, 2);
			memset(file_ent + 26, 0, 2);
			break;
		}
		expect_corrupt_file();
	}
	md_free(orig);
}

static void test_corrupt_dirs(void **state)
{
	uint32_t r, n, c;

	(void)state;
	make_victims();
	/* a directory whose chain loops: refused when opened */
	c = fatimg_cluster(dir_ent);
	fatimg_set_fat(md, &geo, fatimg_fat(md, &geo, 0, c), c);
	mount_rw();
	r = root();
	ERR(look_e(r, "sub", &n), PITH_E_CORRUPT);
	ERR(unlink_e(r, "sub"), PITH_E_CORRUPT);
	rel(r);
	OK(fat_unmount(&fs));
	/* a directory entry without a cluster */
	dir_ent[20] = dir_ent[21] = dir_ent[26] = dir_ent[27] = 0;
	OK(fat_mount(&fs, &dev, false));
	r = root();
	ERR(look_e(r, "sub", &n), PITH_E_CORRUPT);
	rel(r);
	OK(fat_unmount(&fs));
	mounted = false;
}

/* A ".." that points at its own directory: the check that a directory
 * does not move below itself walks up the ".." entries and must stop. */
static void test_corrupt_dotdot_loop(void **state)
{
	uint32_t r = root(), a = mkdir_(r, "a"), b = mkdir_(a, "b"), n;
	uint8_t *e;
	struct geo g;

	(void)state;
	n = mkdir_(r, "other");
	rel(n);
	rel(b);
	rel(a);
	rel(r);
	OK(fat_unmount(&fs));
	mounted = false;
	check_at_end = false;
	fatimg_geo(md, &g);
	e = fatimg_find(md, &g, g.root, "A          ");
	e = fatimg_find(md, &g, fatimg_cluster(e), "B          ");
	{
		uint32_t bc = fatimg_cluster(e);
		uint8_t *dd = fatimg_entry(md, &g, bc, 32);

		assert_memory_equal(dd, "..         ", 11);
		dd[26] = (uint8_t)bc;
		dd[27] = (uint8_t)(bc >> 8);
	}
	mount_rw();
	r = root();
	a = look(r, "a");
	b = look(a, "b");
	n = look(b, "..");
	assert_int_equal(n, b); /* what the disk says */
	rel(n);
	ERR(rename_e(r, "other", b, "x"), PITH_E_CORRUPT);
	rel(b);
	rel(a);
	rel(r);
}

/* Entry j of the k-th name (its LFN entries, then its short one) in
 * the root directory. */
static uint8_t *group_entry(int k, uint32_t j)
{
	uint32_t off = 0;

	for (int name = 0; name < k; off += 32)
		if (fatimg_entry(md, &geo, geo.root, off)[11] != 0x0F)
			name++;
	return fatimg_entry(md, &geo, geo.root, off + j * 32);
}

/* Long names that must be passed over for the short name. */
static void test_lfn_damaged(void **state)
{
	static const char *const names[] = {
		"checksum is wrong here.txt",
		"a middle part is missing from this long name.txt",
		"slash in the long name.txt",
		"ordinal out of range.txt",
		"no terminator inside.txt",
	};
	uint32_t r = root(), n;
	char alias[5][13], out[512];

	(void)state;
	for (int i = 0; i < 5; i++) {
		n = mkfile(r, names[i]);
		rel(n);
		alias_of(r, names[i], alias[i]);
	}
	rel(r);
	OK(fat_unmount(&fs));
	mounted = false;
	check_at_end = false;
	group_entry(0, 0)[13] ^= 1;  /* the first part's checksum */
	group_entry(1, 1)[0] = 0xE5; /* the second part deleted */
	group_entry(2, 0)[1] = '/';
	group_entry(3, 0)[0] = 0x40 | 25; /* ordinal 25 */
	/* a NUL in the first part, which is not the name's end */
	group_entry(4, 1)[1] = 0;
	group_entry(4, 1)[2] = 0;
	mount_rw();
	r = root();
	list(r, out, sizeof out);
	{
		char want[512];

		snprintf(want, sizeof want, "%s|%s|%s|%s|%s", alias[0],
			 alias[1], alias[2], alias[3], alias[4]);
		assert_string_equal(out, want);
	}
	for (int i = 0; i < 5; i++) {
		ERR(look_e(r, names[i], &n), PITH_E_NOT_FOUND);
		n = look(r, alias[i]);
		rel(n);
	}
	rel(r);
}

/* ---- modes, handles, the device ---------------------------------------- */

static void test_read_only(void **state)
{
	uint32_t r = root(), f, d, n;
	uint64_t writes;
	size_t done;
	char out[64];

	(void)state;
	f = mkfile(r, "file");
	write_str(f, "contents");
	rel(f);
	d = mkdir_(r, "dir");
	rel(d);
	rel(r);
	OK(fat_unmount(&fs));
	OK(fat_mount(&fs, &dev, true));
	writes = md->writes;
	r = root();
	f = look(r, "file");
	d = look(r, "dir");
	expect_str(f, "contents");
	list(r, out, sizeof out);
	assert_string_equal(out, "file|dir");
	ERR(fat_write(&fs, f, 0, "x", 1, &done), PITH_E_READ_ONLY);
	ERR(fat_truncate(&fs, f, 0), PITH_E_READ_ONLY);
	ERR(create_e(r, "new", false, &n), PITH_E_READ_ONLY);
	ERR(create_e(d, "new", true, &n), PITH_E_READ_ONLY);
	ERR(unlink_e(r, "file"), PITH_E_READ_ONLY);
	ERR(rename_e(r, "file", d, "file"), PITH_E_READ_ONLY);
	assert_int_equal(free_clusters(), geo.clusters - 3);
	OK(fat_sync(&fs));
	rel(f);
	rel(d);
	rel(r);
	OK(fat_unmount(&fs));
	assert_int_equal(md->writes, writes);
	OK(fat_mount(&fs, &dev, false));
}

static void test_bad_handles(void **state)
{
	uint32_t r = root(), f, n;
	struct fat_stat st;
	struct fat_dirent ent;
	uint64_t next;
	size_t done;
	char buf[8];

	(void)state;
	ERR(fat_release(&fs, 999), PITH_E_BAD_HANDLE);
	ERR(fat_release(&fs, r + 1), PITH_E_BAD_HANDLE);
	ERR(fat_stat(&fs, 12345, &st), PITH_E_BAD_HANDLE);
	ERR(fat_read(&fs, 7, 0, buf, 1, &done), PITH_E_BAD_HANDLE);
	ERR(look_e(40, "x", &n), PITH_E_BAD_HANDLE);
	ERR(fat_readdir(&fs, 40, 0, &ent, &next), PITH_E_BAD_HANDLE);
	f = mkfile(r, "f");
	rel(f);
	ERR(fat_release(&fs, f), PITH_E_BAD_HANDLE);
	ERR(fat_write(&fs, f, 0, "x", 1, &done), PITH_E_BAD_HANDLE);
	/* directories are not files, files not directories */
	ERR(fat_read(&fs, r, 0, buf, 1, &done), PITH_E_IS_DIRECTORY);
	ERR(fat_write(&fs, r, 0, "x", 1, &done), PITH_E_IS_DIRECTORY);
	ERR(fat_truncate(&fs, r, 0), PITH_E_IS_DIRECTORY);
	f = look(r, "f");
	ERR(fat_readdir(&fs, f, 0, &ent, &next), PITH_E_NOT_DIRECTORY);
	ERR(rename_e(f, "a", r, "b"), PITH_E_NOT_DIRECTORY);
	rel(f);
	rel(r);
}

static void test_read_only_attribute(void **state)
{
	uint32_t r = root(), f;
	uint8_t *e;
	size_t done;

	(void)state;
	f = mkfile(r, "RO");
	write_str(f, "keep");
	rel(f);
	OK(fat_unmount(&fs));
	e = fatimg_find(md, &geo, geo.root, "RO         ");
	e[11] |= 0x01;
	OK(fat_mount(&fs, &dev, false));
	r = root();
	f = look(r, "ro");
	ERR(fat_write(&fs, f, 0, "x", 1, &done), PITH_E_READ_ONLY);
	ERR(fat_truncate(&fs, f, 0), PITH_E_READ_ONLY);
	expect_str(f, "keep");
	rel(f);
	rel(r);
}

static void test_node_table_full(void **state)
{
	uint32_t r = root(), h[FAT_NODES_MAX], n, again;
	char name[16];

	(void)state;
	for (int i = 0; i < FAT_NODES_MAX - 1; i++) {
		snprintf(name, sizeof name, "F%d", i);
		h[i] = mkfile(r, name);
	}
	ERR(create_e(r, "ONE-MORE", false, &n), PITH_E_EXHAUSTED);
	assert_int_equal(count_entries(r), FAT_NODES_MAX - 1);
	OK(look_e(r, "..", &n)); /* the root: shared */
	rel(n);
	OK(create_e(r, "NOT-OPENED", false, NULL));
	ERR(look_e(r, "NOT-OPENED", &n), PITH_E_EXHAUSTED);
	/* an open node is shared, so it can be looked up */
	again = look(r, "F7");
	assert_int_equal(again, h[7]);
	rel(again);
	for (int i = 0; i < FAT_NODES_MAX - 1; i++)
		rel(h[i]);
	n = look(r, "NOT-OPENED");
	rel(n);
	rel(r);
}

static void test_device_errors(void **state)
{
	uint32_t r = root(), f, n;
	uint8_t data[100000], got[100000];
	size_t done;

	(void)state;
	pattern(data, sizeof data, 0, 31);
	f = mkfile(r, "file");
	write_all(f, 0, data, sizeof data);
	rel(f);
	rel(r);
	OK(fat_unmount(&fs));
	OK(fat_mount(&fs, &dev, false));
	r = root();
	md->fail_reads_after = 0;
	ERR(look_e(r, "file", &n), PITH_E_IO);
	md->fail_reads_after = -1;
	f = look(r, "file");
	md->fail_reads_after = 0;
	ERR(fat_read(&fs, f, 0, got, sizeof got, &done), PITH_E_IO);
	md->fail_reads_after = -1;
	OK(fat_read(&fs, f, 0, got, sizeof got, &done));
	assert_memory_equal(got, data, sizeof data);
	/* a failed write is reported; what was cached is written later */
	md->fail_writes_after = 0;
	ERR(fat_write(&fs, f, 0, data + 1, 50000, &done), PITH_E_IO);
	OK(fat_write(&fs, f, 100000, "tail", 4, &done));
	ERR(fat_sync(&fs), PITH_E_IO);
	md->fail_writes_after = -1;
	OK(fat_sync(&fs));
	write_all(f, 0, data, sizeof data);
	rel(f);
	rel(r);
	remount();
	r = root();
	f = look(r, "file");
	assert_int_equal(size_of(f), 100004);
	OK(fat_read(&fs, f, 0, got, sizeof got, &done));
	assert_memory_equal(got, data, sizeof data);
	rel(f);
	rel(r);
}

/* A directory the cache holds whole is looked up without reading the
 * device; one larger than the cache still works. (With the cache of 16
 * sectors it once had, every lookup here read the directory again.) */
static void test_cache_holds_directory(void **state)
{
	const uint32_t files = 600; /* 38 sectors of 512 bytes */
	uint32_t r = root(), d = mkdir_(r, "D"), n;
	char name[16];
	uint64_t reads;

	(void)state;
	for (uint32_t i = 0; i < files; i++) {
		snprintf(name, sizeof name, "F%05u.DAT", (unsigned)i);
		rel(mkfile(d, name));
	}
	OK(fat_sync(&fs));
	reads = md->reads;
	for (uint32_t i = 0; i < files; i += 7) {
		snprintf(name, sizeof name, "F%05u.DAT", (unsigned)i);
		rel(look(d, name));
	}
	ERR(look_e(d, "MISSING.DAT", &n), PITH_E_NOT_FOUND);
	assert_int_equal(md->reads, reads);
	rel(d);
	rel(r);
	remount();
	r = root();
	d = look(r, "D");
	assert_int_equal(count_entries(d), files);
	rel(d);
	rel(r);
}

/* More dirty sectors than the cache holds: the evicted ones are written
 * back before their buffers are used again, and all reach the disk. */
static void test_cache_evicts_dirty(void **state)
{
	const uint32_t ss = fs.ss, sectors = fs.nbufs + 40;
	uint32_t r = root(), f = mkfile(r, "F");
	uint64_t writes;
	uint8_t byte;
	size_t done;

	(void)state;
	assert_true(fs.nbufs >= 32 && fs.nbufs * ss == FAT_CACHE_BYTES);
	OK(fat_truncate(&fs, f, (uint64_t)sectors * ss));
	OK(fat_sync(&fs));
	writes = md->writes;
	for (uint32_t i = 0; i < sectors; i++) {
		byte = (uint8_t)(i * 7 + 1);
		OK(fat_write(&fs, f, (uint64_t)i * ss + 5, &byte, 1, &done));
	}
	assert_true(md->writes > writes); /* some written back already */
	rel(f);
	rel(r);
	remount();
	r = root();
	f = look(r, "F");
	for (uint32_t i = 0; i < sectors; i++) {
		OK(fat_read(&fs, f, (uint64_t)i * ss + 5, &byte, 1, &done));
		assert_int_equal(byte, (uint8_t)(i * 7 + 1));
	}
	rel(f);
	rel(r);
}

static void test_fsinfo(void **state)
{
	uint32_t r = root(), f, nfree;
	uint8_t data[30000], *fsi;

	(void)state;
	pattern(data, sizeof data, 0, 41);
	f = mkfile(r, "file");
	write_all(f, 0, data, sizeof data);
	rel(f);
	rel(r);
	OK(fat_unmount(&fs));
	nfree = fatimg_check(md); /* FSInfo's count among the checks */
	fsi = md_sector(md, 1);
	assert_int_equal(fsi[488] | fsi[489] << 8 | fsi[490] << 16 |
				 (uint32_t)fsi[491] << 24,
			 nfree);
	/* wrong hints change nothing */
	memset(fsi + 488, 0x12, 4);
	memset(fsi + 492, 0xF0, 4);
	OK(fat_mount(&fs, &dev, false));
	assert_int_equal(free_clusters(), nfree);
	r = root();
	f = mkfile(r, "more");
	write_all(f, 0, data, sizeof data);
	rel(f);
	rel(r);
	OK(fat_unmount(&fs));
	fatimg_check(md);
	/* without its signature FSInfo is left alone */
	fsi[0] = 0;
	memset(fsi + 488, 0x34, 4);
	OK(fat_mount(&fs, &dev, false));
	r = root();
	OK(unlink_e(r, "more"));
	rel(r);
	OK(fat_unmount(&fs));
	assert_int_equal(fsi[488], 0x34);
	assert_int_equal(fsi[0], 0);
	fsi[0] = 0x52;
	memset(fsi + 488, 0xFF, 4); /* "unknown", which fsck accepts */
	OK(fat_mount(&fs, &dev, false));
}

static void test_mirror_off(void **state)
{
	uint32_t r, f;
	uint8_t *bs = md_sector(md, 0), data[20000];
	struct memdev *before;

	(void)state;
	OK(fat_unmount(&fs));
	bs[40] = 0x81; /* mirroring off, FAT 1 active */
	fatimg_geo(md, &geo);
	OK(fat_mount(&fs, &dev, false));
	before = md_clone(md);
	r = root();
	f = mkfile(r, "file");
	pattern(data, sizeof data, 0, 51);
	write_all(f, 0, data, sizeof data);
	rel(f);
	rel(r);
	remount();
	for (uint32_t s = 0; s < geo.fatsz; s++)
		assert_memory_equal(md_sector(md, geo.reserved + s),
				    md_sector(before, geo.reserved + s),
				    md->ss);
	assert_int_not_equal(fatimg_fat(md, &geo, 1, 3), 0);
	r = root();
	f = look(r, "file");
	expect_contents(f, data, sizeof data);
	rel(f);
	rel(r);
	md_free(before);
}

static int64_t fake_now;

static int64_t fake_clock(void *ctx)
{
	(void)ctx;
	return fake_now;
}

static void test_timestamps(void **state)
{
	uint32_t r = root(), f;
	struct fat_stat st;
	struct fat_dirent ent;
	uint64_t next;
	uint8_t *e;

	(void)state;
	fat_set_clock(&fs, fake_clock, NULL);
	fake_now = 1709214359; /* 2024-02-29 13:45:59 */
	f = mkfile(r, "T");
	OK(fat_stat(&fs, f, &st));
	assert_int_equal(st.ctime, 1709214358); /* 2-second steps */
	assert_int_equal(st.mtime, 1709214358);
	fake_now += 3600;
	write_str(f, "later");
	OK(fat_stat(&fs, f, &st));
	assert_int_equal(st.ctime, 1709214358);
	assert_int_equal(st.mtime, 1709214358 + 3600);
	OK(fat_readdir(&fs, r, 0, &ent, &next));
	assert_int_equal(ent.mtime, 1709214358 + 3600);
	rel(f);
	/* before 1980 and after 2107 are held at the ends */
	fake_now = 0;
	f = mkfile(r, "OLD");
	OK(fat_stat(&fs, f, &st));
	assert_int_equal(st.mtime, 315532800);
	rel(f);
	fake_now = 5000000000;
	f = mkfile(r, "NEW");
	OK(fat_stat(&fs, f, &st));
	assert_int_equal(st.mtime, 4354819198);
	rel(f);
	rel(r);
	OK(fat_sync(&fs));
	e = fatimg_find(md, &geo, geo.root, "T          ");
	assert_int_equal(e[24] | e[25] << 8, 44 << 9 | 2 << 5 | 29);
	assert_int_equal(e[22] | e[23] << 8, 14 << 11 | 45 << 5 | 29);
}

/* ---- random operations against a model --------------------------------- */

#define M_FILES 12

struct mfile {
	bool exists;
	uint8_t *data;
	size_t size;
};

static struct mfile model[2][M_FILES];
static uint64_t rng = 0x2545F4914F6CDD1Dull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* File i's name; `upper` for the same name in upper case. */
static void mname(uint32_t i, bool upper, char *out, size_t cap)
{
	if (i % 2)
		snprintf(out, cap, "random file %u, with a long name.bin", i);
	else
		snprintf(out, cap, "F%u.DAT", i);
	for (char *p = out; upper && *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 32);
}

static void model_write(struct mfile *m, size_t off, const uint8_t *buf,
			size_t len)
{
	size_t end = off + len > m->size ? off + len : m->size;

	m->data = realloc(m->data, end ? end : 1);
	assert_non_null(m->data);
	if (off > m->size)
		memset(m->data + m->size, 0, off - m->size);
	memcpy(m->data + off, buf, len);
	m->size = end;
}

static void model_truncate(struct mfile *m, size_t size)
{
	m->data = realloc(m->data, size ? size : 1);
	assert_non_null(m->data);
	if (size > m->size)
		memset(m->data + m->size, 0, size - m->size);
	m->size = size;
}

static void model_compare(const uint32_t dirs[2])
{
	char name[64];
	uint32_t n;

	for (int d = 0; d < 2; d++) {
		uint32_t count = 0;

		for (uint32_t i = 0; i < M_FILES; i++) {
			struct mfile *m = &model[d][i];

			mname(i, false, name, sizeof name);
			if (!m->exists) {
				ERR(look_e(dirs[d], name, &n),
				    PITH_E_NOT_FOUND);
				continue;
			}
			count++;
			n = look(dirs[d], name);
			assert_int_equal(size_of(n), m->size);
			expect_contents(n, m->data, m->size);
			rel(n);
		}
		assert_int_equal(count_entries(dirs[d]), count + (d == 0));
	}
}

/* One random operation on file i of directory d. */
static void random_op(uint32_t dirs[2], uint32_t d, uint32_t i, uint32_t step)
{
	static uint8_t buf[40000];
	struct mfile *m = &model[d][i];
	uint32_t op = rnd(10), n, d2, j;
	char name[64], name2[64];

	mname(i, rnd(2), name, sizeof name);
	if (op <= 1) {
		ERR(create_e(dirs[d], name, false, &n),
		    m->exists ? PITH_E_EXISTS : PITH_OK);
		if (!m->exists)
			rel(n);
		m->exists = true;
		return;
	}
	if (!m->exists && op <= 6)
		return;
	if (op <= 6)
		n = look(dirs[d], name);
	if (op <= 4) {
		size_t off = rnd((uint32_t)m->size + 3000),
		       len = rnd(sizeof buf) + 1;

		pattern(buf, len, off, step);
		write_all(n, off, buf, len);
		model_write(m, off, buf, len);
	} else if (op == 5) {
		size_t size = rnd((uint32_t)m->size * 2 + 1000);

		OK(fat_truncate(&fs, n, size));
		model_truncate(m, size);
	} else if (op == 6) {
		expect_contents(n, m->data, m->size);
	} else if (op == 7) {
		ERR(unlink_e(dirs[d], name),
		    m->exists ? PITH_OK : PITH_E_NOT_FOUND);
		m->exists = false;
		m->size = 0;
	} else if (op == 8) {
		d2 = rnd(2);
		j = rnd(M_FILES);
		mname(j, rnd(2), name2, sizeof name2);
		ERR(rename_e(dirs[d], name, dirs[d2], name2),
		    m->exists ? PITH_OK : PITH_E_NOT_FOUND);
		if (m->exists && m != &model[d2][j]) {
			free(model[d2][j].data);
			model[d2][j] = *m;
			*m = (struct mfile){0};
		}
	} else if (rnd(8) == 0) {
		rel(dirs[1]);
		rel(dirs[0]);
		remount();
		dirs[0] = root();
		dirs[1] = look(dirs[0], "SUB");
	}
	if (op <= 6)
		rel(n);
}

static void test_random_ops(void **state)
{
	uint32_t dirs[2];

	(void)state;
	dirs[0] = root();
	dirs[1] = mkdir_(dirs[0], "sub");
	for (uint32_t step = 0; step < 3000; step++) {
		random_op(dirs, rnd(2), rnd(M_FILES), step);
		if (step % 500 == 499)
			model_compare(dirs);
	}
	model_compare(dirs);
	rel(dirs[1]);
	rel(dirs[0]);
	for (int d = 0; d < 2; d++) {
		for (int i = 0; i < M_FILES; i++) {
			free(model[d][i].data);
			model[d][i] = (struct mfile){0};
		}
	}
}

/* ---- random damage ----------------------------------------------------- */

static bool valid_error(enum pith_error err)
{
	return err >= PITH_OK && err < PITH_E_COUNT;
}

/* Read every name and every byte reachable from dir, write a little,
 * whatever the volume holds: errors are fine, crashes and hangs not. */
static void walk_damaged(uint32_t dir, int depth, uint32_t *budget)
{
	static uint8_t buf[65536];
	struct fat_dirent ent;
	uint64_t cookie = 0, next;
	enum pith_error err = PITH_OK;

	while (*budget > 0 &&
	       (err = fat_readdir(&fs, dir, cookie, &ent, &next)) == PITH_OK) {
		struct fat_stat st;
		uint32_t n;
		size_t done;

		(*budget)--;
		assert_true(next > cookie);
		cookie = next;
		assert_true(ent.name_len > 0);
		assert_int_equal(strlen(ent.name), ent.name_len);
		assert_null(strchr(ent.name, '/'));
		err = fat_lookup(&fs, dir, ent.name, ent.name_len, &n);
		assert_true(valid_error(err));
		if (err)
			continue;
		OK(fat_stat(&fs, n, &st));
		if (st.is_dir && depth < 6) {
			walk_damaged(n, depth + 1, budget);
		} else if (!st.is_dir) {
			for (uint64_t off = 0; off < st.size; off += done) {
				err = fat_read(&fs, n, off, buf, sizeof buf,
					       &done);
				assert_true(valid_error(err));
				assert_true(done <= sizeof buf);
				if (err || done == 0)
					break;
			}
			err = fat_write(&fs, n, rnd((uint32_t)st.size + 2000),
					buf, rnd(5000), &done);
			assert_true(valid_error(err));
		}
		OK(fat_release(&fs, n));
	}
	assert_true(valid_error(err));
}

/* 300 copies of a volume, each with up to 24 random bytes changed in
 * the boot sector, the FATs or the first directories and files. */
static void test_random_damage(void **state)
{
	struct memdev *base;
	uint32_t r, d, f, budget, n;
	uint8_t data[20000];
	char name[64];

	(void)state;
	r = root();
	for (int i = 0; i < 6; i++) {
		snprintf(name, sizeof name, "directory with long name %d", i);
		d = mkdir_(r, name);
		for (int j = 0; j < 8; j++) {
			snprintf(name, sizeof name, "file %d in dir %d.bin", j,
				 i);
			f = mkfile(d, name);
			pattern(data, sizeof data, 0, (uint32_t)(i * 8 + j));
			write_all(f, 0, data, (size_t)j * 2500);
			rel(f);
		}
		rel(d);
	}
	rel(r);
	OK(fat_unmount(&fs));
	mounted = false;
	check_at_end = false;
	base = md;
	for (int round = 0; round < 300; round++) {
		md = md_clone(base);
		dev = md_dev(md);
		for (uint32_t k = rnd(24) + 1; k > 0; k--) {
			uint32_t where = rnd(8), byte = rnd(512);
			uint64_t lba;

			if (where == 0)
				lba = 0; /* the boot sector */
			else if (where <= 2)
				lba = geo.reserved + rnd(4) +
				      (where == 2 ? geo.fatsz : 0);
			else
				lba = geo.data + rnd(400);
			md_sector(md, lba)[byte] = (uint8_t)rnd(256);
		}
		if (fat_mount(&fs, &dev, false) == PITH_OK) {
			budget = 3000;
			r = root();
			walk_damaged(r, 0, &budget);
			assert_true(valid_error(
				create_e(r, "a new directory", true, &n)));
			assert_true(valid_error(
				unlink_e(r, "directory with long name 2")));
			assert_true(valid_error(
				rename_e(r, "directory with long name 3", r,
					 "directory with long name 1")));
			rel(r);
			assert_true(valid_error(fat_unmount(&fs)));
		}
		md_free(md);
	}
	md = base;
}

/* ---- the table --------------------------------------------------------- */

#define T512(f)	 cmocka_unit_test_setup_teardown(f, setup_512, teardown)
#define T4096(f) cmocka_unit_test_setup_teardown(f, setup_4096, teardown)
#define TSPC8(f) cmocka_unit_test_setup_teardown(f, setup_spc8, teardown)
#define T1FAT(f) cmocka_unit_test_setup_teardown(f, setup_one_fat, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T512(test_mount_fresh),
		T4096(test_mount_fresh),
		T512(test_cache_holds_directory),
		T512(test_cache_evicts_dirty),
		T4096(test_cache_evicts_dirty),
		TSPC8(test_mount_fresh),
		T512(test_mount_bad_boot_sector),
		T512(test_mount_fat16),
		T512(test_mount_bad_device),
		T512(test_mount_bad_root),
		T512(test_create_read_write),
		T4096(test_create_read_write),
		T1FAT(test_create_read_write),
		T512(test_nested_dirs),
		T512(test_big_file),
		T4096(test_big_file),
		TSPC8(test_big_file),
		T512(test_holes_and_truncate),
		T4096(test_holes_and_truncate),
		T512(test_overwrite),
		T512(test_rename_file),
		T512(test_rename_dir),
		TSPC8(test_rename_dir),
		T512(test_unlink_open_file),
		T512(test_unlink_dirs),
		T512(test_full_disk),
		T512(test_names_length),
		T512(test_names_invalid),
		T512(test_names_case),
		T512(test_names_short_alias),
		T512(test_names_unicode),
		T512(test_readdir_many),
		T4096(test_readdir_many),
		T512(test_corrupt_chains),
		T512(test_corrupt_dirs),
		T512(test_corrupt_dotdot_loop),
		T512(test_lfn_damaged),
		T512(test_read_only),
		T512(test_bad_handles),
		T512(test_read_only_attribute),
		T512(test_node_table_full),
		T512(test_device_errors),
		T512(test_fsinfo),
		T512(test_mirror_off),
		T512(test_timestamps),
		T512(test_random_ops),
		T4096(test_random_ops),
		TSPC8(test_random_ops),
		T1FAT(test_random_ops),
		T512(test_random_damage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
