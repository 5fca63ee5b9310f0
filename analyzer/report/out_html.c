/*
 * out_html.c - the report as one self-contained web page: the summary
 * and its notes, runs by flavor, advise's findings, the pictures (inline
 * SVG), every group,
 * processes, files and errors; its style inline, no script, nothing
 * fetched (a Content-Security-Policy says so to the browser as well).
 *
 * Must never: write a string from a trace unescaped (esc_xml: traces
 * are untrusted input); refer to anything outside the page.
 */
#include <stdlib.h>

#include "escape.h"
#include "h5snoop/trace_schema.h"
#include "report.h"
#include "report_grid.h"
#include "units.h"

/* Rows of the process and file tables, most requests first. */
#define TABLE_MAX 50

static const char style[] =
	"body{font-family:sans-serif;margin:24px auto;max-width:1240px;"
	"color:#222;padding:0 12px}"
	"h1{font-size:24px}h2{font-size:19px;margin-top:32px;"
	"border-bottom:1px solid #ccc}"
	"table{border-collapse:collapse;font-size:13px;margin:8px 0}"
	"th,td{border:1px solid #ddd;padding:3px 8px;text-align:right;"
	"vertical-align:top}"
	"th{background:#f3f3f3}td.name,th.name{text-align:left;"
	"word-break:break-all;max-width:420px}"
	".ratio{color:#666;font-size:12px}.note{color:#8a4b00}"
	"code{background:#f3f3f3;padding:0 3px}"
	"figure{margin:16px 0}figcaption{font-weight:bold;margin:4px 0}"
	"figure svg{max-width:100%;height:auto;border:1px solid #eee}"
	"nav a{margin-right:14px}";

static void text(FILE *f, const char *s)
{
	esc_xml(f, s);
}

static void cell(FILE *f, const char *tag, const char *cls, const char *s)
{
	fprintf(f, "<%s%s%s%s>", tag, cls ? " class=\"" : "", cls ? cls : "",
		cls ? "\"" : "");
	text(f, s);
	fprintf(f, "</%s>", tag);
}

static void num_cell(FILE *f, uint64_t v)
{
	fprintf(f, "<td>%llu</td>", (unsigned long long)v);
}

/* A value and, unless g is its own baseline or has none, its ratio to
 * figure k of g's baseline group: each group is compared with its own
 * baseline (report.h), as the text report does. */
static void ratio_cell(FILE *f, const struct report *r, uint32_t g,
		       const char *value, enum report_figure k)
{
	uint32_t bg = r->base_of[g];
	char b[32];

	fputs("<td>", f);
	text(f, value);
	if (bg != g && bg != REPORT_NO_BASE)
		fprintf(f, " <span class=\"ratio\">%s</span>",
			units_ratio(b, sizeof(b),
				    (double)report_figure_of(r, g, k),
				    (double)report_figure_of(r, bg, k)));
	fputs("</td>", f);
}

/* One note, as an item of the notes list. */
static void html_note(void *ctx, const char *note)
{
	FILE *f = ctx;

	fputs("<li>", f);
	text(f, note);
	fputs(".</li>\n", f);
}

static void summary(FILE *f, const struct report *r)
{
	const struct run_summary *s = r->run;

	fprintf(f, "<p>%zu trace%s, %llu events, %u group%s by ", s->traces,
		s->traces == 1 ? "" : "s", (unsigned long long)s->events,
		r->n_order, r->n_order == 1 ? "" : "s");
	for (unsigned i = 0; i < r->groups->n_by; i++) {
		fputs(i ? "/" : "", f);
		text(f, group_by_names[r->groups->by[i]]);
	}
	if (r->n_order && (r->base_field < 0 || r->groups->n_by == 1)) {
		fputs("; baseline <b>", f);
		text(f, r->groups->keys[r->baseline]);
		fputs("</b>", f);
	} else if (r->n_order) {
		/* Each group is compared with the group that has the
		 * baseline value in this field and its own other values. */
		fputs("; baseline <b>", f);
		text(f, r->base_value);
		fputs("</b> (", f);
		text(f, group_by_names[r->groups->by[r->base_field]]);
		fputs(", each group against its own)", f);
	}
	fputs(".</p>\n<ul class=\"note\">\n", f);
	report_notes(r, html_note, f);
	if (s->truncated)
		fprintf(f, "<li>%zu stream file%s cut short: read up to the "
			   "last complete event.</li>\n",
			s->truncated, s->truncated == 1 ? "" : "s");
	fputs("</ul>\n", f);
}

/* Runs as rows, flavors as columns: requests and time, with ratios. */
static void pivot(FILE *f, const struct report *r,
		  const struct report_grid *gr)
{
	enum layer l = report_counted_layer(r);
	char b[64];

	fputs("<h2 id=\"pivot\">Runs by flavor</h2>\n<p>", f);
	fprintf(f, "%s and time of each run (rows: ",
		l == LAYER_HTTP ? "HTTP requests" : "Driver reads");
	text(f, gr->row_field);
	fputs(") on each flavor (columns: ", f);
	text(f, gr->col_field);
	fputs("), with the ratio to the same row's baseline.", f);
	for (int k = 0; k < 2; k++) {
		const char *c = k ? gr->short_cols.common
				  : gr->short_rows.common;

		if (c[0]) {
			fputs(" The ", f);
			text(f, c);
			fputs(".", f);
		}
	}
	fputs("</p>\n<table><tr><th class=\"name\"></th>", f);
	for (uint32_t col = 0; col < gr->n_cols; col++) {
		fprintf(f, "<th colspan=\"2\">");
		text(f, gr->short_cols.name[col]);
		fputs("</th>", f);
	}
	fputs("</tr>\n<tr><th class=\"name\"></th>", f);
	for (uint32_t col = 0; col < gr->n_cols; col++)
		fputs("<th>requests</th><th>time</th>", f);
	fputs("</tr>\n", f);
	for (uint32_t row = 0; row < gr->n_rows; row++) {
		fputs("<tr>", f);
		cell(f, "td", "name", gr->short_rows.name[row]);
		for (uint32_t col = 0; col < gr->n_cols; col++) {
			uint32_t g = gr->cell[(size_t)row * gr->n_cols + col];
			uint64_t n, t;

			if (g == REPORT_NO_GROUP) {
				fputs("<td>-</td><td>-</td>", f);
				continue;
			}
			n = report_figure_of(r, g, REPORT_FIGURE_REQUESTS);
			t = report_figure_of(r, g, REPORT_FIGURE_TIME);
			snprintf(b, sizeof(b), "%llu", (unsigned long long)n);
			ratio_cell(f, r, g, b, REPORT_FIGURE_REQUESTS);
			ratio_cell(f, r, g, units_ns(b, sizeof(b), t),
				   REPORT_FIGURE_TIME);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* The findings section: advise's most costly findings, when the command
 * asked for them. */
static void findings(FILE *f, const struct report *r)
{
	char b[32];

	if (!r->findings)
		return;
	fputs("<h2 id=\"findings\">Findings</h2>\n", f);
	if (!r->n_findings) {
		fputs("<p>h5snoop advise finds nothing to change.</p>\n", f);
		return;
	}
	fprintf(f, "<p>The %zu most costly of the %zu findings of h5snoop "
		   "advise, at each run's recorded latency (<code>h5snoop "
		   "advise</code> gives the evidence and the remedy).</p>\n"
		   "<table><tr><th>#</th><th class=\"name\">finding</th>"
		   "<th class=\"name\">run</th><th class=\"name\">file</th>"
		   "<th>cost</th><th>of the run</th></tr>\n",
		r->n_findings, r->findings_total);
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct report_finding *fd = &r->findings[i];

		fprintf(f, "<tr><td>%zu</td><td class=\"name\">", i + 1);
		text(f, fd->rule);
		fputs(": ", f);
		text(f, fd->title);
		fputs("</td>", f);
		cell(f, "td", "name", fd->label);
		cell(f, "td", "name", fd->file);
		cell(f, "td", NULL,
		     units_ns(b, sizeof(b), (uint64_t)(fd->cost_s * 1e9)));
		fprintf(f, "<td>%.0f%%</td></tr>\n",
			fd->wall_s > 0 ? 100.0 * fd->cost_s / fd->wall_s : 0.0);
	}
	fputs("</table>\n", f);
}

static void groups(FILE *f, const struct report *r)
{
	enum layer l = report_counted_layer(r);
	char b[64];

	fputs("<h2 id=\"groups\">Groups</h2>\n<table><tr>"
	      "<th class=\"name\">group</th><th>driver reads</th>"
	      "<th>HTTP requests</th><th>share &lt; 10 KiB</th>"
	      "<th>bytes</th><th>time</th><th>p50</th><th>p95</th>"
	      "<th>failed</th></tr>\n",
	      f);
	for (uint32_t i = 0; i < r->n_order; i++) {
		uint32_t g = r->order[i];
		const struct agg_layer *al = &r->agg->g[g]->layer[l];
		const struct agg_stats *all = &al->row[AGG_ROW_ALL];
		uint64_t bytes = report_figure_of(r, g, REPORT_FIGURE_BYTES);
		uint64_t time_ns = report_figure_of(r, g, REPORT_FIGURE_TIME);
		uint64_t small = agg_small_requests(al);

		fputs("<tr>", f);
		cell(f, "td", "name", r->groups->keys[g]);
		num_cell(f, r->agg->g[g]->layer[LAYER_VFD]
				    .row[AGG_ROW_ALL]
				    .requests);
		num_cell(f, r->agg->g[g]->layer[LAYER_HTTP]
				    .row[AGG_ROW_ALL]
				    .requests);
		fprintf(f, "<td>%.0f%%</td>",
			all->requests ? 100.0 * (double)small /
						(double)all->requests
				      : 0.0);
		ratio_cell(f, r, g, units_bytes(b, sizeof(b), bytes),
			   REPORT_FIGURE_BYTES);
		ratio_cell(f, r, g, units_ns(b, sizeof(b), time_ns),
			   REPORT_FIGURE_TIME);
		cell(f, "td", NULL,
		     all->requests ? units_ns(b, sizeof(b),
					      hist_quantile(&all->latency,
							    0.5))
				   : "-");
		cell(f, "td", NULL,
		     all->requests ? units_ns(b, sizeof(b),
					      hist_quantile(&all->latency,
							    0.95))
				   : "-");
		num_cell(f, r->agg->g[g]->layer[LAYER_VFD].failed +
				    r->agg->g[g]->layer[LAYER_HTTP].failed);
		fputs("</tr>\n", f);
	}
	fprintf(f, "</table>\n<p>Share, bytes, time and latency of the %s; "
		   "time: first request to last end.</p>\n",
		l == LAYER_HTTP ? "HTTP requests (bytes fetched)"
				: "driver reads");
}

static enum h5snoop_status pictures(FILE *f, const struct report *r,
				    struct h5snoop_error *err)
{
	const struct report_pictures *p = r->pictures;

	if (!p || !p->n)
		return H5SNOOP_OK;
	fputs("<h2 id=\"pictures\">Pictures</h2>\n", f);
	for (unsigned i = 0; i < p->n; i++) {
		fputs("<figure><figcaption>", f);
		text(f, p->caption(p->ctx, i));
		fputs("</figcaption>\n", f);
		if (p->draw(p->ctx, i, f, r, err) != H5SNOOP_OK)
			return H5SNOOP_ERROR;
		fputs("</figure>\n", f);
	}
	return H5SNOOP_OK;
}

/* A table of processes or files, most requests first. */
static enum h5snoop_status rows(FILE *f, const char *id, const char *title,
				const char *what, const char *label,
				const struct tally_row *v, uint32_t n,
				struct h5snoop_error *err)
{
	uint32_t *order;
	char b[64];

	if (tally_rank(v, n, &order, err) != H5SNOOP_OK)
		return H5SNOOP_ERROR;
	fprintf(f, "<h2 id=\"%s\">%s</h2>\n<table><tr><th class=\"name\">"
		   "%s</th><th class=\"name\">%s</th><th>driver reads</th>"
		   "<th>bytes asked</th><th>HTTP requests</th>"
		   "<th>bytes fetched</th><th>failed</th><th>span</th>"
		   "</tr>\n",
		id, title, what, label);
	for (uint32_t i = 0; i < n && i < TABLE_MAX; i++) {
		const struct tally_row *t = &v[order[i]];

		fputs("<tr>", f);
		cell(f, "td", "name", t->name);
		cell(f, "td", "name", t->label);
		num_cell(f, t->requests[LAYER_VFD]);
		cell(f, "td", NULL,
		     units_bytes(b, sizeof(b), t->bytes[LAYER_VFD]));
		num_cell(f, t->requests[LAYER_HTTP]);
		cell(f, "td", NULL,
		     units_bytes(b, sizeof(b), t->bytes[LAYER_HTTP]));
		num_cell(f, t->failed);
		cell(f, "td", NULL,
		     units_ns(b, sizeof(b),
			      agg_wall_ns(t->first_ns, t->last_end_ns)));
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
	if (n > TABLE_MAX)
		fprintf(f, "<p class=\"note\">%u more not shown: these are "
			   "the %u with the most requests.</p>\n",
			n - TABLE_MAX, TABLE_MAX);
	free(order);
	return H5SNOOP_OK;
}

/* Group g's HTTP errors, named as the text report names them: curl's
 * code and text, the HTTP status, and requests that got no answer. */
static void named_errors(FILE *f, const struct agg_layer *l)
{
	const char *sep = "";
	char b[160];

	for (unsigned i = 0; i < l->n_curl; i++) {
		const char *name = report_curl_error_name(l->curl_code[i]);

		snprintf(b, sizeof(b), "%scurl %d%s%s%s x%llu", sep,
			 (int)l->curl_code[i], name ? " \"" : "",
			 name ? name : "", name ? "\"" : "",
			 (unsigned long long)l->curl_count[i]);
		text(f, b);
		sep = ", ";
	}
	if (l->curl_other)
		fprintf(f, "%sother curl errors x%llu", sep,
			(unsigned long long)l->curl_other),
			sep = ", ";
	for (unsigned i = 0; i < l->n_error; i++)
		fprintf(f, "%sHTTP %d x%llu", sep, (int)l->error_code[i],
			(unsigned long long)l->error_count[i]),
			sep = ", ";
	if (l->error_other)
		fprintf(f, "%sother HTTP errors x%llu", sep,
			(unsigned long long)l->error_other),
			sep = ", ";
	if (l->failed > l->curl_errors + l->http_errors)
		fprintf(f, "%sno answer x%llu", sep,
			(unsigned long long)(l->failed - l->curl_errors -
					     l->http_errors));
}

/* Routine probes (a sidecar's HEAD 404, a directory listing's 403),
 * shown apart: they are what a client does, not failures. */
static uint64_t probes(FILE *f, const struct agg_layer *l)
{
	uint64_t n = 0;

	for (int p = 1; p < ATTRIB_PROBE_COUNT; p++)
		if (l->probes[p]) {
			if (f)
				fprintf(f, "%s%s x%llu", n ? ", " : "",
					report_probe_names[p],
					(unsigned long long)l->probes[p]);
			n += l->probes[p];
		}
	return n;
}

static void errors(FILE *f, const struct report *r)
{
	int any = 0;

	fputs("<h2 id=\"errors\">Errors</h2>\n", f);
	for (uint32_t i = 0; i < r->n_order; i++) {
		uint32_t g = r->order[i];
		const struct agg_layer *vl = &r->agg->g[g]->layer[LAYER_VFD];
		const struct agg_layer *hl = &r->agg->g[g]->layer[LAYER_HTTP];

		if (!vl->failed && !hl->failed && !probes(NULL, hl))
			continue;
		if (!any)
			fputs("<table><tr><th class=\"name\">group</th>"
			      "<th>failed driver reads</th>"
			      "<th>HTTP requests failed</th>"
			      "<th class=\"name\">errors</th>"
			      "<th class=\"name\">routine probes, not "
			      "errors</th></tr>\n",
			      f);
		any = 1;
		fputs("<tr>", f);
		cell(f, "td", "name", r->groups->keys[g]);
		num_cell(f, vl->failed);
		num_cell(f, hl->failed);
		fputs("<td class=\"name\">", f);
		named_errors(f, hl);
		fputs("</td><td class=\"name\">", f);
		probes(f, hl);
		fputs("</td></tr>\n", f);
	}
	fputs(any ? "</table>\n" : "<p>No driver read or HTTP request "
				   "failed.</p>\n",
	      f);
}

static enum h5snoop_status write_html(FILE *f, const struct report *r,
				      struct h5snoop_error *err)
{
	struct report_grid gr;
	enum h5snoop_status st = H5SNOOP_OK;

	fprintf(f,
		"<!DOCTYPE html>\n<html lang=\"en\"><head>"
		"<meta charset=\"utf-8\">\n"
		"<meta http-equiv=\"Content-Security-Policy\" "
		"content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
		"<title>h5snoop report</title>\n<style>%s</style>\n"
		"</head><body>\n<h1>h5snoop report</h1>\n",
		style);
	summary(f, r);
	fputs("<nav>", f);
	if (r->findings)
		fputs("<a href=\"#findings\">findings</a>", f);
	if (r->pictures && r->pictures->n)
		fputs("<a href=\"#pictures\">pictures</a>", f);
	fputs("<a href=\"#groups\">groups</a>", f);
	if (r->tally)
		fputs("<a href=\"#processes\">processes</a>"
		      "<a href=\"#files\">files</a>",
		      f);
	fputs("<a href=\"#errors\">errors</a></nav>\n", f);
	if (r->n_order) {
		if (report_grid_make(&gr, r, err) != H5SNOOP_OK)
			return H5SNOOP_ERROR;
		if (gr.n_cols > 1)
			pivot(f, r, &gr);
		report_grid_free(&gr);
		findings(f, r);
		st = pictures(f, r, err);
		if (st == H5SNOOP_OK)
			groups(f, r);
	}
	if (st == H5SNOOP_OK && r->tally)
		st = rows(f, "processes", "Processes", "process", "label",
			  r->tally->procs, r->tally->n_procs, err);
	if (st == H5SNOOP_OK && r->tally)
		st = rows(f, "files", "Files", "file", "driver",
			  r->tally->files, r->tally->n_files, err);
	if (st != H5SNOOP_OK)
		return st;
	errors(f, r);
	fputs("</body></html>\n", f);
	if (ferror(f))
		return diag_fail(err, "cannot write the report");
	return H5SNOOP_OK;
}

const struct report_writer report_html = {"html", write_html, 1};
