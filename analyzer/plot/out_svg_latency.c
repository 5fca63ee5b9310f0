/*
 * out_svg_latency.c - latency distribution: a panel per request size
 * bin, in each the cumulative distribution of every group's latencies
 * (y: the share of requests that took at most x, x on a log axis), drawn
 * from the histograms (histogram.h) step by step.  One legend, right of
 * the panels, names every group in its color: none is left out, and it
 * never covers a curve.
 *
 * Must never: write trace text unescaped.
 */
#include <math.h>
#include <stdlib.h>

#include "plot.h"
#include "svg.h"
#include "units.h"

#define LEFT 80.0      /* room for the y axis */
#define PANEL_W 640.0
#define PANEL_H 170.0
#define GAP 64.0
#define TOP 96.0
#define LEGEND_X (LEFT + PANEL_W + 40.0)
#define LEGEND_LINE 16.0

static double xpos(double ns, double lo, double hi)
{
	return LEFT + PANEL_W * (log10(ns) - lo) / (hi - lo);
}

static void curve(FILE *f, const struct hist *h, double y0, double lo,
		  double hi, const char *color)
{
	uint64_t seen = 0;
	int first = 1;

	fprintf(f, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"2\" d=\"",
		color);
	for (unsigned i = h->lo; i < h->lo + h->len; i++) {
		double x;

		if (!hist_count(h, i))
			continue;
		x = xpos((double)(hist_bucket_low(i) + hist_bucket_width(i)),
			 lo, hi);
		if (first)
			fprintf(f, "M%.1f %.1f",
				xpos((double)h->min + 1, lo, hi),
				y0 + PANEL_H);
		first = 0;
		fprintf(f, " L%.1f %.1f", x,
			y0 + PANEL_H - PANEL_H * (double)seen / (double)h->n);
		seen += hist_count(h, i);
		fprintf(f, " L%.1f %.1f", x,
			y0 + PANEL_H - PANEL_H * (double)seen / (double)h->n);
	}
	fputs("\"/>\n", f);
}

/* The y axis of a panel at y0: 0 to 100% of the requests. */
static void y_axis(FILE *f, double y0)
{
	char b[16];

	svg_line(f, LEFT, y0, LEFT, y0 + PANEL_H, "#333", 1, 0);
	for (int pct = 0; pct <= 100; pct += 25) {
		double y = y0 + PANEL_H - PANEL_H * pct / 100.0;

		svg_line(f, LEFT - 5, y, LEFT, y, "#333", 1, 0);
		svg_line(f, LEFT, y, LEFT + PANEL_W, y, "#e4e4e4", 1, 0);
		snprintf(b, sizeof(b), "%d%%", pct);
		svg_text(f, LEFT - 8, y + 4, "end", 11, b);
	}
}

/* The latency axis under a panel at y0: every decade, and 2 and 5 times
 * it (labelled too when the axis spans three decades or less). */
static void x_axis(FILE *f, double y0, double lo, double hi)
{
	static const double steps[] = {1, 2, 5};
	char b[32];

	for (double e = lo; e <= hi; e += 1)
		for (int k = 0; k < 3 && (k == 0 || e < hi); k++) {
			double v = steps[k] * pow(10, e);
			double x = xpos(v, lo, hi);

			svg_line(f, x, y0, x, y0 + PANEL_H + 4,
				 k ? "#e4e4e4" : "#ccc", 1, 0);
			if (k && hi - lo > 3)
				continue;
			svg_text(f, x, y0 + PANEL_H + 17, "middle", 11,
				 units_ns(b, sizeof(b), (uint64_t)v));
		}
}

static const char *const row_titles[AGG_ROW_ALL] = {
	"requests < 1 KiB", "requests of 1 - 10 KiB",
	"requests of 10 - 100 KiB", "requests >= 100 KiB",
	"requests without a body (HEAD, failed)"};

static enum h5snoop_status draw(const struct plot_page *p,
				struct h5snoop_error *err)
{
	FILE *f = p->f;
	const struct report *r = p->r;
	int bins[AGG_ROWS], n_bins = 0;
	double lo = 1e300, hi = 0, y = TOP, height;
	char b1[32], b2[32], c[8], line[1400], name[1200];
	struct report_grid gr;

	if (report_grid_make(&gr, r, err) != H5SNOOP_OK)
		return H5SNOOP_ERROR;
	for (int b = 0; b < AGG_ROW_ALL; b++) {
		int any = 0;

		for (uint32_t i = 0; i < r->n_order; i++) {
			const struct hist *h =
				&report_row(r, r->order[i], p->layer, b)
					 ->latency;

			if (!h->n)
				continue;
			any = 1;
			lo = fmin(lo, (double)h->min + 1);
			hi = fmax(hi, (double)h->max + 1);
		}
		if (any)
			bins[n_bins++] = b;
	}
	lo = n_bins ? floor(log10(lo)) : 0;
	hi = n_bins ? ceil(log10(hi)) : 1;
	if (hi <= lo)
		hi = lo + 1;
	height = TOP + n_bins * (PANEL_H + GAP) + 30;
	if (TOP + 60 + LEGEND_LINE * r->n_order + 40 > height)
		height = TOP + 60 + LEGEND_LINE * r->n_order + 40;
	svg_begin(f, PLOT_WIDTH, height, p->standalone);
	snprintf(line, sizeof(line),
		 "Latency of %s, a panel per request size",
		 p->layer == LAYER_VFD ? "driver reads" : "HTTP requests");
	svg_title(f, PLOT_WIDTH / 2, 26, "middle", 17, line);
	svg_text(f, PLOT_WIDTH / 2, 46, "middle", 12,
		 "y: share of the requests that took at most x "
		 "(cumulative); x: latency, log scale");
	plot_left_out(f, r, 64);
	/* The legend: every group, in its color, with its request count. */
	svg_title(f, LEGEND_X, TOP + 10, "start", 12, "groups");
	if (gr.short_rows.common[0] || gr.short_cols.common[0])
		svg_fit(f, LEGEND_X, TOP + 28, "start", 10,
			PLOT_WIDTH - LEGEND_X - 10,
			gr.short_rows.common[0] ? gr.short_rows.common
						: gr.short_cols.common);
	if (gr.short_rows.common[0] && gr.short_cols.common[0])
		svg_fit(f, LEGEND_X, TOP + 40, "start", 10,
			PLOT_WIDTH - LEGEND_X - 10, gr.short_cols.common);
	for (uint32_t i = 0; i < r->n_order; i++) {
		const struct agg_stats *s =
			report_row(r, r->order[i], p->layer, AGG_ROW_ALL);
		double ly = TOP + 58 + LEGEND_LINE * i;

		svg_rect(f, LEGEND_X, ly - 10, 12, 12,
			 svg_color(c, i, r->n_order), 1.0);
		snprintf(line, sizeof(line), "%s (%llu)",
			 report_grid_name(&gr,
					r->groups->keys[r->order[i]],
					r->order[i], name, sizeof(name)),
			 (unsigned long long)s->requests);
		svg_fit(f, LEGEND_X + 16, ly, "start", 11,
			PLOT_WIDTH - LEGEND_X - 26, line);
	}
	for (int k = 0; k < n_bins; k++) {
		int b = bins[k];

		svg_title(f, LEFT, y - 8, "start", 13, row_titles[b]);
		svg_rect(f, LEFT, y, PANEL_W, PANEL_H, "#fafafa", 1.0);
		y_axis(f, y);
		x_axis(f, y, lo, hi);
		svg_line(f, LEFT, y + PANEL_H, LEFT + PANEL_W, y + PANEL_H,
			 "#333", 1, 0);
		for (uint32_t i = 0; i < r->n_order; i++) {
			const struct hist *h =
				&report_row(r, r->order[i], p->layer, b)
					 ->latency;

			if (h->n)
				curve(f, h, y, lo, hi,
				      svg_color(c, i, r->n_order));
		}
		snprintf(line, sizeof(line), "latency (%s to %s)",
			 units_ns(b1, sizeof(b1), (uint64_t)pow(10, lo)),
			 units_ns(b2, sizeof(b2), (uint64_t)pow(10, hi)));
		svg_text(f, LEFT + PANEL_W, y + PANEL_H + 34, "end", 11, line);
		y += PANEL_H + GAP;
	}
	report_grid_free(&gr);
	return plot_finish(f, "latency", err);
}

const struct plot_picture plot_latency = {
	"latency", 1,
	"Latency: the share of requests that took at most x, a panel per "
	"request size, a curve per group",
	draw};
