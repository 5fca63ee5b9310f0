/*
 * cmd_export.c - `h5snoop export`: every event of the traces, streamed
 * to csv, jsonl or chrome (export.h).
 *
 * Must never: print a diagnostic (main.c does), or keep events.
 */
#include <stdio.h>

#include "analysis.h"
#include "cli_args.h"
#include "commands.h"
#include "export.h"
#include "output.h"

enum h5snoop_status cmd_export(int argc, char **argv,
			       struct h5snoop_error *err)
{
	struct h5snoop_cli_config cfg;
	struct analysis an;
	struct exporter x;
	struct run_sink sink;
	struct output out;
	enum h5snoop_status st =
		analysis_start(CLI_EXPORT, argc, argv, &cfg, &an, err);

	if (st != H5SNOOP_OK)
		return st;
	st = output_open(&out, cfg.output, err);
	if (st == H5SNOOP_OK) {
		export_init(&x, out.f, export_format_find(cfg.format),
			    cfg.layer_mask);
		x.stacks = cfg.stacks;
		sink = export_sink(&x);
		st = analysis_run(&an, &cfg, &sink, 1, err);
		if (st == H5SNOOP_OK)
			st = export_finish(&x, err);
		export_free(&x);
		st = output_close(&out, st == H5SNOOP_OK, err);
	}
	analysis_free(&an);
	return analysis_status(st, &cfg, &an.summary, err);
}
