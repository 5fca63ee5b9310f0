/*
 * report.h - what the report outputs (text, csv, json) share: the groups
 * to show, in order, the baseline, and small helpers.
 */
#ifndef H5SNOOP_REPORT_H
#define H5SNOOP_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "aggregate.h"
#include "attrib.h"
#include "diag.h"
#include "group_key.h"
#include "run.h"
#include "tally.h"

struct report;

/*
 * Pictures a writer may embed (the HTML report): drawn by a layer above
 * this one (the command wires plot/'s in), so that this layer needs no
 * picture code.  draw writes picture i, 0 <= i < n, as an SVG element
 * without XML prolog to f.
 */
struct report_pictures {
	void *ctx;
	unsigned n;
	const char *(*caption)(void *ctx, unsigned i);
	enum h5snoop_status (*draw)(void *ctx, unsigned i, FILE *f,
				    const struct report *r,
				    struct h5snoop_error *err);
};

/* What the command line asks of a report. */
struct report_options {
	unsigned layer_mask;   /* 1 << LAYER_VFD | 1 << LAYER_HTTP */
	const char *baseline;  /* a group key, a value of the baseline
				* field, or NULL: the default */
	int span;              /* --span: show first-to-last spans too */
	const char *command;   /* "report" or "plot": names a usage error */
};

/*
 * One finding of `h5snoop advise` as the report's findings section shows
 * it: one line each, most costly first; advise explains it.  The report
 * layer does not look at advise (a sibling backend): the command fills
 * these from it.  Strings are the filler's, valid while the report is.
 */
struct report_finding {
	const char *rule;      /* advise's rule id, "small-chunks" */
	const char *title;     /* "small raw-data chunks" */
	const char *label;     /* the run's label ("" none) */
	const char *file;      /* file name or URL */
	double cost_s;         /* at the run's recorded latency */
	double wall_s;         /* the run of that file, first to last */
};

/* Findings the report shows at most (advise lists them all). */
#define REPORT_FINDINGS 5

struct report {
	struct report_options opt;
	const struct group_table *groups;
	const struct agg *agg;
	const struct attrib *attrib;   /* the processes */
	const struct run_summary *run;
	uint32_t *order;  /* groups shown: kept, with requests in the
			   * layers asked for */
	uint32_t n_order;
	uint32_t baseline; /* a baseline group, the first in order (valid
			    * when n_order > 0) */
	/* The field whose value names the baseline (flavor when grouped by
	 * it, else the last field), or -1 when --baseline named one group,
	 * the baseline of all; and that value. */
	int base_field;
	const char *base_value;
	uint32_t *base_of; /* per group index: its baseline group, or
			    * REPORT_NO_BASE (no group with the baseline
			    * value and the same other values) */
	int layer_shown[LAYER_COUNT]; /* see report_layer_shown */
	/* For the writers that want them (report_writer.wants_extras),
	 * else NULL: */
	const struct report_pictures *pictures;
	const struct tally *tally;  /* per process and per file */
	/* The findings section: NULL when not asked for (then no section);
	 * n_findings shown of findings_total found. */
	const struct report_finding *findings;
	size_t n_findings, findings_total;
	uint64_t findings_left_out; /* events of runs advise left out */
};

#define REPORT_NO_BASE UINT32_MAX

/* A report over an aggregated run (order not yet prepared). */
void report_init(struct report *r, const struct report_options *opt,
		 const struct group_table *groups, const struct agg *agg,
		 const struct attrib *attrib, const struct run_summary *run);

/*
 * Fills order and baselines.  Order: the groups kept by the aggregation,
 * by their values field by field, the baseline value first in its field,
 * the others by name; most requests first when grouped by stack or
 * function or when groups were left out (agg.left_out).  Baseline: the
 * group --baseline names, else the value --baseline names in the
 * baseline field (flavor if grouped by it, else the last field), else
 * "original" when some group has it there, else the first value by
 * name; each group's baseline is the group with that value and its own
 * other values.  Returns H5SNOOP_OK, H5SNOOP_USAGE when --baseline names
 * neither a group nor a value, or H5SNOOP_ERROR out of memory.
 * r->order and r->base_of are malloc'ed: report_free.
 */
enum h5snoop_status report_prepare(struct report *r,
				   struct h5snoop_error *err);
void report_free(struct report *r);

/* The statistics of group g's baseline group, or NULL when it has
 * none. */
const struct agg_group *report_base_of(const struct report *r, uint32_t g);

/* The time of a group or layer span: the sum of per-process spans. */
static inline uint64_t report_wall_ns(const struct agg_span *s)
{
	return agg_span_sum_ns(s);
}

/* 1 when the layer was asked for and has requests in some group shown
 * (after report_prepare; constant time). */
int report_layer_shown(const struct report *r, enum layer l);

/* The figures groups are compared by, in the compare picture and the
 * HTML report. */
enum report_figure {
	REPORT_FIGURE_TIME,     /* report_wall_ns of the group's span */
	REPORT_FIGURE_REQUESTS, /* of report_counted_layer */
	REPORT_FIGURE_BYTES     /* HTTP: fetched; driver reads: asked */
};

/* The layer whose requests and bytes are compared: HTTP when shown (what
 * costs in the cloud), else driver reads. */
enum layer report_counted_layer(const struct report *r);

/* Group g's value of figure k (after report_prepare). */
uint64_t report_figure_of(const struct report *r, uint32_t g,
			  enum report_figure k);

/* Statistics of one row of a group's layer. */
static inline const struct agg_stats *
report_row(const struct report *r, uint32_t group, enum layer l, int row)
{
	return &r->agg->g[group]->layer[l].row[row];
}

/* Time inside a layer's requests: the sum of their durations. */
uint64_t report_busy_ns(const struct report *r, uint32_t group,
			enum layer l);

/* libcurl's name of a CURLcode ("Could not resolve host"), or NULL for
 * one this table lacks. */
const char *report_curl_error_name(int32_t code);

/* The names of enum attrib_probe (index 0: none). */
extern const char *const report_probe_names[ATTRIB_PROBE_COUNT];

/* Metadata (every mem_type but draw) and raw data of a vfd layer. */
void report_meta_raw(const struct agg_layer *l, struct agg_simple *meta,
		     struct agg_simple *raw);

/* The notes before a report's figures (report_notes.c): emit is called
 * once per note, a sentence without a final period or newline, which
 * may hold a trace's path (escape it). */
typedef void (*report_note_fn)(void *ctx, const char *note);
void report_notes(const struct report *r, report_note_fn emit, void *ctx);

/* The findings section of each format (report_findings.c): the text
 * lines; one csv row each (layer "finding", bin the rule, total_ns the
 * cost, group_wall_ns the run's time); the json members "findings" and
 * "findings_total" and "events_not_advised", each after a member when
 * !*first.  Nothing without
 * r->findings. */
void report_findings_text(FILE *f, const struct report *r);
void report_findings_csv(FILE *f, const struct report *r);
void report_findings_json(FILE *f, const struct report *r, int *first);

/*
 * One format of `report --format`: writes the prepared report r to f,
 * returns H5SNOOP_ERROR when writing failed.
 */
struct report_writer {
	const char *name;
	enum h5snoop_status (*write)(FILE *f, const struct report *r,
				     struct h5snoop_error *err);
	/* 1: embeds r->pictures and r->tally (the command collects
	 * them). */
	int wants_extras;
};

/* The formats (out_text.c, out_csv.c, out_json.c, out_html.c). */
extern const struct report_writer report_text, report_csv, report_json,
	report_html;

/* The format called name; NULL name: the default (text); NULL if none. */
const struct report_writer *report_writer_find(const char *name);

#endif
