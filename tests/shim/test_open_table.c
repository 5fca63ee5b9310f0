/*
 * test_open_table.c - the shim's one hash table (shim/open_table.h), as
 * its four users drive it: pointer keys inserted, found, removed and
 * their slots reused (files, handles, SSL objects); a full table that
 * answers "no room" (where each user counts its loss); and hash keys
 * claimed by many threads at once, each key by exactly one of them
 * (stacks).
 */
#include <pthread.h>
#include <stdint.h>

#include "open_table.h"
#include "../unit/unit.h"

#define SLOTS 64u
#define THREADS 4
#define THREAD_KEYS 48u /* fewer than SLOTS: every key fits */

static _Atomic uint64_t ptr_keys[SLOTS];
static const struct open_table ptrs = OPEN_TABLE_INIT(ptr_keys, 0);
static _Atomic uint64_t hash_keys[SLOTS];
static const struct open_table hashes = OPEN_TABLE_INIT(hash_keys, 1);
static _Atomic unsigned claims[SLOTS];

/* Distinct, aligned "objects" to use as pointer keys. */
static uint64_t objects[SLOTS + 1];

static void test_pointers(void)
{
	size_t at[SLOTS + 1];

	open_table_clear(&ptrs);
	CHECK(open_table_find(&ptrs, open_table_key_pointer(NULL)) ==
	      OPEN_TABLE_NONE);
	for (unsigned i = 0; i < SLOTS; i++) {
		at[i] = open_table_insert(&ptrs,
					  open_table_key_pointer(&objects[i]));
		CHECK(at[i] != OPEN_TABLE_NONE);
	}
	/* Full: one more key has no room, and is not found. */
	CHECK(open_table_insert(&ptrs, open_table_key_pointer(
					       &objects[SLOTS])) ==
	      OPEN_TABLE_NONE);
	CHECK(open_table_find(&ptrs, open_table_key_pointer(
					     &objects[SLOTS])) ==
	      OPEN_TABLE_NONE);
	for (unsigned i = 0; i < SLOTS; i++)
		CHECK_EQ_U64(open_table_find(&ptrs, open_table_key_pointer(
							    &objects[i])),
			     at[i]);
	/* A removed key is gone; the keys probed past its slot are still
	 * found; its slot takes a new key. */
	open_table_remove(&ptrs, at[5]);
	CHECK(open_table_find(&ptrs, open_table_key_pointer(&objects[5])) ==
	      OPEN_TABLE_NONE);
	for (unsigned i = 0; i < SLOTS; i++)
		if (i != 5)
			CHECK_EQ_U64(open_table_find(
					     &ptrs,
					     open_table_key_pointer(
						     &objects[i])),
				     at[i]);
	CHECK_EQ_U64(open_table_insert(&ptrs, open_table_key_pointer(
						      &objects[SLOTS])),
		     at[5]);
	CHECK_EQ_U64(open_table_find(&ptrs, open_table_key_pointer(
						    &objects[SLOTS])),
		     at[5]);
	open_table_clear(&ptrs);
	CHECK(open_table_find(&ptrs, open_table_key_pointer(&objects[0])) ==
	      OPEN_TABLE_NONE);
}

static void *claim_all(void *arg)
{
	(void)arg;
	for (uint64_t k = 0; k < THREAD_KEYS; k++) {
		int inserted;
		/* Keys 0.. as hashes: 0 is mapped away from FREE, and all
		 * start in the same few slots, so the probes collide. */
		size_t i = open_table_find_or_insert(
			&hashes, open_table_key_hash(k * SLOTS), &inserted);

		if (i != OPEN_TABLE_NONE && inserted)
			atomic_fetch_add(&claims[i], 1u);
	}
	return NULL;
}

static void test_hashes(void)
{
	pthread_t t[THREADS];
	unsigned total = 0;
	int inserted;

	for (int i = 0; i < THREADS; i++)
		CHECK(pthread_create(&t[i], NULL, claim_all, NULL) == 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	/* Each key was claimed once, by one thread, and is found again. */
	for (unsigned i = 0; i < SLOTS; i++) {
		CHECK(claims[i] <= 1);
		total += claims[i];
	}
	CHECK_EQ_U64(total, THREAD_KEYS);
	for (uint64_t k = 0; k < THREAD_KEYS; k++) {
		size_t i = open_table_find_or_insert(
			&hashes, open_table_key_hash(k * SLOTS), &inserted);

		CHECK(i != OPEN_TABLE_NONE);
		CHECK(!inserted);
		CHECK_EQ_U64(atomic_load(&hash_keys[i]),
			     open_table_key_hash(k * SLOTS));
	}
	/* Filled up: a new key has no room. */
	for (uint64_t k = THREAD_KEYS; k < SLOTS; k++)
		CHECK(open_table_find_or_insert(&hashes, k * SLOTS + 1,
						&inserted) != OPEN_TABLE_NONE);
	CHECK(open_table_find_or_insert(&hashes, 12345, &inserted) ==
	      OPEN_TABLE_NONE);
	CHECK(!inserted);
}

int main(void)
{
	test_pointers();
	test_hashes();
	return unit_done("test_open_table");
}
