/*
 * Host tests for lib/elf.c: elf_parse() on ELF images built in memory, one
 * mutation per error, and on the real kernel and root task of the build.
 *
 *   test_elf [KERNEL_ELF [INIT_ELF]]
 *
 * Every image is parsed from a heap buffer of exactly its size, so a read
 * past the end is caught by AddressSanitizer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/elf.h"

#define PAGE	  0x1000ULL
#define MAX_PH	  (ELF_MAX_SEGMENTS + 2)
#define USER_BASE 0x400000ULL /* vaddr of segment 0 in test images */

static const char *kernel_path;
static const char *init_path;

static const struct elf_limits user_limits = {
	.type = ET_EXEC,
	.vaddr_min = 0x10000,
	.vaddr_max = 0x00007ffeffff0000ULL,
	.allow_wx = false,
};

/*
 * An ELF file under construction: the header, the program headers (written
 * at eh.e_phoff) and the file size. Segment i occupies file page i + 1 and
 * virtual page i from USER_BASE; segment 0 is R+X, the others R+W.
 */
struct elf_file {
	struct elf64_ehdr eh;
	struct elf64_phdr ph[MAX_PH];
	unsigned nph; /* headers to write, usually eh.e_phnum */
	size_t size;
};

static void make_elf(struct elf_file *f, unsigned nload)
{
	assert_true(nload <= MAX_PH);
	memset(f, 0, sizeof(*f));
	memcpy(f->eh.e_ident,
	       "\x7f"
	       "ELF",
	       4);
	f->eh.e_ident[4] = 2; /* ELFCLASS64 */
	f->eh.e_ident[5] = 1; /* ELFDATA2LSB */
	f->eh.e_ident[6] = 1; /* EV_CURRENT */
	f->eh.e_type = ET_EXEC;
	f->eh.e_machine = EM_X86_64;
	f->eh.e_version = 1;
	f->eh.e_entry = USER_BASE + 0x10;
	f->eh.e_phoff = sizeof(struct elf64_ehdr);
	f->eh.e_ehsize = sizeof(struct elf64_ehdr);
	f->eh.e_phentsize = sizeof(struct elf64_phdr);
	f->eh.e_phnum = (uint16_t)nload;
	for (unsigned i = 0; i < nload; i++) {
		f->ph[i] = (struct elf64_phdr){
			.p_type = PT_LOAD,
			.p_flags = i == 0 ? PF_R | PF_X : PF_R | PF_W,
			.p_offset = PAGE * (i + 1),
			.p_vaddr = USER_BASE + PAGE * i,
			.p_paddr = USER_BASE + PAGE * i,
			.p_filesz = 0x100,
			.p_memsz = 0x800,
			.p_align = PAGE,
		};
	}
	f->nph = nload;
	f->size = PAGE * (nload + 1);
}

/* Serialise `f`, cut to `size` bytes, into an exact-size heap buffer. */
static uint8_t *serialise(const struct elf_file *f, size_t size)
{
	uint8_t *buf = calloc(1, size ? size : 1);
	size_t phbytes = f->nph * sizeof(struct elf64_phdr);

	assert_non_null(buf);
	memcpy(buf, &f->eh, size < sizeof(f->eh) ? size : sizeof(f->eh));
	if (f->eh.e_phoff < size) {
		size_t room = size - f->eh.e_phoff;

		memcpy(buf + f->eh.e_phoff, f->ph,
		       phbytes < room ? phbytes : room);
	}
	return buf;
}

static enum elf_error parse_cut(const struct elf_file *f, size_t size,
				const struct elf_limits *lim,
				struct elf_image *img)
{
	uint8_t *buf = serialise(f, size);
	enum elf_error err = elf_parse(buf, size, lim, img);

	free(buf);
	return err;
}

static enum elf_error parse(const struct elf_file *f,
			    const struct elf_limits *lim, struct elf_image *img)
{
	return parse_cut(f, f->size, lim, img);
}

/* Parse with the user limits; check the error and the header at fault. */
static void expect_error(const struct elf_file *f, enum elf_error want,
			 int bad_phdr)
{
	struct elf_image img;

	assert_int_equal(parse(f, &user_limits, &img), want);
	assert_int_equal(img.bad_phdr, bad_phdr);
}

/* ---- valid images ------------------------------------------------------ */

static void test_valid_single_segment(void **state)
{
	struct elf_file f;
	struct elf_image img;

	(void)state;
	make_elf(&f, 1);
	assert_int_equal(parse(&f, &user_limits, &img), ELF_OK);
	assert_int_equal(img.nsegs, 1);
	assert_int_equal(img.bad_phdr, -1);
	assert_int_equal(img.entry, USER_BASE + 0x10);
	assert_int_equal(img.seg[0].vaddr, USER_BASE);
	assert_int_equal(img.seg[0].memsz, 0x800);
	assert_int_equal(img.seg[0].offset, PAGE);
	assert_int_equal(img.seg[0].filesz, 0x100);
	assert_int_equal(img.seg[0].flags, PF_R | PF_X);
	assert_int_equal(img.vaddr_lo, USER_BASE);
	assert_int_equal(img.vaddr_hi, USER_BASE + PAGE);
}

static void test_valid_multi_segment(void **state)
{
	struct elf_file f;
	struct elf_image img;

	(void)state;
	make_elf(&f, 3);
	f.ph[2].p_memsz = 0x2800; /* bss spilling over three pages */
	assert_int_equal(parse(&f, &user_limits, &img), ELF_OK);
	assert_int_equal(img.nsegs, 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(img.seg[i].vaddr, USER_BASE + PAGE * i);
		assert_int_equal(img.seg[i].offset, PAGE * (i + 1));
		assert_int_equal(img.seg[i].filesz, 0x100);
		assert_int_equal(img.seg[i].flags,
				 i == 0 ? PF_R | PF_X : PF_R | PF_W);
	}
	assert_int_equal(img.seg[2].memsz, 0x2800);
	assert_int_equal(img.vaddr_lo, USER_BASE);
	assert_int_equal(img.vaddr_hi, USER_BASE + 5 * PAGE);
}

static void test_max_segments_accepted(void **state)
{
	struct elf_file f;
	struct elf_image img;

	(void)state;
	make_elf(&f, ELF_MAX_SEGMENTS);
	assert_int_equal(parse(&f, &user_limits, &img), ELF_OK);
	assert_int_equal(img.nsegs, ELF_MAX_SEGMENTS);
	assert_int_equal(img.vaddr_hi, USER_BASE + PAGE * ELF_MAX_SEGMENTS);
}

static void test_non_load_headers_ignored(void **state)
{
	struct elf_file f;
	struct elf_image img;

	(void)state;
	make_elf(&f, 3);
	f.ph[1].p_type = 4;	     /* PT_NOTE */
	f.ph[2].p_type = 0x6474e551; /* PT_GNU_STACK */
	f.ph[2].p_offset = UINT64_MAX;
	assert_int_equal(parse(&f, &user_limits, &img), ELF_OK);
	assert_int_equal(img.nsegs, 1);
	assert_int_equal(img.seg[0].vaddr, USER_BASE);
}

static void test_flags_masked_to_rwx(void **state)
{
	struct elf_file f;
	struct elf_image img;

	(void)state;
	make_elf(&f, 1);
	f.ph[0].p_flags |= 0xf0000000u; /* PF_MASKPROC bits */
	assert_int_equal(parse(&f, &user_limits, &img), ELF_OK);
	assert_int_equal(img.seg[0].flags, PF_R | PF_X);
}

static void test_vaddr_span_rounded_to_pages(void **state)
{
	struct elf_file f;
	struct elf_image img;

	(void)state;
	make_elf(&f, 2);
	f.ph[0].p_vaddr = USER_BASE + 0x234;
	f.ph[0].p_offset = PAGE + 0x234;
	f.ph[0].p_filesz = 0x10;
	f.ph[0].p_memsz = 0x10;
	f.eh.e_entry = USER_BASE + 0x234;
	f.ph[1].p_vaddr = USER_BASE + PAGE;
	f.ph[1].p_memsz = 0x1001; /* ends one byte into the next page */
	assert_int_equal(parse(&f, &user_limits, &img), ELF_OK);
	assert_int_equal(img.vaddr_lo, USER_BASE);
	assert_int_equal(img.vaddr_hi, USER_BASE + 3 * PAGE);

	f.ph[1].p_memsz = PAGE; /* ends exactly on a page boundary */
	assert_int_equal(parse(&f, &user_limits, &img), ELF_OK);
	assert_int_equal(img.vaddr_hi, USER_BASE + 2 * PAGE);
}

static void test_unaligned_buffer_accepted(void **state)
{
	struct elf_file f;
	struct elf_image img;
	uint8_t *buf, *file;
	enum elf_error err;

	(void)state;
	make_elf(&f, 2);
	buf = malloc(f.size + 1);
	assert_non_null(buf);
	file = serialise(&f, f.size);
	memcpy(buf + 1, file, f.size);
	err = elf_parse(buf + 1, f.size, &user_limits, &img);
	free(file);
	free(buf);
	assert_int_equal(err, ELF_OK);
	assert_int_equal(img.nsegs, 2);
}

static void test_segment_data_at_end_of_file(void **state)
{
	struct elf_file f;
	struct elf_image img;

	(void)state;
	make_elf(&f, 2);
	f.ph[1].p_filesz = PAGE; /* last byte of the file */
	f.ph[1].p_memsz = PAGE;
	assert_int_equal(parse(&f, &user_limits, &img), ELF_OK);

	f.ph[1].p_offset = f.size; /* no file bytes, offset at EOF */
	f.ph[1].p_filesz = 0;
	assert_int_equal(parse(&f, &user_limits, &img), ELF_OK);
	assert_int_equal(img.seg[1].filesz, 0);
}

static void test_phdr_table_ending_at_eof_accepted(void **state)
{
	struct elf_file f;
	struct elf_image img;

	(void)state;
	make_elf(&f, 1);
	f.size = 2 * PAGE;
	f.eh.e_phoff = f.size - sizeof(struct elf64_phdr);
	assert_int_equal(parse(&f, &user_limits, &img), ELF_OK);
}

static void test_dyn_type_when_limits_ask_for_it(void **state)
{
	struct elf_file f;
	struct elf_image img;
	struct elf_limits lim = user_limits;

	(void)state;
	make_elf(&f, 1);
	f.eh.e_type = ET_DYN;
	lim.type = ET_DYN;
	assert_int_equal(parse(&f, &lim, &img), ELF_OK);
}

/* ---- header errors ----------------------------------------------------- */

static void test_truncated(void **state)
{
	struct elf_file f;
	struct elf_image img;

	(void)state;
	make_elf(&f, 1);
	assert_int_equal(parse_cut(&f, 0, &user_limits, &img), ELF_E_TRUNCATED);
	assert_int_equal(img.bad_phdr, -1);
	assert_int_equal(parse_cut(&f, sizeof(struct elf64_ehdr) - 1,
				   &user_limits, &img),
			 ELF_E_TRUNCATED);
	/* A whole header but no program headers: not TRUNCATED. */
	assert_int_equal(
		parse_cut(&f, sizeof(struct elf64_ehdr), &user_limits, &img),
		ELF_E_PHDR_RANGE);
}

static void test_every_truncation_fails_until_data_complete(void **state)
{
	struct elf_file f;
	struct elf_image img;
	size_t need;

	(void)state;
	make_elf(&f, 2);
	need = f.ph[1].p_offset + f.ph[1].p_filesz;
	for (size_t len = 0; len <= f.size; len++) {
		enum elf_error err = parse_cut(&f, len, &user_limits, &img);

		if (len < need)
			assert_int_not_equal(err, ELF_OK);
		else
			assert_int_equal(err, ELF_OK);
	}
}

static void test_bad_magic(void **state)
{
	struct elf_file f;

	(void)state;
	for (int i = 0; i < 4; i++) {
		make_elf(&f, 1);
		f.eh.e_ident[i] ^= 0x20;
		expect_error(&f, ELF_E_MAGIC, -1);
	}
}

static void test_bad_class(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, 1);
	f.eh.e_ident[4] = 1; /* ELFCLASS32 */
	expect_error(&f, ELF_E_CLASS, -1);
}

static void test_bad_endian(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, 1);
	f.eh.e_ident[5] = 2; /* ELFDATA2MSB */
	expect_error(&f, ELF_E_ENDIAN, -1);
}

static void test_bad_version(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, 1);
	f.eh.e_ident[6] = 0;
	expect_error(&f, ELF_E_VERSION, -1);
	make_elf(&f, 1);
	f.eh.e_version = 2;
	expect_error(&f, ELF_E_VERSION, -1);
}

static void test_bad_machine(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, 1);
	f.eh.e_machine = EM_AARCH64;
	expect_error(&f, ELF_E_MACHINE, -1);
}

static void test_bad_type(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, 1);
	f.eh.e_type = ET_DYN;
	expect_error(&f, ELF_E_TYPE, -1);
	f.eh.e_type = 1; /* ET_REL */
	expect_error(&f, ELF_E_TYPE, -1);
}

static void test_bad_phentsize(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, 1);
	f.eh.e_phentsize = 32;
	expect_error(&f, ELF_E_PHDR_SIZE, -1);
	f.eh.e_phentsize = 64;
	expect_error(&f, ELF_E_PHDR_SIZE, -1);
}

static void test_phoff_beyond_file(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, 1);
	f.eh.e_phoff = f.size + 1;
	expect_error(&f, ELF_E_PHDR_RANGE, -1);
	f.eh.e_phoff = UINT64_MAX;
	expect_error(&f, ELF_E_PHDR_RANGE, -1);
}

static void test_phdr_table_overflows_file(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, 1);
	f.eh.e_phnum = 1000; /* 56000 bytes from offset 64 > 8 KiB */
	expect_error(&f, ELF_E_PHDR_RANGE, -1);
	make_elf(&f, 1);
	f.eh.e_phnum = UINT16_MAX;
	f.eh.e_phoff = f.size - sizeof(struct elf64_phdr);
	expect_error(&f, ELF_E_PHDR_RANGE, -1);
	make_elf(&f, 1);
	f.eh.e_phoff = f.size - sizeof(struct elf64_phdr) + 1;
	expect_error(&f, ELF_E_PHDR_RANGE, -1);
}

/* ---- program header errors --------------------------------------------- */

static void test_pt_interp_rejected(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, 3);
	f.ph[1].p_type = PT_INTERP;
	expect_error(&f, ELF_E_DYNAMIC, 1);
}

static void test_pt_dynamic_rejected(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, 2);
	f.ph[0].p_type = PT_DYNAMIC;
	expect_error(&f, ELF_E_DYNAMIC, 0);
}

static void test_no_segments(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, 0);
	expect_error(&f, ELF_E_NO_SEGMENTS, -1);
	make_elf(&f, 2);
	f.ph[0].p_type = 4; /* PT_NOTE */
	f.ph[1].p_type = 4;
	expect_error(&f, ELF_E_NO_SEGMENTS, -1);
}

static void test_too_many_segments(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, ELF_MAX_SEGMENTS + 1);
	expect_error(&f, ELF_E_TOO_MANY, ELF_MAX_SEGMENTS);
}

static void test_seg_offset_beyond_file(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, 2);
	f.ph[1].p_offset = f.size + PAGE;
	f.ph[1].p_filesz = 0;
	expect_error(&f, ELF_E_SEG_FILE, 1);
}

static void test_seg_data_past_end(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, 2);
	f.ph[1].p_filesz = PAGE + 1; /* one byte past EOF */
	f.ph[1].p_memsz = 2 * PAGE;
	expect_error(&f, ELF_E_SEG_FILE, 1);
}

static void test_seg_offset_plus_filesz_wraps(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, 1);
	f.ph[0].p_offset = UINT64_MAX - 0xff; /* + filesz wraps to 0 */
	f.ph[0].p_filesz = 0x100;
	f.ph[0].p_align = 0;
	expect_error(&f, ELF_E_SEG_FILE, 0);
	make_elf(&f, 1);
	f.ph[0].p_filesz = UINT64_MAX; /* PAGE + UINT64_MAX wraps */
	f.ph[0].p_memsz = UINT64_MAX;
	expect_error(&f, ELF_E_SEG_FILE, 0);
}

static void test_seg_filesz_exceeds_memsz(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, 2);
	f.ph[1].p_filesz = 0x801;
	expect_error(&f, ELF_E_SEG_FILESZ, 1);
}

static void test_seg_align_not_power_of_two(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, 1);
	f.ph[0].p_align = 3;
	expect_error(&f, ELF_E_SEG_ALIGN, 0);
	f.ph[0].p_align = 0x1800;
	expect_error(&f, ELF_E_SEG_ALIGN, 0);
}

static void test_seg_vaddr_offset_incongruent(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, 2);
	f.ph[1].p_offset += 0x10;
	expect_error(&f, ELF_E_SEG_ALIGN, 1);
}

static void test_seg_align_0_and_1_mean_none(void **state)
{
	struct elf_file f;
	struct elf_image img;

	(void)state;
	make_elf(&f, 1);
	f.ph[0].p_offset += 0x10; /* incongruent, but no alignment asked */
	f.ph[0].p_align = 0;
	assert_int_equal(parse(&f, &user_limits, &img), ELF_OK);
	f.ph[0].p_align = 1;
	assert_int_equal(parse(&f, &user_limits, &img), ELF_OK);
}

static void test_seg_below_min(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, 1);
	f.ph[0].p_vaddr = user_limits.vaddr_min - PAGE;
	f.eh.e_entry = f.ph[0].p_vaddr;
	expect_error(&f, ELF_E_SEG_RANGE, 0);
}

static void test_seg_at_min_accepted(void **state)
{
	struct elf_file f;
	struct elf_image img;

	(void)state;
	make_elf(&f, 1);
	f.ph[0].p_vaddr = user_limits.vaddr_min;
	f.eh.e_entry = f.ph[0].p_vaddr;
	assert_int_equal(parse(&f, &user_limits, &img), ELF_OK);
	assert_int_equal(img.vaddr_lo, user_limits.vaddr_min);
}

static void test_seg_at_or_above_max(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, 2);
	f.ph[1].p_vaddr = user_limits.vaddr_max;
	expect_error(&f, ELF_E_SEG_RANGE, 1);
	f.ph[1].p_vaddr = user_limits.vaddr_max + PAGE;
	expect_error(&f, ELF_E_SEG_RANGE, 1);
	f.ph[1].p_vaddr = 0xffffffff80000000ULL;
	expect_error(&f, ELF_E_SEG_RANGE, 1);
}

static void test_seg_memsz_overflows_max(void **state)
{
	struct elf_file f;
	struct elf_image img;

	(void)state;
	make_elf(&f, 2);
	f.ph[1].p_vaddr = user_limits.vaddr_max - PAGE;
	f.ph[1].p_memsz = PAGE; /* ends exactly at the limit: fine */
	assert_int_equal(parse(&f, &user_limits, &img), ELF_OK);
	assert_int_equal(img.vaddr_hi, user_limits.vaddr_max);
	f.ph[1].p_memsz = PAGE + 1;
	expect_error(&f, ELF_E_SEG_RANGE, 1);
	f.ph[1].p_memsz = UINT64_MAX; /* vaddr + memsz wraps */
	expect_error(&f, ELF_E_SEG_RANGE, 1);
}

static void test_seg_memsz_zero(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, 2);
	f.ph[1].p_filesz = 0;
	f.ph[1].p_memsz = 0;
	expect_error(&f, ELF_E_SEG_RANGE, 1);
}

static void test_seg_in_last_page_of_address_space(void **state)
{
	struct elf_file f;
	struct elf_image img;
	struct elf_limits lim = {ET_EXEC, 0x10000, UINT64_MAX, false};

	(void)state;
	make_elf(&f, 1);
	f.ph[0].p_vaddr = UINT64_MAX - PAGE + 1; /* last page */
	f.eh.e_entry = f.ph[0].p_vaddr;
	/* Rounding the end up to a page would wrap to 0. */
	assert_int_equal(parse(&f, &lim, &img), ELF_E_SEG_RANGE);
	assert_int_equal(img.bad_phdr, 0);
}

static void test_seg_overlap(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, 2);
	f.ph[1].p_vaddr = USER_BASE + 0x400; /* inside segment 0 */
	f.ph[1].p_offset = 2 * PAGE + 0x400;
	expect_error(&f, ELF_E_SEG_OVERLAP, 1);
}

static void test_seg_out_of_order(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, 3);
	f.ph[2].p_vaddr = USER_BASE - 4 * PAGE; /* below segment 0 */
	expect_error(&f, ELF_E_SEG_OVERLAP, 2);
}

static void test_seg_sharing_a_page(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, 2);
	/* Segment 0 is [base, base + 0x800): no byte in common, same page. */
	f.ph[1].p_vaddr = USER_BASE + 0x800;
	f.ph[1].p_offset = 2 * PAGE + 0x800;
	f.ph[1].p_memsz = 0x100;
	expect_error(&f, ELF_E_SEG_OVERLAP, 1);
}

static void test_seg_adjacent_pages_accepted(void **state)
{
	struct elf_file f;
	struct elf_image img;

	(void)state;
	make_elf(&f, 2);
	f.ph[0].p_memsz = PAGE; /* segment 1 starts on the next page */
	assert_int_equal(parse(&f, &user_limits, &img), ELF_OK);
	assert_int_equal(img.nsegs, 2);
}

static void test_seg_wx_rejected(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, 2);
	f.ph[1].p_flags = PF_R | PF_W | PF_X;
	expect_error(&f, ELF_E_SEG_WX, 1);
	f.ph[1].p_flags = PF_W | PF_X;
	expect_error(&f, ELF_E_SEG_WX, 1);
}

static void test_seg_wx_allowed_when_asked(void **state)
{
	struct elf_file f;
	struct elf_image img;
	struct elf_limits lim = user_limits;

	(void)state;
	make_elf(&f, 2);
	f.ph[1].p_flags = PF_R | PF_W | PF_X;
	lim.allow_wx = true;
	assert_int_equal(parse(&f, &lim, &img), ELF_OK);
	assert_int_equal(img.seg[1].flags, PF_R | PF_W | PF_X);
}

static void test_entry_in_non_executable_segment(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, 2);
	f.eh.e_entry = USER_BASE + PAGE + 0x10; /* in the RW segment */
	expect_error(&f, ELF_E_ENTRY, -1);
}

static void test_entry_outside_all_segments(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, 2);
	f.eh.e_entry = 0;
	expect_error(&f, ELF_E_ENTRY, -1);
	f.eh.e_entry = USER_BASE + 0x800; /* one past segment 0 */
	expect_error(&f, ELF_E_ENTRY, -1);
	f.eh.e_entry = USER_BASE - 1;
	expect_error(&f, ELF_E_ENTRY, -1);
}

static void test_entry_at_segment_bounds(void **state)
{
	struct elf_file f;
	struct elf_image img;

	(void)state;
	make_elf(&f, 2);
	f.eh.e_entry = USER_BASE;
	assert_int_equal(parse(&f, &user_limits, &img), ELF_OK);
	f.eh.e_entry = USER_BASE + 0x7ff; /* last byte, in the bss part */
	assert_int_equal(parse(&f, &user_limits, &img), ELF_OK);
	assert_int_equal(img.entry, USER_BASE + 0x7ff);
}

static void test_bad_phdr_index_counts_all_headers(void **state)
{
	struct elf_file f;

	(void)state;
	make_elf(&f, 4);
	f.ph[1].p_type = 4; /* PT_NOTE: counted in the index */
	f.ph[3].p_filesz = 0x900;
	expect_error(&f, ELF_E_SEG_FILESZ, 3);
}

/* ---- strings ----------------------------------------------------------- */

static void test_strerror_every_code(void **state)
{
	(void)state;
	assert_string_equal(elf_strerror(ELF_OK), "ok");
	for (int i = 0; i < ELF_E_COUNT; i++) {
		const char *s = elf_strerror((enum elf_error)i);

		assert_non_null(s);
		assert_true(strlen(s) > 0);
		assert_string_not_equal(s, "unknown ELF error");
		for (int j = 0; j < i; j++)
			assert_string_not_equal(
				s, elf_strerror((enum elf_error)j));
	}
	assert_string_equal(elf_strerror(ELF_E_MACHINE),
			    "wrong machine type (not x86-64)");
}

static void test_strerror_out_of_range(void **state)
{
	(void)state;
	assert_string_equal(elf_strerror(ELF_E_COUNT), "unknown ELF error");
	assert_string_equal(elf_strerror((enum elf_error) - 1),
			    "unknown ELF error");
	assert_string_equal(elf_strerror((enum elf_error)1000),
			    "unknown ELF error");
}

/* ---- the real build outputs -------------------------------------------- */

/* The last file load_file() read: freed by the next load or at the end,
 * so a failed assertion does not leak it. */
static uint8_t *loaded;

static int free_loaded(void **state)
{
	(void)state;
	free(loaded);
	loaded = NULL;
	return 0;
}

/* Read a whole file; NULL if it cannot be opened. */
static const uint8_t *load_file(const char *path, size_t *size)
{
	FILE *f;
	long len;

	free_loaded(NULL);
	if (!path)
		return NULL;
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len > 0);
	rewind(f);
	loaded = malloc((size_t)len);
	assert_non_null(loaded);
	assert_int_equal(fread(loaded, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*size = (size_t)len;
	return loaded;
}

static void check_real_file(const char *path, const struct elf_limits *lim)
{
	struct elf_image img;
	size_t size = 0;
	const uint8_t *file = load_file(path, &size);
	bool exec = false;

	if (!file) {
		print_message("%s: not built, skipped\n",
			      path ? path : "(no path given)");
		skip();
	}
	assert_int_equal(elf_parse(file, size, lim, &img), ELF_OK);
	assert_true(img.nsegs >= 1);
	assert_int_equal(img.bad_phdr, -1);
	assert_true(img.vaddr_lo >= lim->vaddr_min);
	assert_true(img.vaddr_hi <= lim->vaddr_max);
	assert_true(img.entry >= img.vaddr_lo && img.entry < img.vaddr_hi);
	for (unsigned i = 0; i < img.nsegs; i++) {
		assert_true(img.seg[i].filesz <= img.seg[i].memsz);
		assert_true(img.seg[i].offset + img.seg[i].filesz <= size);
		if (img.seg[i].flags & PF_X)
			exec = true;
	}
	assert_true(exec);
}

static void test_real_kernel(void **state)
{
	struct elf_limits lim = {ET_EXEC, 0xffffffff80000000ULL,
				 0xffffffffc0000000ULL, false};

	(void)state;
	check_real_file(kernel_path, &lim);
}

static void test_real_init(void **state)
{
	(void)state;
	check_real_file(init_path, &user_limits);
}

static void test_real_kernel_rejected_as_user_program(void **state)
{
	struct elf_image img;
	size_t size = 0;
	const uint8_t *file = load_file(kernel_path, &size);

	(void)state;
	if (!file)
		skip();
	assert_int_equal(elf_parse(file, size, &user_limits, &img),
			 ELF_E_SEG_RANGE);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_single_segment),
		cmocka_unit_test(test_valid_multi_segment),
		cmocka_unit_test(test_max_segments_accepted),
		cmocka_unit_test(test_non_load_headers_ignored),
		cmocka_unit_test(test_flags_masked_to_rwx),
		cmocka_unit_test(test_vaddr_span_rounded_to_pages),
		cmocka_unit_test(test_unaligned_buffer_accepted),
		cmocka_unit_test(test_segment_data_at_end_of_file),
		cmocka_unit_test(test_phdr_table_ending_at_eof_accepted),
		cmocka_unit_test(test_dyn_type_when_limits_ask_for_it),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(
			test_every_truncation_fails_until_data_complete),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_bad_class),
		cmocka_unit_test(test_bad_endian),
		cmocka_unit_test(test_bad_version),
		cmocka_unit_test(test_bad_machine),
		cmocka_unit_test(test_bad_type),
		cmocka_unit_test(test_bad_phentsize),
		cmocka_unit_test(test_phoff_beyond_file),
		cmocka_unit_test(test_phdr_table_overflows_file),
		cmocka_unit_test(test_pt_interp_rejected),
		cmocka_unit_test(test_pt_dynamic_rejected),
		cmocka_unit_test(test_no_segments),
		cmocka_unit_test(test_too_many_segments),
		cmocka_unit_test(test_seg_offset_beyond_file),
		cmocka_unit_test(test_seg_data_past_end),
		cmocka_unit_test(test_seg_offset_plus_filesz_wraps),
		cmocka_unit_test(test_seg_filesz_exceeds_memsz),
		cmocka_unit_test(test_seg_align_not_power_of_two),
		cmocka_unit_test(test_seg_vaddr_offset_incongruent),
		cmocka_unit_test(test_seg_align_0_and_1_mean_none),
		cmocka_unit_test(test_seg_below_min),
		cmocka_unit_test(test_seg_at_min_accepted),
		cmocka_unit_test(test_seg_at_or_above_max),
		cmocka_unit_test(test_seg_memsz_overflows_max),
		cmocka_unit_test(test_seg_memsz_zero),
		cmocka_unit_test(test_seg_in_last_page_of_address_space),
		cmocka_unit_test(test_seg_overlap),
		cmocka_unit_test(test_seg_out_of_order),
		cmocka_unit_test(test_seg_sharing_a_page),
		cmocka_unit_test(test_seg_adjacent_pages_accepted),
		cmocka_unit_test(test_seg_wx_rejected),
		cmocka_unit_test(test_seg_wx_allowed_when_asked),
		cmocka_unit_test(test_entry_in_non_executable_segment),
		cmocka_unit_test(test_entry_outside_all_segments),
		cmocka_unit_test(test_entry_at_segment_bounds),
		cmocka_unit_test(test_bad_phdr_index_counts_all_headers),
		cmocka_unit_test(test_strerror_every_code),
		cmocka_unit_test(test_strerror_out_of_range),
		cmocka_unit_test(test_real_kernel),
		cmocka_unit_test(test_real_init),
		cmocka_unit_test(test_real_kernel_rejected_as_user_program),
	};

	kernel_path = argc > 1 ? argv[1] : NULL;
	init_path = argc > 2 ? argv[2] : NULL;
	return cmocka_run_group_tests(tests, NULL, free_loaded);
}
