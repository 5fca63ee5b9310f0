/*
 * shim_log.h - the shim's only voice: one stderr line per cause, once.
 *
 * Lines start with "h5snoop: warning: " (or "h5snoop: debug: " when
 * H5SNOOP_DEBUG=1) and go out through one write(2), so they never
 * interleave mid-line and never touch stdio buffers or errno of the host.
 */
#ifndef H5SNOOP_SHIM_LOG_H
#define H5SNOOP_SHIM_LOG_H

/* Each distinct reason to warn; each is printed at most once per process. */
enum shim_warning {
	SHIM_WARN_OUTPUT,       /* cannot create or write the trace */
	SHIM_WARN_HDF5_VERSION, /* HDF5 build we cannot hook safely */
	SHIM_WARN_HDF5_SLOTS,   /* too many driver classes */
	SHIM_WARN_SYMBOL,       /* a real symbol is missing */
	/* A bad H5SNOOP_* value: one cause per variable, so that each bad
	 * setting is told, however many there are. */
	SHIM_WARN_CONFIG_LAYERS,   /* H5SNOOP_LAYERS */
	SHIM_WARN_CONFIG_STACKS,   /* H5SNOOP_STACKS */
	SHIM_WARN_CONFIG_UNWIND,   /* H5SNOOP_UNWIND */
	SHIM_WARN_CONFIG_CLOCK,    /* H5SNOOP_CLOCK */
	SHIM_WARN_CONFIG_MAX_SIZE, /* H5SNOOP_MAX_SIZE */
	SHIM_WARN_CONFIG_MODE,     /* H5SNOOP_MODE */
	SHIM_WARN_CONFIG_TEST,     /* H5SNOOP_TEST_* (tests only) */
	SHIM_WARN_DISCARDED,    /* events dropped, said at exit */
	SHIM_WARN_CURL_TABLE,   /* too many live curl handles */
	SHIM_WARN_STACKS,       /* stack capture unavailable or full */
	SHIM_WARN_HDF5_FILES,   /* too many driver files open at once */
	SHIM_WARN_CURL_LIBS,    /* too many libcurl copies */
	SHIM_WARN_CURL_OPS,     /* a transfer's completion without its start */
	SHIM_WARN_COUNT
};

/*
 * Prints one warning line for `why` unless one was printed already or
 * H5SNOOP_QUIET is set.  Keeps errno.  Thread-safe; async-signal-safe as
 * long as the format uses only %s, %d, %ld, %lu and %zu (vsnprintf of those
 * does not allocate in glibc).
 */
void shim_warn_once(enum shim_warning why, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prints a debug line when H5SNOOP_DEBUG=1.  Keeps errno. */
void shim_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
