/*
 * out_svg_axis.c - the linear x axis, the note on groups left out and
 * the end the plots share.
 *
 * Must never: write trace text unescaped.
 */
#include "plot.h"
#include "svg.h"

void plot_axis(FILE *f, double y, double max,
	       char *(*fmt)(char *, size_t, uint64_t))
{
	double w = PLOT_WIDTH - PLOT_LEFT - PLOT_RIGHT;

	svg_line(f, PLOT_LEFT, y, PLOT_LEFT + w, y, "#333", 1, 0);
	for (int i = 0; i <= 4; i++) {
		char b[32];
		double x = PLOT_LEFT + w * i / 4.0;

		svg_line(f, x, y, x, y + 5, "#333", 1, 0);
		svg_text(f, x, y + 18, "middle", 11,
			 fmt(b, sizeof(b), (uint64_t)(max * i / 4.0)));
	}
}

void plot_left_out(FILE *f, const struct report *r)
{
	char line[256];

	if (!r->agg->left_out)
		return;
	snprintf(line, sizeof(line),
		 "%u more groups (%llu requests) not shown: these are the "
		 "%u with the most requests; --all draws every group",
		 r->agg->left_out,
		 (unsigned long long)r->agg->left_out_requests, r->n_order);
	svg_text(f, PLOT_WIDTH / 2, 40, "middle", 11, line);
}

enum h5snoop_status plot_finish(FILE *f, double y, double max,
				char *(*fmt)(char *, size_t, uint64_t),
				const char *caption, const char *what,
				struct h5snoop_error *err)
{
	plot_axis(f, y + 4, max, fmt);
	svg_text(f, PLOT_WIDTH - PLOT_RIGHT, y + 40, "end", 11, caption);
	svg_end(f);
	if (ferror(f))
		return diag_fail(err, "cannot write the %s plot", what);
	return H5SNOOP_OK;
}
