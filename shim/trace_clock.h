/*
 * trace_clock.h - timing of driver reads, the shim's hottest path.
 *
 * RATIONALE: two clock_gettime calls cost about 47 ns per read here, half
 * the recording budget.  Where the kernel itself keeps time with the TSC
 * (its clocksource is "tsc": constant, synchronized), reads are timed with
 * rdtsc (about 10 ns) and converted to CLOCK_MONOTONIC nanoseconds with a
 * ratio calibrated against the kernel's clock and re-anchored per thread
 * every few milliseconds, so timestamps stay within microseconds of
 * trace_now_ns() and comparable across threads.  Elsewhere, and until the
 * ratio is calibrated (the first ~50 ms), it is clock_gettime.
 */
#ifndef H5SNOOP_TRACE_CLOCK_H
#define H5SNOOP_TRACE_CLOCK_H

#include <stdint.h>
#include <x86intrin.h>

#include "trace_session.h"

/* 1 once the TSC ratio is calibrated; never goes back to 0. */
extern int trace_clock_tsc_ready;

/* Reads the clock in the mode the caller fixed (`tsc`: ticks, else ns). */
static inline uint64_t trace_clock_read(int tsc)
{
	return tsc ? __rdtsc() : trace_now_ns();
}

/* Fixes the mode for one operation and reads its start. */
static inline uint64_t trace_clock_start(int *tsc)
{
	*tsc = __atomic_load_n(&trace_clock_tsc_ready, __ATOMIC_ACQUIRE);
	return trace_clock_read(*tsc);
}

/*
 * Turns an operation's start and end readings (same mode) into its start
 * on the trace clock and its duration, both in ns.  Thread-safe; lock-free.
 */
void trace_clock_span(int tsc, uint64_t t0, uint64_t t1, uint64_t *start_ns,
		      uint64_t *duration_ns);

/* Takes the calibration baseline when the kernel times with the TSC;
 * called once from the constructor. */
void trace_clock_init(void);

#endif
