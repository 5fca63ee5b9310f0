/*
 * open_regular.h - opening a file that a trace names (a stream file, the
 * metadata, a binary of the module map) only when it is a regular file.
 *
 * RATIONALE: a trace is untrusted input, and so is every path in it.
 * open(2) of a FIFO waits for a writer forever; opening a device may act
 * on it (a tape rewinds, a watchdog starts) and reading /dev/zero never
 * ends.  So the type is checked before the open (fstatat, no open of
 * anything but a regular file), the open itself cannot block
 * (O_NONBLOCK), and the descriptor is checked again (fstat) in case
 * the name was swapped in between.
 */
#ifndef H5SNOOP_OPEN_REGULAR_H
#define H5SNOOP_OPEN_REGULAR_H

#include <sys/stat.h>

/* Whether a symbolic link at `name` is followed. */
enum open_follow { OPEN_NOFOLLOW, OPEN_FOLLOW };

/*
 * Opens `name` (relative to dirfd, or AT_FDCWD) read-only and
 * close-on-exec when it is a regular file, and fills *st.  Returns the
 * descriptor (the caller closes it), or -1: *kind then names what the
 * file is when it exists but is no regular file ("a FIFO", "a symbolic
 * link", ...), else *kind is NULL and errno says why.  Reentrant;
 * async-signal-unsafe only in that it sets errno.
 */
int open_regular(int dirfd, const char *name, enum open_follow follow,
		 struct stat *st, const char **kind);

/* What a file of mode `mode` is, for messages: "a FIFO", "a socket",
 * "a directory", ... ("a regular file" for one). */
const char *open_kind_name(mode_t mode);

#endif
