/*
 * trace_tls_clock.h - the two definitions every part of the shim builds
 * on: the TLS model of its per-thread state and the trace clock's plain
 * reading.  Nothing here knows about sessions, streams or interposers, so
 * any shim header may include it.
 *
 * Must never: include another shim header, or grow anything that is not
 * needed by both the clock and the session.
 */
#ifndef H5SNOOP_TRACE_TLS_CLOCK_H
#define H5SNOOP_TRACE_TLS_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Per-thread state of the shim.  RATIONALE: initial-exec, as LTTng-UST
 * does: an access is one load at a fixed offset from the thread pointer,
 * never a call to __tls_get_addr (which may allocate) inside a wrapper. */
#define TRACE_TLS __thread __attribute__((tls_model("initial-exec")))

/* Current time on the trace clock (CLOCK_MONOTONIC), in ns.  Cheap (vDSO),
 * thread-safe, async-signal-safe. */
static inline uint64_t trace_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#endif
