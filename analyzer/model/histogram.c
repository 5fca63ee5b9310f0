/*
 * histogram.c - log-linear latency histograms (see histogram.h).
 *
 * Must never: grow with the number of values.
 */
#include "histogram.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int hist_alloc(struct hist *h)
{
	h->counts = calloc(HIST_BUCKETS, sizeof(h->counts[0]));
	return h->counts ? 0 : -1;
}

int hist_merge(struct hist *dst, const struct hist *src)
{
	if (src->n == 0)
		return 0;
	if (!dst->counts && hist_alloc(dst) != 0)
		return -1;
	for (unsigned i = 0; i < HIST_BUCKETS; i++)
		dst->counts[i] += src->counts[i];
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
	unsigned i;

	if (h->n == 0 || !h->counts)
		return 0;
	rank = (uint64_t)ceil(q * (double)h->n);
	if (rank < 1)
		rank = 1;
	if (rank > h->n)
		rank = h->n;
	for (i = 0; i < HIST_BUCKETS - 1u; i++) {
		seen += h->counts[i];
		if (seen >= rank)
			break;
	}
	v = hist_bucket_low(i) + (hist_bucket_width(i) - 1u) / 2u;
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
