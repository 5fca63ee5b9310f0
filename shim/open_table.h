/*
 * open_table.h - the shim's one hash table: open addressing with linear
 * probing over a fixed, power-of-two array of 64-bit keys, used by every
 * table of the shim (HDF5 driver files, curl easy handles, SSL objects,
 * call stacks).  A table's values live in the caller's array beside it,
 * at the index a function here returns.
 *
 * A key slot holds OPEN_TABLE_FREE (0: never used, a lookup stops
 * there), OPEN_TABLE_GONE (all ones: removed, a lookup probes past it, an
 * insertion may reuse it) or a live key.  So 0 is never a key, nor is all
 * ones in a table that removes keys; neither is a pointer's value, and a
 * table of hashes, which removes nothing, maps 0 away
 * (open_table_key_hash).
 *
 * Concurrency is the caller's choice, not this file's: every access to a
 * key slot is atomic (a claim is a compare-and-swap), so a table may be
 * used lock-free (files, stacks) or under the caller's lock (handles, SSL
 * objects).  Nothing here blocks, allocates, or calls a function:
 * everything is async-signal-safe and keeps errno.
 *
 * Must never: grow, allocate, or wait; a full table answers
 * OPEN_TABLE_NONE and the caller counts its loss.
 */
#ifndef H5SNOOP_OPEN_TABLE_H
#define H5SNOOP_OPEN_TABLE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define OPEN_TABLE_FREE ((uint64_t)0)
#define OPEN_TABLE_GONE (~(uint64_t)0)
#define OPEN_TABLE_NONE ((size_t)-1) /* not found, or no room */

struct open_table {
	_Atomic uint64_t *keys; /* mask + 1 slots */
	size_t mask;            /* slots - 1; slots a power of two */
	int keys_are_hashes;    /* keys already spread: probe from key */
};

/* A table over the static array `keys` (a power of two of slots).  For a
 * `static const struct open_table`, so that the inlined functions below
 * fold its fields into constants. */
#define OPEN_TABLE_INIT(keys, hashed)                                      \
	{(keys), sizeof(keys) / sizeof((keys)[0]) - 1, (hashed)}

/* A pointer as a key (NULL is not one: lookups of it find nothing). */
static inline uint64_t open_table_key_pointer(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* A hash as a key, for a table that never removes one: 0 is moved out
 * of the way of FREE. */
static inline uint64_t open_table_key_hash(uint64_t h)
{
	return h ? h : 1;
}

/* Where `key`'s probe starts.  RATIONALE: pointers are aligned and
 * clustered, so they are spread by a Fibonacci multiplication first;
 * hashes are spread already. */
static inline size_t open_table_start(const struct open_table *t,
				      uint64_t key)
{
	if (t->keys_are_hashes)
		return (size_t)key & t->mask;
	return (size_t)((key >> 4) * 0x9E3779B97F4A7C15ull) & t->mask;
}

/* The slot holding `key`, or OPEN_TABLE_NONE.  Lock-free. */
static inline size_t open_table_find(const struct open_table *t,
				     uint64_t key)
{
	size_t i = open_table_start(t, key);

	if (key == OPEN_TABLE_FREE || key == OPEN_TABLE_GONE)
		return OPEN_TABLE_NONE;
	for (size_t n = 0; n <= t->mask; n++, i = (i + 1) & t->mask) {
		uint64_t k = atomic_load(&t->keys[i]);

		if (k == key)
			return i;
		if (k == OPEN_TABLE_FREE)
			break;
	}
	return OPEN_TABLE_NONE;
}

/*
 * Claims a free or removed slot for `key` and returns it, or
 * OPEN_TABLE_NONE when the table is full.  The key is visible to lookups
 * from then on; the caller fills the slot's value after.  The caller makes
 * sure `key` is not in the table already (under its lock, or because the
 * key is new, as a file just opened is).  Lock-free: concurrent claims
 * never take the same slot.
 */
static inline size_t open_table_insert(const struct open_table *t,
				       uint64_t key)
{
	size_t i = open_table_start(t, key);

	for (size_t n = 0; n <= t->mask; n++, i = (i + 1) & t->mask) {
		uint64_t k = atomic_load(&t->keys[i]);

		if (k != OPEN_TABLE_FREE && k != OPEN_TABLE_GONE)
			continue;
		if (atomic_compare_exchange_strong(&t->keys[i], &k, key))
			return i;
	}
	return OPEN_TABLE_NONE;
}

/*
 * For a table nothing is removed from (where a key may be all ones): the
 * slot of `key`, claimed for it
 * if it is not there yet (*inserted = 1: the caller fills the value and
 * publishes it; readers of a slot they did not claim wait for that) or
 * found (*inserted = 0), or OPEN_TABLE_NONE when the table is full.
 * Lock-free: two threads inserting one key get the same slot, one of
 * them with *inserted = 1.
 */
static inline size_t open_table_find_or_insert(const struct open_table *t,
					       uint64_t key, int *inserted)
{
	size_t i = open_table_start(t, key);

	for (size_t n = 0; n <= t->mask; n++, i = (i + 1) & t->mask) {
		uint64_t k = atomic_load(&t->keys[i]);

		if (k == OPEN_TABLE_FREE &&
		    atomic_compare_exchange_strong(&t->keys[i], &k, key)) {
			*inserted = 1;
			return i;
		}
		/* k is now what the slot holds (another's claim, maybe
		 * of this very key). */
		if (k == key) {
			*inserted = 0;
			return i;
		}
	}
	*inserted = 0;
	return OPEN_TABLE_NONE;
}

/* Removes the key of slot i (found by open_table_find).  Lock-free. */
static inline void open_table_remove(const struct open_table *t, size_t i)
{
	atomic_store(&t->keys[i], OPEN_TABLE_GONE);
}

/* Empties the table: for a fork child's handler (one thread left). */
static inline void open_table_clear(const struct open_table *t)
{
	memset((void *)t->keys, 0, (t->mask + 1) * sizeof(t->keys[0]));
}

#endif
