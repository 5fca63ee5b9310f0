/*
 * tally.c - per process and per file figures (see tally.h).
 *
 * Must never: print; keep anything per request.
 */
#include "tally.h"

#include "aggregate.h"

#include <stdlib.h>
#include <string.h>

void tally_init(struct tally *t)
{
	memset(t, 0, sizeof(*t));
}

static void free_rows(struct tally_row *rows, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		free(rows[i].name);
		free(rows[i].label);
	}
	free(rows);
}

void tally_free(struct tally *t)
{
	free_rows(t->procs, t->n_procs);
	free_rows(t->files, t->n_files);
	map_free(&t->by_name);
	memset(t, 0, sizeof(*t));
}

static void restart(void *ctx)
{
	tally_free(ctx);
	tally_init(ctx);
}

static int set_names(struct tally_row *row, const char *name,
		     const char *label)
{
	row->name = strdup(name);
	row->label = strdup(label);
	return row->name && row->label ? 0 : -1;
}

static enum h5snoop_status begin_trace(void *ctx, const struct trace *tr,
				       const struct proc *p,
				       struct h5snoop_error *err)
{
	struct tally *t = ctx;

	(void)tr;
	t->cur = p;
	if (p->index < t->n_procs)
		return H5SNOOP_OK;
	{
		struct tally_row *v = realloc(t->procs, (p->index + 1) *
							      sizeof(*v));

		if (!v)
			return diag_nomem(err);
		memset(v + t->n_procs, 0,
		       (p->index + 1 - t->n_procs) * sizeof(*v));
		t->procs = v;
		t->n_procs = p->index + 1;
	}
	if (set_names(&t->procs[p->index], p->name, p->label) != 0)
		return diag_nomem(err);
	return H5SNOOP_OK;
}

/* A file name looked up in the map, which holds row indexes + 1. */
struct file_key {
	const struct tally *t;
	const char *name;
};

static int eq_name(uintptr_t val, const void *key)
{
	const struct file_key *k = key;

	return strcmp(k->t->files[val - 1].name, k->name) == 0;
}

/* The row of file `name`, added if new; NULL out of memory. */
static struct tally_row *file_row(struct tally *t, const char *name,
				  const char *driver)
{
	struct file_key key = {t, name};
	uint64_t h = map_hash_str(name);
	uintptr_t v = map_find(&t->by_name, h, eq_name, &key);
	struct tally_row *row;

	if (v)
		return &t->files[v - 1];
	if (t->n_files == t->cap_files) {
		uint32_t cap = t->cap_files ? 2 * t->cap_files : 64;
		struct tally_row *nv = realloc(t->files, cap * sizeof(*nv));

		if (!nv)
			return NULL;
		t->files = nv;
		t->cap_files = cap;
	}
	row = &t->files[t->n_files];
	memset(row, 0, sizeof(*row));
	if (set_names(row, name, driver) != 0 ||
	    map_set(&t->by_name, h, eq_name, &key,
		    (uintptr_t)t->n_files + 1) != 0) {
		free(row->name);
		free(row->label);
		return NULL;
	}
	t->n_files++;
	return row;
}

static void add(struct tally_row *row, const struct trace_event *ev,
		const struct resolved *r)
{
	int64_t end = trace_add_ns(r->start_unix_ns, r->duration_ns);

	row->requests[r->layer]++;
	row->bytes[r->layer] += r->layer == LAYER_HTTP
					? ev->u.http_request->bytes
					: r->size;
	row->busy_ns[r->layer] += r->duration_ns;
	row->failed += r->failed != 0;
	if (r->file_size > row->file_size)
		row->file_size = r->file_size;
	if (!row->first_ns || r->start_unix_ns < row->first_ns)
		row->first_ns = r->start_unix_ns;
	if (end > row->last_end_ns)
		row->last_end_ns = end;
}

static enum h5snoop_status event(void *ctx, const struct trace *tr,
				 const struct trace_event *ev,
				 const struct resolved *r,
				 struct h5snoop_error *err)
{
	struct tally *t = ctx;
	struct tally_row *file;

	(void)tr;
	if (r->layer == LAYER_NONE)
		return H5SNOOP_OK;
	if (t->cur && t->cur->index < t->n_procs)
		add(&t->procs[t->cur->index], ev, r);
	file = file_row(t, r->file, r->driver);
	if (!file)
		return diag_nomem(err);
	add(file, ev, r);
	return H5SNOOP_OK;
}

struct run_sink tally_sink(struct tally *t)
{
	return (struct run_sink){.ctx = t, .begin_trace = begin_trace,
				 .event = event, .restart = restart};
}

static uint64_t row_requests(const void *rows, uint32_t i)
{
	const struct tally_row *row = (const struct tally_row *)rows + i;

	return row->requests[LAYER_VFD] + row->requests[LAYER_HTTP];
}

enum h5snoop_status tally_rank(const struct tally_row *rows, uint32_t n,
			       uint32_t **out, struct h5snoop_error *err)
{
	*out = malloc((n ? n : 1) * sizeof(**out));
	if (!*out)
		return diag_nomem(err);
	for (uint32_t i = 0; i < n; i++)
		(*out)[i] = i;
	if (agg_rank_by(*out, n, row_requests, rows, err) != H5SNOOP_OK) {
		free(*out);
		*out = NULL;
		return H5SNOOP_ERROR;
	}
	return H5SNOOP_OK;
}
