/*
 * out_svg_latency.c - latency distribution per size bin: one panel per
 * bin, in each the cumulative distribution of every group's latencies on
 * a log axis, drawn from the histograms (histogram.h) step by step.
 *
 * Must never: write trace text unescaped.
 */
#include <math.h>

#include "plot.h"
#include "svg.h"
#include "units.h"

#define PANEL_H 170.0
#define GAP 60.0
#define TOP 70.0

static double xpos(double ns, double lo, double hi)
{
	double w = PLOT_WIDTH - PLOT_LEFT - PLOT_RIGHT;

	return PLOT_LEFT + w * (log10(ns) - lo) / (hi - lo);
}

static void curve(FILE *f, const struct hist *h, double y0, double lo,
		  double hi, const char *color)
{
	uint64_t seen = 0;
	int first = 1;

	fprintf(f, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"2\" d=\"",
		color);
	for (unsigned i = h->lo; i < h->lo + h->len; i++) {
		double x, y;

		if (!hist_count(h, i))
			continue;
		x = xpos((double)(hist_bucket_low(i) + hist_bucket_width(i)),
			 lo, hi);
		y = y0 + PANEL_H - PANEL_H * (double)seen / (double)h->n;
		if (first)
			fprintf(f, "M%.1f %.1f", xpos((double)h->min + 1, lo, hi),
				y0 + PANEL_H);
		first = 0;
		seen += hist_count(h, i);
		fprintf(f, " L%.1f %.1f L%.1f %.1f", x, y, x,
			y0 + PANEL_H - PANEL_H * (double)seen / (double)h->n);
	}
	fputs("\"/>\n", f);
}

static enum h5snoop_status draw(FILE *f, const struct report *r,
				const struct plot_data *d, enum layer l,
				struct h5snoop_error *err)
{
	(void)d;
	int rows[AGG_ROWS], n_rows = 0;
	double lo = 1e300, hi = 0, y = TOP;
	char b1[32], b2[32], b3[32], line[600];

	for (int b = 0; b < AGG_ROW_ALL; b++) {
		int any = 0;

		for (uint32_t i = 0; i < r->n_order; i++) {
			const struct hist *h =
				&report_row(r, r->order[i], l, b)->latency;

			if (!h->n)
				continue;
			any = 1;
			lo = fmin(lo, (double)h->min + 1);
			hi = fmax(hi, (double)h->max + 1);
		}
		if (any)
			rows[n_rows++] = b;
	}
	lo = n_rows ? floor(log10(lo)) : 0;
	hi = n_rows ? ceil(log10(hi)) : 1;
	if (hi <= lo)
		hi = lo + 1;
	svg_begin(f, PLOT_WIDTH, TOP + n_rows * (PANEL_H + GAP) + 20);
	snprintf(line, sizeof(line),
		 "Latency distribution per request size, %s layer "
		 "(cumulative)",
		 layer_names[l]);
	svg_text(f, PLOT_WIDTH / 2, 24, "middle", 16, line);
	plot_left_out(f, r);
	for (int k = 0; k < n_rows; k++) {
		int b = rows[k];
		unsigned shown = 0;

		svg_rect(f, PLOT_LEFT, y, PLOT_WIDTH - PLOT_LEFT - PLOT_RIGHT,
			 PANEL_H, "#f7f7f7", 1.0);
		svg_text(f, PLOT_LEFT - 8, y + 14, "end", 13,
			 agg_row_names[b]);
		for (double e = lo; e <= hi; e += 1) {
			double x = xpos(pow(10, e), lo, hi);

			svg_line(f, x, y, x, y + PANEL_H + 4, "#ccc", 1, 0);
			svg_text(f, x, y + PANEL_H + 16, "middle", 10,
				 units_ns(b1, sizeof(b1),
					  (uint64_t)pow(10, e)));
		}
		for (uint32_t i = 0; i < r->n_order; i++) {
			const struct hist *h =
				&report_row(r, r->order[i], l, b)->latency;

			if (!h->n)
				continue;
			curve(f, h, y, lo, hi, svg_group_color(i));
			snprintf(line, sizeof(line),
				 "%s: p50 %s, p95 %s, p99 %s",
				 r->groups->keys[r->order[i]],
				 units_ns(b1, sizeof(b1),
					  hist_quantile(h, 0.5)),
				 units_ns(b2, sizeof(b2),
					  hist_quantile(h, 0.95)),
				 units_ns(b3, sizeof(b3),
					  hist_quantile(h, 0.99)));
			if (shown < 8)
				svg_legend(f, 12, y + 34 + 16.0 * shown,
					   svg_group_color(i), line);
			shown++;
		}
		y += PANEL_H + GAP;
	}
	svg_end(f);
	if (ferror(f))
		return diag_fail(err, "cannot write the latency plot");
	return H5SNOOP_OK;
}

const struct plot_picture plot_latency = {"latency", 1, draw};
