/*
 * test_wide_mul.c - the read clock's 128-bit steps (shim/wide_mul.h):
 * the portable versions, and the ones the build uses, against results of
 * exact arithmetic (below, each with its inputs), and where the compiler
 * has a 128-bit integer, the portable versions against it over a million
 * pseudo-random inputs of every magnitude.
 *
 * Built for the host (ctest test_wide_mul) and with -m32 by
 * tests/m32/build_m32.sh, where the portable versions are the ones used.
 */
#include "wide_mul.h"

#include <inttypes.h>
#include <stdio.h>

struct wide_case {
	uint64_t x, y, expected;
};

/* (x * y) >> 32 and (x << 32) / y modulo 2^64, computed with Python's
 * integers: edge values (0, 1, 2^32 - 1, 2^32, 2^63, 2^64 - 1, ...) and
 * random ones. */
static const struct wide_case mul_cases[] = {
	{0x0000000000000000u, 0x0000000000000000u, 0x0000000000000000u},
	{0x0000000000000000u, 0x00000000ffffffffu, 0x0000000000000000u},
	{0x0000000000000000u, 0x7fffffffffffffffu, 0x0000000000000000u},
	{0x0000000000000000u, 0xfffffffffffffffeu, 0x0000000000000000u},
	{0x0000000000000001u, 0x0000000000000000u, 0x0000000000000000u},
	{0x0000000000000001u, 0x00000000ffffffffu, 0x0000000000000000u},
	{0x0000000000000001u, 0x7fffffffffffffffu, 0x000000007fffffffu},
	{0x0000000000000001u, 0xfffffffffffffffeu, 0x00000000ffffffffu},
	{0x0000000000000002u, 0x0000000000000000u, 0x0000000000000000u},
	{0x0000000000000002u, 0x00000000ffffffffu, 0x0000000000000001u},
	{0x0000000000000002u, 0x7fffffffffffffffu, 0x00000000ffffffffu},
	{0x0000000000000002u, 0xfffffffffffffffeu, 0x00000001ffffffffu},
	{0x00000000ffffffffu, 0x0000000000000000u, 0x0000000000000000u},
	{0x00000000ffffffffu, 0x00000000ffffffffu, 0x00000000fffffffeu},
	{0x00000000ffffffffu, 0x7fffffffffffffffu, 0x7fffffff7fffffffu},
	{0x00000000ffffffffu, 0xfffffffffffffffeu, 0xfffffffefffffffeu},
	{0x0000000100000000u, 0x0000000000000000u, 0x0000000000000000u},
	{0x0000000100000000u, 0x00000000ffffffffu, 0x00000000ffffffffu},
	{0x0000000100000000u, 0x7fffffffffffffffu, 0x7fffffffffffffffu},
	{0x0000000100000000u, 0xfffffffffffffffeu, 0xfffffffffffffffeu},
	{0x0000000100000001u, 0x0000000000000000u, 0x0000000000000000u},
	{0x0000000100000001u, 0x00000000ffffffffu, 0x00000000ffffffffu},
	{0x0000000100000001u, 0x7fffffffffffffffu, 0x800000007ffffffeu},
	{0x0000000100000001u, 0xfffffffffffffffeu, 0x00000000fffffffdu},
	{0x7fffffffffffffffu, 0x0000000000000000u, 0x0000000000000000u},
	{0x7fffffffffffffffu, 0x00000000ffffffffu, 0x7fffffff7fffffffu},
	{0x7fffffffffffffffu, 0x7fffffffffffffffu, 0xffffffff00000000u},
	{0x7fffffffffffffffu, 0xfffffffffffffffeu, 0xfffffffe00000000u},
	{0x8000000000000000u, 0x0000000000000000u, 0x0000000000000000u},
	{0x8000000000000000u, 0x00000000ffffffffu, 0x7fffffff80000000u},
	{0x8000000000000000u, 0x7fffffffffffffffu, 0xffffffff80000000u},
	{0x8000000000000000u, 0xfffffffffffffffeu, 0xffffffff00000000u},
	{0x8000000000000001u, 0x0000000000000000u, 0x0000000000000000u},
	{0x8000000000000001u, 0x00000000ffffffffu, 0x7fffffff80000000u},
	{0x8000000000000001u, 0x7fffffffffffffffu, 0xffffffffffffffffu},
	{0x8000000000000001u, 0xfffffffffffffffeu, 0xffffffffffffffffu},
	{0xfffffffffffffffeu, 0x0000000000000000u, 0x0000000000000000u},
	{0xfffffffffffffffeu, 0x00000000ffffffffu, 0xfffffffefffffffeu},
	{0xfffffffffffffffeu, 0x7fffffffffffffffu, 0xfffffffe00000000u},
	{0xfffffffffffffffeu, 0xfffffffffffffffeu, 0xfffffffc00000000u},
	{0xffffffffffffffffu, 0x0000000000000000u, 0x0000000000000000u},
	{0xffffffffffffffffu, 0x00000000ffffffffu, 0xfffffffeffffffffu},
	{0xffffffffffffffffu, 0x7fffffffffffffffu, 0xfffffffe80000000u},
	{0xffffffffffffffffu, 0xfffffffffffffffeu, 0xfffffffd00000000u},
	{0x123456789abcdef0u, 0x0000000000000000u, 0x0000000000000000u},
	{0x123456789abcdef0u, 0x00000000ffffffffu, 0x1234567888888877u},
	{0x123456789abcdef0u, 0x7fffffffffffffffu, 0x4d5e6f77edcba987u},
	{0x123456789abcdef0u, 0xfffffffffffffffeu, 0x9abcdeefdb97530eu},
	{0x1d52490575ffc53du, 0xe2a214e8bbe9c675u, 0x1d6cf41c140d56e8u},
	{0x186c39e8c7bb69f6u, 0x03aa3897fcf4c6b6u, 0x5b8ecbce764b6102u},
	{0x64d4748ca3c77ebfu, 0x5c22c46963e968fdu, 0x314304e9cfe2c074u},
	{0x8c656018eee38dc1u, 0xb2609a0bdd2b7550u, 0xdce947ff60712fdcu},
	{0x3b9be05d0e8e2329u, 0x5bd0f521be84762bu, 0x68f5dd51a9ab5902u},
	{0xa4e0689e1888df20u, 0x7ea3ef27e2e90528u, 0x9ebcb5e24531769bu},
	{0x7b81e5e0309e6043u, 0x5c3981a844ab26d8u, 0x6399a50cd0bfb6b4u},
	{0x99ba695ab78d8387u, 0x0bcc0d1cd5a93145u, 0xa2382df804c0eb34u},
	{0x1f95e90587134be1u, 0xe08137f33a087ec9u, 0x797f5681972aa330u},
	{0x694472d1a7d32946u, 0x6b8816776b5acb73u, 0x9d5ac005e78a4a49u},
	{0x56dfd21e9d1f5c01u, 0xc9ce5ddc2a52183eu, 0x240a544096aaa924u},
	{0xa98647fe161b80deu, 0xf41fae4a5518983du, 0x62f045ef85535d35u},
};

static const struct wide_case div_cases[] = {
	{0x0000000000000000u, 0x0000000000000001u, 0x0000000000000000u},
	{0x0000000000000000u, 0x0000000000000003u, 0x0000000000000000u},
	{0x0000000000000000u, 0x00000000ffffffffu, 0x0000000000000000u},
	{0x0000000000000000u, 0x0000000100000000u, 0x0000000000000000u},
	{0x0000000000000000u, 0x8000000000000005u, 0x0000000000000000u},
	{0x0000000000000000u, 0xffffffffffffffffu, 0x0000000000000000u},
	{0x0000000000000000u, 0x000000003b9aca07u, 0x0000000000000000u},
	{0x0000000000000001u, 0x0000000000000001u, 0x0000000100000000u},
	{0x0000000000000001u, 0x0000000000000003u, 0x0000000055555555u},
	{0x0000000000000001u, 0x00000000ffffffffu, 0x0000000000000001u},
	{0x0000000000000001u, 0x0000000100000000u, 0x0000000000000001u},
	{0x0000000000000001u, 0x8000000000000005u, 0x0000000000000000u},
	{0x0000000000000001u, 0xffffffffffffffffu, 0x0000000000000000u},
	{0x0000000000000001u, 0x000000003b9aca07u, 0x0000000000000004u},
	{0x0000000000000002u, 0x0000000000000001u, 0x0000000200000000u},
	{0x0000000000000002u, 0x0000000000000003u, 0x00000000aaaaaaaau},
	{0x0000000000000002u, 0x00000000ffffffffu, 0x0000000000000002u},
	{0x0000000000000002u, 0x0000000100000000u, 0x0000000000000002u},
	{0x0000000000000002u, 0x8000000000000005u, 0x0000000000000000u},
	{0x0000000000000002u, 0xffffffffffffffffu, 0x0000000000000000u},
	{0x0000000000000002u, 0x000000003b9aca07u, 0x0000000000000008u},
	{0x00000000ffffffffu, 0x0000000000000001u, 0xffffffff00000000u},
	{0x00000000ffffffffu, 0x0000000000000003u, 0x5555555500000000u},
	{0x00000000ffffffffu, 0x00000000ffffffffu, 0x0000000100000000u},
	{0x00000000ffffffffu, 0x0000000100000000u, 0x00000000ffffffffu},
	{0x00000000ffffffffu, 0x8000000000000005u, 0x0000000000000001u},
	{0x00000000ffffffffu, 0xffffffffffffffffu, 0x0000000000000000u},
	{0x00000000ffffffffu, 0x000000003b9aca07u, 0x000000044b82f984u},
	{0x0000000100000000u, 0x0000000000000001u, 0x0000000000000000u},
	{0x0000000100000000u, 0x0000000000000003u, 0x5555555555555555u},
	{0x0000000100000000u, 0x00000000ffffffffu, 0x0000000100000001u},
	{0x0000000100000000u, 0x0000000100000000u, 0x0000000100000000u},
	{0x0000000100000000u, 0x8000000000000005u, 0x0000000000000001u},
	{0x0000000100000000u, 0xffffffffffffffffu, 0x0000000000000001u},
	{0x0000000100000000u, 0x000000003b9aca07u, 0x000000044b82f988u},
	{0x0000000100000001u, 0x0000000000000001u, 0x0000000100000000u},
	{0x0000000100000001u, 0x0000000000000003u, 0x55555555aaaaaaaau},
	{0x0000000100000001u, 0x00000000ffffffffu, 0x0000000100000002u},
	{0x0000000100000001u, 0x0000000100000000u, 0x0000000100000001u},
	{0x0000000100000001u, 0x8000000000000005u, 0x0000000000000002u},
	{0x0000000100000001u, 0xffffffffffffffffu, 0x0000000000000001u},
	{0x0000000100000001u, 0x000000003b9aca07u, 0x000000044b82f98cu},
	{0x7fffffffffffffffu, 0x0000000000000001u, 0xffffffff00000000u},
	{0x7fffffffffffffffu, 0x0000000000000003u, 0xaaaaaaaa55555555u},
	{0x7fffffffffffffffu, 0x00000000ffffffffu, 0x800000007fffffffu},
	{0x7fffffffffffffffu, 0x0000000100000000u, 0x7fffffffffffffffu},
	{0x7fffffffffffffffu, 0x8000000000000005u, 0x00000000ffffffffu},
	{0x7fffffffffffffffu, 0xffffffffffffffffu, 0x000000007fffffffu},
	{0x7fffffffffffffffu, 0x000000003b9aca07u, 0x25c17cc44a8a3f8du},
	{0x8000000000000000u, 0x0000000000000001u, 0x0000000000000000u},
	{0x8000000000000000u, 0x0000000000000003u, 0xaaaaaaaaaaaaaaaau},
	{0x8000000000000000u, 0x00000000ffffffffu, 0x8000000080000000u},
	{0x8000000000000000u, 0x0000000100000000u, 0x8000000000000000u},
	{0x8000000000000000u, 0x8000000000000005u, 0x00000000ffffffffu},
	{0x8000000000000000u, 0xffffffffffffffffu, 0x0000000080000000u},
	{0x8000000000000000u, 0x000000003b9aca07u, 0x25c17cc44a8a3f91u},
	{0x8000000000000001u, 0x0000000000000001u, 0x0000000100000000u},
	{0x8000000000000001u, 0x0000000000000003u, 0xaaaaaaab00000000u},
	{0x8000000000000001u, 0x00000000ffffffffu, 0x8000000080000001u},
	{0x8000000000000001u, 0x0000000100000000u, 0x8000000000000001u},
	{0x8000000000000001u, 0x8000000000000005u, 0x00000000ffffffffu},
	{0x8000000000000001u, 0xffffffffffffffffu, 0x0000000080000000u},
	{0x8000000000000001u, 0x000000003b9aca07u, 0x25c17cc44a8a3f96u},
	{0xfffffffffffffffeu, 0x0000000000000001u, 0xfffffffe00000000u},
	{0xfffffffffffffffeu, 0x0000000000000003u, 0x55555554aaaaaaaau},
	{0xfffffffffffffffeu, 0x00000000ffffffffu, 0x00000000fffffffeu},
	{0xfffffffffffffffeu, 0x0000000100000000u, 0xfffffffffffffffeu},
	{0xfffffffffffffffeu, 0x8000000000000005u, 0x00000001ffffffffu},
	{0xfffffffffffffffeu, 0xffffffffffffffffu, 0x00000000ffffffffu},
	{0xfffffffffffffffeu, 0x000000003b9aca07u, 0x4b82f98895147f1bu},
	{0xffffffffffffffffu, 0x0000000000000001u, 0xffffffff00000000u},
	{0xffffffffffffffffu, 0x0000000000000003u, 0x5555555500000000u},
	{0xffffffffffffffffu, 0x00000000ffffffffu, 0x0000000100000000u},
	{0xffffffffffffffffu, 0x0000000100000000u, 0xffffffffffffffffu},
	{0xffffffffffffffffu, 0x8000000000000005u, 0x00000001ffffffffu},
	{0xffffffffffffffffu, 0xffffffffffffffffu, 0x0000000100000000u},
	{0xffffffffffffffffu, 0x000000003b9aca07u, 0x4b82f98895147f1fu},
	{0x123456789abcdef0u, 0x0000000000000001u, 0x9abcdef000000000u},
	{0x123456789abcdef0u, 0x0000000000000003u, 0x33944a5000000000u},
	{0x123456789abcdef0u, 0x00000000ffffffffu, 0x12345678acf13568u},
	{0x123456789abcdef0u, 0x0000000100000000u, 0x123456789abcdef0u},
	{0x123456789abcdef0u, 0x8000000000000005u, 0x000000002468acf1u},
	{0x123456789abcdef0u, 0xffffffffffffffffu, 0x0000000012345678u},
	{0x123456789abcdef0u, 0x000000003b9aca07u, 0x4e2fff8a480a8f02u},
	{0x3933dffe9f578985u, 0x000000000006cc3bu, 0x373f8ad7c43c6f88u},
	{0x24e166c70794a750u, 0x00000000000dbc01u, 0x6d8351fd2f46f9efu},
	{0xfc434d6e6054aa24u, 0x00000042e6a60527u, 0x03c54c045c144dc4u},
	{0xa0d0861e4f7e2353u, 0x00000000000b3c47u, 0x291d1951309568e8u},
	{0x8c529b4839c340b3u, 0xd9cf7a0c449ab167u, 0x00000000a4ed0e1fu},
	{0xefb73578f78e1ffau, 0x000000feca6cd66du, 0x00f0da779feb90e5u},
	{0xf03198c45f952f9cu, 0x000000000000fd53u, 0x1761f0a61c152492u},
	{0x30a037efd7376ab4u, 0x0000000000015c0fu, 0xc4c1b3657294ceebu},
	{0x121f7305e164f982u, 0x00000000000c54a5u, 0x40ef215c2f75bb4eu},
	{0x982ed19d185f80d2u, 0x000000bf1d7163dfu, 0x00cbd9a1bbe3cdecu},
	{0x01d88fbcf39897dbu, 0x000000eade5e3a9fu, 0x000203140d19156au},
	{0xe39626c901d6a94cu, 0x000000679afad5abu, 0x023258c2d529e6dfu},
};

static int failures;

static void check(const char *what, uint64_t x, uint64_t y, uint64_t got,
		  uint64_t expected)
{
	if (got == expected)
		return;
	if (failures++ < 20)
		fprintf(stderr,
			"FAIL: %s(0x%016" PRIx64 ", 0x%016" PRIx64
			") = 0x%016" PRIx64 ", expected 0x%016" PRIx64 "\n",
			what, x, y, got, expected);
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A random value of a random bit length, so small and large magnitudes
 * (and the long division's every branch) are all met. */
static uint64_t random_value(uint64_t *s)
{
	unsigned bits = (unsigned)(xorshift(s) % 64) + 1;
	uint64_t v = xorshift(s);

	return bits == 64 ? v : v & ((UINT64_C(1) << bits) - 1);
}

/* Both versions of one step (portable, and the one the build uses)
 * against a table of exact results. */
static void check_table(const char *name, const struct wide_case *cases,
			size_t n, uint64_t (*portable)(uint64_t, uint64_t),
			uint64_t (*used)(uint64_t, uint64_t))
{
	char what[64];

	for (size_t i = 0; i < n; i++) {
		const struct wide_case *c = &cases[i];

		snprintf(what, sizeof(what), "%s_portable", name);
		check(what, c->x, c->y, portable(c->x, c->y), c->expected);
		check(name, c->x, c->y, used(c->x, c->y), c->expected);
	}
}

int main(void)
{
	size_t n_mul = sizeof(mul_cases) / sizeof(mul_cases[0]);
	size_t n_div = sizeof(div_cases) / sizeof(div_cases[0]);
	long compared = 0;

	check_table("wide_mul_shr32", mul_cases, n_mul,
		    wide_mul_shr32_portable, wide_mul_shr32);
	check_table("wide_shl32_div", div_cases, n_div,
		    wide_shl32_div_portable, wide_shl32_div);
#ifdef __SIZEOF_INT128__
	uint64_t seed = UINT64_C(0x9e3779b97f4a7c15);

	for (int i = 0; i < 1000000; i++) {
		uint64_t x = random_value(&seed), y = random_value(&seed);

		check("wide_mul_shr32_portable", x, y,
		      wide_mul_shr32_portable(x, y),
		      (uint64_t)(((unsigned __int128)x * y) >> 32));
		if (y)
			check("wide_shl32_div_portable", x, y,
			      wide_shl32_div_portable(x, y),
			      (uint64_t)(((unsigned __int128)x << 32) / y));
		compared++;
	}
#else
	(void)random_value;
#endif
	if (failures) {
		fprintf(stderr, "%d mismatches\n", failures);
		return 1;
	}
	printf("ok: %zu + %zu exact cases, %ld random inputs against "
	       "__int128 (%zu-bit build)\n",
	       n_mul, n_div, compared, sizeof(void *) * 8);
	return 0;
}
