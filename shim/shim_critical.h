/*
 * shim_critical.h - the shim's critical sections: no cancellation inside.
 *
 * RATIONALE: a host thread may have a cancel pending when it calls into
 * HDF5 or libcurl.  If it were cancelled at a cancellation point inside
 * the shim (open, write, close, a name lookup) while the shim holds one of
 * its locks, every later call of every thread would wait on that lock
 * forever.  So each section that takes a shim lock, or does I/O for the
 * trace, runs with cancellation disabled; a pending cancel then acts at
 * the host's next cancellation point, as it would without the shim.
 *
 * Must never: change the host's cancel state outside a section.
 */
#ifndef H5SNOOP_SHIM_CRITICAL_H
#define H5SNOOP_SHIM_CRITICAL_H

#include <pthread.h>

/* Disables cancellation; *saved receives the state to restore.
 * Thread-safe; keeps errno (pthread_setcancelstate does not set it). */
static inline void shim_enter_critical(int *saved)
{
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, saved);
}

/* Restores the state saved by shim_enter_critical. */
static inline void shim_leave_critical(int saved)
{
	pthread_setcancelstate(saved, NULL);
}

#endif
