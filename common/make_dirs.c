/*
 * make_dirs.c - `mkdir -p` (see make_dirs.h).
 *
 * Must never: call anything but mkdir on the way (the shim calls it with
 * its session lock held, inside the host).
 */
#include "make_dirs.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

int make_dirs(const char *path, mode_t mode)
{
	char copy[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(copy)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(copy, path, len + 1);
	/* Each parent in turn, cut at its '/'; a leading "/" is never made
	 * (and "" reaches mkdir, which says ENOENT). */
	for (char *p = copy + (len > 0); *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, mode) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(copy, mode) != 0 && errno != EEXIST ? -1 : 0;
}
