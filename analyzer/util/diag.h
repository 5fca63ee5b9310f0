/*
 * diag.h - how the analysis code reports failure: a status and one line in
 * struct h5snoop_error, never a print.
 *
 * The reader, aggregation and outputs return enum h5snoop_status and fill
 * the error struct; only main.c prints it.  Messages name the file and,
 * where there is one, the position in it:
 *   TRACE/stream_123: packet 3 at offset 4096: content_size exceeds
 *   packet_size
 */
#ifndef H5SNOOP_DIAG_H
#define H5SNOOP_DIAG_H

#include <stdint.h>

#define H5SNOOP_MAX_WARNINGS 16

struct h5snoop_error {
	char message[1024]; /* one line, no prefix; "" when none */
	const char *usage_command; /* set for usage errors: "try --help" */
	/* Warnings of the analysis commands, one line each, printed by
	 * main.c after the output; repeats are dropped. */
	char warnings[H5SNOOP_MAX_WARNINGS][512];
	unsigned n_warnings;
	unsigned warnings_dropped; /* past H5SNOOP_MAX_WARNINGS */
};

enum h5snoop_status {
	H5SNOOP_OK = 0,
	H5SNOOP_ERROR = 1, /* bad input, failed write, out of memory */
};

/*
 * Sets err->message from fmt (the first failure wins: a later call does
 * not overwrite it) and returns H5SNOOP_ERROR.  Thread-unsafe (writes
 * err); no allocation.
 */
enum h5snoop_status diag_fail(struct h5snoop_error *err, const char *fmt,
			      ...) __attribute__((format(printf, 2, 3)));

/* The same, prefixed with "PATH: packet N at offset OFF: ". */
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

#endif
