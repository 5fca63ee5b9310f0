/*
 * report_notes.c - what a reader must know before trusting the figures
 * (events the tracer lost, traces cut to their bound, groups left out,
 * connections the net layer could not parse), said once for every
 * writer that shows notes.
 *
 * Must never: write anything itself; a note may hold a trace's path, so
 * each writer escapes it as its format needs.
 */
#include <stdarg.h>
#include <stdio.h>

#include "report.h"
#include "units.h"

struct notes {
	report_note_fn emit;
	void *ctx;
	char buf[8192]; /* a note; a trace path longer than this is cut */
};

static void note(struct notes *n, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(struct notes *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(n->buf, sizeof(n->buf), fmt, ap);
	va_end(ap);
	n->emit(n->ctx, n->buf);
}

/* Traces cut to H5SNOOP_MAX_SIZE: which span each still covers. */
static void span_notes(struct notes *n, const struct run_summary *s)
{
	size_t count = s->partial_traces < RUN_SPANS_MAX ? s->partial_traces
							 : RUN_SPANS_MAX;
	char from[64], to[64], len[32], held[192];

	for (size_t i = 0; i < count; i++) {
		const struct run_span *sp = &s->spans[i];

		if (sp->events)
			snprintf(held, sizeof(held), "%llu, from %s to %s (%s)",
				 (unsigned long long)sp->events,
				 units_unix_time(from, sizeof(from),
						 sp->first_unix_ns),
				 units_unix_time(to, sizeof(to),
						 sp->last_unix_ns),
				 units_ns(len, sizeof(len),
					  (uint64_t)trace_diff_ns(
						  sp->last_unix_ns,
						  sp->first_unix_ns)));
		else
			snprintf(held, sizeof(held), "none");
		note(n, "%s holds the %s events: %s; %llu %s", sp->trace,
		     sp->ring ? "most recent" : "first", held,
		     (unsigned long long)sp->lost,
		     sp->ring ? "older ones overwritten (H5SNOOP_MODE=ring)"
			      : "later ones not recorded (H5SNOOP_MAX_SIZE)");
	}
	if (s->partial_traces > count)
		note(n, "%zu more traces cut to their bound",
		     s->partial_traces - count);
}

/* The connections the net layer left unparsed, by reason. */
static void unparsed_note(struct notes *n, const struct run_summary *s)
{
	uint64_t total = run_unparsed_total(s);
	size_t at;

	at = (size_t)snprintf(n->buf, sizeof(n->buf),
			      "the net layer left %llu connection%s "
			      "unparsed, their requests not counted (",
			      (unsigned long long)total,
			      total == 1 ? "" : "s");
	for (unsigned i = 0; i <= H5SNOOP_UNPARSED_MAX; i++)
		if (s->net_unparsed[i] && at < sizeof(n->buf))
			at += (size_t)snprintf(
				n->buf + at, sizeof(n->buf) - at, "%s%s %llu",
				at > 0 && n->buf[at - 1] != '(' ? ", " : "",
				run_unparsed_names[i],
				(unsigned long long)s->net_unparsed[i]);
	if (at < sizeof(n->buf))
		snprintf(n->buf + at, sizeof(n->buf) - at, ")");
	n->emit(n->ctx, n->buf);
}

void report_notes(const struct report *r, report_note_fn emit, void *ctx)
{
	const struct run_summary *s = r->run;
	struct notes n = {.emit = emit, .ctx = ctx};

	if (s->discarded)
		note(&n, "the tracer discarded %llu events; counts are low",
		     (unsigned long long)s->discarded);
	for (int i = 0; i < H5SNOOP_LOSS_COUNT; i++)
		if (s->lost[i])
			note(&n, "lost %s: %llu %s", h5snoop_loss_names[i],
			     (unsigned long long)s->lost[i],
			     h5snoop_loss_drops[i]
				     ? "events not recorded"
				     : "events recorded without this detail");
	span_notes(&n, s);
	if (r->agg->left_out)
		note(&n,
		     "%u more groups (%llu requests) left out: these are "
		     "the %u with the most requests, most first; --all lists "
		     "every group",
		     r->agg->left_out,
		     (unsigned long long)r->agg->left_out_requests,
		     r->n_order);
	if (run_unparsed_total(s))
		unparsed_note(&n, s);
}
