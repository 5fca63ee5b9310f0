/*
 * plot_data.c - read-pattern and timeline columns (see plot_data.h).
 *
 * Must never: keep anything per request; cost per request is bounded by
 * PLOT_COLUMNS.
 */
#include "plot_data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void plot_data_init(struct plot_data *d, unsigned layer_mask,
		    const struct agg *agg)
{
	memset(d, 0, sizeof(*d));
	d->layer_mask = layer_mask;
	d->agg = agg;
}

static enum h5snoop_status begin_run(void *ctx, const struct run_info *info,
				     struct h5snoop_error *err)
{
	struct plot_data *d = ctx;

	(void)err;
	d->origin_ns = info->start_unix_ns;
	return H5SNOOP_OK;
}

static enum h5snoop_status add_lane(struct plot_data *d, const char *name,
				    uint32_t *index,
				    struct h5snoop_error *err)
{
	struct lane **v = realloc(d->lanes, (d->n_lanes + 1) * sizeof(*v));

	if (!v)
		return diag_nomem(err);
	d->lanes = v;
	v[d->n_lanes] = calloc(1, sizeof(**v));
	if (!v[d->n_lanes])
		return diag_nomem(err);
	snprintf(v[d->n_lanes]->name, sizeof(v[0]->name), "%s", name);
	v[d->n_lanes]->group = UINT32_MAX;
	v[d->n_lanes]->span_ns = 1u << 20; /* ~1 ms to start */
	*index = d->n_lanes++;
	return H5SNOOP_OK;
}

/* A lane per process; past PLOT_MAX_LANES - 1 lanes, every further
 * process shares the last one, whose columns start with the run. */
static enum h5snoop_status begin_trace(void *ctx, const struct trace *t,
				       const struct proc *p,
				       struct h5snoop_error *err)
{
	struct plot_data *d = ctx;
	char name[600];

	(void)t;
	if (d->overflow_procs || d->n_lanes + 1 >= PLOT_MAX_LANES) {
		if (!d->overflow_procs) {
			if (add_lane(d, "", &d->overflow_lane, err) !=
			    H5SNOOP_OK)
				return H5SNOOP_ERROR;
			d->lanes[d->overflow_lane]->origin_ns = d->origin_ns;
			d->lanes[d->overflow_lane]->started = 1;
			d->lanes[d->overflow_lane]->first_ns = INT64_MAX;
		}
		d->overflow_procs++;
		snprintf(d->lanes[d->overflow_lane]->name,
			 sizeof(d->lanes[0]->name), "%u more processes",
			 d->overflow_procs);
		d->cur_lane = d->overflow_lane;
		return H5SNOOP_OK;
	}
	snprintf(name, sizeof(name), "%s%s%s", p->label,
		 p->label[0] ? " " : "", p->name);
	return add_lane(d, name, &d->cur_lane, err);
}

/* Columns [c0, c1] of a scale of `span` units for [lo, hi). */
static unsigned column(uint64_t v, uint64_t span)
{
	uint64_t c = v / (span / PLOT_COLUMNS);

	return c >= PLOT_COLUMNS ? PLOT_COLUMNS - 1 : (unsigned)c;
}

static void pattern_double(struct pattern *p)
{
	for (int b = 0; b < AGG_BINS; b++) {
		for (unsigned i = 0; i < PLOT_COLUMNS / 2; i++) {
			uint32_t a = p->count[b][2 * i],
				 c = p->count[b][2 * i + 1];

			/* Requests touching both halves count once. */
			p->count[b][i] = a > c ? a : c;
		}
		memset(&p->count[b][PLOT_COLUMNS / 2], 0,
		       PLOT_COLUMNS / 2 * sizeof(uint32_t));
	}
	p->span *= 2;
}

static enum h5snoop_status add_pattern(struct plot_data *d,
				       const struct resolved *r,
				       uint64_t offset,
				       struct h5snoop_error *err)
{
	size_t slot;
	struct pattern *p;
	uint64_t end = offset + (r->size ? r->size : 1);
	unsigned c0, c1, bin = agg_bin_of(r->size);

	if (end < offset || !agg_group_of(d->agg, r->group))
		return H5SNOOP_OK; /* wraps: not drawable; or not drawn */
	if (r->group >= d->n_groups) {
		uint32_t n = r->group + 1;
		struct pattern **v = realloc(d->pattern, (size_t)n *
							 LAYER_COUNT *
							 sizeof(*v));

		if (!v)
			return diag_nomem(err);
		memset(v + (size_t)d->n_groups * LAYER_COUNT, 0,
		       (size_t)(n - d->n_groups) * LAYER_COUNT * sizeof(*v));
		d->pattern = v;
		d->n_groups = n;
	}
	slot = (size_t)r->group * LAYER_COUNT + r->layer;
	if (!d->pattern[slot]) {
		d->pattern[slot] = calloc(1, sizeof(struct pattern));
		if (!d->pattern[slot])
			return diag_nomem(err);
		d->pattern[slot]->span = PLOT_COLUMNS;
		while (d->pattern[slot]->span < r->file_size &&
		       d->pattern[slot]->span < (UINT64_C(1) << 62))
			d->pattern[slot]->span *= 2;
	}
	p = d->pattern[slot];
	while (end > p->span && p->span < (UINT64_C(1) << 62))
		pattern_double(p);
	if (end > p->extent)
		p->extent = end;
	p->requests++;
	c0 = column(offset, p->span);
	c1 = column(end - 1, p->span);
	for (unsigned c = c0; c <= c1; c++)
		p->count[bin][c]++;
	return H5SNOOP_OK;
}

static void time_double(struct lane *lane)
{
	for (int y = 0; y < LAYER_COUNT; y++) {
		double *b = lane->busy_ns[y];

		for (unsigned i = 0; i < PLOT_COLUMNS / 2; i++)
			b[i] = b[2 * i] + b[2 * i + 1];
		memset(&b[PLOT_COLUMNS / 2], 0,
		       PLOT_COLUMNS / 2 * sizeof(double));
	}
	lane->span_ns *= 2;
}

static void add_time(struct plot_data *d, const struct resolved *r)
{
	struct lane *lane;
	int64_t s, end = trace_add_ns(r->start_unix_ns, r->duration_ns);
	uint64_t lo, hi, width;

	if (d->cur_lane >= d->n_lanes)
		return;
	lane = d->lanes[d->cur_lane];
	if (!lane->started) {
		/* NOTE: a trace's events come in time order: its first
		 * request starts first. */
		lane->started = 1;
		lane->origin_ns = lane->first_ns = r->start_unix_ns;
		lane->group = r->group;
	}
	s = trace_diff_ns(r->start_unix_ns, lane->origin_ns);
	if (s < 0)
		return;
	if (r->start_unix_ns < lane->first_ns)
		lane->first_ns = r->start_unix_ns;
	if (end > lane->last_end_ns)
		lane->last_end_ns = end;
	lane->requests[r->layer]++;
	lo = (uint64_t)s;
	hi = (uint64_t)trace_add_ns(s, r->duration_ns ? r->duration_ns : 1);
	while (hi > lane->span_ns && lane->span_ns < (UINT64_C(1) << 62))
		time_double(lane);
	width = lane->span_ns / PLOT_COLUMNS;
	for (unsigned c = column(lo, lane->span_ns);
	     c <= column(hi - 1, lane->span_ns); c++) {
		uint64_t a = (uint64_t)c * width, b = a + width;
		uint64_t from = lo > a ? lo : a, to = hi < b ? hi : b;

		if (to > from)
			lane->busy_ns[r->layer][c] += (double)(to - from);
	}
}

static enum h5snoop_status event(void *ctx, const struct trace *t,
				 const struct trace_event *ev,
				 const struct resolved *r,
				 struct h5snoop_error *err)
{
	struct plot_data *d = ctx;
	uint64_t offset;

	(void)t;
	if (r->layer == LAYER_NONE || !(d->layer_mask & (1u << r->layer)))
		return H5SNOOP_OK;
	add_time(d, r);
	if (r->layer == LAYER_VFD) {
		offset = ev->u.vfd_read->offset;
	} else {
		/* Requests without a range (HEAD, whole-file GETs) have no
		 * place in the file but the start. */
		if (r->no_body)
			return H5SNOOP_OK;
		offset = ev->u.http_request->range_start >= 0
				 ? (uint64_t)ev->u.http_request->range_start
				 : 0;
	}
	return add_pattern(d, r, offset, err);
}

static void free_data(struct plot_data *d)
{
	for (size_t i = 0; i < (size_t)d->n_groups * LAYER_COUNT; i++)
		free(d->pattern[i]);
	free(d->pattern);
	for (uint32_t i = 0; i < d->n_lanes; i++)
		free(d->lanes[i]);
	free(d->lanes);
}

static void restart(void *ctx)
{
	struct plot_data *d = ctx;
	unsigned layer_mask = d->layer_mask;
	const struct agg *agg = d->agg;

	free_data(d);
	plot_data_init(d, layer_mask, agg);
}

struct run_sink plot_data_sink(struct plot_data *d)
{
	return (struct run_sink){.ctx = d, .begin_run = begin_run,
				 .begin_trace = begin_trace, .event = event,
				 .restart = restart};
}

void plot_data_free(struct plot_data *d)
{
	free_data(d);
	memset(d, 0, sizeof(*d));
}
