/*
 * trace_shared_ops.h - operations that may end on another thread than
 * the one that began them (trace_op_begin_shared in trace_session.h):
 * what the per-thread recording needs of them.
 *
 * Each thread with such operations open owns a mailbox; a thread that
 * sees one of them end adds to the owner's count of closed ones, and the
 * owner takes that count at its next event (or its exit), leaving the
 * operations it no longer has open.
 *
 * Must never: block, or let an operation stay open on a thread after
 * another thread closed it.
 */
#ifndef H5SNOOP_TRACE_SHARED_OPS_H
#define H5SNOOP_TRACE_SHARED_OPS_H

#include <stdint.h>

#include "trace_tls_clock.h"

/* Shared operations open on this thread (owned by trace_shared_ops.c). */
extern TRACE_TLS uint32_t trace_tls_shared_open;

/* Leaves this thread's operations that other threads saw end.  Call only
 * with trace_tls_shared_open != 0.  Thread-local. */
void trace_shared_ops_collect(void);

/* Gives this thread's mailbox back when none of its shared operations is
 * open (its exit).  Thread-local. */
void trace_shared_ops_thread_exit(void);

#endif
