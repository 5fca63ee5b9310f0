/*
 * trace_session.h - the process's trace: its directory, metadata, and one
 * stream per thread; the only way interposers record events.
 *
 * Lifecycle: nothing is created until the first event (so a program that
 * never touches HDF5 or libcurl leaves no trace directory).  A fork child
 * drops the parent's streams and starts a directory of its own at its first
 * event.  Any failure to create or write the trace disables tracing for the
 * process after one warning.
 *
 * Ordering: babeltrace2 requires non-decreasing timestamps in a stream, and
 * an event's timestamp is its operation's start, but an operation is
 * recorded when it ends.  So while an operation is in flight on a thread
 * (trace_op_begin .. trace_op_end), events that complete inside it are held
 * in a per-thread buffer and written, sorted, after the outer one.
 */
#ifndef H5SNOOP_TRACE_SESSION_H
#define H5SNOOP_TRACE_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "h5snoop/trace_schema.h"
#include "trace_stream.h"

/* Largest event the session accepts (fixed part plus strings). */
#define TRACE_EVENT_MAX_BYTES 4096u

/* Current time on the trace clock (CLOCK_MONOTONIC), in ns.  Cheap (vDSO),
 * thread-safe, async-signal-safe. */
static inline uint64_t trace_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#define TRACE_TLS __thread __attribute__((tls_model("initial-exec")))

/* State the hot path reads inline; owned by trace_session.c. */
extern TRACE_TLS int trace_tls_depth;
extern TRACE_TLS uint32_t trace_tls_read_seq;
extern TRACE_TLS uint32_t trace_tls_read_in_flight;
extern int trace_session_disabled; /* set once, never cleared */
/* This thread's stream while an event may go straight into it (no events
 * held, not inside the session's own recording); NULL otherwise. */
extern TRACE_TLS struct trace_stream *trace_tls_direct;

/* 1 unless tracing was disabled for this process by a failure. */
static inline int trace_session_usable(void)
{
	return !__atomic_load_n(&trace_session_disabled, __ATOMIC_RELAXED);
}

/*
 * Marks the start and end of an operation that may contain others on this
 * thread (a driver read, a blocking transfer): events completing in between
 * are held.  trace_op_end records the operation's own event `ev` (NULL for
 * none) and then the held ones, in start order.  Thread-local; keeps errno.
 */
static inline void trace_op_begin(void)
{
	trace_tls_depth++;
}
void trace_op_end(const void *ev, size_t len);

/*
 * trace_op_end for the hot path: when the operation is the outermost on
 * its thread, nothing is held and `ts` (the event's header.timestamp)
 * keeps the stream in order, the event's bytes go straight into the
 * packet; otherwise through trace_op_end.  May change errno when it
 * starts a packet: the caller restores it.  Thread-local.
 * RATIONALE: this is most of what recording a driver read costs; the
 * general path copies the event twice and takes four calls.
 */
static inline void trace_op_end_direct(const void *ev, size_t len,
				       uint64_t ts)
{
	struct trace_stream *s = trace_tls_direct;

	if (s && trace_tls_depth == 1 && ts >= s->last_ts) {
		uint8_t *p;

		trace_tls_depth = 0;
		trace_tls_direct = NULL; /* no re-entry while writing */
		p = trace_stream_reserve(s, len, ts);
		if (p) {
			memcpy(p, ev, len);
			trace_stream_commit(s, len, ts);
		}
		trace_tls_direct = s;
		return;
	}
	trace_op_end(ev, len);
}

/*
 * An operation that may end on another thread than the one it began on (a
 * libcurl multi transfer, added on one thread, seen finished on any).
 * trace_op_begin_shared opens it on this thread, like trace_op_begin, and
 * returns a ticket naming this thread (0 when none is left: the operation
 * is then not open anywhere, its event is written unheld).
 * trace_op_end_shared(ticket, ev, len), on any thread, records `ev` (NULL
 * for none) there and closes the operation on the thread that began it:
 * at once when that is this thread, else at that thread's next event (or
 * its exit), so it is never left inside an operation and none of its held
 * events is lost.  Keep errno.  Thread-safe.
 */
uint32_t trace_op_begin_shared(void);
void trace_op_end_shared(uint32_t ticket, const void *ev, size_t len);

/*
 * Records one complete event: `ev` holds its bytes, header first, with
 * header.timestamp set.  Copies the bytes; never blocks on other threads
 * except on the first event of the process and of each thread.  Drops
 * (and counts) the event when the trace cannot take it.  Keeps errno.
 * Thread-safe; not async-signal-safe.
 */
void trace_emit(const void *ev, size_t len);

/*
 * Counts `n` losses of reason `why` in this thread's stream (in the trace,
 * crash-visible; see H5SNOOP_LOSS in trace_schema.def), for losses found
 * outside the stream itself (a full table, an unmatched completion).
 * Keeps errno.  Thread-safe; not async-signal-safe.
 */
void trace_count_loss(enum h5snoop_loss why, uint64_t n);

/*
 * Appends string `s` (NUL included, cut to fit) at buf[*len], within cap
 * bytes.  For building an event's variable part.
 */
void trace_put_string(uint8_t *buf, size_t *len, size_t cap, const char *s);

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
extern TRACE_TLS uint32_t trace_tls_tid;

/* This thread's id, cached (the fork child's handler clears it). */
uint32_t trace_thread_id_slow(void);
static inline uint32_t trace_thread_id(void)
{
	return trace_tls_tid ? trace_tls_tid : trace_thread_id_slow();
}

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

/* 1 once this process (this fork generation) has a trace directory: for
 * events that must not create one by themselves.  Thread-safe. */
int trace_session_active(void);

/* Records which HDF5 or libcurl version the process runs (NULL: unknown
 * yet); rewrites the metadata if the trace exists already. */
void trace_session_set_hdf5_version(const char *version);
void trace_session_set_curl_version(const char *version);

/* Called by shim_init: set-up, fork handlers, exit summary. */
void trace_session_init(void);
void trace_session_prepare_fork(void);
void trace_session_parent_after_fork(void);
void trace_session_child_after_fork(void);
void trace_session_at_exit(void);

#endif
