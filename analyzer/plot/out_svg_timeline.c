/*
 * out_svg_timeline.c - requests over time, a lane per process in order
 * of start: how much of each moment the process spent inside requests
 * (driver reads in the upper half of its lane, HTTP requests in the
 * lower), so that concurrency, gaps and stragglers show.  Idle time
 * between processes (another run starting, a scheduler's pause) is
 * folded into a narrow band that says how long it was, so the time axis
 * is spent on requests.
 *
 * Must never: write trace text unescaped; hide how much time a fold
 * holds.
 */
#include <math.h>
#include <stdlib.h>

#include "plot.h"
#include "svg.h"
#include "units.h"

#define LANE_H 18.0
#define TOP 112.0
#define FOLD_W 34.0   /* px of a folded gap */
#define LEVELS 5      /* shades of a lane: 20% steps */

/* A stretch of time drawn to scale, and the folded gap before it. */
struct segment {
	int64_t from, to;    /* Unix ns */
	double x;            /* px of from */
	uint64_t gap_before; /* ns folded before it (0: none) */
};

struct fold {
	struct segment *seg;
	uint32_t n;
	double px_per_ns;
	int64_t start;
};

static int by_first(const void *a, const void *b)
{
	const struct lane *x = *(const struct lane *const *)a;
	const struct lane *y = *(const struct lane *const *)b;

	return (x->first_ns > y->first_ns) - (x->first_ns < y->first_ns);
}

/* x of Unix time t (clamped to the drawn segments). */
static double x_of(const struct fold *fo, int64_t t)
{
	for (uint32_t i = 0; i < fo->n; i++) {
		const struct segment *s = &fo->seg[i];

		if (t < s->from)
			return s->x;
		if (t <= s->to)
			return s->x + (double)(t - s->from) * fo->px_per_ns;
	}
	return fo->n ? fo->seg[fo->n - 1].x +
			       (double)(fo->seg[fo->n - 1].to -
					fo->seg[fo->n - 1].from) *
				       fo->px_per_ns
		     : PLOT_LEFT;
}

/*
 * The segments of the lanes (sorted by first start): their spans merged;
 * a gap between merged spans longer than a tenth of the busy time is
 * folded.  Returns 0, or -1 out of memory.
 */
static int make_fold(struct fold *fo, struct lane *const *lanes,
		     uint32_t n)
{
	double w = PLOT_WIDTH - PLOT_LEFT - PLOT_RIGHT, x = PLOT_LEFT;
	uint64_t active = 0;
	uint32_t folds = 0;

	fo->seg = calloc(n ? n : 1, sizeof(*fo->seg));
	fo->n = 0;
	if (!fo->seg)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		struct segment *s = fo->n ? &fo->seg[fo->n - 1] : NULL;

		if (s && lanes[i]->first_ns <= s->to) {
			if (lanes[i]->last_end_ns > s->to)
				s->to = lanes[i]->last_end_ns;
			continue;
		}
		fo->seg[fo->n].from = lanes[i]->first_ns;
		fo->seg[fo->n].to = lanes[i]->last_end_ns;
		fo->seg[fo->n].gap_before =
			s ? (uint64_t)(lanes[i]->first_ns - s->to) : 0;
		fo->n++;
	}
	for (uint32_t i = 0; i < fo->n; i++)
		active += (uint64_t)(fo->seg[i].to - fo->seg[i].from);
	/* Short gaps are drawn to scale: merged into the segment before. */
	for (uint32_t i = 1; i < fo->n;) {
		if (fo->seg[i].gap_before * 10 > active) {
			i++;
			continue;
		}
		active += fo->seg[i].gap_before;
		fo->seg[i - 1].to = fo->seg[i].to;
		for (uint32_t j = i + 1; j < fo->n; j++)
			fo->seg[j - 1] = fo->seg[j];
		fo->n--;
	}
	folds = fo->n ? fo->n - 1 : 0;
	fo->start = fo->n ? fo->seg[0].from : 0;
	fo->px_per_ns = (w - folds * FOLD_W) / (double)(active ? active : 1);
	for (uint32_t i = 0; i < fo->n; i++) {
		if (i)
			x += FOLD_W;
		fo->seg[i].x = x;
		x += (double)(fo->seg[i].to - fo->seg[i].from) * fo->px_per_ns;
	}
	return 0;
}

/* Columns of one lane and layer, merged into runs of equal shade. */
static void draw_lane(FILE *f, const struct fold *fo, const struct lane *ln,
		      int layer, double y, double h, const char *color)
{
	double col_ns = (double)ln->span_ns / PLOT_COLUMNS;

	for (unsigned c = 0; c < PLOT_COLUMNS;) {
		const double *busy = ln->busy_ns[layer];
		int level = (int)(LEVELS * busy[c] / col_ns + 0.999);
		unsigned e = c + 1;
		double x0, x1;

		if (level > LEVELS)
			level = LEVELS;
		while (e < PLOT_COLUMNS) {
			int next = (int)(LEVELS * busy[e] / col_ns + 0.999);

			if ((next > LEVELS ? LEVELS : next) != level)
				break;
			e++;
		}
		if (level > 0) {
			x0 = x_of(fo, ln->origin_ns + (int64_t)(c * col_ns));
			x1 = x_of(fo, ln->origin_ns + (int64_t)(e * col_ns));
			svg_rect(f, x0, y, x1 - x0 < 0.5 ? 0.5 : x1 - x0, h,
				 color, (double)level / LEVELS);
		}
		c = e;
	}
}

/* Ticks of elapsed time under the segments, and the folds' bands. */
static void time_axis(FILE *f, const struct fold *fo, double top, double y)
{
	double w = PLOT_WIDTH - PLOT_LEFT - PLOT_RIGHT;
	double step = svg_tick_step(w / 8 / fo->px_per_ns, 1, 1000);
	char b[32], line[64];

	svg_line(f, PLOT_LEFT, y, PLOT_LEFT + w, y, "#333", 1, 0);
	for (uint32_t i = 0; i < fo->n; i++) {
		const struct segment *s = &fo->seg[i];
		double t0 = (double)(s->from - fo->start);
		double t = step * ceil(t0 / step);

		for (; t <= (double)(s->to - fo->start); t += step) {
			double x = x_of(fo, fo->start + (int64_t)t);

			svg_line(f, x, y, x, y + 5, "#333", 1, 0);
			svg_text(f, x, y + 17, "middle", 11,
				 units_ns(b, sizeof(b), (uint64_t)t));
		}
		if (!s->gap_before)
			continue;
		/* The fold: a hatched band, and the time it holds. */
		svg_rect(f, s->x - FOLD_W + 4, top, FOLD_W - 8, y - top,
			 "#dddddd", 1.0);
		svg_line(f, s->x - FOLD_W + 4, y + 4, s->x - 4, y - 4, "#333",
			 1.5, 0);
		snprintf(line, sizeof(line), "+%s",
			 units_ns(b, sizeof(b), s->gap_before));
		svg_text(f, s->x - FOLD_W / 2, top - 4, "middle", 10, line);
	}
}

static enum h5snoop_status draw(const struct plot_page *p,
				struct h5snoop_error *err)
{
	FILE *f = p->f;
	const struct plot_data *d = p->d;
	struct lane **lanes = malloc((d->n_lanes ? d->n_lanes : 1) *
				     sizeof(*lanes));
	struct fold fo = {0};
	uint32_t n = 0, folded = 0;
	double y = TOP, x;
	char line[900], b[32];

	if (!lanes)
		return diag_nomem(err);
	for (uint32_t i = 0; i < d->n_lanes; i++)
		if (d->lanes[i]->started &&
		    d->lanes[i]->last_end_ns >= d->lanes[i]->first_ns)
			lanes[n++] = d->lanes[i];
	qsort(lanes, n, sizeof(*lanes), by_first);
	if (make_fold(&fo, lanes, n) != 0) {
		free(lanes);
		return diag_nomem(err);
	}
	for (uint32_t i = 1; i < fo.n; i++)
		folded += fo.seg[i].gap_before > 0;
	svg_begin(f, PLOT_WIDTH, TOP + n * LANE_H + 70, p->standalone);
	svg_title(f, PLOT_WIDTH / 2, 26, "middle", 17,
		  "Requests over time, a lane per process");
	snprintf(line, sizeof(line),
		 "%u idle gap%s between processes folded (gray bands, each "
		 "with the time it holds); the rest to scale",
		 folded, folded == 1 ? "" : "s");
	svg_text(f, PLOT_WIDTH / 2, 46, "middle", 12,
		 folded ? line : "time to scale, nothing folded");
	x = PLOT_LEFT;
	for (int l = 0; l < LAYER_COUNT; l++)
		if (report_layer_shown(p->r, (enum layer)l))
			x = svg_legend(f, x, 68, svg_layer_colors[l],
				       l == LAYER_VFD
					       ? "driver reads (upper half)"
					       : "HTTP requests (lower half)");
	svg_text(f, PLOT_LEFT - 8, 88, "end", 11, "shade:");
	for (int k = 1; k <= LEVELS; k++) {
		svg_rect(f, PLOT_LEFT + (k - 1) * 26, 78, 24, 12,
			 svg_layer_colors[0], (double)k / LEVELS);
	}
	svg_text(f, PLOT_LEFT + LEVELS * 26 + 6, 88, "start", 11,
		 "share of the time inside requests, 20% steps (a "
		 "process's threads add up; full: 100% or more)");
	for (uint32_t i = 0; i < n; i++) {
		const struct lane *ln = lanes[i];

		svg_rect(f, x_of(&fo, ln->first_ns), y,
			 x_of(&fo, ln->last_end_ns) - x_of(&fo, ln->first_ns) +
				 0.5,
			 LANE_H - 3, "#f0f0f0", 1.0);
		snprintf(line, sizeof(line), "%s (%s)", ln->name,
			 units_ns(b, sizeof(b),
				  (uint64_t)(ln->last_end_ns - ln->first_ns)));
		svg_fit(f, PLOT_LEFT - 8, y + 12, "end", 11, PLOT_LEFT - 16,
			line);
		for (int l = 0; l < LAYER_COUNT; l++)
			draw_lane(f, &fo, ln, l, y + l * (LANE_H - 3) / 2,
				  (LANE_H - 3) / 2, svg_layer_colors[l]);
		y += LANE_H;
	}
	time_axis(f, &fo, TOP, y + 2);
	svg_text(f, PLOT_WIDTH - PLOT_RIGHT, y + 40, "end", 11,
		 "time since the first request (lanes: label, host:pid, and "
		 "the process's span)");
	free(fo.seg);
	free(lanes);
	return plot_finish(f, "timeline", err);
}

const struct plot_picture plot_timeline = {
	"timeline", 0,
	"Requests over time, a lane per process, idle gaps between runs "
	"folded",
	draw};
