/*
 * diag.h - the one error path of the analyzer and the h5snoop command:
 * one status type, and one record of what went wrong, never a print.
 *
 * Every layer returns enum h5snoop_status and fills struct h5snoop_error
 * through the functions here (nothing else writes it); a layer above may
 * append a cause to the message.  Only main.c prints it, once, and maps
 * the status to the exit code (babeltrace2's src/cli shape).  Messages
 * name the file and, where there is one, the position in it:
 *   TRACE/stream_123: packet 3 at offset 4096: content_size exceeds
 *   packet_size
 */
#ifndef H5SNOOP_DIAG_H
#define H5SNOOP_DIAG_H

#include <stddef.h>
#include <stdint.h>

#define H5SNOOP_MAX_WARNINGS 16

struct h5snoop_error {
	char message[1024]; /* one line, no prefix; "" when none */
	const char *usage_command; /* H5SNOOP_USAGE: the command whose
				    * --help to suggest */
	const char *info;   /* H5SNOOP_INFO_ONLY: the text for stdout */
	int exit_status;    /* the exit status when not 0 by default:
			     * 127 or 126 when `record` cannot run its
			     * command (the shell's); unused with
			     * H5SNOOP_INFO_ONLY */
	/* Warnings of the analysis commands, one line each, printed by
	 * main.c after the output; repeats are dropped. */
	char warnings[H5SNOOP_MAX_WARNINGS][512];
	unsigned n_warnings;
	unsigned warnings_dropped; /* past H5SNOOP_MAX_WARNINGS */
};

/* The values are the exit codes main.c maps them to (INFO_ONLY: 0). */
enum h5snoop_status {
	H5SNOOP_OK = 0,
	H5SNOOP_ERROR = 1,     /* bad input, failed write, out of memory */
	H5SNOOP_USAGE = 2,     /* bad command line: "Try ... --help" */
	H5SNOOP_INFO_ONLY = 3, /* --help: err->info goes to stdout, exit 0 */
};

/*
 * Sets err->message from fmt (the first failure wins: a later call does
 * not overwrite it) and returns H5SNOOP_ERROR.  Thread-unsafe (writes
 * err); no allocation.
 */
enum h5snoop_status diag_fail(struct h5snoop_error *err, const char *fmt,
			      ...) __attribute__((format(printf, 2, 3)));

/*
 * A usage error of `h5snoop COMMAND` (NULL: of h5snoop itself): sets the
 * message as diag_fail does and returns H5SNOOP_USAGE.
 */
enum h5snoop_status diag_usage(struct h5snoop_error *err,
			       const char *command, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Appends a cause or detail to the message (a layer above adding what
 * it knows), cut to fit.  No-op without a message.
 */
void diag_append(struct h5snoop_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Nothing failed, but the command has only text to show (--help):
 * returns H5SNOOP_INFO_ONLY.  text must outlive err. */
enum h5snoop_status diag_info(struct h5snoop_error *err, const char *text);

/* The same as diag_fail, prefixed with "PATH: packet N at offset OFF: ". */
enum h5snoop_status diag_fail_at(struct h5snoop_error *err, const char *path,
				 uint64_t packet, uint64_t offset,
				 const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/*
 * Adds one warning line (no prefix, no newline) unless the same text is
 * already there; past H5SNOOP_MAX_WARNINGS, counts it as dropped.
 */
void diag_warn(struct h5snoop_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "Out of memory" failure, a common case. */
enum h5snoop_status diag_nomem(struct h5snoop_error *err);

/*
 * Takes the failure out of err: its message is copied into buf (cut to
 * cap) and err holds none, so that the next failure is recorded (a
 * caller that goes on past one, as `top` does past an unreadable
 * process).  Warnings stay.
 */
void diag_take(struct h5snoop_error *err, char *buf, size_t cap);

#endif
