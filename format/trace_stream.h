/*
 * trace_stream.h - one CTF stream file, written through mmap'ed packets.
 *
 * RATIONALE: each packet is a MAP_SHARED window on the stream file, and its
 * content_size is bumped after every event.  The kernel keeps those pages
 * when the process dies, so a trace cut by SIGKILL, SIGSEGV or abort() is
 * still a valid trace up to its last complete event, with no signal
 * handler.  A packet's bytes are written (as zeros) before it is mapped, so
 * a full disk drops events (counted in events_discarded) instead of
 * raising SIGBUS in the host.
 *
 * A stream belongs to one thread; nothing here locks.  No malloc anywhere.
 */
#ifndef H5SNOOP_TRACE_STREAM_H
#define H5SNOOP_TRACE_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "h5snoop/trace_schema.h"

/* The first packet's size; later ones double up to the maximum. */
#define TRACE_STREAM_PACKET_BYTES_DEFAULT (64u * 1024u)
#define TRACE_STREAM_PACKET_BYTES_MAX (1024u * 1024u)

struct trace_stream {
	int fd;                 /* -1 when closed */
	uint32_t tid;
	uint8_t uuid[16];
	size_t packet_bytes;    /* current packet's size, a page multiple */
	uint64_t file_bytes;    /* packets written so far, in bytes */
	uint8_t *packet;        /* current packet mapping, or NULL */
	size_t used_bytes;      /* bytes used in the current packet */
	uint64_t packet_seq;    /* number of packets started so far */
	uint64_t discarded;     /* events dropped in this stream so far */
	uint64_t retry_countdown; /* events to drop before retrying the disk */
	uint64_t last_ts;       /* newest timestamp committed */
};

/*
 * Creates `name` in dirfd (O_EXCL, O_NOFOLLOW, mode 0600) and prepares the
 * stream; no packet is mapped until the first event.  Returns 0, or -1
 * with errno set.  Not thread-safe for the same stream.
 */
int trace_stream_open(struct trace_stream *s, int dirfd, const char *name,
		      const uint8_t uuid[16], uint32_t tid,
		      size_t packet_bytes);

/* Slow path of trace_stream_reserve: starts a new packet. */
void *trace_stream_reserve_slow(struct trace_stream *s, size_t len,
				uint64_t ts);

/*
 * Returns where an event of `len` bytes starting at time `ts` may be
 * written, or NULL when it must be dropped (the drop is already counted).
 * Call trace_stream_commit(s, len, ts) once the bytes are in place.
 */
static inline void *trace_stream_reserve(struct trace_stream *s, size_t len,
					 uint64_t ts)
{
	if (s->packet && s->used_bytes + len <= s->packet_bytes)
		return s->packet + s->used_bytes;
	return trace_stream_reserve_slow(s, len, ts);
}

/* Makes the reserved event part of the packet (crash-visible). */
void trace_stream_commit(struct trace_stream *s, size_t len, uint64_t ts);

/* Unmaps and closes.  Async-signal-safe (munmap and close only), so a
 * fork child may drop the parent's streams with it. */
void trace_stream_close(struct trace_stream *s);

#endif
