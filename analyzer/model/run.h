/*
 * run.h - one pass over all the traces of the command line: find them,
 * read each in time order, resolve each event (attrib.h) and hand it to
 * the command's sinks (aggregation, plots, exports).
 */
#ifndef H5SNOOP_RUN_H
#define H5SNOOP_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "attrib.h"
#include "diag.h"
#include "group_key.h"
#include "trace_reader.h"

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
};

/* Name of each net_unparsed.reason (index 0: "unknown"). */
extern const char *const run_unparsed_names[H5SNOOP_UNPARSED_MAX + 1];

/* Connections the net layer left alone, all reasons. */
uint64_t run_unparsed_total(const struct run_summary *s);

/*
 * Runs every trace under args through the sinks, interning groups into
 * `groups`.  Fills *sum; adds warnings for discarded events and empty
 * traces; an error when nothing at all was recorded.  The caller owns
 * `a` (attrib_init'ed), so that sinks may keep pointers into it until
 * attrib_free.
 */
enum h5snoop_status run_traces(char *const *args, size_t n_args,
			       struct attrib *a, struct run_sink *sinks,
			       unsigned n_sinks, struct run_summary *sum,
			       struct h5snoop_error *err);

#endif
