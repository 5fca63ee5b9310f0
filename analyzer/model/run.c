/*
 * run.c - the pass over all traces (see run.h).
 *
 * Must never: hold more than one trace open, or print.
 */
#include "run.h"

#include <stdio.h>
#include <string.h>

#include "trace_find.h"

const char *const run_unparsed_names[H5SNOOP_UNPARSED_MAX + 1] = {
	[0] = "unknown",
#define UNPARSED_NAME(v, n) [v] = #n,
	H5SNOOP_UNPARSED_REASONS(UNPARSED_NAME)
#undef UNPARSED_NAME
};

uint64_t run_unparsed_total(const struct run_summary *s)
{
	uint64_t n = 0;

	for (unsigned i = 0; i <= H5SNOOP_UNPARSED_MAX; i++)
		n += s->net_unparsed[i];
	return n;
}

/* Notes which span a trace cut to its bound covers (its events are in
 * time order: the first and the last read). */
static void note_span(struct run_summary *sum, const struct trace *t,
		      uint64_t first_ts, uint64_t last_ts,
		      const uint64_t lost[H5SNOOP_LOSS_COUNT])
{
	struct run_span *sp;

	if (sum->partial_traces++ >= RUN_SPANS_MAX)
		return;
	sp = &sum->spans[sum->partial_traces - 1];
	snprintf(sp->trace, sizeof(sp->trace), "%s", t->path);
	sp->ring = lost[H5SNOOP_LOSS_ring_overwritten] != 0;
	sp->first_unix_ns = t->events ? trace_unix_ns(t, first_ts) : 0;
	sp->last_unix_ns = t->events ? trace_unix_ns(t, last_ts) : 0;
	sp->events = t->events;
	sp->lost = lost[H5SNOOP_LOSS_ring_overwritten] +
		   lost[H5SNOOP_LOSS_size_bound];
}

static enum h5snoop_status one_trace(const char *path, struct attrib *a,
				     struct run_sink *sinks,
				     unsigned n_sinks,
				     struct run_summary *sum, int *empty,
				     struct h5snoop_error *err)
{
	const struct trace_event *ev;
	enum h5snoop_status st;
	struct resolved r;
	struct trace t;
	uint64_t discarded, lost[H5SNOOP_LOSS_COUNT] = {0};
	uint64_t first_ts = 0, last_ts = 0;
	int rc = 0;

	if (trace_open(&t, path, err) != H5SNOOP_OK)
		return H5SNOOP_ERROR;
	st = attrib_begin_trace(a, &t, err);
	for (unsigned i = 0; i < n_sinks && st == H5SNOOP_OK; i++)
		if (sinks[i].begin_trace)
			st = sinks[i].begin_trace(sinks[i].ctx, &t, a->cur,
						  err);
	while (st == H5SNOOP_OK && (rc = trace_next(&t, &ev, err)) > 0) {
		st = attrib_resolve(a, &t, ev, &r, err);
		if (t.events == 1)
			first_ts = ev->ts;
		last_ts = ev->ts;
		if (ev->id == H5SNOOP_EV_net_unparsed) {
			uint8_t why = ev->u.net_unparsed->reason;

			sum->net_unparsed[why <= H5SNOOP_UNPARSED_MAX ? why
								      : 0]++;
		}
		for (unsigned i = 0; i < n_sinks && st == H5SNOOP_OK; i++)
			st = sinks[i].event(sinks[i].ctx, &t, ev, &r, err);
	}
	if (st == H5SNOOP_OK && rc < 0)
		st = H5SNOOP_ERROR;
	sum->traces++;
	sum->events += t.events;
	discarded = trace_discarded(&t);
	sum->discarded += discarded;
	for (uint32_t i = 0; i < t.n_streams; i++)
		sum->truncated += t.streams[i].truncated != 0;
	trace_add_lost(&t, lost);
	for (int i = 0; i < H5SNOOP_LOSS_COUNT; i++) {
		sum->lost[i] += lost[i];
		sum->lost_total += lost[i];
		if (st == H5SNOOP_OK && lost[i])
			diag_warn(err, "%s: %llu events %s (%s)%s", path,
				  (unsigned long long)lost[i],
				  h5snoop_loss_drops[i] ? "lost"
							: "lack a detail",
				  h5snoop_loss_names[i],
				  h5snoop_loss_drops[i] ? ": counts are low"
							: "");
	}
	if (lost[H5SNOOP_LOSS_ring_overwritten] || lost[H5SNOOP_LOSS_size_bound])
		note_span(sum, &t, first_ts, last_ts, lost);
	/* A writer that dropped more than its reasons say (only a damaged
	 * or foreign trace): the rest is still said. */
	for (int i = 0; i < H5SNOOP_LOSS_COUNT; i++)
		if (h5snoop_loss_drops[i])
			discarded -= lost[i] < discarded ? lost[i] : discarded;
	if (st == H5SNOOP_OK && discarded)
		diag_warn(err,
			  "%s: the tracer discarded %llu events (reason not "
			  "recorded): counts are low",
			  path, (unsigned long long)discarded);
	if (st == H5SNOOP_OK && t.events == 0)
		sum->empty_traces++;
	*empty = t.events == 0;
	trace_close(&t);
	return st;
}

enum h5snoop_status run_traces(char *const *args, size_t n_args,
			       struct attrib *a, struct run_sink *sinks,
			       unsigned n_sinks, struct run_summary *sum,
			       struct h5snoop_error *err)
{
	struct trace_list list;
	struct run_info info;
	enum h5snoop_status st;

	memset(sum, 0, sizeof(*sum));
	if (trace_find(args, n_args, &list, err) != H5SNOOP_OK) {
		trace_list_free(&list);
		return H5SNOOP_ERROR;
	}
	info.n_traces = list.n;
	info.start_unix_ns = INT64_MAX;
	for (size_t i = 0; i < list.n; i++)
		if (list.v[i].start_unix_ns < info.start_unix_ns)
			info.start_unix_ns = list.v[i].start_unix_ns;
	sum->start_unix_ns = info.start_unix_ns;
	st = H5SNOOP_OK;
	for (unsigned i = 0; i < n_sinks && st == H5SNOOP_OK; i++)
		if (sinks[i].begin_run)
			st = sinks[i].begin_run(sinks[i].ctx, &info, err);
	for (size_t i = 0; i < list.n && st == H5SNOOP_OK; i++)
		st = one_trace(list.v[i].path, a, sinks, n_sinks, sum,
			       &list.v[i].empty, err);
	/* An empty trace among others is a warning; alone, an error. */
	for (size_t i = 0; i < list.n && st == H5SNOOP_OK && sum->events; i++)
		if (list.v[i].empty)
			diag_warn(err, "%s: empty trace (no events)",
				  list.v[i].path);
	if (st == H5SNOOP_OK && sum->events == 0)
		st = list.n == 1
			     ? diag_fail(err, "%s: empty trace: no events "
					      "were recorded",
					 list.v[0].path)
			     : diag_fail(err, "the %zu traces found hold no "
					      "events",
					 list.n);
	trace_list_free(&list);
	return st;
}
