/*
 * trace_reader.c - one trace directory, its streams merged by time (see
 * trace_reader.h).
 *
 * Must never: keep more than one packet per stream in memory, or print.
 */
#include "trace_reader.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dir_list.h"
#include "h5snoop/trace_schema.h"

int trace_is_stream_file(int dirfd, const char *name)
{
	size_t n = strlen(H5SNOOP_STREAM_PREFIX);

	(void)dirfd;
	return strncmp(name, H5SNOOP_STREAM_PREFIX, n) == 0 && name[n];
}

enum h5snoop_status trace_open(struct trace *t, const char *path,
			       struct h5snoop_error *err)
{
	enum trace_meta_kind kind;
	enum h5snoop_status st;
	char **names = NULL;
	size_t n = 0;

	memset(t, 0, sizeof(*t));
	snprintf(t->path, sizeof(t->path), "%s", path);
	t->dirfd = open(path, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC);
	if (t->dirfd < 0)
		return diag_fail(err, "%s: cannot open: %s", path,
				 strerror(errno));
	st = trace_meta_load(t->dirfd, path, &t->meta, &kind, err);
	if (st == H5SNOOP_OK && kind != TRACE_META_H5SNOOP)
		st = diag_fail(err, "%s: not an h5snoop trace (its metadata "
				    "does not say tracer_name = \"%s\")",
			       path, H5SNOOP_TRACER_NAME);
	if (st == H5SNOOP_OK && dir_list(t->dirfd, trace_is_stream_file, &names,
					 &n) != 0)
		st = diag_fail(err, "%s: cannot list: %s", path,
			       strerror(errno));
	if (st == H5SNOOP_OK && n > UINT32_MAX / 2)
		st = diag_fail(err, "%s: too many stream files", path);
	if (st != H5SNOOP_OK) {
		trace_close(t);
		return st;
	}
	t->streams = calloc(n ? n : 1, sizeof(*t->streams));
	if (!t->streams)
		st = diag_nomem(err);
	for (uint32_t i = 0; i < (uint32_t)n && st == H5SNOOP_OK; i++) {
		st = stream_in_open(&t->streams[i], t->dirfd, names[i], path,
				    t->meta.uuid, i, err);
		if (st == H5SNOOP_OK)
			t->n_streams = i + 1;
	}
	dir_list_free(names, n);
	for (uint32_t i = 0; i < t->n_streams; i++) {
		size_t w = STREAM_IN_WINDOW_BUDGET / t->n_streams;

		t->streams[i].window_bytes = w > STREAM_IN_WINDOW_MAX ? STREAM_IN_WINDOW_MAX
					     : w < STREAM_IN_WINDOW_MIN ? STREAM_IN_WINDOW_MIN
									: w;
	}
	if (st != H5SNOOP_OK)
		trace_close(t);
	return st;
}

/* Picks the live stream with the smallest next timestamp and the limit
 * up to which it may run alone. */
static void pick(struct trace *t)
{
	struct stream_in *best = NULL;
	uint64_t second = UINT64_MAX;

	for (uint32_t i = 0; i < t->n_streams; i++) {
		struct stream_in *s = &t->streams[i];

		if (s->eof)
			continue;
		if (!best || s->ev.ts < best->ev.ts) {
			if (best && best->ev.ts < second)
				second = best->ev.ts;
			best = s;
		} else if (s->ev.ts < second) {
			second = s->ev.ts;
		}
	}
	t->cur = best;
	t->limit = second;
}

int trace_next(struct trace *t, const struct trace_event **ev,
	       struct h5snoop_error *err)
{
	struct stream_in *s;

	if (!t->started) {
		/* Every stream's first event, so that they can be merged. */
		for (uint32_t i = 0; i < t->n_streams; i++)
			if (stream_in_next(&t->streams[i], err) < 0)
				return -1;
		t->started = 1;
		pick(t);
	} else if (t->cur) {
		s = t->cur;
		if (stream_in_next(s, err) < 0)
			return -1;
		/* RATIONALE: most events follow one from the same stream;
		 * the scan of all streams runs only when this one passes
		 * another's next event (strictly: ties keep stream order
		 * within the rest). */
		if (s->eof || s->ev.ts > t->limit)
			pick(t);
	}
	if (!t->cur)
		return 0;
	/* A restated definition (ring) is no event of the program. */
	if (!h5snoop_event_restated(t->cur->ev.id))
		t->events++;
	*ev = &t->cur->ev;
	return 1;
}

uint64_t trace_discarded(const struct trace *t)
{
	uint64_t sum = 0;

	for (uint32_t i = 0; i < t->n_streams; i++)
		sum += t->streams[i].discarded;
	return sum;
}

void trace_add_lost(const struct trace *t,
		    uint64_t lost[H5SNOOP_LOSS_COUNT])
{
	for (uint32_t i = 0; i < t->n_streams; i++)
		for (int r = 0; r < H5SNOOP_LOSS_COUNT; r++)
			lost[r] += t->streams[i].lost[r];
}

void trace_close(struct trace *t)
{
	for (uint32_t i = 0; i < t->n_streams; i++)
		stream_in_close(&t->streams[i]);
	free(t->streams);
	t->streams = NULL;
	t->n_streams = 0;
	t->cur = NULL;
	if (t->dirfd >= 0)
		close(t->dirfd);
	t->dirfd = -1;
}
