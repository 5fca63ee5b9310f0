/*
 * report_findings.c - the report's short findings section: the most
 * costly findings of `h5snoop advise` on the same traces, one line each,
 * in the text, csv and json reports (the filler is cli/cmd_report.c).
 *
 * Must never: write a string from a trace unescaped, or explain a
 * finding (advise does: the section points there).
 */
#include <math.h>

#include "escape.h"
#include "report.h"
#include "units.h"

/* The share of the run's time a finding costs, in percent, or -1. */
static double share_pct(const struct report_finding *fd)
{
	if (!(fd->wall_s > 0) || !isfinite(fd->cost_s))
		return -1;
	return 100.0 * fd->cost_s / fd->wall_s;
}

static uint64_t to_ns(double s)
{
	if (!(s > 0))
		return 0;
	if (s > 1e9)
		return (uint64_t)1e18;
	return (uint64_t)(s * 1e9 + 0.5);
}

void report_findings_text(FILE *f, const struct report *r)
{
	char b1[32], b2[32];

	if (!r->findings)
		return;
	if (r->findings_total == 0)
		fputs("\nfindings: none (h5snoop advise found nothing that "
		      "costs these runs time)\n",
		      f);
	else
		fprintf(f, "\nfindings: %zu, most costly first (at each "
			   "run's recorded latency); `h5snoop advise` shows "
			   "their evidence and remedies\n",
			r->findings_total);
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct report_finding *fd = &r->findings[i];
		double pct = share_pct(fd);

		fprintf(f, "  %zu. %-19s %s", i + 1, fd->rule,
			units_ns(b1, sizeof(b1), to_ns(fd->cost_s)));
		if (pct >= 0)
			fprintf(f, ", %.0f%% of %s", pct,
				units_ns(b2, sizeof(b2), to_ns(fd->wall_s)));
		fputs(": ", f);
		if (fd->label[0]) {
			esc_text(f, fd->label);
			fputs(", ", f);
		}
		esc_text(f, fd->file);
		putc('\n', f);
	}
	if (r->findings_total > r->n_findings)
		fprintf(f, "  (%zu more)\n", r->findings_total - r->n_findings);
	if (r->findings_left_out)
		fprintf(f, "  (%llu events of runs of a file past the first "
			   "ones not advised)\n",
			(unsigned long long)r->findings_left_out);
}

void report_findings_csv(FILE *f, const struct report *r)
{
	if (!r->findings)
		return;
	/* NOTE: the group cell names the run as advise does, label and
	 * file; the by_ cells stay empty (a finding is about a run of a
	 * file, whatever --by groups). */
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct report_finding *fd = &r->findings[i];
		double pct = share_pct(fd);
		char run[1536];

		snprintf(run, sizeof(run), "%s%s%s", fd->label,
			 fd->label[0] ? "/" : "", fd->file);
		esc_csv(f, run);
		fprintf(f, ",finding,%s,,", fd->rule);
		if (pct >= 0)
			fprintf(f, "%.6f", pct / 100.0);
		/* group_span_ns and baseline (out_csv.c) stay empty. */
		fprintf(f, ",,%llu,,,,,,,,,,%llu,,",
			(unsigned long long)to_ns(fd->cost_s),
			(unsigned long long)to_ns(fd->wall_s));
		for (unsigned k = 0; k < r->groups->n_by; k++)
			putc(',', f);
		putc('\n', f);
	}
}

static void json_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.6g", v);
	else
		fputs("null", f);
}

void report_findings_json(FILE *f, const struct report *r, int *first)
{
	if (!r->findings)
		return;
	fputs(*first ? "\"findings\":[" : ",\"findings\":[", f);
	*first = 0;
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct report_finding *fd = &r->findings[i];
		const char *const text[][2] = {{"rule", fd->rule},
					       {"title", fd->title},
					       {"label", fd->label},
					       {"file", fd->file}};

		fprintf(f, "%s{\"rank\":%zu", i ? "," : "", i + 1);
		for (size_t k = 0; k < sizeof(text) / sizeof(text[0]); k++) {
			fprintf(f, ",\"%s\":", text[k][0]);
			esc_json(f, text[k][1]);
		}
		fputs(",\"cost_s\":", f);
		json_num(f, fd->cost_s);
		fputs(",\"wall_s\":", f);
		json_num(f, fd->wall_s);
		putc('}', f);
	}
	fprintf(f, "],\"findings_total\":%zu,\"events_not_advised\":%llu",
		r->findings_total, (unsigned long long)r->findings_left_out);
}
