/*
 * export.c - columns, values and the sink of `h5snoop export` (see
 * export.h).
 *
 * Must never: keep anything per event, or write a trace string
 * unescaped.
 */
#include "export.h"

#include <stdlib.h>
#include <string.h>

#include "escape.h"

void export_columns_init(struct export_columns *c)
{
	memset(c, 0, sizeof(*c));
	for (unsigned id = 0; id < H5SNOOP_EV_COUNT; id++) {
		const struct schema_event *e = &schema_events[id];

		for (unsigned k = 0; e->name && k < e->n_fixed + e->n_vars;
		     k++) {
			const struct schema_field *f =
				k < e->n_fixed ? &e->fixed[k]
					       : &e->vars[k - e->n_fixed];
			unsigned col;

			if (strcmp(f->name, "timestamp") == 0)
				continue;
			for (col = 0; col < c->n; col++)
				if (strcmp(c->name[col], f->name) == 0)
					break;
			if (col == c->n) {
				if (c->n == EXPORT_MAX_COLUMNS)
					continue;
				c->name[c->n++] = f->name;
			}
			c->field[id][col] = f;
		}
	}
}

/* An integer field read from `base` (a fixed part or a sequence
 * element). */
static void put_int(FILE *f, int json, const void *base,
		    const struct schema_field *fld)
{
	uint64_t x = schema_get_int(base, fld);

	if (fld->is_mem_type && x < H5SNOOP_MEM_NTYPES) {
		if (json)
			esc_json(f, h5snoop_mem_type_names[x]);
		else
			fputs(h5snoop_mem_type_names[x], f);
	} else if (fld->is_signed) {
		fprintf(f, "%lld", (long long)x);
	} else {
		fprintf(f, "%llu", (unsigned long long)x);
	}
}

void export_value(FILE *f, int json, const struct trace_event *ev,
		  const struct schema_field *fld)
{
	const struct schema_event *e = &schema_events[ev->id];
	struct schema_field el;
	unsigned v;

	if (fld->kind == SCHEMA_INT) {
		put_int(f, json, ev->u.h, fld);
		return;
	}
	v = (unsigned)(fld - e->vars);
	if (fld->kind == SCHEMA_STRING) {
		if (json)
			esc_json(f, ev->var[v]);
		else
			esc_csv(f, ev->var[v]);
		return;
	}
	/* A sequence: a JSON array, or numbers separated by spaces. */
	el = *fld;
	el.offset = 0;
	el.kind = SCHEMA_INT;
	fputs(json ? "[" : "", f);
	for (uint32_t i = 0; i < ev->var_len[v]; i++) {
		if (i)
			fputs(json ? "," : " ", f);
		put_int(f, json, ev->var[v] + (size_t)i * fld->bytes, &el);
	}
	fputs(json ? "]" : "", f);
}

void export_attrib_json(FILE *f, const struct resolved *r)
{
	fputs(",\"flavor\":", f);
	esc_json(f, r->flavor);
	fputs(",\"file\":", f);
	esc_json(f, r->file);
	fputs(",\"file_driver\":", f);
	esc_json(f, r->driver);
}

/* The frames of r joined by " < " into buf (cut to cap). */
static const char *joined_frames(const struct stack_rec *rec, char *buf,
				 size_t cap)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < rec->n && used < cap; i++) {
		char frame[512];

		sym_frame_format(&rec->frames[i], 1, frame, sizeof(frame));
		used += (size_t)snprintf(buf + used, cap - used, "%s%s",
					 i ? " < " : "", frame);
	}
	return buf;
}

void export_stack_json(const struct exporter *x, FILE *f,
		       const struct resolved *r, int array)
{
	char api[256], buf[8192];

	if (!x->stacks || r->layer == LAYER_NONE)
		return;
	if (!r->stack) {
		fputs(",\"function\":null,\"stack\":null", f);
		return;
	}
	fputs(",\"function\":", f);
	if (stack_api_name(r->stack, api, sizeof(api)))
		esc_json(f, api);
	else
		fputs("null", f);
	fputs(",\"stack\":", f);
	if (!array) {
		esc_json(f, joined_frames(r->stack, buf, sizeof(buf)));
		return;
	}
	putc('[', f);
	for (unsigned i = 0; i < r->stack->n; i++) {
		sym_frame_format(&r->stack->frames[i], 1, buf, sizeof(buf));
		if (i)
			putc(',', f);
		esc_json(f, buf);
	}
	putc(']', f);
}

void export_stack_csv(const struct exporter *x, FILE *f,
		      const struct resolved *r)
{
	char api[256], buf[8192];

	if (!x->stacks)
		return;
	putc(',', f);
	if (r->layer == LAYER_NONE || !r->stack) {
		putc(',', f);
		return;
	}
	if (stack_api_name(r->stack, api, sizeof(api)))
		esc_csv(f, api);
	putc(',', f);
	esc_csv(f, joined_frames(r->stack, buf, sizeof(buf)));
}

void export_fields_json(FILE *f, const struct trace_event *ev)
{
	const struct schema_event *e = &schema_events[ev->id];

	for (unsigned k = 1; k < e->n_fixed + e->n_vars; k++) {
		const struct schema_field *fld =
			k < e->n_fixed ? &e->fixed[k] : &e->vars[k - e->n_fixed];

		fprintf(f, ",\"%s\":", fld->name);
		export_value(f, 1, ev, fld);
	}
}

void export_init(struct exporter *x, FILE *f, enum export_format format,
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
	if (x->format == EXPORT_FORMAT_CSV)
		export_csv_header(x);
	else if (x->format == EXPORT_FORMAT_CHROME)
		export_chrome_begin(x);
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
	if (x->format == EXPORT_FORMAT_CHROME)
		export_chrome_trace(x, t, p);
	return H5SNOOP_OK;
}

static enum h5snoop_status event(void *ctx, const struct trace *t,
				 const struct trace_event *ev,
				 const struct resolved *r,
				 struct h5snoop_error *err)
{
	struct exporter *x = ctx;
	unsigned layer = r->layer == LAYER_NONE ? LAYER_VFD : r->layer;

	if (!(x->layer_mask & (1u << layer)))
		return H5SNOOP_OK;
	if (x->format == EXPORT_FORMAT_CSV)
		export_csv_row(x, t, ev, r);
	else if (x->format == EXPORT_FORMAT_JSONL)
		export_jsonl_row(x, t, ev, r);
	else
		export_chrome_row(x, t, ev, r);
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
	if (x->format == EXPORT_FORMAT_CHROME)
		export_chrome_end(x);
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
