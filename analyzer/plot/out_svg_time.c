/*
 * out_svg_time.c - the seed's timing chart: horizontal bars per group
 * (wall time, and the time inside each layer's requests), with the
 * baseline group's wall time as a dashed line.
 *
 * Must never: write trace text unescaped.
 */
#include "plot.h"
#include "svg.h"
#include "units.h"

#define BAR_H 14.0
#define TOP 80.0

/* The bars of a group: wall, then each shown layer. */
static unsigned bars(const struct report *r, uint32_t g, uint64_t *v,
		     const char **label)
{
	const struct agg_group *ag = r->agg->g[g];
	unsigned n = 0;

	v[n] = agg_wall_ns(ag->first_ns, ag->last_end_ns);
	label[n++] = "wall";
	for (int l = 0; l < LAYER_COUNT; l++)
		if (report_layer_shown(r, (enum layer)l)) {
			v[n] = report_busy_ns(r, g, (enum layer)l);
			label[n++] = l == LAYER_VFD ? "in vfd reads"
						    : "in http requests";
		}
	return n;
}

static enum h5snoop_status draw(FILE *f, const struct report *r,
				const struct plot_data *d, enum layer l,
				struct h5snoop_error *err)
{
	(void)d;
	(void)l;
	double w = PLOT_WIDTH - PLOT_LEFT - PLOT_RIGHT, y = TOP, max = 1;
	uint64_t v[1 + LAYER_COUNT], base;
	const char *label[1 + LAYER_COUNT];
	unsigned per = 1;
	char b[64], line[256];

	for (uint32_t i = 0; i < r->n_order; i++) {
		per = bars(r, r->order[i], v, label);
		for (unsigned k = 0; k < per; k++)
			max = (double)v[k] > max ? (double)v[k] : max;
	}
	max *= 1.1;
	svg_begin(f, PLOT_WIDTH,
		  TOP + r->n_order * (per * BAR_H + 14) + 50);
	svg_text(f, PLOT_WIDTH / 2, 24, "middle", 16,
		 "Time per group (less is better)");
	plot_left_out(f, r);
	for (unsigned k = 0; k < per; k++)
		svg_legend(f, PLOT_LEFT + 160.0 * k, 52,
			   svg_group_color(k), label[k]);
	for (uint32_t i = 0; i < r->n_order; i++) {
		uint32_t g = r->order[i];

		bars(r, g, v, label);
		svg_label(f, PLOT_LEFT - 8, y + per * BAR_H / 2 + 4, 12,
			  PLOT_LEFT - 16, r->groups->keys[g]);
		for (unsigned k = 0; k < per; k++) {
			double bw = w * (double)v[k] / max;

			svg_rect(f, PLOT_LEFT, y, bw, BAR_H - 2,
				 svg_group_color(k), 1.0);
			svg_text(f, PLOT_LEFT + bw + 4, y + BAR_H - 3, "start",
				 10, units_ns(b, sizeof(b), v[k]));
			y += BAR_H;
		}
		y += 14;
	}
	bars(r, r->baseline, v, label);
	base = v[0];
	svg_line(f, PLOT_LEFT + w * (double)base / max, TOP - 8,
		 PLOT_LEFT + w * (double)base / max, y, "red", 2, 1);
	snprintf(line, sizeof(line), "baseline %s: %s",
		 r->n_order ? r->groups->keys[r->baseline] : "-",
		 units_ns(b, sizeof(b), base));
	svg_text(f, PLOT_LEFT + w * (double)base / max + 4, TOP - 10, "start",
		 11, line);
	return plot_finish(f, y, max, units_ns, "time", "time", err);
}

const struct plot_picture plot_time = {"time", 0, draw};
