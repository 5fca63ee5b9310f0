/*
 * wide_mul.h - the two 64-bit fixed-point steps of the read clock
 * (trace_clock.h) that need a 128-bit intermediate: (a * b) >> 32 and
 * (n << 32) / d, each truncated to 64 bits.
 *
 * RATIONALE: compilers give 64-bit targets an `unsigned __int128` (one
 * MUL on x86-64, the hot path's cost), but not 32-bit ones, where the
 * shim must still build.  There the same results come from 32-bit
 * halves; the portable versions are always defined so that a test can
 * check them against the native one.
 *
 * Must never: differ, in any bit, from the 128-bit arithmetic it stands
 * for; divide by zero (callers pass d != 0); include another shim header.
 * Every function is pure: thread-safe and async-signal-safe.
 */
#ifndef H5SNOOP_WIDE_MUL_H
#define H5SNOOP_WIDE_MUL_H

#include <stdint.h>

/* (a * b) >> 32, modulo 2^64, from four 32x32->64 products. */
static inline uint64_t wide_mul_shr32_portable(uint64_t a, uint64_t b)
{
	uint64_t a_lo = a & 0xffffffffu, a_hi = a >> 32;
	uint64_t b_lo = b & 0xffffffffu, b_hi = b >> 32;

	/* NOTE: every term but the last is a whole multiple of 2^32 in
	 * the full product, so the shifted sum is exact; the wrap of the
	 * additions is the truncation to 64 bits. */
	return ((a_hi * b_hi) << 32) + a_hi * b_lo + a_lo * b_hi +
	       ((a_lo * b_lo) >> 32);
}

/* (n << 32) / d, modulo 2^64, d != 0: n / d shifted, then the 32 bits
 * below it by long division of the remainder. */
static inline uint64_t wide_shl32_div_portable(uint64_t n, uint64_t d)
{
	uint64_t q = n / d, r = n % d, low = 0;

	for (int i = 0; i < 32; i++) {
		uint64_t carry = r >> 63;

		/* r < d throughout: with the carry the true value is
		 * r + 2^64 >= d, and the wrapped subtraction is exact. */
		r <<= 1;
		low <<= 1;
		if (carry || r >= d) {
			r -= d;
			low |= 1;
		}
	}
	return (q << 32) + low;
}

#ifdef __SIZEOF_INT128__

static inline uint64_t wide_mul_shr32(uint64_t a, uint64_t b)
{
	return (uint64_t)(((unsigned __int128)a * b) >> 32);
}

static inline uint64_t wide_shl32_div(uint64_t n, uint64_t d)
{
	return (uint64_t)(((unsigned __int128)n << 32) / d);
}

#else

static inline uint64_t wide_mul_shr32(uint64_t a, uint64_t b)
{
	return wide_mul_shr32_portable(a, b);
}

static inline uint64_t wide_shl32_div(uint64_t n, uint64_t d)
{
	return wide_shl32_div_portable(n, d);
}

#endif

#endif
