/*
 * report.c - groups, baseline and helpers of the report outputs (see
 * report.h).
 *
 * Must never: print.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

/* The formats of `report --format`; the first is the default.  Adding a
 * format is one file defining its struct report_writer, and a row here. */
static const struct report_writer *const writers[] = {
	&report_text,
	&report_csv,
	&report_json,
	&report_html,
};

const struct report_writer *report_writer_find(const char *name)
{
	if (!name)
		return writers[0];
	for (size_t i = 0; i < sizeof(writers) / sizeof(writers[0]); i++)
		if (strcmp(writers[i]->name, name) == 0)
			return writers[i];
	return NULL;
}

/* Whether groups are call sites or API calls (--by stack, function). */
static int by_stack(const struct report *r)
{
	for (unsigned k = 0; k < r->groups->n_by; k++)
		if (r->groups->by[k] == GROUP_BY_STACK ||
		    r->groups->by[k] == GROUP_BY_FUNCTION)
			return 1;
	return 0;
}

void report_init(struct report *r, const struct report_options *opt,
		 const struct group_table *groups, const struct agg *agg,
		 const struct attrib *attrib, const struct run_summary *run)
{
	memset(r, 0, sizeof(*r));
	r->opt = *opt;
	r->groups = groups;
	r->agg = agg;
	r->attrib = attrib;
	r->run = run;
}

enum h5snoop_status report_prepare(struct report *r,
				   struct h5snoop_error *err)
{
	r->n_order = 0;
	r->baseline = 0;
	r->order = malloc((r->agg->n ? r->agg->n : 1) * sizeof(*r->order));
	if (!r->order)
		return diag_nomem(err);
	/* NOTE: the groups left out (agg.h) have no statistics. */
	for (uint32_t g = 0; g < r->agg->n; g++)
		if (agg_group_of(r->agg, g) && agg_requests(r->agg, g) > 0)
			r->order[r->n_order++] = g;
	/* Most requests first; ties in order of appearance.  RATIONALE:
	 * call sites are many and appear in no useful order, and when
	 * groups are left out the ones shown are the top ones: the ranking
	 * matters. */
	if ((by_stack(r) || r->agg->left_out) &&
	    agg_rank(r->agg, r->order, r->n_order, err) != H5SNOOP_OK)
		return H5SNOOP_ERROR;
	/* RATIONALE: computed once; asked for per group and layer by the
	 * writers, a scan of all groups each time was quadratic. */
	for (int l = 0; l < LAYER_COUNT; l++)
		for (uint32_t i = 0; i < r->n_order && !r->layer_shown[l];
		     i++)
			r->layer_shown[l] =
				(r->opt.layer_mask & (1u << l)) &&
				r->agg->g[r->order[i]]
					->layer[l]
					.row[AGG_ROW_ALL]
					.requests;
	if (r->n_order > 0)
		r->baseline = r->order[0];
	if (r->opt.baseline) {
		long b = group_table_find(r->groups, r->opt.baseline);

		if (b < 0 || !agg_group_of(r->agg, (uint32_t)b) ||
		    agg_requests(r->agg, (uint32_t)b) == 0) {
			diag_usage(err, r->opt.command,
				   "--baseline '%s' is not a group with "
				   "requests (groups: ",
				   r->opt.baseline);
			for (uint32_t i = 0; i < r->n_order && i < 8; i++)
				diag_append(err, "%s'%s'", i ? ", " : "",
					    r->groups->keys[r->order[i]]);
			diag_append(err, "%s", r->n_order > 8 ? ", ...)" : ")");
			return H5SNOOP_USAGE;
		}
		r->baseline = (uint32_t)b;
	}
	return H5SNOOP_OK;
}

void report_free(struct report *r)
{
	free(r->order);
	r->order = NULL;
}

int report_layer_shown(const struct report *r, enum layer l)
{
	return r->layer_shown[l];
}

uint64_t report_busy_ns(const struct report *r, uint32_t group,
			enum layer l)
{
	return r->agg->g[group]->layer[l].row[AGG_ROW_ALL].total_ns;
}

void report_meta_raw(const struct agg_layer *l, struct agg_simple *meta,
		     struct agg_simple *raw)
{
	memset(meta, 0, sizeof(*meta));
	memset(raw, 0, sizeof(*raw));
	for (int m = 0; m < H5SNOOP_MEM_NTYPES; m++) {
		struct agg_simple *to = m == H5SNOOP_MEM_draw ? raw : meta;

		to->requests += l->mem[m].requests;
		to->bytes += l->mem[m].bytes;
		to->total_ns += l->mem[m].total_ns;
	}
}
