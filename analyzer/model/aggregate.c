/*
 * aggregate.c - statistics per group and layer (see aggregate.h).
 *
 * Must never: keep anything per request, or print.  This is the hot
 * path of `report`: no allocation but a group's first use.
 */
#include "aggregate.h"

#include <stdlib.h>
#include <string.h>

#include "map.h"

const char *const agg_row_names[AGG_ROWS] = {
	"<1KiB", "1-10KiB", "10-100KiB", ">100KiB", "no-body", "all",
};

const uint64_t agg_bin_edges[AGG_BINS - 1] = AGG_BIN_EDGES_BYTES;

const char *const agg_phase_names[AGG_PHASE_COUNT] = {
#define AGG_PHASE_NAME(up, low) #low,
	AGG_PHASES(AGG_PHASE_NAME)
#undef AGG_PHASE_NAME
};

void agg_init(struct agg *a, unsigned layer_mask)
{
	memset(a, 0, sizeof(*a));
	a->layer_mask = layer_mask;
}

void agg_set_keep_max(struct agg *a, uint32_t max)
{
	a->keep_max = max;
}

static void span_init(struct agg_span *s)
{
	memset(s, 0, sizeof(*s));
	s->first_ns = INT64_MAX;
	s->last_end_ns = INT64_MIN;
}

/* Adds the open span of a process to the closed ones. */
static void span_close(struct agg_span *s)
{
	if (s->proc)
		s->closed_ns += agg_wall_ns(s->proc_first_ns, s->proc_end_ns);
	s->proc = NULL;
}

static void span_add(struct agg_span *s, const void *proc, int64_t start,
		     int64_t end)
{
	if (start < s->first_ns)
		s->first_ns = start;
	if (end > s->last_end_ns)
		s->last_end_ns = end;
	if (proc != s->proc || !s->procs) {
		span_close(s);
		s->proc = proc;
		s->procs++;
		s->proc_first_ns = start;
		s->proc_end_ns = end;
		return;
	}
	if (start < s->proc_first_ns)
		s->proc_first_ns = start;
	if (end > s->proc_end_ns)
		s->proc_end_ns = end;
}

static void init_group(struct agg_group *g)
{
	memset(g, 0, sizeof(*g));
	span_init(&g->span);
	for (int l = 0; l < LAYER_COUNT; l++)
		span_init(&g->layer[l].span);
}

static enum h5snoop_status grow_groups(struct agg *a, uint32_t index,
				       struct h5snoop_error *err)
{
	if (index >= a->cap) {
		uint32_t cap = a->cap ? a->cap : 8;
		struct agg_group **g;
		struct agg_tally *t;

		while (cap <= index)
			cap *= 2;
		g = realloc(a->g, cap * sizeof(*g));
		if (!g)
			return diag_nomem(err);
		a->g = g;
		t = realloc(a->tally, cap * sizeof(*t));
		if (!t)
			return diag_nomem(err);
		a->tally = t;
		a->cap = cap;
	}
	while (a->n <= index) {
		a->g[a->n] = NULL;
		memset(&a->tally[a->n], 0, sizeof(a->tally[0]));
		a->n++;
	}
	return H5SNOOP_OK;
}

static inline enum h5snoop_status ensure_group(struct agg *a, uint32_t index,
					       struct h5snoop_error *err)
{
	return index < a->n ? H5SNOOP_OK : grow_groups(a, index, err);
}

/* The statistics of group `index` (in the table), allocated at its first
 * request when it is kept; NULL (and H5SNOOP_OK) when it is not. */
static enum h5snoop_status kept_group(struct agg *a, uint32_t index,
				      struct agg_group **out,
				      struct h5snoop_error *err)
{
	int keep = a->keep ? index < a->keep_n && a->keep[index]
			   : !a->keep_max || a->kept < a->keep_max;

	*out = NULL;
	if (!keep)
		return H5SNOOP_OK;
	*out = malloc(sizeof(**out));
	if (!*out)
		return diag_nomem(err);
	init_group(*out);
	a->g[index] = *out;
	a->kept++;
	return H5SNOOP_OK;
}

uint64_t agg_requests(const struct agg *a, uint32_t g)
{
	uint64_t n = 0;

	if (g >= a->n)
		return 0;
	for (int l = 0; l < LAYER_COUNT; l++)
		n += a->tally[g].requests[l];
	return n;
}

int agg_incomplete(const struct agg *a)
{
	for (uint32_t g = 0; g < a->n; g++)
		if (!a->g[g] && agg_requests(a, g))
			return 1;
	return 0;
}

static void count_status(struct agg_layer *l, uint16_t code)
{
	for (unsigned i = 0; i < l->n_status; i++)
		if (l->status_code[i] == code) {
			l->status_count[i]++;
			return;
		}
	if (l->n_status == AGG_MAX_STATUS) {
		l->status_other++;
		return;
	}
	l->status_code[l->n_status] = code;
	l->status_count[l->n_status++] = 1;
}

/* Counts `code` in a table of distinct codes (codes[], counts[], *n),
 * past AGG_MAX_STATUS in *other. */
static void count_code(int32_t code, int32_t *codes, uint64_t *counts,
		       unsigned *n, uint64_t *other)
{
	for (unsigned i = 0; i < *n; i++)
		if (codes[i] == code) {
			counts[i]++;
			return;
		}
	if (*n == AGG_MAX_STATUS) {
		(*other)++;
		return;
	}
	codes[*n] = code;
	counts[(*n)++] = 1;
}

static void add_http(struct agg_layer *l, const struct trace_event *ev,
		     const struct resolved *r)
{
	const struct h5snoop_ev_http_request *h = ev->u.http_request;
	uint64_t known = h->dns_ns + h->connect_ns + h->tls_ns + h->ttfb_ns;

	count_status(l, h->http_status);
	l->net_requests += h->seen_by != H5SNOOP_SEEN_BY_CURL;
	/* NOTE: an HTTP error status is the cause, named as such; libcurl
	 * then says 22 (fail on error), which adds nothing. */
	if (r->probe) {
		l->probes[r->probe]++;
	} else if (h->http_status >= 400) {
		l->http_errors++;
		count_code(h->http_status, l->error_code, l->error_count,
			   &l->n_error, &l->error_other);
	} else if (h->curl_code > 0) { /* -1: result not observed */
		l->curl_errors++;
		count_code(h->curl_code, l->curl_code, l->curl_count,
			   &l->n_curl, &l->curl_other);
	}
	l->bytes_fetched += h->bytes;
	l->bytes_asked += r->asked_bytes;
	l->in_reads += r->in_read;
	l->reads_fetching += r->first_of_read;
	l->phase_ns[AGG_PHASE_DNS] += h->dns_ns;
	l->phase_ns[AGG_PHASE_CONNECT] += h->connect_ns;
	l->phase_ns[AGG_PHASE_TLS] += h->tls_ns;
	l->phase_ns[AGG_PHASE_FIRST_BYTE] += h->ttfb_ns;
	l->phase_ns[AGG_PHASE_TRANSFER] +=
		h->duration_ns > known ? h->duration_ns - known : 0;
}

enum h5snoop_status agg_add(struct agg *a, const struct trace_event *ev,
			    const struct resolved *r,
			    struct h5snoop_error *err)
{
	struct agg_group *g;
	struct agg_layer *l;
	struct agg_stats *s;
	struct agg_tally *t;
	int64_t end;

	if (r->layer == LAYER_NONE || !(a->layer_mask & (1u << r->layer))) {
		/* A restated open (ring) tallies as its file_open, which
		 * may be gone: both only raise the same maxima. */
		if (h5snoop_event_original(ev->id) == H5SNOOP_EV_file_open &&
		    a->layer_mask) {
			uint64_t h = map_hash_str(r->file);

			if (ensure_group(a, r->group, err) != H5SNOOP_OK)
				return H5SNOOP_ERROR;
			t = &a->tally[r->group];
			if (r->file_size > t->file_size)
				t->file_size = r->file_size;
			/* One file or more: by name, so a file opened by
			 * several processes is one. */
			if (!t->files) {
				t->files = 1;
				t->file_hash = h;
			} else if (t->file_hash != h) {
				t->files = 2;
			}
		}
		return H5SNOOP_OK;
	}
	if (ensure_group(a, r->group, err) != H5SNOOP_OK)
		return H5SNOOP_ERROR;
	t = &a->tally[r->group];
	t->requests[r->layer]++;
	if (r->file_size > t->file_size)
		t->file_size = r->file_size;
	g = a->g[r->group];
	if (!g && kept_group(a, r->group, &g, err) != H5SNOOP_OK)
		return H5SNOOP_ERROR;
	if (!g)
		return H5SNOOP_OK; /* left out: tallied only */
	l = &g->layer[r->layer];
	s = &l->row[r->no_body ? AGG_ROW_NOBODY : agg_bin_of(r->size)];
	/* NOTE: requests and total_ns are the histogram's n and sum, copied
	 * by agg_finish: one count less per request on the hot path. */
	s->bytes += r->size;
	if (hist_add(&s->latency, r->duration_ns) != 0)
		return diag_nomem(err);
	l->failed += r->failed;
	if (r->layer == LAYER_VFD) {
		unsigned mt = ev->u.vfd_read->mem_type;
		struct agg_simple *m =
			&l->mem[mt < H5SNOOP_MEM_NTYPES ? mt : 0];

		m->requests++;
		m->bytes += r->size;
		m->total_ns += r->duration_ns;
	} else {
		add_http(l, ev, r);
	}
	end = trace_add_ns(r->start_unix_ns, r->duration_ns);
	span_add(&l->span, r->proc, r->start_unix_ns, end);
	span_add(&g->span, r->proc, r->start_unix_ns, end);
	return H5SNOOP_OK;
}

enum h5snoop_status agg_finish(struct agg *a, struct h5snoop_error *err)
{
	a->left_out = 0;
	a->left_out_requests = 0;
	for (uint32_t i = 0; i < a->n; i++) {
		struct agg_group *g = a->g[i];

		if (!g) {
			uint64_t n = agg_requests(a, i);

			a->left_out += n > 0;
			a->left_out_requests += n;
			continue;
		}
		g->largest_file_size = a->tally[i].file_size;
		g->files = a->tally[i].files;
		/* RATIONALE: one size for a group of several files (64 and
		 * 72 MiB) says nothing true. */
		g->file_size = g->files == 1 ? g->largest_file_size : 0;
		span_close(&g->span);
		for (int l = 0; l < LAYER_COUNT; l++) {
			struct agg_layer *al = &g->layer[l];
			struct agg_stats *row = al->row;
			struct agg_stats *all = &row[AGG_ROW_ALL];

			span_close(&al->span);
			hist_free(&all->latency);
			all->requests = all->bytes = all->total_ns = 0;
			for (int b = 0; b < AGG_ROW_ALL; b++) {
				row[b].requests = row[b].latency.n;
				row[b].total_ns = row[b].latency.sum;
				all->requests += row[b].requests;
				all->bytes += row[b].bytes;
				all->total_ns += row[b].total_ns;
				if (hist_merge(&all->latency,
					       &row[b].latency) != 0)
					return diag_nomem(err);
			}
		}
		/* RATIONALE: where a driver serves reads from its cache, the
		 * reads that made requests are not all that was asked. */
		if (a->layer_mask & (1u << LAYER_VFD)) {
			struct agg_layer *l = g->layer;

			l[LAYER_HTTP].bytes_asked =
				l[LAYER_VFD].row[AGG_ROW_ALL].bytes;
		}
	}
	return H5SNOOP_OK;
}

uint64_t agg_wall_ns(int64_t first_ns, int64_t last_end_ns)
{
	return last_end_ns > first_ns
		       ? (uint64_t)last_end_ns - (uint64_t)first_ns
		       : 0;
}

static void free_group(struct agg_group *g)
{
	if (!g)
		return;
	for (int l = 0; l < LAYER_COUNT; l++)
		for (int b = 0; b < AGG_ROWS; b++)
			hist_free(&g->layer[l].row[b].latency);
	free(g);
}

struct ranked {
	uint64_t count;
	uint32_t index;
};

static int ranked_cmp(const void *x, const void *y)
{
	const struct ranked *p = x, *q = y;

	if (p->count != q->count)
		return p->count > q->count ? -1 : 1;
	return p->index < q->index ? -1 : p->index > q->index;
}

enum h5snoop_status agg_rank_by(uint32_t *idx, uint32_t n,
				uint64_t (*count)(const void *ctx,
						  uint32_t i),
				const void *ctx, struct h5snoop_error *err)
{
	struct ranked *v = malloc((n ? n : 1) * sizeof(*v));

	if (!v)
		return diag_nomem(err);
	for (uint32_t i = 0; i < n; i++)
		v[i] = (struct ranked){count(ctx, idx[i]), idx[i]};
	qsort(v, n, sizeof(*v), ranked_cmp);
	for (uint32_t i = 0; i < n; i++)
		idx[i] = v[i].index;
	free(v);
	return H5SNOOP_OK;
}

static uint64_t group_requests(const void *a, uint32_t g)
{
	return agg_requests(a, g);
}

enum h5snoop_status agg_rank(const struct agg *a, uint32_t *groups,
			     uint32_t n, struct h5snoop_error *err)
{
	return agg_rank_by(groups, n, group_requests, a, err);
}

enum h5snoop_status agg_select(struct agg *a, long also,
			       struct h5snoop_error *err)
{
	uint32_t *v, n = 0;

	free(a->keep);
	a->keep = calloc(a->n ? a->n : 1, 1);
	v = malloc((a->n ? a->n : 1) * sizeof(*v));
	if (!a->keep || !v) {
		free(v);
		return diag_nomem(err);
	}
	for (uint32_t g = 0; g < a->n; g++)
		if (agg_requests(a, g))
			v[n++] = g;
	if (agg_rank(a, v, n, err) != H5SNOOP_OK) {
		free(v);
		return H5SNOOP_ERROR;
	}
	for (uint32_t i = 0; i < n && (!a->keep_max || i < a->keep_max); i++)
		a->keep[v[i]] = 1;
	free(v);
	if (also >= 0 && (uint64_t)also < a->n)
		a->keep[also] = 1;
	a->keep_n = a->n;
	for (uint32_t g = 0; g < a->n; g++) {
		free_group(a->g[g]);
		a->g[g] = NULL;
		memset(&a->tally[g], 0, sizeof(a->tally[g]));
	}
	a->kept = 0;
	return H5SNOOP_OK;
}

void agg_free(struct agg *a)
{
	for (uint32_t i = 0; i < a->n; i++)
		free_group(a->g[i]);
	free(a->g);
	free(a->tally);
	free(a->keep);
	memset(a, 0, sizeof(*a));
}

static enum h5snoop_status sink_event(void *ctx, const struct trace *t,
				      const struct trace_event *ev,
				      const struct resolved *r,
				      struct h5snoop_error *err)
{
	(void)t;
	return agg_add(ctx, ev, r, err);
}

struct run_sink agg_sink(struct agg *a)
{
	return (struct run_sink){.ctx = a, .event = sink_event};
}
