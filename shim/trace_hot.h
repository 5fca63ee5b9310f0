/*
 * trace_hot.h - the state every traced driver read touches, packed into
 * two cache lines: one of process-wide flags and clock factors (written
 * rarely, read at every read) and one of per-thread state.
 *
 * RATIONALE: HDF5's own path to a driver read is larger than the level-1
 * caches, so each line the shim touches per read evicts one of HDF5's,
 * which then misses again (bench/README.md).  Kept in variables of their
 * own across the shim's files, this state took some ten lines (and a GOT
 * entry per thread-local variable); packed, two.
 *
 * Each field is written by the one file named beside it; others only
 * read it.
 *
 * Must never: hold anything the driver read's path does not touch at
 * every read, or grow past one cache line per struct.
 */
#ifndef H5SNOOP_TRACE_HOT_H
#define H5SNOOP_TRACE_HOT_H

#include <stdint.h>

#include "trace_tls_clock.h"

struct trace_stream;
struct trace_read_slot;

/* A thread's TSC conversion: CLOCK_MONOTONIC ns `ns` at TSC `tsc`. */
struct trace_clock_anchor {
	uint64_t tsc;
	uint64_t ns;
};

struct trace_hot_process {
	/* trace_session.c: 1 once tracing was given up (never cleared) */
	int session_disabled;
	/* interpose_hdf5.c: H5SNOOP_LAYERS asks for the vfd layer */
	int vfd_layer_wanted;
	/* trace_reads.c (set by the net layer's init): count reads
	 * process-wide */
	int reads_process_wide;
	/* trace_clock.c: reads are timed with the TSC */
	int clock_tsc_ready;
	/* trace_clock.c: ns per tick << 32, and re-anchor after this */
	uint64_t clock_mult;
	uint64_t clock_reanchor_ticks;
	/* interpose_hdf5.c: bumped at each change of the file table */
	unsigned file_table_gen;
} __attribute__((aligned(64)));

struct trace_hot_thread {
	/* trace_thread.c: this thread's stream while an event may go
	 * straight into it (see trace_session.h), NULL otherwise */
	struct trace_stream *direct;
	/* trace_clock.c: this thread's TSC conversion */
	struct trace_clock_anchor clock_anchor;
	/* trace_reads.c: where this thread publishes its read in flight */
	struct trace_read_slot *read_slot;
	/* interpose_hdf5.c: the last driver file this thread looked up,
	 * its file_id, and the table's generation then */
	const void *last_file;
	uint32_t last_file_id;
	unsigned last_file_gen;
	/* trace_thread_id.c: the thread's id once asked for (0: not yet) */
	uint32_t tid;
	/* trace_thread.c: operations open on this thread */
	int depth;
	/* trace_reads.c: the thread's last read number, and the one in
	 * flight (0: none) */
	uint32_t read_seq;
	uint32_t read_in_flight;
} __attribute__((aligned(64)));

extern struct trace_hot_process trace_hot;
extern TRACE_TLS struct trace_hot_thread trace_hot_tls;

#endif
