/*
 * trace_clock.c - TSC-based timing with a calibrated, checked ratio (see
 * trace_clock.h).
 *
 * Must never: use a TSC the CPU does not call invariant, keep using one
 * that disagrees with CLOCK_MONOTONIC, return a time that is not
 * CLOCK_MONOTONIC nanoseconds, or block.
 */
#include "trace_clock.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "shim_config.h"
#include "shim_log.h"

#if TRACE_CLOCK_HAVE_TSC
#include <cpuid.h>
#endif

/* The ratio is measured over at least this long before it is used; a
 * middle point, at least half of it from each end, checks that the TSC ran
 * at one rate. */
#define CALIBRATE_AFTER_NS 50000000u
/* The two halves of the calibration may differ by this much (1/N). */
#define CALIBRATE_AGREE_PARTS 200u
/* A thread re-anchors its conversion this often. */
#define REANCHOR_NS 10000000u
/* At a re-anchoring, the converted TSC may miss CLOCK_MONOTONIC by this
 * much (1/N of the interval, plus a fixed slack for the reading pairs and
 * NTP's slew) before the TSC is given up. */
#define REANCHOR_AGREE_PARTS 500u
#define REANCHOR_SLACK_NS 50000u
/* A (ticks, ns) pair is kept only if taken within this many ticks. */
#define PAIR_MAX_TICKS 20000u
/* Plausible TSC rates, in ticks per second. */
#define TSC_MIN_HZ 50000000ull
#define TSC_MAX_HZ 20000000000ull

static int tsc_usable;          /* the CPU's TSC is invariant */
static int tsc_broken;          /* gave it up for good */
static int calibration_claimed; /* one thread calibrates */
static int middle_claimed;      /* one thread takes the middle point */
static struct trace_clock_anchor base;   /* the calibration baseline */
static struct trace_clock_anchor middle; /* between base and the end */

#if TRACE_CLOCK_HAVE_TSC

/* 1 when the kernel lists `flag` for the first CPU in /proc/cpuinfo. */
static int cpuinfo_has_flag(const char *text, const char *flag)
{
	const char *line = strstr(text, "\nflags");
	const char *end;
	size_t n = strlen(flag);

	if (!line)
		return 0;
	end = strchr(line + 1, '\n');
	for (const char *p = strchr(line, ':'); p && (!end || p < end);
	     p = strchr(p + 1, ' ')) {
		const char *word = p + 1;

		if (strncmp(word, flag, n) == 0 &&
		    (word[n] == ' ' || word[n] == '\n' || word[n] == '\0'))
			return 1;
	}
	return 0;
}

/*
 * RATIONALE: CPUID is what the CPU says; the kernel's flags cover a
 * hypervisor that hides the CPUID bit but whose kernel knows better.  The
 * kernel's clocksource is not asked: kvm-clock is chosen on many VMs whose
 * TSC is perfectly invariant, and that is where clock_gettime costs most.
 */
static int tsc_invariant(void)
{
	static char text[16384];
	unsigned a = 0, b = 0, c = 0, d = 0;
	ssize_t n;
	int fd;

	if (__get_cpuid(0x80000000u, &a, &b, &c, &d) && a >= 0x80000007u &&
	    __get_cpuid(0x80000007u, &a, &b, &c, &d) && (d & (1u << 8)))
		return 1;
	fd = open("/proc/cpuinfo", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	text[n > 0 ? n : 0] = '\0';
	return cpuinfo_has_flag(text, "constant_tsc") &&
	       cpuinfo_has_flag(text, "nonstop_tsc");
}

/* A (ticks, ns) pair read close together, retried when preempted;
 * returns 0 when no try was close enough. */
static int read_pair(struct trace_clock_anchor *a)
{
	for (int i = 0; i < 8; i++) {
		uint64_t before = __rdtsc(), after;

		a->ns = trace_now_ns();
		after = __rdtsc();
		if (after - before < PAIR_MAX_TICKS) {
			a->tsc = before + (after - before) / 2;
			return 1;
		}
	}
	a->tsc = __rdtsc();
	a->ns = trace_now_ns();
	return 0;
}

#else

static int tsc_invariant(void)
{
	return 0;
}

static int read_pair(struct trace_clock_anchor *a)
{
	a->tsc = 0;
	a->ns = trace_now_ns();
	return 0;
}

#endif

/* ns per tick << 32 between two pairs; 0 when implausible. */
static uint64_t ratio(const struct trace_clock_anchor *from,
		      const struct trace_clock_anchor *to)
{
	uint64_t ticks = to->tsc - from->tsc, ns = to->ns - from->ns;

	if (to->tsc <= from->tsc || to->ns <= from->ns ||
	    ticks / (ns / 1000000u + 1u) < TSC_MIN_HZ / 1000u ||
	    ticks / (ns / 1000000u + 1u) > TSC_MAX_HZ / 1000u)
		return 0;
	return wide_shl32_div(ns, ticks);
}

static uint64_t ticks_to_ns(uint64_t ticks)
{
	uint64_t m = __atomic_load_n(&trace_hot.clock_mult, __ATOMIC_RELAXED);

	return wide_mul_shr32(ticks, m);
}

/* Gives the TSC up for good: operations started from now on use
 * clock_gettime. */
static void fall_back(const char *why, uint64_t miss_ns, uint64_t over_ns)
{
	__atomic_store_n(&tsc_broken, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&trace_hot.clock_tsc_ready, 0, __ATOMIC_RELEASE);
	shim_debug("timing with clock_gettime from now on: the TSC %s "
		   "CLOCK_MONOTONIC (off by %lu ns over %lu ns)",
		   why, (unsigned long)miss_ns, (unsigned long)over_ns);
}

/* Measures ns per tick over the baseline so far (more precise as the
 * process runs longer). */
static void calibrate(const struct trace_clock_anchor *now)
{
	uint64_t m = ratio(&base, now);

	if (!m)
		return;
	__atomic_store_n(&trace_hot.clock_mult, m, __ATOMIC_RELAXED);
	if (!__atomic_load_n(&trace_hot.clock_reanchor_ticks,
			     __ATOMIC_RELAXED))
		__atomic_store_n(&trace_hot.clock_reanchor_ticks,
				 wide_shl32_div(REANCHOR_NS, m),
				 __ATOMIC_RELAXED);
}

/*
 * First calibration, once the baseline is CALIBRATE_AFTER_NS old: the
 * rates over its two halves must agree, or the TSC is not used at all.
 */
static void calibrate_first(uint64_t now_ns)
{
	struct trace_clock_anchor end;
	uint64_t first, second, diff;

	if (now_ns - base.ns < CALIBRATE_AFTER_NS / 2 ||
	    __atomic_load_n(&tsc_broken, __ATOMIC_RELAXED))
		return;
	if (!__atomic_load_n(&middle_claimed, __ATOMIC_ACQUIRE)) {
		struct trace_clock_anchor mid;

		if (read_pair(&mid) &&
		    !__atomic_exchange_n(&middle_claimed, 1,
					 __ATOMIC_ACQ_REL)) {
			middle = mid;
			__atomic_store_n(&middle_claimed, 2,
					 __ATOMIC_RELEASE);
		}
		return;
	}
	if (__atomic_load_n(&middle_claimed, __ATOMIC_ACQUIRE) != 2 ||
	    now_ns - base.ns < CALIBRATE_AFTER_NS ||
	    now_ns - middle.ns < CALIBRATE_AFTER_NS / 2 || !read_pair(&end) ||
	    __atomic_exchange_n(&calibration_claimed, 1, __ATOMIC_ACQ_REL))
		return;
	first = ratio(&base, &middle);
	second = ratio(&middle, &end);
	diff = first > second ? first - second : second - first;
	if (!first || !second || diff > second / CALIBRATE_AGREE_PARTS) {
		fall_back("does not keep one rate against",
			  wide_mul_shr32(diff, end.tsc - middle.tsc),
			  end.ns - middle.ns);
		return;
	}
	calibrate(&end);
	shim_debug("timing driver reads with the TSC (%lu kHz, calibrated "
		   "against CLOCK_MONOTONIC)",
		   (unsigned long)((1000000ull << 32) /
				   __atomic_load_n(&trace_hot.clock_mult,
						   __ATOMIC_RELAXED)));
	__atomic_store_n(&trace_hot.clock_tsc_ready, 1, __ATOMIC_RELEASE);
}

void trace_clock_init(void)
{
	if (shim_config()->clock_monotonic) {
		shim_debug("timing driver reads with clock_gettime "
			   "(H5SNOOP_CLOCK=monotonic)");
		return;
	}
	if (!tsc_invariant()) {
		shim_debug("timing driver reads with clock_gettime (the CPU "
			   "does not say its TSC is invariant)");
		return;
	}
	if (read_pair(&base))
		tsc_usable = 1;
}

/* Whether the conversion from `prev` still predicts `now` (the kernel's
 * clock) closely; falls back to clock_gettime when it does not. */
static void check_anchor(const struct trace_clock_anchor *prev,
			 const struct trace_clock_anchor *now)
{
	uint64_t over = now->ns - prev->ns, predicted, miss;

	if (now->tsc < prev->tsc) {
		fall_back("went back against", prev->tsc - now->tsc, over);
		return;
	}
	predicted = prev->ns + ticks_to_ns(now->tsc - prev->tsc);
	miss = predicted > now->ns ? predicted - now->ns
				   : now->ns - predicted;
	if (miss > over / REANCHOR_AGREE_PARTS + REANCHOR_SLACK_NS)
		fall_back("drifted from", miss, over);
}

void trace_clock_span_slow(int tsc, uint64_t t0, uint64_t t1,
			   uint64_t *start_ns, uint64_t *duration_ns)
{
	struct trace_clock_anchor *a = &trace_hot_tls.clock_anchor;

	if (!tsc) {
		*start_ns = t0;
		*duration_ns = t1 - t0;
		/* Still on clock_gettime: calibrate once the baseline is
		 * long enough. */
		if (tsc_usable &&
		    !__atomic_load_n(&trace_hot.clock_tsc_ready,
				     __ATOMIC_RELAXED) &&
		    !__atomic_load_n(&calibration_claimed, __ATOMIC_RELAXED))
			calibrate_first(t1);
		return;
	}
	if (a->tsc == 0 || t0 < a->tsc ||
	    t0 - a->tsc > __atomic_load_n(&trace_hot.clock_reanchor_ticks,
					  __ATOMIC_RELAXED)) {
		struct trace_clock_anchor prev = *a;

		if (read_pair(a)) {
			if (prev.tsc != 0)
				check_anchor(&prev, a);
			calibrate(a);
		}
	}
	if (t0 >= a->tsc)
		*start_ns = a->ns + ticks_to_ns(t0 - a->tsc);
	else
		*start_ns = a->ns - ticks_to_ns(a->tsc - t0);
	*duration_ns = t1 > t0 ? ticks_to_ns(t1 - t0) : 0;
}

const char *trace_clock_mode(void)
{
	if (__atomic_load_n(&trace_hot.clock_tsc_ready, __ATOMIC_ACQUIRE))
		return "tsc";
	if (!tsc_usable || __atomic_load_n(&tsc_broken, __ATOMIC_RELAXED))
		return "monotonic";
	return "calibrating";
}
