/*
 * trace_metadata.h - the TSDL text of an h5snoop trace, made from
 * trace_schema.def.
 *
 * Used by the shim at trace creation and by the benchmark's trace
 * generator, so that both write byte-identical metadata for the same
 * environment.
 */
#ifndef H5SNOOP_TRACE_METADATA_H
#define H5SNOOP_TRACE_METADATA_H

#include <stddef.h>
#include <stdint.h>

/* What the trace's `env` block says about the traced process.  Strings may
 * be NULL (written as ""); they are escaped for TSDL here. */
struct h5snoop_trace_env {
	const char *hostname;
	const char *cmdline; /* argv joined with spaces, already redacted */
	const char *label;
	const char *hdf5_version;
	const char *curl_version;
	long pid;
	long ppid;
	long rank;             /* -1 when no MPI/Slurm rank is set */
	int64_t clock_offset_s; /* trace clock + offset = Unix time */
	int64_t clock_offset_ns;
	uint8_t uuid[16];
};

/*
 * Writes the TSDL metadata for `env` into buf (NUL-terminated when cap > 0)
 * and returns its length without the NUL, like snprintf: a return >= cap
 * means the text was cut.  No allocation; thread-safe; not
 * async-signal-safe (uses snprintf).
 */
size_t trace_metadata_format(char *buf, size_t cap,
			     const struct h5snoop_trace_env *env);

#endif
