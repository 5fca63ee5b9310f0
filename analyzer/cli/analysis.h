/*
 * analysis.h - the set-up the analysis commands share: the group table
 * from --by, the attribution, the aggregation, one run over the traces,
 * and the exit status (with --strict).
 */
#ifndef H5SNOOP_ANALYSIS_H
#define H5SNOOP_ANALYSIS_H

#include "aggregate.h"
#include "attrib.h"
#include "cli_args.h"
#include "flavor.h"
#include "group_key.h"
#include "report.h"
#include "run.h"

struct analysis {
	struct group_table groups;
	struct flavor_map flavors; /* --flavor-regex */
	struct attrib attrib;
	struct agg agg;
	struct run_summary summary;
};

void analysis_init(struct analysis *an, const struct h5snoop_cli_config *c);

/*
 * What every analysis command does first: parses argv into c.  Returns
 * H5SNOOP_OK to go on (an is then initialized: analysis_free it), or the
 * status to return at once: H5SNOOP_INFO_ONLY for --help, H5SNOOP_USAGE
 * (in err; a --flavor-regex that does not compile too).
 */
enum h5snoop_status analysis_start(enum cli_command command, int argc,
				   char **argv,
				   struct h5snoop_cli_config *c,
				   struct analysis *an,
				   struct h5snoop_error *err);

/* The sink that feeds an->agg. */
struct run_sink analysis_agg_sink(struct analysis *an);

/* Runs the traces of c through the sinks, then agg_finish. */
enum h5snoop_status analysis_run(struct analysis *an,
				 const struct h5snoop_cli_config *c,
				 struct run_sink *sinks, unsigned n_sinks,
				 struct h5snoop_error *err);

/*
 * The report of an's aggregation with c's layers and baseline (order not
 * yet prepared); command ("report", "plot") names a usage error.
 */
void analysis_report_init(struct report *r, const struct analysis *an,
			  const struct h5snoop_cli_config *c,
			  const char *command);

/* Frees all but the summary. */
void analysis_free(struct analysis *an);

/*
 * The command's status after st: st, or with --strict H5SNOOP_ERROR when
 * the tracer lost events or a stream file was cut.
 */
enum h5snoop_status analysis_status(enum h5snoop_status st,
				    const struct h5snoop_cli_config *c,
				    const struct run_summary *s,
				    struct h5snoop_error *err);

#endif
