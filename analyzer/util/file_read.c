/*
 * file_read.c - see file_read.h.
 *
 * Must never: move the file offset (pread), or loop forever on a file
 * that ends early.
 */
#include "file_read.h"

#include <errno.h>
#include <unistd.h>

int file_read_at(int fd, void *buf, size_t len, uint64_t off)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(fd, (uint8_t *)buf + got, len - got,
				  (off_t)(off + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EIO; /* the file ended before the range */
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}
