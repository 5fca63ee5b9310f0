/*
 * cmd_advise.c - `h5snoop advise`: its command line (cli_args), one pass
 * over the traces into the advise's figures, the rules, one writer.
 *
 * Must never: print a diagnostic (main.c does), or keep events.
 */
#include "advise.h"
#include "cli_args.h"
#include "commands.h"
#include "output.h"

enum h5snoop_status cmd_advise(int argc, char **argv,
			       struct h5snoop_error *err)
{
	struct h5snoop_cli_config c;
	struct advise a;
	struct run_sink sink;
	struct output out;
	enum h5snoop_status st = cli_parse(CLI_ADVISE, argc, argv, &c, err);

	if (st != H5SNOOP_OK)
		return st;
	advise_init(&a, c.rtt_s);
	if (c.what_if) {
		a.what_if = 1;
		advise_whatif_parse(c.what_if, &a.model);
	}
	sink = advise_sink(&a);
	st = run_traces(c.traces, c.n_traces, &a.attrib, &sink, 1,
			&a.summary, err);
	if (st == H5SNOOP_OK)
		st = advise_finish(&a, err);
	if (st == H5SNOOP_OK)
		st = output_open(&out, c.output, err);
	if (st == H5SNOOP_OK) {
		st = advise_writer_find(c.format)->write(out.f, &a, err);
		st = output_close(&out, st == H5SNOOP_OK, err);
	}
	if (st == H5SNOOP_OK && c.strict &&
	    (a.summary.discarded || a.summary.truncated)) {
		diag_fail(err,
			  "--strict: %llu events discarded by the tracer, "
			  "%zu stream files truncated",
			  (unsigned long long)a.summary.discarded,
			  a.summary.truncated);
		st = H5SNOOP_ERROR;
	}
	advise_free(&a);
	return st;
}
