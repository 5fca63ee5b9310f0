/*
 * plot.c - the table of the pictures `h5snoop plot` draws (plot.h), and
 * the lines every picture ends with.  Adding a picture is one
 * out_svg_NAME.c defining its struct plot_picture, and a row here.
 *
 * Must never: write trace text unescaped.
 */
#include "plot.h"
#include "svg.h"

const struct plot_picture *const plot_pictures[] = {
	&plot_compare,
	&plot_read_pattern,
	&plot_latency,
	&plot_timeline,
};

const unsigned plot_n_pictures =
	sizeof(plot_pictures) / sizeof(plot_pictures[0]);

double plot_left_out(FILE *f, const struct report *r, double y)
{
	char line[256];

	if (!r->agg->left_out)
		return y;
	snprintf(line, sizeof(line),
		 "%u more groups (%llu requests) not shown: these are the "
		 "%u with the most requests; --all draws every group",
		 r->agg->left_out,
		 (unsigned long long)r->agg->left_out_requests, r->n_order);
	svg_text(f, PLOT_WIDTH / 2, y, "middle", 12, line);
	return y + 18;
}

enum h5snoop_status plot_finish(FILE *f, const char *what,
				struct h5snoop_error *err)
{
	svg_end(f);
	if (ferror(f))
		return diag_fail(err, "cannot write the %s plot", what);
	return H5SNOOP_OK;
}
