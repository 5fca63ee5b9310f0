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

/* The value of field k of group g. */
static const char *value_of(const struct report *r, uint32_t g, int k)
{
	return r->groups->values[(size_t)g * r->groups->n_by + (unsigned)k];
}

/* NOTE: qsort has no context argument; a report is prepared by one
 * thread at a time. */
static const struct report *sorting;

static int group_cmp(const void *x, const void *y)
{
	const struct report *r = sorting;
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	for (unsigned k = 0; k < r->groups->n_by; k++) {
		const char *va = value_of(r, a, (int)k);
		const char *vb = value_of(r, b, (int)k);
		int c;

		if ((int)k == r->base_field && r->base_value) {
			int ba = strcmp(va, r->base_value) == 0;
			int bb = strcmp(vb, r->base_value) == 0;

			if (ba != bb)
				return bb - ba;
		}
		c = strcmp(va, vb);
		if (c)
			return c;
	}
	return a < b ? -1 : a > b;
}

/* The field a baseline value names: flavor when grouped by it, else the
 * last field. */
static int baseline_field(const struct report *r)
{
	for (unsigned k = 0; k < r->groups->n_by; k++)
		if (r->groups->by[k] == GROUP_BY_FLAVOR)
			return (int)k;
	return (int)r->groups->n_by - 1;
}

/* A group shown has `value` in field k. */
static int value_shown(const struct report *r, int k, const char *value)
{
	for (uint32_t i = 0; i < r->n_order; i++)
		if (strcmp(value_of(r, r->order[i], k), value) == 0)
			return 1;
	return 0;
}

/* The default baseline value: "original" when a group has it, else the
 * first by name. */
static const char *default_value(const struct report *r, int k)
{
	const char *first = NULL;

	if (value_shown(r, k, "original"))
		return "original";
	for (uint32_t i = 0; i < r->n_order; i++) {
		const char *v = value_of(r, r->order[i], k);

		if (!first || strcmp(v, first) < 0)
			first = v;
	}
	return first;
}

static int shown(const struct report *r, long g)
{
	return g >= 0 && agg_group_of(r->agg, (uint32_t)g) &&
	       agg_requests(r->agg, (uint32_t)g) > 0;
}

/* Fills base_of: each group's baseline, the group with the baseline
 * value in the baseline field and its own other values. */
static enum h5snoop_status find_bases(struct report *r,
				      struct h5snoop_error *err)
{
	const struct group_table *t = r->groups;
	struct group_values v;

	for (uint32_t g = 0; g < r->agg->n; g++)
		r->base_of[g] = REPORT_NO_BASE;
	memset(&v, 0, sizeof(v));
	for (uint32_t i = 0; i < r->n_order; i++) {
		uint32_t g = r->order[i];
		char stack[1024], *key = stack;
		size_t len = 0;
		long b;

		if (r->base_field < 0) {
			r->base_of[g] = r->baseline;
			continue;
		}
		/* The key of the baseline group: the values joined as
		 * group_key.c joins them. */
		for (unsigned k = 0; k < t->n_by; k++)
			len += strlen((int)k == r->base_field
					      ? r->base_value
					      : value_of(r, g, (int)k)) + 1;
		if (len > sizeof(stack)) {
			key = malloc(len);
			if (!key)
				return diag_nomem(err);
		}
		key[0] = '\0';
		for (unsigned k = 0; k < t->n_by; k++) {
			if (k)
				strcat(key, "/");
			strcat(key, (int)k == r->base_field
					    ? r->base_value
					    : value_of(r, g, (int)k));
		}
		b = group_table_find(t, key);
		if (key != stack)
			free(key);
		if (shown(r, b))
			r->base_of[g] = (uint32_t)b;
	}
	return H5SNOOP_OK;
}

/* --baseline names no group and no value: the usage error. */
static enum h5snoop_status bad_baseline(const struct report *r,
					struct h5snoop_error *err)
{
	diag_usage(err, r->opt.command,
		   "--baseline '%s' is not a group with requests, nor a %s "
		   "of one (groups: ",
		   r->opt.baseline,
		   group_by_names[r->groups->by[r->base_field]]);
	for (uint32_t i = 0; i < r->n_order && i < 8; i++)
		diag_append(err, "%s'%s'", i ? ", " : "",
			    r->groups->keys[r->order[i]]);
	diag_append(err, "%s", r->n_order > 8 ? ", ...)" : ")");
	return H5SNOOP_USAGE;
}

enum h5snoop_status report_prepare(struct report *r,
				   struct h5snoop_error *err)
{
	size_t n = r->agg->n ? r->agg->n : 1;

	r->n_order = 0;
	r->baseline = 0;
	r->order = malloc(n * sizeof(*r->order));
	r->base_of = malloc(n * sizeof(*r->base_of));
	if (!r->order || !r->base_of)
		return diag_nomem(err);
	/* NOTE: the groups left out (agg.h) have no statistics. */
	for (uint32_t g = 0; g < r->agg->n; g++)
		if (shown(r, g))
			r->order[r->n_order++] = g;
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
	if (r->n_order == 0)
		return find_bases(r, err);
	r->base_field = baseline_field(r);
	r->base_value = NULL;
	if (!r->opt.baseline && by_stack(r)) {
		/* Call sites: the one with most requests. */
		if (agg_rank(r->agg, r->order, r->n_order, err) !=
		    H5SNOOP_OK)
			return H5SNOOP_ERROR;
		r->base_field = -1;
		r->baseline = r->order[0];
		return find_bases(r, err);
	}
	if (r->opt.baseline) {
		long b = group_table_find(r->groups, r->opt.baseline);

		if (r->groups->n_by > 1 && shown(r, b)) {
			/* A whole group: the baseline of all. */
			r->base_field = -1;
			r->baseline = (uint32_t)b;
		} else if (value_shown(r, r->base_field, r->opt.baseline)) {
			r->base_value = r->opt.baseline;
		} else {
			return bad_baseline(r, err);
		}
	} else {
		r->base_value = default_value(r, r->base_field);
	}
	/* Most requests first; ties in order of appearance.  RATIONALE:
	 * call sites are many and appear in no useful order, and when
	 * groups are left out the ones shown are the top ones: the ranking
	 * matters.  Otherwise by name, baseline first: the same traces
	 * give the same order, whatever ran first. */
	if (by_stack(r) || r->agg->left_out) {
		if (agg_rank(r->agg, r->order, r->n_order, err) !=
		    H5SNOOP_OK)
			return H5SNOOP_ERROR;
	} else {
		sorting = r;
		qsort(r->order, r->n_order, sizeof(*r->order), group_cmp);
		sorting = NULL;
	}
	if (r->base_field >= 0) {
		r->baseline = r->order[0];
		for (uint32_t i = 0; i < r->n_order; i++)
			if (strcmp(value_of(r, r->order[i], r->base_field),
				   r->base_value) == 0) {
				r->baseline = r->order[i];
				break;
			}
	}
	return find_bases(r, err);
}

void report_free(struct report *r)
{
	free(r->order);
	free(r->base_of);
	r->order = NULL;
	r->base_of = NULL;
}

const struct agg_group *report_base_of(const struct report *r, uint32_t g)
{
	uint32_t b = g < r->agg->n ? r->base_of[g] : REPORT_NO_BASE;

	return b == REPORT_NO_BASE ? NULL : r->agg->g[b];
}

int report_layer_shown(const struct report *r, enum layer l)
{
	return r->layer_shown[l];
}

enum layer report_counted_layer(const struct report *r)
{
	return report_layer_shown(r, LAYER_HTTP) ? LAYER_HTTP : LAYER_VFD;
}

uint64_t report_figure_of(const struct report *r, uint32_t g,
			  enum report_figure k)
{
	enum layer l = report_counted_layer(r);
	const struct agg_group *ag = r->agg->g[g];

	if (k == REPORT_FIGURE_TIME)
		return report_wall_ns(&ag->span);
	if (k == REPORT_FIGURE_REQUESTS)
		return ag->layer[l].row[AGG_ROW_ALL].requests;
	return l == LAYER_HTTP ? ag->layer[l].bytes_fetched
			       : ag->layer[l].row[AGG_ROW_ALL].bytes;
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

const char *const report_probe_names[ATTRIB_PROBE_COUNT] = {
	"none",
	"HEAD of a sidecar file (.aux, .aux.xml, .ovr...), not found",
	"directory listing, refused",
};

const char *report_curl_error_name(int32_t code)
{
	/* libcurl's own wording (curl_easy_strerror) of the codes a
	 * reader meets; the analyzer does not link libcurl. */
	static const struct {
		int32_t code;
		const char *name;
	} names[] = {
		{1, "Unsupported protocol"},
		{3, "URL using bad/illegal format or missing URL"},
		{5, "Could not resolve proxy name"},
		{6, "Could not resolve host name"},
		{7, "Could not connect to server"},
		{18, "Transferred a partial file"},
		{22, "HTTP response code said error"},
		{23, "Failed writing received data to disk/application"},
		{26, "Failed to open/read local data from file/application"},
		{27, "Out of memory"},
		{28, "Timeout was reached"},
		{33, "Requested range was not delivered by the server"},
		{35, "SSL connect error"},
		{42, "Operation was aborted by an application callback"},
		{47, "Number of redirects hit maximum amount"},
		{52, "Server returned nothing (no headers, no data)"},
		{55, "Failed sending data to the peer"},
		{56, "Failure when receiving data from the peer"},
		{60, "SSL peer certificate or SSH remote key was not OK"},
		{61, "Unrecognized or bad HTTP Content or Transfer-Encoding"},
		{92, "Stream error in the HTTP/2 framing layer"},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].code == code)
			return names[i].name;
	return NULL;
}
