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
 * RATIONALE: no file descriptor is held between packets.  The host owns
 * the fd table: it may close every fd (close_range, closefrom) and reuse
 * the numbers for its own files, so a number kept by us could name the
 * host's file at our next write.  The stream file is opened by its path at
 * each packet boundary (O_NOFOLLOW), checked by device and inode to be the
 * file we created, placed high in the fd table, mapped and closed again.
 * Packet boundaries are serialized by one process-wide lock, so the shim
 * holds at most one such fd at a time, whatever the number of threads.
 *
 * A stream belongs to one thread; only packet boundaries lock.  No malloc.
 */
#ifndef H5SNOOP_TRACE_STREAM_H
#define H5SNOOP_TRACE_STREAM_H

#include <limits.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "h5snoop/trace_schema.h"

/* The first packet's size; later ones double up to the maximum. */
#define TRACE_STREAM_PACKET_BYTES_DEFAULT (64u * 1024u)
#define TRACE_STREAM_PACKET_BYTES_MAX (1024u * 1024u)

struct trace_stream {
	/* RATIONALE: what every event touches comes first, in one cache
	 * line (a stream starts page-aligned): scattered over the struct it
	 * took three lines, each evicting some of the host's data. */
	uint8_t *packet;        /* current packet mapping, or NULL */
	size_t used_bytes;      /* bytes used in the current packet */
	size_t packet_bytes;    /* current packet's size, a page multiple */
	uint64_t last_ts;       /* newest timestamp committed */
	uint64_t events;        /* events committed so far */
	char path[PATH_MAX];    /* the stream file; "" when closed */
	dev_t dev;              /* identity of the file we created */
	ino_t ino;
	uint32_t tid;
	uint8_t uuid[16];
	uint64_t file_bytes;    /* packets written so far, in bytes */
	uint64_t packet_seq;    /* number of packets started so far */
	uint64_t discarded;     /* events dropped in this stream so far */
	uint64_t lost[H5SNOOP_LOSS_COUNT]; /* losses by reason so far */
	uint64_t retry_countdown; /* events to drop before retrying the disk */
	enum h5snoop_loss retry_why; /* why the last packet failed */
	int bound_reached;      /* its packet only carries the loss counts */
	/* H5SNOOP_MODE=ring (trace_ring.c): the chunk file written now.
	 * Packets carry the counts minus these bases (modulo 2^64: a base
	 * goes down when a deleted chunk's counts move here). */
	size_t base_len;          /* path of the first chunk: path[0..) */
	unsigned chunk_seq;       /* 0: the first chunk */
	uint64_t chunk_events;    /* events before this chunk */
	uint64_t chunk_discarded;
	uint64_t chunk_lost[H5SNOOP_LOSS_COUNT];
	int restate_due;          /* a chunk began: restate before events */
};

/*
 * Creates dir/name (O_EXCL, O_NOFOLLOW, mode 0600) and prepares the
 * stream; no packet is mapped and no fd is kept.  Returns 0, or -1 with
 * errno set (ENAMETOOLONG when the path does not fit).  Not thread-safe
 * for the same stream.
 */
int trace_stream_open(struct trace_stream *s, const char *dir,
		      const char *name, const uint8_t uuid[16], uint32_t tid,
		      size_t packet_bytes);

/*
 * Creates the file `path` (O_EXCL, O_NOFOLLOW, mode 0600) and gives its
 * identity; keeps no fd.  Returns 0, or -1 with errno set.  Thread-safe.
 */
int trace_stream_create_file(const char *path, dev_t *dev, ino_t *ino);

/*
 * open(2) of `path` with `flags` | O_CLOEXEC, the fd then moved above a
 * floor (F_DUPFD_CLOEXEC) so that the host's own opens, which take the
 * lowest free numbers, do not meet it.  For short-lived fds of the shim.
 * Returns the fd or -1 with errno set.  Thread-safe.
 */
int trace_file_open_high(const char *path, int flags, mode_t mode);

/* Slow path of trace_stream_reserve: starts a new packet.  Keeps errno.
 * RATIONALE: cold, and so are the other slow paths of the driver read's
 * path: the compiler then lays the hot path out in a few straight cache
 * lines.  Its instruction-cache misses, not its instructions, were most
 * of what a traced read cost inside HDF5 (bench/README.md). */
__attribute__((cold)) void *trace_stream_reserve_slow(struct trace_stream *s,
						      size_t len,
						      uint64_t ts);

/*
 * Returns where an event of `len` bytes starting at time `ts` may be
 * written, or NULL when it must be dropped (the drop is already counted).
 * Keeps errno.
 * Call trace_stream_commit(s, len, ts) once the bytes are in place.
 */
static inline void *trace_stream_reserve(struct trace_stream *s, size_t len,
					 uint64_t ts)
{
	if (__builtin_expect(s->packet &&
				     s->used_bytes + len <= s->packet_bytes,
			     1))
		return s->packet + s->used_bytes;
	return trace_stream_reserve_slow(s, len, ts);
}

/* Makes the reserved event part of the packet (crash-visible).  Inline:
 * it runs for every event. */
static inline void trace_stream_commit(struct trace_stream *s, size_t len,
				       uint64_t ts)
{
	uint64_t content_bits;

	s->used_bytes += len;
	s->events++;
	content_bits = (uint64_t)s->used_bytes * 8u;
	if (ts > s->last_ts)
		s->last_ts = ts;
	/* NOTE: the event bytes must be in memory before content_size says
	 * they are there; a compiler fence is enough because a crash only
	 * ever observes this thread's own program order. */
	atomic_signal_fence(memory_order_release);
	memcpy(s->packet + offsetof(struct h5snoop_packet_header,
				    timestamp_end),
	       &s->last_ts, sizeof(s->last_ts));
	memcpy(s->packet + offsetof(struct h5snoop_packet_header,
				    content_size),
	       &content_bits, sizeof(content_bits));
}

/*
 * Counts `n` losses of `reason` in the stream and in its current packet
 * (events_discarded too when the reason drops events); maps a first packet
 * to carry the count if none is mapped yet.  Not thread-safe for the same
 * stream.
 */
void trace_stream_count_loss(struct trace_stream *s, enum h5snoop_loss why,
			     uint64_t n, uint64_t ts);

/*
 * Cuts the unused tail of the current packet (past the page holding its
 * last event) off the file: its packet_size shrinks first, then the file
 * (where truncation fails, the tail becomes a hole and the sizes stay);
 * the bytes go back to H5SNOOP_MAX_SIZE.  Later events of the stream go to
 * the page-rounded room left, then to new packets.  For a stream whose
 * thread is done (its exit, the process's exit): a 1 MiB packet holding a
 * few events would otherwise stay on disk whole.  Not thread-safe for the
 * same stream.
 */
void trace_stream_trim(struct trace_stream *s);

/* Unmaps.  Async-signal-safe (munmap only), so a fork child may drop the
 * parent's streams with it. */
void trace_stream_close(struct trace_stream *s);

/*
 * Bounds what all streams of the process add to their files, packets
 * whole: `bytes` (0: no bound).  Without `ring`, a packet that does not
 * fit is not started and its events are dropped (loss size_bound); a
 * stream's first packet still gets one page past the bound, that holds
 * no event but says what the stream lost.  With `ring` (H5SNOOP_MODE=
 * ring, see trace_ring.h), streams are written as chunk files and the
 * oldest chunk is deleted to make room.  Call before the first packet
 * (and in a fork child, for its own trace).  Thread-safe.
 */
void trace_stream_set_bound(uint64_t bytes, int ring);

/*
 * Ring mode: `hook` runs on the stream's own thread at the start of each
 * chunk file (the first included), once its first packet that can take
 * events is mapped and before the event that started it: it writes the
 * definitions the chunk's events may name (trace_stream_put_restated),
 * leaving `keep_bytes` free for that event.  Set once, before the first
 * packet; NULL: none.  Not thread-safe.
 */
void trace_stream_set_chunk_hook(void (*hook)(struct trace_stream *s,
					      uint64_t ts,
					      size_t keep_bytes));

/*
 * Writes restated definition `ev` (`len` bytes, header first) at time `ts`
 * into the current packet, when it fits with `keep_bytes` left free;
 * never starts a packet.  The event is no event of the program: it is not
 * counted (nor later as ring_overwritten).  Returns 0, or -1 when it does
 * not fit.  Not thread-safe for the same stream.
 */
int trace_stream_put_restated(struct trace_stream *s, const void *ev,
			      size_t len, uint64_t ts, size_t keep_bytes);

/* The thread of stream `s` is done: in ring mode its last chunk may now
 * be deleted to make room.  Thread-safe for distinct streams. */
void trace_stream_retire(struct trace_stream *s);

/* Re-initializes the packet lock in a fork child.  Async-signal-safe. */
void trace_stream_child_after_fork(void);

#endif
