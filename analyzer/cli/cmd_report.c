/*
 * cmd_report.c - `h5snoop report`: one pass over the traces into the
 * aggregation, then one output (text, csv or json).
 *
 * Must never: print a diagnostic (main.c does), or keep events.
 */
#include "analysis.h"
#include "cli_args.h"
#include "commands.h"
#include "output.h"
#include "report.h"

enum h5snoop_status cmd_report(int argc, char **argv,
			       struct h5snoop_error *err)
{
	struct h5snoop_cli_config cfg;
	struct analysis an;
	struct run_sink sink;
	struct output out;
	struct report rep;
	enum h5snoop_status st =
		analysis_start(CLI_REPORT, argc, argv, &cfg, &an, err);

	if (st != H5SNOOP_OK)
		return st;
	sink = analysis_agg_sink(&an);
	st = analysis_run(&an, &cfg, &sink, 1, err);
	analysis_report_init(&rep, &an, &cfg, "report");
	if (st == H5SNOOP_OK)
		st = report_prepare(&rep, err);
	if (st == H5SNOOP_OK)
		st = output_open(&out, cfg.output, err);
	if (st == H5SNOOP_OK) {
		st = report_writer_find(cfg.format)->write(out.f, &rep, err);
		st = output_close(&out, st == H5SNOOP_OK, err);
	}
	report_free(&rep);
	analysis_free(&an);
	return analysis_status(st, &cfg, &an.summary, err);
}
