/*
 * stream_in.c - packets and events of one stream file (see stream_in.h).
 *
 * Must never: read outside the bytes the file and the packet's
 * content_size hold, trust a size from the file before checking it, loop
 * without consuming input, or print.
 */
#include "stream_in.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_read.h"
#include "open_regular.h"

#define HEADER_BYTES sizeof(struct h5snoop_packet_header)

enum h5snoop_status stream_in_open(struct stream_in *s, int dirfd,
				   const char *name, const char *trace_path,
				   const uint8_t uuid[16], uint32_t index,
				   struct h5snoop_error *err)
{
	const char *kind;
	struct stat sb;

	memset(s, 0, sizeof(*s));
	snprintf(s->path, sizeof(s->path), "%s/%s", trace_path, name);
	s->index = index;
	memcpy(s->uuid, uuid, sizeof(s->uuid));
	s->fd = open_regular(dirfd, name, OPEN_NOFOLLOW, &sb, &kind);
	if (s->fd < 0 && kind)
		return diag_fail(err, "%s: is %s, not a regular file",
				 s->path, kind);
	if (s->fd < 0)
		return diag_fail(err, "%s: cannot open: %s", s->path,
				 strerror(errno));
	s->file_bytes = (uint64_t)sb.st_size;
	/* The thread id is in the name (stream_<tid>[.N]) before any packet
	 * is read; packet headers confirm it. */
	s->tid = (uint32_t)strtoul(name + strlen(H5SNOOP_STREAM_PREFIX), NULL,
				   10);
	s->window_bytes = STREAM_IN_WINDOW_MAX;
	posix_fadvise(s->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	return H5SNOOP_OK;
}

void stream_in_close(struct stream_in *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	if (s->map)
		munmap(s->map, s->map_len);
	s->map = NULL;
	free(s->heap);
	s->heap = NULL;
	s->heap_cap = 0;
	s->buf = NULL;
	s->eof = 1;
}

/* Makes bytes [off, off + len) of the file (all inside it) readable at
 * *out: from the current window, a new one, or a pread copy.  0 or -1
 * with errno. */
static int view(struct stream_in *s, uint64_t off, size_t len,
		const uint8_t **out)
{
	static long page;
	uint64_t start, want;
	void *p;

	if (s->map && off >= s->map_off && off + len <= s->map_off + s->map_len) {
		*out = s->map + (off - s->map_off);
		return 0;
	}
	if (!page)
		page = sysconf(_SC_PAGESIZE);
	if (s->map)
		munmap(s->map, s->map_len);
	s->map = NULL;
	start = off - off % (uint64_t)page;
	want = off - start + len;
	if (want < s->window_bytes)
		want = s->window_bytes;
	if (want > s->file_bytes - start)
		want = s->file_bytes - start;
	p = mmap(NULL, (size_t)want, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
		 s->fd, (off_t)start);
	if (p != MAP_FAILED) {
		madvise(p, (size_t)want, MADV_SEQUENTIAL);
		s->map = p;
		s->map_off = start;
		s->map_len = (size_t)want;
		*out = s->map + (off - start);
		return 0;
	}
	if (len > s->heap_cap) {
		uint8_t *nb = realloc(s->heap, len);

		if (!nb)
			return -1;
		s->heap = nb;
		s->heap_cap = len;
	}
	if (file_read_at(s->fd, s->heap, len, off) != 0)
		return -1;
	*out = s->heap;
	return 0;
}

static void warn_truncated(struct stream_in *s, struct h5snoop_error *err,
			   uint64_t offset, const char *why)
{
	s->truncated = 1;
	diag_warn(err,
		  "%s: %s at offset %llu (packet %llu): read up to the last "
		  "complete event",
		  s->path, why, (unsigned long long)offset,
		  (unsigned long long)s->packet_index);
}

/* Checks the packet header at next_packet_offset and reads its content.
 * Returns 1 with a packet in buf, 0 at the end, -1 on error. */
static int load_packet(struct stream_in *s, struct h5snoop_error *err)
{
	struct h5snoop_packet_header h;
	const uint8_t *head;
	uint64_t off = s->next_packet_offset, left, packet_bytes, content;
	uint64_t index = s->next_packet_offset == 0 ? 0 : s->packet_index + 1;

	if (s->short_packet || off >= s->file_bytes)
		return 0;
	left = s->file_bytes - off;
	/* A followed file's writer extends the file by a whole packet, then
	 * writes its header: until both are there, there is no packet yet. */
	if (s->follow && left < HEADER_BYTES)
		return 0;
	/* RATIONALE: read, not mapped: a writer that fails to extend the
	 * file cuts it back, and a mapped page past the end is SIGBUS. */
	if (s->follow && (file_read_at(s->fd, &h, HEADER_BYTES, off) != 0 ||
			  h.magic == 0 || h.packet_size / 8 > left))
		return 0;
	s->packet_index = index;
	s->packet_offset = off;
	if (left < HEADER_BYTES) {
		warn_truncated(s, err, s->file_bytes,
			       "file ends inside a packet header");
		return 0;
	}
	if (view(s, off, HEADER_BYTES, &head) != 0)
		return diag_fail_at(err, s->path, index, off,
				    "cannot read: %s", strerror(errno)),
		       -1;
	memcpy(&h, head, HEADER_BYTES);
	if (h.magic != H5SNOOP_CTF_MAGIC)
		return diag_fail_at(err, s->path, index, off,
				    "bad magic 0x%08x (not an h5snoop CTF "
				    "packet)",
				    h.magic),
		       -1;
	if (memcmp(h.uuid, s->uuid, sizeof(h.uuid)) != 0)
		return diag_fail_at(err, s->path, index, off,
				    "packet uuid differs from the trace "
				    "metadata's"),
		       -1;
	if (h.stream_id != 0)
		return diag_fail_at(err, s->path, index, off,
				    "unknown stream_id %u", h.stream_id),
		       -1;
	if (h.packet_size % 8 || h.content_size % 8)
		return diag_fail_at(err, s->path, index, off,
				    "packet_size or content_size is not a "
				    "whole number of bytes"),
		       -1;
	packet_bytes = h.packet_size / 8;
	content = h.content_size / 8;
	if (packet_bytes < HEADER_BYTES ||
	    packet_bytes > STREAM_IN_MAX_PACKET_BYTES)
		return diag_fail_at(err, s->path, index, off,
				    "packet_size of %llu bytes is out of "
				    "range",
				    (unsigned long long)packet_bytes),
		       -1;
	if (content < HEADER_BYTES)
		return diag_fail_at(err, s->path, index, off,
				    "content_size is smaller than the packet "
				    "header"),
		       -1;
	if (content > packet_bytes)
		return diag_fail_at(err, s->path, index, off,
				    "content_size exceeds packet_size"),
		       -1;
	if (packet_bytes > left) {
		/* A killed writer, or a copy cut short. */
		s->short_packet = 1;
		warn_truncated(s, err, s->file_bytes,
			       "file ends inside a packet");
		if (content > left)
			content = left;
	}
	if (view(s, off, (size_t)content, &s->buf) != 0)
		return diag_fail_at(err, s->path, index, off,
				    "cannot read: %s", strerror(errno)),
		       -1;
	s->end = (size_t)content;
	s->pos = HEADER_BYTES;
	s->next_packet_offset = off + packet_bytes;
	if (h.tid)
		s->tid = h.tid;
	if (h.events_discarded > s->discarded)
		s->discarded = h.events_discarded;
	for (int i = 0; i < H5SNOOP_LOSS_COUNT; i++)
		if (h.lost[i] > s->lost[i])
			s->lost[i] = h.lost[i];
	return 1;
}

/* The first NUL in [p, end), or NULL.  NOTE: strings of events are
 * short (a method, a URL): an inline word-at-a-time scan beats a call to
 * memchr; the word loads stay inside [p, end). */
static inline const uint8_t *find_nul(const uint8_t *p, const uint8_t *end)
{
	while (end - p >= 8) {
		uint64_t w, z;

		memcpy(&w, p, 8);
		z = (w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull;
		if (z)
			return p + (__builtin_ctzll(z) >> 3);
		p += 8;
	}
	for (; p < end; p++)
		if (*p == 0)
			return p;
	return NULL;
}

/* Decodes the event at s->pos.  1: decoded; 0: it crosses the end of the
 * content (the caller moves on); -1: corrupt. */
static int decode(struct stream_in *s, struct h5snoop_error *err)
{
	const uint8_t *p = s->buf + s->pos, *end = s->buf + s->end, *q;
	const struct schema_event *e;
	struct trace_event *ev = &s->ev;
	uint64_t at = s->packet_offset + s->pos;

	if ((size_t)(end - p) < sizeof(struct h5snoop_event_header))
		return 0;
	if (p[0] >= H5SNOOP_EV_COUNT || !schema_events[p[0]].name)
		return diag_fail_at(err, s->path, s->packet_index, at,
				    "unknown event id %u", p[0]),
		       -1;
	e = &schema_events[p[0]];
	if ((size_t)(end - p) < e->fixed_bytes)
		return 0;
	/* RATIONALE: decoding is bound by memory latency, not by work: the
	 * events 2 KiB ahead are fetched while this one is decoded (the
	 * hardware prefetcher stops at 4 KiB page edges; a prefetch never
	 * faults, even past the end of the window).  2 KiB measured best
	 * with bench/bench_report.sh (512 B and 4 KiB were slower). */
	__builtin_prefetch(p + 2048);
	__builtin_prefetch(p + 2048 + 64);
	ev->u.h = (const struct h5snoop_event_header *)(const void *)p;
	q = p + e->fixed_bytes;
	for (unsigned v = 0; v < e->n_vars; v++) {
		const struct schema_field *f = &e->vars[v];

		if (f->kind == SCHEMA_STRING) {
			const uint8_t *nul = find_nul(q, end);

			if (!nul)
				return 0;
			ev->var[v] = (const char *)q;
			ev->var_len[v] = (uint32_t)(nul - q);
			q = nul + 1;
		} else {
			struct schema_field c = {.offset = f->count_offset,
						 .bytes = f->count_bytes};
			uint64_t n = schema_get_int(ev->u.h, &c);

			if (n > (uint64_t)(end - q) / f->bytes)
				return 0;
			ev->var[v] = (const char *)q;
			ev->var_len[v] = (uint32_t)n;
			q += n * f->bytes;
		}
	}
	ev->id = p[0];
	ev->ts = ev->u.h->timestamp;
	ev->stream = s->index;
	ev->tid = s->tid;
	ev->file_offset = at;
	if (ev->ts < s->last_ts) {
		/* NOTE: the shim never writes this; clamping keeps the merge
		 * of streams and the timeline sane. */
		if (!s->warned_time)
			diag_warn(err,
				  "%s: timestamps go back at offset %llu; "
				  "later events are kept in file order",
				  s->path, (unsigned long long)at);
		s->warned_time = 1;
		ev->ts = s->last_ts;
	}
	s->last_ts = ev->ts;
	s->pos = (size_t)(q - s->buf);
	s->events++;
	return 1;
}

enum h5snoop_status stream_in_follow(struct stream_in *s,
				     struct h5snoop_error *err)
{
	struct h5snoop_packet_header h;
	struct stat sb;
	uint64_t content;

	if (s->fd < 0)
		return H5SNOOP_OK;
	if (fstat(s->fd, &sb) != 0)
		return diag_fail(err, "%s: cannot stat: %s", s->path,
				 strerror(errno));
	/* NOTE: a writer whose thread ends cuts its last packet's unused
	 * tail off (its packet_size shrinks first): only a file cut inside
	 * what was read is broken. */
	if ((uint64_t)sb.st_size < s->file_bytes &&
	    (uint64_t)sb.st_size < (s->buf ? s->packet_offset + s->end
					   : s->next_packet_offset))
		return diag_fail(err, "%s: the file shrank from %llu to %llu "
				      "bytes while it was read",
				 s->path, (unsigned long long)s->file_bytes,
				 (unsigned long long)sb.st_size);
	if ((uint64_t)sb.st_size < s->file_bytes && s->map &&
	    s->map_off + s->map_len > (uint64_t)sb.st_size) {
		/* Nothing may touch the pages past the new end (SIGBUS). */
		munmap(s->map, s->map_len);
		s->map = NULL; /* buf is set again below */
	}
	s->file_bytes = (uint64_t)sb.st_size;
	s->follow = 1;
	s->eof = 0;
	if (!s->buf)
		return H5SNOOP_OK;
	/* The packet being read may have grown since. */
	if (file_read_at(s->fd, &h, HEADER_BYTES, s->packet_offset) != 0)
		return diag_fail_at(err, s->path, s->packet_index,
				    s->packet_offset, "cannot read: %s",
				    strerror(errno));
	content = h.content_size / 8;
	/* The packet cut to the page after its content (see above). */
	if (h.magic == H5SNOOP_CTF_MAGIC &&
	    h.packet_size / 8 < s->next_packet_offset - s->packet_offset &&
	    h.packet_size / 8 >= content && h.packet_size / 8 >= HEADER_BYTES)
		s->next_packet_offset = s->packet_offset + h.packet_size / 8;
	if (h.magic != H5SNOOP_CTF_MAGIC || content < s->end ||
	    content > s->next_packet_offset - s->packet_offset)
		return diag_fail_at(err, s->path, s->packet_index,
				    s->packet_offset,
				    "the packet changed while it was read");
	if (h.events_discarded > s->discarded)
		s->discarded = h.events_discarded;
	if (view(s, s->packet_offset, (size_t)content, &s->buf) != 0)
		return diag_fail_at(err, s->path, s->packet_index,
				    s->packet_offset, "cannot read: %s",
				    strerror(errno));
	s->end = (size_t)content;
	return H5SNOOP_OK;
}

int stream_in_next(struct stream_in *s, struct h5snoop_error *err)
{
	while (!s->eof) {
		int rc;

		if (s->buf && s->pos < s->end) {
			rc = decode(s, err);
			if (rc != 0)
				return rc;
			/* An event crossing the content's end: in a packet
			 * the file cuts short, the warning is already out. */
			if (!s->short_packet)
				warn_truncated(s, err,
					       s->packet_offset + s->pos,
					       "event crosses content_size");
			s->pos = s->end;
		}
		rc = load_packet(s, err);
		if (rc < 0)
			return -1;
		if (rc == 0)
			s->eof = 1;
	}
	return 0;
}
