/*
 * What gnu-efi's library would have provided, had we linked it: the global
 * table pointers and the protocol GUIDs, from gnu-efi's header macros.
 * memcpy/memset (which Clang may emit calls to) come from lib/string.c.
 */
#include "loader.h"

EFI_SYSTEM_TABLE *ST;
EFI_BOOT_SERVICES *BS;

EFI_GUID loader_guid_loaded_image = EFI_LOADED_IMAGE_PROTOCOL_GUID;
EFI_GUID loader_guid_simple_fs = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
EFI_GUID loader_guid_file_info = EFI_FILE_INFO_ID;
EFI_GUID loader_guid_gop = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;
EFI_GUID loader_guid_rng = EFI_RNG_PROTOCOL_GUID;
EFI_GUID loader_guid_acpi20 = ACPI_20_TABLE_GUID;
EFI_GUID loader_guid_acpi10 = ACPI_TABLE_GUID;
