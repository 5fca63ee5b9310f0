/*
 * main.c - the h5snoop command table, and the one place that prints
 * errors and maps a status to the exit code.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "h5snoop/trace_schema.h"

struct command {
	const char *name;
	enum h5snoop_status (*run)(int argc, char **argv,
				   struct h5snoop_error *err);
	const char *summary;
};

static const struct command commands[] = {
	{"record", cmd_record, "run a program with tracing on"},
	{"report", cmd_report, "requests by group, layer and size"},
	{"plot", cmd_plot, "SVG pictures of the requests"},
	{"export", cmd_export, "every event as csv, jsonl or chrome"},
	{"advise", cmd_advise, "what slows each run, its cost and remedy"},
	{"top", cmd_top, "live view of the traced processes"},
};

static void print_usage(FILE *out)
{
	fprintf(out,
		"Usage: h5snoop COMMAND [OPTIONS] [ARGS...]\n"
		"\n"
		"Records and explains the byte-range requests of HDF5 "
		"readers.\n\nCommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(out,
		"\n'h5snoop COMMAND --help' describes a command.\n"
		"Options: -h, --help; --version\n");
}

/* Prints what the command left in err (the usage of --help to stdout;
 * warnings after the data, the error last) and returns the exit code of
 * st.  A failed flush of stdout is a failed write (perf's rule). */
static int finish(enum h5snoop_status st, const struct h5snoop_error *err)
{
	int code = st == H5SNOOP_OK	    ? err->exit_status
		   : st == H5SNOOP_INFO_ONLY ? 0
		   : err->exit_status	    ? err->exit_status
					    : (int)st;

	if (st == H5SNOOP_INFO_ONLY && err->info)
		fputs(err->info, stdout);
	for (unsigned i = 0; i < err->n_warnings; i++)
		fprintf(stderr, "h5snoop: warning: %s\n", err->warnings[i]);
	if (err->warnings_dropped)
		fprintf(stderr, "h5snoop: warning: %u more warnings not "
				"shown\n",
			err->warnings_dropped);
	if (st != H5SNOOP_OK && st != H5SNOOP_INFO_ONLY) {
		fprintf(stderr, "h5snoop: error: %s\n", err->message);
		if (st == H5SNOOP_USAGE)
			fprintf(stderr, "Try 'h5snoop%s%s --help'.\n",
				err->usage_command ? " " : "",
				err->usage_command ? err->usage_command : "");
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "h5snoop: error: cannot write output\n");
		return code ? code : H5SNOOP_ERROR;
	}
	return code;
}

int main(int argc, char **argv)
{
	static struct h5snoop_error err = {.message = "",
					   .usage_command = NULL};

	if (argc < 2) {
		print_usage(stderr);
		return H5SNOOP_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		print_usage(stdout);
		return finish(H5SNOOP_OK, &err);
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("h5snoop %s (trace format %d)\n",
		       H5SNOOP_VERSION_STRING, H5SNOOP_TRACE_VERSION);
		return finish(H5SNOOP_OK, &err);
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return finish(commands[i].run(argc - 1, argv + 1,
						      &err),
				      &err);
	return finish(diag_usage(&err, NULL, "unknown command '%s'",
				 argv[1]),
		      &err);
}
