/*
 * The FAT32 engine: a read-write FAT32 file system over a block device
 * given as callbacks (docs/fat.md).
 *
 * Pure C11 with no system calls and no heap: everything lives in the
 * caller's struct fat (a cache of FAT_CACHE_BYTES of sectors and a table of
 * FAT_NODES_MAX open nodes), so the same code runs in the FAT server and
 * in the host tests (tests/host/fat/). Not thread-safe: one caller at a
 * time per struct fat.
 *
 * Callers hold nodes (files and directories) as small integer handles
 * from fat_root(), fat_lookup() and fat_create(), each a reference given
 * back with fat_release(). Names are UTF-8 and one path component each;
 * lookups ignore ASCII case. Every function returns PITH_OK or an error:
 * PITH_E_CORRUPT whenever the volume's structures are inconsistent (the
 * operation then changed nothing it could avoid changing), PITH_E_IO when
 * the device failed, PITH_E_BAD_HANDLE for a handle that is not open.
 */
#ifndef FAT_FAT_H
#define FAT_FAT_H

#include <pith/abi.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FAT_SECTOR_MAX	   4096	  /* largest sector: 512, 1024, 2048, 4096 */
#define FAT_CACHE_BYTES	   131072 /* sectors cached (FAT, directories, data) */
#define FAT_CACHE_SLOTS	   (FAT_CACHE_BYTES / 512) /* at the smallest size */
#define FAT_SCAN_BYTES	   16384 /* FAT read at once when counting free */
#define FAT_NODES_MAX	   64	 /* nodes open at once */
#define FAT_NAME_MAX	   255	 /* UTF-16 units in a name (the LFN limit) */
#define FAT_NAME_BYTES_MAX 765	 /* the most UTF-8 bytes such a name takes */
#define FAT_FILE_MAX	   0xFFFFFFFFu /* bytes in a file */
#define FAT_TAILS_MAX	   10000       /* short-name tails ~1 to ~9999 */

/*
 * The block device. read and write move `count` whole sectors of
 * `sector_size` bytes (512, 1024, 2048 or 4096) at sector `lba`; flush
 * (may be NULL) makes written sectors durable. write and flush are not
 * used on a read-only mount and may then be NULL.
 */
struct fat_dev {
	void *ctx;
	uint32_t sector_size;
	uint64_t sectors;
	enum pith_error (*read)(void *ctx, uint64_t lba, uint32_t count,
				void *buf);
	enum pith_error (*write)(void *ctx, uint64_t lba, uint32_t count,
				 const void *buf);
	enum pith_error (*flush)(void *ctx);
};

/* What fat_stat() says of a node. Times are seconds since 1970-01-01
 * 00:00 in the volume's local time (FAT stores no time zone). */
struct fat_stat {
	bool is_dir;
	uint8_t attr;	/* FAT attributes: 0x01 read-only, 0x02 hidden, ... */
	uint64_t size;	/* bytes; 0 for a directory */
	int64_t mtime;	/* last write */
	int64_t ctime;	/* creation (FAT has no change time) */
	uint32_t links; /* 1, or 0 once unlinked while open */
};

/* One entry of fat_readdir(). */
struct fat_dirent {
	char name[FAT_NAME_BYTES_MAX + 1]; /* UTF-8, NUL-terminated */
	uint32_t name_len;		   /* bytes, without the NUL */
	char short_name[13];		   /* the 8.3 alias, "NAME.EXT" */
	bool is_dir;
	uint8_t attr;
	uint64_t size;
	int64_t mtime;
};

/* ---- private: the engine's state, in the caller's memory ---------------- */

/* One cached sector. */
struct fat_buf {
	uint64_t lba;
	uint32_t stamp; /* last use, for LRU eviction */
	bool valid;
	bool dirty; /* newer than the device: written back on eviction/sync */
	uint8_t *data; /* ss bytes of the struct fat's cache_mem */
};

/*
 * One open node. A directory is known by its first cluster, a file by
 * where its short entry is (parent directory's first cluster and the
 * entry's byte offset there), so that two lookups of one file share a
 * node. The node's size and chain are the truth while it is open; its
 * directory entry is rewritten after every change.
 */
struct fat_node {
	uint32_t refs; /* 0: the slot is free */
	bool is_dir;
	bool unlinked; /* name removed; clusters freed at the last release */
	uint8_t attr;
	uint32_t first;	   /* first cluster; 0 for an empty file */
	uint32_t size;	   /* bytes (files) */
	uint32_t nclus;	   /* clusters in the chain, checked when opened */
	uint32_t last;	   /* the chain's last cluster (0 if none) */
	uint32_t dir;	   /* parent directory's first cluster */
	uint32_t ent;	   /* byte offset of the short entry in the parent */
	uint64_t ent_lba;  /* ... and where that is on the device */
	uint32_t ent_byte; /* (unused for the root) */
	uint32_t cur_idx;  /* cursor: cluster number cur_idx of the */
	uint32_t cur_clus; /* chain is cur_clus (0: none yet) */
	uint16_t ctime_dos[2]; /* creation time and date, as on disk */
	uint16_t mtime_dos[2]; /* last write time and date */
};

struct fat {
	struct fat_dev dev;
	bool read_only;
	const char *why; /* a phrase saying why fat_mount() failed */
	/* Geometry, checked by fat_mount(). Clusters are numbered
	 * 2 .. clusters + 1; cluster c starts at sector
	 * data_start + (c - 2) << spc_shift. */
	uint32_t ss;	     /* bytes per sector */
	uint32_t spc_shift;  /* log2 of sectors per cluster */
	uint32_t cb_shift;   /* log2 of bytes per cluster */
	uint32_t fat_start;  /* first sector of the first FAT */
	uint32_t fat_size;   /* sectors per FAT */
	uint32_t nfats;	     /* FATs on the volume */
	uint32_t active;     /* the FAT read (0 unless mirroring is off) */
	bool mirror;	     /* writes go to every FAT */
	uint64_t data_start; /* first sector of cluster 2 */
	uint32_t clusters;   /* data clusters */
	uint32_t root;	     /* the root directory's first cluster */
	uint32_t fsinfo;     /* FSInfo sector, 0 if none */
	/* Allocation: free_count is exact when free_known (counted once,
	 * then kept up to date); next_free is where the search starts. */
	uint32_t free_count;
	bool free_known;
	uint32_t next_free;
	bool changed; /* something was written since mount: update FSInfo */
	uint32_t stamp;
	int64_t (*clock)(void *ctx);
	void *clock_ctx;
	uint32_t nbufs;	 /* FAT_CACHE_BYTES / ss buffers of cache[] */
	uint32_t recent; /* the one used last: looked at first */
	struct fat_buf cache[FAT_CACHE_SLOTS];
	_Alignas(8) uint8_t cache_mem[FAT_CACHE_BYTES];
	struct fat_node nodes[FAT_NODES_MAX];
	_Alignas(8) uint8_t scan[FAT_SCAN_BYTES]; /* scratch: FAT sectors */
	uint8_t tails[FAT_TAILS_MAX / 8];  /* scratch: short-name tails taken */
	uint16_t name16[FAT_NAME_MAX + 1]; /* scratch: a long name */
};

/* ---- the volume -------------------------------------------------------- */

/*
 * Mount the FAT32 volume on `dev` (copied). Checks the boot sector in
 * full and the root directory's chain; on PITH_E_CORRUPT fs->why says
 * what is wrong ("a FAT12 or FAT16 volume: only FAT32 is supported", ...).
 * PITH_E_INVALID_ARGUMENT: the device itself is unusable (sector size,
 * missing callbacks). With read_only nothing is ever written.
 */
enum pith_error fat_mount(struct fat *fs, const struct fat_dev *dev,
			  bool read_only);

/* Release every node (freeing unlinked files' clusters) and sync. The
 * handles are then gone; fs may be mounted again. */
enum pith_error fat_unmount(struct fat *fs);

/* Write back every cached sector and FSInfo, then flush the device. */
enum pith_error fat_sync(struct fat *fs);

/* Cluster size, data clusters and free clusters. The first call counts
 * the free clusters in the FAT (FSInfo's count is only a hint). */
enum pith_error fat_statfs(struct fat *fs, uint32_t *cluster_bytes,
			   uint32_t *total, uint32_t *free);

/* Where new timestamps come from: seconds since 1970 in local time
 * (set after fat_mount(), which forgets it). Without a clock every
 * timestamp is 1980-01-01 00:00:00. */
void fat_set_clock(struct fat *fs, int64_t (*clock)(void *ctx), void *ctx);

/* ---- nodes ------------------------------------------------------------- */

/* A new reference to the root directory. */
enum pith_error fat_root(struct fat *fs, uint32_t *node);

/*
 * The node called `name` in directory `dir` (a new reference). "." is
 * dir itself, ".." its parent (the root's is the root). Trailing dots and
 * spaces are ignored, as are ASCII case differences; a short alias
 * ("LONGNA~1.TXT") finds its file too. PITH_E_EXHAUSTED: the node table
 * is full.
 */
enum pith_error fat_lookup(struct fat *fs, uint32_t dir, const char *name,
			   size_t len, uint32_t *node);

/* Drop a reference; the last one closes the node (and frees an unlinked
 * file's clusters). */
enum pith_error fat_release(struct fat *fs, uint32_t node);

enum pith_error fat_stat(struct fat *fs, uint32_t node, struct fat_stat *st);

/* Read up to len bytes at off; *done is 0 at or past the end. */
enum pith_error fat_read(struct fat *fs, uint32_t node, uint64_t off, void *buf,
			 size_t len, size_t *done);

/*
 * Write len bytes at off, extending the file (a gap past the old end
 * reads as zeros). If the volume fills up part-way, the bytes that fit
 * are written, *done says how many and the result is PITH_OK; with no
 * room for any byte it is PITH_E_NO_SPACE and the file is unchanged.
 * PITH_E_RANGE: off + len is beyond FAT_FILE_MAX.
 */
enum pith_error fat_write(struct fat *fs, uint32_t node, uint64_t off,
			  const void *buf, size_t len, size_t *done);

/* Set a file's size: shrinking frees clusters, growing adds zeros
 * (PITH_E_NO_SPACE leaves the file unchanged). */
enum pith_error fat_truncate(struct fat *fs, uint32_t node, uint64_t size);

/* ---- names ------------------------------------------------------------- */

/*
 * Create a file or (is_dir) a directory with its "." and ".." entries;
 * *node (if node is not NULL) is a reference to it. PITH_E_EXISTS: the
 * name (or one equal but for case) is taken; PITH_E_INVALID_ARGUMENT:
 * an empty name, "." or ".."; PITH_E_NAME_TOO_LONG: over FAT_NAME_MAX
 * UTF-16 units, or not a valid name (control characters, " * / : < > ?
 * \ |, bad UTF-8, nothing left once trailing dots and spaces go).
 */
enum pith_error fat_create(struct fat *fs, uint32_t dir, const char *name,
			   size_t len, bool is_dir, uint32_t *node);

/* Remove a name: a directory only if empty (else PITH_E_NOT_EMPTY). An
 * open file keeps working through its handles until its last release. */
enum pith_error fat_unlink(struct fat *fs, uint32_t dir, const char *name,
			   size_t len);

/*
 * Rename or move. An existing destination is replaced if it is a file
 * and the source is a file, or both are directories and it is empty
 * (else PITH_E_IS_DIRECTORY, PITH_E_NOT_DIRECTORY, PITH_E_NOT_EMPTY). A
 * directory moved gets its ".." pointed at its new parent; moving one
 * into itself or below it is PITH_E_INVALID_ARGUMENT.
 */
enum pith_error fat_rename(struct fat *fs, uint32_t olddir, const char *oldname,
			   size_t oldlen, uint32_t newdir, const char *newname,
			   size_t newlen);

/*
 * The directory's next entry from `cookie` (0 to start), skipping "."
 * and ".."; *next is the cookie for the entry after it. PITH_E_NOT_FOUND
 * marks the end. Entries added or removed while reading may or may not
 * be seen; the others are seen exactly once.
 */
enum pith_error fat_readdir(struct fat *fs, uint32_t dir, uint64_t cookie,
			    struct fat_dirent *ent, uint64_t *next);

#endif /* FAT_FAT_H */
