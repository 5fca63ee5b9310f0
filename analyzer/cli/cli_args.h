/*
 * cli_args.h - the command line of every h5snoop command (`report`,
 * `plot`, `export`, `record`, `advise`, `top`) as a struct, parsed by one
 * table of options.  No I/O: parsing only (babeltrace2's src/cli shape).
 */
#ifndef H5SNOOP_CLI_ARGS_H
#define H5SNOOP_CLI_ARGS_H

#include <stddef.h>

#include "commands.h"
#include "group_key.h"

enum cli_command {
	CLI_REPORT,
	CLI_PLOT,
	CLI_EXPORT,
	CLI_RECORD,
	CLI_ADVISE,
	CLI_TOP
};

struct h5snoop_cli_config {
	enum cli_command command;
	char *const *traces;   /* into argv, NULL-terminated; record: the
				* command and its arguments; top: its DIR,
				* if given */
	size_t n_traces;
	enum group_by by[GROUP_BY_COUNT];
	unsigned n_by;
	unsigned layer_mask;   /* 1 << LAYER_VFD | 1 << LAYER_HTTP */
	const char *baseline;  /* a group key or a value of the baseline
				* field (report.h), or NULL: the default */
	const char *flavor_regex; /* --flavor-regex: flavors of file names
				   * (flavor.h), or NULL: their stems */
	int span;              /* --span: also the first-to-last span */
	const char *format;    /* -f: the name of a report_writer (report),
				* export_format (export) or advise_writer
				* (advise) row */
	const char *output;    /* -o: file (report, export, advise) or dir
				* (plot, record) */
	int strict;            /* data loss is an error */
	unsigned top;          /* --top N: groups shown (report, plot) */
	int all;               /* --all: every group */
	int help;              /* --help seen: print usage, exit 0 */
	/* Call stacks (H5SNOOP_STACKS traces) */
	unsigned stack_depth;  /* --depth: frames in a `--by stack` key */
	char function[256];    /* --by function=FUNC: only requests whose
				* stack has FUNC ("" none) */
	int stacks;            /* export --stacks: symbolized rows */
	/* record */
	const char *label;       /* -l: H5SNOOP_LABEL */
	const char *shim_layers; /* --layers: H5SNOOP_LAYERS, checked */
	int keep_query;          /* --keep-query: H5SNOOP_KEEP_QUERY */
	int quiet;               /* -q: H5SNOOP_QUIET */
	/* advise */
	double rtt_s;            /* --rtt: the latency findings are also
				  * costed at, seconds (0: none) */
	const char *what_if;     /* --what-if MODEL, checked, or NULL */
	/* top */
	int once;                /* --once: one table, then exit */
	double interval_s;       /* --interval: seconds between tables */
	int interval_given;      /* --interval seen */
};

/* The default of --top: groups shown, the ones with most requests.
 * RATIONALE: a report or plot of one group per file of a large run
 * (10^5 granules) is unreadable and its statistics took gigabytes;
 * --all asks for every group. */
#define CLI_DEFAULT_TOP 50
#define CLI_MAX_TOP 1000000u

/* The default of --depth: "H5Dread < read_variable < main". */
#define CLI_DEFAULT_STACK_DEPTH 3
#define CLI_MAX_STACK_DEPTH 32

/* The default of advise's --rtt: an S3 request from the same region. */
#define CLI_DEFAULT_RTT_S 0.030
#define CLI_MAX_RTT_S 3600.0

/* top's --interval: its default and bounds, seconds. */
#define CLI_DEFAULT_INTERVAL_S 1.0
#define CLI_MIN_INTERVAL_S 0.05
#define CLI_MAX_INTERVAL_S 3600.0

/*
 * Parses argv (argv[0] is the command's name) into cfg; options and
 * traces may come in any order (the traces are moved to argv[1..]), but
 * record's options end at its command.  Every command reports an unknown
 * option, a missing value and a bad value the same way.  Returns H5SNOOP_OK,
 * H5SNOOP_INFO_ONLY for --help (err->info: the usage), or H5SNOOP_USAGE
 * with err->message and err->usage_command set.  Strings stay in argv
 * (but FUNC of --by function=FUNC, copied).  Reentrant.
 */
enum h5snoop_status cli_parse(enum cli_command command, int argc,
			      char **argv, struct h5snoop_cli_config *cfg,
			      struct h5snoop_error *err);

/* The usage text of a command. */
const char *cli_usage(enum cli_command command);

/* The name of a command ("report", ...). */
const char *cli_command_name(enum cli_command command);

#endif
