/*
 * trace_reader.h - one h5snoop trace directory: its metadata and the
 * events of all its stream files, merged into one sequence ordered by
 * timestamp (ties in stream order, each stream in file order).
 *
 * No babeltrace2 needed: this reads the CTF layout of trace_schema.h
 * directly.  Memory: one packet per stream, whatever the trace's length.
 */
#ifndef H5SNOOP_TRACE_READER_H
#define H5SNOOP_TRACE_READER_H

#include <limits.h>
#include <stdint.h>

#include "diag.h"
#include "stream_in.h"
#include "trace_meta.h"

struct trace {
	char path[PATH_MAX];
	struct trace_meta meta;
	int dirfd;
	struct stream_in *streams;
	uint32_t n_streams;
	/* merge state */
	struct stream_in *cur;  /* stream of the last event returned */
	uint64_t limit;         /* smallest timestamp of the others */
	int started;
	uint64_t events;        /* returned so far, restated definitions
				 * (ring chunks) excepted */
};

/*
 * Opens trace directory `path`: reads its metadata (an error if it is not
 * an h5snoop trace of this format version) and opens its stream_* files.
 * Returns H5SNOOP_OK or H5SNOOP_ERROR.  On success the trace owns file
 * descriptors and buffers until trace_close.  Not thread-safe per trace.
 */
enum h5snoop_status trace_open(struct trace *t, const char *path,
			       struct h5snoop_error *err);

/*
 * The next event in time order: 1 and *ev set (valid until the next
 * call), 0 at the end, -1 on corrupt input (err filled).  Truncation and
 * discarded events are warnings in err, not failures.
 */
int trace_next(struct trace *t, const struct trace_event **ev,
	       struct h5snoop_error *err);

/*
 * Whether directory entry `name` is a stream file: the prefix "stream_"
 * and a suffix (the shim writes stream_<tid>, a fork child
 * stream_<tid> in its own trace); a bare "stream_" is not one and is
 * ignored.  A dir_list filter (dirfd unused).  Pure.
 */
int trace_is_stream_file(int dirfd, const char *name);

/* Events the writer had to drop (sum of events_discarded). */
uint64_t trace_discarded(const struct trace *t);

/* Adds the trace's losses by reason (sums of lost_<reason>) to lost[]. */
void trace_add_lost(const struct trace *t,
		    uint64_t lost[H5SNOOP_LOSS_COUNT]);

/* a + b, saturated to INT64_MAX (times from a trace are not trusted). */
static inline int64_t trace_add_ns(int64_t a, uint64_t b)
{
	if (b > (uint64_t)INT64_MAX || a > INT64_MAX - (int64_t)b)
		return INT64_MAX;
	return a + (int64_t)b;
}

/* a - b, saturated to the int64_t range. */
static inline int64_t trace_diff_ns(int64_t a, int64_t b)
{
	int64_t d;

	if (__builtin_sub_overflow(a, b, &d))
		return a > b ? INT64_MAX : INT64_MIN;
	return d;
}

/* Trace clock ns -> Unix ns (saturated). */
static inline int64_t trace_unix_ns(const struct trace *t, uint64_t ts)
{
	int64_t off = t->meta.clock_offset_ns;

	if (off >= 0)
		return trace_add_ns(off, ts);
	return ts > (uint64_t)INT64_MAX ? trace_add_ns(INT64_MAX + off, ts -
							     (uint64_t)INT64_MAX)
					: (int64_t)ts + off;
}

/* Closes everything; safe to call twice. */
void trace_close(struct trace *t);

#endif
