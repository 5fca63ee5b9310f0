/*
 * map.h - a small open-addressing hash map from a 64-bit hash to a
 * non-zero uintptr_t; the caller's `eq` tells entries with the same hash
 * apart.  Used for file ids, file names, group keys.
 */
#ifndef H5SNOOP_MAP_H
#define H5SNOOP_MAP_H

#include <stddef.h>
#include <stdint.h>

struct map_slot {
	uint64_t hash;
	uintptr_t val; /* 0: empty */
};

struct map {
	struct map_slot *slots;
	size_t cap; /* power of two, or 0 */
	size_t n;
};

typedef int (*map_eq_fn)(uintptr_t val, const void *key);

/* The value stored for key, or 0. */
uintptr_t map_find(const struct map *m, uint64_t hash, map_eq_fn eq,
		   const void *key);

/* Stores val (non-zero) for key, replacing an equal entry.  Returns 0, or
 * -1 when out of memory (the map is unchanged). */
int map_set(struct map *m, uint64_t hash, map_eq_fn eq, const void *key,
	    uintptr_t val);

void map_free(struct map *m);

uint64_t map_hash_bytes(const void *p, size_t len);
uint64_t map_hash_str(const char *s);
uint64_t map_hash_u64(uint64_t v);

#endif
