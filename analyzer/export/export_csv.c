/*
 * export_csv.c - one CSV row per event (see export.h for the columns).
 *
 * Must never: write a trace string unquoted (esc_csv).
 */
#include "escape.h"
#include "export.h"

static const char common[] =
	"trace,host,pid,tid,label,event,time_unix_ns,ts_ns,layer,flavor,"
	"file,file_driver";

static void header(struct exporter *x)
{
	fputs(common, x->f);
	for (unsigned c = 0; c < x->cols.n; c++)
		fprintf(x->f, ",%s", x->cols.name[c]);
	if (x->stacks)
		fputs(",function,stack", x->f);
	putc('\n', x->f);
}

static void row(struct exporter *x, const struct trace *t,
		const struct trace_event *ev, const struct resolved *r)
{
	FILE *f = x->f;

	esc_csv(f, t->path);
	putc(',', f);
	esc_csv(f, t->meta.hostname);
	fprintf(f, ",%lld,%u,", t->meta.pid, ev->tid);
	esc_csv(f, t->meta.label);
	fprintf(f, ",%s,%lld,%llu,%s,", schema_events[ev->id].name,
		(long long)r->start_unix_ns, (unsigned long long)ev->ts,
		r->layer == LAYER_NONE ? "" : layer_names[r->layer]);
	esc_csv(f, r->flavor);
	putc(',', f);
	esc_csv(f, r->file);
	putc(',', f);
	esc_csv(f, r->driver);
	for (unsigned c = 0; c < x->cols.n; c++) {
		const struct schema_field *fld = x->cols.field[ev->id][c];

		putc(',', f);
		if (fld)
			export_value(f, 0, ev, fld);
	}
	export_stack_csv(x, f, r);
	putc('\n', f);
}

const struct export_format export_csv = {"csv", header, NULL, row, NULL};
