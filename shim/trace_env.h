/*
 * trace_env.h - what a trace's metadata says about its process: host,
 * command line, label, pid, rank, the clock offset to Unix time, a fresh
 * uuid, and the HDF5 and libcurl versions once known.
 *
 * Must never: let a secret through (the host name, command line and
 * versions are redacted as URLs are), or read the environment.
 */
#ifndef H5SNOOP_TRACE_ENV_H
#define H5SNOOP_TRACE_ENV_H

#include "trace_metadata.h"

/* The metadata's environment and the text its pointers point into. */
struct trace_env {
	struct h5snoop_trace_env env;
	char hostname[256];
	char cmdline[4096];
	char hdf5_version[64];  /* "" until learned */
	char curl_version[256]; /* "" until learned */
};

/*
 * Fills e for this process (the versions are left as they are).  Reads
 * /proc/self/cmdline and the clocks.  Not thread-safe (static buffer):
 * the caller holds the session lock.
 */
void trace_env_fill(struct trace_env *e);

/*
 * Sets a version field of e (dst, cap bytes) to `version`, redacted.
 * The caller holds the session lock.
 */
void trace_env_set_version(char *dst, size_t cap, const char *version);

#endif
