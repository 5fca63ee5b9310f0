/*
 * top.h - the numbers of `h5snoop top`: the traced processes under a root,
 * read while their shims still write them, per process and layer, over
 * the last interval and since the start.
 *
 * Reading never disturbs a writer: files are opened read-only, followed
 * as they grow (stream_in_follow), and a packet or event the writer has
 * not finished is left for the next update.  Memory is one packet window
 * per stream and one latency histogram per process and layer.
 */
#ifndef H5SNOOP_TOP_H
#define H5SNOOP_TOP_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "histogram.h"
#include "stream_in.h"
#include "trace_meta.h"

/* Requests smaller than this count as small (the report's first bins). */
#define TOP_SMALL_BYTES 10240u
/* Processes followed at most (older ones are dropped past this). */
#define TOP_MAX_PROCS 4096u

enum top_layer { TOP_VFD, TOP_HTTP, TOP_LAYER_COUNT };

extern const char *const top_layer_names[TOP_LAYER_COUNT];

struct top_counts {
	uint64_t requests;
	uint64_t bytes;
	uint64_t small;  /* requests under TOP_SMALL_BYTES */
	uint64_t errors; /* vfd: status < 0; http: curl error or >= 400 */
};

struct top_layer_stats {
	struct top_counts total;    /* since the trace began */
	struct top_counts interval; /* since the previous update */
	struct hist latency;        /* durations of the interval's requests */
};

struct top_proc {
	char path[PATH_MAX];
	struct trace_meta meta;
	int dirfd;
	struct stream_in *streams;
	char **stream_names;
	size_t n_streams;
	uint64_t first_ts;      /* earliest event, trace clock */
	uint64_t last_ts;       /* latest event */
	uint64_t discarded;     /* events the writer had to drop */
	int alive;              /* the process runs (same host only) */
	int failed;             /* unreadable: error holds why */
	char error[512];
	struct top_layer_stats layer[TOP_LAYER_COUNT];
};

struct top {
	char root[PATH_MAX];
	struct top_proc *procs;
	size_t n_procs;
	uint64_t interval_ns;   /* length of the last interval (monotonic) */
	uint64_t updated_ns;    /* CLOCK_MONOTONIC of the last update */
};

/* Starts watching `root` (nothing is read yet).  Returns H5SNOOP_OK or
 * H5SNOOP_ERROR (root is not a directory).  Owns memory and file
 * descriptors until top_close. */
enum h5snoop_status top_open(struct top *t, const char *root,
			     struct h5snoop_error *err);

/*
 * Finds new trace directories and streams, reads the events written since
 * the last update, and starts a new interval.  A trace that turns out
 * corrupt is marked failed (its error kept) and no longer read; the others
 * go on.  Returns H5SNOOP_ERROR only for the root itself or out of memory.
 */
enum h5snoop_status top_update(struct top *t, struct h5snoop_error *err);

/* Closes everything; safe to call twice. */
void top_close(struct top *t);

#endif
