/*
 * commands.h - the h5snoop subcommands.
 *
 * A command returns one status (diag.h) and leaves any message in
 * `struct h5snoop_error`; main.c prints it and maps the status to the
 * exit code: 0 success (H5SNOOP_OK, H5SNOOP_INFO_ONLY), 1 bad input or
 * failed write, 2 usage error; `record` becomes its command (exec), and
 * when it cannot, exits 127 or 126 (err->exit_status).  Only main.c
 * prints errors.
 */
#ifndef H5SNOOP_COMMANDS_H
#define H5SNOOP_COMMANDS_H

#include "diag.h"

/* Each takes the argv that starts at its own name. */
enum h5snoop_status cmd_record(int argc, char **argv,
			       struct h5snoop_error *err);
enum h5snoop_status cmd_report(int argc, char **argv,
			       struct h5snoop_error *err);
enum h5snoop_status cmd_plot(int argc, char **argv,
			     struct h5snoop_error *err);
enum h5snoop_status cmd_export(int argc, char **argv,
			       struct h5snoop_error *err);
enum h5snoop_status cmd_top(int argc, char **argv,
			    struct h5snoop_error *err);
enum h5snoop_status cmd_advise(int argc, char **argv,
			       struct h5snoop_error *err);

#endif
