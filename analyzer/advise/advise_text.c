/*
 * advise_text.c - `h5snoop advise` for a terminal: the findings, most
 * costly first, each as a few labelled lines within 79 columns, then the
 * runs that have none, then the files only probed for their size.
 *
 * Must never: print a byte of a trace's text unescaped (esc_text), or
 * exceed 79 columns but for one word longer than a line.
 */
#include <string.h>

#include "advise.h"
#include "escape.h"
#include "units.h"

#define WIDTH 79
#define INDENT 12 /* where a finding's texts start */

/* Writes s (from a trace) escaped, cut in the middle to `width` code
 * points with "..." when longer. */
static void put_clipped(FILE *f, const char *s, size_t width)
{
	size_t n = esc_width(s), len = strlen(s), head, i = 0, cp = 0;
	char buf[2048];

	if (n <= width || width < 8 || len >= sizeof(buf)) {
		esc_text(f, s);
		return;
	}
	head = (width - 3) / 2;
	/* the first `head` code points, "...", the last width-3-head */
	while (i < len && cp < head) {
		esc_utf8_next(s, len, &i);
		cp++;
	}
	memcpy(buf, s, i);
	buf[i] = '\0';
	esc_text(f, buf);
	fputs("...", f);
	cp = 0;
	{
		size_t skip = n - (width - 3 - head), j = 0;

		while (j < len && cp < skip) {
			esc_utf8_next(s, len, &j);
			cp++;
		}
		esc_text(f, s + j);
	}
}

/* Writes one line of text word-wrapped at WIDTH: the first line after a
 * `label` column, the others indented by INDENT (plus the line's own
 * leading blanks). */
static void put_wrapped_line(FILE *f, const char *line, size_t len)
{
	size_t lead = 0, col = INDENT, i;

	while (lead < len && line[lead] == ' ')
		lead++;
	fprintf(f, "%*s", (int)lead, "");
	col += lead;
	i = lead;
	while (i < len) {
		size_t w = i, wl;

		while (w < len && line[w] != ' ')
			w++;
		wl = w - i;
		if (col > INDENT + lead && col + 1 + wl > WIDTH) {
			fprintf(f, "\n%*s", (int)(INDENT + lead + 2), "");
			col = INDENT + lead + 2;
		} else if (col > INDENT + lead) {
			fputc(' ', f);
			col++;
		}
		fwrite(line + i, 1, wl, f);
		col += wl;
		i = w;
		while (i < len && line[i] == ' ')
			i++;
	}
	fputc('\n', f);
}

/* Writes `label` in its column and text (lines separated by '\n'),
 * each wrapped; the lines after the first are indented. */
static void put_field(FILE *f, const char *label, const char *text)
{
	const char *p = text;
	int first = 1;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (first)
			fprintf(f, "    %-*s", INDENT - 4, label);
		else
			fprintf(f, "%*s", INDENT, "");
		put_wrapped_line(f, p, len);
		first = 0;
		p += len;
		if (*p == '\n')
			p++;
	}
}

static const char *secs(char *buf, size_t cap, double s)
{
	return units_ns(buf, cap, s <= 0 ? 0 : (uint64_t)(s * 1e9));
}

static void put_sites(FILE *f, const struct advise_finding *fd)
{
	const struct advise_site *v;
	char line[512] = "";
	size_t len = 0;

	if (fd->sites < 0)
		return;
	v = fd->s->sites[fd->sites];
	for (unsigned i = 0; i < ADVISE_SITES && v[i].n; i++) {
		if (len + 1 >= sizeof(line))
			break;
		len += (size_t)snprintf(line + len, sizeof(line) - len,
					"%s%s %llu", i ? ", " : "",
					v[i].name,
					(unsigned long long)v[i].n);
	}
	if (!line[0])
		return;
	fprintf(f, "    %-*s", INDENT - 4, "from");
	/* NOTE: function names come from the program's symbols: escaped
	 * like any text of a trace. */
	put_clipped(f, line, WIDTH - INDENT);
	fputc('\n', f);
}

static void put_finding(FILE *f, const struct advise *a, size_t rank,
			const struct advise_finding *fd)
{
	char b1[32], b2[32], b3[32], cost[512];

	fprintf(f, "%2zu  %s: %s\n", rank, fd->rule->id, fd->rule->title);
	fprintf(f, "    %-*s", INDENT - 4, "run");
	put_clipped(f, fd->s->label[0] ? fd->s->label : "(no label)",
		    WIDTH - INDENT - 20);
	fprintf(f, ", driver ");
	put_clipped(f, fd->s->driver, 16);
	fputc('\n', f);
	fprintf(f, "    %-*s", INDENT - 4, "file");
	put_clipped(f, fd->s->file, WIDTH - INDENT);
	fputc('\n', f);
	snprintf(cost, sizeof(cost), "%s", secs(b1, sizeof(b1), fd->cost_s));
	if (fd->wall_s > 0)
		snprintf(cost + strlen(cost), sizeof(cost) - strlen(cost),
			 ", %.0f%% of the run's %s,", 100 * fd->cost_s /
			 fd->wall_s, secs(b2, sizeof(b2), fd->wall_s));
	snprintf(cost + strlen(cost), sizeof(cost) - strlen(cost),
		 " at the recorded %s a request", fd->rtt_s > 0 ?
		 secs(b3, sizeof(b3), fd->rtt_s) : "(unknown) latency");
	if (a->rtt_s > 0)
		snprintf(cost + strlen(cost), sizeof(cost) - strlen(cost),
			 "; %s at --rtt %s",
			 secs(b1, sizeof(b1), fd->cost_rtt_s),
			 secs(b2, sizeof(b2), a->rtt_s));
	/* NOTE: said when the overlap took more than a rounding off */
	if (fd->alone_s > fd->cost_s * 1.005 + 1e-4)
		snprintf(cost + strlen(cost), sizeof(cost) - strlen(cost),
			 ". Alone its remedy would save %s; the run's more "
			 "costly findings above save the rest already",
			 secs(b1, sizeof(b1), fd->alone_s));
	put_field(f, "cost", cost);
	put_field(f, "seen", fd->evidence);
	put_sites(f, fd);
	put_field(f, "remedy", fd->remedy);
	fputc('\n', f);
}

/* The files only probed for their size (HEADs, nothing read): no run of
 * a file, so neither findings nor "No finding", but said. */
static void put_probes(FILE *f, const struct advise *a)
{
	size_t n = 0;

	for (size_t i = 0; i < a->n_subjects; i++) {
		const struct advise_subject *s = a->subjects[i];
		const char *label;
		char tail[48];

		if (!s || !advise_probe_only(s))
			continue;
		if (n++ == 0)
			fprintf(f, "Size probes only (HEAD, nothing read: no "
				   "run of a file):\n");
		snprintf(tail, sizeof(tail), " (%llu HEAD)",
			 (unsigned long long)s->heads);
		label = s->label[0] ? s->label : "(no label)";
		fprintf(f, "    ");
		put_clipped(f, label, 20);
		fputc(' ', f);
		put_clipped(f, s->file,
			    WIDTH - 4 - (esc_width(label) < 20
						 ? esc_width(label)
						 : 20) -
				    1 - strlen(tail));
		fprintf(f, "%s\n", tail);
	}
}

/* --what-if: per run, what was recorded and what the model predicts. */
static void put_what_if(FILE *f, const struct advise *a)
{
	char b1[32], b2[32];

	fprintf(f, "What if: %s", a->model.name);
	if (a->rtt_s > 0)
		fprintf(f, ", at --rtt %s", secs(b1, sizeof(b1), a->rtt_s));
	else
		fprintf(f, ", at each run's recorded latency");
	fprintf(f, " and bandwidth, requests one\nafter another.\n\n");
	for (size_t i = 0; i < a->n_subjects; i++) {
		const struct advise_subject *s = a->subjects[i];
		const struct advise_prediction *pr = s ? s->pred : NULL;

		if (!s || s->reads == 0)
			continue;
		fprintf(f, "    ");
		put_clipped(f, s->label[0] ? s->label : "(no label)", 20);
		fputc(' ', f);
		put_clipped(f, s->file, WIDTH - 4 - 21);
		fputc('\n', f);
		fprintf(f, "      recorded   %8llu %s, %s, %s",
			(unsigned long long)(s->http ? s->http - s->heads
						     : s->reads),
			s->http ? "HTTP requests" : "driver reads ",
			units_bytes(b1, sizeof(b1),
				    s->http ? s->http_bytes : s->read_bytes),
			secs(b2, sizeof(b2), advise_wall_s(s)));
		if (s->heads)
			fprintf(f, " (and %llu HEAD)",
				(unsigned long long)s->heads);
		fputc('\n', f);
		if (!pr)
			continue;
		if (pr->refused[0]) {
			fprintf(f, "      predicted  (refused: ");
			put_clipped(f, pr->refused, WIDTH - 29);
			fprintf(f, ")\n");
			continue;
		}
		fprintf(f, "      predicted  %8llu HTTP requests, %s, %s\n",
			(unsigned long long)pr->requests,
			units_bytes(b1, sizeof(b1), pr->bytes),
			secs(b2, sizeof(b2),
			     advise_whatif_time_s(s, pr, a->rtt_s)));
	}
	fputc('\n', f);
}

enum h5snoop_status advise_write_text(FILE *f, const struct advise *a,
				      struct h5snoop_error *err)
{
	size_t subjects = 0, clean = 0;
	char b1[32], tail[80];
	const char *label;
	size_t label_w;

	for (size_t i = 0; i < a->n_subjects; i++)
		subjects += a->subjects[i] != NULL &&
			    !advise_probe_only(a->subjects[i]);
	fprintf(f, "h5snoop advise: %zu finding%s in %zu run%s of a file "
		   "(label and file), %zu trace%s.\n",
		a->n_findings, a->n_findings == 1 ? "" : "s", subjects,
		subjects == 1 ? "" : "s", a->summary.traces,
		a->summary.traces == 1 ? "" : "s");
	fprintf(f, "Most costly first; costs at each run's recorded latency");
	if (a->rtt_s > 0)
		fprintf(f, " and at --rtt %s",
			secs(b1, sizeof(b1), a->rtt_s));
	fprintf(f, ".\n");
	if (a->left_out_events)
		fprintf(f, "NOTE: only the first %u runs of a file are "
			   "advised; %llu events of\nthe others are not.\n",
			ADVISE_SUBJECTS_MAX,
			(unsigned long long)a->left_out_events);
	fputc('\n', f);
	if (a->what_if)
		put_what_if(f, a);
	for (size_t i = 0; i < a->n_findings; i++)
		put_finding(f, a, i + 1, &a->findings[i]);
	for (size_t i = 0; i < a->n_subjects; i++) {
		const struct advise_subject *s = a->subjects[i];
		int found = 0;

		if (!s || advise_probe_only(s))
			continue;
		for (size_t k = 0; k < a->n_findings && !found; k++)
			found = a->findings[k].s == s;
		if (found)
			continue;
		if (clean++ == 0)
			fprintf(f, "No finding:\n");
		if (advise_cached(s))
			snprintf(tail, sizeof(tail),
				 " (%llu reads, %llu from a client cache)",
				 (unsigned long long)s->reads,
				 (unsigned long long)advise_cached_reads(s));
		else
			snprintf(tail, sizeof(tail), " (%llu %s, %s)",
				 (unsigned long long)(s->reads ? s->reads
							       : s->http),
				 s->reads ? "reads" : "requests",
				 secs(b1, sizeof(b1), advise_wall_s(s)));
		label = s->label[0] ? s->label : "(no label)";
		label_w = esc_width(label) < 20 ? esc_width(label) : 20;
		fprintf(f, "    ");
		put_clipped(f, label, 20);
		fputc(' ', f);
		put_clipped(f, s->file, WIDTH - 4 - label_w - 1 - strlen(tail));
		fprintf(f, "%s\n", tail);
	}
	put_probes(f, a);
	if (ferror(f))
		return diag_fail(err, "cannot write the advice");
	return H5SNOOP_OK;
}
