/*
 * Test helpers for the FAT32 engine (servers/fat): a sparse in-memory
 * block device, a FAT32 formatter and an independent checker of the
 * volume's on-disk structures. None of them uses the engine's code, so
 * that the engine is judged by what it leaves on the disk.
 */
#ifndef TEST_FATIMG_H
#define TEST_FATIMG_H

#include <stdbool.h>
#include <stdint.h>

#include "fat.h"

/* A device of `sectors` sectors, stored sparsely (unwritten ones read
 * as zeros), that can be made to fail. */
struct memdev {
	uint32_t ss;
	uint64_t sectors;
	uint8_t **sec;
	uint64_t reads, writes, flushes; /* calls */
	int64_t fail_reads_after;	 /* <0: never; else fail after n */
	int64_t fail_writes_after;
};

struct memdev *md_new(uint32_t ss, uint64_t sectors);
struct memdev *md_clone(const struct memdev *m);
void md_free(struct memdev *m);
/* The sector's bytes, to read or patch (allocated if need be). */
uint8_t *md_sector(struct memdev *m, uint64_t lba);
/* The engine's view of it. */
struct fat_dev md_dev(struct memdev *m);

/* The layout of a formatted volume. */
struct geo {
	uint32_t ss, spc, cb, reserved, nfats, fatsz, total, clusters, root;
	uint32_t fsinfo, active;
	uint64_t data;
};

/* Format m as FAT32 with `spc` sectors a cluster and `nfats` FATs on
 * its first `total` sectors (0: all of them). */
void fatimg_format(struct memdev *m, uint32_t spc, uint32_t nfats,
		   uint32_t total);
/* Read the layout back from the boot sector. */
void fatimg_geo(struct memdev *m, struct geo *g);
/* Cluster c's FAT entry in FAT number `copy`, and writes to every FAT. */
uint32_t fatimg_fat(struct memdev *m, const struct geo *g, uint32_t copy,
		    uint32_t c);
void fatimg_set_fat(struct memdev *m, const struct geo *g, uint32_t c,
		    uint32_t v);
/* The first sector of cluster c. */
uint64_t fatimg_lba(const struct geo *g, uint32_t c);
/* A pointer to the 32-byte entry at byte `off` of the directory that
 * starts at cluster `dir` (NULL past its chain). */
uint8_t *fatimg_entry(struct memdev *m, const struct geo *g, uint32_t dir,
		      uint32_t off);
/* The short entry called `name83` (11 bytes, space padded) in dir. */
uint8_t *fatimg_find(struct memdev *m, const struct geo *g, uint32_t dir,
		     const char *name83);
uint32_t fatimg_cluster(const uint8_t *e);

/*
 * Check the whole volume as fsck would, failing the test on any fault:
 * every chain in range, ending, not shared and as long as its file;
 * "." and ".." right; long names well-formed with their checksums; no
 * name twice in a directory; no cluster both free and used or used and
 * unreachable; the FATs equal; FSInfo's free count right (if not
 * 0xFFFFFFFF). Returns the free clusters.
 */
uint32_t fatimg_check(struct memdev *m);

#endif /* TEST_FATIMG_H */
