/*
 * open_regular.c - opening only regular files (see open_regular.h).
 *
 * Must never: open a FIFO, a device or a socket, block, or print.
 */
#include "open_regular.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

const char *open_kind_name(mode_t mode)
{
	return S_ISREG(mode)    ? "a regular file"
	       : S_ISDIR(mode)  ? "a directory"
	       : S_ISFIFO(mode) ? "a FIFO"
	       : S_ISSOCK(mode) ? "a socket"
	       : S_ISLNK(mode)  ? "a symbolic link"
	       : S_ISCHR(mode)  ? "a character device"
	       : S_ISBLK(mode)  ? "a block device"
				: "of an unknown file type";
}

int open_regular(int dirfd, const char *name, enum open_follow follow,
		 struct stat *st, const char **kind)
{
	int nofollow = follow == OPEN_NOFOLLOW;
	struct stat before;
	int fd;

	*kind = NULL;
	if (fstatat(dirfd, name, &before,
		    nofollow ? AT_SYMLINK_NOFOLLOW : 0) != 0)
		return -1;
	if (!S_ISREG(before.st_mode)) {
		*kind = open_kind_name(before.st_mode);
		errno = EINVAL;
		return -1;
	}
	fd = openat(dirfd, name,
		    O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY |
			    (nofollow ? O_NOFOLLOW : 0));
	if (fd < 0)
		return -1;
	if (fstat(fd, st) != 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	/* NOTE: swapped for something else since the fstatat (another
	 * regular file in its place is as good). */
	if (!S_ISREG(st->st_mode)) {
		*kind = open_kind_name(st->st_mode);
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}
