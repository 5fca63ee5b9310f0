/*
 * histogram.h - latency percentiles in little memory: a log-linear
 * histogram (HDR-like) of 64 linear sub-buckets per power of two.
 *
 * RATIONALE: a report over 10^7 events must not keep 10^7 latencies.
 * Values below 128 are exact; above, a bucket spans 1/64 of its power of
 * two and a percentile is reported at the bucket's middle, so the error
 * is at most 1/128 (0.8 %), then clamped to the exact min and max.
 * Values of 2^48 ns (78 hours) and more share the last bucket.
 *
 * Memory grows with use, not with the number of buckets: only the
 * window of buckets from the smallest to the largest value seen is
 * allocated, and it widens on demand (RATIONALE: a report over 200,000
 * files has 200,000 groups of one read each; full histograms of 2,752
 * buckets took 22 KiB each).  A histogram of one value holds 4 buckets;
 * of latencies within a factor of 2, at most 65.  The buckets, and so
 * every percentile, are those of a full histogram.
 */
#ifndef H5SNOOP_HISTOGRAM_H
#define H5SNOOP_HISTOGRAM_H

#include <stdint.h>

#define HIST_SUB_BITS 6u
#define HIST_SUB (1u << HIST_SUB_BITS)
#define HIST_TOP_EXP 48u
#define HIST_BUCKETS ((HIST_TOP_EXP - HIST_SUB_BITS + 1u) * HIST_SUB)

struct hist {
	uint64_t *counts; /* buckets [lo, lo + len), from the first value */
	uint32_t lo, len;
	uint64_t n;
	uint64_t sum;     /* saturates at UINT64_MAX */
	uint64_t min;
	uint64_t max;
};

/* Bucket of value v. */
static inline unsigned hist_index(uint64_t v)
{
	unsigned e;

	if (v < HIST_SUB)
		return (unsigned)v;
	e = 63u - (unsigned)__builtin_clzll(v);
	if (e >= HIST_TOP_EXP)
		return HIST_BUCKETS - 1u;
	return (e - HIST_SUB_BITS + 1u) * HIST_SUB +
	       (unsigned)((v >> (e - HIST_SUB_BITS)) - HIST_SUB);
}

/* Widens h's window to hold bucket i; 0 or -1 (out of memory: h is
 * unchanged). */
int hist_widen(struct hist *h, unsigned i);

/*
 * Adds value v.  Returns 0, or -1 when its bucket cannot be allocated
 * (out of memory; the value is not counted).  Not thread-safe.
 */
static inline int hist_add(struct hist *h, uint64_t v)
{
	unsigned i = hist_index(v);

	/* NOTE: one unsigned compare tests both ends of the window. */
	if (i - h->lo >= h->len && hist_widen(h, i) != 0)
		return -1;
	h->counts[i - h->lo]++;
	if (h->n == 0 || v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->n++;
	h->sum = h->sum + v < h->sum ? UINT64_MAX : h->sum + v;
	return 0;
}

/* The count of bucket i (0 outside the window). */
static inline uint64_t hist_count(const struct hist *h, unsigned i)
{
	return i - h->lo < h->len ? h->counts[i - h->lo] : 0;
}

/* Adds all of src into dst; 0 or -1 (out of memory). */
int hist_merge(struct hist *dst, const struct hist *src);

/* Smallest value of bucket i, and the bucket's width. */
uint64_t hist_bucket_low(unsigned i);
uint64_t hist_bucket_width(unsigned i);

/*
 * The q-quantile (0 < q <= 1): the value at rank ceil(q * n), reported at
 * its bucket's middle and clamped to [min, max]; 0 when empty.
 */
uint64_t hist_quantile(const struct hist *h, double q);

/* Mean, 0 when empty. */
uint64_t hist_mean(const struct hist *h);

/* Frees the buckets; the histogram is empty again. */
void hist_free(struct hist *h);

#endif
