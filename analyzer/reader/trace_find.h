/*
 * trace_find.h - the trace directories under the command line's
 * arguments.
 *
 * An argument is a trace directory or any directory above some: it is
 * searched recursively (symbolic links inside are not followed) for
 * directories with a `metadata` file whose env says tracer_name =
 * "h5snoop".  Traces are listed argument by argument, and within one
 * argument by start time (then path), so that the first group of a
 * report is the first one recorded.
 */
#ifndef H5SNOOP_TRACE_FIND_H
#define H5SNOOP_TRACE_FIND_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/* Directories deeper than this below an argument are not searched. */
#define TRACE_FIND_MAX_DEPTH 32

struct trace_ref {
	char *path;
	int64_t start_unix_ns; /* first packet's start; INT64_MAX if none */
	size_t arg;            /* index of the argument it came from */
	int empty;             /* set by run.c: held no event */
};

struct trace_list {
	struct trace_ref *v;
	size_t n, cap;
};

/*
 * Fills `out` with the traces under args[0..n_args).  An argument that
 * does not exist, is not a directory, holds a foreign trace, or holds no
 * h5snoop trace at all is an error, as is a broken h5snoop metadata file.
 * The list owns its strings: free with trace_list_free.
 */
enum h5snoop_status trace_find(char *const *args, size_t n_args,
			       struct trace_list *out,
			       struct h5snoop_error *err);

/*
 * trace_find of one root that may hold no trace yet (h5snoop top watches
 * it before the first traced process starts): `out` is then empty, not an
 * error.  A root that is not a directory is an error.
 */
enum h5snoop_status trace_find_live(const char *root, struct trace_list *out,
				    struct h5snoop_error *err);

void trace_list_free(struct trace_list *l);

#endif
