/*
 * commands.h - the h5snoop subcommands and how they report failure.
 *
 * A command returns the process exit status (0 success, 1 bad input or
 * failed write, 2 usage error; `record` returns its child's status) and
 * leaves any message in `struct h5snoop_error` (diag.h).  Only main.c prints
 * errors.
 */
#ifndef H5SNOOP_COMMANDS_H
#define H5SNOOP_COMMANDS_H

#define H5SNOOP_EXIT_OK 0
#define H5SNOOP_EXIT_ERROR 1
#define H5SNOOP_EXIT_USAGE 2

#include "diag.h"

/* Fills err and returns H5SNOOP_EXIT_USAGE. */
int h5snoop_usage_error(struct h5snoop_error *err, const char *command,
			const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Fills err and returns H5SNOOP_EXIT_ERROR. */
int h5snoop_fail(struct h5snoop_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Each takes the argv that starts at its own name. */
int cmd_record(int argc, char **argv, struct h5snoop_error *err);
int cmd_report(int argc, char **argv, struct h5snoop_error *err);
int cmd_plot(int argc, char **argv, struct h5snoop_error *err);
int cmd_export(int argc, char **argv, struct h5snoop_error *err);
int cmd_top(int argc, char **argv, struct h5snoop_error *err);
int cmd_advise(int argc, char **argv, struct h5snoop_error *err);

#endif
