/*
 * run.c - the pass over all traces (see run.h).
 *
 * Must never: hold more than one trace open, read a trace twice, hold
 * more than RUN_HOLD_MAX_BYTES of events back, or print.
 */
#include "run.h"

#include <stdio.h>
#include <string.h>

#include "event_queue.h"
#include "trace_find.h"

/*
 * RATIONALE: with call stacks on, each trace is still read once, in time
 * order; a request whose stack (or a module of it) is not read yet is
 * held back, with every event read after it (the sinks see events in
 * time order), until the definition comes.  The shim writes a stack or
 * module no later than the end of the call of any request naming it, so
 * a held request waits at most until events past its own end plus
 * RUN_HOLD_GRACE_NS are read (then it is resolved with what was read:
 * the stack is not in the trace).  A trace that names a stack it holds
 * much later (a damaged or foreign one) costs at most RUN_HOLD_MAX_BYTES
 * (run.h): past that the oldest event is resolved at once, with a
 * warning.
 */

/* The pass over one trace. */
struct pass {
	const struct trace *t;
	struct attrib *a;
	struct run_sink *sinks;
	unsigned n_sinks;
	struct run_summary *sum;
	struct event_queue held;
	uint64_t now;            /* timestamp of the last event read */
	/* What is known of the oldest held event: whether it is ready, as
	 * of which event taken out and which stack read, and until when
	 * it waits. */
	uint64_t head_popped, head_stacks_read, head_deadline;
	int head_known, head_ready;
	/* The first and the last event read (time order). */
	uint64_t first_ts, last_ts;
	/* Held events resolved early for the budget. */
	uint64_t forced;
	uint64_t forced_offset;
	uint32_t forced_stream;
};

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

/* Resolves one event and hands it to every sink. */
static inline enum h5snoop_status dispatch(struct attrib *a,
					   const struct trace *t,
					   struct run_sink *sinks,
					   unsigned n_sinks,
					   struct run_summary *sum,
					   const struct trace_event *ev,
					   struct h5snoop_error *err)
{
	enum h5snoop_status st;
	struct resolved r;

	st = attrib_resolve(a, t, ev, &r, err);
	if (ev->id == H5SNOOP_EV_net_unparsed) {
		uint8_t why = ev->u.net_unparsed->reason;

		sum->net_unparsed[why <= H5SNOOP_UNPARSED_MAX ? why : 0]++;
	}
	for (unsigned i = 0; i < n_sinks && st == H5SNOOP_OK; i++)
		st = sinks[i].event(sinks[i].ctx, t, ev, &r, err);
	return st;
}

/* The time after which a held request no longer waits for its stack. */
static uint64_t hold_deadline(const struct trace_event *ev)
{
	uint64_t d = 0, end;

	if (ev->id == H5SNOOP_EV_vfd_read)
		d = ev->u.vfd_read->duration_ns;
	else if (ev->id == H5SNOOP_EV_http_request)
		d = ev->u.http_request->duration_ns;
	end = ev->ts + d;
	if (end < ev->ts || end + RUN_HOLD_GRACE_NS < end)
		return UINT64_MAX;
	return end + RUN_HOLD_GRACE_NS;
}

/* Whether the oldest held event h may be resolved now; asks the stack
 * table again only when h or the table changed. */
static int head_ready(struct pass *p, const struct trace_event *h)
{
	if (!p->head_known || p->head_popped != p->held.popped) {
		p->head_known = 1;
		p->head_popped = p->held.popped;
		p->head_deadline = hold_deadline(h);
		p->head_stacks_read = p->a->stacks_read - 1;
	}
	if (p->head_stacks_read != p->a->stacks_read) {
		p->head_stacks_read = p->a->stacks_read;
		p->head_ready = attrib_stack_ready(p->a, h);
	}
	return p->head_ready || p->now > p->head_deadline;
}

/* The oldest held event if it may be resolved now (any at the end of
 * the trace: `end`; past the budget, with a warning), else NULL. */
static __attribute__((noinline)) const struct trace_event *
held_next(struct pass *p, int end)
{
	const struct trace_event *h = event_queue_peek(&p->held);

	if (!h || end || head_ready(p, h))
		return h;
	if (p->held.bytes <= RUN_HOLD_MAX_BYTES)
		return NULL;
	if (p->forced++ == 0) {
		p->forced_offset = h->file_offset;
		p->forced_stream = h->stream;
	}
	return h;
}

/* An event read with call stacks on: its stack or module goes into the
 * table; *held says whether it was held back (copied) instead of being
 * resolved now. */
static __attribute__((noinline)) enum h5snoop_status
stacked_read(struct pass *p, const struct trace_event *ev, int *held,
	     struct h5snoop_error *err)
{
	*held = 0;
	if (attrib_read(p->a, ev, err) != H5SNOOP_OK)
		return H5SNOOP_ERROR;
	p->now = ev->ts;
	if (!p->held.n && attrib_stack_ready(p->a, ev))
		return H5SNOOP_OK;
	*held = 1;
	return event_queue_push(&p->held, ev, err);
}

/*
 * Every event of trace t into the sinks, in time order; with call stacks
 * on, through the events held back (see RUN_HOLD_GRACE_NS).  *rc as
 * trace_next left it.  RATIONALE: one loop with one call of trace_next
 * and of dispatch, so that the compiler inlines the reader and the
 * attribution into it (a second loop for stacks, calling both too,
 * cost `report` 9% more instructions under callgrind; this one 1%).
 */
static enum h5snoop_status trace_events(struct pass *p, struct trace *t,
					int *rc, struct h5snoop_error *err)
{
	struct attrib *a = p->a;
	struct run_sink *sinks = p->sinks;
	struct run_summary *sum = p->sum;
	const unsigned n_sinks = p->n_sinks;
	const int stacks = a->stacks;
	enum h5snoop_status st = H5SNOOP_OK;
	uint64_t first_ts = 0, last_ts = 0;
	int end = 0, got = 0, got_first = 0;

	while (st == H5SNOOP_OK) {
		const struct trace_event *ev = NULL;
		int from_held = 0, held;

		if (stacks) {
			if (p->held.n && (ev = held_next(p, end)))
				from_held = 1;
			else if (end)
				break;
		}
		if (!from_held) {
			got = trace_next(t, &ev, err);
			if (got <= 0) {
				if (got < 0)
					st = H5SNOOP_ERROR;
				if (!stacks)
					break;
				end = 1;
				continue;
			}
			if (t->events == 1 && !got_first) {
				first_ts = ev->ts;
				got_first = 1;
			}
			if (!h5snoop_event_restated(ev->id))
				last_ts = ev->ts;
			if (stacks) {
				st = stacked_read(p, ev, &held, err);
				if (st != H5SNOOP_OK || held)
					continue;
			}
		}
		st = dispatch(a, t, sinks, n_sinks, sum, ev, err);
		if (from_held)
			event_queue_pop(&p->held);
	}
	*rc = got;
	p->first_ts = first_ts;
	p->last_ts = last_ts;
	if (st == H5SNOOP_OK && p->forced)
		diag_warn(err,
			  "%s: offset %llu: a request names a stack (or a "
			  "module of it) not read within %u MiB of later "
			  "events; it and %llu more were attributed without "
			  "waiting for it",
			  t->streams[p->forced_stream].path,
			  (unsigned long long)p->forced_offset,
			  RUN_HOLD_MAX_BYTES >> 20,
			  (unsigned long long)(p->forced - 1));
	return st;
}

static enum h5snoop_status one_trace(const char *path, struct attrib *a,
				     struct run_sink *sinks,
				     unsigned n_sinks,
				     struct run_summary *sum, int *empty,
				     struct h5snoop_error *err)
{
	enum h5snoop_status st;
	struct trace t;
	struct pass p;
	uint64_t discarded, lost[H5SNOOP_LOSS_COUNT] = {0};
	int rc = 0;

	if (trace_open(&t, path, err) != H5SNOOP_OK)
		return H5SNOOP_ERROR;
	memset(&p, 0, sizeof(p));
	p.t = &t;
	p.a = a;
	p.sinks = sinks;
	p.n_sinks = n_sinks;
	p.sum = sum;
	st = attrib_begin_trace(a, &t, err);
	for (unsigned i = 0; i < n_sinks && st == H5SNOOP_OK; i++)
		if (sinks[i].begin_trace)
			st = sinks[i].begin_trace(sinks[i].ctx, &t, a->cur,
						  err);
	if (st == H5SNOOP_OK)
		st = trace_events(&p, &t, &rc, err);
	event_queue_free(&p.held);
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
		note_span(sum, &t, p.first_ts, p.last_ts, lost);
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
