/*
 * Pith's UEFI loader: \EFI\BOOT\BOOTX64.EFI on the EFI System Partition.
 *
 * Reads \pith\boot.cfg (the kernel command line; optional), \pith\kernel.elf
 * and \pith\initrd from its own volume, checks them, loads the kernel and
 * hands over (handoff.c). Any failure prints one line naming the file and
 * the problem and returns an EFI error to the firmware.
 */
#include "lib/cmdline.h"
#include "lib/cpio.h"
#include "lib/string.h"
#include "loader.h"

#define KERNEL_PATH "\\pith\\kernel.elf"
#define INITRD_PATH "\\pith\\initrd"
#define CONFIG_PATH "\\pith\\boot.cfg"

#define KERNEL_MAX (64ULL << 20)
#define INITRD_MAX (1ULL << 30)
#define CONFIG_MAX (16ULL << 10) /* comments included */

static char cmdline[BOOT_CMDLINE_MAX];

/* boot.cfg becomes the command line: printable text whose options (comments
 * dropped) fit in BOOT_CMDLINE_MAX - 1 bytes. A missing file means an empty
 * command line. */
static EFI_STATUS read_config(EFI_FILE_HANDLE root)
{
	struct loaded_file f;
	EFI_STATUS st;

	st = files_read(root, CONFIG_PATH, CONFIG_MAX, &f);
	if (st == EFI_NOT_FOUND) {
		con_print("no %s; empty command line", CONFIG_PATH);
		return EFI_SUCCESS;
	}
	if (EFI_ERROR(st))
		return st;
	for (uint64_t i = 0; i < f.size; i++) {
		if (f.data[i] == 0 || f.data[i] > 0x7e ||
		    (f.data[i] < 0x20 && f.data[i] != '\n' &&
		     f.data[i] != '\r' && f.data[i] != '\t')) {
			files_free(&f);
			return con_fail(EFI_LOAD_ERROR,
					"%s: byte %llu is not printable ASCII",
					CONFIG_PATH, (unsigned long long)i);
		}
	}
	if (!cmdline_normalize(cmdline, sizeof(cmdline), (char *)f.data)) {
		files_free(&f);
		return con_fail(EFI_BAD_BUFFER_SIZE,
				"%s: options exceed %u bytes", CONFIG_PATH,
				BOOT_CMDLINE_MAX - 1);
	}
	files_free(&f);
	con_print("command line: %s", cmdline);
	return EFI_SUCCESS;
}

static EFI_STATUS read_required(EFI_FILE_HANDLE root, const char *path,
				uint64_t max, struct loaded_file *f)
{
	EFI_STATUS st = files_read(root, path, max, f);

	if (st == EFI_NOT_FOUND)
		return con_fail(st, "%s: not found on the boot volume", path);
	return st;
}

static EFI_STATUS load_kernel(EFI_FILE_HANDLE root, struct kernel_image *k)
{
	struct loaded_file f;
	EFI_STATUS st;

	st = read_required(root, KERNEL_PATH, KERNEL_MAX, &f);
	if (EFI_ERROR(st))
		return st;
	st = kernel_load(&f, k);
	files_free(&f);
	if (!EFI_ERROR(st))
		con_print("%s: %llu KiB image at 0x%llx, entry 0x%llx",
			  KERNEL_PATH, (unsigned long long)k->size / 1024,
			  (unsigned long long)k->phys,
			  (unsigned long long)k->entry);
	return st;
}

static EFI_STATUS load_initrd(EFI_FILE_HANDLE root, struct loaded_file *f)
{
	enum cpio_error err;
	size_t members;
	EFI_STATUS st;

	st = read_required(root, INITRD_PATH, INITRD_MAX, f);
	if (EFI_ERROR(st))
		return st;
	err = cpio_check(f->data, f->size, &members);
	if (err != CPIO_OK) {
		files_free(f);
		return con_fail(EFI_LOAD_ERROR, "%s: %s", INITRD_PATH,
				cpio_strerror(err));
	}
	con_print("%s: %llu KiB, %u files", INITRD_PATH,
		  (unsigned long long)f->size / 1024, (unsigned)members);
	return EFI_SUCCESS;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st_in);

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st_in)
{
	struct handoff h = {.image = image, .cmdline = cmdline};
	EFI_FILE_HANDLE root;
	EFI_STATUS st;

	ST = st_in;
	BS = st_in->BootServices;
	con_init(st_in);
	con_print("Pith UEFI loader, boot_info version %d", BOOT_INFO_VERSION);
	/* The firmware's watchdog would reset us after 5 minutes. */
	BS->SetWatchdogTimer(0, 0, 0, NULL);

	st = files_open_volume(image, &root);
	if (EFI_ERROR(st))
		return st;
	st = read_config(root);
	if (!EFI_ERROR(st))
		st = load_kernel(root, &h.kernel);
	if (!EFI_ERROR(st))
		st = load_initrd(root, &h.initrd);
	root->Close(root);

	h.test_stale_mapkey = cmdline_flag(cmdline, "loader.test_stale_mapkey");
	if (!EFI_ERROR(st))
		st = handoff_boot(&h); /* returns only on failure */
	/* Give the firmware its memory back: it goes on to other boot
	 * options. (Page tables and boot_info, if made, are small.) */
	files_free(&h.initrd);
	kernel_free(&h.kernel);
	return st;
}
