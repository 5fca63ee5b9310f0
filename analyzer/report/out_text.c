/*
 * out_text.c - the report for people: aligned tables in human units.
 *
 * Must never: write a control character taken from a trace (esc_text).
 */
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "map.h"
#include "report.h"
#include "text_table.h"
#include "units.h"

#define COL 11 /* width of a number column */

/* s right-aligned (or left) in `width` terminal columns; a value wider
 * than its column still gets a space before it, so that two never run
 * together. */
static void cell(FILE *f, const char *s, size_t width, int left)
{
	size_t w = esc_width(s);

	if (left)
		esc_text(f, s);
	if (!left && w >= width)
		putc(' ', f);
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

/* The errors, named: curl's error text, the HTTP status; routine probes
 * apart, as what they are. */
static void errors(FILE *f, const struct agg_layer *l)
{
	const char *sep = " (";
	uint64_t probes = 0;

	fprintf(f, "  errors: %llu", (unsigned long long)l->failed);
	for (unsigned i = 0; i < l->n_curl; i++) {
		const char *name = report_curl_error_name(l->curl_code[i]);

		fprintf(f, "%scurl %d%s%s%s x%llu", sep, (int)l->curl_code[i],
			name ? " \"" : "", name ? name : "", name ? "\"" : "",
			(unsigned long long)l->curl_count[i]);
		sep = ", ";
	}
	if (l->curl_other) {
		fprintf(f, "%sother curl errors x%llu", sep,
			(unsigned long long)l->curl_other);
		sep = ", ";
	}
	for (unsigned i = 0; i < l->n_error; i++) {
		fprintf(f, "%sHTTP %d x%llu", sep, (int)l->error_code[i],
			(unsigned long long)l->error_count[i]);
		sep = ", ";
	}
	if (l->error_other)
		fprintf(f, "%sother HTTP errors x%llu", sep,
			(unsigned long long)l->error_other);
	if (l->failed > l->curl_errors + l->http_errors)
		fprintf(f, "%sno answer x%llu", sep,
			(unsigned long long)(l->failed - l->curl_errors -
					     l->http_errors));
	fputs(l->failed ? ")\n" : "\n", f);
	for (int p = 1; p < ATTRIB_PROBE_COUNT; p++)
		probes += l->probes[p];
	if (!probes)
		return;
	fprintf(f, "  routine probes, not errors: %llu",
		(unsigned long long)probes);
	sep = " (";
	for (int p = 1; p < ATTRIB_PROBE_COUNT; p++)
		if (l->probes[p]) {
			fprintf(f, "%s%s x%llu", sep, report_probe_names[p],
				(unsigned long long)l->probes[p]);
			sep = ", ";
		}
	fputs(")\n", f);
}

/* Where HTTP time went.  DNS, connect and TLS are measured by libcurl
 * only: for the net layer's requests they are not measured, not 0. */
static void phases(FILE *f, const struct agg_layer *l)
{
	uint64_t all = l->row[AGG_ROW_ALL].requests;
	uint64_t curl = all > l->net_requests ? all - l->net_requests : 0;
	char b[32];

	fputs("\n  time in:", f);
	for (int p = 0; p < AGG_PHASE_COUNT; p++) {
		int measured = p >= AGG_PHASE_FIRST_BYTE || curl > 0;

		fprintf(f, " %s %s%s", agg_phase_names[p],
			measured ? units_ns(b, sizeof(b), l->phase_ns[p])
				 : "not measured",
			p + 1 < AGG_PHASE_COUNT ? "," : "");
	}
	if (l->net_requests && curl)
		fprintf(f, " (dns, connect and tls of libcurl's %llu "
			   "requests; not measured for the net layer's %llu)",
			(unsigned long long)curl,
			(unsigned long long)l->net_requests);
	else if (l->net_requests)
		fputs(" (the net layer measures no dns, connect or tls)", f);
	putc('\n', f);
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
	putc('\n', f);
	errors(f, l);
	fprintf(f, "  fetched over HTTP: %s for %s asked by HDF5 reads",
		units_bytes(b1, sizeof(b1), l->bytes_fetched),
		units_bytes(b2, sizeof(b2), l->bytes_asked));
	if (l->bytes_asked)
		fprintf(f, " (%s)",
			units_ratio(b1, sizeof(b1), (double)l->bytes_fetched,
				    (double)l->bytes_asked));
	phases(f, l);
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
	fprintf(f, "  wall time %s (each process's first request to last "
		   "end, summed over %u process%s)",
		units_ns(b1, sizeof(b1), report_wall_ns(&ag->span)),
		ag->span.procs, ag->span.procs == 1 ? "" : "es");
	if (ag->file_size)
		fprintf(f, "; file size %s",
			units_bytes(b2, sizeof(b2), ag->file_size));
	putc('\n', f);
	if (r->opt.span)
		fprintf(f, "  span %s (first request of all to last end of "
			   "all)\n",
			units_ns(b1, sizeof(b1), agg_span_all_ns(&ag->span)));
	for (int l = 0; l < LAYER_COUNT; l++) {
		const struct agg_layer *al = &ag->layer[l];
		uint64_t n = al->row[AGG_ROW_ALL].requests;

		if (!(r->opt.layer_mask & (1u << l)) || n == 0)
			continue;
		fprintf(f, "  %s: %llu %s, %s inside them over %s\n",
			layer_names[l], (unsigned long long)n,
			l == LAYER_VFD ? "reads" : "requests",
			units_ns(b1, sizeof(b1), report_busy_ns(r, g, l)),
			units_ns(b2, sizeof(b2), report_wall_ns(&al->span)));
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

/* A cell: v formatted, and its ratio to base when there is a base. */
static void fill(struct text_cell *c, char *(*fmt)(char *, size_t, uint64_t),
		 uint64_t v, const uint64_t *base)
{
	fmt(c->value, sizeof(c->value), v);
	if (base && *base)
		units_ratio(c->ratio, sizeof(c->ratio), (double)v,
			    (double)*base);
}

static char *plain(char *buf, size_t cap, uint64_t v)
{
	snprintf(buf, cap, "%llu", (unsigned long long)v);
	return buf;
}

static char *percent(char *buf, size_t cap, uint64_t per_mille)
{
	snprintf(buf, cap, "%.0f%%", (double)per_mille / 10.0);
	return buf;
}

/* The figures compared between groups. */
enum measure {
	M_VFD_REQS, M_VFD_SMALL, M_VFD_BYTES, M_VFD_TIME,
	M_HTTP_REQS, M_HTTP_BYTES, M_HTTP_TIME, M_WALL, M_SPAN, M_COUNT
};

static const struct {
	int layer;          /* LAYER_COUNT: both */
	int ratio;          /* compared with the baseline */
	const char *head;   /* in the comparison table */
	const char *title;  /* of a pivot table */
	char *(*fmt)(char *, size_t, uint64_t);
} measures[M_COUNT] = {
	[M_VFD_REQS] = {LAYER_VFD, 1, "vfd reqs",
			"driver reads (vfd layer)", plain},
	[M_VFD_SMALL] = {LAYER_VFD, 0, "vfd <10KiB",
			 "share of driver reads under 10 KiB", percent},
	[M_VFD_BYTES] = {LAYER_VFD, 1, "vfd bytes",
			 "bytes asked by driver reads", units_bytes},
	[M_VFD_TIME] = {LAYER_VFD, 1, "vfd time",
			"time inside driver reads", units_ns},
	[M_HTTP_REQS] = {LAYER_HTTP, 1, "http reqs",
			 "HTTP requests (http and net layers)", plain},
	[M_HTTP_BYTES] = {LAYER_HTTP, 1, "http bytes",
			  "bytes of HTTP requests", units_bytes},
	[M_HTTP_TIME] = {LAYER_HTTP, 1, "http time",
			 "time inside HTTP requests", units_ns},
	[M_WALL] = {LAYER_COUNT, 1, "wall",
		    "wall time (each process's first request to last end, "
		    "summed)", units_ns},
	[M_SPAN] = {LAYER_COUNT, 1, "span",
		    "span (first request of all to last end of all)",
		    units_ns},
};

static uint64_t measure_of(const struct agg_group *g, enum measure m)
{
	const struct agg_stats *v = g->layer[LAYER_VFD].row;
	const struct agg_stats *h = g->layer[LAYER_HTTP].row;

	switch (m) {
	case M_VFD_REQS:
		return v[AGG_ROW_ALL].requests;
	case M_VFD_SMALL:
		return v[AGG_ROW_ALL].requests
			       ? agg_small_requests(&g->layer[LAYER_VFD]) *
					 1000u /
					 v[AGG_ROW_ALL].requests
			       : 0;
	case M_VFD_BYTES:
		return v[AGG_ROW_ALL].bytes;
	case M_VFD_TIME:
		return v[AGG_ROW_ALL].total_ns;
	case M_HTTP_REQS:
		return h[AGG_ROW_ALL].requests;
	case M_HTTP_BYTES:
		return h[AGG_ROW_ALL].bytes;
	case M_HTTP_TIME:
		return h[AGG_ROW_ALL].total_ns;
	case M_WALL:
		return report_wall_ns(&g->span);
	case M_SPAN:
	default:
		return agg_span_all_ns(&g->span);
	}
}

/* Whether measure m is shown: its layer has requests, --span. */
static int measure_shown(const struct report *r, enum measure m)
{
	if (m == M_SPAN)
		return r->opt.span;
	return measures[m].layer == LAYER_COUNT ||
	       report_layer_shown(r, (enum layer)measures[m].layer);
}

/* The cell of group g for measure m, with its ratio to g's baseline. */
static void measure_cell(const struct report *r, uint32_t g, enum measure m,
			 struct text_cell *c)
{
	const struct agg_group *ag = r->agg->g[g];
	const struct agg_group *base = report_base_of(r, g);
	uint64_t bv = base ? measure_of(base, m) : 0;
	int layer = measures[m].layer;

	if (layer != LAYER_COUNT &&
	    ag->layer[layer].row[AGG_ROW_ALL].requests == 0)
		return; /* "-" */
	fill(c, measures[m].fmt, measure_of(ag, m),
	     measures[m].ratio && base ? &bv : NULL);
}

/* Every group against its baseline: a row per group, a column per
 * measure. */
static enum h5snoop_status comparison(FILE *f, const struct report *r,
				      struct h5snoop_error *err)
{
	struct text_table t;
	unsigned n_cols = 0;
	enum measure cols[M_COUNT];
	enum h5snoop_status st;

	for (int m = 0; m < M_COUNT; m++)
		if (m != M_VFD_SMALL && measure_shown(r, (enum measure)m))
			cols[n_cols++] = (enum measure)m;
	fputs("\n== comparison with baseline '", f);
	if (r->base_field < 0 || r->groups->n_by == 1) {
		esc_text(f, r->groups->keys[r->baseline]);
		fputs("' ==\n", f);
	} else {
		esc_text(f, r->base_value);
		fprintf(f, "' (%s) ==\n",
			group_by_names[r->groups->by[r->base_field]]);
	}
	st = text_table_init(&t, "group", r->n_order, n_cols, err);
	for (unsigned c = 0; st == H5SNOOP_OK && c < n_cols; c++)
		t.head[c] = measures[cols[c]].head;
	for (uint32_t i = 0; st == H5SNOOP_OK && i < r->n_order; i++) {
		t.names[i] = r->groups->keys[r->order[i]];
		for (unsigned c = 0; c < n_cols; c++)
			measure_cell(r, r->order[i], cols[c],
				     text_table_cell(&t, i, c));
	}
	if (st == H5SNOOP_OK)
		st = text_table_write(f, &t, err);
	text_table_free(&t);
	return st;
}

/* The distinct values of one field, with their index. */
struct values {
	const char **v;
	uint32_t n;
	struct map index; /* value -> its index + 1 */
};

struct value_probe {
	const struct values *vs;
	const char *s;
};

static int value_eq(uintptr_t val, const void *key)
{
	const struct value_probe *p = key;

	return strcmp(p->vs->v[val - 1], p->s) == 0;
}

/* The index of s in vs, or UINT32_MAX. */
static uint32_t value_find(const struct values *vs, const char *s)
{
	struct value_probe p = {vs, s};
	uintptr_t i = map_find(&vs->index, map_hash_str(s), value_eq, &p);

	return i ? (uint32_t)(i - 1) : UINT32_MAX;
}

/* The values of field k over r->order, each once, in that order. */
static enum h5snoop_status values_of(const struct report *r, unsigned k,
				     struct values *vs,
				     struct h5snoop_error *err)
{
	memset(vs, 0, sizeof(*vs));
	vs->v = malloc((r->n_order ? r->n_order : 1) * sizeof(*vs->v));
	if (!vs->v)
		return diag_nomem(err);
	for (uint32_t i = 0; i < r->n_order; i++) {
		const char *s = r->groups->values[(size_t)r->order[i] *
							  r->groups->n_by +
						  k];
		struct value_probe p = {vs, s};

		if (value_find(vs, s) != UINT32_MAX)
			continue;
		vs->v[vs->n] = s;
		if (map_set(&vs->index, map_hash_str(s), value_eq, &p,
			    (uintptr_t)vs->n + 1) != 0)
			return diag_nomem(err);
		vs->n++;
	}
	return H5SNOOP_OK;
}

static void values_free(struct values *vs)
{
	free(vs->v);
	map_free(&vs->index);
}

/* NOTE: qsort has no context; one report is written at a time. */
static const char *sort_base;

/* The baseline value (when not NULL) first, then by name. */
static int column_cmp(const void *x, const void *y)
{
	const char *a = *(const char *const *)x, *b = *(const char *const *)y;
	int ab = sort_base && strcmp(a, sort_base) == 0;
	int bb = sort_base && strcmp(b, sort_base) == 0;

	return ab != bb ? bb - ab : strcmp(a, b);
}

/* Sorts vs's values with column_cmp and indexes them again. */
static enum h5snoop_status values_sort(struct values *vs, const char *base,
				       struct h5snoop_error *err)
{
	sort_base = base;
	qsort(vs->v, vs->n, sizeof(*vs->v), column_cmp);
	map_free(&vs->index);
	memset(&vs->index, 0, sizeof(vs->index));
	for (uint32_t i = 0; i < vs->n; i++) {
		struct value_probe p = {vs, vs->v[i]};

		if (map_set(&vs->index, map_hash_str(vs->v[i]), value_eq, &p,
			    (uintptr_t)i + 1) != 0)
			return diag_nomem(err);
	}
	return H5SNOOP_OK;
}

/*
 * With two fields, one of them the baseline's: one table per measure,
 * the other field's values as rows, the baseline field's as columns
 * (baseline first), each cell with its ratio to the same row's baseline
 * (the notebook's pivot, runs by flavors).
 */
static enum h5snoop_status pivot(FILE *f, const struct report *r,
				 struct h5snoop_error *err)
{
	unsigned ck = (unsigned)r->base_field, rk = 1u - ck;
	const struct group_table *gt = r->groups;
	struct values rows, cols;
	enum h5snoop_status st = values_of(r, rk, &rows, err);

	memset(&cols, 0, sizeof(cols));
	if (st == H5SNOOP_OK)
		st = values_of(r, ck, &cols, err);
	/* Columns: baseline first, then by name; rows by name. */
	if (st == H5SNOOP_OK)
		st = values_sort(&cols, r->base_value, err);
	if (st == H5SNOOP_OK)
		st = values_sort(&rows, NULL, err);
	for (int m = 0; st == H5SNOOP_OK && m < M_COUNT; m++) {
		struct text_table t;

		if (!measure_shown(r, (enum measure)m))
			continue;
		fprintf(f, "\n== %s, by %s and %s", measures[m].title,
			group_by_names[gt->by[rk]],
			group_by_names[gt->by[ck]]);
		if (measures[m].ratio) {
			fputs(", ratio to ", f);
			esc_text(f, r->base_value);
		}
		fputs(" ==\n", f);
		st = text_table_init(&t, group_by_names[gt->by[rk]], rows.n,
				     cols.n, err);
		for (uint32_t c = 0; st == H5SNOOP_OK && c < cols.n; c++)
			t.head[c] = cols.v[c];
		for (uint32_t i = 0; st == H5SNOOP_OK && i < rows.n; i++)
			t.names[i] = rows.v[i];
		for (uint32_t i = 0; st == H5SNOOP_OK && i < r->n_order;
		     i++) {
			uint32_t g = r->order[i];
			uint32_t row = value_find(
				&rows, gt->values[(size_t)g * 2 + rk]);
			uint32_t col = value_find(
				&cols, gt->values[(size_t)g * 2 + ck]);

			measure_cell(r, g, (enum measure)m,
				     text_table_cell(&t, row, col));
		}
		if (st == H5SNOOP_OK)
			st = text_table_write(f, &t, err);
		text_table_free(&t);
	}
	values_free(&rows);
	values_free(&cols);
	return st;
}

/* Which span each trace cut to its bound covers, and which end of its
 * process's events it kept. */
/* One note, as a line of its own; its trace path escaped. */
static void text_note(void *ctx, const char *note)
{
	FILE *f = ctx;

	fputs("NOTE: ", f);
	esc_text(f, note);
	putc('\n', f);
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
	report_notes(r, text_note, f);
	if (r->n_order == 0)
		fputs("no requests in the layers asked for\n", f);
	for (uint32_t i = 0; i < r->n_order; i++)
		group_section(f, r, r->order[i]);
	if (r->n_order > 1 && r->groups->n_by == 2 && r->base_field >= 0 &&
	    pivot(f, r, err) != H5SNOOP_OK)
		return H5SNOOP_ERROR;
	else if (r->n_order > 1 && !(r->groups->n_by == 2 &&
				     r->base_field >= 0) &&
		 comparison(f, r, err) != H5SNOOP_OK)
		return H5SNOOP_ERROR;
	report_findings_text(f, r);
	if (ferror(f))
		return diag_fail(err, "cannot write the report");
	return H5SNOOP_OK;
}

const struct report_writer report_text = {"text", write_report, 0};
