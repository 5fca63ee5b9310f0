/*
 * make_dirs.h - `mkdir -p`: a directory and its missing parents, for the
 * shim's output root and the analyzer's plot directory.
 *
 * Must never: print, allocate, or change a directory that exists.
 */
#ifndef H5SNOOP_MAKE_DIRS_H
#define H5SNOOP_MAKE_DIRS_H

#include <sys/types.h>

/*
 * Creates `path` and each missing parent with `mode` (less the umask);
 * directories that exist are left as they are.  Returns 0, or -1 with
 * errno set (ENAMETOOLONG when the path does not fit PATH_MAX).  Does not
 * modify `path`.  Thread-safe; async-signal-safe.
 */
int make_dirs(const char *path, mode_t mode);

#endif
