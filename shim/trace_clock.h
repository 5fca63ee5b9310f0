/*
 * trace_clock.h - timing of driver reads, the shim's hottest path.
 *
 * RATIONALE: two clock_gettime calls cost 40-100 ns per read on a cloud VM
 * whose kernel keeps time with kvm-clock (a paravirtual clock read through
 * the vDSO), more than the whole recording budget.  Wherever the CPU says
 * its TSC is invariant (CPUID 0x80000007 EDX bit 8, or the kernel's
 * constant_tsc and nonstop_tsc flags), whatever the kernel's clocksource,
 * reads are timed with rdtsc instead and converted to CLOCK_MONOTONIC
 * nanoseconds with a ratio calibrated against the kernel's clock and
 * re-anchored per thread every 10 ms, so timestamps stay on the trace's
 * time line (CLOCK_MONOTONIC, by which readers merge processes) within
 * microseconds.  Each re-anchoring also checks the conversion against the
 * kernel's clock: where they disagree (a TSC that is not constant, a VM
 * migrated to another host), the process falls back to clock_gettime for
 * good.  Until the ratio is calibrated (the first ~50 ms), on other
 * architectures, and with H5SNOOP_CLOCK=monotonic, it is clock_gettime.
 */
#ifndef H5SNOOP_TRACE_CLOCK_H
#define H5SNOOP_TRACE_CLOCK_H

#include <stdint.h>

#include "trace_hot.h"
#include "trace_tls_clock.h"
#include "wide_mul.h"

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define TRACE_CLOCK_HAVE_TSC 1
#else
#define TRACE_CLOCK_HAVE_TSC 0
#endif

/* 1 while reads are timed with the TSC: set once calibrated, cleared for
 * good when the TSC disagrees with the kernel's clock. */
/* (trace_hot.clock_tsc_ready, in trace_hot.h) */

/* Reads the clock in the mode the caller fixed (`tsc`: ticks, else ns). */
static inline uint64_t trace_clock_read(int tsc)
{
#if TRACE_CLOCK_HAVE_TSC
	if (__builtin_expect(tsc, 1))
		return __rdtsc();
#else
	(void)tsc;
#endif
	return trace_now_ns();
}

/* Fixes the mode for one operation and reads its start. */
static inline uint64_t trace_clock_start(int *tsc)
{
	*tsc = __atomic_load_n(&trace_hot.clock_tsc_ready, __ATOMIC_ACQUIRE);
	return trace_clock_read(*tsc);
}

/* Slow path of trace_clock_span: clock_gettime readings, calibration,
 * re-anchoring. */
/* NOTE: not cold: where the TSC is not used it runs for every read. */
void trace_clock_span_slow(int tsc, uint64_t t0, uint64_t t1,
			   uint64_t *start_ns, uint64_t *duration_ns);

/* This thread's conversion (trace_hot_tls.clock_anchor), ns per tick << 32
 * (trace_hot.clock_mult) and the ticks after which a thread re-anchors
 * (trace_hot.clock_reanchor_ticks) are owned by trace_clock.c. */

/*
 * Turns an operation's start and end readings (same mode) into its start
 * on the trace clock and its duration, both in ns.  Thread-safe; lock-free.
 * RATIONALE: inline because it runs for every driver read; all but one
 * read in 10 ms per thread take the first branch.
 */
static inline void trace_clock_span(int tsc, uint64_t t0, uint64_t t1,
				    uint64_t *start_ns, uint64_t *duration_ns)
{
	const struct trace_clock_anchor *a = &trace_hot_tls.clock_anchor;
	uint64_t reanchor = __atomic_load_n(&trace_hot.clock_reanchor_ticks,
					    __ATOMIC_RELAXED);

	if (__builtin_expect(tsc && a->tsc != 0 && t0 >= a->tsc && t1 >= t0 &&
				     t0 - a->tsc <= reanchor,
			     1)) {
		uint64_t m = __atomic_load_n(&trace_hot.clock_mult,
					     __ATOMIC_RELAXED);

		*start_ns = a->ns + wide_mul_shr32(t0 - a->tsc, m);
		*duration_ns = wide_mul_shr32(t1 - t0, m);
		return;
	}
	trace_clock_span_slow(tsc, t0, t1, start_ns, duration_ns);
}

/* Decides whether the TSC may be used and takes the calibration baseline;
 * called once from the constructor. */
void trace_clock_init(void);

/* What times reads now, for debug lines and tests: "tsc" (calibrated),
 * "monotonic" (clock_gettime for good) or "calibrating". */
const char *trace_clock_mode(void);

#endif
