/*
 * Host tests of the FAT server's GPT reader (servers/fat/gpt.c,
 * docs/vfs.md): the CRC-32 against its check value, a table laid out as
 * partitioning tools write it accepted, and each field that can be wrong
 * refused (signature, revision, sizes, both CRC32s, the usable range,
 * where the entries lie), entries read as unused, the ESP, or out of
 * range.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "gpt.h"

#define SECTORS 100000
#define ENTRIES 128
#define ESIZE	128
#define ENT3	256 /* partition 3's entry: two entries in */

static uint8_t hdr[512];
static uint8_t ents[ENTRIES * ESIZE];

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* The header's CRC over its 92 bytes, its own field zeroed. */
static void seal(void)
{
	put32(hdr + 88, gpt_crc32(0, ents, sizeof(ents)));
	put32(hdr + 16, 0);
	put32(hdr + 16, gpt_crc32(0, hdr, 92));
}

/* A table as sgdisk writes it: partition 1 an ESP at 2048-4095,
 * partition 3 basic data at 8192-9999. */
static int setup(void **state)
{
	static const uint8_t basic[16] = {0xa2, 0xa0, 0xd0, 0xeb, 0xe5, 0xb9,
					  0x33, 0x44, 0x87, 0xc0, 0x68, 0xb6,
					  0xb7, 0x26, 0x99, 0xc7};
	static const uint8_t sig[8] = {'E', 'F', 'I', ' ', 'P', 'A', 'R', 'T'};

	(void)state;
	memset(hdr, 0, sizeof(hdr));
	memset(ents, 0, sizeof(ents));
	memcpy(hdr, sig, sizeof(sig));
	put32(hdr + 8, 0x00010000);
	put32(hdr + 12, 92);
	put64(hdr + 24, 1);
	put64(hdr + 32, SECTORS - 1);
	put64(hdr + 40, 34);
	put64(hdr + 48, SECTORS - 34);
	put64(hdr + 72, 2);
	put32(hdr + 80, ENTRIES);
	put32(hdr + 84, ESIZE);
	memcpy(ents, gpt_esp_type, 16);
	ents[16] = 1; /* a unique GUID */
	put64(ents + 32, 2048);
	put64(ents + 40, 4095);
	memcpy(ents + ENT3, basic, 16);
	ents[ENT3 + 16] = 3;
	put64(ents + ENT3 + 32, 8192);
	put64(ents + ENT3 + 40, 9999);
	seal();
	return 0;
}

static enum pith_error header(struct gpt_header *h)
{
	const char *why = NULL;
	enum pith_error err = gpt_header(hdr, 512, SECTORS, h, &why);

	assert_non_null(why);
	return err;
}

static void test_crc32(void **state)
{
	(void)state;
	assert_int_equal(gpt_crc32(0, "123456789", 9), 0xcbf43926u);
	/* continued in pieces, the same */
	assert_int_equal(gpt_crc32(gpt_crc32(0, "1234", 4), "56789", 5),
			 0xcbf43926u);
	assert_int_equal(gpt_crc32(0, "", 0), 0);
}

static void test_good(void **state)
{
	struct gpt_header h;
	struct gpt_part p;
	const char *why;
	bool esp;

	(void)state;
	assert_int_equal(header(&h), PITH_OK);
	assert_int_equal(h.entries_lba, 2);
	assert_int_equal(h.entries, ENTRIES);
	assert_int_equal(h.entry_size, ESIZE);
	assert_int_equal(h.entries_crc, gpt_crc32(0, ents, sizeof(ents)));
	assert_int_equal(gpt_entry(&h, ents, 0, &p, &esp, &why), PITH_OK);
	assert_true(esp);
	assert_int_equal(p.first, 2048);
	assert_int_equal(p.last, 4095);
	assert_int_equal(p.index, 1);
	assert_int_equal(gpt_entry(&h, ents + ESIZE, 1, &p, &esp, &why),
			 PITH_E_NOT_FOUND);
	assert_int_equal(gpt_entry(&h, ents + ENT3, 2, &p, &esp, &why),
			 PITH_OK);
	assert_false(esp);
	assert_int_equal(p.index, 3);
	assert_int_equal(p.first, 8192);
}

static void test_no_signature(void **state)
{
	struct gpt_header h;

	(void)state;
	memset(hdr, 0, 8);
	seal();
	assert_int_equal(header(&h), PITH_E_NOT_FOUND);
}

/* The table changed by `stmt`, its CRCs made right again: refused. */
#define REFUSED(stmt)                                                          \
	do {                                                                   \
		struct gpt_header h_;                                          \
		setup(NULL);                                                   \
		stmt;                                                          \
		seal();                                                        \
		assert_int_equal(header(&h_), PITH_E_CORRUPT);                 \
	} while (0)

static void test_bad_fields(void **state)
{
	(void)state;
	REFUSED(put32(hdr + 8, 0x00020000)); /* revision 2.0 */
	REFUSED(put32(hdr + 12, 91));	     /* header too small */
	REFUSED(put32(hdr + 12, 513));	     /* larger than the sector */
	REFUSED(put64(hdr + 24, 5));	     /* not at LBA 1 */
	REFUSED(put64(hdr + 40, 1));	     /* usable from LBA 1 */
	REFUSED(put64(hdr + 48, SECTORS));   /* usable past the disk */
	REFUSED(put64(hdr + 40, 5000);	     /* first after last */
		put64(hdr + 48, 4000));
	REFUSED(put32(hdr + 80, 0));	       /* no entries */
	REFUSED(put32(hdr + 80, 100000));      /* too many */
	REFUSED(put32(hdr + 84, 100));	       /* entries too small */
	REFUSED(put32(hdr + 84, 192));	       /* not a power of two */
	REFUSED(put32(hdr + 84, 8192));	       /* too large */
	REFUSED(put64(hdr + 72, 1));	       /* entries on the header */
	REFUSED(put64(hdr + 72, SECTORS - 2)); /* entries past the disk */
}

static void test_header_crc(void **state)
{
	struct gpt_header h;

	(void)state;
	hdr[40] ^= 1; /* after sealing: the CRC no longer matches */
	assert_int_equal(header(&h), PITH_E_CORRUPT);
}

static void test_entry_out_of_range(void **state)
{
	struct gpt_header h;
	struct gpt_part p;
	const char *why = NULL;
	bool esp;

	(void)state;
	assert_int_equal(header(&h), PITH_OK);
	put64(ents + 40, SECTORS); /* past the usable LBAs */
	assert_int_equal(gpt_entry(&h, ents, 0, &p, &esp, &why),
			 PITH_E_CORRUPT);
	assert_non_null(why);
	put64(ents + 32, 5000); /* first after last */
	put64(ents + 40, 4000);
	assert_int_equal(gpt_entry(&h, ents, 0, &p, &esp, &why),
			 PITH_E_CORRUPT);
	put64(ents + 32, 10); /* before the usable LBAs */
	put64(ents + 40, 4000);
	assert_int_equal(gpt_entry(&h, ents, 0, &p, &esp, &why),
			 PITH_E_CORRUPT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32),
		cmocka_unit_test_setup(test_good, setup),
		cmocka_unit_test_setup(test_no_signature, setup),
		cmocka_unit_test_setup(test_bad_fields, setup),
		cmocka_unit_test_setup(test_header_crc, setup),
		cmocka_unit_test_setup(test_entry_out_of_range, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
