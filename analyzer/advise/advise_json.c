/*
 * advise_json.c - `h5snoop advise --format json`: the runs with their
 * recorded latency and bandwidth, and the findings, most costly first,
 * with costs in seconds and the remedy as lines.
 *
 * Must never: write a trace's text unescaped (esc_json), or a number
 * JSON cannot hold (non-finite values are written as null).
 */
#include <math.h>
#include <string.h>

#include "advise.h"
#include "escape.h"

static void put_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.6g", v);
	else
		fputs("null", f);
}

/* The remedy's lines as a JSON array of strings. */
static void put_lines(FILE *f, const char *text)
{
	char line[1024];
	const char *p = text;
	int first = 1;

	fputc('[', f);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, p, len);
		line[len] = '\0';
		fputs(first ? "" : ", ", f);
		esc_json(f, line);
		first = 0;
		p = nl ? nl + 1 : p + strlen(p);
	}
	fputc(']', f);
}

static void put_subject(FILE *f, const struct advise_subject *s,
			double rtt_s)
{
	fputs("{\"label\": ", f);
	esc_json(f, s->label);
	fputs(", \"file\": ", f);
	esc_json(f, s->file);
	fputs(", \"driver\": ", f);
	esc_json(f, s->driver);
	fprintf(f, ", \"file_size\": %llu, \"driver_reads\": %llu, "
		   "\"http_requests\": %llu, \"wall_s\": ",
		(unsigned long long)s->file_size,
		(unsigned long long)s->reads, (unsigned long long)s->http);
	put_num(f, advise_wall_s(s));
	fputs(", \"latency_s\": ", f);
	put_num(f, advise_latency_s(s));
	fputs(", \"bandwidth_bytes_per_s\": ", f);
	put_num(f, advise_bandwidth(s));
	fprintf(f, ", \"driver_bytes\": %llu, \"http_bytes\": %llu, "
		   "\"heads\": %llu, \"saveable_s\": ",
		(unsigned long long)s->read_bytes,
		(unsigned long long)s->http_bytes,
		(unsigned long long)s->heads);
	put_num(f, advise_saveable_s(s, 0));
	fputs(", \"saveable_rtt_s\": ", f);
	put_num(f, advise_saveable_s(s, rtt_s));
	if (s->pred && s->pred->refused[0]) {
		fputs(", \"what_if\": {\"refused\": ", f);
		esc_json(f, s->pred->refused);
		fputc('}', f);
	} else if (s->pred) {
		fprintf(f, ", \"what_if\": {\"requests\": %llu, "
			   "\"bytes\": %llu, \"time_s\": ",
			(unsigned long long)s->pred->requests,
			(unsigned long long)s->pred->bytes);
		put_num(f, advise_whatif_time_s(s, s->pred, rtt_s));
		fputc('}', f);
	}
	fputc('}', f);
}

enum h5snoop_status advise_write_json(FILE *f, const struct advise *a,
				      struct h5snoop_error *err)
{
	int first = 1;

	fputs("{\"rtt_s\": ", f);
	if (a->rtt_s > 0)
		put_num(f, a->rtt_s);
	else
		fputs("null", f);
	fputs(", \"what_if\": ", f);
	if (a->what_if)
		esc_json(f, a->model.name);
	else
		fputs("null", f);
	fprintf(f, ", \"traces\": %zu, \"events_not_advised\": %llu,\n "
		   "\"runs\": [",
		a->summary.traces, (unsigned long long)a->left_out_events);
	for (size_t i = 0; i < a->n_subjects; i++) {
		if (!a->subjects[i] || advise_probe_only(a->subjects[i]))
			continue;
		fputs(first ? "\n  " : ",\n  ", f);
		put_subject(f, a->subjects[i], a->rtt_s);
		first = 0;
	}
	fputs("],\n \"size_probes\": [", f);
	first = 1;
	for (size_t i = 0; i < a->n_subjects; i++) {
		const struct advise_subject *s = a->subjects[i];

		if (!s || !advise_probe_only(s))
			continue;
		fputs(first ? "\n  {\"label\": " : ",\n  {\"label\": ", f);
		esc_json(f, s->label);
		fputs(", \"file\": ", f);
		esc_json(f, s->file);
		fprintf(f, ", \"heads\": %llu}", (unsigned long long)s->heads);
		first = 0;
	}
	fputs("],\n \"findings\": [", f);
	for (size_t i = 0; i < a->n_findings; i++) {
		const struct advise_finding *fd = &a->findings[i];

		fprintf(f, "%s\n  {\"rank\": %zu, \"rule\": \"%s\", "
			   "\"title\": \"%s\", \"label\": ",
			i ? "," : "", i + 1, fd->rule->id, fd->rule->title);
		esc_json(f, fd->s->label);
		fputs(", \"file\": ", f);
		esc_json(f, fd->s->file);
		fputs(", \"cost_s\": ", f);
		put_num(f, fd->cost_s);
		fputs(", \"cost_rtt_s\": ", f);
		put_num(f, fd->cost_rtt_s);
		fputs(", \"cost_alone_s\": ", f);
		put_num(f, fd->alone_s);
		fputs(", \"cost_rtt_alone_s\": ", f);
		put_num(f, fd->alone_rtt_s);
		fputs(", \"absorbed\": ", f);
		if (fd->absorbed)
			fprintf(f, "\"%s\"", fd->absorbed);
		else
			fputs("null", f);
		fputs(", \"wall_s\": ", f);
		put_num(f, fd->wall_s);
		fputs(", \"latency_s\": ", f);
		put_num(f, fd->rtt_s);
		fputs(", \"evidence\": ", f);
		esc_json(f, fd->evidence);
		fputs(", \"call_sites\": [", f);
		if (fd->sites >= 0) {
			const struct advise_site *v = fd->s->sites[fd->sites];

			for (unsigned k = 0; k < ADVISE_SITES && v[k].n; k++) {
				fputs(k ? ", {\"function\": " :
					  "{\"function\": ", f);
				esc_json(f, v[k].name);
				fprintf(f, ", \"requests\": %llu}",
					(unsigned long long)v[k].n);
			}
		}
		fputs("], \"remedy\": ", f);
		put_lines(f, fd->remedy);
		fputc('}', f);
	}
	fputs("]}\n", f);
	if (ferror(f))
		return diag_fail(err, "cannot write the advice");
	return H5SNOOP_OK;
}
