/*
 * cmd_report.c - `h5snoop report`: one pass over the traces into the
 * aggregation, then one output (text, csv, json or html; html also
 * collects the pictures' data and the per process and per file tallies
 * in the same pass).
 *
 * Must never: print a diagnostic (main.c does), or keep events.
 */
#include "analysis.h"
#include "cli_args.h"
#include "commands.h"
#include "output.h"
#include "plot.h"
#include "report.h"
#include "tally.h"

enum h5snoop_status cmd_report(int argc, char **argv,
			       struct h5snoop_error *err)
{
	struct h5snoop_cli_config cfg;
	struct analysis an;
	struct run_sink sinks[3];
	struct output out;
	struct report rep;
	struct plot_data d;
	struct plot_embed embed;
	struct tally tally;
	const struct report_writer *w;
	unsigned n_sinks = 1;
	enum h5snoop_status st =
		analysis_start(CLI_REPORT, argc, argv, &cfg, &an, err);

	if (st != H5SNOOP_OK)
		return st;
	w = report_writer_find(cfg.format);
	sinks[0] = analysis_agg_sink(&an);
	plot_data_init(&d, cfg.layer_mask, &an.agg);
	tally_init(&tally);
	if (w->wants_extras) {
		sinks[n_sinks++] = plot_data_sink(&d);
		sinks[n_sinks++] = tally_sink(&tally);
	}
	st = analysis_run(&an, &cfg, sinks, n_sinks, err);
	analysis_report_init(&rep, &an, &cfg, "report");
	if (st == H5SNOOP_OK)
		st = report_prepare(&rep, err);
	if (st == H5SNOOP_OK && w->wants_extras) {
		plot_embed_init(&embed, &rep, &d);
		rep.pictures = &embed.pictures;
		rep.tally = &tally;
	}
	if (st == H5SNOOP_OK)
		st = output_open(&out, cfg.output, err);
	if (st == H5SNOOP_OK) {
		st = w->write(out.f, &rep, err);
		st = output_close(&out, st == H5SNOOP_OK, err);
	}
	report_free(&rep);
	tally_free(&tally);
	plot_data_free(&d);
	analysis_free(&an);
	return analysis_status(st, &cfg, &an.summary, err);
}
