/*
 * cmd_plot.c - `h5snoop plot -o DIR`: one pass over the traces into the
 * aggregation and the plot columns, then one SVG file per picture.
 *
 * Must never: print a diagnostic (main.c does), or keep events.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "analysis.h"
#include "cli_args.h"
#include "commands.h"
#include "make_dirs.h"
#include "output.h"
#include "plot.h"

/* Writes DIR/FILE with the picture of item it. */
static enum h5snoop_status one_file(const char *dir,
				    const struct plot_item *it,
				    const struct report *r,
				    const struct plot_data *d,
				    struct h5snoop_error *err)
{
	char path[4096];
	struct output out;
	enum h5snoop_status st;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, it->file) >=
	    sizeof(path))
		return diag_fail(err, "%s: name too long", dir);
	if (output_open(&out, path, err) != H5SNOOP_OK)
		return H5SNOOP_ERROR;
	st = it->picture->draw(&(struct plot_page){out.f, r, d, it->layer, 1},
			       err);
	return output_close(&out, st == H5SNOOP_OK, err);
}

static enum h5snoop_status write_all(const char *dir, const struct report *r,
				     const struct plot_data *d,
				     struct h5snoop_error *err)
{
	struct plot_item items[PLOT_MAX_ITEMS];
	unsigned n = plot_items(r, items);

	if (make_dirs(dir, 0777) != 0)
		return diag_fail(err, "%s: cannot create: %s", dir,
				 strerror(errno));
	for (unsigned i = 0; i < n; i++)
		if (one_file(dir, &items[i], r, d, err) != H5SNOOP_OK)
			return H5SNOOP_ERROR;
	return H5SNOOP_OK;
}

enum h5snoop_status cmd_plot(int argc, char **argv,
			     struct h5snoop_error *err)
{
	struct h5snoop_cli_config cfg;
	struct analysis an;
	struct plot_data d;
	struct run_sink sinks[2];
	struct report rep;
	enum h5snoop_status st =
		analysis_start(CLI_PLOT, argc, argv, &cfg, &an, err);

	if (st != H5SNOOP_OK)
		return st;
	plot_data_init(&d, cfg.layer_mask, &an.agg);
	sinks[0] = analysis_agg_sink(&an);
	sinks[1] = plot_data_sink(&d);
	st = analysis_run(&an, &cfg, sinks, 2, err);
	analysis_report_init(&rep, &an, &cfg, "plot");
	if (st == H5SNOOP_OK)
		st = report_prepare(&rep, err);
	if (st == H5SNOOP_OK && rep.n_order == 0)
		st = diag_fail(err, "no requests in the layers asked for: "
				    "nothing to plot");
	if (st == H5SNOOP_OK)
		st = write_all(cfg.output, &rep, &d, err);
	report_free(&rep);
	plot_data_free(&d);
	analysis_free(&an);
	return analysis_status(st, &cfg, &an.summary, err);
}
