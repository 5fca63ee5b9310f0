/*
 * trace_fork.c - the session across fork(): the parent keeps its trace;
 * the child forgets the parent's streams, operations and reads in flight
 * and starts a trace directory of its own at its first event.
 *
 * Must never: call anything but async-signal-safe functions in the
 * child's handler, or leave the session lock held in either process.
 */
#include <pthread.h>

#include "trace_reads.h"
#include "trace_session.h"
#include "trace_session_internal.h"
#include "trace_thread_id.h"

/* RATIONALE: the lock is held across fork, so the child never inherits
 * it in the middle of another thread's change. */
void trace_session_prepare_fork(void)
{
	pthread_mutex_lock(&trace_session_mutex);
}

void trace_session_parent_after_fork(void)
{
	pthread_mutex_unlock(&trace_session_mutex);
}

void trace_session_child_after_fork(void)
{
	trace_session_child_after_fork_reset();
	trace_threads_child_after_fork();
	/* Only this thread came along: a new id, and only its read (if
	 * any; a nested one is forgotten) is in flight. */
	trace_thread_id_forget();
	trace_reads_child_after_fork();
	trace_shared_ops_child_after_fork();
}
