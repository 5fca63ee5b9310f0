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
 *
 * Behind this interface, one file per job: trace_dir.c (H5SNOOP_OUTPUT,
 * the directory, the metadata file), trace_env.c (what the metadata says
 * about the process), trace_session.c (the state machine, versions learned
 * late, the exit summary), trace_thread.c (per-thread streams, holding and
 * reordering), trace_shared_ops.c (operations ending on another thread),
 * trace_fork.c (the fork handlers); trace_reads.h numbers driver reads.
 *
 * Must never: be bypassed: an interposer writes no file of the trace
 * itself.
 */
#ifndef H5SNOOP_TRACE_SESSION_H
#define H5SNOOP_TRACE_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "h5snoop/trace_schema.h"
#include "trace_hot.h"
#include "trace_reads.h"
#include "trace_stream.h"
#include "trace_tls_clock.h"

/* Largest event the session accepts (fixed part plus strings). */
#define TRACE_EVENT_MAX_BYTES 4096u

/* State the hot path reads inline (trace_hot.h): the operations open on
 * this thread (trace_hot_tls.depth), this thread's stream while an event
 * may go straight into it (trace_hot_tls.direct: no events held, not
 * inside the session's own recording; NULL otherwise), and whether
 * tracing was given up (trace_hot.session_disabled). */

/* 1 unless tracing was disabled for this process by a failure. */
static inline int trace_session_usable(void)
{
	return !__atomic_load_n(&trace_hot.session_disabled, __ATOMIC_RELAXED);
}

/*
 * Marks the start and end of an operation that may contain others on this
 * thread (a driver read, a blocking transfer): events completing in between
 * are held.  trace_op_end records the operation's own event `ev` (NULL for
 * none) and then the held ones, in start order.  Thread-local; keeps errno.
 */
static inline void trace_op_begin(void)
{
	trace_hot_tls.depth++;
}
void trace_op_end(const void *ev, size_t len);

/*
 * trace_op_end for the hot path: when the operation is the outermost on
 * its thread, nothing is held and `ts` (the event's header.timestamp)
 * keeps the stream in order, the event's bytes go straight into the
 * packet; otherwise through trace_op_end.  Keeps errno.  Thread-local.
 * RATIONALE: this is most of what recording a driver read costs; the
 * general path copies the event twice and takes four calls.
 */
static inline void trace_op_end_direct(const void *ev, size_t len,
				       uint64_t ts)
{
	struct trace_stream *s = trace_hot_tls.direct;

	if (__builtin_expect(s && trace_hot_tls.depth == 1 && ts >= s->last_ts,
			     1)) {
		uint8_t *p;

		trace_hot_tls.depth = 0;
		trace_hot_tls.direct = NULL; /* no re-entry while writing */
		p = trace_stream_reserve(s, len, ts);
		if (__builtin_expect(p != NULL, 1)) {
			memcpy(p, ev, len);
			trace_stream_commit(s, len, ts);
		}
		trace_hot_tls.direct = s;
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
