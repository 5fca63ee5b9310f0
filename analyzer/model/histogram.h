/*
 * histogram.h - latency percentiles in constant memory: a log-linear
 * histogram (HDR-like) of 64 linear sub-buckets per power of two.
 *
 * RATIONALE: a report over 10^7 events must not keep 10^7 latencies.
 * Values below 128 are exact; above, a bucket spans 1/64 of its power of
 * two and a percentile is reported at the bucket's middle, so the error
 * is at most 1/128 (0.8 %), then clamped to the exact min and max.
 * Values of 2^48 ns (78 hours) and more share the last bucket.
 */
#ifndef H5SNOOP_HISTOGRAM_H
#define H5SNOOP_HISTOGRAM_H

#include <stdint.h>

#define HIST_SUB_BITS 6u
#define HIST_SUB (1u << HIST_SUB_BITS)
#define HIST_TOP_EXP 48u
#define HIST_BUCKETS ((HIST_TOP_EXP - HIST_SUB_BITS + 1u) * HIST_SUB)

struct hist {
	uint64_t *counts; /* HIST_BUCKETS, allocated at the first value */
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

/* Allocates h->counts; 0 or -1 (out of memory). */
int hist_alloc(struct hist *h);

/*
 * Adds value v.  Returns 0, or -1 when the first value cannot get its
 * buckets (out of memory).  Not thread-safe.
 */
static inline int hist_add(struct hist *h, uint64_t v)
{
	if (!h->counts && hist_alloc(h) != 0)
		return -1;
	h->counts[hist_index(v)]++;
	if (h->n == 0 || v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->n++;
	h->sum = h->sum + v < h->sum ? UINT64_MAX : h->sum + v;
	return 0;
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
