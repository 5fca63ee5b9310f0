/*
 * trace_thread_id.h - the calling thread's kernel id (gettid), the one
 * helper the whole shim uses: stream names, shared-operation tickets and
 * the driver read a request belongs to all name a thread by it.
 *
 * Must never: return another thread's id, or a parent's id in a fork
 * child (the child's fork handler calls trace_thread_id_forget).
 */
#ifndef H5SNOOP_TRACE_THREAD_ID_H
#define H5SNOOP_TRACE_THREAD_ID_H

#include <stdint.h>

#include "trace_hot.h"
#include "trace_tls_clock.h"

/* This thread's id once asked for (0: not yet) is trace_hot_tls.tid,
 * owned by trace_thread_id.c. */

/* Asks the kernel and caches the answer. */
__attribute__((cold)) uint32_t trace_thread_id_slow(void);

/* This thread's id, cached after the first call.  Thread-safe;
 * async-signal-safe; keeps errno (gettid cannot fail). */
static inline uint32_t trace_thread_id(void)
{
	return __builtin_expect(trace_hot_tls.tid != 0, 1) ? trace_hot_tls.tid
						       : trace_thread_id_slow();
}

/* Drops the cached id: for the fork child, whose only thread has a new id.
 * Async-signal-safe. */
static inline void trace_thread_id_forget(void)
{
	trace_hot_tls.tid = 0;
}

#endif
