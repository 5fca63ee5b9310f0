/*
 * trace_thread.h - each thread's state in the session: its stream file
 * and the events it holds while an operation is in flight on it (see
 * "Ordering" in trace_session.h).
 *
 * A thread's state is made at its first event (mmap, not malloc), freed
 * by its pthread key's destructor, and forgotten by a fork child, which
 * starts states of its own (a new fork generation).
 *
 * Must never: be used by an interposer (trace_session.h is their
 * interface), or call malloc.
 */
#ifndef H5SNOOP_TRACE_THREAD_H
#define H5SNOOP_TRACE_THREAD_H

#include <stddef.h>

/* Writes `ev` now, or holds it while an operation is open on this thread;
 * with no operation open, held events follow it out.  NULL `ev`: only
 * releases what is held once no operation is open.  May change errno (the
 * public entry points keep it).  Thread-local; not async-signal-safe. */
void trace_thread_record(const void *ev, size_t len);

#endif
