/*
 * export_fields.c - what every export format writes: the columns, the
 * value of a field, the attribution and stack of an event (see export.h).
 *
 * Must never: keep anything per event, or write a trace string
 * unescaped.
 */
#include "export.h"

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
