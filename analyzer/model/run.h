/*
 * run.h - one pass over all the traces of the command line: find them,
 * read each in time order, resolve each event (attrib.h) and hand it to
 * the command's sinks (aggregation, plots, exports).
 */
#ifndef H5SNOOP_RUN_H
#define H5SNOOP_RUN_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "attrib.h"
#include "diag.h"
#include "group_key.h"
#include "trace_reader.h"

/* With call stacks on, requests whose stack is not read yet are held
 * back (run.c): at most this many bytes of events, each at most until
 * events this long past its end are read. */
#define RUN_HOLD_MAX_BYTES (16u << 20)
#define RUN_HOLD_GRACE_NS 1000000000ull

struct run_info {
	int64_t start_unix_ns; /* earliest start of all traces */
	size_t n_traces;
};

/* Callbacks of a consumer of events; any may be NULL. */
struct run_sink {
	void *ctx;
	enum h5snoop_status (*begin_run)(void *ctx,
					 const struct run_info *info,
					 struct h5snoop_error *err);
	enum h5snoop_status (*begin_trace)(void *ctx, const struct trace *t,
					   const struct proc *p,
					   struct h5snoop_error *err);
	enum h5snoop_status (*event)(void *ctx, const struct trace *t,
				     const struct trace_event *ev,
				     const struct resolved *r,
				     struct h5snoop_error *err);
	/* Forgets what the events of a first pass left, before a second
	 * pass over the same traces (see aggregate.h). */
	void (*restart)(void *ctx);
};

/* A trace that holds part of its process's events, cut to
 * H5SNOOP_MAX_SIZE: which span of time it covers. */
struct run_span {
	char trace[PATH_MAX];
	int ring;              /* 1: the most recent events (H5SNOOP_MODE=
				* ring), 0: the first ones (stopped) */
	int64_t first_unix_ns; /* start of the first event kept */
	int64_t last_unix_ns;  /* start of the last event kept */
	uint64_t events;       /* events kept */
	uint64_t lost;         /* ring_overwritten + size_bound */
};

/* Spans kept for the writers; partial_traces counts them all. */
#define RUN_SPANS_MAX 8

struct run_summary {
	size_t traces;
	size_t empty_traces;
	uint64_t events;
	uint64_t discarded;   /* events the writer dropped */
	uint64_t lost[H5SNOOP_LOSS_COUNT]; /* losses by reason */
	uint64_t lost_total;  /* sum of lost[] */
	size_t truncated;     /* stream files cut short */
	/* Connections the net layer left alone, by net_unparsed.reason
	 * (index 0: a reason this analyzer does not know). */
	uint64_t net_unparsed[H5SNOOP_UNPARSED_MAX + 1];
	int64_t start_unix_ns;
	size_t partial_traces; /* traces cut to their bound */
	struct run_span spans[RUN_SPANS_MAX]; /* the first of them */
};

/* Name of each net_unparsed.reason (index 0: "unknown"). */
extern const char *const run_unparsed_names[H5SNOOP_UNPARSED_MAX + 1];

/* Connections the net layer left alone, all reasons. */
uint64_t run_unparsed_total(const struct run_summary *s);

/*
 * Runs every trace under args through the sinks, interning groups into
 * `groups`: each trace is read once, in time order, and the sinks see
 * its events in that order.  Fills *sum; adds warnings for discarded events and empty
 * traces; an error when nothing at all was recorded.  The caller owns
 * `a` (attrib_init'ed), so that sinks may keep pointers into it until
 * attrib_free.
 */
enum h5snoop_status run_traces(char *const *args, size_t n_args,
			       struct attrib *a, struct run_sink *sinks,
			       unsigned n_sinks, struct run_summary *sum,
			       struct h5snoop_error *err);

#endif
