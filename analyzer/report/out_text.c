/*
 * out_text.c - the report for people: aligned tables in human units.
 *
 * Must never: write a control character taken from a trace (esc_text).
 */
#include <string.h>

#include "escape.h"
#include "report.h"
#include "units.h"

#define COL 11 /* width of a number column */

/* s right-aligned (or left) in `width` terminal columns. */
static void cell(FILE *f, const char *s, size_t width, int left)
{
	size_t w = esc_width(s);

	if (left)
		esc_text(f, s);
	for (; w < width; w++)
		putc(' ', f);
	if (!left)
		esc_text(f, s);
}

static void row_stats(FILE *f, const char *name, const struct agg_stats *s,
		      uint64_t layer_requests)
{
	char b[32];

	fputs("  ", f);
	cell(f, name, 10, 1);
	snprintf(b, sizeof(b), "%llu", (unsigned long long)s->requests);
	cell(f, b, 9, 0);
	if (layer_requests)
		snprintf(b, sizeof(b), "%.1f%%",
			 100.0 * (double)s->requests /
				 (double)layer_requests);
	else
		snprintf(b, sizeof(b), "-");
	cell(f, b, 8, 0);
	cell(f, units_bytes(b, sizeof(b), s->bytes), COL, 0);
	if (s->requests == 0) {
		for (int i = 0; i < 5; i++)
			cell(f, "-", COL, 0);
		putc('\n', f);
		return;
	}
	cell(f, units_ns(b, sizeof(b), s->total_ns), COL, 0);
	cell(f, units_ns(b, sizeof(b), hist_mean(&s->latency)), COL, 0);
	cell(f, units_ns(b, sizeof(b), hist_quantile(&s->latency, 0.50)),
	     COL, 0);
	cell(f, units_ns(b, sizeof(b), hist_quantile(&s->latency, 0.95)),
	     COL, 0);
	cell(f, units_ns(b, sizeof(b), hist_quantile(&s->latency, 0.99)),
	     COL, 0);
	putc('\n', f);
}

static void table_head(FILE *f, const char *layer)
{
	static const char *const heads[] = {"requests", "share", "bytes",
					    "total", "mean", "p50",
					    "p95", "p99"};
	static const size_t widths[] = {9, 8, COL, COL, COL, COL, COL, COL};

	fputs("  ", f);
	cell(f, layer, 10, 1);
	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++)
		cell(f, heads[i], widths[i], 0);
	putc('\n', f);
}

static void vfd_extra(FILE *f, const struct agg_layer *l)
{
	struct agg_simple meta, raw;
	char b1[32], b2[32];
	int first = 1;

	report_meta_raw(l, &meta, &raw);
	fprintf(f, "  metadata: %llu reads, %s, %s",
		(unsigned long long)meta.requests,
		units_bytes(b1, sizeof(b1), meta.bytes),
		units_ns(b2, sizeof(b2), meta.total_ns));
	for (int m = 0; m < H5SNOOP_MEM_NTYPES; m++) {
		if (m == H5SNOOP_MEM_draw || !l->mem[m].requests)
			continue;
		fprintf(f, "%s%s %llu", first ? " (" : ", ",
			h5snoop_mem_type_names[m],
			(unsigned long long)l->mem[m].requests);
		first = 0;
	}
	fprintf(f, "%s\n  raw data: %llu reads, %s, %s\n", first ? "" : ")",
		(unsigned long long)raw.requests,
		units_bytes(b1, sizeof(b1), raw.bytes),
		units_ns(b2, sizeof(b2), raw.total_ns));
	if (l->failed)
		fprintf(f, "  failed reads: %llu\n",
			(unsigned long long)l->failed);
}

static void http_extra(FILE *f, const struct agg_layer *l)
{
	char b1[32], b2[32];

	fputs("  status:", f);
	for (unsigned i = 0; i < l->n_status; i++)
		fprintf(f, " %u x%llu%s", l->status_code[i],
			(unsigned long long)l->status_count[i],
			i + 1 < l->n_status || l->status_other ? "," : "");
	if (l->status_other)
		fprintf(f, " other x%llu",
			(unsigned long long)l->status_other);
	fprintf(f, "\n  errors: %llu (curl %llu, HTTP >= 400 %llu)\n",
		(unsigned long long)l->failed,
		(unsigned long long)l->curl_errors,
		(unsigned long long)l->http_errors);
	fprintf(f, "  fetched over HTTP: %s for %s asked by HDF5 reads",
		units_bytes(b1, sizeof(b1), l->bytes_fetched),
		units_bytes(b2, sizeof(b2), l->bytes_asked));
	if (l->bytes_asked)
		fprintf(f, " (%s)",
			units_ratio(b1, sizeof(b1), (double)l->bytes_fetched,
				    (double)l->bytes_asked));
	fputs("\n  time in:", f);
	for (int p = 0; p < AGG_PHASE_COUNT; p++)
		fprintf(f, " %s %s%s", agg_phase_names[p],
			units_ns(b1, sizeof(b1), l->phase_ns[p]),
			p + 1 < AGG_PHASE_COUNT ? "," : "\n");
}

/*
 * How driver reads and HTTP requests relate, when a group has both: a
 * driver that caches (ROS3 1.14's first 16 MiB, GDAL's and fsspec's
 * blocks) serves reads without a request and fetches outside any read.
 */
static void reads_and_requests(FILE *f, const struct report *r,
			       const struct agg_group *ag)
{
	const struct agg_layer *http = &ag->layer[LAYER_HTTP];
	uint64_t reads = ag->layer[LAYER_VFD].row[AGG_ROW_ALL].requests;
	uint64_t requests = http->row[AGG_ROW_ALL].requests;

	if ((r->opt.layer_mask & 3u) != 3u || reads == 0 || requests == 0)
		return;
	fprintf(f, "  driver reads: %llu (%llu made HTTP requests, %llu "
		   "served by the driver)\n",
		(unsigned long long)reads,
		(unsigned long long)http->reads_fetching,
		(unsigned long long)agg_served_by_driver(ag));
	fprintf(f, "  http requests: %llu (%llu inside driver reads, %llu "
		   "outside them)\n",
		(unsigned long long)requests,
		(unsigned long long)http->in_reads,
		(unsigned long long)(requests - http->in_reads));
}

static void group_section(FILE *f, const struct report *r, uint32_t g)
{
	const struct agg_group *ag = r->agg->g[g];
	char b1[32], b2[32];

	fputs("\n== ", f);
	esc_text(f, r->groups->keys[g]);
	fputs(" ==\n", f);
	fprintf(f, "  wall time %s (first request to last end)",
		units_ns(b1, sizeof(b1),
			 agg_wall_ns(ag->first_ns, ag->last_end_ns)));
	if (ag->file_size)
		fprintf(f, "; file size %s",
			units_bytes(b2, sizeof(b2), ag->file_size));
	putc('\n', f);
	for (int l = 0; l < LAYER_COUNT; l++) {
		const struct agg_layer *al = &ag->layer[l];
		uint64_t n = al->row[AGG_ROW_ALL].requests;

		if (!(r->opt.layer_mask & (1u << l)) || n == 0)
			continue;
		fprintf(f, "  %s: %llu %s, %s inside them over %s\n",
			layer_names[l], (unsigned long long)n,
			l == LAYER_VFD ? "reads" : "requests",
			units_ns(b1, sizeof(b1), report_busy_ns(r, g, l)),
			units_ns(b2, sizeof(b2),
				 agg_wall_ns(al->first_ns, al->last_end_ns)));
	}
	reads_and_requests(f, r, ag);
	for (int l = 0; l < LAYER_COUNT; l++) {
		const struct agg_layer *al = &ag->layer[l];
		uint64_t n = al->row[AGG_ROW_ALL].requests;

		if (!(r->opt.layer_mask & (1u << l)) || n == 0)
			continue;
		putc('\n', f);
		table_head(f, layer_names[l]);
		for (int b = 0; b < AGG_ROWS; b++) {
			if (b == AGG_ROW_NOBODY && l == LAYER_VFD)
				continue;
			row_stats(f, agg_row_names[b], &al->row[b],
				  n);
		}
		if (l == LAYER_VFD)
			vfd_extra(f, al);
		else
			http_extra(f, al);
	}
}

/* One ratio column pair: value and value / baseline. */
static void ratio_cells(FILE *f, char *(*fmt)(char *, size_t, uint64_t),
			uint64_t v, uint64_t base)
{
	char b[32];

	cell(f, fmt(b, sizeof(b), v), COL, 0);
	cell(f, units_ratio(b, sizeof(b), (double)v, (double)base), 8, 0);
}

static char *plain(char *buf, size_t cap, uint64_t v)
{
	snprintf(buf, cap, "%llu", (unsigned long long)v);
	return buf;
}

static void comparison(FILE *f, const struct report *r)
{
	const struct agg_group *base = r->agg->g[r->baseline];
	size_t width = 5;

	for (uint32_t i = 0; i < r->n_order; i++) {
		size_t w = esc_width(r->groups->keys[r->order[i]]);

		width = w > width ? w : width;
	}
	fputs("\n== comparison with baseline '", f);
	esc_text(f, r->groups->keys[r->baseline]);
	fputs("' ==\n  ", f);
	cell(f, "group", width, 1);
	for (int l = 0; l < LAYER_COUNT; l++) {
		char h[32];

		if (!report_layer_shown(r, (enum layer)l))
			continue;
		snprintf(h, sizeof(h), "%s reqs", layer_names[l]);
		cell(f, h, COL + 8, 0);
		snprintf(h, sizeof(h), "%s bytes", layer_names[l]);
		cell(f, h, COL + 8, 0);
		snprintf(h, sizeof(h), "%s time", layer_names[l]);
		cell(f, h, COL + 8, 0);
	}
	cell(f, "wall", COL + 8, 0);
	putc('\n', f);
	for (uint32_t i = 0; i < r->n_order; i++) {
		const struct agg_group *g = r->agg->g[r->order[i]];

		fputs("  ", f);
		cell(f, r->groups->keys[r->order[i]], width, 1);
		for (int l = 0; l < LAYER_COUNT; l++) {
			const struct agg_stats *a = &g->layer[l].row[AGG_ROW_ALL];
			const struct agg_stats *b =
				&base->layer[l].row[AGG_ROW_ALL];

			if (!report_layer_shown(r, (enum layer)l))
				continue;
			ratio_cells(f, plain, a->requests, b->requests);
			ratio_cells(f, units_bytes, a->bytes, b->bytes);
			ratio_cells(f, units_ns, a->total_ns, b->total_ns);
		}
		ratio_cells(f, units_ns, agg_wall_ns(g->first_ns, g->last_end_ns),
			    agg_wall_ns(base->first_ns, base->last_end_ns));
		putc('\n', f);
	}
}

/* Which span each trace cut to its bound covers, and which end of its
 * process's events it kept. */
static void span_notes(FILE *f, const struct run_summary *s)
{
	size_t n = s->partial_traces < RUN_SPANS_MAX ? s->partial_traces
						     : RUN_SPANS_MAX;
	char from[64], to[64], len[32];

	for (size_t i = 0; i < n; i++) {
		const struct run_span *sp = &s->spans[i];

		fprintf(f, "NOTE: %s holds the %s events: ", sp->trace,
			sp->ring ? "most recent" : "first");
		if (sp->events)
			fprintf(f, "%llu, from %s to %s (%s); ",
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
			fputs("none; ", f);
		fprintf(f, "%llu %s\n", (unsigned long long)sp->lost,
			sp->ring ? "older ones overwritten (H5SNOOP_MODE=ring)"
				 : "later ones not recorded "
				   "(H5SNOOP_MAX_SIZE)");
	}
	if (s->partial_traces > n)
		fprintf(f, "NOTE: %zu more traces cut to their bound\n",
			s->partial_traces - n);
}

static enum h5snoop_status write_report(FILE *f, const struct report *r,
					  struct h5snoop_error *err)
{
	const struct run_summary *s = r->run;

	fprintf(f,
		"h5snoop report: %zu trace%s, %llu events, %u group%s by ",
		s->traces, s->traces == 1 ? "" : "s",
		(unsigned long long)s->events, r->n_order,
		r->n_order == 1 ? "" : "s");
	for (unsigned i = 0; i < r->groups->n_by; i++)
		fprintf(f, "%s%s", i ? "/" : "",
			group_by_names[r->groups->by[i]]);
	putc('\n', f);
	if (s->discarded)
		fprintf(f, "NOTE: the tracer discarded %llu events; counts "
			   "are low\n",
			(unsigned long long)s->discarded);
	for (int i = 0; i < H5SNOOP_LOSS_COUNT; i++)
		if (s->lost[i])
			fprintf(f, "NOTE: lost %s: %llu %s\n",
				h5snoop_loss_names[i],
				(unsigned long long)s->lost[i],
				h5snoop_loss_drops[i]
					? "events not recorded"
					: "events recorded without this "
					  "detail");
	span_notes(f, s);
	if (r->agg->left_out)
		fprintf(f, "NOTE: %u more groups (%llu requests) left out: "
			   "these are the %u with the most requests, most "
			   "first; --all lists every group\n",
			r->agg->left_out,
			(unsigned long long)r->agg->left_out_requests,
			r->n_order);
	if (run_unparsed_total(s)) {
		const char *sep = "";

		fprintf(f, "NOTE: the net layer left %llu connection%s "
			   "unparsed, their requests not counted (",
			(unsigned long long)run_unparsed_total(s),
			run_unparsed_total(s) == 1 ? "" : "s");
		for (unsigned i = 0; i <= H5SNOOP_UNPARSED_MAX; i++)
			if (s->net_unparsed[i]) {
				fprintf(f, "%s%s %llu", sep,
					run_unparsed_names[i],
					(unsigned long long)
						s->net_unparsed[i]);
				sep = ", ";
			}
		fputs(")\n", f);
	}
	if (r->n_order == 0)
		fputs("no requests in the layers asked for\n", f);
	for (uint32_t i = 0; i < r->n_order; i++)
		group_section(f, r, r->order[i]);
	if (r->n_order > 1)
		comparison(f, r);
	report_findings_text(f, r);
	if (ferror(f))
		return diag_fail(err, "cannot write the report");
	return H5SNOOP_OK;
}

const struct report_writer report_text = {"text", write_report, 0};
