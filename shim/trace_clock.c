/*
 * trace_clock.c - TSC-based timing with a calibrated ratio (see
 * trace_clock.h).
 *
 * Must never: use the TSC where the kernel does not trust it, return a
 * time that is not CLOCK_MONOTONIC nanoseconds, or block.
 */
#include "trace_clock.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* The ratio is measured over at least this long before it is used. */
#define CALIBRATE_AFTER_NS 50000000u
/* A thread re-anchors its conversion this often. */
#define REANCHOR_NS 10000000u
/* A (ticks, ns) pair is kept only if taken within this many ticks. */
#define PAIR_MAX_TICKS 20000u

int trace_clock_tsc_ready;

static int tsc_usable;
static uint64_t base_tsc, base_ns;  /* the calibration baseline */
static uint64_t mult;               /* ns per tick, << 32 */
static uint64_t reanchor_ticks;

struct anchor {
	uint64_t tsc;
	uint64_t ns;
};

static TRACE_TLS struct anchor tls_anchor;

/* A (ticks, ns) pair read close together: retried when preempted. */
static void read_pair(uint64_t *tsc, uint64_t *ns)
{
	for (int i = 0; i < 8; i++) {
		uint64_t a = __rdtsc();

		*ns = trace_now_ns();
		*tsc = __rdtsc();
		if (*tsc - a < PAIR_MAX_TICKS) {
			*tsc = a + (*tsc - a) / 2;
			return;
		}
	}
}

void trace_clock_init(void)
{
	char source[32] = "";
	int fd = open("/sys/devices/system/clocksource/clocksource0/"
		      "current_clocksource",
		      O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		ssize_t n = read(fd, source, sizeof(source) - 1);

		source[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	if (strcmp(source, "tsc\n") != 0)
		return;
	read_pair(&base_tsc, &base_ns);
	tsc_usable = 1;
}

/* Measures ns per tick over the baseline so far (more precise as the
 * process runs longer). */
static void calibrate(uint64_t tsc, uint64_t ns)
{
	uint64_t ticks = tsc - base_tsc;
	uint64_t m;

	if (tsc <= base_tsc || ns <= base_ns)
		return;
	m = (uint64_t)(((unsigned __int128)(ns - base_ns) << 32) / ticks);
	__atomic_store_n(&mult, m, __ATOMIC_RELAXED);
	if (!reanchor_ticks)
		__atomic_store_n(&reanchor_ticks,
				 (uint64_t)(((unsigned __int128)REANCHOR_NS
					     << 32) / m),
				 __ATOMIC_RELAXED);
}

static uint64_t ticks_to_ns(uint64_t ticks)
{
	return (uint64_t)(((unsigned __int128)ticks *
			   __atomic_load_n(&mult, __ATOMIC_RELAXED)) >>
			  32);
}

void trace_clock_span(int tsc, uint64_t t0, uint64_t t1, uint64_t *start_ns,
		      uint64_t *duration_ns)
{
	if (!tsc) {
		*start_ns = t0;
		*duration_ns = t1 - t0;
		/* Still on clock_gettime: calibrate once the baseline is
		 * long enough. */
		if (tsc_usable && t1 - base_ns > CALIBRATE_AFTER_NS &&
		    !__atomic_load_n(&trace_clock_tsc_ready,
				     __ATOMIC_RELAXED)) {
			uint64_t pt, pn;

			read_pair(&pt, &pn);
			calibrate(pt, pn);
			__atomic_store_n(&trace_clock_tsc_ready, 1,
					 __ATOMIC_RELEASE);
		}
		return;
	}
	if (tls_anchor.tsc == 0 || t0 < tls_anchor.tsc ||
	    t0 - tls_anchor.tsc >
		    __atomic_load_n(&reanchor_ticks, __ATOMIC_RELAXED)) {
		read_pair(&tls_anchor.tsc, &tls_anchor.ns);
		calibrate(tls_anchor.tsc, tls_anchor.ns);
	}
	if (t0 >= tls_anchor.tsc)
		*start_ns = tls_anchor.ns + ticks_to_ns(t0 - tls_anchor.tsc);
	else
		*start_ns = tls_anchor.ns - ticks_to_ns(tls_anchor.tsc - t0);
	*duration_ns = t1 > t0 ? ticks_to_ns(t1 - t0) : 0;
}
