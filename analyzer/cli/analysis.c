/*
 * analysis.c - what report, plot and export share (see analysis.h).
 *
 * Must never: print.
 */
#include "analysis.h"

#include <stdio.h>
#include <string.h>

void analysis_init(struct analysis *an, const struct h5snoop_cli_config *c)
{
	memset(an, 0, sizeof(*an));
	memcpy(an->groups.by, c->by, sizeof(c->by));
	an->groups.n_by = c->n_by;
	attrib_init(&an->attrib, &an->groups);
	attrib_set_flavors(&an->attrib, &an->flavors);
	agg_init(&an->agg, c->layer_mask);
	for (unsigned k = 0; k < c->n_by; k++)
		if (c->by[k] == GROUP_BY_STACK ||
		    c->by[k] == GROUP_BY_FUNCTION)
			attrib_set_stacks(&an->attrib, c->stack_depth,
					  c->function);
	if (c->stacks)
		attrib_set_stacks(&an->attrib, c->stack_depth, NULL);
}

/* What the traces lacked for grouping by stack: warnings. */
static void stack_warnings(const struct attrib *a, struct h5snoop_error *err)
{
	if (!a->stacks || a->requests == 0)
		return;
	if (a->requests_stacked == 0)
		diag_warn(err, "no request has a call stack: record with "
			       "H5SNOOP_STACKS=1 (or N, one request in N) to "
			       "see where requests come from");
	else if (a->requests_stacked < a->requests)
		diag_warn(err, "%llu of %llu requests have no call stack "
			       "(sampled with H5SNOOP_STACKS=N, or not "
			       "recorded)",
			  (unsigned long long)(a->requests -
					       a->requests_stacked),
			  (unsigned long long)a->requests);
	if (a->stacks_missing)
		diag_warn(err, "%llu requests name a stack that their trace "
			       "does not hold (a fork child's parent trace "
			       "missing?)",
			  (unsigned long long)a->stacks_missing);
}

enum h5snoop_status analysis_start(enum cli_command command, int argc,
				   char **argv,
				   struct h5snoop_cli_config *c,
				   struct analysis *an,
				   struct h5snoop_error *err)
{
	enum h5snoop_status st = cli_parse(command, argc, argv, c, err);

	if (st != H5SNOOP_OK)
		return st;
	analysis_init(an, c);
	st = flavor_map_init(&an->flavors, c->flavor_regex,
			     cli_command_name(command), err);
	if (st != H5SNOOP_OK)
		analysis_free(an);
	return st;
}

struct run_sink analysis_agg_sink(struct analysis *an)
{
	return agg_sink(&an->agg);
}

/* Whether the first pass left out groups that must be shown: more
 * groups with requests than --top, or the --baseline group. */
static int needs_second_pass(const struct analysis *an,
			     const struct h5snoop_cli_config *c, long *also)
{
	*also = c->baseline ? group_table_find(&an->groups, c->baseline) : -1;
	if (*also >= 0 && agg_requests(&an->agg, (uint32_t)*also) &&
	    !agg_group_of(&an->agg, (uint32_t)*also))
		return 1;
	return agg_incomplete(&an->agg);
}

enum h5snoop_status analysis_run(struct analysis *an,
				 const struct h5snoop_cli_config *c,
				 struct run_sink *sinks, unsigned n_sinks,
				 struct h5snoop_error *err)
{
	long also;

	/* RATIONALE (aggregate.h): statistics for --top groups only; when
	 * more have requests, the top ones are known after this pass and
	 * a second one fills them. */
	agg_set_keep_max(&an->agg, c->all ? 0 : c->top);
	if (run_traces(c->traces, c->n_traces, &an->attrib, sinks, n_sinks,
		       &an->summary, err) != H5SNOOP_OK)
		return H5SNOOP_ERROR;
	if (needs_second_pass(an, c, &also)) {
		if (agg_select(&an->agg, also, err) != H5SNOOP_OK)
			return H5SNOOP_ERROR;
		attrib_restart(&an->attrib);
		for (unsigned i = 0; i < n_sinks; i++)
			if (sinks[i].restart)
				sinks[i].restart(sinks[i].ctx);
		if (run_traces(c->traces, c->n_traces, &an->attrib, sinks,
			       n_sinks, &an->summary, err) != H5SNOOP_OK)
			return H5SNOOP_ERROR;
	}
	stack_warnings(&an->attrib, err);
	if (agg_finish(&an->agg, err) != H5SNOOP_OK)
		return H5SNOOP_ERROR;
	if (an->agg.left_out)
		diag_warn(err,
			  "%u groups (%llu requests) left out: the %u with "
			  "the most requests are shown; --all shows every "
			  "group",
			  an->agg.left_out,
			  (unsigned long long)an->agg.left_out_requests,
			  an->agg.kept);
	return H5SNOOP_OK;
}

void analysis_report_init(struct report *r, const struct analysis *an,
			  const struct h5snoop_cli_config *c,
			  const char *command)
{
	struct report_options opt = {.layer_mask = c->layer_mask,
				     .baseline = c->baseline,
				     .span = c->span,
				     .command = command};

	report_init(r, &opt, &an->groups, &an->agg, &an->attrib,
		    &an->summary);
}

void analysis_free(struct analysis *an)
{
	agg_free(&an->agg);
	attrib_free(&an->attrib);
	group_table_free(&an->groups);
	flavor_map_free(&an->flavors);
}

enum h5snoop_status analysis_status(enum h5snoop_status st,
				    const struct h5snoop_cli_config *c,
				    const struct run_summary *s,
				    struct h5snoop_error *err)
{
	if (st == H5SNOOP_OK && c->strict &&
	    (s->discarded || s->truncated || s->lost_total))
		return diag_fail(err,
				 "--strict: %llu events discarded by the "
				 "tracer, %llu losses counted, %zu stream "
				 "files truncated",
				 (unsigned long long)s->discarded,
				 (unsigned long long)s->lost_total,
				 s->truncated);
	return st;
}
