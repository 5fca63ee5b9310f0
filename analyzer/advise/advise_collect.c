/*
 * advise_collect.c - the one pass of `h5snoop advise`: per subject (label
 * and file), the figures its rules need (see advise.h).
 *
 * Memory: a subject per distinct label and file, ADVISE_SUBJECTS_MAX at
 * most (the events of others are counted); per subject, sets of
 * the 1 MiB and 8 MiB regions touched and of the ranges read, all capped
 * together at ADVISE_SET_MAX entries (past it, repeats are no longer
 * counted and the subject says so).  Must never: print, keep events.
 */
#include <stdlib.h>
#include <string.h>

#include "advise.h"
#include "h5snoop/trace_schema.h"

void advise_init(struct advise *a, double rtt_s)
{
	memset(a, 0, sizeof(*a));
	a->rtt_s = rtt_s;
	/* RATIONALE: one subject per run and file: a label is one way of
	 * reading (driver and settings), and the remedy is per file. */
	a->groups.by[0] = GROUP_BY_RUN;
	a->groups.by[1] = GROUP_BY_FILE;
	a->groups.n_by = 2;
	attrib_init(&a->attrib, &a->groups);
	attrib_set_stacks(&a->attrib, 1, NULL);
}

static int set_eq(uintptr_t val, const void *key)
{
	(void)val;
	(void)key;
	return 1; /* keys are 64-bit hashes: equal hash, equal key */
}

/* Adds hash h to set m; 1 if it was new, 0 if there, -1 out of memory.
 * Past the cap, 0 and *full set. */
static int set_add(struct advise *a, struct map *m, uint64_t h, int *full)
{
	if (map_find(m, h, set_eq, NULL))
		return 0;
	if (a->ranges >= ADVISE_SET_MAX) {
		*full = 1;
		return 0;
	}
	if (map_set(m, h, set_eq, NULL, 1) != 0)
		return -1;
	a->ranges++;
	return 1;
}

static uint64_t hash3(uint64_t x, uint64_t y, uint64_t z)
{
	uint64_t v[3] = {x, y, z};

	return map_hash_bytes(v, sizeof(v));
}

static uint64_t sat_add(uint64_t x, uint64_t y)
{
	return x > UINT64_MAX - y ? UINT64_MAX : x + y;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

/* The subject of label and file in the index: equal hashes are told
 * apart by the strings. */
struct subject_key {
	const char *label, *file;
};

static int subject_eq(uintptr_t val, const void *key)
{
	const struct advise_subject *s = (const void *)val;
	const struct subject_key *k = key;

	/* NOTE: the names are kept cut to their arrays' size */
	return strncmp(s->label, k->label, sizeof(s->label) - 1) == 0 &&
	       strncmp(s->file, k->file, sizeof(s->file) - 1) == 0;
}

/* RATIONALE: subjects are found by their label and file, not by the
 * group the attribution gave the event, so that the sink collects the
 * same subjects under any grouping (`report --by ...` runs it too).
 * *out is NULL for an event of a subject past ADVISE_SUBJECTS_MAX. */
static enum h5snoop_status subject_of(struct advise *a,
				      const struct resolved *r,
				      struct advise_subject **out,
				      struct h5snoop_error *err)
{
	struct subject_key key = {r->proc ? r->proc->label : "", r->file};
	struct advise_subject *s = a->last;
	uint64_t h;

	if (!key.file)
		key.file = "";
	/* NOTE: a process's events mostly name the file of the one before:
	 * its label is the process's, so only the file is compared. */
	if (s && a->last_proc == r->proc &&
	    strncmp(s->file, key.file, sizeof(s->file) - 1) == 0) {
		*out = s;
		return H5SNOOP_OK;
	}
	h = map_hash_str(key.label) ^ map_hash_u64(map_hash_str(key.file));
	s = (struct advise_subject *)map_find(&a->subject_index, h,
					      subject_eq, &key);
	if (!s && a->n_subjects >= ADVISE_SUBJECTS_MAX) {
		a->left_out_events++;
		*out = NULL;
		return H5SNOOP_OK;
	}
	if (!s) {
		struct advise_subject **v =
			realloc(a->subjects, (a->n_subjects + 1) * sizeof(*v));

		if (!v)
			return diag_nomem(err);
		a->subjects = v;
		s = calloc(1, sizeof(*s));
		if (!s)
			return diag_nomem(err);
		s->group = (uint32_t)a->n_subjects;
		copy_str(s->label, sizeof(s->label), key.label);
		copy_str(s->file, sizeof(s->file), key.file);
		copy_str(s->driver, sizeof(s->driver), r->driver);
		s->meta_min = UINT64_MAX;
		s->first_ns = INT64_MAX;
		if (map_set(&a->subject_index, h, subject_eq, &key,
			    (uintptr_t)s) != 0) {
			free(s);
			return diag_nomem(err);
		}
		a->subjects[a->n_subjects++] = s;
	}
	a->last = s;
	a->last_proc = r->proc;
	*out = s;
	return H5SNOOP_OK;
}

/* Counts the HDF5 API call on r's stack among s's call sites of kind. */
static void add_site(struct advise_subject *s, enum advise_kind kind,
		     const struct resolved *r)
{
	struct advise_site *v = s->sites[kind];
	const char *name;
	unsigned i;

	if (!r->stack || r->stack->api < 0 ||
	    (unsigned)r->stack->api >= r->stack->n)
		return;
	name = r->stack->frames[r->stack->api].function;
	if (!name)
		return;
	for (i = 0; i < ADVISE_SITES && v[i].n; i++)
		if (strncmp(v[i].name, name, sizeof(v[i].name) - 1) == 0) {
			v[i].n++;
			return;
		}
	if (i < ADVISE_SITES) {
		copy_str(v[i].name, sizeof(v[i].name), name);
		v[i].n = 1;
	}
}

static void add_latency(struct advise_subject *s, enum layer l,
			uint64_t ns)
{
	if (s->n_lat[l] < ADVISE_SAMPLES)
		s->lat[l][s->n_lat[l]++] = ns;
}

/* One request of process `proc` over [start, start + dur) in b
 * (requests come in start order within a trace). */
static void add_interval(struct advise_busy *b, uint32_t proc,
			 int64_t start, uint64_t dur)
{
	int64_t end = trace_add_ns(start, dur);

	b->sum_ns = sat_add(b->sum_ns, dur);
	b->n++;
	if (b->n == 1 || proc != b->proc || start >= b->end_ns) {
		b->busy_ns = sat_add(b->busy_ns, dur);
		b->end_ns = end;
		b->proc = proc;
		return;
	}
	if (end > b->end_ns) {
		b->busy_ns = sat_add(b->busy_ns, (uint64_t)(end - b->end_ns));
		b->end_ns = end;
	}
}

/* Remembers one of the three most repeated ranges. */
static void note_repeat(struct advise_subject *s, uint64_t off,
			uint64_t size, uint8_t type)
{
	unsigned i, low = 0;

	for (i = 0; i < 3; i++)
		if (s->rep_n[i] && s->rep_offset[i] == off &&
		    s->rep_size[i] == size) {
			s->rep_n[i]++;
			return;
		}
	for (i = 1; i < 3; i++)
		if (s->rep_n[i] < s->rep_n[low])
			low = i;
	if (s->rep_n[low] <= 1) {
		s->rep_offset[low] = off;
		s->rep_size[low] = size;
		s->rep_type[low] = type;
		s->rep_n[low] = 1;
	}
}

/* Widens s's time span to hold [start, start + dur). */
static void add_span(struct advise_subject *s, int64_t start, uint64_t dur)
{
	int64_t end = trace_add_ns(start, dur);

	if (start < s->first_ns)
		s->first_ns = start;
	if (end > s->last_end_ns)
		s->last_end_ns = end;
}

static enum h5snoop_status add_vfd(struct advise *a, struct advise_subject *s,
				   const struct trace_event *ev,
				   const struct resolved *r,
				   struct h5snoop_error *err)
{
	const struct h5snoop_ev_vfd_read *v = ev->u.vfd_read;
	uint8_t type = v->mem_type < 8 ? v->mem_type : 0;
	int meta = type != H5SNOOP_MEM_draw;
	uint32_t proc = r->proc ? r->proc->index : 0;
	int rc;

	/* NOTE: a run's first event may be a request its driver made
	 * before reading (fsspec's HEAD, named "net"): the driver is the
	 * one HDF5 read through. */
	if (s->reads == 0)
		copy_str(s->driver, sizeof(s->driver), r->driver);
	s->reads++;
	s->read_bytes = sat_add(s->read_bytes, v->size);
	s->read_ns = sat_add(s->read_ns, v->duration_ns);
	s->by_type[type]++;
	if (v->duration_ns < ADVISE_MEMORY_NS)
		s->fast_reads++;
	if (r->file_size > s->file_size)
		s->file_size = r->file_size;
	add_span(s, r->start_unix_ns, v->duration_ns);
	if (v->size < ADVISE_SMALL_BYTES) {
		s->small++;
		s->small_bytes = sat_add(s->small_bytes, v->size);
		s->small_by_type[type]++;
		add_site(s, ADVISE_SMALL, r);
		rc = set_add(a, &s->small_blocks,
			     hash3(1, 0, v->offset / ADVISE_BLOCK_BYTES),
			     &s->ranges_full);
		if (rc < 0)
			return diag_nomem(err);
		add_latency(s, LAYER_VFD, v->duration_ns);
	}
	for (unsigned k = 12; k < 27; k++)
		if (v->size == (uint64_t)1 << k &&
		    v->offset % v->size == 0) {
			s->aligned[k]++;
			s->aligned_bytes[k] = sat_add(s->aligned_bytes[k],
						      v->size);
		}
	add_interval(&s->busy[LAYER_VFD], proc, r->start_unix_ns,
		     v->duration_ns);
	/* NOTE: a large read served from a client cache took no network
	 * time: it measures nothing about the network. */
	if (v->size >= (1u << 20) && v->duration_ns >= ADVISE_MEMORY_NS) {
		s->big[LAYER_VFD]++;
		s->big_bytes[LAYER_VFD] =
			sat_add(s->big_bytes[LAYER_VFD], v->size);
		s->big_ns[LAYER_VFD] =
			sat_add(s->big_ns[LAYER_VFD], v->duration_ns);
	}
	if (!s->buf_page) {
		s->buf_page = advise_page_size(r->file_size);
		if (!s->buf_page)
			s->buf_page = ADVISE_BLOCK_BYTES;
	}
	if (meta || v->size < s->buf_page) {
		struct map *pages = meta ? &s->buf_meta_pages
					 : &s->buf_raw_pages;
		uint64_t last = v->offset + (v->size ? v->size - 1 : 0);

		if (!meta) {
			s->buf_raw++;
			s->buf_raw_bytes = sat_add(s->buf_raw_bytes, v->size);
		}
		if (set_add(a, pages, hash3(4, meta, v->offset / s->buf_page),
			    &s->ranges_full) < 0 ||
		    set_add(a, pages, hash3(4, meta, last / s->buf_page),
			    &s->ranges_full) < 0)
			return diag_nomem(err);
	}
	if (meta) {
		s->meta++;
		s->meta_bytes = sat_add(s->meta_bytes, v->size);
		if (v->size < ADVISE_SMALL_BYTES)
			s->meta_small++;
		if (v->offset < s->meta_min)
			s->meta_min = v->offset;
		if (v->offset > s->meta_max)
			s->meta_max = v->offset;
		add_site(s, ADVISE_META, r);
		if (set_add(a, &s->meta_regions,
			    hash3(2, 0, v->offset / ADVISE_REGION_BYTES),
			    &s->ranges_full) < 0 ||
		    set_add(a, &s->meta_pages,
			    hash3(3, 0, v->offset / ADVISE_BLOCK_BYTES),
			    &s->ranges_full) < 0)
			return diag_nomem(err);
	} else {
		s->raw++;
		s->raw_bytes = sat_add(s->raw_bytes, v->size);
		if (v->size < (512u << 10))
			s->raw_sizes_small++;
		add_site(s, ADVISE_RAW, r);
	}
	if (a->what_if) {
		if (!s->pred) {
			s->pred = calloc(1, sizeof(*s->pred));
			if (!s->pred)
				return diag_nomem(err);
		}
		advise_whatif_read(&a->model, s->pred, proc, r->file_size,
				   type, v->offset, v->size);
	}
	rc = set_add(a, &s->ranges, hash3(proc, v->offset, v->size),
		     &s->ranges_full);
	if (rc < 0)
		return diag_nomem(err);
	if (rc == 0 && !s->ranges_full) {
		s->repeats++;
		s->repeat_bytes = sat_add(s->repeat_bytes, v->size);
		note_repeat(s, v->offset, v->size, type);
	}
	return H5SNOOP_OK;
}

static enum h5snoop_status add_http(struct advise *a,
				    struct advise_subject *s,
				    const struct trace_event *ev,
				    const struct resolved *r,
				    struct h5snoop_error *err)
{
	const struct h5snoop_ev_http_request *h = ev->u.http_request;
	const char *url = ev->var[1];
	uint64_t setup = sat_add(sat_add(h->dns_ns, h->connect_ns), h->tls_ns);
	uint64_t key = hash3(map_hash_bytes(url, ev->var_len[1]),
			     (uint64_t)h->range_start,
			     (uint64_t)h->range_end);
	unsigned digit = h->http_status / 100;

	if (s->failed_ranges.n &&
	    map_find(&s->failed_ranges, key, set_eq, NULL))
		s->http_retried++;
	if (r->failed &&
	    set_add(a, &s->failed_ranges, key, &s->ranges_full) < 0)
		return diag_nomem(err);
	s->http++;
	if (!r->failed && !r->probe && ev->var_len[0] == 4 &&
	    memcmp(ev->var[0], "HEAD", 4) == 0)
		s->heads++;
	if (!r->no_body && r->size < ADVISE_SMALL_BYTES)
		s->http_small++;
	add_span(s, r->start_unix_ns, h->duration_ns);
	s->http_bytes = sat_add(s->http_bytes, h->bytes);
	s->http_asked = sat_add(s->http_asked, r->asked_bytes);
	if (r->asked_bytes > 0)
		s->linked_reads++;
	s->http_ns = sat_add(s->http_ns, h->duration_ns);
	s->status_n[digit < 6 ? digit : 0]++;
	if (strncmp(url, "https:", 6) == 0)
		s->tls = 1;
	if (r->failed) {
		s->http_failed++;
		s->failed_ns = sat_add(s->failed_ns, h->duration_ns);
		if (h->http_status >= 400)
			s->last_bad_status = h->http_status;
	}
	/* NOTE: libcurl's connect time is 0 on a reused connection; the
	 * net layer times no connect but says whether it reused one. */
	if (h->connect_ns > 0 ||
	    (h->seen_by != H5SNOOP_SEEN_BY_CURL && !h->reused)) {
		s->new_conns++;
		s->conn_ns = sat_add(s->conn_ns, sat_add(h->connect_ns,
							 h->tls_ns));
	}
	if (!r->failed && h->ttfb_ns > setup) {
		if (r->size < ADVISE_SMALL_BYTES)
			add_latency(s, LAYER_HTTP, h->ttfb_ns - setup);
		if (s->n_lat_any < ADVISE_SAMPLES)
			s->lat_any[s->n_lat_any++] = h->ttfb_ns - setup;
	}
	if (!r->no_body && h->bytes >= (1u << 20) &&
	    h->duration_ns > setup) {
		s->big[LAYER_HTTP]++;
		s->big_bytes[LAYER_HTTP] =
			sat_add(s->big_bytes[LAYER_HTTP], h->bytes);
		s->big_ns[LAYER_HTTP] = sat_add(s->big_ns[LAYER_HTTP],
						h->duration_ns - setup);
	}
	add_interval(&s->busy[LAYER_HTTP], r->proc ? r->proc->index : 0,
		     r->start_unix_ns, h->duration_ns);
	return H5SNOOP_OK;
}

static enum h5snoop_status collect_event(void *ctx, const struct trace *t,
					 const struct trace_event *ev,
					 const struct resolved *r,
					 struct h5snoop_error *err)
{
	struct advise *a = ctx;
	struct advise_subject *s;

	(void)t;
	if (r->layer == LAYER_NONE || a->restarted)
		return H5SNOOP_OK;
	if (subject_of(a, r, &s, err) != H5SNOOP_OK)
		return H5SNOOP_ERROR;
	if (!s)
		return H5SNOOP_OK;
	if (r->layer == LAYER_HTTP)
		return add_http(a, s, ev, r, err);
	return add_vfd(a, s, ev, r, err);
}

/* RATIONALE: a second pass over the same traces (report's, for its
 * --top groups) brings nothing new: the first one saw every event. */
static void collect_restart(void *ctx)
{
	struct advise *a = ctx;

	a->restarted = 1;
}

struct run_sink advise_sink(struct advise *a)
{
	return (struct run_sink){.ctx = a,
				 .event = collect_event,
				 .restart = collect_restart};
}

void advise_free(struct advise *a)
{
	for (size_t i = 0; i < a->n_subjects; i++) {
		struct advise_subject *s = a->subjects[i];

		if (!s)
			continue;
		map_free(&s->meta_regions);
		map_free(&s->meta_pages);
		map_free(&s->small_blocks);
		map_free(&s->buf_raw_pages);
		map_free(&s->buf_meta_pages);
		map_free(&s->ranges);
		map_free(&s->failed_ranges);
		free(s->pred);
		free(s);
	}
	free(a->subjects);
	map_free(&a->subject_index);
	free(a->findings);
	attrib_free(&a->attrib);
	group_table_free(&a->groups);
	memset(a, 0, sizeof(*a));
}
