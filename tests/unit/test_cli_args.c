/*
 * test_cli_args.c - the analysis commands' argv parsing: defaults, lists,
 * formats per command, usage errors.
 */
#include "attrib.h"
#include "cli_args.h"
#include <stdarg.h>

#include "unit.h"

static int parse(enum cli_command c, struct h5snoop_cli_config *cfg,
		 struct h5snoop_error *err, int argc, ...)
{
	static char *argv[32];
	va_list ap;

	va_start(ap, argc);
	for (int i = 0; i < argc; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	memset(err, 0, sizeof(*err));
	return cli_parse(c, argc, argv, cfg, err);
}

/* RATIONALE: both sides as doubles: where the FPU computes in long
 * double (i386's x87), a constant such as 0.08 keeps the wider precision
 * in a comparison, and would never equal a double holding 0.08. */
static int same_double(double got, double want)
{
	return got == want;
}

int main(void)
{
	struct h5snoop_cli_config c;
	struct h5snoop_error e;

	CHECK(parse(CLI_REPORT, &c, &e, 2, "report", "tr") == 0);
	CHECK_EQ_U64(c.n_by, 1);
	CHECK(c.by[0] == GROUP_BY_FLAVOR);
	CHECK_EQ_U64(c.layer_mask, 3);
	CHECK_STR(c.format, "text");
	CHECK_EQ_U64(c.n_traces, 1);

	CHECK(parse(CLI_REPORT, &c, &e, 9, "report", "--by", "flavor,driver",
		    "--by=host", "--layers=http", "-f", "csv", "a", "b") ==
	      0);
	CHECK_EQ_U64(c.n_by, 3);
	CHECK(c.by[1] == GROUP_BY_DRIVER && c.by[2] == GROUP_BY_HOST);
	CHECK_EQ_U64(c.layer_mask, 1u << LAYER_HTTP);
	CHECK_STR(c.format, "csv");
	CHECK_EQ_U64(c.n_traces, 2);

	CHECK(parse(CLI_REPORT, &c, &e, 3, "report", "--by", "colour") == 2);
	CHECK(strstr(e.message, "--by takes") != NULL);
	CHECK_STR(e.usage_command, "report");
	CHECK(parse(CLI_REPORT, &c, &e, 3, "report", "-f", "jsonl") == 2);
	CHECK(parse(CLI_EXPORT, &c, &e, 4, "export", "-f", "jsonl", "t") ==
	      0);
	CHECK_STR(c.format, "jsonl");
	CHECK(parse(CLI_EXPORT, &c, &e, 4, "export", "--by", "x", "t") ==
	      2);
	CHECK(parse(CLI_REPORT, &c, &e, 1, "report") == 2);
	CHECK(strstr(e.message, "no trace given") != NULL);
	CHECK(parse(CLI_REPORT, &c, &e, 2, "report", "-o") == 2);
	CHECK(strstr(e.message, "needs a value") != NULL);
	CHECK(parse(CLI_PLOT, &c, &e, 2, "plot", "t") == 2);
	CHECK(strstr(e.message, "-o DIR") != NULL);
	CHECK(parse(CLI_PLOT, &c, &e, 2, "plot", "--help") ==
	      H5SNOOP_INFO_ONLY);
	CHECK(c.help);
	CHECK(e.info == cli_usage(CLI_PLOT));
	CHECK(parse(CLI_REPORT, &c, &e, 3, "report", "--", "-odd") == 0);
	CHECK_STR(c.traces[0], "-odd");

	/* Call stacks: --by stack/function[=FUNC], --depth, --stacks. */
	CHECK(parse(CLI_REPORT, &c, &e, 4, "report", "--by", "stack", "t") ==
	      0);
	CHECK(c.by[0] == GROUP_BY_STACK);
	CHECK_EQ_U64(c.stack_depth, CLI_DEFAULT_STACK_DEPTH);
	CHECK_STR(c.function, "");
	CHECK(parse(CLI_REPORT, &c, &e, 5, "report", "--by",
		    "file,function=H5Dread", "--depth=5", "t") == 0);
	CHECK_EQ_U64(c.n_by, 2);
	CHECK(c.by[0] == GROUP_BY_FILE && c.by[1] == GROUP_BY_FUNCTION);
	CHECK_STR(c.function, "H5Dread");
	CHECK_EQ_U64(c.stack_depth, 5);
	CHECK(parse(CLI_PLOT, &c, &e, 6, "plot", "--depth", "32", "-o", "d",
		    "t") == 0);
	CHECK_EQ_U64(c.stack_depth, 32);
	CHECK(parse(CLI_REPORT, &c, &e, 4, "report", "--depth", "0", "t") ==
	      2);
	CHECK(strstr(e.message, "--depth takes") != NULL);
	CHECK(parse(CLI_REPORT, &c, &e, 4, "report", "--depth", "33", "t") ==
	      2);
	CHECK(parse(CLI_REPORT, &c, &e, 4, "report", "--depth", "3x", "t") ==
	      2);
	CHECK(parse(CLI_REPORT, &c, &e, 4, "report", "--by", "function=",
		    "t") == 2);
	CHECK(parse(CLI_EXPORT, &c, &e, 4, "export", "--depth", "3", "t") ==
	      2);
	CHECK(parse(CLI_EXPORT, &c, &e, 3, "export", "--stacks", "t") == 0);
	CHECK(c.stacks);
	CHECK(parse(CLI_REPORT, &c, &e, 3, "report", "--stacks", "t") == 2);

	/* --top N and --all: report and plot, not export. */
	CHECK(parse(CLI_REPORT, &c, &e, 2, "report", "t") == 0);
	CHECK_EQ_U64(c.top, CLI_DEFAULT_TOP);
	CHECK(!c.all);
	CHECK(parse(CLI_REPORT, &c, &e, 4, "report", "--top", "7", "t") == 0);
	CHECK_EQ_U64(c.top, 7);
	CHECK(parse(CLI_PLOT, &c, &e, 6, "plot", "--all", "-o", "d", "t",
		    "--top=3") == 0);
	CHECK(c.all);
	CHECK_EQ_U64(c.top, 3);
	CHECK(parse(CLI_REPORT, &c, &e, 4, "report", "--top", "0", "t") == 2);
	CHECK(strstr(e.message, "--top takes") != NULL);
	CHECK(parse(CLI_REPORT, &c, &e, 4, "report", "--top", "-1", "t") ==
	      2);
	CHECK(parse(CLI_REPORT, &c, &e, 4, "report", "--top", "1000001",
		    "t") == 2);
	CHECK(parse(CLI_EXPORT, &c, &e, 3, "export", "--all", "t") == 2);
	CHECK(parse(CLI_EXPORT, &c, &e, 4, "export", "--top", "3", "t") == 2);

	/* record: the same parser; its options end at its command. */
	CHECK(parse(CLI_RECORD, &c, &e, 9, "record", "-o", "out", "--label=l",
		    "--layers", "vfd", "-q", "prog", "-o") == H5SNOOP_OK);
	CHECK_STR(c.output, "out");
	CHECK_STR(c.label, "l");
	CHECK_STR(c.shim_layers, "vfd");
	CHECK(c.quiet && !c.keep_query);
	CHECK_EQ_U64(c.n_traces, 2);
	CHECK_STR(c.traces[0], "prog");
	CHECK_STR(c.traces[1], "-o");
	CHECK(c.traces[2] == NULL);
	CHECK(parse(CLI_RECORD, &c, &e, 4, "record", "--keep-query", "--",
		    "-prog") == H5SNOOP_OK);
	CHECK(c.keep_query);
	CHECK_STR(c.traces[0], "-prog");
	CHECK(parse(CLI_RECORD, &c, &e, 2, "record", "-o") == H5SNOOP_USAGE);
	CHECK_STR(e.message, "option '-o' needs a value");
	CHECK_STR(e.usage_command, "record");
	CHECK(parse(CLI_RECORD, &c, &e, 3, "record", "--strict", "p") ==
	      H5SNOOP_USAGE);
	CHECK_STR(e.message, "unknown option '--strict'");
	CHECK(parse(CLI_RECORD, &c, &e, 2, "record", "--") == H5SNOOP_USAGE);
	CHECK(strstr(e.message, "no command to run") != NULL);
	CHECK(parse(CLI_RECORD, &c, &e, 2, "record", "-h") ==
	      H5SNOOP_INFO_ONLY);
	CHECK(e.info == cli_usage(CLI_RECORD));

	/* advise: its own options, the analysis commands' -o, -f, --strict
	 * and the same errors. */
	CHECK(parse(CLI_ADVISE, &c, &e, 2, "advise", "t") == H5SNOOP_OK);
	CHECK(same_double(c.rtt_s, CLI_DEFAULT_RTT_S) && !c.what_if &&
	      !c.strict);
	CHECK_STR(c.format, "text");
	CHECK(parse(CLI_ADVISE, &c, &e, 10, "advise", "a", "--rtt=80ms",
		    "--what-if", "blockcache:1MiB:4", "-f", "json", "b",
		    "--strict", "-o-") == H5SNOOP_USAGE);
	CHECK_STR(e.message, "unknown option '-o-'");
	CHECK(parse(CLI_ADVISE, &c, &e, 11, "advise", "a", "--rtt=80ms",
		    "--what-if", "blockcache:1MiB:4", "-f", "json", "b",
		    "--strict", "-o", "out") == H5SNOOP_OK);
	CHECK(same_double(c.rtt_s, 0.08) && c.strict);
	CHECK_STR(c.what_if, "blockcache:1MiB:4");
	CHECK_STR(c.format, "json");
	CHECK_STR(c.output, "out");
	CHECK_EQ_U64(c.n_traces, 2);
	CHECK_STR(c.traces[1], "b");
	CHECK(parse(CLI_ADVISE, &c, &e, 4, "advise", "--rtt", "500us", "t") ==
	      H5SNOOP_OK);
	CHECK(same_double(c.rtt_s, 500e-6));
	CHECK(parse(CLI_ADVISE, &c, &e, 4, "advise", "--rtt", "fast", "t") ==
	      H5SNOOP_USAGE);
	CHECK(strstr(e.message, "--rtt wants") != NULL);
	CHECK_STR(e.usage_command, "advise");
	CHECK(parse(CLI_ADVISE, &c, &e, 4, "advise", "--rtt", "2h", "t") ==
	      H5SNOOP_USAGE);
	CHECK(parse(CLI_ADVISE, &c, &e, 3, "advise", "--what-if=lru", "t") ==
	      H5SNOOP_USAGE);
	CHECK(strstr(e.message, "--what-if wants") != NULL);
	CHECK(parse(CLI_ADVISE, &c, &e, 4, "advise", "-f", "csv", "t") ==
	      H5SNOOP_USAGE);
	CHECK_STR(e.message, "unknown format 'csv'");
	CHECK(parse(CLI_ADVISE, &c, &e, 3, "advise", "t", "--rtt") ==
	      H5SNOOP_USAGE);
	CHECK_STR(e.message, "option '--rtt' needs a value");
	CHECK(parse(CLI_ADVISE, &c, &e, 3, "advise", "--by", "t") ==
	      H5SNOOP_USAGE);
	CHECK_STR(e.message, "unknown option '--by'");
	CHECK(parse(CLI_ADVISE, &c, &e, 1, "advise") == H5SNOOP_USAGE);
	CHECK(strstr(e.message, "no trace") != NULL);
	CHECK(parse(CLI_ADVISE, &c, &e, 2, "advise", "--help") ==
	      H5SNOOP_INFO_ONLY);
	CHECK(e.info == cli_usage(CLI_ADVISE));

	/* top: DIR optional, one at most. */
	CHECK(parse(CLI_TOP, &c, &e, 1, "top") == H5SNOOP_OK);
	CHECK_EQ_U64(c.n_traces, 0);
	CHECK(!c.once && !c.interval_given);
	CHECK(same_double(c.interval_s, CLI_DEFAULT_INTERVAL_S));
	CHECK(parse(CLI_TOP, &c, &e, 5, "top", "root", "--once",
		    "--interval", "0.3") == H5SNOOP_OK);
	CHECK(c.once && c.interval_given && same_double(c.interval_s, 0.3));
	CHECK_EQ_U64(c.n_traces, 1);
	CHECK_STR(c.traces[0], "root");
	CHECK(parse(CLI_TOP, &c, &e, 2, "top", "--interval=0.01") ==
	      H5SNOOP_USAGE);
	CHECK(strstr(e.message, "--interval wants") != NULL);
	CHECK_STR(e.usage_command, "top");
	CHECK(parse(CLI_TOP, &c, &e, 2, "top", "--interval") ==
	      H5SNOOP_USAGE);
	CHECK_STR(e.message, "option '--interval' needs a value");
	CHECK(parse(CLI_TOP, &c, &e, 2, "top", "--once=1") == H5SNOOP_USAGE);
	CHECK_STR(e.message, "unknown option '--once=1'");
	CHECK(parse(CLI_TOP, &c, &e, 3, "top", "a", "b") == H5SNOOP_USAGE);
	CHECK_STR(e.message, "one DIR at most");
	CHECK(parse(CLI_TOP, &c, &e, 2, "top", "-h") == H5SNOOP_INFO_ONLY);
	CHECK(e.info == cli_usage(CLI_TOP));
	return unit_done("test_cli_args");
}
