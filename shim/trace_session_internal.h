/*
 * trace_session_internal.h - what the session's own files share
 * (trace_session.c, trace_thread.c, trace_shared_ops.c, trace_fork.c);
 * interposers use trace_session.h only.
 *
 * The session: nothing is created until the first event; then, under
 * one lock, the trace directory and its metadata (trace_dir, trace_env),
 * then a stream per thread (trace_thread).  States: IDLE (nothing yet, or
 * a fork child before its first event) -> ACTIVE, or -> DISABLED for good
 * after one warning when anything fails.
 *
 * Must never: be included by an interposer.
 */
#ifndef H5SNOOP_TRACE_SESSION_INTERNAL_H
#define H5SNOOP_TRACE_SESSION_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

/* The session lock itself: only the fork handlers take it bare. */
extern pthread_mutex_t trace_session_mutex;

/* Takes and releases the session lock, which guards the directory, the
 * environment and the list of thread states; no cancellation while held
 * (shim_critical.h).  Not async-signal-safe. */
void trace_session_lock(int *cancel_state);
void trace_session_unlock(int cancel_state);

/* Starts the session at the process's (or fork child's) first event;
 * returns 1 when it is ACTIVE.  Thread-safe: takes the lock only while
 * it is IDLE. */
int trace_session_ensure(void);

/* The trace directory's path and the trace's uuid: set before the
 * session turns ACTIVE, never changed while it is. */
const char *trace_session_dir(void);
const uint8_t *trace_session_uuid(void);

/* Disables tracing for the process with one warning: "cannot WHAT 'PATH':
 * strerror(err)". */
void trace_session_fail(const char *what, const char *path, int err);

/* Per-file parts of the fork child's handler (trace_fork.c): each
 * forgets what its file owns of the parent.  Async-signal-safe. */
void trace_session_child_after_fork_reset(void);
void trace_threads_child_after_fork(void);
void trace_shared_ops_child_after_fork(void);

/* Set-up of the per-thread states (their destructor); from
 * trace_session_init. */
void trace_threads_init(void);

/* Writes what the exiting thread holds and returns, in lost[], the
 * losses of every stream of the process (ended threads included).
 * Takes the session lock. */
void trace_threads_at_exit(uint64_t *lost);

#endif
