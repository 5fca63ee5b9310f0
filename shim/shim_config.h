/*
 * shim_config.h - the H5SNOOP_* environment, read once at start-up.
 *
 * The struct is filled by shim_config_load() from the constructor (or the
 * first wrapper that runs earlier) and is read-only afterwards, so any
 * thread may read it without a lock.
 */
#ifndef H5SNOOP_SHIM_CONFIG_H
#define H5SNOOP_SHIM_CONFIG_H

#include <limits.h>

#define SHIM_LAYER_VFD 1u
#define SHIM_LAYER_HTTP 2u
#define SHIM_LAYER_NET 4u

/* H5SNOOP_UNWIND: who walks the stacks of H5SNOOP_STACKS. */
#define SHIM_UNWIND_FAST 0      /* the rule cache, libunwind as fallback */
#define SHIM_UNWIND_LIBUNWIND 1 /* libunwind only */
#define SHIM_UNWIND_CHECK 2     /* both, compared (for tests) */

struct shim_config {
	char output_root[PATH_MAX]; /* H5SNOOP_OUTPUT, made absolute */
	int output_too_long;        /* ...but it does not fit a path */
	char label[128];            /* H5SNOOP_LABEL */
	unsigned layers;            /* H5SNOOP_LAYERS as SHIM_LAYER_* bits */
	int keep_query;             /* H5SNOOP_KEEP_QUERY=1 */
	int quiet;                  /* H5SNOOP_QUIET=1 */
	int debug;                  /* H5SNOOP_DEBUG=1 */
	long rank;                  /* MPI/Slurm rank, -1 when unset */
	unsigned stack_every;       /* H5SNOOP_STACKS: 0 off, N one in N */
	int stack_unwinder;         /* H5SNOOP_UNWIND as SHIM_UNWIND_* */
	int clock_monotonic;        /* H5SNOOP_CLOCK=monotonic: no TSC */
	unsigned long long max_size_bytes; /* H5SNOOP_MAX_SIZE, 0: none */
	int ring;                   /* H5SNOOP_MODE=ring (with a bound) */
	/* H5SNOOP_TEST_FILE_TABLE_MAX, for tests only: hold at most this
	 * many driver files in the file table (0: the table's size), so
	 * that a test reaches a full table without opening 65,536 files. */
	unsigned test_file_table_max;
	int loaded;
};

/* Default output root when H5SNOOP_OUTPUT is unset (relative to the
 * working directory at start-up). */
#define SHIM_DEFAULT_OUTPUT "h5snoop-traces"

/* Reads the environment once; later calls return at once.  Called from the
 * constructor, before threads exist.  Not async-signal-safe. */
void shim_config_load(void);

/* The configuration; loads it first if needed. */
const struct shim_config *shim_config(void);

#endif
