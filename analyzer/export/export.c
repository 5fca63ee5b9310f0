/*
 * export.c - the sink of `h5snoop export`: hands each event of the shown
 * layers to the format's row writer (export.h), and the table of formats.
 *
 * Must never: keep anything per event, or know a format but through its
 * table row.
 */
#include "export.h"

#include <stdlib.h>
#include <string.h>

/* The formats of `export --format`; the first is the default.  Adding a
 * format is one file defining its struct export_format, and a row here. */
static const struct export_format *const formats[] = {
	&export_csv,
	&export_jsonl,
	&export_chrome,
};

const struct export_format *export_format_find(const char *name)
{
	if (!name)
		return formats[0];
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(formats[i]->name, name) == 0)
			return formats[i];
	return NULL;
}

void export_init(struct exporter *x, FILE *f,
		 const struct export_format *format,
		 unsigned layer_mask)
{
	memset(x, 0, sizeof(*x));
	x->f = f;
	x->format = format;
	x->layer_mask = layer_mask;
	export_columns_init(&x->cols);
}

static enum h5snoop_status begin_run(void *ctx, const struct run_info *info,
				     struct h5snoop_error *err)
{
	struct exporter *x = ctx;

	(void)err;
	x->start_unix_ns = info->start_unix_ns;
	if (x->format->begin)
		x->format->begin(x);
	return H5SNOOP_OK;
}

static enum h5snoop_status begin_trace(void *ctx, const struct trace *t,
				       const struct proc *p,
				       struct h5snoop_error *err)
{
	struct exporter *x = ctx;

	free(x->thread_named);
	x->n_threads = t->n_streams;
	x->thread_named = calloc(t->n_streams ? t->n_streams : 1, 1);
	if (!x->thread_named)
		return diag_nomem(err);
	if (x->format->trace)
		x->format->trace(x, t, p);
	return H5SNOOP_OK;
}

static enum h5snoop_status event(void *ctx, const struct trace *t,
				 const struct trace_event *ev,
				 const struct resolved *r,
				 struct h5snoop_error *err)
{
	struct exporter *x = ctx;
	unsigned layer = r->layer == LAYER_NONE ? LAYER_VFD : r->layer;

	/* A restated definition (ring) is a copy, not a row of the program. */
	if (!(x->layer_mask & (1u << layer)) ||
	    h5snoop_event_restated(ev->id))
		return H5SNOOP_OK;
	x->format->row(x, t, ev, r);
	x->rows++;
	/* NOTE: a full disk shows here, not after 10^7 more rows. */
	if ((x->rows & 0xFFFF) == 0 && ferror(x->f))
		return diag_fail(err, "cannot write the export");
	return H5SNOOP_OK;
}

struct run_sink export_sink(struct exporter *x)
{
	return (struct run_sink){.ctx = x, .begin_run = begin_run,
				 .begin_trace = begin_trace, .event = event};
}

enum h5snoop_status export_finish(struct exporter *x,
				  struct h5snoop_error *err)
{
	if (x->format->end)
		x->format->end(x);
	if (ferror(x->f))
		return diag_fail(err, "cannot write the export");
	return H5SNOOP_OK;
}

void export_free(struct exporter *x)
{
	free(x->thread_named);
	x->thread_named = NULL;
	map_free(&x->pids);
}
