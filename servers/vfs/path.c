/*
 * Path splitting (path.h).
 */
#include "path.h"

enum vfs_path_error vfs_path_parse(const char *p, size_t len,
				   struct vfs_path *out)
{
	size_t i = 0;

	out->n = 0;
	if (len > VFS_PATH_MAX)
		return VFS_PATH_TOO_LONG;
	while (i < len) {
		size_t start, n;

		while (i < len && p[i] == '/')
			i++;
		start = i;
		while (i < len && p[i] != '/') {
			if (p[i] == '\0')
				return VFS_PATH_BAD;
			i++;
		}
		n = i - start;
		if (n > VFS_NAME_MAX)
			return VFS_PATH_TOO_LONG;
		if (n == 0 || (n == 1 && p[start] == '.'))
			continue;
		if (n == 2 && p[start] == '.' && p[start + 1] == '.') {
			if (out->n)
				out->n--;
			continue;
		}
		out->off[out->n] = (uint16_t)start;
		out->len[out->n] = (uint16_t)n;
		out->n++;
	}
	return VFS_PATH_OK;
}

int vfs_path_format(const char *p, const struct vfs_path *v, char *out,
		    size_t max)
{
	size_t pos = 0;

	if (max < 2)
		return 0;
	if (v->n == 0) {
		out[0] = '/';
		out[1] = '\0';
		return 1;
	}
	for (unsigned i = 0; i < v->n; i++) {
		if (pos + 1 + v->len[i] + 1 > max)
			return 0;
		out[pos++] = '/';
		for (unsigned j = 0; j < v->len[i]; j++)
			out[pos++] = p[v->off[i] + j];
	}
	out[pos] = '\0';
	return 1;
}
