/*
 * cmd_report.c - `h5snoop report`: one pass over the traces into the
 * aggregation and advise's figures, then one output (text, csv, json
 * or html; html also collects the pictures' data and the per process
 * and per file tallies in the same pass), with advise's most costly
 * findings as its findings section.
 *
 * Must never: print a diagnostic (main.c does), or keep events.
 */
#include "advise.h"
#include "analysis.h"
#include "cli_args.h"
#include "commands.h"
#include "output.h"
#include "plot.h"
#include "report.h"
#include "tally.h"

/* Points r's findings section at the most costly findings of a (most
 * costly first), described in v. */
static void set_findings(struct report *r, const struct advise *a,
			 struct report_finding v[REPORT_FINDINGS])
{
	size_t n = a->n_findings < REPORT_FINDINGS ? a->n_findings
						   : REPORT_FINDINGS;

	for (size_t i = 0; i < n; i++) {
		const struct advise_finding *fd = &a->findings[i];

		v[i] = (struct report_finding){fd->rule->id, fd->rule->title,
					       fd->s->label, fd->s->file,
					       fd->cost_s, fd->wall_s};
	}
	r->findings = v;
	r->n_findings = n;
	r->findings_total = a->n_findings;
	r->findings_left_out = a->left_out_events;
}

enum h5snoop_status cmd_report(int argc, char **argv,
			       struct h5snoop_error *err)
{
	struct h5snoop_cli_config cfg;
	struct analysis an;
	struct run_sink sinks[4];
	struct output out;
	struct report rep;
	struct plot_data d;
	struct plot_embed embed;
	struct tally tally;
	struct advise adv;
	struct report_finding found[REPORT_FINDINGS];
	const struct report_writer *w;
	unsigned n_sinks = 2;
	enum h5snoop_status st =
		analysis_start(CLI_REPORT, argc, argv, &cfg, &an, err);

	if (st != H5SNOOP_OK)
		return st;
	w = report_writer_find(cfg.format);
	/* RATIONALE: the findings at each run's recorded latency (no
	 * --rtt): the report speaks of what was recorded. */
	advise_init(&adv, 0);
	sinks[0] = analysis_agg_sink(&an);
	sinks[1] = advise_sink(&adv);
	plot_data_init(&d, cfg.layer_mask, &an.agg);
	tally_init(&tally);
	if (w->wants_extras) {
		sinks[n_sinks++] = plot_data_sink(&d);
		sinks[n_sinks++] = tally_sink(&tally);
	}
	st = analysis_run(&an, &cfg, sinks, n_sinks, err);
	analysis_report_init(&rep, &an, &cfg, "report");
	if (st == H5SNOOP_OK)
		st = advise_finish(&adv, err);
	if (st == H5SNOOP_OK) {
		set_findings(&rep, &adv, found);
		st = report_prepare(&rep, err);
	}
	if (st == H5SNOOP_OK && w->wants_extras) {
		plot_embed_init(&embed, &rep, &d);
		rep.pictures = &embed.pictures;
		rep.tally = &tally;
	}
	if (st == H5SNOOP_OK)
		st = output_open(&out, cfg.output, err);
	if (st == H5SNOOP_OK) {
		st = w->write(out.f, &rep, err);
		st = output_close(&out, st == H5SNOOP_OK, err);
	}
	report_free(&rep);
	tally_free(&tally);
	plot_data_free(&d);
	advise_free(&adv);
	analysis_free(&an);
	return analysis_status(st, &cfg, &an.summary, err);
}
