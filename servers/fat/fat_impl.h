/*
 * The FAT32 engine's insides, shared by its three parts:
 *   fat.c   the volume: mount, the sector cache, the FAT, clusters, sync
 *   node.c  open nodes and file contents: read, write, truncate
 *   dir.c   directories: entries, long names, lookup, create, unlink,
 *           rename, readdir
 * Not for the engine's users: they include fat.h.
 */
#ifndef FAT_IMPL_H
#define FAT_IMPL_H

#include "fat.h"

#define FAT_EOC	      0x0FFFFFFFu /* end of chain, as we write it */
#define FAT_EOC_MIN   0x0FFFFFF8u /* any value from here ends a chain */
#define FAT_BAD	      0x0FFFFFF7u /* a bad cluster */
#define FAT_MASK      0x0FFFFFFFu /* FAT32 entries are 28 bits */
#define FAT_ENT	      32u	  /* bytes in a directory entry */
#define FAT_DIR_MAX   0x200000u /* bytes a directory may span: 65536 entries */
#define FAT_LFN_ENTS  20u	/* LFN entries a name may take */
#define FAT_DOS_EPOCH 315532800 /* 1980-01-01 00:00:00 */

/* Directory entry attributes. */
#define FAT_ATTR_RO	0x01
#define FAT_ATTR_HIDDEN 0x02
#define FAT_ATTR_SYSTEM 0x04
#define FAT_ATTR_VOLUME 0x08
#define FAT_ATTR_DIR	0x10
#define FAT_ATTR_ARCH	0x20
#define FAT_ATTR_LFN	0x0F

/* Fields of a short directory entry (byte offsets). */
#define FAT_DE_ATTR    11
#define FAT_DE_NTRES   12 /* 0x08: base in lower case, 0x10: extension */
#define FAT_DE_CTIME   14
#define FAT_DE_CDATE   16
#define FAT_DE_ADATE   18
#define FAT_DE_CLUS_HI 20
#define FAT_DE_MTIME   22
#define FAT_DE_MDATE   24
#define FAT_DE_CLUS_LO 26
#define FAT_DE_SIZE    28

static inline uint16_t fat_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t fat_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline void fat_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void fat_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* The first cluster a short entry names. */
static inline uint32_t fat_de_cluster(const uint8_t *e)
{
	return (uint32_t)fat_get16(e + FAT_DE_CLUS_HI) << 16 |
	       fat_get16(e + FAT_DE_CLUS_LO);
}

static inline void fat_de_set_cluster(uint8_t *e, uint32_t c)
{
	fat_put16(e + FAT_DE_CLUS_HI, (uint16_t)(c >> 16));
	fat_put16(e + FAT_DE_CLUS_LO, (uint16_t)c);
}

static inline uint32_t fat_cluster_bytes(const struct fat *fs)
{
	return 1u << fs->cb_shift;
}

static inline uint64_t fat_cluster_lba(const struct fat *fs, uint32_t c)
{
	return fs->data_start + ((uint64_t)(c - 2) << fs->spc_shift);
}

/* Clusters that hold `bytes`. */
static inline uint32_t fat_clusters_for(const struct fat *fs, uint64_t bytes)
{
	return (uint32_t)((bytes + fat_cluster_bytes(fs) - 1) >> fs->cb_shift);
}

/* ---- fat.c ------------------------------------------------------------- */

/* The cached sector lba, read from the device if `fill` (else zeroed:
 * the caller writes all of it). The pointer is good until the next
 * cache call. */
enum pith_error fat_cache_get(struct fat *fs, uint64_t lba, bool fill,
			      struct fat_buf **out);
void fat_cache_dirty(struct fat *fs, struct fat_buf *b);

/* Whole sectors straight between the device and buf, coherent with the
 * cache (file data: no copy through it). buf NULL writes zeros. */
enum pith_error fat_dev_read(struct fat *fs, uint64_t lba, uint32_t count,
			     void *buf);
enum pith_error fat_dev_write(struct fat *fs, uint64_t lba, uint32_t count,
			      const void *buf);

/* The cluster after c in its chain, or 0 at the end; PITH_E_CORRUPT if
 * c or its FAT entry is out of range, free or bad. */
enum pith_error fat_next(struct fat *fs, uint32_t c, uint32_t *next);
/* Walk the whole chain from first, bounded by the cluster count: its
 * length and last cluster, or PITH_E_CORRUPT. */
enum pith_error fat_chain_check(struct fat *fs, uint32_t first, uint32_t *len,
				uint32_t *last);
/* A free cluster, marked as a chain of one; PITH_E_NO_SPACE if none. */
enum pith_error fat_alloc(struct fat *fs, uint32_t *out);
/* Point the FAT entry of c at next (FAT_EOC, 0 to free, a cluster). */
enum pith_error fat_set(struct fat *fs, uint32_t c, uint32_t next);
/* Free every cluster of the chain from first. */
enum pith_error fat_free_chain(struct fat *fs, uint32_t first);
/* Fill cluster c with zeros. */
enum pith_error fat_zero_cluster(struct fat *fs, uint32_t c);

/* The time now, as a FAT time and date. */
void fat_now(struct fat *fs, uint16_t *time, uint16_t *date);
/* A FAT time and date as seconds since 1970. */
int64_t fat_dos_to_unix(uint16_t time, uint16_t date);

/* ---- node.c ------------------------------------------------------------ */

/* The open node behind a handle, or NULL. */
struct fat_node *fat_node(struct fat *fs, uint32_t h);
bool fat_node_slot_free(const struct fat *fs);
/* Open (or share) the node of the short entry e, found at byte ent of
 * the directory whose first cluster is dir, sector lba, byte `byte`. */
enum pith_error fat_node_open(struct fat *fs, uint32_t dir, uint32_t ent,
			      uint64_t lba, uint32_t byte, const uint8_t *e,
			      uint32_t *h);
/* Open (or share) the directory starting at cluster c. */
enum pith_error fat_node_open_dir(struct fat *fs, uint32_t c, uint32_t *h);
/* The open file node whose short entry is at (dir, ent), or NULL. */
struct fat_node *fat_node_find_file(struct fat *fs, uint32_t dir, uint32_t ent);
struct fat_node *fat_node_find_dir(struct fat *fs, uint32_t c);

#endif /* FAT_IMPL_H */
