/*
 * test_histogram.c - percentiles of the log-linear histogram against the
 * exact ones: exact below 128, within 1/128 above; the same as over a
 * full array of every bucket, however the window of buckets grew; memory
 * by the span of the values, not the number of buckets.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

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

/* The quantile over a full array of HIST_BUCKETS counts: what the
 * histogram computed before its buckets were a growing window. */
static uint64_t full_quantile(const uint64_t *counts, uint64_t n,
			      uint64_t min, uint64_t max, double q)
{
	uint64_t rank = (uint64_t)ceil(q * (double)n), seen = 0, v;
	unsigned i;

	rank = rank < 1 ? 1 : rank > n ? n : rank;
	for (i = 0; i < HIST_BUCKETS - 1u; i++) {
		seen += counts[i];
		if (seen >= rank)
			break;
	}
	v = hist_bucket_low(i) + (hist_bucket_width(i) - 1u) / 2u;
	return v < min ? min : v > max ? max : v;
}

/* Values added in orders that widen the window every way (up, down,
 * both, jumps to the ends): the same quantiles as the full array. */
static void test_window(void)
{
	static uint64_t full[HIST_BUCKETS];
	static const double qs[] = {0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 1.0};
	uint64_t x = 0x2545F4914F6CDD1Dull;

	for (int pattern = 0; pattern < 5; pattern++) {
		struct hist h = {0}, m = {0};
		uint64_t min = UINT64_MAX, max = 0, n = 0;

		memset(full, 0, sizeof(full));
		for (int i = 0; i < 3000; i++) {
			uint64_t v;

			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			v = pattern == 0   ? 1000u + (uint64_t)i * 977u
			    : pattern == 1 ? 100000000u - (uint64_t)i * 30000u
			    : pattern == 2 ? (i % 2 ? 5000u + (uint64_t)i * 50u
						    : 5000u - (uint64_t)i)
			    : pattern == 3 ? (i == 1500 ? UINT64_MAX
						 : i == 2000 ? 0 : x % 4096u)
					   : x >> (x % 64u);
			CHECK(hist_add(&h, v) == 0);
			CHECK(hist_add(&m, v) == 0); /* merged below */
			full[hist_index(v)]++;
			min = v < min ? v : min;
			max = v > max ? v : max;
			n++;
		}
		CHECK(h.lo + h.len <= HIST_BUCKETS);
		for (unsigned i = 0; i < HIST_BUCKETS; i++)
			CHECK_EQ_U64(hist_count(&h, i), full[i]);
		for (size_t k = 0; k < sizeof(qs) / sizeof(qs[0]); k++)
			CHECK_EQ_U64(hist_quantile(&h, qs[k]),
				     full_quantile(full, n, min, max, qs[k]));
		/* Merged into an empty one, and into itself. */
		{
			struct hist e = {0};

			CHECK(hist_merge(&e, &h) == 0);
			CHECK(hist_merge(&e, &m) == 0);
			for (unsigned i = 0; i < HIST_BUCKETS; i++)
				CHECK_EQ_U64(hist_count(&e, i), 2 * full[i]);
			hist_free(&e);
		}
		hist_free(&h);
		hist_free(&m);
	}
}

/* Memory follows the span of the values. */
static void test_memory(void)
{
	struct hist h = {0};

	CHECK_EQ_U64(h.len, 0); /* nothing before the first value */
	CHECK(hist_add(&h, 123456) == 0);
	CHECK(h.len <= 4);
	/* Latencies within a factor of 2: one power of two, 64 buckets. */
	for (uint64_t v = 100000; v < 200000; v += 7)
		CHECK(hist_add(&h, v) == 0);
	CHECK(h.len <= 2 * 65);
	hist_free(&h);
	CHECK(h.counts == NULL && h.len == 0 && h.n == 0);
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
	test_window();
	test_memory();
	return unit_done("test_histogram");
}
