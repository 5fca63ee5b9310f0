/*
 * export_chrome.c - the Trace Event JSON that Perfetto UI and
 * chrome://tracing open: one complete ("X") event per h5snoop event, a
 * process per trace, a thread per stream, times in microseconds since
 * the earliest trace's start (exact to the ns: printed from integers).
 *
 * Must never: write a trace string unescaped (esc_json), or keep events:
 * the JSON is streamed.
 */
#include "escape.h"
#include "export.h"

/* ns as microseconds with three decimals, from integers. */
static void put_us(FILE *f, int64_t ns)
{
	uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;

	fprintf(f, "%s%llu.%03u", ns < 0 ? "-" : "",
		(unsigned long long)(a / 1000u), (unsigned)(a % 1000u));
}

static void begin(struct exporter *x)
{
	fprintf(x->f,
		"{\"displayTimeUnit\":\"ns\",\"otherData\":{\"tool\":"
		"\"h5snoop\",\"start_unix_ns\":%lld},\"traceEvents\":[",
		(long long)x->start_unix_ns);
}

static int pid_eq(uintptr_t val, const void *key)
{
	return (long)val == *(const long *)key;
}

/* RATIONALE: Chrome's pid must be a number, unique per process; a pid
 * seen before (another host, or reused) gets a number of its own. */
static void trace(struct exporter *x, const struct trace *t,
		  const struct proc *p)
{
	FILE *f = x->f;
	char name[600];
	long pid = p->pid > 0 ? (long)p->pid : 1;

	if (map_find(&x->pids, map_hash_u64((uint64_t)pid), pid_eq, &pid))
		pid = 100000000L + (long)p->index;
	if (map_set(&x->pids, map_hash_u64((uint64_t)pid), pid_eq, &pid,
		    (uintptr_t)pid) != 0)
		pid = 100000000L + (long)p->index;
	x->chrome_pid = pid;
	fprintf(f, "%s{\"ph\":\"M\",\"pid\":%ld,\"name\":\"process_name\","
		   "\"args\":{\"name\":",
		x->rows ? "\n," : "\n", x->chrome_pid);
	snprintf(name, sizeof(name), "%s%s%s", p->name,
		 t->meta.label[0] ? " " : "", t->meta.label);
	esc_json(f, name);
	fputs("}}", f);
	x->rows++;
}

static void row(struct exporter *x, const struct trace *t,
		const struct trace_event *ev, const struct resolved *r)
{
	const struct schema_event *e = &schema_events[ev->id];
	FILE *f = x->f;
	uint64_t dur = r->duration_ns;

	(void)t;
	/* Stacks and modules are no operations: not on the time line. */
	if (r->layer == LAYER_NONE && ev->id != H5SNOOP_EV_file_open &&
	    ev->id != H5SNOOP_EV_file_close)
		return;
	if (ev->stream < x->n_threads && !x->thread_named[ev->stream]) {
		x->thread_named[ev->stream] = 1;
		fprintf(f,
			"\n,{\"ph\":\"M\",\"pid\":%ld,\"tid\":%u,\"name\":"
			"\"thread_name\",\"args\":{\"name\":\"thread %u\"}}",
			x->chrome_pid, ev->tid, ev->tid);
	}
	fprintf(f, "\n,{\"ph\":\"X\",\"pid\":%ld,\"tid\":%u,\"ts\":",
		x->chrome_pid, ev->tid);
	put_us(f, trace_diff_ns(r->start_unix_ns, x->start_unix_ns));
	fputs(",\"dur\":", f);
	put_us(f, trace_add_ns(0, dur));
	fprintf(f, ",\"cat\":\"%s\",\"name\":",
		r->layer == LAYER_NONE ? "file" : layer_names[r->layer]);
	if (ev->id == H5SNOOP_EV_vfd_read &&
	    ev->u.vfd_read->mem_type < H5SNOOP_MEM_NTYPES)
		fprintf(f, "\"read %s\"",
			h5snoop_mem_type_names[ev->u.vfd_read->mem_type]);
	else if (ev->id == H5SNOOP_EV_http_request)
		esc_json(f, ev->var[0]);
	else
		fprintf(f, "\"%s\"", e->name);
	fprintf(f, ",\"args\":{\"event\":\"%s\"", e->name);
	export_attrib_json(f, r);
	export_stack_json(x, f, r, 0);
	export_fields_json(f, ev);
	fputs("}}", f);
}

static void end(struct exporter *x)
{
	fputs("\n]}\n", x->f);
}

const struct export_format export_chrome = {"chrome", begin, trace, row,
					    end};
