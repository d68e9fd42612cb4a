/*
 * Host tests for lib/elf.c: elf_parse() on ELF images built in memory, one
 * mutation per error, position-independent images (their dynamic section
 * and relocations, elf_relocate_page()), and on the real kernel, root task
 * and PIE child of the build (the child is found next to the root task).
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
	struct elf_limits lim = {ET_EXEC, 0x10000, UINT64_MAX, false, false};

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

/* ---- position-independent images --------------------------------------- */

static const struct elf_limits pie_limits = {
	.type = ET_EXEC,
	.vaddr_min = 0x10000,
	.vaddr_max = 0x00007ffeffff0000ULL,
	.allow_wx = false,
	.allow_pie = true,
};

#define PIE_DYN	     (PAGE + 0x100) /* link-time address of .dynamic */
#define PIE_RELA     (PAGE + 0x200) /* and of the relocation table */
#define PIE_DYN_OFF  (2 * PAGE + 0x100)
#define PIE_RELA_OFF (2 * PAGE + 0x200)
#define PIE_MAX	     16
#define PIE_BIAS     0x7f5a3000ULL
#define DT_IGNORED   21 /* DT_DEBUG: nothing for a loader */

/*
 * A static PIE under construction: text RX at 0, read-only data at PAGE
 * (relocated words at its start, .dynamic at PIE_DYN, the relocation
 * table at PIE_RELA: 0x400 file bytes), data RW at 2 * PAGE with bss,
 * and PT_DYNAMIC as header 3. dyn[] ends with DT_NULL once pie_finish()
 * has run.
 */
struct pie_file {
	struct elf_file f;
	struct elf64_dyn dyn[PIE_MAX];
	unsigned ndyn;
	struct elf64_rela rela[PIE_MAX];
	unsigned nrela;
};

static void pie_add_dyn(struct pie_file *p, int64_t tag, uint64_t val)
{
	assert_true(p->ndyn < PIE_MAX);
	p->dyn[p->ndyn++] = (struct elf64_dyn){tag, val};
}

static void pie_add_rela(struct pie_file *p, uint64_t at, int64_t addend)
{
	assert_true(p->nrela < PIE_MAX);
	p->rela[p->nrela++] =
		(struct elf64_rela){at, R_X86_64_RELATIVE, addend};
}

/* Two relocations: a pointer to text in the read-only data, a pointer to
 * read-only data in the data segment. */
static void make_pie(struct pie_file *p)
{
	memset(p, 0, sizeof(*p));
	make_elf(&p->f, 4);
	p->f.eh.e_type = ET_DYN;
	p->f.eh.e_entry = 0x10;
	for (unsigned i = 0; i < 3; i++) {
		p->f.ph[i].p_vaddr = PAGE * i;
		p->f.ph[i].p_paddr = PAGE * i;
	}
	p->f.ph[1].p_flags = PF_R;
	p->f.ph[1].p_filesz = 0x400;
	p->f.ph[1].p_memsz = 0x400;
	p->f.ph[2].p_memsz = 0x2000;
	p->f.ph[3] = (struct elf64_phdr){
		.p_type = PT_DYNAMIC,
		.p_flags = PF_R,
		.p_offset = PIE_DYN_OFF,
		.p_vaddr = PIE_DYN,
		.p_align = 8,
	};
	pie_add_rela(p, PAGE + 0x10, 0x20);
	pie_add_rela(p, 2 * PAGE + 0x8, PAGE + 0x30);
	pie_add_dyn(p, 0x6ffffffb, 1); /* DT_FLAGS_1: PIE */
	pie_add_dyn(p, DT_IGNORED, 0);
	pie_add_dyn(p, DT_RELA, PIE_RELA);
	pie_add_dyn(p, DT_RELASZ, 2 * sizeof(struct elf64_rela));
	pie_add_dyn(p, DT_RELAENT, sizeof(struct elf64_rela));
}

/* The file: headers, then the dynamic section (with DT_NULL and
 * p_filesz to match, unless the test set p_filesz) and the relocations. */
static uint8_t *pie_serialise(struct pie_file *p)
{
	uint8_t *buf;
	size_t dyn_bytes = (p->ndyn + 1) * sizeof(struct elf64_dyn);

	if (!p->f.ph[3].p_filesz)
		p->f.ph[3].p_filesz = p->f.ph[3].p_memsz = dyn_bytes;
	buf = serialise(&p->f, p->f.size);
	memcpy(buf + PIE_DYN_OFF, p->dyn, p->ndyn * sizeof(p->dyn[0]));
	memcpy(buf + PIE_RELA_OFF, p->rela, p->nrela * sizeof(p->rela[0]));
	return buf;
}

static enum elf_error pie_parse(struct pie_file *p, struct elf_image *img)
{
	uint8_t *buf = pie_serialise(p);
	enum elf_error err = elf_parse(buf, p->f.size, &pie_limits, img);

	free(buf);
	return err;
}

static void pie_expect(struct pie_file *p, enum elf_error want, int bad_phdr)
{
	struct elf_image img;

	assert_int_equal(pie_parse(p, &img), want);
	assert_int_equal(img.bad_phdr, bad_phdr);
}

static void test_pie_valid(void **state)
{
	struct pie_file p;
	struct elf_image img;

	(void)state;
	make_pie(&p);
	assert_int_equal(pie_parse(&p, &img), ELF_OK);
	assert_true(img.pie);
	assert_int_equal(img.nsegs, 3);
	assert_int_equal(img.vaddr_lo, 0);
	assert_int_equal(img.vaddr_hi, 4 * PAGE);
	assert_int_equal(img.entry, 0x10);
	assert_int_equal(img.nrela, 2);
	assert_int_equal(img.rela_offset, PIE_RELA_OFF);
	assert_true(img.rela_sorted);
	assert_int_equal(img.bad_phdr, -1);
}

static void test_pie_refused_unless_allowed(void **state)
{
	struct pie_file p;
	struct elf_image img;
	uint8_t *buf;

	(void)state;
	make_pie(&p);
	buf = pie_serialise(&p);
	assert_int_equal(elf_parse(buf, p.f.size, &user_limits, &img),
			 ELF_E_TYPE);
	free(buf);
}

static void test_pie_without_dynamic_section(void **state)
{
	struct pie_file p;
	struct elf_image img;

	(void)state;
	make_pie(&p);
	p.f.eh.e_phnum = 3;
	p.f.nph = 3;
	assert_int_equal(pie_parse(&p, &img), ELF_OK);
	assert_true(img.pie);
	assert_int_equal(img.nrela, 0);
}

static void test_pie_without_relocations(void **state)
{
	struct pie_file p;
	struct elf_image img;

	(void)state;
	make_pie(&p);
	p.ndyn = 2; /* FLAGS_1 and DEBUG only */
	assert_int_equal(pie_parse(&p, &img), ELF_OK);
	assert_int_equal(img.nrela, 0);
}

/* Linked anywhere: addresses below vaddr_min are fine for a PIE. */
static void test_pie_span_checked_not_addresses(void **state)
{
	struct pie_file p;
	struct elf_image img;
	struct elf_limits small = pie_limits;
	uint8_t *buf;

	(void)state;
	make_pie(&p);
	buf = pie_serialise(&p);
	small.vaddr_max = small.vaddr_min + 4 * PAGE; /* just fits */
	assert_int_equal(elf_parse(buf, p.f.size, &small, &img), ELF_OK);
	small.vaddr_max -= PAGE; /* the bss's last page does not */
	assert_int_equal(elf_parse(buf, p.f.size, &small, &img),
			 ELF_E_SEG_RANGE);
	assert_int_equal(img.bad_phdr, 2);
	small.vaddr_max = small.vaddr_min; /* no room at all */
	assert_int_equal(elf_parse(buf, p.f.size, &small, &img),
			 ELF_E_SEG_RANGE);
	assert_int_equal(img.bad_phdr, 0);
	free(buf);
}

static void test_pie_segment_wraps(void **state)
{
	struct pie_file p;

	(void)state;
	make_pie(&p);
	p.f.ph[2].p_vaddr = UINT64_MAX - 0xff;
	p.f.ph[2].p_align = 0;
	pie_expect(&p, ELF_E_SEG_RANGE, 2);
}

static void test_pie_segments_overlap_or_out_of_order(void **state)
{
	struct pie_file p;

	(void)state;
	make_pie(&p);
	p.f.ph[1].p_vaddr = 0x800; /* on the text's page */
	p.f.ph[1].p_offset = PAGE + 0x800;
	pie_expect(&p, ELF_E_SEG_OVERLAP, 1);
	make_pie(&p);
	p.f.ph[0].p_vaddr = 8 * PAGE; /* text above the rest */
	p.f.ph[0].p_offset = PAGE;
	p.f.eh.e_entry = 8 * PAGE;
	pie_expect(&p, ELF_E_SEG_OVERLAP, 1);
}

static void test_pie_interpreter(void **state)
{
	struct pie_file p;

	(void)state;
	make_pie(&p);
	p.f.ph[3].p_type = PT_INTERP;
	pie_expect(&p, ELF_E_DYNAMIC, 3);
}

/* ---- a PIE's dynamic section ---- */

static void test_pie_dynamic_outside_file(void **state)
{
	struct pie_file p;

	(void)state;
	make_pie(&p);
	p.f.ph[3].p_filesz = p.f.size; /* from PIE_DYN_OFF: past the end */
	pie_expect(&p, ELF_E_DYN_MALFORMED, 3);
	make_pie(&p);
	p.f.ph[3].p_offset = UINT64_MAX - 8;
	pie_expect(&p, ELF_E_DYN_MALFORMED, 3);
}

static void test_pie_dynamic_odd_size(void **state)
{
	struct pie_file p;

	(void)state;
	make_pie(&p);
	p.f.ph[3].p_filesz = 6 * sizeof(struct elf64_dyn) - 8;
	pie_expect(&p, ELF_E_DYN_MALFORMED, 3);
}

static void test_pie_dynamic_without_end(void **state)
{
	struct pie_file p;

	(void)state;
	make_pie(&p);
	/* The section ends before the DT_NULL that follows the entries. */
	p.f.ph[3].p_filesz = p.ndyn * sizeof(struct elf64_dyn);
	pie_expect(&p, ELF_E_DYN_MALFORMED, 3);
}

static void test_pie_two_dynamic_sections(void **state)
{
	struct pie_file p;

	(void)state;
	make_pie(&p);
	p.f.eh.e_phnum = 5;
	p.f.nph = 5;
	p.f.ph[4] = p.f.ph[3];
	p.f.ph[3].p_filesz = 6 * sizeof(struct elf64_dyn);
	p.f.ph[4].p_filesz = p.f.ph[3].p_filesz;
	pie_expect(&p, ELF_E_DYN_MALFORMED, 4);
}

static void test_pie_relocation_table_malformed(void **state)
{
	struct pie_file p;

	(void)state;
	make_pie(&p);
	p.dyn[3].d_tag = DT_IGNORED; /* DT_RELASZ gone */
	pie_expect(&p, ELF_E_DYN_MALFORMED, 3);
	make_pie(&p);
	p.dyn[2].d_tag = DT_IGNORED; /* DT_RELA gone */
	pie_expect(&p, ELF_E_DYN_MALFORMED, 3);
	make_pie(&p);
	p.dyn[4].d_val = 16; /* DT_RELAENT */
	pie_expect(&p, ELF_E_DYN_MALFORMED, 3);
	make_pie(&p);
	p.dyn[3].d_val = 2 * sizeof(struct elf64_rela) + 1; /* DT_RELASZ */
	pie_expect(&p, ELF_E_DYN_MALFORMED, 3);
}

/* The table must lie in a segment's file bytes: not in the bss, not
 * across a segment's end, not outside every segment, no wrap. */
static void test_pie_relocation_table_outside(void **state)
{
	const uint64_t where[] = {2 * PAGE + 0x200, PAGE + 0x3f0, 8 * PAGE,
				  UINT64_MAX - 0x10};
	struct pie_file p;

	(void)state;
	for (unsigned i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		make_pie(&p);
		p.dyn[2].d_val = where[i]; /* DT_RELA */
		pie_expect(&p, ELF_E_DYN_MALFORMED, 3);
	}
}

static void test_pie_needs_dynamic_linking(void **state)
{
	const int64_t tags[] = {DT_NEEDED, DT_JMPREL, DT_REL,
				DT_RELSZ,  DT_RELR,   DT_RELRSZ};
	struct pie_file p;
	struct elf_image img;

	(void)state;
	for (unsigned i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		make_pie(&p);
		pie_add_dyn(&p, tags[i], 0x10);
		pie_expect(&p, ELF_E_DYN_UNSUPPORTED, 3);
	}
	make_pie(&p);
	pie_add_dyn(&p, DT_PLTRELSZ, 24);
	pie_expect(&p, ELF_E_DYN_UNSUPPORTED, 3);
	make_pie(&p);
	pie_add_dyn(&p, DT_PLTRELSZ, 0); /* an empty PLT is no PLT */
	assert_int_equal(pie_parse(&p, &img), ELF_OK);
}

static void test_pie_text_relocations_flagged(void **state)
{
	struct pie_file p;
	struct elf_image img;

	(void)state;
	make_pie(&p);
	pie_add_dyn(&p, DT_TEXTREL, 0);
	pie_expect(&p, ELF_E_RELOC_TEXT, 3);
	make_pie(&p);
	pie_add_dyn(&p, DT_FLAGS, DF_TEXTREL | 0x8);
	pie_expect(&p, ELF_E_RELOC_TEXT, 3);
	make_pie(&p);
	pie_add_dyn(&p, DT_FLAGS, 0x8); /* DF_BIND_NOW alone */
	assert_int_equal(pie_parse(&p, &img), ELF_OK);
}

/* ---- a PIE's relocations ---- */

static void test_pie_relocation_types(void **state)
{
	const uint64_t info[] = {0, 1 /* R_X86_64_64 */,
				 (1ULL << 32) | R_X86_64_RELATIVE,
				 37 /* R_X86_64_IRELATIVE */};
	struct pie_file p;

	(void)state;
	for (unsigned i = 0; i < sizeof(info) / sizeof(info[0]); i++) {
		make_pie(&p);
		p.rela[1].r_info = info[i];
		pie_expect(&p, ELF_E_RELOC_TYPE, 3);
	}
}

/* Outside every segment, in the bss, across the end of a segment's file
 * bytes, wrapping. */
static void test_pie_relocation_outside(void **state)
{
	const uint64_t at[] = {8 * PAGE, 2 * PAGE + 0x100, 2 * PAGE + 0xfc,
			       PAGE + 0x3fc, UINT64_MAX - 3};
	struct pie_file p;

	(void)state;
	for (unsigned i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		make_pie(&p);
		p.rela[1].r_offset = at[i];
		pie_expect(&p, ELF_E_RELOC_RANGE, 3);
	}
}

static void test_pie_relocation_in_text(void **state)
{
	struct pie_file p;

	(void)state;
	make_pie(&p);
	p.rela[0].r_offset = 0x40;
	pie_expect(&p, ELF_E_RELOC_TEXT, 3);
}

/* Load the image's pages as a loader does: file bytes, then
 * elf_relocate_page(); page i of the image is pages + i * PAGE. */
static void pie_load(const uint8_t *file, const struct elf_image *img,
		     uint8_t *pages)
{
	memset(pages, 0, img->vaddr_hi - img->vaddr_lo);
	for (unsigned i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->seg[i];

		memcpy(pages + s->vaddr - img->vaddr_lo, file + s->offset,
		       s->filesz);
	}
	for (uint64_t va = img->vaddr_lo; va < img->vaddr_hi; va += PAGE)
		elf_relocate_page(file, img, PIE_BIAS, va,
				  pages + va - img->vaddr_lo);
}

static uint64_t word_at(const uint8_t *pages, uint64_t off)
{
	uint64_t w;

	memcpy(&w, pages + off, sizeof(w));
	return w;
}

static void test_pie_relocate_pages(void **state)
{
	struct pie_file p;
	struct elf_image img;
	uint8_t *file, *pages;

	(void)state;
	make_pie(&p);
	file = pie_serialise(&p);
	assert_int_equal(elf_parse(file, p.f.size, &pie_limits, &img), ELF_OK);
	file[PAGE + 0x18] = 0x5a; /* a byte of text */
	pages = malloc(img.vaddr_hi);
	assert_non_null(pages);
	pie_load(file, &img, pages);
	assert_int_equal(word_at(pages, PAGE + 0x10), PIE_BIAS + 0x20);
	assert_int_equal(word_at(pages, 2 * PAGE + 0x8),
			 PIE_BIAS + PAGE + 0x30);
	assert_int_equal(word_at(pages, PAGE + 0x8), 0);
	assert_int_equal(word_at(pages, 2 * PAGE + 0x10), 0);
	assert_int_equal(pages[0x18], 0x5a);
	free(pages);
	free(file);
}

/* Unsorted, and a word that straddles two pages: the whole table is
 * searched, and each page gets its part of the word. */
static void test_pie_relocate_unsorted_straddling(void **state)
{
	struct pie_file p;
	struct elf_image img;
	uint8_t *file, *pages;

	(void)state;
	make_pie(&p);
	/* The read-only segment spans two pages: the data moves up. */
	p.f.ph[1].p_filesz = p.f.ph[1].p_memsz = PAGE + 0x10;
	p.f.ph[2].p_vaddr = 3 * PAGE;
	p.f.ph[2].p_offset = 4 * PAGE;
	p.f.size = 5 * PAGE;
	p.nrela = 0;
	pie_add_rela(&p, 3 * PAGE + 0x8, -0x10);
	pie_add_rela(&p, 2 * PAGE - 4, 0x1122);
	pie_add_rela(&p, PAGE, 0x30);
	p.dyn[3].d_val = 3 * sizeof(struct elf64_rela);
	file = pie_serialise(&p);
	assert_int_equal(elf_parse(file, p.f.size, &pie_limits, &img), ELF_OK);
	assert_false(img.rela_sorted);
	pages = malloc(img.vaddr_hi);
	assert_non_null(pages);
	pie_load(file, &img, pages);
	assert_int_equal(word_at(pages, 3 * PAGE + 0x8), PIE_BIAS - 0x10);
	assert_int_equal(word_at(pages, 2 * PAGE - 4), PIE_BIAS + 0x1122);
	assert_int_equal(word_at(pages, PAGE), PIE_BIAS + 0x30);
	free(pages);
	free(file);
}

/* Sorted: each page gets exactly its words, found by the search. */
static void test_pie_relocate_sorted_many(void **state)
{
	struct pie_file p;
	struct elf_image img;
	uint8_t *file, *pages;

	(void)state;
	make_pie(&p);
	p.f.ph[1].p_filesz = p.f.ph[1].p_memsz = PAGE + 0x100;
	p.f.ph[2].p_vaddr = 3 * PAGE;
	p.f.ph[2].p_offset = 4 * PAGE;
	p.f.size = 5 * PAGE;
	p.nrela = 0;
	for (uint64_t i = 0; i < 6; i++)
		pie_add_rela(&p, PAGE + 0xfe8 + 8 * i, (int64_t)i);
	pie_add_rela(&p, 3 * PAGE, 0x99);
	p.dyn[3].d_val = 7 * sizeof(struct elf64_rela);
	file = pie_serialise(&p);
	assert_int_equal(elf_parse(file, p.f.size, &pie_limits, &img), ELF_OK);
	assert_true(img.rela_sorted);
	pages = malloc(img.vaddr_hi);
	assert_non_null(pages);
	pie_load(file, &img, pages);
	for (uint64_t i = 0; i < 6; i++)
		assert_int_equal(word_at(pages, PAGE + 0xfe8 + 8 * i),
				 PIE_BIAS + i);
	assert_int_equal(word_at(pages, 3 * PAGE), PIE_BIAS + 0x99);
	assert_int_equal(word_at(pages, PAGE + 0xfe0), 0);
	free(pages);
	free(file);
}

static void test_relocate_page_position_dependent(void **state)
{
	struct elf_file f;
	struct elf_image img;
	uint8_t *file, page[PAGE];

	(void)state;
	make_elf(&f, 2);
	file = serialise(&f, f.size);
	assert_int_equal(elf_parse(file, f.size, &user_limits, &img), ELF_OK);
	memset(page, 0x33, sizeof(page));
	elf_relocate_page(file, &img, PIE_BIAS, USER_BASE, page);
	for (unsigned i = 0; i < PAGE; i++)
		assert_int_equal(page[i], 0x33);
	free(file);
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
				 0xffffffffc0000000ULL, false, false};

	(void)state;
	check_real_file(kernel_path, &lim);
}

static void test_real_init(void **state)
{
	(void)state;
	check_real_file(init_path, &user_limits);
}

/* The PIE child of the build, next to the root task: a static PIE with
 * relocations, none of them in text. */
static void test_real_child_pie(void **state)
{
	char path[4096];
	const char *slash = init_path ? strrchr(init_path, '/') : NULL;
	struct elf_image img;
	size_t size = 0;
	const uint8_t *file;

	(void)state;
	if (!init_path || !slash ||
	    snprintf(path, sizeof(path), "%.*s/child", (int)(slash - init_path),
		     init_path) >= (int)sizeof(path))
		skip();
	file = load_file(path, &size);
	if (!file) {
		print_message("%s: not built, skipped\n", path);
		skip();
	}
	assert_int_equal(elf_parse(file, size, &pie_limits, &img), ELF_OK);
	assert_true(img.pie);
	assert_true(img.nrela > 0);
	assert_int_equal(img.vaddr_lo, 0); /* linked at 0 (sdk/user-pie.ld) */
	assert_true(img.entry < img.vaddr_hi);
	assert_int_equal(elf_parse(file, size, &user_limits, &img), ELF_E_TYPE);
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
		cmocka_unit_test(test_pie_valid),
		cmocka_unit_test(test_pie_refused_unless_allowed),
		cmocka_unit_test(test_pie_without_dynamic_section),
		cmocka_unit_test(test_pie_without_relocations),
		cmocka_unit_test(test_pie_span_checked_not_addresses),
		cmocka_unit_test(test_pie_segment_wraps),
		cmocka_unit_test(test_pie_segments_overlap_or_out_of_order),
		cmocka_unit_test(test_pie_interpreter),
		cmocka_unit_test(test_pie_dynamic_outside_file),
		cmocka_unit_test(test_pie_dynamic_odd_size),
		cmocka_unit_test(test_pie_dynamic_without_end),
		cmocka_unit_test(test_pie_two_dynamic_sections),
		cmocka_unit_test(test_pie_relocation_table_malformed),
		cmocka_unit_test(test_pie_relocation_table_outside),
		cmocka_unit_test(test_pie_needs_dynamic_linking),
		cmocka_unit_test(test_pie_text_relocations_flagged),
		cmocka_unit_test(test_pie_relocation_types),
		cmocka_unit_test(test_pie_relocation_outside),
		cmocka_unit_test(test_pie_relocation_in_text),
		cmocka_unit_test(test_pie_relocate_pages),
		cmocka_unit_test(test_pie_relocate_unsorted_straddling),
		cmocka_unit_test(test_pie_relocate_sorted_many),
		cmocka_unit_test(test_relocate_page_position_dependent),
		cmocka_unit_test(test_strerror_every_code),
		cmocka_unit_test(test_strerror_out_of_range),
		cmocka_unit_test(test_real_kernel),
		cmocka_unit_test(test_real_init),
		cmocka_unit_test(test_real_child_pie),
		cmocka_unit_test(test_real_kernel_rejected_as_user_program),
	};

	kernel_path = argc > 1 ? argv[1] : NULL;
	init_path = argc > 2 ? argv[2] : NULL;
	return cmocka_run_group_tests(tests, NULL, free_loaded);
}
