/*
 * out_csv.c - the report for pandas: a header line, then one row per
 * group, layer and bin.  The leading columns are fixed (the issue's
 * contract): group,layer,bin,requests,share,bytes,total_ns,mean_ns,
 * p50_ns,p95_ns,p99_ns; more follow, the --by values last.  Rows of
 * the whole run follow the groups' (layer "lost", "span", then
 * "finding": see report_findings.c), so a reader of groups keeps layers
 * vfd and http.  The ratios compare with the group named in the
 * baseline column (with --by run,flavor: the same run's baseline
 * flavor); group_wall_ns sums each process's first request to last end,
 * group_span_ns is the first of all to the last of all.
 *
 * Must never: write a field from a trace unquoted (esc_csv).
 */
#include "escape.h"
#include "report.h"

/* v / base, empty when there is no baseline or it is 0. */
static void ratio(FILE *f, uint64_t v, uint64_t base)
{
	if (base)
		fprintf(f, ",%.6g", (double)v / (double)base);
	else
		fputs(",", f);
}

static void row(FILE *f, const struct report *r, uint32_t g, int l, int b)
{
	const struct agg_layer *al = &r->agg->g[g]->layer[l];
	const struct agg_stats *s = &al->row[b];
	const struct agg_group *bg = report_base_of(r, g);
	const struct agg_stats *base = bg ? &bg->layer[l].row[b] : NULL;
	uint64_t all = al->row[AGG_ROW_ALL].requests;
	const struct agg_group *ag = r->agg->g[g];
	char *key = r->groups->keys[g];

	esc_csv(f, key);
	fprintf(f, ",%s,%s,%llu,", layer_names[l], agg_row_names[b],
		(unsigned long long)s->requests);
	if (all)
		fprintf(f, "%.6f", (double)s->requests / (double)all);
	fprintf(f, ",%llu,%llu", (unsigned long long)s->bytes,
		(unsigned long long)s->total_ns);
	if (s->requests)
		fprintf(f, ",%llu,%llu,%llu,%llu,%llu,%llu",
			(unsigned long long)hist_mean(&s->latency),
			(unsigned long long)hist_quantile(&s->latency, 0.50),
			(unsigned long long)hist_quantile(&s->latency, 0.95),
			(unsigned long long)hist_quantile(&s->latency, 0.99),
			(unsigned long long)s->latency.min,
			(unsigned long long)s->latency.max);
	else
		fputs(",,,,,,", f);
	ratio(f, s->requests, base ? base->requests : 0);
	ratio(f, s->bytes, base ? base->bytes : 0);
	ratio(f, s->total_ns, base ? base->total_ns : 0);
	fprintf(f, ",%llu,%llu,",
		(unsigned long long)report_wall_ns(&ag->span),
		(unsigned long long)agg_span_all_ns(&ag->span));
	if (r->base_of[g] != REPORT_NO_BASE)
		esc_csv(f, r->groups->keys[r->base_of[g]]);
	for (unsigned k = 0; k < r->groups->n_by; k++) {
		putc(',', f);
		esc_csv(f, r->groups->values[g * r->groups->n_by + k]);
	}
	putc('\n', f);
}

/* One row per reason the tracer lost data for: no group, layer "lost",
 * the reason as the bin, the count as requests; other cells empty. */
static void lost_rows(FILE *f, const struct report *r)
{
	for (int i = 0; i < H5SNOOP_LOSS_COUNT; i++) {
		if (!r->run->lost[i])
			continue;
		fprintf(f, ",lost,%s,%llu", h5snoop_loss_names[i],
			(unsigned long long)r->run->lost[i]);
		for (unsigned k = 0; k < 15 + r->groups->n_by; k++)
			putc(',', f);
		putc('\n', f);
	}
}

/* One row per trace cut to its bound: the trace as the group, layer
 * "span", what it kept as the bin (most_recent: H5SNOOP_MODE=ring;
 * first: stopped at the bound), the events kept as requests, the span as
 * total_ns, group_wall_ns and group_span_ns, its first and last event's
 * start (Unix ns) as min_ns and max_ns. */
static void span_rows(FILE *f, const struct report *r)
{
	const struct run_summary *s = r->run;

	for (size_t i = 0; i < s->partial_traces && i < RUN_SPANS_MAX; i++) {
		const struct run_span *sp = &s->spans[i];
		unsigned long long span = (unsigned long long)trace_diff_ns(
			sp->last_unix_ns, sp->first_unix_ns);

		esc_csv(f, sp->trace);
		fprintf(f, ",span,%s,%llu,,,%llu,,,,,%lld,%lld,,,,%llu,%llu,",
			sp->ring ? "most_recent" : "first",
			(unsigned long long)sp->events, span,
			(long long)sp->first_unix_ns,
			(long long)sp->last_unix_ns, span, span);
		for (unsigned k = 0; k < r->groups->n_by; k++)
			putc(',', f);
		putc('\n', f);
	}
}

static enum h5snoop_status write_report(FILE *f, const struct report *r,
					  struct h5snoop_error *err)
{
	fputs("group,layer,bin,requests,share,bytes,total_ns,mean_ns,p50_ns,"
	      "p95_ns,p99_ns,min_ns,max_ns,requests_ratio,bytes_ratio,"
	      "total_ns_ratio,group_wall_ns,group_span_ns,baseline",
	      f);
	/* NOTE: "by_" keeps these apart from the fixed columns. */
	for (unsigned k = 0; k < r->groups->n_by; k++)
		fprintf(f, ",by_%s", group_by_names[r->groups->by[k]]);
	putc('\n', f);
	for (uint32_t i = 0; i < r->n_order; i++)
		for (int l = 0; l < LAYER_COUNT; l++) {
			if (!report_layer_shown(r, (enum layer)l))
				continue;
			for (int b = 0; b < AGG_ROWS; b++)
				if (b != AGG_ROW_NOBODY || l == LAYER_HTTP)
					row(f, r, r->order[i], l, b);
		}
	lost_rows(f, r);
	span_rows(f, r);
	report_findings_csv(f, r);
	if (ferror(f))
		return diag_fail(err, "cannot write the report");
	return H5SNOOP_OK;
}

const struct report_writer report_csv = {"csv", write_report, 0};
