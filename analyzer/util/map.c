/*
 * map.c - open-addressing hash map (see map.h).
 *
 * Must never: store 0 (it marks an empty slot).
 */
#include "map.h"

#include <stdlib.h>
#include <string.h>

uint64_t map_hash_bytes(const void *p, size_t len)
{
	const unsigned char *s = p;
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (size_t i = 0; i < len; i++) {
		h ^= s[i];
		h *= 1099511628211ull;
	}
	return h;
}

uint64_t map_hash_str(const char *s)
{
	return map_hash_bytes(s, strlen(s));
}

uint64_t map_hash_u64(uint64_t v)
{
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdull;
	v ^= v >> 33;
	return v;
}

uintptr_t map_find(const struct map *m, uint64_t hash, map_eq_fn eq,
		   const void *key)
{
	if (m->cap == 0)
		return 0;
	for (size_t i = hash & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		const struct map_slot *s = &m->slots[i];

		if (s->val == 0)
			return 0;
		if (s->hash == hash && eq(s->val, key))
			return s->val;
	}
}

static int grow(struct map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 16;
	struct map_slot *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -1;
	for (size_t i = 0; i < m->cap; i++) {
		size_t j;

		if (m->slots[i].val == 0)
			continue;
		for (j = m->slots[i].hash & (cap - 1); slots[j].val;
		     j = (j + 1) & (cap - 1))
			;
		slots[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return 0;
}

int map_set(struct map *m, uint64_t hash, map_eq_fn eq, const void *key,
	    uintptr_t val)
{
	size_t i;

	if ((m->n + 1) * 4 > m->cap * 3 && grow(m) != 0)
		return -1;
	for (i = hash & (m->cap - 1); m->slots[i].val;
	     i = (i + 1) & (m->cap - 1)) {
		if (m->slots[i].hash == hash && eq(m->slots[i].val, key)) {
			m->slots[i].val = val;
			return 0;
		}
	}
	m->slots[i].hash = hash;
	m->slots[i].val = val;
	m->n++;
	return 0;
}

void map_free(struct map *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}
