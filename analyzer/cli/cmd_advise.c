/*
 * cmd_advise.c - `h5snoop advise`: its command line, one pass over the
 * traces into the advise's figures, the rules, one writer.
 *
 * Must never: print a diagnostic (main.c does), or keep events.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advise.h"
#include "commands.h"
#include "output.h"

#define ADVISE_DEFAULT_RTT_S 0.030

static const char usage_text[] =
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

struct advise_args {
	double rtt_s;
	const char *what_if;
	const struct advise_writer *writer; /* --format */
	int strict;
	const char *output;
	char **traces;
	size_t n_traces;
};

/* H5SNOOP_OK: go on; else the status to return (INFO_ONLY: --help). */
static enum h5snoop_status parse_args(int argc, char **argv, struct advise_args *c,
		      struct h5snoop_error *err)
{
	int dashdash = 0;

	memset(c, 0, sizeof(*c));
	c->writer = advise_writer_find(NULL);
	c->rtt_s = ADVISE_DEFAULT_RTT_S;
	c->traces = argv + 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = NULL;

		if (dashdash || a[0] != '-' || strcmp(a, "-") == 0) {
			c->traces[c->n_traces++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			dashdash = 1;
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
			return diag_info(err, usage_text);
		if (strcmp(a, "--strict") == 0) {
			c->strict = 1;
			continue;
		}
		if (strncmp(a, "--rtt=", 6) == 0 ||
		    strncmp(a, "--what-if=", 10) == 0 ||
		    strncmp(a, "--format=", 9) == 0) {
			val = strchr(a, '=') + 1;
		} else if (strcmp(a, "--rtt") == 0 ||
			   strcmp(a, "--what-if") == 0 ||
			   strcmp(a, "--format") == 0 || strcmp(a, "-o") == 0 ||
			   strcmp(a, "--output") == 0) {
			if (i + 1 >= argc)
				return diag_usage(
					err, "advise",
					"option '%s' needs a value", a);
			val = argv[++i];
		} else {
			return diag_usage(err, "advise",
					  "unknown option '%s'", a);
		}
		if (strncmp(a, "--rtt", 5) == 0) {
			c->rtt_s = parse_time(val);
			if (c->rtt_s < 0 || c->rtt_s > 3600)
				return diag_usage(
					err, "advise",
					"--rtt wants a time such as 30ms, "
					"not '%s'",
					val);
		} else if (strncmp(a, "--what-if", 9) == 0) {
			struct advise_model m;

			if (advise_whatif_parse(val, &m) != 0)
				return diag_usage(
					err, "advise",
					"--what-if wants none, "
					"blockcache[:BLOCK[:N]], "
					"readahead[:BLOCK], "
					"pagebuffer[:PAGE[:SIZE]] or "
					"ros3-1.14, not '%s'",
					val);
			c->what_if = val;
		} else if (strncmp(a, "--format", 8) == 0) {
			c->writer = advise_writer_find(val);
			if (!c->writer)
				return diag_usage(
					err, "advise",
					"--format wants text or json, not "
					"'%s'",
					val);
		} else {
			c->output = val;
		}
	}
	if (c->n_traces == 0)
		return diag_usage(err, "advise",
				  "no trace or trace root given");
	return H5SNOOP_OK;
}

enum h5snoop_status cmd_advise(int argc, char **argv,
			       struct h5snoop_error *err)
{
	struct advise_args c;
	struct advise a;
	struct run_sink sink;
	struct output out;
	enum h5snoop_status st = parse_args(argc, argv, &c, err);

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
		st = c.writer->write(out.f, &a, err);
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
