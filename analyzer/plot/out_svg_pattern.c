/*
 * out_svg_pattern.c - the notebook's read-pattern figure: a panel per
 * flavor, in it a row per run, each request a rectangle at its file
 * offset as wide as its size, colored by size bin (a line per bin in
 * each row, so that small requests are not hidden under large ones).
 *
 * Must never: draw one element per request (what falls in one pixel
 * column is merged), or write trace text unescaped.
 */
#include <math.h>

#include "escape.h"
#include "plot.h"
#include "svg.h"
#include "units.h"

#define SUB_H 8.0
#define ROW_H (AGG_BINS * SUB_H + 8.0)
#define PANEL_HEAD 26.0
#define PANEL_FOOT 44.0

static const char *const bin_labels[AGG_BINS] = {
	"< 1 KiB", "1 - 10 KiB", "10 - 100 KiB", ">= 100 KiB"};

static const struct pattern *pattern_of(const struct plot_data *d,
					uint32_t g, enum layer l)
{
	if (g == REPORT_NO_GROUP || g >= d->n_groups)
		return NULL;
	return d->pattern[(size_t)g * LAYER_COUNT + l];
}

/* Runs of touched columns of one bin, as rectangles over [x0, x0+w]
 * for offsets [0, xmax). */
static void draw_bin(FILE *f, const struct pattern *p, int b, double x0,
		     double w, double y, double xmax)
{
	double col_bytes = (double)p->span / PLOT_COLUMNS;

	for (unsigned c = 0; c < PLOT_COLUMNS;) {
		unsigned e = c;
		double a, z;

		if (!p->count[b][c]) {
			c++;
			continue;
		}
		while (e < PLOT_COLUMNS && p->count[b][e])
			e++;
		a = x0 + w * (c * col_bytes) / xmax;
		z = x0 + w * (e * col_bytes) / xmax;
		if (z > x0 + w)
			z = x0 + w;
		svg_rect(f, a, y, z - a < 1.0 ? 1.0 : z - a, SUB_H - 1,
			 svg_bin_colors[b], 1.0);
		c = e;
	}
}

/* Rows of column col that have requests in layer l. */
static uint32_t rows_in(const struct report_grid *gr,
			const struct plot_data *d, uint32_t col, enum layer l)
{
	uint32_t n = 0;

	for (uint32_t row = 0; row < gr->n_rows; row++)
		n += pattern_of(d, gr->cell[(size_t)row * gr->n_cols + col],
				l) != NULL;
	return n;
}

/* One flavor's panel from y on; returns the y after it. */
static double panel(const struct plot_page *p, const struct report_grid *gr,
		    uint32_t col, double y)
{
	FILE *f = p->f;
	double w = PLOT_WIDTH - PLOT_LEFT - PLOT_RIGHT, xmax = 1, step, end;
	uint64_t total = 0, small = 0, size = 0;
	char line[800], b1[32];

	for (uint32_t row = 0; row < gr->n_rows; row++) {
		uint32_t g = gr->cell[(size_t)row * gr->n_cols + col];
		const struct pattern *pt = pattern_of(p->d, g, p->layer);
		const struct agg_layer *al;

		if (!pt)
			continue;
		al = &p->r->agg->g[g]->layer[p->layer];
		xmax = fmax(xmax, (double)pt->extent);
		if (p->r->agg->g[g]->largest_file_size > size)
			size = p->r->agg->g[g]->largest_file_size;
		total += al->row[AGG_ROW_ALL].requests;
		small += agg_small_requests(al);
	}
	xmax = fmax(xmax, (double)size);
	end = svg_axis_end(xmax, 6, 1024, &step);
	snprintf(line, sizeof(line), "%s%s%s", gr->col_field,
		 gr->col_field[0] ? " " : "",
		 gr->n_cols > 1 ? gr->short_cols.name[col] : "all groups");
	svg_fit_title(f, PLOT_LEFT, y + 16, "start", 13, w * 0.55, line);
	snprintf(line, sizeof(line),
		 "file size %s; %llu requests, %llu under 10 KiB",
		 size ? units_bytes(b1, sizeof(b1), size) : "unknown",
		 (unsigned long long)total, (unsigned long long)small);
	svg_text(f, PLOT_LEFT + w, y + 16, "end", 12, line);
	y += PANEL_HEAD;
	for (uint32_t row = 0; row < gr->n_rows; row++) {
		uint32_t g = gr->cell[(size_t)row * gr->n_cols + col];
		const struct pattern *pt = pattern_of(p->d, g, p->layer);
		const struct agg_layer *al;

		if (!pt)
			continue;
		al = &p->r->agg->g[g]->layer[p->layer];
		svg_rect(f, PLOT_LEFT, y, w, AGG_BINS * SUB_H, "#f2f2f2", 1.0);
		if (size)
			svg_line(f, PLOT_LEFT + w * (double)size / end, y,
				 PLOT_LEFT + w * (double)size / end,
				 y + AGG_BINS * SUB_H, "#555", 1, 1);
		for (int b = 0; b < AGG_BINS; b++)
			draw_bin(f, pt, b, PLOT_LEFT, w, y + b * SUB_H, end);
		svg_fit(f, PLOT_LEFT - 8, y + 13, "end", 12, PLOT_LEFT - 16,
			gr->short_rows.name[row]);
		snprintf(line, sizeof(line), "%llu requests, %llu < 10 KiB",
			 (unsigned long long)al->row[AGG_ROW_ALL].requests,
			 (unsigned long long)agg_small_requests(al));
		svg_text(f, PLOT_LEFT - 8, y + 27, "end", 10, line);
		y += ROW_H;
	}
	svg_axis_x(f, PLOT_LEFT, w, y, end, step, units_bytes, y);
	svg_text(f, PLOT_LEFT + w, y + 32, "end", 11, "file offset");
	return y + PANEL_FOOT;
}

static enum h5snoop_status draw(const struct plot_page *p,
				struct h5snoop_error *err)
{
	FILE *f = p->f;
	struct report_grid gr;
	double y, height = 150;
	char line[300];

	if (report_grid_make(&gr, p->r, err) != H5SNOOP_OK)
		return H5SNOOP_ERROR;
	for (uint32_t col = 0; col < gr.n_cols; col++) {
		uint32_t n = rows_in(&gr, p->d, col, p->layer);

		if (n)
			height += PANEL_HEAD + n * ROW_H + PANEL_FOOT;
	}
	svg_begin(f, PLOT_WIDTH, height, p->standalone);
	snprintf(line, sizeof(line),
		 "Read pattern: every %s at its file offset, a panel per %s",
		 p->layer == LAYER_VFD ? "driver read" : "HTTP request",
		 gr.n_cols > 1 ? gr.col_field : "group");
	svg_title(f, PLOT_WIDTH / 2, 26, "middle", 17, line);
	y = plot_left_out(f, p->r, 46);
	{
		double x = PLOT_LEFT;

		svg_text(f, PLOT_LEFT - 8, y + 8, "end", 12, "request size");
		for (int b = 0; b < AGG_BINS; b++)
			x = svg_legend(f, x, y + 8, svg_bin_colors[b],
				       bin_labels[b]);
		svg_text(f, x, y + 8, "start", 11,
			 "(a line per size in each row, smallest on top; "
			 "dashed: the end of the file)");
	}
	y += 24;
	if (gr.short_rows.common[0])
		svg_fit(f, PLOT_LEFT, y, "start", 11,
			PLOT_WIDTH - PLOT_LEFT - PLOT_RIGHT,
			gr.short_rows.common),
			y += 16;
	if (gr.short_cols.common[0])
		svg_fit(f, PLOT_LEFT, y, "start", 11,
			PLOT_WIDTH - PLOT_LEFT - PLOT_RIGHT,
			gr.short_cols.common),
			y += 16;
	y += 8;
	for (uint32_t col = 0; col < gr.n_cols; col++)
		if (rows_in(&gr, p->d, col, p->layer))
			y = panel(p, &gr, col, y);
	report_grid_free(&gr);
	return plot_finish(f, "read-pattern", err);
}

const struct plot_picture plot_read_pattern = {
	"read_pattern", 1,
	"Read pattern: every request at its file offset, colored by size, "
	"a panel per flavor and a row per run",
	draw};
