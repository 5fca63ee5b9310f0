/*
 * export_jsonl.c - one JSON object per line and event: the common keys
 * of export.h, then the event's own fields.
 *
 * Must never: write a trace string unescaped (esc_json).
 */
#include "escape.h"
#include "export.h"

static void row(struct exporter *x, const struct trace *t,
		const struct trace_event *ev, const struct resolved *r)
{
	const struct schema_event *e = &schema_events[ev->id];
	FILE *f = x->f;

	fputs("{\"trace\":", f);
	esc_json(f, t->path);
	fputs(",\"host\":", f);
	esc_json(f, t->meta.hostname);
	fprintf(f, ",\"pid\":%lld,\"tid\":%u,\"label\":", t->meta.pid,
		ev->tid);
	esc_json(f, t->meta.label);
	fprintf(f, ",\"event\":\"%s\",\"time_unix_ns\":%lld,\"ts_ns\":%llu",
		e->name, (long long)r->start_unix_ns,
		(unsigned long long)ev->ts);
	if (r->layer != LAYER_NONE)
		fprintf(f, ",\"layer\":\"%s\"", layer_names[r->layer]);
	export_attrib_json(f, r);
	export_stack_json(x, f, r, 1);
	export_fields_json(f, ev);
	fputs("}\n", f);
}

const struct export_format export_jsonl = {"jsonl", NULL, NULL, row, NULL};
