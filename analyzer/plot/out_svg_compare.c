/*
 * out_svg_compare.c - the notebook's chart, as a scientist compares
 * runs: a row per run, in it a bar per flavor (colored by flavor), for
 * the time, and beside it the requests and the bytes that the time comes
 * from; each value with its ratio to its baseline group (the same run's
 * baseline flavor), whose value is a dashed line across the row.
 *
 * Must never: write trace text unescaped; draw a bar for a layer that
 * was not recorded.
 */
#include <math.h>
#include <stdlib.h>

#include "escape.h"
#include "plot.h"
#include "svg.h"
#include "units.h"

#define BAR_H 13.0
#define ROW_GAP 12.0
#define PANELS 3
#define PANEL_GAP 34.0
#define VALUE_W 96.0  /* room right of a bar for its value */

/* Value of panel k for group g: the panels are the figures of
 * report_figure, in order. */
static uint64_t value(const struct report *r, int k, uint32_t g)
{
	return report_figure_of(r, g, (enum report_figure)k);
}

/* Height of the bars of all rows: a bar per flavor a run has (a run
 * that did not read a flavor has no empty slot). */
static double bars_height(const struct report_grid *gr)
{
	double h = 0;

	for (size_t i = 0; i < (size_t)gr->n_rows * gr->n_cols; i++)
		h += gr->cell[i] != REPORT_NO_GROUP ? BAR_H : 0;
	return h + gr->n_rows * ROW_GAP;
}

static svg_format panel_format(int k)
{
	return k == 0 ? units_ns : k == 1 ? svg_count : units_bytes;
}

static const char *panel_title(const struct report *r, int k)
{
	if (k == 0)
		return "time (less is better)";
	if (report_counted_layer(r) == LAYER_HTTP)
		return k == 1 ? "HTTP requests" : "bytes fetched over HTTP";
	return k == 1 ? "driver reads" : "bytes read by the driver";
}

/* The legend of the flavors (columns) from y on, wrapped; returns the y
 * after it. */
static double legend(FILE *f, const struct report_grid *gr, double y)
{
	double x = PLOT_LEFT;
	char c[8];

	if (gr->n_cols < 2)
		return y;
	svg_text(f, PLOT_LEFT - 8, y, "end", 12, gr->col_field);
	for (uint32_t i = 0; i < gr->n_cols; i++) {
		double w =
			16 +
			12 * 0.6 * (double)esc_width(gr->short_cols.name[i]) +
			18;

		if (x + w > PLOT_WIDTH - PLOT_RIGHT && x > PLOT_LEFT) {
			x = PLOT_LEFT;
			y += 18;
		}
		x = svg_legend(f, x, y, svg_color(c, i, gr->n_cols),
			       gr->short_cols.name[i]);
	}
	return y + 22;
}

/* The baseline value's short name: its column's, as the legend says it
 * (the value itself when the baseline group is not in the grid). */
static const char *base_column_name(const struct report_grid *gr,
				    const struct report *r)
{
	for (size_t i = 0; i < (size_t)gr->n_rows * gr->n_cols; i++)
		if (gr->cell[i] == r->baseline)
			return gr->short_cols.name[i % gr->n_cols];
	return r->base_value;
}

/* The dashed line of a row's baseline in each panel, over the height of
 * the row's bars: the baseline of the row's first group, which every
 * group of the row shares (the same run's baseline flavor, or one group
 * that --baseline named for all), so ratios and line always agree. */
static void row_baseline(FILE *f, const struct report *r,
			 const struct report_grid *gr, uint32_t row,
			 double y0, double y1, double pw, const double *end)
{
	uint32_t bg = REPORT_NO_BASE;

	for (uint32_t col = 0; col < gr->n_cols && bg == REPORT_NO_BASE;
	     col++) {
		uint32_t g = gr->cell[(size_t)row * gr->n_cols + col];

		if (g != REPORT_NO_GROUP)
			bg = r->base_of[g];
	}
	if (bg == REPORT_NO_BASE)
		return;
	for (int k = 0; k < PANELS; k++) {
		double x0 = PLOT_LEFT + k * (pw + PANEL_GAP);
		double bx = x0 + (pw - VALUE_W) * (double)value(r, k, bg) /
					 end[k];

		svg_line(f, bx, y0 - 3, bx, y1 + 3, "#d00", 1.5, 1);
	}
}

static enum h5snoop_status draw(const struct plot_page *p,
				struct h5snoop_error *err)
{
	FILE *f = p->f;
	const struct report *r = p->r;
	struct report_grid gr;
	double pw = (PLOT_WIDTH - PLOT_LEFT - PLOT_RIGHT -
		     (PANELS - 1) * PANEL_GAP) / PANELS;
	double end[PANELS], step[PANELS], y, top, height;
	char b[600], c[8], line[1400];

	if (report_grid_make(&gr, r, err) != H5SNOOP_OK)
		return H5SNOOP_ERROR;
	for (int k = 0; k < PANELS; k++) {
		double most = 0;

		for (uint32_t i = 0; i < r->n_order; i++)
			most = fmax(most, (double)value(r, k, r->order[i]));
		end[k] = svg_axis_end(most, 3, k == 2 ? 1024 : 1000,
				      &step[k]);
	}
	height = 124 + (gr.short_rows.common[0] ? 18 : 0) +
		 (gr.short_cols.common[0] ? 18 : 0) +
		 18.0 * (1 + gr.n_cols / 6) + bars_height(&gr) + 56;
	svg_begin(f, PLOT_WIDTH, height, p->standalone);
	svg_title(f, PLOT_WIDTH / 2, 26, "middle", 17,
		  gr.n_cols > 1 ? "Time, requests and bytes of each run, by "
				  "flavor"
				: "Time, requests and bytes of each group");
	if (r->base_field < 0 || r->groups->n_by == 1)
		snprintf(line, sizeof(line),
			 "ratios to the baseline, %s (dashed line); requests "
			 "and bytes of the %s layer",
			 report_grid_name(&gr, r->groups->keys[r->baseline],
					  r->baseline, b, sizeof(b)),
			 layer_names[report_counted_layer(r)]);
	else
		snprintf(line, sizeof(line),
			 "ratios to each row's baseline, %s (dashed line); "
			 "requests and bytes of the %s layer",
			 base_column_name(&gr, r),
			 layer_names[report_counted_layer(r)]);
	svg_fit(f, PLOT_WIDTH / 2, 46, "middle", 12, PLOT_WIDTH - 40, line);
	y = plot_left_out(f, r, 64);
	y = legend(f, &gr, y + 8);
	if (gr.short_rows.common[0])
		svg_fit(f, PLOT_LEFT, (y += 2), "start", 11,
			PLOT_WIDTH - PLOT_LEFT - PLOT_RIGHT,
			gr.short_rows.common),
			y += 16;
	if (gr.short_cols.common[0])
		svg_fit(f, PLOT_LEFT, (y += 2), "start", 11,
			PLOT_WIDTH - PLOT_LEFT - PLOT_RIGHT,
			gr.short_cols.common),
			y += 16;
	y += 16;
	for (int k = 0; k < PANELS; k++)
		svg_title(f, PLOT_LEFT + k * (pw + PANEL_GAP), y, "start", 13,
			  panel_title(r, k));
	svg_text(f, PLOT_LEFT - 8, y, "end", 12, gr.row_field);
	top = y + 10;
	y = top + bars_height(&gr);
	/* Axes and grid first, under the bars. */
	for (int k = 0; k < PANELS; k++)
		svg_axis_x(f, PLOT_LEFT + k * (pw + PANEL_GAP), pw - VALUE_W,
			   y, end[k], step[k], panel_format(k), top);
	y = top;
	for (uint32_t row = 0; row < gr.n_rows; row++) {
		double h = 0, by = y;

		for (uint32_t col = 0; col < gr.n_cols; col++)
			h += gr.cell[(size_t)row * gr.n_cols + col] !=
					     REPORT_NO_GROUP
				     ? BAR_H
				     : 0;
		svg_fit(f, PLOT_LEFT - 8, y + h / 2 + 4, "end", 12,
			PLOT_LEFT - 16, gr.short_rows.name[row]);
		for (uint32_t col = 0; col < gr.n_cols; col++) {
			uint32_t g = gr.cell[(size_t)row * gr.n_cols + col];

			if (g == REPORT_NO_GROUP)
				continue;
			for (int k = 0; k < PANELS; k++) {
				double x0 = PLOT_LEFT + k * (pw + PANEL_GAP);
				double bw, v, base = 0;
				char ratio[32];
				/* Each group against its own baseline: the
				 * same run's baseline flavor (report.h). */
				uint32_t bg = r->base_of[g];

				v = (double)value(r, k, g);
				if (bg != REPORT_NO_BASE)
					base = (double)value(r, k, bg);
				bw = (pw - VALUE_W) * v / end[k];
				svg_rect(f, x0, by, bw, BAR_H - 2,
					 svg_color(c, col, gr.n_cols), 1.0);
				panel_format(k)(b, sizeof(b), (uint64_t)v);
				if (bg != g && bg != REPORT_NO_BASE && base > 0)
					snprintf(line, sizeof(line), "%s  %s",
						 b,
						 units_ratio(ratio,
							     sizeof(ratio), v,
							     base));
				else
					snprintf(line, sizeof(line), "%s", b);
				svg_text(f, x0 + bw + 4, by + BAR_H - 3,
					 "start", 10, line);
			}
			by += BAR_H;
		}
		row_baseline(f, r, &gr, row, y, y + h, pw, end);
		y += h + ROW_GAP;
	}
	svg_text(f, PLOT_WIDTH - PLOT_RIGHT, y + 44, "end", 11,
		 gr.n_cols > 1
			 ? "bars: one per flavor, colored as in the "
			   "legend; dashed red line: the baseline's value"
			 : "dashed red line: the baseline's value");
	report_grid_free(&gr);
	return plot_finish(f, "compare", err);
}

const struct plot_picture plot_compare = {
	"compare", 0,
	"Time, requests and bytes of each run, a bar per flavor, with "
	"ratios to the baseline",
	draw};
