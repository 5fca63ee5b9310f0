/*
 * cli_args.c - argv -> struct h5snoop_cli_config (see cli_args.h).
 *
 * Must never: print, open a file, or exit.
 */
#include "cli_args.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advise.h"
#include "attrib.h"
#include "export.h"
#include "report.h"

/* Options the commands share, as usage lines. */
#define USAGE_GROUPING                                                    \
	"  --by LIST           group by flavor, run (or label), file, driver,\n" \
	"                      process, host, stack, function (comma-\n"     \
	"                      separated; default: flavor); stack and\n"    \
	"                      function need traces recorded with\n"       \
	"                      H5SNOOP_STACKS\n"                            \
	"  --layers LIST       vfd, http or vfd,http (default: both)\n"      \
	"  --baseline NAME     the flavor (or group) to compare with\n"     \
	"                      (default: original if there is one, else\n"  \
	"                      the first by name)\n"                       \
	USAGE_FLAVOR                                                      \
	"  --depth N           frames in a stack group (default: 3)\n"     \
	"  --top N             show the N groups with most requests, most\n" \
	"                      first, when there are more (default: 50);\n" \
	"                      the output says how many were left out\n"   \
	"  --all               show every group\n"
#define USAGE_FLAVOR                                                      \
	"  --flavor-regex RE   a file's flavor is what RE (POSIX extended)\n" \
	"                      matches in its name or URL, its first (group)\n" \
	"                      if it has one (default: the name's stem)\n"
#define USAGE_STRICT                                                      \
	"      --strict        exit 1 when the tracer lost events or a\n"    \
	"                      trace is truncated\n"                         \
	"  -h, --help          this text\n"
#define USAGE_EXIT                                                        \
	"Exit status: 0 success, 1 bad input or failed write, 2 usage "      \
	"error.\n"

static const char report_usage[] =
	"Usage: h5snoop report [OPTIONS] TRACE...\n"
	"\n"
	"Counts the requests of the traced programs per group and layer:\n"
	"requests and bytes by size (<1KiB, 1-10KiB, 10-100KiB, >100KiB)\n"
	"with total, mean, p50, p95 and p99 latency; metadata vs raw data;\n"
	"HTTP status codes, errors, bytes fetched vs asked and where the\n"
	"time went; wall time; and, with several groups, each group's ratio\n"
	"to a baseline.  TRACE is a trace directory or any directory above\n"
	"some (searched recursively).\n"
	"\n"
	"Options:\n" USAGE_GROUPING
	"  -f, --format FMT    text, csv, json or html (default: text)\n"
	"  -o, --output FILE   write there instead of standard output\n"
	"      --span          also show each group's span, its first\n"
	"                      request to its last end over all processes\n"
	USAGE_STRICT
	"\n"
	"A flavor is a variant of a file: the file's name without directory\n"
	"and extension, or the part --flavor-regex picks (e.g.\n"
	"'_([a-z0-9-]+)\\.h5$' turns ATL06_x_page-only-8mb.h5 into\n"
	"page-only-8mb).  A run is the label given at record time.  Groups\n"
	"are listed baseline first, then by name.  With --by run,flavor the\n"
	"report also prints a pivot: runs as rows, flavors as columns, each\n"
	"cell with its ratio to the same run's baseline flavor.  Wall time\n"
	"is the sum over processes of each one's first request to last\n"
	"end.\n"
	"\n"
	"When more groups than --top N (default: 50) have requests, the N\n"
	"with the most are shown, most first, and a line says how many\n"
	"groups and requests were left out; --all lists every group.\n"
	"\n"
	"Call stacks: --by function groups requests by the HDF5 API call\n"
	"they came from (H5Dread, H5Aread, H5Fopen...); --by function=FUNC\n"
	"also keeps only requests with FUNC on their stack.  --by stack\n"
	"groups them by call site: the API call and its callers, N frames\n"
	"(--depth), e.g. \"H5Dread < read_variable < main\"; such groups\n"
	"are listed by requests, most first.  Frames are named from the\n"
	"binaries the trace names (and their debug files under\n"
	"/usr/lib/debug), else shown as module+0xOFFSET.\n" USAGE_EXIT;

static const char plot_usage[] =
	"Usage: h5snoop plot [OPTIONS] -o DIR TRACE...\n"
	"\n"
	"Writes SVG pictures of the traces into DIR (created if missing):\n"
	"  read_pattern_LAYER.svg  requests at their file offsets, one row\n"
	"                          per group, colored by size\n"
	"  time.svg                wall time per group, baseline as a line\n"
	"  latency_LAYER.svg       latency distribution per size bin\n"
	"  timeline.svg            requests over time, a lane per thread\n"
	"\n"
	"Options:\n"
	"  -o, --output DIR    where the SVG files go (required)\n"
	USAGE_GROUPING USAGE_STRICT "\n" USAGE_EXIT;

static const char export_usage[] =
	"Usage: h5snoop export [OPTIONS] TRACE...\n"
	"\n"
	"Writes every event of the traces, one per row, with its process,\n"
	"thread, Unix time, flavor, file and driver:\n"
	"  csv     a header line, then one row per event (pandas, DuckDB)\n"
	"  jsonl   one JSON object per line (pandas, Dask)\n"
	"  chrome  Trace Event JSON for Perfetto UI and chrome://tracing\n"
	"\n"
	"Options:\n"
	"  -f, --format FMT    csv, jsonl or chrome (default: csv)\n"
	"  -o, --output FILE   write there instead of standard output\n"
	"  --layers LIST       vfd, http or vfd,http (default: both; file\n"
	"                      open and close events come with vfd)\n"
	USAGE_FLAVOR
	"  --stacks            add each request's HDF5 API call (function)\n"
	"                      and its symbolized call stack (stack:\n"
	"                      innermost frame first) to its row; needs\n"
	"                      traces recorded with H5SNOOP_STACKS\n"
	USAGE_STRICT "\n" USAGE_EXIT;

static const char record_usage[] =
	"Usage: h5snoop record [OPTIONS] -- COMMAND [ARGS...]\n"
	"\n"
	"Runs COMMAND with libh5snoop.so preloaded: every HDF5 driver read\n"
	"and libcurl request of it, and of the programs it starts, is\n"
	"written to one CTF trace directory per process under DIR.\n"
	"COMMAND takes this process's place (same pid): the signals sent\n"
	"to it reach COMMAND, and COMMAND's exit status (or the signal it\n"
	"dies of) is h5snoop's.\n"
	"\n"
	"Options:\n"
	"  -o, --output DIR    where trace directories go\n"
	"                      (default: $H5SNOOP_OUTPUT or ./h5snoop-traces;\n"
	"                      %p, %h and %r expand to pid, host and rank)\n"
	"  -l, --label NAME    label of this run (e.g. the file flavor)\n"
	"      --layers LIST   any of vfd, http (libcurl), net (other HTTP\n"
	"                      clients), comma-separated (default: all)\n"
	"      --keep-query    keep URL query strings (may hold secrets)\n"
	"  -q, --quiet         no h5snoop messages on stderr\n"
	"  -h, --help          this text\n";

static const char advise_usage[] =
	"Usage: h5snoop advise [--rtt TIME] [--what-if MODEL]\n"
	"                      [--format text|json] [-o FILE] [--strict]\n"
	"                      TRACE_OR_ROOT...\n"
	"\n"
	"What makes each recorded run of a file slow on an object store,\n"
	"most costly first: the evidence from the trace, the cost at the\n"
	"run's recorded latency and at --rtt, and the remedy (h5repack\n"
	"options, h5py/HDF5 properties, fsspec cache settings).\n"
	"\n"
	"  --rtt TIME      also cost every finding at this latency per\n"
	"                  request: 30ms (the default), 0.08s, 500us;\n"
	"                  0 leaves it out\n"
	"  --what-if MODEL predict each run's requests, bytes and time\n"
	"                  with a client cache, from its driver reads:\n"
	"                  none, blockcache[:BLOCK[:N]] (fsspec, 5MiB:32),\n"
	"                  readahead[:BLOCK] (fsspec, 5MiB),\n"
	"                  pagebuffer[:PAGE[:SIZE]] (HDF5, paged files;\n"
	"                  the file's page:16MiB), ros3-1.14 (first 16 MiB\n"
	"                  at open)\n"
	"  --format FMT    text (default, 80 columns) or json\n"
	"  -o FILE         write there instead of standard output\n"
	"  --strict        lost events (tracer drops, cut files) are an\n"
	"                  error\n"
	"  -h, --help      this text\n";

static const char top_usage[] =
	"Usage: h5snoop top [--once] [--interval SECONDS] [DIR]\n"
	"\n"
	"The traced processes writing under DIR (default: $H5SNOOP_OUTPUT,\n"
	"else ./h5snoop-traces), refreshed every second: per process and\n"
	"layer, requests and bytes per second, the share of requests under\n"
	"10 KiB, p50/p95 latency over the interval, errors, totals since the\n"
	"trace began, events the tracer discarded, and whether the process\n"
	"still runs.  Traces are only read, never written.\n"
	"\n"
	"  --once          print one table after one interval, then exit\n"
	"  --interval S    seconds between tables (default 1); with a\n"
	"                  terminal as standard output and neither option, a\n"
	"                  full-screen view (q quits)\n"
	"  -h, --help      this text\n";

/* The name of report format s, the default for NULL; NULL if none. */
static const char *report_format_name(const char *s)
{
	const struct report_writer *w = report_writer_find(s);

	return w ? w->name : NULL;
}

/* The same for export formats. */
static const char *export_format_name(const char *s)
{
	const struct export_format *x = export_format_find(s);

	return x ? x->name : NULL;
}

/* The same for advise's writers. */
static const char *advise_format_name(const char *s)
{
	const struct advise_writer *w = advise_writer_find(s);

	return w ? w->name : NULL;
}

/* What differs between the commands, indexed by enum cli_command. */
static const struct {
	const char *name;
	const char *usage;
	const char *(*format)(const char *s); /* NULL: no --format */
	const char *no_args;  /* the usage error without positionals, or
			       * NULL: none is fine */
	size_t max_args;      /* positionals at most, 0: any number */
	const char *too_many; /* the usage error past max_args */
} commands[] = {
	[CLI_REPORT] = {"report", report_usage, report_format_name,
			"no trace given", 0, NULL},
	[CLI_PLOT] = {"plot", plot_usage, NULL, "no trace given", 0, NULL},
	[CLI_EXPORT] = {"export", export_usage, export_format_name,
			"no trace given", 0, NULL},
	[CLI_RECORD] = {"record", record_usage, NULL,
			"no command to run (put it after --)", 0, NULL},
	[CLI_ADVISE] = {"advise", advise_usage, advise_format_name,
			"no trace or trace root given", 0, NULL},
	[CLI_TOP] = {"top", top_usage, NULL, NULL, 1, "one DIR at most"},
};

const char *cli_usage(enum cli_command command)
{
	return commands[command].usage;
}

const char *cli_command_name(enum cli_command command)
{
	return commands[command].name;
}

/* Splits a comma list; calls add(name) for each item.  -1 on an empty
 * item or a refused one. */
static int each_item(const char *list, int (*add)(void *, const char *),
		     void *ctx)
{
	char item[300];

	for (const char *p = list;;) {
		size_t n = strcspn(p, ",");

		if (n == 0 || n >= sizeof(item))
			return -1;
		memcpy(item, p, n);
		item[n] = '\0';
		if (add(ctx, item) != 0)
			return -1;
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

static int add_by(void *ctx, const char *name)
{
	struct h5snoop_cli_config *cfg = ctx;
	int by;

	if (strncmp(name, "function=", 9) == 0) {
		/* --by function=FUNC: group by function, keep FUNC's. */
		if (!name[9] || strlen(name + 9) >= sizeof(cfg->function))
			return -1;
		strcpy(cfg->function, name + 9);
		name = "function";
	}
	by = group_by_parse(name);

	if (by < 0)
		return -1;
	for (unsigned i = 0; i < cfg->n_by; i++)
		if (cfg->by[i] == (enum group_by)by)
			return 0;
	cfg->by[cfg->n_by++] = (enum group_by)by;
	return 0;
}

static int add_layer(void *ctx, const char *name)
{
	unsigned *mask = ctx;

	for (int l = 0; l < LAYER_COUNT; l++)
		if (strcmp(name, layer_names[l]) == 0) {
			*mask |= 1u << l;
			return 0;
		}
	return -1;
}

/* A layer the shim records (shim_config.c: vfd, http, net). */
static int check_shim_layer(void *ctx, const char *name)
{
	static const char *const known[] = {"vfd", "http", "net"};

	(void)ctx;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(name, known[i]) == 0)
			return 0;
	return -1;
}

/* A number from 1 to max. */
static int parse_count(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long n = strtoul(s, &end, 10);

	if (s[0] < '0' || s[0] > '9' || *end || n < 1 || n > max)
		return -1;
	*out = (unsigned)n;
	return 0;
}

/* ---- setters of checked options: H5SNOOP_OK, or H5SNOOP_USAGE ---- */

typedef enum h5snoop_status setter(struct h5snoop_cli_config *c,
				   const char *v, struct h5snoop_error *err);

static const char *name_of(const struct h5snoop_cli_config *c)
{
	return commands[c->command].name;
}

static enum h5snoop_status set_format(struct h5snoop_cli_config *c,
				      const char *v, struct h5snoop_error *err)
{
	if (commands[c->command].format)
		c->format = commands[c->command].format(v);
	if (!commands[c->command].format || !c->format)
		return diag_usage(err, name_of(c), "unknown format '%s'", v);
	return H5SNOOP_OK;
}

static enum h5snoop_status set_by(struct h5snoop_cli_config *c,
				  const char *v, struct h5snoop_error *err)
{
	if (each_item(v, add_by, c) != 0)
		return diag_usage(err, name_of(c),
				  "--by takes flavor, label, file, driver, "
				  "process, host, stack or function[=FUNC], "
				  "not '%s'",
				  v);
	return H5SNOOP_OK;
}

static enum h5snoop_status set_layers(struct h5snoop_cli_config *c,
				      const char *v, struct h5snoop_error *err)
{
	if (each_item(v, add_layer, &c->layer_mask) != 0)
		return diag_usage(err, name_of(c),
				  "--layers takes vfd, http or vfd,http, not "
				  "'%s'",
				  v);
	return H5SNOOP_OK;
}

/* record --layers: checked here, passed on as given (H5SNOOP_LAYERS).
 * RATIONALE: the shim ignores an unknown layer with a warning and runs
 * the program anyway; a typo given to record must not cost a run. */
static enum h5snoop_status set_shim_layers(struct h5snoop_cli_config *c,
					   const char *v,
					   struct h5snoop_error *err)
{
	if (each_item(v, check_shim_layer, NULL) != 0)
		return diag_usage(err, name_of(c),
				  "--layers takes vfd, http and net, "
				  "comma-separated, not '%s'",
				  v);
	c->shim_layers = v;
	return H5SNOOP_OK;
}

/* record --label and --output: a label names the trace directory, an
 * output is a directory: neither may be empty. */
static enum h5snoop_status set_label(struct h5snoop_cli_config *c,
				     const char *v, struct h5snoop_error *err)
{
	if (!v[0])
		return diag_usage(err, name_of(c), "--label needs a name");
	c->label = v;
	return H5SNOOP_OK;
}

static enum h5snoop_status set_output(struct h5snoop_cli_config *c,
				      const char *v, struct h5snoop_error *err)
{
	if (!v[0])
		return diag_usage(err, name_of(c),
				  "--output needs a file or directory");
	c->output = v;
	return H5SNOOP_OK;
}

static enum h5snoop_status set_depth(struct h5snoop_cli_config *c,
				     const char *v, struct h5snoop_error *err)
{
	if (parse_count(v, CLI_MAX_STACK_DEPTH, &c->stack_depth) != 0)
		return diag_usage(err, name_of(c),
				  "--depth takes a number of frames from 1 "
				  "to %d, not '%s'",
				  CLI_MAX_STACK_DEPTH, v);
	return H5SNOOP_OK;
}

static enum h5snoop_status set_top(struct h5snoop_cli_config *c,
				   const char *v, struct h5snoop_error *err)
{
	if (parse_count(v, CLI_MAX_TOP, &c->top) != 0)
		return diag_usage(err, name_of(c),
				  "--top takes a number of groups from 1 to "
				  "%u, not '%s'",
				  CLI_MAX_TOP, v);
	return H5SNOOP_OK;
}

/* Parses "30ms", "0.08s", "500us", "30000ns" or a bare number of ms into
 * seconds; -1 if malformed. */
static double parse_time(const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v < 0)
		return -1;
	if (*end == '\0' || strcmp(end, "ms") == 0)
		return v / 1e3;
	if (strcmp(end, "s") == 0)
		return v;
	if (strcmp(end, "us") == 0)
		return v / 1e6;
	if (strcmp(end, "ns") == 0)
		return v / 1e9;
	return -1;
}

static enum h5snoop_status set_rtt(struct h5snoop_cli_config *c,
				   const char *v, struct h5snoop_error *err)
{
	c->rtt_s = parse_time(v);
	if (c->rtt_s < 0 || c->rtt_s > CLI_MAX_RTT_S)
		return diag_usage(err, name_of(c),
				  "--rtt wants a time such as 30ms, not '%s'",
				  v);
	return H5SNOOP_OK;
}

static enum h5snoop_status set_what_if(struct h5snoop_cli_config *c,
				       const char *v,
				       struct h5snoop_error *err)
{
	struct advise_model m;

	if (advise_whatif_parse(v, &m) != 0)
		return diag_usage(err, name_of(c),
				  "--what-if wants none, "
				  "blockcache[:BLOCK[:N]], readahead[:BLOCK], "
				  "pagebuffer[:PAGE[:SIZE]] or ros3-1.14, "
				  "not '%s'",
				  v);
	c->what_if = v;
	return H5SNOOP_OK;
}

static enum h5snoop_status set_interval(struct h5snoop_cli_config *c,
					const char *v,
					struct h5snoop_error *err)
{
	char *end;

	errno = 0;
	c->interval_s = strtod(v, &end);
	if (errno || end == v || *end || !isfinite(c->interval_s) ||
	    c->interval_s < CLI_MIN_INTERVAL_S ||
	    c->interval_s > CLI_MAX_INTERVAL_S)
		return diag_usage(err, name_of(c),
				  "--interval wants seconds between %g and "
				  "%g, not '%s'",
				  CLI_MIN_INTERVAL_S, CLI_MAX_INTERVAL_S, v);
	c->interval_given = 1;
	return H5SNOOP_OK;
}

#define REPORT (1u << CLI_REPORT)
#define PLOT (1u << CLI_PLOT)
#define EXPORT (1u << CLI_EXPORT)
#define RECORD (1u << CLI_RECORD)
#define ADVISE (1u << CLI_ADVISE)
#define TOP (1u << CLI_TOP)
#define ANALYSIS (REPORT | PLOT | EXPORT)

/* An option with a value to check calls its setter; a text option keeps
 * its value as given in its const char * member of the config; a flag
 * sets its int member to 1. */
#define VALUE(fn) OPT_CHECKED, fn, 0
#define TEXT(member)                                                      \
	OPT_TEXT, NULL, offsetof(struct h5snoop_cli_config, member)
#define FLAG(member)                                                      \
	OPT_FLAG, NULL, offsetof(struct h5snoop_cli_config, member)

/* Every option of every command: "--name V", "--name=V" and "-s V" for
 * those with a value (set), the exact word for flags (FLAG). */
static const struct option {
	const char *name;
	const char *short_name; /* or NULL */
	unsigned commands;      /* 1 << enum cli_command */
	enum { OPT_CHECKED, OPT_TEXT, OPT_FLAG } kind;
	setter *set;            /* OPT_CHECKED: its setter, else NULL */
	size_t member;          /* OPT_TEXT, OPT_FLAG: offset in config */
} options[] = {
	{"--strict", NULL, ANALYSIS | ADVISE, FLAG(strict)},
	{"--output", "-o", ANALYSIS | RECORD | ADVISE, VALUE(set_output)},
	/* NOTE: plot takes no format; "unknown format" says so. */
	{"--format", "-f", ANALYSIS | ADVISE, VALUE(set_format)},
	{"--by", NULL, REPORT | PLOT, VALUE(set_by)},
	{"--layers", NULL, ANALYSIS, VALUE(set_layers)},
	{"--layer", NULL, ANALYSIS, VALUE(set_layers)},
	{"--baseline", NULL, REPORT | PLOT, TEXT(baseline)},
	{"--flavor-regex", NULL, ANALYSIS, TEXT(flavor_regex)},
	{"--span", NULL, REPORT, FLAG(span)},
	{"--depth", NULL, REPORT | PLOT, VALUE(set_depth)},
	{"--top", NULL, REPORT | PLOT, VALUE(set_top)},
	{"--all", NULL, REPORT | PLOT, FLAG(all)},
	{"--stacks", NULL, EXPORT, FLAG(stacks)},
	{"--label", "-l", RECORD, VALUE(set_label)},
	{"--layers", NULL, RECORD, VALUE(set_shim_layers)},
	{"--keep-query", NULL, RECORD, FLAG(keep_query)},
	{"--quiet", "-q", RECORD, FLAG(quiet)},
	{"--rtt", NULL, ADVISE, VALUE(set_rtt)},
	{"--what-if", NULL, ADVISE, VALUE(set_what_if)},
	{"--once", NULL, TOP, FLAG(once)},
	{"--interval", NULL, TOP, VALUE(set_interval)},
};

/* The option of `command` that argument a names, or NULL.  *inline_value
 * points after "=" in "--name=V". */
static const struct option *find_option(enum cli_command command,
					const char *a,
					const char **inline_value)
{
	*inline_value = NULL;
	for (size_t k = 0; k < sizeof(options) / sizeof(options[0]); k++) {
		const struct option *o = &options[k];
		size_t n = strlen(o->name);

		if (!(o->commands & (1u << command)))
			continue;
		if (strcmp(a, o->name) == 0 ||
		    (o->short_name && strcmp(a, o->short_name) == 0))
			return o;
		if (o->kind != OPT_FLAG && strncmp(a, o->name, n) == 0 &&
		    a[n] == '=') {
			*inline_value = a + n + 1;
			return o;
		}
	}
	return NULL;
}

enum h5snoop_status cli_parse(enum cli_command command, int argc,
			      char **argv, struct h5snoop_cli_config *cfg,
			      struct h5snoop_error *err)
{
	const char *name = commands[command].name;
	int i, n_pos = 0;

	memset(cfg, 0, sizeof(*cfg));
	cfg->command = command;
	if (commands[command].format)
		cfg->format = commands[command].format(NULL);
	cfg->stack_depth = CLI_DEFAULT_STACK_DEPTH;
	cfg->top = CLI_DEFAULT_TOP;
	cfg->rtt_s = CLI_DEFAULT_RTT_S;
	cfg->interval_s = CLI_DEFAULT_INTERVAL_S;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		const struct option *o;

		if (strcmp(a, "--") == 0) {
			while (++i < argc)
				argv[1 + n_pos++] = argv[i];
			break;
		}
		/* NOTE: options may follow traces (GNU style); traces are
		 * moved to argv[1..], in order, over what was consumed.
		 * record's command ends its options: the rest is the
		 * command's. */
		if (a[0] != '-' || a[1] == '\0') {
			if (command == CLI_RECORD) {
				while (i < argc)
					argv[1 + n_pos++] = argv[i++];
				break;
			}
			argv[1 + n_pos++] = argv[i];
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			cfg->help = 1;
			return diag_info(err, commands[command].usage);
		}
		o = find_option(command, a, &v);
		if (!o)
			return diag_usage(err, name, "unknown option '%s'", a);
		if (o->kind != OPT_FLAG && !v) {
			if (i + 1 >= argc)
				return diag_usage(err, name,
						  "option '%s' needs a value",
						  a);
			v = argv[++i];
		}
		if (o->kind == OPT_FLAG)
			*(int *)((char *)cfg + o->member) = 1;
		else if (o->kind == OPT_TEXT)
			*(const char **)((char *)cfg + o->member) = v;
		else if (o->set(cfg, v, err) != H5SNOOP_OK)
			return H5SNOOP_USAGE;
	}
	/* NOTE: argv stays NULL-terminated after the positionals (record
	 * execs them). */
	argv[1 + n_pos] = NULL;
	if (n_pos == 0 && commands[command].no_args)
		return diag_usage(err, name, "%s", commands[command].no_args);
	if (commands[command].max_args &&
	    (size_t)n_pos > commands[command].max_args)
		return diag_usage(err, name, "%s", commands[command].too_many);
	cfg->traces = argv + 1;
	cfg->n_traces = (size_t)n_pos;
	if (cfg->n_by == 0)
		cfg->by[cfg->n_by++] = GROUP_BY_FLAVOR;
	if (cfg->layer_mask == 0)
		cfg->layer_mask = (1u << LAYER_COUNT) - 1u;
	if (command == CLI_PLOT && !cfg->output)
		return diag_usage(err, name,
				  "plot needs an output directory (-o DIR)");
	return H5SNOOP_OK;
}
