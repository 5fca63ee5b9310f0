/*
 * file_read.h - reading a whole range of a file, as the reader (stream
 * files) and the symbolizer (ELF files) need it.
 *
 * Must never: print, or return part of a range as if it were all.
 */
#ifndef H5SNOOP_FILE_READ_H
#define H5SNOOP_FILE_READ_H

#include <stddef.h>
#include <stdint.h>

/*
 * Reads bytes [off, off + len) of fd into buf, retrying short reads and
 * EINTR.  Returns 0, or -1 with errno (EIO when the file ends before the
 * range: it shrank, or the range was never in it).  Thread-safe (pread).
 */
int file_read_at(int fd, void *buf, size_t len, uint64_t off);

#endif
