/*
 * attrib.c - events to layers, files and groups (see attrib.h).
 *
 * Must never: allocate per read (only per file, process or group), or
 * print.
 */
#include "attrib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const layer_names[LAYER_COUNT] = {"vfd", "http"};

struct file_info {
	uint32_t file_id;
	uint32_t group;
	uint64_t size;
	char *name;
	char *driver;
	char *flavor;
	int restated; /* known from a file_restated only (ring) */
};

struct seq_slot {
	uint32_t seq;
	uint32_t counted;
	uint64_t size;
	struct file_info *file;
};

/* The group of requests of one file group with one stack. */
struct stack_group {
	uint64_t key; /* file group << 32 | stack_id */
	uint32_t group;
};

void attrib_init(struct attrib *a, struct group_table *groups)
{
	memset(a, 0, sizeof(*a));
	a->groups = groups;
}

void attrib_set_flavors(struct attrib *a, const struct flavor_map *m)
{
	a->flavors = m;
}

void attrib_set_stacks(struct attrib *a, unsigned depth,
		       const char *function)
{
	a->stacks = 1;
	a->stack_depth = depth;
	a->function = function && function[0] ? function : NULL;
	for (unsigned k = 0; k < a->groups->n_by; k++)
		if (a->groups->by[k] == GROUP_BY_STACK ||
		    a->groups->by[k] == GROUP_BY_FUNCTION)
			a->group_by_stack = 1;
}

static int id_eq(uintptr_t val, const void *key)
{
	return ((const struct file_info *)val)->file_id ==
	       *(const uint32_t *)key;
}

static int name_eq(uintptr_t val, const void *key)
{
	return strcmp(((const struct file_info *)val)->name, key) == 0;
}

/* The file of `id` in p or its ancestors (fork children share ids). */
static struct file_info *find_id(struct proc *p, uint32_t id)
{
	const struct proc *q;

	if (p->last && p->last->file_id == id)
		return p->last;
	for (q = p; q; q = q->parent) {
		struct file_info *f = (struct file_info *)map_find(
			&q->by_id, map_hash_u64(id), id_eq, &id);

		if (f) {
			p->last = f;
			return f;
		}
	}
	return NULL;
}

static struct file_info *find_name(const struct proc *p, const char *name)
{
	for (; p; p = p->parent) {
		struct file_info *f = (struct file_info *)map_find(
			&p->by_name, map_hash_str(name), name_eq, name);

		if (f)
			return f;
	}
	return NULL;
}

static void fill_values(struct group_values *v, const struct proc *p,
			const char *flavor, const char *file,
			const char *driver)
{
	v->v[GROUP_BY_FLAVOR] = flavor;
	v->v[GROUP_BY_RUN] = p->label[0] ? p->label : "-";
	v->v[GROUP_BY_FILE] = file;
	v->v[GROUP_BY_DRIVER] = driver;
	v->v[GROUP_BY_PROCESS] = p->name;
	v->v[GROUP_BY_HOST] = p->host;
	/* Per request, not per file: see stack_group(). */
	v->v[GROUP_BY_STACK] = NULL;
	v->v[GROUP_BY_FUNCTION] = NULL;
}

/* The flavor of a file or URL (flavor.h): what the map picks, else its
 * stem.  RATIONALE: a flavor is the file variant, whatever run read it;
 * the run is the label (GROUP_BY_RUN). */
static char *flavor_of(const struct attrib *a, char *out, size_t cap,
		       const char *name)
{
	return flavor_of_name(a->flavors, name, out, cap);
}

/* A process's key in by_pid. */
struct pid_key {
	const char *host;
	long long pid;
};

static uint64_t pid_hash(const struct pid_key *k)
{
	return map_hash_str(k->host) ^ map_hash_u64((uint64_t)k->pid);
}

static int pid_eq(uintptr_t val, const void *key)
{
	const struct proc *p = (const struct proc *)val;
	const struct pid_key *k = key;

	return p->pid == k->pid && strcmp(p->host, k->host) == 0;
}

enum h5snoop_status attrib_begin_trace(struct attrib *a,
				       const struct trace *t,
				       struct h5snoop_error *err)
{
	struct proc *p = calloc(1, sizeof(*p));

	if (!p)
		return diag_nomem(err);
	if (a->n_procs == a->cap_procs) {
		size_t cap = a->cap_procs ? a->cap_procs * 2 : 16;
		struct proc **v = realloc(a->procs, cap * sizeof(*v));

		if (!v) {
			free(p);
			return diag_nomem(err);
		}
		a->procs = v;
		a->cap_procs = cap;
	}
	snprintf(p->host, sizeof(p->host), "%s", t->meta.hostname);
	snprintf(p->label, sizeof(p->label), "%s", t->meta.label);
	snprintf(p->name, sizeof(p->name), "%s:%lld", t->meta.hostname,
		 t->meta.pid);
	p->pid = t->meta.pid;
	p->ppid = t->meta.ppid;
	p->unknown_group = -1;
	p->url_group = -1;
	p->index = (uint32_t)a->n_procs;
	a->procs[a->n_procs++] = p;
	/* The parent: the latest earlier process of that pid on the host.
	 * RATIONALE: a map, not a scan of every earlier process (quadratic
	 * over runs of many processes). */
	{
		struct pid_key k = {p->host, p->ppid};
		struct proc *parent = (struct proc *)map_find(
			&a->by_pid, pid_hash(&k), pid_eq, &k);

		if (parent) {
			p->parent = parent;
			stack_table_set_parent(&p->stacks, &parent->stacks);
		}
		k.pid = p->pid;
		if (map_set(&a->by_pid, pid_hash(&k), pid_eq, &k,
			    (uintptr_t)p) != 0)
			return diag_nomem(err);
	}
	a->cur = p;
	free(a->ring);
	a->n_streams = t->n_streams;
	a->ring = calloc((size_t)(t->n_streams ? t->n_streams : 1) *
				 ATTRIB_RING,
			 sizeof(*a->ring));
	if (!a->ring)
		return diag_nomem(err);
	return H5SNOOP_OK;
}

enum h5snoop_status attrib_read(struct attrib *a,
				const struct trace_event *ev,
				struct h5snoop_error *err)
{
	unsigned id = h5snoop_event_original(ev->id);

	if (!a->stacks || (id != H5SNOOP_EV_stack && id != H5SNOOP_EV_module))
		return H5SNOOP_OK;
	a->stacks_read++;
	return stack_table_add_event(&a->cur->stacks, ev, err);
}

int attrib_stack_ready(const struct attrib *a, const struct trace_event *ev)
{
	uint32_t id;

	if (!a->stacks)
		return 1;
	if (ev->id == H5SNOOP_EV_vfd_read)
		id = ev->u.vfd_read->stack_id;
	else if (ev->id == H5SNOOP_EV_http_request)
		id = ev->u.http_request->stack_id;
	else
		return 1;
	return stack_table_ready(&a->cur->stacks, id);
}

static enum h5snoop_status add_file(struct attrib *a, struct proc *p,
				    const struct trace_event *ev,
				    struct file_info **out,
				    struct h5snoop_error *err)
{
	const struct h5snoop_ev_file_open *o = ev->u.file_open;
	struct file_info *f = calloc(1, sizeof(*f));
	size_t name_len;
	const char *name = flavor_file_name(ev->var[1], &name_len);
	struct group_values v;

	if (!f)
		return diag_nomem(err);
	f->file_id = o->file_id;
	f->size = o->size;
	f->driver = strdup(ev->var[0]);
	/* RATIONALE: the name and its flavor whole, however long: a name
	 * cut would match no request of its URL, and two names alike up to
	 * the cut would become one file and one flavor. */
	f->name = strndup(name, name_len);
	f->flavor = malloc(FLAVOR_CAP(name_len));
	if (f->name && f->flavor)
		flavor_of(a, f->flavor, FLAVOR_CAP(name_len), f->name);
	if (p->n_files == p->cap_files) {
		size_t cap = p->cap_files ? p->cap_files * 2 : 8;
		struct file_info **nf = realloc(p->files, cap * sizeof(*nf));

		if (nf) {
			p->files = nf;
			p->cap_files = cap;
		}
	}
	if (!f->driver || !f->name || !f->flavor ||
	    p->n_files == p->cap_files) {
		free(f->driver);
		free(f->name);
		free(f->flavor);
		free(f);
		return diag_nomem(err);
	}
	p->files[p->n_files++] = f;
	fill_values(&v, p, f->flavor, f->name, f->driver);
	if (group_table_intern(a->groups, &v, &f->group, err) != H5SNOOP_OK)
		return H5SNOOP_ERROR;
	if (map_set(&p->by_id, map_hash_u64(f->file_id), id_eq, &f->file_id,
		    (uintptr_t)f) != 0 ||
	    map_set(&p->by_name, map_hash_str(f->name), name_eq, f->name,
		    (uintptr_t)f) != 0)
		return diag_nomem(err);
	p->last = f;
	*out = f;
	return H5SNOOP_OK;
}

static void from_file(struct resolved *r, const struct file_info *f)
{
	r->group = f->group;
	r->flavor = f->flavor;
	r->file = f->name;
	r->driver = f->driver;
	r->file_size = f->size;
}

/*
 * A file still open when a ring chunk began (file_restated, the layout of
 * file_open): defines the file when its file_open was deleted with an
 * older chunk, else must agree with it.  No operation: r stays without a
 * layer.
 * RATIONALE: a file_id is unique within a process, so a restatement that
 * names another file or size is a damaged or forged trace, not a rule to
 * pick a winner by.
 */
static enum h5snoop_status restated_file(struct attrib *a, struct proc *p,
					 const struct trace *t,
					 const struct trace_event *ev,
					 struct resolved *r,
					 struct h5snoop_error *err)
{
	const struct h5snoop_ev_file_open *o = ev->u.file_open;
	struct file_info *f = find_id(p, o->file_id);
	size_t name_len;
	const char *name = flavor_file_name(ev->var[1], &name_len);

	if (!f) {
		if (o->status < 0 || o->file_id == 0)
			return diag_fail(err, "%s: offset %llu: file_restated "
					 "of no open file (file_id %u, "
					 "status %d)",
					 t->streams[ev->stream].path,
					 (unsigned long long)ev->file_offset,
					 o->file_id, o->status);
		if (add_file(a, p, ev, &f, err) != H5SNOOP_OK)
			return H5SNOOP_ERROR;
		f->restated = 1;
	} else if (f->size != o->size || strcmp(f->driver, ev->var[0]) ||
		   strlen(f->name) != name_len ||
		   memcmp(f->name, name, name_len) != 0) {
		return diag_fail(err, "%s: offset %llu: file_restated "
				 "disagrees with file_id %u opened before "
				 "(%s %s, %llu bytes)",
				 t->streams[ev->stream].path,
				 (unsigned long long)ev->file_offset,
				 o->file_id, f->driver, f->name,
				 (unsigned long long)f->size);
	}
	from_file(r, f);
	return H5SNOOP_OK;
}

/* Group of reads whose file_id no file_open of this process names. */
static enum h5snoop_status unknown_file(struct attrib *a, struct proc *p,
					struct resolved *r,
					struct h5snoop_error *err)
{
	if (p->unknown_group < 0) {
		struct group_values v;
		uint32_t g;

		fill_values(&v, p, "?", "?", "?");
		if (group_table_intern(a->groups, &v, &g, err) != H5SNOOP_OK)
			return H5SNOOP_ERROR;
		p->unknown_group = g;
	}
	r->group = (uint32_t)p->unknown_group;
	r->flavor = "?";
	r->file = "?";
	r->driver = "?";
	return H5SNOOP_OK;
}

/* Group of an http request tied to no file: by its URL. */
static enum h5snoop_status by_url(struct attrib *a, struct proc *p,
				  const char *url, const char *driver,
				  struct resolved *r, struct h5snoop_error *err)
{
	if (p->url_group < 0 || strcmp(p->url, url) != 0 ||
	    p->url_driver != driver) {
		struct group_values v;
		uint32_t g;
		size_t n = strlen(url);
		/* Whole, as a file's name (add_file). */
		char *copy = strdup(url), *flavor = malloc(FLAVOR_CAP(n));

		if (!copy || !flavor) {
			free(copy);
			free(flavor);
			return diag_nomem(err);
		}
		free(p->url);
		free(p->url_flavor);
		p->url = copy;
		p->url_flavor = flavor_of(a, flavor, FLAVOR_CAP(n), url);
		p->url_driver = driver;
		fill_values(&v, p, p->url_flavor, p->url, driver);
		if (group_table_intern(a->groups, &v, &g, err) != H5SNOOP_OK)
			return H5SNOOP_ERROR;
		p->url_group = g;
	}
	r->group = (uint32_t)p->url_group;
	r->flavor = p->url_flavor;
	r->file = p->url;
	r->driver = driver;
	return H5SNOOP_OK;
}

/* s ends with suffix, ignoring case. */
static int ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	if (n < k)
		return 0;
	for (size_t i = 0; i < k; i++) {
		char c = s[n - k + i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != suffix[i])
			return 0;
	}
	return 1;
}

enum attrib_probe attrib_probe_of(const char *method, unsigned status,
				  const char *url)
{
	static const char *const sidecars[] = {".aux", ".aux.xml", ".ovr",
					       ".msk", ".xml"};
	const char *scheme = strstr(url, "://");
	const char *path = scheme ? strchr(scheme + 3, '/') : url;
	size_t n;

	if (status != 403 && status != 404)
		return ATTRIB_PROBE_NONE;
	if (!path)
		path = "/"; /* "http://host": its root */
	n = strcspn(path, "?#");
	if (n > 0 && path[n - 1] == '/')
		return ATTRIB_PROBE_LISTING;
	if (strcmp(method, "HEAD") != 0)
		return ATTRIB_PROBE_NONE;
	for (size_t i = 0; i < sizeof(sidecars) / sizeof(sidecars[0]); i++)
		if (ends_with(path, n, sidecars[i]))
			return ATTRIB_PROBE_SIDECAR;
	return ATTRIB_PROBE_NONE;
}

uint64_t attrib_http_size(const struct h5snoop_ev_http_request *h)
{
	int64_t lo = h->range_start, hi = h->range_end;

	if (lo >= 0 && hi >= lo)
		return (uint64_t)(hi - lo) + 1u;
	return h->bytes;
}

/* The stream of the thread a request's read_seq belongs to: its own, or
 * the one read_tid names (the net layer links a request made on another
 * thread to the process's only read in flight); UINT32_MAX if none. */
static uint32_t read_stream(const struct trace *t,
			    const struct trace_event *ev,
			    const struct h5snoop_ev_http_request *h)
{
	if (h->read_tid == 0 || h->read_tid == ev->tid)
		return ev->stream;
	for (uint32_t i = 0; i < t->n_streams; i++)
		if (t->streams[i].tid == h->read_tid)
			return i;
	return UINT32_MAX;
}

static enum h5snoop_status resolve_http(struct attrib *a, struct proc *p,
					const struct trace *t,
					const struct trace_event *ev,
					struct resolved *r,
					struct h5snoop_error *err)
{
	const struct h5snoop_ev_http_request *h = ev->u.http_request;
	const char *url = ev->var[1];
	struct file_info *f = NULL;
	uint32_t stream = read_stream(t, ev, h);
	int linked = 0;

	r->layer = LAYER_HTTP;
	r->size = attrib_http_size(h);
	r->duration_ns = h->duration_ns;
	/* curl_code -1: the program never read the transfer's result (GDAL
	 * removes finished multi handles directly); judge by the status. */
	r->failed = h->curl_code > 0 || h->http_status >= 400 ||
		    (h->curl_code < 0 && h->http_status == 0);
	r->probe = r->failed && h->curl_code <= 0
			   ? (int)attrib_probe_of(ev->var[0], h->http_status,
						  url)
			   : 0;
	if (r->probe)
		r->failed = 0;
	r->no_body = r->failed || r->probe ||
		     (ev->var_len[0] == 4 && memcmp(ev->var[0], "HEAD", 4) == 0);
	if (r->no_body)
		r->size = h->bytes; /* what came back, not what was asked */
	if (h->read_seq != 0 && stream < a->n_streams) {
		struct seq_slot *s =
			&a->ring[(size_t)stream * ATTRIB_RING +
				 (h->read_seq & (ATTRIB_RING - 1))];

		if (s->seq == h->read_seq) {
			linked = 1;
			f = s->file;
			r->in_read = 1;
			r->first_of_read = !s->counted;
			if (!s->counted)
				r->asked_bytes = s->size;
			s->counted = 1;
		}
	}
	if (!f && !linked)
		f = find_name(p, url);
	if (f) {
		from_file(r, f);
		return H5SNOOP_OK;
	}
	return by_url(a, p, url,
		      h->seen_by == H5SNOOP_SEEN_BY_CURL ? "libcurl" : "net",
		      r, err);
}

static int sg_eq(uintptr_t val, const void *key)
{
	return ((const struct stack_group *)val)->key ==
	       *(const uint64_t *)key;
}

/* The group of a request of file group `base` with stack `id` (rec:
 * NULL when id is 0 or not in the trace), interned on first sight. */
static enum h5snoop_status stack_group(struct attrib *a, struct proc *p,
				       uint32_t id,
				       const struct stack_rec *rec,
				       struct resolved *r,
				       struct h5snoop_error *err)
{
	uint64_t key = (uint64_t)r->group << 32 | id;
	struct stack_group *sg = (struct stack_group *)map_find(
		&p->stack_groups, map_hash_u64(key), sg_eq, &key);
	const struct group_table *gt = a->groups;
	char site[1024], api[256];
	struct group_values v;

	if (sg) {
		r->group = sg->group;
		return H5SNOOP_OK;
	}
	memset(&v, 0, sizeof(v));
	for (unsigned k = 0; k < gt->n_by; k++)
		v.v[gt->by[k]] = gt->values[(size_t)r->group * gt->n_by + k];
	if (!rec) {
		v.v[GROUP_BY_STACK] = id ? "(stack not in trace)"
					 : "(no stack)";
		v.v[GROUP_BY_FUNCTION] = v.v[GROUP_BY_STACK];
	} else {
		stack_site(rec, a->stack_depth, site, sizeof(site));
		v.v[GROUP_BY_STACK] = site[0] ? site : "(empty stack)";
		v.v[GROUP_BY_FUNCTION] =
			stack_api_name(rec, api, sizeof(api))
				? api
				: "(no HDF5 call)";
	}
	if (p->n_sgs == p->cap_sgs) {
		size_t cap = p->cap_sgs ? p->cap_sgs * 2 : 16;
		struct stack_group **nv = realloc(p->sgs, cap * sizeof(*nv));

		if (!nv)
			return diag_nomem(err);
		p->sgs = nv;
		p->cap_sgs = cap;
	}
	sg = malloc(sizeof(*sg));
	if (!sg)
		return diag_nomem(err);
	p->sgs[p->n_sgs++] = sg;
	sg->key = key;
	if (group_table_intern(a->groups, &v, &sg->group, err) !=
	    H5SNOOP_OK)
		return H5SNOOP_ERROR;
	if (map_set(&p->stack_groups, map_hash_u64(key), sg_eq, &key,
		    (uintptr_t)sg) != 0)
		return diag_nomem(err);
	r->group = sg->group;
	return H5SNOOP_OK;
}

/* A request's stack: r->stack, its group with --by stack or function,
 * and the --by function=FUNC filter. */
static enum h5snoop_status resolve_stack(struct attrib *a, struct proc *p,
					 uint32_t id, struct resolved *r,
					 struct h5snoop_error *err)
{
	const struct stack_rec *rec;

	if (stack_table_get(&p->stacks, &a->sym, id, &rec, err) !=
	    H5SNOOP_OK)
		return H5SNOOP_ERROR;
	r->stack = rec;
	a->requests++;
	a->requests_stacked += rec != NULL;
	a->stacks_missing += id != 0 && !rec;
	if (a->function && !stack_has_function(rec, a->function)) {
		r->layer = LAYER_NONE;
		return H5SNOOP_OK;
	}
	return a->group_by_stack ? stack_group(a, p, id, rec, r, err)
				 : H5SNOOP_OK;
}

enum h5snoop_status attrib_resolve(struct attrib *a, const struct trace *t,
				   const struct trace_event *ev,
				   struct resolved *r,
				   struct h5snoop_error *err)
{
	struct proc *p = a->cur;
	struct file_info *f;

	/* NOTE: field by field, not memset: this runs for every event. */
	r->proc = p;
	r->layer = LAYER_NONE;
	r->file_size = 0;
	r->size = 0;
	r->no_body = 0;
	r->failed = 0;
	r->probe = 0;
	r->asked_bytes = 0;
	r->in_read = 0;
	r->first_of_read = 0;
	r->stack = NULL;
	r->start_unix_ns = trace_unix_ns(t, ev->ts);
	switch (ev->id) {
	case H5SNOOP_EV_vfd_read: {
		const struct h5snoop_ev_vfd_read *rd = ev->u.vfd_read;
		struct seq_slot *s;
		enum h5snoop_status st = H5SNOOP_OK;

		r->layer = LAYER_VFD;
		r->size = rd->size;
		r->duration_ns = rd->duration_ns;
		r->failed = rd->status < 0;
		f = find_id(p, rd->file_id);
		if (ev->stream < a->n_streams) {
			s = &a->ring[(size_t)ev->stream * ATTRIB_RING +
				     (rd->seq & (ATTRIB_RING - 1))];
			s->seq = rd->seq;
			s->counted = 0;
			s->size = rd->size;
			s->file = f;
		}
		if (f)
			from_file(r, f);
		else
			st = unknown_file(a, p, r, err);
		if (st == H5SNOOP_OK && a->stacks)
			st = resolve_stack(a, p, rd->stack_id, r, err);
		return st;
	}
	case H5SNOOP_EV_http_request:
		if (resolve_http(a, p, t, ev, r, err) != H5SNOOP_OK)
			return H5SNOOP_ERROR;
		return a->stacks ? resolve_stack(a, p,
						 ev->u.http_request->stack_id,
						 r, err)
				 : H5SNOOP_OK;
	case H5SNOOP_EV_file_open:
		r->duration_ns = ev->u.file_open->duration_ns;
		if (ev->u.file_open->status < 0)
			return by_url(a, p, ev->var[1], "libcurl", r, err);
		/* Restated already (a ring chunk began while it opened). */
		f = find_id(p, ev->u.file_open->file_id);
		if (f && f->restated && f->size == ev->u.file_open->size &&
		    strcmp(f->driver, ev->var[0]) == 0) {
			f->restated = 0;
			from_file(r, f);
			return H5SNOOP_OK;
		}
		if (add_file(a, p, ev, &f, err) != H5SNOOP_OK)
			return H5SNOOP_ERROR;
		from_file(r, f);
		return H5SNOOP_OK;
	case H5SNOOP_EV_file_restated:
		return restated_file(a, p, t, ev, r, err);
	case H5SNOOP_EV_file_close:
		r->duration_ns = ev->u.file_close->duration_ns;
		f = find_id(p, ev->u.file_close->file_id);
		if (f) {
			from_file(r, f);
			return H5SNOOP_OK;
		}
		return unknown_file(a, p, r, err);
	default:
		/* stack, module: no file, no group of their own. */
		r->group = 0;
		r->flavor = r->file = r->driver = "";
		return H5SNOOP_OK;
	}
}

static void free_procs(struct attrib *a)
{
	for (size_t i = 0; i < a->n_procs; i++) {
		struct proc *p = a->procs[i];

		for (size_t j = 0; j < p->n_files; j++) {
			free(p->files[j]->name);
			free(p->files[j]->driver);
			free(p->files[j]->flavor);
			free(p->files[j]);
		}
		free(p->files);
		free(p->url);
		free(p->url_flavor);
		map_free(&p->by_id);
		map_free(&p->by_name);
		for (size_t j = 0; j < p->n_sgs; j++)
			free(p->sgs[j]);
		free(p->sgs);
		map_free(&p->stack_groups);
		stack_table_free(&p->stacks);
		free(p);
	}
	free(a->procs);
	a->procs = NULL;
	a->n_procs = a->cap_procs = 0;
	map_free(&a->by_pid);
	free(a->ring);
	a->ring = NULL;
	a->n_streams = 0;
	a->cur = NULL;
}

void attrib_restart(struct attrib *a)
{
	free_procs(a);
	a->requests = a->requests_stacked = a->stacks_missing = 0;
}

void attrib_free(struct attrib *a)
{
	free_procs(a);
	symbolizer_free(&a->sym);
	memset(a, 0, sizeof(*a));
}
