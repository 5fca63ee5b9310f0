/*
 * top.c - live numbers of the traced processes under a root (see top.h).
 *
 * Must never: write to or lock a trace, wait for a writer, keep memory
 * that grows with the events read, or print.
 */
#include "top.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dir_list.h"
#include "h5snoop/trace_schema.h"
#include "trace_find.h"
#include "trace_reader.h"

const char *const top_layer_names[TOP_LAYER_COUNT] = {"vfd", "http"};

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

enum h5snoop_status top_open(struct top *t, const char *root,
			     struct h5snoop_error *err)
{
	struct trace_list probe;

	memset(t, 0, sizeof(*t));
	if (snprintf(t->root, sizeof(t->root), "%s", root) >=
	    (int)sizeof(t->root))
		return diag_fail(err, "%s: path too long", root);
	/* Fails now, not at the first refresh, for a root that is not a
	 * directory. */
	if (trace_find_live(t->root, &probe, err) != H5SNOOP_OK)
		return H5SNOOP_ERROR;
	trace_list_free(&probe);
	t->updated_ns = monotonic_ns();
	return H5SNOOP_OK;
}

/* Marks a process unreadable with the error in err (taken out of it, so
 * that the other processes go on). */
static void proc_fail(struct top_proc *p, struct h5snoop_error *err)
{
	p->failed = 1;
	diag_take(err, p->error, sizeof(p->error));
}

/*
 * Whether the traced process still runs: same host, the pid exists, and
 * it started before the trace's first event (so a pid reused by a later
 * process does not count).  Reads /proc only.
 */
static int proc_alive(const struct top_proc *p)
{
	char host[256], path[64], stat[1024], *paren;
	unsigned long long start_ticks = 0;
	long hz = sysconf(_SC_CLK_TCK);
	ssize_t n;
	int fd;

	if (gethostname(host, sizeof(host)) != 0 ||
	    strcmp(host, p->meta.hostname) != 0 || p->meta.pid <= 0 ||
	    p->meta.pid > INT32_MAX)
		return 0;
	if (kill((pid_t)p->meta.pid, 0) != 0 && errno != EPERM)
		return 0;
	snprintf(path, sizeof(path), "/proc/%lld/stat", p->meta.pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, stat, sizeof(stat) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	stat[n] = '\0';
	/* Field 22 (starttime), counted after the command's ")". */
	paren = strrchr(stat, ')');
	if (!paren || hz <= 0 ||
	    sscanf(paren + 1,
		   " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u "
		   "%*d %*d %*d %*d %*d %*d %llu",
		   &start_ticks) != 1)
		return 1;
	/* Ticks since boot against the monotonic clock (also since boot):
	 * one second of slack for the tick's coarseness. */
	return p->first_ts == UINT64_MAX ||
	       start_ticks / (unsigned long long)hz <=
		       p->first_ts / 1000000000u + 1u;
}

static void count(struct top_layer_stats *l, uint64_t bytes,
		  uint64_t duration_ns, int error)
{
	struct top_counts *c[2] = {&l->total, &l->interval};

	for (int i = 0; i < 2; i++) {
		c[i]->requests++;
		c[i]->bytes += bytes;
		c[i]->small += bytes < TOP_SMALL_BYTES;
		c[i]->errors += error != 0;
	}
	/* NOTE: out of memory only loses the interval's percentiles. */
	(void)hist_add(&l->latency, duration_ns);
}

static void account(struct top_proc *p, const struct trace_event *ev)
{
	if (ev->ts < p->first_ts)
		p->first_ts = ev->ts;
	if (ev->ts > p->last_ts)
		p->last_ts = ev->ts;
	if (ev->id == H5SNOOP_EV_vfd_read) {
		const struct h5snoop_ev_vfd_read *r = ev->u.vfd_read;

		count(&p->layer[TOP_VFD], r->size, r->duration_ns,
		      r->status != 0);
	} else if (ev->id == H5SNOOP_EV_http_request) {
		const struct h5snoop_ev_http_request *h = ev->u.http_request;

		count(&p->layer[TOP_HTTP], h->bytes, h->duration_ns,
		      h->curl_code > 0 || h->http_status >= 400);
	}
}

/* Whether stream file `name` of p no longer exists. */
static int file_gone(const struct top_proc *p, const char *name)
{
	return faccessat(p->dirfd, name, F_OK, AT_SYMLINK_NOFOLLOW) != 0 &&
	       errno == ENOENT;
}

/*
 * Closes the streams whose files were deleted (H5SNOOP_MODE=ring deletes
 * its oldest chunks), once read to their end: an open file would keep its
 * disk blocks.  Their losses moved to the chunk that replaced them.
 */
static void drop_gone_streams(struct top_proc *p)
{
	for (size_t i = 0; i < p->n_streams;) {
		if (!file_gone(p, p->stream_names[i])) {
			i++;
			continue;
		}
		stream_in_close(&p->streams[i]);
		free(p->stream_names[i]);
		p->n_streams--;
		p->streams[i] = p->streams[p->n_streams];
		p->stream_names[i] = p->stream_names[p->n_streams];
	}
}

/* Opens the stream files that appeared since the last update. */
static enum h5snoop_status add_streams(struct top_proc *p,
				       struct h5snoop_error *err)
{
	char **names;
	size_t n;

	if (dir_list(p->dirfd, trace_is_stream_file, &names, &n) != 0)
		return diag_fail(err, "%s: cannot list: %s", p->path,
				 strerror(errno));
	for (size_t i = 0; i < n; i++) {
		int known = 0;

		for (size_t k = 0; k < p->n_streams && !known; k++)
			known = strcmp(p->stream_names[k], names[i]) == 0;
		if (known)
			continue;
		if (p->n_streams % 8 == 0) {
			struct stream_in *s = realloc(
				p->streams, (p->n_streams + 8) * sizeof(*s));
			char **nm;

			if (!s)
				goto nomem;
			p->streams = s;
			nm = realloc(p->stream_names,
				     (p->n_streams + 8) * sizeof(*nm));
			if (!nm)
				goto nomem;
			p->stream_names = nm;
		}
		if (stream_in_open(&p->streams[p->n_streams], p->dirfd,
				   names[i], p->path, p->meta.uuid,
				   (uint32_t)p->n_streams, err) != H5SNOOP_OK) {
			/* A ring's chunk deleted since the listing: gone,
			 * not broken. */
			if (file_gone(p, names[i])) {
				err->message[0] = '\0';
				continue;
			}
			dir_list_free(names, n);
			return H5SNOOP_ERROR;
		}
		p->stream_names[p->n_streams++] = names[i];
		names[i] = NULL;
	}
	dir_list_free(names, n);
	return H5SNOOP_OK;
nomem:
	dir_list_free(names, n);
	return diag_nomem(err);
}

/* Reads what the process's writers added; failures mark it failed. */
static void read_proc(struct top_proc *p, struct h5snoop_error *err)
{
	uint64_t discarded = 0;

	for (int l = 0; l < TOP_LAYER_COUNT; l++) {
		memset(&p->layer[l].interval, 0,
		       sizeof(p->layer[l].interval));
		hist_free(&p->layer[l].latency);
	}
	if (p->failed)
		return;
	if (add_streams(p, err) != H5SNOOP_OK) {
		proc_fail(p, err);
		return;
	}
	for (size_t i = 0; i < p->n_streams; i++) {
		struct stream_in *s = &p->streams[i];
		int rc;

		if (stream_in_follow(s, err) != H5SNOOP_OK) {
			proc_fail(p, err);
			return;
		}
		while ((rc = stream_in_next(s, err)) > 0)
			account(p, &s->ev);
		if (rc < 0) {
			proc_fail(p, err);
			return;
		}
	}
	drop_gone_streams(p);
	for (size_t i = 0; i < p->n_streams; i++)
		discarded += p->streams[i].discarded;
	p->discarded = discarded;
}

/* Starts following trace directory `path` (metadata read once). */
static enum h5snoop_status add_proc(struct top *t, const char *path,
				    struct h5snoop_error *err)
{
	struct top_proc *p;
	enum trace_meta_kind kind;

	if (t->n_procs == TOP_MAX_PROCS)
		return H5SNOOP_OK;
	if (t->n_procs % 16 == 0) {
		struct top_proc *v = realloc(t->procs, (t->n_procs + 16) *
							       sizeof(*v));

		if (!v)
			return diag_nomem(err);
		t->procs = v;
	}
	p = &t->procs[t->n_procs++];
	memset(p, 0, sizeof(*p));
	snprintf(p->path, sizeof(p->path), "%s", path);
	p->first_ts = UINT64_MAX;
	p->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (p->dirfd < 0) {
		diag_fail(err, "%s: cannot open: %s", path, strerror(errno));
		proc_fail(p, err);
		return H5SNOOP_OK;
	}
	if (trace_meta_load(p->dirfd, path, &p->meta, &kind, err) !=
	    H5SNOOP_OK)
		proc_fail(p, err);
	return H5SNOOP_OK;
}

enum h5snoop_status top_update(struct top *t, struct h5snoop_error *err)
{
	struct trace_list found;
	uint64_t now;

	if (trace_find_live(t->root, &found, err) != H5SNOOP_OK)
		return H5SNOOP_ERROR;
	for (size_t i = 0; i < found.n; i++) {
		int known = 0;

		for (size_t k = 0; k < t->n_procs && !known; k++)
			known = strcmp(t->procs[k].path, found.v[i].path) == 0;
		if (!known && add_proc(t, found.v[i].path, err) != H5SNOOP_OK) {
			trace_list_free(&found);
			return H5SNOOP_ERROR;
		}
	}
	trace_list_free(&found);
	for (size_t i = 0; i < t->n_procs; i++) {
		read_proc(&t->procs[i], err);
		t->procs[i].alive = !t->procs[i].failed &&
				    proc_alive(&t->procs[i]);
	}
	now = monotonic_ns();
	t->interval_ns = now - t->updated_ns;
	t->updated_ns = now;
	return H5SNOOP_OK;
}

void top_close(struct top *t)
{
	for (size_t i = 0; i < t->n_procs; i++) {
		struct top_proc *p = &t->procs[i];

		for (size_t s = 0; s < p->n_streams; s++) {
			stream_in_close(&p->streams[s]);
			free(p->stream_names[s]);
		}
		free(p->streams);
		free(p->stream_names);
		for (int l = 0; l < TOP_LAYER_COUNT; l++)
			hist_free(&p->layer[l].latency);
		if (p->dirfd >= 0)
			close(p->dirfd);
	}
	free(t->procs);
	memset(t, 0, sizeof(*t));
}
