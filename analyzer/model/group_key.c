/*
 * group_key.c - --by fields and the group table (see group_key.h).
 *
 * Must never: cut a key (long keys are allocated), or print.
 */
#include "group_key.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const group_by_names[GROUP_BY_COUNT] = {
#define GROUP_BY_NAME(up, low) #low,
	GROUP_BY_FIELDS(GROUP_BY_NAME)
#undef GROUP_BY_NAME
};

int group_by_parse(const char *name)
{
	/* NOTE: "label" is the record-time option's name for a run. */
	if (strcmp(name, "label") == 0)
		return GROUP_BY_RUN;
	for (int i = 0; i < GROUP_BY_COUNT; i++)
		if (strcmp(name, group_by_names[i]) == 0)
			return i;
	return -1;
}

struct key_probe {
	const struct group_table *t;
	const char *key;
};

static int key_eq(uintptr_t val, const void *probe)
{
	const struct key_probe *p = probe;

	return strcmp(p->t->keys[val - 1], p->key) == 0;
}

/* Joins the values into buf; returns the length (may exceed cap). */
static size_t join(const struct group_table *t, const struct group_values *v,
		   char *buf, size_t cap)
{
	size_t len = 0;

	for (unsigned i = 0; i < t->n_by; i++) {
		const char *s = v->v[t->by[i]] ? v->v[t->by[i]] : "?";
		size_t n = strlen(s);

		if (i > 0) {
			if (len + 1 < cap)
				buf[len] = '/';
			len++;
		}
		if (len < cap)
			memcpy(buf + len, s, len + n < cap ? n : cap - len - 1);
		len += n;
	}
	buf[len < cap ? len : cap - 1] = '\0';
	return len;
}

long group_table_find(const struct group_table *t, const char *key)
{
	struct key_probe p = {t, key};
	uintptr_t val = map_find(&t->index, map_hash_str(key), key_eq, &p);

	return val ? (long)val - 1 : -1;
}

enum h5snoop_status group_table_intern(struct group_table *t,
				       const struct group_values *v,
				       uint32_t *index,
				       struct h5snoop_error *err)
{
	char stack[1024], *key = stack;
	size_t len = join(t, v, stack, sizeof(stack));
	long found;

	if (len >= sizeof(stack)) {
		key = malloc(len + 1);
		if (!key)
			return diag_nomem(err);
		join(t, v, key, len + 1);
	}
	found = group_table_find(t, key);
	if (found >= 0) {
		*index = (uint32_t)found;
		if (key != stack)
			free(key);
		return H5SNOOP_OK;
	}
	if (t->n == t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 8;
		char **keys = realloc(t->keys, cap * sizeof(*keys));
		char **values;

		if (!keys)
			goto nomem;
		t->keys = keys;
		values = realloc(t->values,
				 (size_t)cap * t->n_by * sizeof(*values));
		if (!values)
			goto nomem;
		t->values = values;
		t->cap = cap;
	}
	for (unsigned k = 0; k < t->n_by; k++) {
		const char *s = v->v[t->by[k]] ? v->v[t->by[k]] : "?";

		t->values[t->n * t->n_by + k] = strdup(s);
		if (!t->values[t->n * t->n_by + k]) {
			while (k-- > 0)
				free(t->values[t->n * t->n_by + k]);
			goto nomem;
		}
	}
	t->keys[t->n] = key == stack ? strdup(stack) : key;
	if (!t->keys[t->n]) {
		for (unsigned k = 0; k < t->n_by; k++)
			free(t->values[t->n * t->n_by + k]);
		return diag_nomem(err);
	}
	{
		struct key_probe p = {t, t->keys[t->n]};

		if (map_set(&t->index, map_hash_str(t->keys[t->n]), key_eq,
			    &p, (uintptr_t)t->n + 1) != 0) {
			free(t->keys[t->n]);
			for (unsigned k = 0; k < t->n_by; k++)
				free(t->values[t->n * t->n_by + k]);
			return diag_nomem(err);
		}
	}
	*index = t->n++;
	return H5SNOOP_OK;
nomem:
	if (key != stack)
		free(key);
	return diag_nomem(err);
}

void group_table_free(struct group_table *t)
{
	for (uint32_t i = 0; i < t->n; i++) {
		free(t->keys[i]);
		for (unsigned k = 0; k < t->n_by; k++)
			free(t->values[i * t->n_by + k]);
	}
	free(t->keys);
	free(t->values);
	t->values = NULL;
	map_free(&t->index);
	t->keys = NULL;
	t->n = t->cap = 0;
}

char *group_stem(char *out, size_t cap, const char *name)
{
	const char *start = name, *end, *p, *dot = NULL;
	const char *scheme = strstr(name, "://");

	if (scheme) {
		/* Skip the authority: the path starts at the next '/'. */
		start = strchr(scheme + 3, '/');
		if (!start)
			start = scheme + 3 + strlen(scheme + 3);
	}
	end = start + strcspn(start, scheme ? "?#" : "");
	for (p = start; p < end; p++)
		if (*p == '/')
			start = p + 1;
	for (p = start; p < end; p++)
		if (*p == '.' && p > start)
			dot = p;
	if (dot)
		end = dot;
	snprintf(out, cap, "%.*s", (int)(end - start), start);
	return out;
}
