/*
 * Reading whole files from the volume the loader was started from.
 */
#include "lib/string.h"
#include "loader.h"

#define PATH_MAX_CHARS 128

EFI_STATUS files_open_volume(EFI_HANDLE image, EFI_FILE_HANDLE *root)
{
	EFI_LOADED_IMAGE *li;
	EFI_FILE_IO_INTERFACE *fs;
	EFI_STATUS st;

	st = BS->HandleProtocol(image, &loader_guid_loaded_image, (void **)&li);
	if (EFI_ERROR(st))
		return con_fail(st, "cannot find the loader's own image");
	st = BS->HandleProtocol(li->DeviceHandle, &loader_guid_simple_fs,
				(void **)&fs);
	if (EFI_ERROR(st))
		return con_fail(st, "the boot device has no file system");
	st = fs->OpenVolume(fs, root);
	if (EFI_ERROR(st))
		return con_fail(st, "cannot open the boot volume");
	return EFI_SUCCESS;
}

/* The size of an open file, from EFI_FILE_INFO. */
static EFI_STATUS file_size(EFI_FILE_HANDLE fh, uint64_t *size)
{
	union {
		EFI_FILE_INFO info;
		uint8_t raw[sizeof(EFI_FILE_INFO) +
			    sizeof(CHAR16) * PATH_MAX_CHARS];
	} buf;
	UINTN len = sizeof(buf);
	EFI_STATUS st;

	st = fh->GetInfo(fh, &loader_guid_file_info, &len, &buf);
	if (EFI_ERROR(st))
		return st;
	if (buf.info.Attribute & EFI_FILE_DIRECTORY)
		return EFI_UNSUPPORTED;
	*size = buf.info.FileSize;
	return EFI_SUCCESS;
}

static EFI_STATUS read_all(EFI_FILE_HANDLE fh, uint8_t *dst, uint64_t size)
{
	uint64_t done = 0;

	while (done < size) {
		UINTN len = size - done;
		EFI_STATUS st = fh->Read(fh, &len, dst + done);

		if (EFI_ERROR(st))
			return st;
		if (len == 0)
			return EFI_END_OF_FILE; /* shorter than it said */
		done += len;
	}
	return EFI_SUCCESS;
}

EFI_STATUS files_read(EFI_FILE_HANDLE root, const char *path, uint64_t max_size,
		      struct loaded_file *out)
{
	CHAR16 wpath[PATH_MAX_CHARS];
	EFI_FILE_HANDLE fh;
	EFI_PHYSICAL_ADDRESS addr;
	EFI_STATUS st;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->path = path;
	for (i = 0; i < PATH_MAX_CHARS - 1 && path[i]; i++)
		wpath[i] = (CHAR16)path[i];
	wpath[i] = 0;

	st = root->Open(root, &fh, wpath, EFI_FILE_MODE_READ, 0);
	if (st == EFI_NOT_FOUND)
		return st; /* the caller words this one */
	if (EFI_ERROR(st))
		return con_fail(st, "%s: cannot open", path);

	st = file_size(fh, &out->size);
	if (st == EFI_UNSUPPORTED)
		con_fail(st, "%s: is a directory", path);
	else if (EFI_ERROR(st))
		con_fail(st, "%s: cannot read its size", path);
	else if (out->size == 0)
		st = con_fail(EFI_LOAD_ERROR, "%s: file is empty", path);
	else if (out->size > max_size)
		st = con_fail(EFI_BAD_BUFFER_SIZE,
			      "%s: file is %llu bytes, more than the %llu "
			      "allowed",
			      path, (unsigned long long)out->size,
			      (unsigned long long)max_size);
	if (EFI_ERROR(st))
		goto out;

	out->pages = PAGES(out->size + 1); /* room for a terminating NUL */
	st = BS->AllocatePages(AllocateAnyPages, EfiLoaderData, out->pages,
			       &addr);
	if (EFI_ERROR(st)) {
		con_fail(st, "%s: no memory for %llu bytes", path,
			 (unsigned long long)out->size);
		goto out;
	}
	out->data = (uint8_t *)(uintptr_t)addr;
	out->data[out->size] = '\0';
	st = read_all(fh, out->data, out->size);
	if (EFI_ERROR(st)) {
		con_fail(st, "%s: read error", path);
		files_free(out);
	}
out:
	fh->Close(fh);
	return st;
}

void files_free(struct loaded_file *f)
{
	if (f->data)
		BS->FreePages((EFI_PHYSICAL_ADDRESS)(uintptr_t)f->data,
			      f->pages);
	f->data = NULL;
	f->pages = 0;
}
