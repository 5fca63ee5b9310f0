/*
 * out_svg_pattern.c - the seed's read-pattern figure: one row per group,
 * each request a rectangle at its file offset as wide as its size,
 * colored by size bin (a sub-row per bin, so that small requests are not
 * hidden under large ones), darker where more requests touch a pixel.
 *
 * Must never: draw one element per request (what falls in one pixel
 * column is merged), or write trace text unescaped.
 */
#include <math.h>

#include "escape.h"
#include "plot.h"
#include "svg.h"
#include "units.h"

#define ROW_H 48.0
#define SUB_H 10.0
#define TOP 90.0

static const char *const bin_labels[AGG_BINS] = {
	"< 1 KiB", "1 - 10 KiB", "10 - 100 KiB", "> 100 KiB"};

static const struct pattern *pattern_of(const struct plot_data *d,
					uint32_t g, enum layer l)
{
	if (g >= d->n_groups)
		return NULL;
	return d->pattern[(size_t)g * LAYER_COUNT + l];
}

/* Runs of touched columns of one bin, as rectangles. */
static void draw_bin(FILE *f, const struct pattern *p, int b, double y,
		     double xmax)
{
	double w = PLOT_WIDTH - PLOT_LEFT - PLOT_RIGHT;
	double col_bytes = (double)p->span / PLOT_COLUMNS;
	uint32_t top = 1;

	for (unsigned c = 0; c < PLOT_COLUMNS; c++)
		top = p->count[b][c] > top ? p->count[b][c] : top;
	for (unsigned c = 0; c < PLOT_COLUMNS;) {
		unsigned e = c;
		uint32_t most = 0;
		double x0, x1;

		if (!p->count[b][c]) {
			c++;
			continue;
		}
		while (e < PLOT_COLUMNS && p->count[b][e]) {
			most = p->count[b][e] > most ? p->count[b][e] : most;
			e++;
		}
		x0 = PLOT_LEFT + w * (c * col_bytes) / xmax;
		x1 = PLOT_LEFT + w * (e * col_bytes) / xmax;
		if (x1 > PLOT_LEFT + w)
			x1 = PLOT_LEFT + w;
		svg_rect(f, x0, y, x1 - x0 < 1.0 ? 1.0 : x1 - x0, SUB_H - 1,
			 svg_bin_colors[b],
			 0.35 + 0.65 * log1p(most) / log1p(top));
		c = e;
	}
}

static enum h5snoop_status draw(FILE *f, const struct report *r,
				const struct plot_data *d, enum layer l,
				struct h5snoop_error *err)
{
	double xmax = 1, y = TOP;
	uint64_t total = 0, small = 0, largest = 0;
	unsigned rows = 0;
	char title[512], b1[32];

	for (uint32_t i = 0; i < r->n_order; i++) {
		uint32_t g = r->order[i];
		const struct pattern *p = pattern_of(d, g, l);
		const struct agg_layer *al = &r->agg->g[g]->layer[l];

		if (!p)
			continue;
		rows++;
		if ((double)p->extent > xmax)
			xmax = (double)p->extent;
		if ((double)r->agg->g[g]->file_size > xmax)
			xmax = (double)r->agg->g[g]->file_size;
		if (r->agg->g[g]->file_size > largest)
			largest = r->agg->g[g]->file_size;
		total += al->row[AGG_ROW_ALL].requests;
		small += al->row[0].requests + al->row[1].requests;
	}
	svg_begin(f, PLOT_WIDTH, TOP + rows * ROW_H + 50);
	snprintf(title, sizeof(title),
		 "Read pattern, %s layer. File size: %s, total requests: "
		 "%llu, requests < 10 KiB: %llu",
		 layer_names[l], units_bytes(b1, sizeof(b1), largest),
		 (unsigned long long)total, (unsigned long long)small);
	svg_text(f, PLOT_WIDTH / 2, 24, "middle", 16, title);
	plot_left_out(f, r);
	for (int b = 0; b < AGG_BINS; b++)
		svg_legend(f, PLOT_LEFT + 160.0 * b, 56, svg_bin_colors[b],
			   bin_labels[b]);
	for (uint32_t i = 0; i < r->n_order; i++) {
		uint32_t g = r->order[i];
		const struct pattern *p = pattern_of(d, g, l);
		const struct agg_layer *al = &r->agg->g[g]->layer[l];
		char line[128];

		if (!p)
			continue;
		svg_rect(f, PLOT_LEFT, y, PLOT_WIDTH - PLOT_LEFT - PLOT_RIGHT,
			 AGG_BINS * SUB_H, "#f2f2f2", 1.0);
		for (int b = 0; b < AGG_BINS; b++)
			draw_bin(f, p, b, y + b * SUB_H, xmax);
		svg_label(f, PLOT_LEFT - 8, y + 16, 12, PLOT_LEFT - 16,
			  r->groups->keys[g]);
		snprintf(line, sizeof(line), "%llu requests, %llu < 10 KiB",
			 (unsigned long long)al->row[AGG_ROW_ALL].requests,
			 (unsigned long long)(al->row[0].requests +
					      al->row[1].requests));
		svg_text(f, PLOT_LEFT - 8, y + 32, "end", 11, line);
		y += ROW_H;
	}
	return plot_finish(f, y, xmax, units_bytes, "file offset",
			   "read-pattern", err);
}

const struct plot_picture plot_read_pattern = {"read_pattern", 1, draw};
