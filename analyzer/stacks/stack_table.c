/*
 * stack_table.c - stacks of a process by id, symbolized once, and their
 * attribution to an HDF5 API call and a call site (see stack_table.h).
 *
 * Must never: print, exit, or trust a stack_id or frame count of the
 * trace (a stack may be missing, repeated or empty).
 */
#include "stack_table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


void stack_table_set_parent(struct stack_table *t,
			    struct stack_table *parent)
{
	t->parent = parent;
	t->modules.parent = parent ? &parent->modules : NULL;
}

enum h5snoop_status stack_table_add_module(struct stack_table *t,
					   uint64_t base, uint64_t start,
					   uint64_t end, const char *path,
					   const uint8_t *build_id,
					   size_t build_id_len,
					   struct h5snoop_error *err)
{
	return sym_modules_add(&t->modules, base, start, end, path, build_id,
			       build_id_len, err);
}

static int index_eq(uintptr_t val, const void *key)
{
	(void)val;
	(void)key;
	/* NOTE: map_hash_u64 is a bijection (xor-shifts and an odd
	 * multiplier), so an equal hash is an equal stack_id. */
	return 1;
}

static struct stack_rec *find_own(const struct stack_table *t, uint32_t id)
{
	uintptr_t i = map_find(&t->by_id, map_hash_u64(id), index_eq, &id);

	return i ? &t->v[i - 1] : NULL;
}

enum h5snoop_status stack_table_add(struct stack_table *t, uint32_t id,
				    const uint64_t *pcs, unsigned n,
				    struct h5snoop_error *err)
{
	struct stack_rec *r;

	if (id == 0 || find_own(t, id))
		return H5SNOOP_OK;
	if (n > UINT8_MAX)
		n = UINT8_MAX;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct stack_rec *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return diag_nomem(err);
		t->v = v;
		t->cap = cap;
	}
	r = &t->v[t->n];
	memset(r, 0, sizeof(*r));
	r->id = id;
	r->n_pcs = (uint8_t)n;
	r->api = -1;
	r->pcs = malloc(n ? n * sizeof(*pcs) : 1);
	if (!r->pcs)
		return diag_nomem(err);
	if (n)
		memcpy(r->pcs, pcs, n * sizeof(*pcs));
	if (map_set(&t->by_id, map_hash_u64(id), index_eq, &id,
		    (uintptr_t)t->n + 1) != 0) {
		free(r->pcs);
		return diag_nomem(err);
	}
	t->n++;
	return H5SNOOP_OK;
}

/* Length of a symbol name without a compiler suffix (".cold",
 * ".part.0", ".isra.0", ".constprop.0"). */
static size_t base_len(const char *name)
{
	const char *dot = strchr(name, '.');

	return dot ? (size_t)(dot - name) : strlen(name);
}

int stack_is_api_name(const char *name)
{
	const char *p = name;

	if (strncmp(p, "H5", 2) != 0)
		return 0;
	p += 2;
	while (*p >= 'A' && *p <= 'Z')
		p++;
	return *p >= 'a' && *p <= 'z';
}

static int in_hdf5(const struct sym_frame *f)
{
	return (f->module && strncmp(f->module, "libhdf5", 7) == 0) ||
	       (f->function && strncmp(f->function, "H5", 2) == 0);
}

/* See stack_table.h: the outermost API name of the innermost HDF5 run. */
static int api_frame(const struct sym_frame *f, unsigned n)
{
	unsigned i = 0;
	int api = -1;

	while (i < n && !in_hdf5(&f[i]))
		i++;
	for (; i < n && in_hdf5(&f[i]); i++)
		if (f[i].function && stack_is_api_name(f[i].function))
			api = (int)i;
	return api;
}

static enum h5snoop_status symbolize(struct stack_table *t,
				     struct symbolizer *s,
				     struct stack_rec *r,
				     struct h5snoop_error *err)
{
	r->frames = calloc(r->n_pcs ? r->n_pcs : 1, sizeof(*r->frames));
	if (!r->frames)
		return diag_nomem(err);
	r->n = 0;
	for (unsigned i = 0; i < r->n_pcs; i++) {
		struct sym_frame *f = &r->frames[r->n];

		if (symbolizer_frame(s, &t->modules, r->pcs[i], f, err) !=
		    H5SNOOP_OK)
			return H5SNOOP_ERROR;
		if (!f->module || strcmp(f->module, "libh5snoop.so") != 0)
			r->n++;
	}
	r->api = api_frame(r->frames, r->n);
	return H5SNOOP_OK;
}

enum h5snoop_status stack_table_get(struct stack_table *t,
				    struct symbolizer *s, uint32_t id,
				    const struct stack_rec **out,
				    struct h5snoop_error *err)
{
	struct stack_rec *r = NULL;
	int hop = 0;

	*out = NULL;
	if (id == 0)
		return H5SNOOP_OK;
	/* Bounded, in case a broken trace makes processes each other's
	 * parents. */
	for (; t && hop < 64 && !r; hop++) {
		r = find_own(t, id);
		if (!r)
			t = t->parent;
	}
	if (!r)
		return H5SNOOP_OK;
	if (!r->frames && symbolize(t, s, r, err) != H5SNOOP_OK)
		return H5SNOOP_ERROR;
	*out = r;
	return H5SNOOP_OK;
}

int stack_table_ready(const struct stack_table *t, uint32_t id)
{
	const struct stack_rec *r;

	if (id == 0)
		return 1;
	r = find_own(t, id);
	if (!r)
		return 0;
	if (r->frames)
		return 1;
	for (unsigned i = 0; i < r->n_pcs; i++)
		if (!sym_modules_find(&t->modules, r->pcs[i]))
			return 0;
	return 1;
}

enum h5snoop_status stack_table_add_event(struct stack_table *t,
					  const struct trace_event *ev,
					  struct h5snoop_error *err)
{
	/* A restated stack or module (ring chunks) defines as the
	 * original: a stack_id defined twice keeps its first frames. */
	unsigned id = h5snoop_event_original(ev->id);

	if (id == H5SNOOP_EV_stack) {
		uint64_t pcs[UINT8_MAX];
		uint32_t n = ev->var_len[0];

		if (n > UINT8_MAX)
			n = UINT8_MAX;
		/* NOTE: the frames are packed in the packet: unaligned. */
		memcpy(pcs, ev->var[0], n * sizeof(*pcs));
		return stack_table_add(t, ev->u.stack->stack_id, pcs, n, err);
	}
	if (id == H5SNOOP_EV_module) {
		const struct h5snoop_ev_module *m = ev->u.module;

		if (ev->id == H5SNOOP_EV_module_restated &&
		    sym_modules_has(&t->modules, m->base, m->start, m->end,
				    ev->var[0]))
			return H5SNOOP_OK;
		return stack_table_add_module(t, m->base, m->start, m->end,
					      ev->var[0],
					      (const uint8_t *)ev->var[1],
					      ev->var_len[1], err);
	}
	return H5SNOOP_OK;
}

void stack_table_free(struct stack_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].pcs);
		free(t->v[i].frames);
	}
	free(t->v);
	map_free(&t->by_id);
	sym_modules_free(&t->modules);
	memset(t, 0, sizeof(*t));
}

const char *stack_api_name(const struct stack_rec *r, char *buf,
			   size_t cap)
{
	const char *name;
	size_t len;

	if (!r || !r->frames || r->api < 0 || cap == 0)
		return NULL;
	name = r->frames[r->api].function;
	len = base_len(name);
	if (len >= cap)
		len = cap - 1;
	memcpy(buf, name, len);
	buf[len] = '\0';
	return buf;
}

int stack_has_function(const struct stack_rec *r, const char *name)
{
	size_t len = strlen(name);

	if (!r || !r->frames)
		return 0;
	for (unsigned i = 0; i < r->n; i++) {
		const char *f = r->frames[i].function;

		if (f && base_len(f) == len && strncmp(f, name, len) == 0)
			return 1;
	}
	return 0;
}

char *stack_site(const struct stack_rec *r, unsigned depth, char *buf,
		 size_t cap)
{
	size_t used = 0;
	unsigned first, shown = 0;

	if (cap == 0)
		return buf;
	buf[0] = '\0';
	if (!r || !r->frames)
		return buf;
	first = r->api >= 0 ? (unsigned)r->api : 0;
	for (unsigned i = first; i < r->n && shown < depth; i++, shown++) {
		char frame[512];

		sym_frame_format(&r->frames[i], 0, frame, sizeof(frame));
		used += (size_t)snprintf(buf + used, cap - used, "%s%s",
					 shown ? " < " : "", frame);
		if (used >= cap)
			break;
	}
	return buf;
}
