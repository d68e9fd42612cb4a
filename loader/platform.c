/*
 * What the firmware knows about the machine: the GOP framebuffer, the ACPI
 * RSDP and entropy. All optional: each absence is noted on the console and
 * in boot_info's flags, never an error.
 */
#include "lib/string.h"
#include "loader.h"

void platform_framebuffer(struct boot_info *bi)
{
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop;
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *mi;
	struct boot_framebuffer *fb = &bi->fb;
	EFI_STATUS st;

	st = BS->LocateProtocol(&loader_guid_gop, NULL, (void **)&gop);
	if (EFI_ERROR(st) || !gop->Mode || !gop->Mode->Info) {
		con_print("no graphics output; no framebuffer");
		return;
	}
	mi = gop->Mode->Info;
	switch (mi->PixelFormat) {
	case PixelRedGreenBlueReserved8BitPerColor:
		fb->format = BOOT_FB_RGBX;
		break;
	case PixelBlueGreenRedReserved8BitPerColor:
		fb->format = BOOT_FB_BGRX;
		break;
	case PixelBitMask:
		fb->format = BOOT_FB_BITMASK;
		fb->red_mask = mi->PixelInformation.RedMask;
		fb->green_mask = mi->PixelInformation.GreenMask;
		fb->blue_mask = mi->PixelInformation.BlueMask;
		fb->reserved_mask = mi->PixelInformation.ReservedMask;
		break;
	default:
		con_print("graphics output has no linear framebuffer");
		return;
	}
	fb->base = gop->Mode->FrameBufferBase;
	fb->size = gop->Mode->FrameBufferSize;
	fb->width = mi->HorizontalResolution;
	fb->height = mi->VerticalResolution;
	fb->pitch = mi->PixelsPerScanLine * 4;
	bi->flags |= BOOT_INFO_HAS_FRAMEBUFFER;
	con_print("framebuffer %ux%u at 0x%llx", fb->width, fb->height,
		  (unsigned long long)fb->base);
}

static bool checksum_ok(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return sum == 0;
}

/* An RSDP is "RSD PTR ", a checksum over 20 bytes, and from revision 2 a
 * length and an extended checksum over that length. */
static bool rsdp_ok(const uint8_t *r)
{
	uint32_t len;

	if (memcmp(r, "RSD PTR ", 8) != 0 || !checksum_ok(r, 20))
		return false;
	if (r[15] < 2)
		return true;
	memcpy(&len, r + 20, 4);
	return len >= 36 && len <= 4096 && checksum_ok(r, len);
}

void platform_acpi(struct boot_info *bi)
{
	EFI_CONFIGURATION_TABLE *t = ST->ConfigurationTable;
	const uint8_t *found = NULL;

	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
		if (memcmp(&t[i].VendorGuid, &loader_guid_acpi20,
			   sizeof(EFI_GUID)) == 0) {
			found = t[i].VendorTable;
			break; /* ACPI 2.0+ is preferred */
		}
		if (memcmp(&t[i].VendorGuid, &loader_guid_acpi10,
			   sizeof(EFI_GUID)) == 0)
			found = t[i].VendorTable;
	}
	if (!found) {
		con_print("no ACPI tables from the firmware");
		return;
	}
	if (!rsdp_ok(found)) {
		con_print("ACPI RSDP at 0x%llx fails its checksum; ignored",
			  (unsigned long long)(uintptr_t)found);
		return;
	}
	bi->acpi_rsdp = (uint64_t)(uintptr_t)found;
	bi->acpi_revision = found[15];
	bi->flags |= BOOT_INFO_HAS_ACPI;
}

void platform_entropy(struct boot_info *bi)
{
	EFI_RNG_PROTOCOL *rng;
	EFI_STATUS st;

	st = BS->LocateProtocol(&loader_guid_rng, NULL, (void **)&rng);
	if (EFI_ERROR(st)) {
		con_print("no EFI_RNG_PROTOCOL: boot_info carries no entropy");
		return;
	}
	st = rng->GetRNG(rng, NULL, sizeof(bi->entropy), bi->entropy);
	if (EFI_ERROR(st)) {
		memset(bi->entropy, 0, sizeof(bi->entropy));
		con_print("EFI_RNG_PROTOCOL failed (%s): boot_info carries no "
			  "entropy",
			  efi_status_name(st));
		return;
	}
	bi->flags |= BOOT_INFO_HAS_ENTROPY;
	con_print("%u bytes of entropy from EFI_RNG_PROTOCOL",
		  (unsigned)sizeof(bi->entropy));
}
