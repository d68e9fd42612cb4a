/*
 * FAT names: the API's UTF-8 names, the long names (UTF-16, VFAT LFN) and
 * the 8.3 short names with their aliases ("LONGNA~1.TXT"). Pure functions
 * of their arguments (docs/fat.md, "Names").
 *
 * A short name is its directory entry's 11 bytes: 8 of base and 3 of
 * extension, padded with spaces, in the OEM code page (read as CP437).
 */
#ifndef FAT_NAME_H
#define FAT_NAME_H

#include <pith/abi.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FAT_LFN_MAX 255 /* UTF-16 units in a long name */

/* 1 if the name is ".", 2 if it is "..", else 0. */
int fat_name_dots(const char *name, size_t len);

/*
 * An API name into UTF-16 (out has room for FAT_LFN_MAX units), trailing
 * dots and spaces dropped. PITH_E_INVALID_ARGUMENT for "", "." and "..";
 * PITH_E_NAME_TOO_LONG for more than FAT_LFN_MAX units or an invalid
 * name: bad UTF-8, a control character or one of " * / : < > ? \ |, or
 * nothing left after the trailing dots and spaces.
 */
enum pith_error fat_name_parse(const char *name, size_t len, uint16_t *out,
			       uint32_t *n);

/* Whether n UTF-16 units read from disk make a long name we accept: the
 * characters fat_name_parse() accepts, surrogates in pairs, no trailing
 * dot or space. */
bool fat_name_lfn_ok(const uint16_t *u, uint32_t n);

/* UTF-16 (checked by fat_name_lfn_ok() or made by fat_name_parse() or
 * fat_name_short_u16()) to UTF-8 in out (room for 3 * n bytes); returns
 * the bytes written. */
size_t fat_name_utf8(const uint16_t *u, uint32_t n, char *out);

/* Equal but for ASCII case. */
bool fat_name_equal(const uint16_t *a, uint32_t an, const uint16_t *b,
		    uint32_t bn);

/* The short name as a name (UTF-16, up to 12 units): "NAME.EXT", lower
 * case where the entry's flags say (0x08 base, 0x10 extension); bytes no
 * name may hold (controls, '/', '\') read as '_'. Returns the units. */
uint32_t fat_name_short_u16(const uint8_t sn[11], uint8_t flags, uint16_t *out);

/* The short name as ASCII/UTF-8 text "NAME.EXT" (out: 13 bytes at most,
 * with the NUL; room for 3 bytes a unit is not needed: CP437 above 0x7f
 * is written as '?'). */
void fat_name_short_text(const uint8_t sn[11], char out[13]);

/* Short names equal but for ASCII case. */
bool fat_name_short_equal(const uint8_t a[11], const uint8_t b[11]);

/* The checksum of a short name that every LFN entry of it carries. */
uint8_t fat_name_checksum(const uint8_t sn[11]);

/*
 * The basis of a short name for a long one (the usual algorithm: upper
 * case, characters a short name cannot hold become '_', spaces and
 * extra dots dropped, 8 + 3 characters). *exact: the long name is that
 * short name exactly, so needs no long entries; *lossless: it differs
 * only in case, so the basis may be used without a tail.
 */
void fat_name_basis(const uint16_t *u, uint32_t n, uint8_t basis[11],
		    bool *exact, bool *lossless);

/* basis with the tail ~num (1 <= num < 1000000): "LONGNA~1", "LONG~123". */
void fat_name_tail(const uint8_t basis[11], uint32_t num, uint8_t out[11]);

/* If sn is basis with a tail, its number; else 0. */
uint32_t fat_name_tail_num(const uint8_t basis[11], const uint8_t sn[11]);

#endif /* FAT_NAME_H */
