/*
 * out_svg_timeline.c - requests over time, a lane per thread (or per
 * process when there are many): how busy each lane was in each pixel
 * column, vfd reads in the upper half, http requests in the lower, so
 * that concurrency and gaps show.
 *
 * Must never: write trace text unescaped.
 */
#include "plot.h"
#include "svg.h"
#include "units.h"

#define LANE_H 16.0
#define TOP 70.0

/* Columns of one lane and layer, merged into runs of equal shade. */
static void draw_lane(FILE *f, const double *busy, double col_ns,
		      double tmax, double y, double h, const char *color)
{
	double w = PLOT_WIDTH - PLOT_LEFT - PLOT_RIGHT;

	for (unsigned c = 0; c < PLOT_COLUMNS;) {
		int level = (int)(10.0 * busy[c] / col_ns + 0.999);
		unsigned e = c + 1;
		double x0, x1;

		if (level > 10)
			level = 10;
		while (e < PLOT_COLUMNS) {
			int next = (int)(10.0 * busy[e] / col_ns + 0.999);

			if ((next > 10 ? 10 : next) != level)
				break;
			e++;
		}
		if (level > 0 && c * col_ns < tmax) {
			x0 = PLOT_LEFT + w * c * col_ns / tmax;
			x1 = PLOT_LEFT + w * e * col_ns / tmax;
			if (x1 > PLOT_LEFT + w)
				x1 = PLOT_LEFT + w;
			svg_rect(f, x0, y, x1 - x0 < 0.5 ? 0.5 : x1 - x0, h,
				 color, level / 10.0);
		}
		c = e;
	}
}

static enum h5snoop_status draw(FILE *f, const struct report *r,
				const struct plot_data *d, enum layer l,
				struct h5snoop_error *err)
{
	(void)l;
	double tmax = (double)trace_diff_ns(d->last_end_ns, d->origin_ns);
	double col_ns = (double)d->time_span_ns / PLOT_COLUMNS, y = TOP;

	if (tmax < 1)
		tmax = 1;
	svg_begin(f, PLOT_WIDTH, TOP + d->n_lanes * LANE_H + 50);
	svg_text(f, PLOT_WIDTH / 2, 24, "middle", 16,
		 "Requests over time (shade: share of the time inside "
		 "requests)");
	for (int l = 0; l < LAYER_COUNT; l++)
		if (r->opt.layer_mask & (1u << l))
			svg_legend(f, PLOT_LEFT + 200.0 * l, 52,
				   svg_layer_colors[l],
				   l == LAYER_VFD ? "vfd reads (upper half)"
						  : "http requests (lower "
						    "half)");
	for (uint32_t i = 0; i < d->n_lanes; i++) {
		const struct lane *lane = d->lanes[i];

		svg_rect(f, PLOT_LEFT, y, PLOT_WIDTH - PLOT_LEFT - PLOT_RIGHT,
			 LANE_H - 2, "#f2f2f2", 1.0);
		char label[900];

		/* The lane's process and thread, and the group it read. */
		snprintf(label, sizeof(label), "%s%s%s", lane->name,
			 lane->group < r->groups->n ? ": " : "",
			 lane->group < r->groups->n
				 ? r->groups->keys[lane->group]
				 : "");
		svg_label(f, PLOT_LEFT - 8, y + 11, 10, PLOT_LEFT - 16, label);
		for (int l = 0; l < LAYER_COUNT; l++)
			draw_lane(f, lane->busy_ns[l], col_ns, tmax,
				  y + l * (LANE_H - 2) / 2, (LANE_H - 2) / 2,
				  svg_layer_colors[l]);
		y += LANE_H;
	}
	return plot_finish(f, y, tmax, units_ns,
			   "time since the first request", "timeline", err);
}

const struct plot_picture plot_timeline = {"timeline", 0, draw};
