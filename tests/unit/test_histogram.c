/*
 * test_histogram.c - percentiles of the log-linear histogram against the
 * exact ones: exact below 128, within 1/128 above, constant memory.
 */
#include <math.h>
#include <stdint.h>

#include "histogram.h"
#include "unit.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t exact_quantile(const uint64_t *sorted, size_t n, double q)
{
	size_t rank = (size_t)ceil(q * (double)n);

	return sorted[(rank ? rank : 1) - 1];
}

int main(void)
{
	enum { N = 100000 };
	static uint64_t v[N];
	static const double qs[] = {0.5, 0.95, 0.99, 1.0};
	struct hist h = {0}, a = {0}, b = {0};
	uint64_t x = 88172645463325252ull;

	/* Buckets are contiguous and every value falls in its own. */
	for (unsigned i = 0; i + 1 < HIST_BUCKETS; i++)
		CHECK_EQ_U64(hist_bucket_low(i) + hist_bucket_width(i),
			     hist_bucket_low(i + 1));
	for (uint64_t t = 0; t < 100000; t += 7) {
		unsigned i = hist_index(t);

		CHECK(t >= hist_bucket_low(i) &&
		      t < hist_bucket_low(i) + hist_bucket_width(i));
	}
	CHECK_EQ_U64(hist_index(UINT64_MAX), HIST_BUCKETS - 1);

	/* Small values are exact. */
	for (uint64_t t = 1; t <= 100; t++)
		CHECK(hist_add(&h, t) == 0);
	CHECK_EQ_U64(hist_quantile(&h, 0.5), 50);
	CHECK_EQ_U64(hist_quantile(&h, 0.95), 95);
	CHECK_EQ_U64(hist_quantile(&h, 0.99), 99);
	CHECK_EQ_U64(hist_mean(&h), 50);
	CHECK_EQ_U64(h.min, 1);
	CHECK_EQ_U64(h.max, 100);
	hist_free(&h);

	/* Log-uniform values from 100 ns to 10 s: relative error <= 1/128. */
	for (size_t i = 0; i < N; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		v[i] = (uint64_t)pow(10.0, 2.0 + 8.0 * (double)(x >> 11) /
						   9007199254740992.0);
		CHECK(hist_add(&h, v[i]) == 0);
		CHECK(hist_add(i % 2 ? &a : &b, v[i]) == 0);
	}
	qsort(v, N, sizeof(v[0]), cmp_u64);
	for (size_t k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
		double want = (double)exact_quantile(v, N, qs[k]);
		double got = (double)hist_quantile(&h, qs[k]);

		CHECK(fabs(got - want) <= want / 128.0 + 1.0);
	}
	/* Merging two halves gives the whole. */
	CHECK(hist_merge(&a, &b) == 0);
	CHECK_EQ_U64(a.n, h.n);
	CHECK_EQ_U64(a.sum, h.sum);
	for (size_t k = 0; k < sizeof(qs) / sizeof(qs[0]); k++)
		CHECK_EQ_U64(hist_quantile(&a, qs[k]),
			     hist_quantile(&h, qs[k]));
	/* Empty histograms report 0. */
	hist_free(&b);
	CHECK_EQ_U64(hist_quantile(&b, 0.5), 0);
	CHECK_EQ_U64(hist_mean(&b), 0);
	hist_free(&a);
	hist_free(&h);
	return unit_done("test_histogram");
}
