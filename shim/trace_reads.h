/*
 * trace_reads.h - which driver read is in flight: each thread numbers its
 * reads, and an operation that starts inside one (a ranged GET, a socket
 * exchange) names it, so the report can join a request to the read that
 * caused it.
 *
 * Must never: block, allocate or change errno: it runs inside every
 * driver read.
 */
#ifndef H5SNOOP_TRACE_READS_H
#define H5SNOOP_TRACE_READS_H

#include <stdint.h>

#include "trace_thread_id.h"
#include "trace_tls_clock.h"

/* Per-thread sequence of driver reads: begin returns the new read's
 * sequence number (from 1) and makes it the one in flight; end restores the
 * read that was in flight before.  in_flight() is 0 outside any read.
 *
 * With trace_reads_process_wide set (once, by the constructor, when the
 * net layer is on), reads are also counted process-wide, so that a
 * request made on another thread (aiohttp's event loop serving fsspec)
 * can name the one read in flight: trace_reads_open counts them and
 * trace_read_solo holds tid << 32 | seq of the last one begun, or 0 once
 * that one ended. */
extern int trace_reads_process_wide;
extern unsigned trace_reads_open;
extern uint64_t trace_read_solo;
extern TRACE_TLS uint32_t trace_tls_read_seq;
extern TRACE_TLS uint32_t trace_tls_read_in_flight;

static inline uint32_t trace_read_begin(uint32_t *previous)
{
	*previous = trace_tls_read_in_flight;
	trace_tls_read_in_flight = ++trace_tls_read_seq;
	if (trace_tls_read_in_flight == 0) /* wrapped: 0 means "none" */
		trace_tls_read_in_flight = ++trace_tls_read_seq;
	if (trace_reads_process_wide) {
		__atomic_add_fetch(&trace_reads_open, 1, __ATOMIC_RELAXED);
		__atomic_store_n(&trace_read_solo,
				 (uint64_t)trace_thread_id() << 32 |
					 trace_tls_read_in_flight,
				 __ATOMIC_RELAXED);
	}
	return trace_tls_read_in_flight;
}

static inline void trace_read_end(uint32_t previous)
{
	if (trace_reads_process_wide) {
		uint64_t mine = (uint64_t)trace_thread_id() << 32 |
				trace_tls_read_in_flight;

		__atomic_compare_exchange_n(&trace_read_solo, &mine, 0, 0,
					    __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED);
		__atomic_sub_fetch(&trace_reads_open, 1, __ATOMIC_RELAXED);
	}
	trace_tls_read_in_flight = previous;
}

static inline uint32_t trace_read_in_flight(void)
{
	return trace_tls_read_in_flight;
}

/*
 * The driver read an operation starting now on this thread belongs to:
 * the thread's own read in flight, else (process-wide counting on) the
 * process's only read in flight, else none.  Returns its seq (0: none)
 * and sets *tid to the thread that runs it.  Thread-safe.
 */
static inline uint32_t trace_read_link(uint32_t *tid)
{
	uint64_t solo;

	*tid = 0;
	if (trace_tls_read_in_flight) {
		*tid = trace_thread_id();
		return trace_tls_read_in_flight;
	}
	if (!trace_reads_process_wide ||
	    __atomic_load_n(&trace_reads_open, __ATOMIC_RELAXED) != 1)
		return 0;
	solo = __atomic_load_n(&trace_read_solo, __ATOMIC_RELAXED);
	if (!solo)
		return 0;
	*tid = (uint32_t)(solo >> 32);
	return (uint32_t)solo;
}

/* Forgets every read but the fork child's own one in flight (a nested
 * one is forgotten): only the forking thread came along.  Called by the
 * child's fork handler; async-signal-safe. */
void trace_reads_child_after_fork(void);

#endif
