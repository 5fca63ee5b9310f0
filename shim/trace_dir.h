/*
 * trace_dir.h - the process's trace directory: H5SNOOP_OUTPUT's expansion
 * into a root, the root's creation, ROOT/<host>-<pid>[-<label>] made
 * fresh for this process, and the metadata file written into it.
 *
 * The directory is reached by its path at each use, and used only while
 * it is still the one created (same device and inode): the shim keeps no
 * file descriptor, since the host may close any fd and reuse its number.
 *
 * Must never: follow a symlink into a file it creates, keep a file
 * descriptor open past a call, or write outside the directory it created.
 */
#ifndef H5SNOOP_TRACE_DIR_H
#define H5SNOOP_TRACE_DIR_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

struct trace_dir {
	char path[PATH_MAX]; /* "" until created */
	dev_t dev;           /* its identity, checked at each use */
	ino_t ino;
};

/*
 * Expands %p (pid), %h (`hostname`), %r (rank, 0 when unset) and %% of
 * H5SNOOP_OUTPUT's template `tmpl` into dst (cap bytes).  Returns 0, or -1
 * when it does not fit.  Thread-safe.
 */
int trace_dir_expand_root(char *dst, size_t cap, const char *tmpl,
			  const char *hostname);

/*
 * Creates a directory of its own for this process in `root` (which
 * exists): <hostname>-<pid>[-<label>], with .N added while the name is
 * taken, mode 0700; fills *d.  Returns 0, or -1 with errno set.  The
 * caller serializes calls on one *d.
 */
int trace_dir_create(struct trace_dir *d, const char *root,
		     const char *hostname);

/*
 * Writes the metadata file of d (`len` bytes of `text`), replacing the
 * previous one whole: readers never see half of it.  Returns 0, or -1 with
 * errno set.  The caller serializes calls on one *d.
 */
int trace_dir_write_metadata(const struct trace_dir *d, const char *text,
			     size_t len);

#endif
