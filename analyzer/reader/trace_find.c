/*
 * trace_find.c - recursive search for trace directories (see
 * trace_find.h).
 *
 * Must never: follow a symbolic link below an argument, recurse without
 * bound, or print.
 */
#include "trace_find.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dir_list.h"
#include "open_regular.h"
#include "h5snoop/trace_schema.h"
#include "trace_meta.h"
#include "trace_reader.h"

static int is_subdir(int dirfd, const char *name)
{
	struct stat sb;

	return fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISDIR(sb.st_mode);
}

/* Earliest timestamp_begin of the first packet of the stream files, from
 * their headers only (the reader checks them properly later). */
static int64_t first_start(int dirfd, const struct trace_meta *m)
{
	uint64_t best = UINT64_MAX;
	char **names;
	size_t n;
	int64_t start;

	if (dir_list(dirfd, trace_is_stream_file, &names, &n) != 0)
		return INT64_MAX;
	for (size_t i = 0; i < n; i++) {
		struct h5snoop_packet_header h;
		const char *kind;
		struct stat sb;
		/* NOTE: what is no regular file is skipped here; the reader
		 * refuses it by name (stream_in_open). */
		int sfd = open_regular(dirfd, names[i], OPEN_NOFOLLOW, &sb,
				       &kind);

		if (sfd < 0)
			continue;
		if (pread(sfd, &h, sizeof(h), 0) == (ssize_t)sizeof(h) &&
		    h.magic == H5SNOOP_CTF_MAGIC &&
		    h.content_size > sizeof(h) * 8u && h.timestamp_begin < best)
			best = h.timestamp_begin;
		close(sfd);
	}
	dir_list_free(names, n);
	if (best > (uint64_t)INT64_MAX ||
	    __builtin_add_overflow((int64_t)best, m->clock_offset_ns, &start))
		return INT64_MAX;
	return start;
}

static enum h5snoop_status add(struct trace_list *l, const char *path,
			       int64_t start, size_t arg,
			       struct h5snoop_error *err)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct trace_ref *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return diag_nomem(err);
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].path = strdup(path);
	if (!l->v[l->n].path)
		return diag_nomem(err);
	l->v[l->n].start_unix_ns = start;
	l->v[l->n].arg = arg;
	l->v[l->n].empty = 0;
	l->n++;
	return H5SNOOP_OK;
}

/* Visits directory `path` (open as dirfd) at `depth`. */
static enum h5snoop_status visit(int dirfd, const char *path, int depth,
				 size_t arg, struct trace_list *out,
				 struct h5snoop_error *err)
{
	enum h5snoop_status st = H5SNOOP_OK;
	struct trace_meta *m;
	enum trace_meta_kind kind;
	char **names = NULL;
	size_t n = 0;

	if (faccessat(dirfd, H5SNOOP_METADATA_FILE, F_OK, 0) == 0) {
		m = malloc(sizeof(*m));
		if (!m)
			return diag_nomem(err);
		st = trace_meta_load(dirfd, path, m, &kind, err);
		if (st == H5SNOOP_OK && kind == TRACE_META_H5SNOOP)
			st = add(out, path, first_start(dirfd, m), arg, err);
		else if (st == H5SNOOP_OK && depth == 0)
			st = diag_fail(err, "%s: not an h5snoop trace (its "
					    "metadata does not say "
					    "tracer_name = \"%s\")",
				       path, H5SNOOP_TRACER_NAME);
		free(m);
		return st; /* a trace's directory holds no other trace */
	}
	if (depth >= TRACE_FIND_MAX_DEPTH)
		return H5SNOOP_OK;
	if (dir_list(dirfd, is_subdir, &names, &n) != 0)
		return diag_fail(err, "%s: cannot list: %s", path,
				 strerror(errno));
	for (size_t i = 0; i < n; i++) {
		char sub[PATH_MAX];
		int fd;

		if (st == H5SNOOP_OK &&
		    (size_t)snprintf(sub, sizeof(sub), "%s/%s", path,
				     names[i]) < sizeof(sub)) {
			fd = openat(dirfd, names[i],
				    O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					    O_NONBLOCK | O_CLOEXEC);
			if (fd >= 0) {
				st = visit(fd, sub, depth + 1, arg, out, err);
				close(fd);
			}
		}
		free(names[i]);
	}
	free(names);
	return st;
}

static int compare_refs(const void *a, const void *b)
{
	const struct trace_ref *x = a, *y = b;

	if (x->arg != y->arg)
		return x->arg < y->arg ? -1 : 1;
	if (x->start_unix_ns != y->start_unix_ns)
		return x->start_unix_ns < y->start_unix_ns ? -1 : 1;
	return strcmp(x->path, y->path);
}

enum h5snoop_status trace_find(char *const *args, size_t n_args,
			       struct trace_list *out,
			       struct h5snoop_error *err)
{
	memset(out, 0, sizeof(*out));
	for (size_t a = 0; a < n_args; a++) {
		char path[PATH_MAX];
		size_t before = out->n, len;
		enum h5snoop_status st;
		int fd;

		/* "dir/" and "dir" name the same trace in messages. */
		snprintf(path, sizeof(path), "%s", args[a]);
		len = strlen(path);
		while (len > 1 && path[len - 1] == '/')
			path[--len] = '\0';
		/* NOTE: O_DIRECTORY refuses a FIFO before any wait;
		 * O_NONBLOCK makes sure of it. */
		fd = open(path,
			  O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			return diag_fail(err, "%s: %s", path,
					 errno == ENOTDIR
						 ? "not a directory (give a "
						   "trace directory or one "
						   "above it)"
						 : strerror(errno));
		st = visit(fd, path, 0, a, out, err);
		close(fd);
		if (st != H5SNOOP_OK)
			return st;
		if (out->n == before)
			return diag_fail(err, "%s: no h5snoop trace found",
					 path);
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(out->v[0]), compare_refs);
	return H5SNOOP_OK;
}

enum h5snoop_status trace_find_live(const char *root, struct trace_list *out,
				    struct h5snoop_error *err)
{
	enum h5snoop_status st;
	int fd;

	memset(out, 0, sizeof(*out));
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return diag_fail(err, "%s: %s", root, strerror(errno));
	st = visit(fd, root, 0, 0, out, err);
	close(fd);
	if (st == H5SNOOP_OK && out->n > 1)
		qsort(out->v, out->n, sizeof(out->v[0]), compare_refs);
	return st;
}

void trace_list_free(struct trace_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
	memset(l, 0, sizeof(*l));
}
