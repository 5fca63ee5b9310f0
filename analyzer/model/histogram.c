/*
 * histogram.c - log-linear latency histograms (see histogram.h).
 *
 * Must never: grow with the number of values, or beyond the window of
 * buckets its values span (with slack for the next ones).
 */
#include "histogram.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Buckets allocated for the first value. */
#define HIST_FIRST_LEN 4u

int hist_widen(struct hist *h, unsigned i)
{
	uint32_t lo, hi, len, old_hi = h->lo + h->len;
	uint64_t *c;

	if (i >= HIST_BUCKETS)
		i = HIST_BUCKETS - 1u;
	if (h->len == 0) {
		lo = i >= HIST_FIRST_LEN / 2 ? i - HIST_FIRST_LEN / 2 : 0;
		hi = lo + HIST_FIRST_LEN;
	} else {
		/* At least double, toward the new bucket, so that a run of
		 * values drifting one way costs O(log) reallocations. */
		lo = i < h->lo ? i : h->lo;
		hi = i >= old_hi ? i + 1u : old_hi;
		if (hi - lo < 2u * h->len) {
			uint32_t grow = 2u * h->len - (hi - lo);

			if (i < h->lo)
				lo = lo > grow ? lo - grow : 0;
			else
				hi += grow;
		}
	}
	if (hi > HIST_BUCKETS)
		hi = HIST_BUCKETS;
	len = hi - lo;
	c = calloc(len, sizeof(*c));
	if (!c)
		return -1;
	if (h->len)
		memcpy(c + (h->lo - lo), h->counts, h->len * sizeof(*c));
	free(h->counts);
	h->counts = c;
	h->lo = lo;
	h->len = len;
	return 0;
}

int hist_merge(struct hist *dst, const struct hist *src)
{
	if (src->n == 0)
		return 0;
	if ((src->lo - dst->lo >= dst->len &&
	     hist_widen(dst, src->lo) != 0) ||
	    (src->lo + src->len - 1u - dst->lo >= dst->len &&
	     hist_widen(dst, src->lo + src->len - 1u) != 0))
		return -1;
	for (uint32_t i = 0; i < src->len; i++)
		dst->counts[src->lo + i - dst->lo] += src->counts[i];
	if (dst->n == 0 || src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	dst->n += src->n;
	dst->sum = dst->sum + src->sum < dst->sum ? UINT64_MAX
						  : dst->sum + src->sum;
	return 0;
}

uint64_t hist_bucket_low(unsigned i)
{
	unsigned block = i / HIST_SUB, sub = i % HIST_SUB;

	if (block == 0)
		return i;
	return (uint64_t)(HIST_SUB + sub) << (block - 1u);
}

uint64_t hist_bucket_width(unsigned i)
{
	unsigned block = i / HIST_SUB;

	return block == 0 ? 1u : (uint64_t)1 << (block - 1u);
}

uint64_t hist_quantile(const struct hist *h, double q)
{
	uint64_t rank, seen = 0, v;
	uint32_t k;

	if (h->n == 0 || h->len == 0)
		return 0;
	rank = (uint64_t)ceil(q * (double)h->n);
	if (rank < 1)
		rank = 1;
	if (rank > h->n)
		rank = h->n;
	/* NOTE: the last bucket of the window holds the max, so the loop
	 * always stops at the bucket of rank (as over a full histogram). */
	for (k = 0; k + 1u < h->len; k++) {
		seen += h->counts[k];
		if (seen >= rank)
			break;
	}
	v = hist_bucket_low(h->lo + k) +
	    (hist_bucket_width(h->lo + k) - 1u) / 2u;
	if (v < h->min)
		v = h->min;
	if (v > h->max)
		v = h->max;
	return v;
}

uint64_t hist_mean(const struct hist *h)
{
	return h->n ? h->sum / h->n : 0;
}

void hist_free(struct hist *h)
{
	free(h->counts);
	memset(h, 0, sizeof(*h));
}
