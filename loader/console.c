/*
 * Loader console: formatted ASCII lines, converted to UCS-2 for the firmware's
 * ConOut. In QEMU, OVMF copies ConOut to the serial port, so every line here
 * reaches both the screen and serial.
 */
#include <stdarg.h>

#include "lib/format.h"
#include "loader.h"

#define LINE_MAX 256

static EFI_SIMPLE_TEXT_OUT_PROTOCOL *con_out;

void con_init(EFI_SYSTEM_TABLE *st)
{
	con_out = st->ConOut;
}

static void out_ascii(const char *s)
{
	CHAR16 buf[LINE_MAX * 2 + 1];
	unsigned n = 0;

	if (!con_out)
		return;
	for (; *s && n < LINE_MAX * 2 - 1; s++) {
		if (*s == '\n')
			buf[n++] = L'\r';
		buf[n++] = (CHAR16)(unsigned char)*s;
	}
	buf[n] = 0;
	con_out->OutputString(con_out, buf);
}

static void vprint(const char *prefix, const char *fmt, va_list ap)
{
	char line[LINE_MAX];
	int n = fmt_snprintf(line, sizeof(line), "pith loader: %s", prefix);

	if (n < 0 || (unsigned)n >= sizeof(line))
		n = 0;
	fmt_vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	out_ascii(line);
	out_ascii("\n");
}

void con_print(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint("", fmt, ap);
	va_end(ap);
}

EFI_STATUS con_fail(EFI_STATUS status, const char *fmt, ...)
{
	char msg[LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	con_print("error: %s (%s)", msg, efi_status_name(status));
	return status;
}

const char *efi_status_name(EFI_STATUS status)
{
	switch (status) {
	case EFI_SUCCESS:
		return "EFI_SUCCESS";
	case EFI_LOAD_ERROR:
		return "EFI_LOAD_ERROR";
	case EFI_INVALID_PARAMETER:
		return "EFI_INVALID_PARAMETER";
	case EFI_UNSUPPORTED:
		return "EFI_UNSUPPORTED";
	case EFI_BUFFER_TOO_SMALL:
		return "EFI_BUFFER_TOO_SMALL";
	case EFI_DEVICE_ERROR:
		return "EFI_DEVICE_ERROR";
	case EFI_VOLUME_CORRUPTED:
		return "EFI_VOLUME_CORRUPTED";
	case EFI_OUT_OF_RESOURCES:
		return "EFI_OUT_OF_RESOURCES";
	case EFI_NOT_FOUND:
		return "EFI_NOT_FOUND";
	case EFI_ACCESS_DENIED:
		return "EFI_ACCESS_DENIED";
	case EFI_COMPROMISED_DATA:
		return "EFI_COMPROMISED_DATA";
	case EFI_BAD_BUFFER_SIZE:
		return "EFI_BAD_BUFFER_SIZE";
	default:
		return "EFI error";
	}
}
