/*
 * out_json.c - the report for notebooks and scripts: everything the text
 * report says, as one JSON document (numbers in bytes and ns).
 *
 * Must never: write a string from a trace unescaped (esc_json).
 */
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "map.h"
#include "h5snoop/trace_schema.h"
#include "report.h"

static int str_eq(uintptr_t val, const void *key)
{
	return strcmp((const char *)val, key) == 0;
}

static int str_cmp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static void key(FILE *f, int *first, const char *k)
{
	fputs(*first ? "" : ",", f);
	*first = 0;
	esc_json(f, k);
	putc(':', f);
}

static void num(FILE *f, int *first, const char *k, uint64_t v)
{
	key(f, first, k);
	fprintf(f, "%llu", (unsigned long long)v);
}

/* v / base, or null when base is 0. */
static void ratio(FILE *f, int *first, const char *k, uint64_t v,
		  uint64_t base)
{
	key(f, first, k);
	if (base)
		fprintf(f, "%.6g", (double)v / (double)base);
	else
		fputs("null", f);
}

static void simple(FILE *f, int *first, const char *k,
		   const struct agg_simple *s)
{
	int in = 1;

	key(f, first, k);
	putc('{', f);
	num(f, &in, "requests", s->requests);
	num(f, &in, "bytes", s->bytes);
	num(f, &in, "total_ns", s->total_ns);
	putc('}', f);
}

static void stats_row(FILE *f, int b, const struct agg_stats *s,
		      const struct agg_stats *base, uint64_t all)
{
	int first = 1;

	putc('{', f);
	key(f, &first, "bin");
	esc_json(f, agg_row_names[b]);
	if (b < AGG_BINS) {
		num(f, &first, "lo_bytes", b ? agg_bin_edges[b - 1] : 0);
		key(f, &first, "hi_bytes");
		if (b < AGG_BINS - 1)
			fprintf(f, "%llu",
				(unsigned long long)agg_bin_edges[b]);
		else
			fputs("null", f);
	}
	num(f, &first, "requests", s->requests);
	ratio(f, &first, "share", s->requests, all);
	num(f, &first, "bytes", s->bytes);
	num(f, &first, "total_ns", s->total_ns);
	if (s->requests) {
		num(f, &first, "mean_ns", hist_mean(&s->latency));
		num(f, &first, "p50_ns", hist_quantile(&s->latency, 0.50));
		num(f, &first, "p95_ns", hist_quantile(&s->latency, 0.95));
		num(f, &first, "p99_ns", hist_quantile(&s->latency, 0.99));
		num(f, &first, "min_ns", s->latency.min);
		num(f, &first, "max_ns", s->latency.max);
	}
	key(f, &first, "ratio");
	first = 1;
	putc('{', f);
	ratio(f, &first, "requests", s->requests, base ? base->requests : 0);
	ratio(f, &first, "bytes", s->bytes, base ? base->bytes : 0);
	ratio(f, &first, "total_ns", s->total_ns, base ? base->total_ns : 0);
	fputs("}}", f);
}

static void vfd_extra(FILE *f, int *first, const struct agg_layer *l)
{
	struct agg_simple meta, raw;
	int in = 1;

	report_meta_raw(l, &meta, &raw);
	simple(f, first, "metadata", &meta);
	simple(f, first, "raw", &raw);
	key(f, first, "mem_types");
	putc('{', f);
	for (int m = 0; m < H5SNOOP_MEM_NTYPES; m++)
		simple(f, &in, h5snoop_mem_type_names[m], &l->mem[m]);
	putc('}', f);
}

static void http_extra(FILE *f, int *first, const struct agg_layer *l)
{
	int in = 1;

	key(f, first, "status");
	putc('{', f);
	for (unsigned i = 0; i < l->n_status; i++) {
		char code[8];

		snprintf(code, sizeof(code), "%u", l->status_code[i]);
		num(f, &in, code, l->status_count[i]);
	}
	putc('}', f);
	num(f, first, "status_other", l->status_other);
	num(f, first, "errors", l->failed);
	num(f, first, "curl_errors", l->curl_errors);
	num(f, first, "http_errors", l->http_errors);
	/* The errors named: per curl code (with libcurl's text) and per
	 * HTTP status; routine probes apart, by kind. */
	key(f, first, "curl_error_codes");
	putc('[', f);
	for (unsigned i = 0; i < l->n_curl; i++) {
		const char *name = report_curl_error_name(l->curl_code[i]);

		fprintf(f, "%s{\"code\":%d,\"name\":", i ? "," : "",
			(int)l->curl_code[i]);
		if (name)
			esc_json(f, name);
		else
			fputs("null", f);
		fprintf(f, ",\"count\":%llu}",
			(unsigned long long)l->curl_count[i]);
	}
	putc(']', f);
	key(f, first, "http_error_statuses");
	in = 1;
	putc('{', f);
	for (unsigned i = 0; i < l->n_error; i++) {
		char code[16];

		snprintf(code, sizeof(code), "%d", (int)l->error_code[i]);
		num(f, &in, code, l->error_count[i]);
	}
	putc('}', f);
	key(f, first, "probes");
	in = 1;
	putc('{', f);
	num(f, &in, "sidecar_not_found", l->probes[ATTRIB_PROBE_SIDECAR]);
	num(f, &in, "listing_refused", l->probes[ATTRIB_PROBE_LISTING]);
	putc('}', f);
	num(f, first, "bytes_fetched", l->bytes_fetched);
	num(f, first, "bytes_asked", l->bytes_asked);
	/* dns, connect and tls: null when no request had them measured
	 * (the net layer does not). */
	num(f, first, "net_layer_requests", l->net_requests);
	key(f, first, "phases_ns");
	in = 1;
	putc('{', f);
	for (int p = 0; p < AGG_PHASE_COUNT; p++) {
		if (p < AGG_PHASE_FIRST_BYTE && l->net_requests &&
		    l->net_requests >= l->row[AGG_ROW_ALL].requests) {
			key(f, &in, agg_phase_names[p]);
			fputs("null", f);
			continue;
		}
		num(f, &in, agg_phase_names[p], l->phase_ns[p]);
	}
	putc('}', f);
}

static void layer(FILE *f, const struct report *r, uint32_t g, int l)
{
	const struct agg_layer *al = &r->agg->g[g]->layer[l];
	const struct agg_group *bg = report_base_of(r, g);
	const struct agg_layer *bl = bg ? &bg->layer[l] : NULL;
	uint64_t all = al->row[AGG_ROW_ALL].requests;
	int first = 1;

	putc('{', f);
	num(f, &first, "requests", all);
	num(f, &first, "bytes", al->row[AGG_ROW_ALL].bytes);
	num(f, &first, "busy_ns", al->row[AGG_ROW_ALL].total_ns);
	num(f, &first, "wall_ns", report_wall_ns(&al->span));
	num(f, &first, "span_ns", agg_span_all_ns(&al->span));
	key(f, &first, "rows");
	putc('[', f);
	for (int b = 0; b < AGG_ROWS; b++) {
		if (b == AGG_ROW_NOBODY && l == LAYER_VFD)
			continue;
		if (b)
			putc(',', f);
		stats_row(f, b, &al->row[b], bl ? &bl->row[b] : NULL, all);
	}
	putc(']', f);
	num(f, &first, "failed", al->failed);
	if (l == LAYER_VFD)
		vfd_extra(f, &first, al);
	else
		http_extra(f, &first, al);
	putc('}', f);
}

/* How driver reads and HTTP requests relate (see out_text.c); only when
 * both layers are counted. */
static void reads_and_requests(FILE *f, int *first, const struct report *r,
			       const struct agg_group *ag)
{
	const struct agg_layer *http = &ag->layer[LAYER_HTTP];
	uint64_t requests = http->row[AGG_ROW_ALL].requests;
	int in = 1;

	if ((r->opt.layer_mask & 3u) != 3u)
		return;
	key(f, first, "reads_and_requests");
	putc('{', f);
	num(f, &in, "driver_reads",
	    ag->layer[LAYER_VFD].row[AGG_ROW_ALL].requests);
	num(f, &in, "reads_with_http", http->reads_fetching);
	num(f, &in, "served_by_driver", agg_served_by_driver(ag));
	num(f, &in, "http_requests", requests);
	num(f, &in, "in_driver_reads", http->in_reads);
	num(f, &in, "outside_driver_reads", requests - http->in_reads);
	num(f, &in, "bytes_asked", http->bytes_asked);
	num(f, &in, "bytes_fetched", http->bytes_fetched);
	putc('}', f);
}

static void group(FILE *f, const struct report *r, uint32_t g)
{
	const struct agg_group *ag = r->agg->g[g];
	const struct agg_group *base = report_base_of(r, g);
	int first = 1, in = 1;

	putc('{', f);
	key(f, &first, "group");
	esc_json(f, r->groups->keys[g]);
	key(f, &first, "by");
	putc('{', f);
	for (unsigned k = 0; k < r->groups->n_by; k++) {
		key(f, &in, group_by_names[r->groups->by[k]]);
		esc_json(f, r->groups->values[g * r->groups->n_by + k]);
	}
	putc('}', f);
	/* wall_ns: each process's first request to last end, summed;
	 * span_ns: the first of all to the last of all. */
	num(f, &first, "wall_ns", report_wall_ns(&ag->span));
	num(f, &first, "span_ns", agg_span_all_ns(&ag->span));
	num(f, &first, "processes", ag->span.procs);
	key(f, &first, "first_unix_ns");
	fprintf(f, "%lld", (long long)ag->span.first_ns);
	/* The size of its file; null when it has several (or none). */
	key(f, &first, "file_size");
	if (ag->file_size)
		fprintf(f, "%llu", (unsigned long long)ag->file_size);
	else
		fputs("null", f);
	key(f, &first, "baseline");
	if (base)
		esc_json(f, r->groups->keys[r->base_of[g]]);
	else
		fputs("null", f);
	ratio(f, &first, "wall_ratio", report_wall_ns(&ag->span),
	      base ? report_wall_ns(&base->span) : 0);
	reads_and_requests(f, &first, r, ag);
	key(f, &first, "layers");
	in = 1;
	putc('{', f);
	for (int l = 0; l < LAYER_COUNT; l++) {
		if (!(r->opt.layer_mask & (1u << l)))
			continue;
		key(f, &in, layer_names[l]);
		layer(f, r, g, l);
	}
	fputs("}}", f);
}

static void processes(FILE *f, const struct attrib *a)
{
	putc('[', f);
	for (size_t i = 0; i < a->n_procs; i++) {
		const struct proc *p = a->procs[i];
		int first = 1;

		fputs(i ? ",{" : "{", f);
		key(f, &first, "process");
		esc_json(f, p->name);
		key(f, &first, "host");
		esc_json(f, p->host);
		key(f, &first, "pid");
		fprintf(f, "%lld", p->pid);
		key(f, &first, "ppid");
		fprintf(f, "%lld", p->ppid);
		key(f, &first, "label");
		esc_json(f, p->label);
		putc('}', f);
	}
	putc(']', f);
}

/* The values of field k over r->order, each once, in that order (sorted
 * by the caller). */
static enum h5snoop_status field_values(const struct report *r, unsigned k,
					const char ***out, uint32_t *n,
					struct h5snoop_error *err)
{
	const char **v = malloc((r->n_order ? r->n_order : 1) * sizeof(*v));
	struct map seen = {0};

	*out = v;
	*n = 0;
	if (!v)
		return diag_nomem(err);
	for (uint32_t i = 0; i < r->n_order; i++) {
		const char *s =
			r->groups->values[(size_t)r->order[i] * 2 + k];
		uint64_t h = map_hash_str(s);

		if (map_find(&seen, h, str_eq, s))
			continue;
		if (map_set(&seen, h, str_eq, s, (uintptr_t)s) != 0) {
			map_free(&seen);
			return diag_nomem(err);
		}
		v[(*n)++] = s;
	}
	map_free(&seen);
	return H5SNOOP_OK;
}

static void strings(FILE *f, const char *const *v, uint32_t n)
{
	putc('[', f);
	for (uint32_t i = 0; i < n; i++) {
		fputs(i ? "," : "", f);
		esc_json(f, v[i]);
	}
	putc(']', f);
}

/*
 * With two fields, one the baseline's: {"rows": field, "columns":
 * field, "row_values", "column_values" (baseline first), "cells": per
 * row, per column, the key of the group there or null}.  Each group's
 * figures and ratios (to its row's baseline) are in "groups".
 */
static enum h5snoop_status pivot(FILE *f, const struct report *r,
				 struct h5snoop_error *err)
{
	unsigned ck = (unsigned)r->base_field, rk = 1u - ck;
	const char **rows = NULL, **cols = NULL;
	uint32_t n_rows = 0, n_cols = 0;
	enum h5snoop_status st = field_values(r, rk, &rows, &n_rows, err);
	int first = 1;

	if (st == H5SNOOP_OK)
		st = field_values(r, ck, &cols, &n_cols, err);
	if (st != H5SNOOP_OK) {
		free(rows);
		free(cols);
		return st;
	}
	/* Columns: the baseline value first, then by name; rows by name. */
	for (uint32_t i = 0; i < n_cols; i++)
		if (strcmp(cols[i], r->base_value) == 0) {
			const char *b = cols[i];

			memmove(cols + 1, cols, i * sizeof(*cols));
			cols[0] = b;
			break;
		}
	qsort(cols + 1, n_cols ? n_cols - 1 : 0, sizeof(*cols), str_cmp);
	qsort(rows, n_rows, sizeof(*rows), str_cmp);
	putc('{', f);
	key(f, &first, "rows");
	esc_json(f, group_by_names[r->groups->by[rk]]);
	key(f, &first, "columns");
	esc_json(f, group_by_names[r->groups->by[ck]]);
	key(f, &first, "row_values");
	strings(f, rows, n_rows);
	key(f, &first, "column_values");
	strings(f, cols, n_cols);
	key(f, &first, "cells");
	putc('[', f);
	for (uint32_t i = 0; i < n_rows; i++) {
		fputs(i ? ",[" : "[", f);
		for (uint32_t j = 0; j < n_cols; j++) {
			const char *v[2];
			char stack[1024], *k = stack;
			size_t len = strlen(rows[i]) + strlen(cols[j]) + 2;
			long g;

			v[rk] = rows[i];
			v[ck] = cols[j];
			if (len > sizeof(stack))
				k = malloc(len);
			if (!k) {
				free(rows);
				free(cols);
				return diag_nomem(err);
			}
			snprintf(k, len, "%s/%s", v[0], v[1]);
			g = group_table_find(r->groups, k);
			fputs(j ? "," : "", f);
			if (g >= 0 && agg_group_of(r->agg, (uint32_t)g) &&
			    agg_requests(r->agg, (uint32_t)g))
				esc_json(f, k);
			else
				fputs("null", f);
			if (k != stack)
				free(k);
		}
		putc(']', f);
	}
	fputs("]}", f);
	free(rows);
	free(cols);
	return H5SNOOP_OK;
}

static enum h5snoop_status write_report(FILE *f, const struct report *r,
					  struct h5snoop_error *err)
{
	const struct run_summary *s = r->run;
	int first = 1, in = 1;

	putc('{', f);
	key(f, &first, "h5snoop_version");
	esc_json(f, H5SNOOP_VERSION_STRING);
	num(f, &first, "trace_format_version", H5SNOOP_TRACE_VERSION);
	key(f, &first, "by");
	putc('[', f);
	for (unsigned k = 0; k < r->groups->n_by; k++) {
		fputs(k ? "," : "", f);
		esc_json(f, group_by_names[r->groups->by[k]]);
	}
	fputs("]", f);
	key(f, &first, "baseline");
	if (r->n_order)
		esc_json(f, r->groups->keys[r->baseline]);
	else
		fputs("null", f);
	key(f, &first, "baseline_field");
	if (r->n_order && r->base_field >= 0)
		esc_json(f, group_by_names[r->groups->by[r->base_field]]);
	else
		fputs("null", f);
	key(f, &first, "baseline_value");
	if (r->n_order && r->base_field >= 0)
		esc_json(f, r->base_value);
	else
		fputs("null", f);
	if (r->n_order && r->groups->n_by == 2 && r->base_field >= 0) {
		key(f, &first, "pivot");
		if (pivot(f, r, err) != H5SNOOP_OK)
			return H5SNOOP_ERROR;
	}
	key(f, &first, "summary");
	putc('{', f);
	num(f, &in, "traces", s->traces);
	num(f, &in, "events", s->events);
	num(f, &in, "discarded_events", s->discarded);
	num(f, &in, "truncated_streams", s->truncated);
	num(f, &in, "empty_traces", s->empty_traces);
	key(f, &in, "lost");
	putc('{', f);
	for (int i = 0, lf = 1; i < H5SNOOP_LOSS_COUNT; i++)
		num(f, &lf, h5snoop_loss_names[i], s->lost[i]);
	putc('}', f);
	/* Traces cut to their bound: the span each covers. */
	num(f, &in, "partial_traces", s->partial_traces);
	key(f, &in, "spans");
	putc('[', f);
	for (size_t i = 0; i < s->partial_traces && i < RUN_SPANS_MAX; i++) {
		const struct run_span *sp = &s->spans[i];
		int sf = 1;

		fputs(i ? ",{" : "{", f);
		key(f, &sf, "trace");
		esc_json(f, sp->trace);
		key(f, &sf, "kept");
		esc_json(f, sp->ring ? "most_recent" : "first");
		key(f, &sf, "first_unix_ns");
		fprintf(f, "%lld", (long long)sp->first_unix_ns);
		key(f, &sf, "last_unix_ns");
		fprintf(f, "%lld", (long long)sp->last_unix_ns);
		num(f, &sf, "span_ns",
		    (uint64_t)trace_diff_ns(sp->last_unix_ns,
					    sp->first_unix_ns));
		num(f, &sf, "events", sp->events);
		num(f, &sf, "lost", sp->lost);
		putc('}', f);
	}
	putc(']', f);
	/* Groups with requests not in "groups" (--top). */
	num(f, &in, "groups_left_out", r->agg->left_out);
	num(f, &in, "requests_left_out", r->agg->left_out_requests);
	num(f, &in, "net_unparsed_connections", run_unparsed_total(s));
	key(f, &in, "net_unparsed_by_reason");
	{
		int first_reason = 1;

		putc('{', f);
		for (unsigned i = 0; i <= H5SNOOP_UNPARSED_MAX; i++)
			if (s->net_unparsed[i])
				num(f, &first_reason, run_unparsed_names[i],
				    s->net_unparsed[i]);
		putc('}', f);
	}
	putc('}', f);
	key(f, &first, "processes");
	processes(f, r->attrib);
	key(f, &first, "groups");
	putc('[', f);
	for (uint32_t i = 0; i < r->n_order; i++) {
		if (i)
			putc(',', f);
		group(f, r, r->order[i]);
	}
	putc(']', f);
	report_findings_json(f, r, &first);
	key(f, &first, "warnings");
	putc('[', f);
	for (unsigned i = 0; i < err->n_warnings; i++) {
		fputs(i ? "," : "", f);
		esc_json(f, err->warnings[i]);
	}
	fputs("]}\n", f);
	if (ferror(f))
		return diag_fail(err, "cannot write the report");
	return H5SNOOP_OK;
}

const struct report_writer report_json = {"json", write_report, 0};
