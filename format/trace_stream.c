/*
 * trace_stream.c - packets of one CTF stream file (see trace_stream.h).
 *
 * Must never: raise a signal in the host (no write into a mapping whose
 * disk blocks are not reserved), allocate, or block on anything but the
 * file system.
 */
#include "trace_stream.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* After a failed packet allocation, drop this many events before asking
 * the disk again, so a full disk costs one syscall per many events. */
#define RETRY_AFTER_EVENTS 1024u

int trace_stream_open(struct trace_stream *s, int dirfd, const char *name,
		      const uint8_t uuid[16], uint32_t tid,
		      size_t packet_bytes)
{
	memset(s, 0, sizeof(*s));
	s->fd = openat(dirfd, name,
		       O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		       0600);
	if (s->fd < 0)
		return -1;
	s->tid = tid;
	memcpy(s->uuid, uuid, sizeof(s->uuid));
	s->packet_bytes = packet_bytes;
	return 0;
}

/*
 * Fills [off, off+len) of the file with zeros through write(2).
 * RATIONALE: a hole in a MAP_SHARED file raises SIGBUS when the disk is
 * full; writing first turns that into an error code here.  It also leaves
 * the pages in the page cache, so MAP_POPULATE can map them at once: the
 * event path then takes only the write-protect fault per page, not a
 * page-cache miss (about half the cost per event of fallocate here).
 */
static int reserve_blocks(int fd, off_t off, size_t len)
{
	static const uint8_t zeros[16384];
	size_t done = 0;

	while (done < len) {
		size_t n = len - done < sizeof(zeros) ? len - done
						      : sizeof(zeros);
		ssize_t w = pwrite(fd, zeros, n, off + (off_t)done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		done += (size_t)w;
	}
	return 0;
}

static void unmap_packet(struct trace_stream *s)
{
	if (s->packet)
		munmap(s->packet, s->packet_bytes);
	s->packet = NULL;
}

/* Maps a new packet of `bytes` after the last one; returns it or NULL,
 * leaving the file as it was. */
static uint8_t *map_packet(struct trace_stream *s, size_t bytes, uint64_t ts)
{
	struct h5snoop_packet_header h;
	off_t off = (off_t)s->file_bytes;
	void *p;

	p = reserve_blocks(s->fd, off, bytes) == 0
		    ? mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED,
			   s->fd, off)
		    : MAP_FAILED;
	if (p == MAP_FAILED) {
		/* No half packet of zeros may stay behind the last one; if
		 * even that fails, readers report a truncated stream. */
		if (ftruncate(s->fd, off) != 0)
			errno = EIO;
		return NULL;
	}
	/* RATIONALE: MAP_POPULATE maps a shared file read-only, so each page
	 * would still take a write fault on the event path; this takes them
	 * all here, in one call (Linux 5.14+; older kernels fault lazily). */
	madvise(p, bytes, MADV_POPULATE_WRITE);
	memset(&h, 0, sizeof(h));
	h.magic = H5SNOOP_CTF_MAGIC;
	memcpy(h.uuid, s->uuid, sizeof(h.uuid));
	h.stream_id = 0;
	h.timestamp_begin = ts;
	h.timestamp_end = ts;
	h.content_size = (uint64_t)sizeof(h) * 8u;
	h.packet_size = (uint64_t)bytes * 8u;
	h.events_discarded = s->discarded;
	h.packet_seq_num = s->packet_seq;
	h.tid = s->tid;
	memcpy(p, &h, sizeof(h));
	return p;
}

/* Counts a dropped event, in the stream and in the packet still mapped, so
 * that drops after the last packet are not lost to readers. */
static void *drop_event(struct trace_stream *s)
{
	s->discarded++;
	if (s->packet)
		memcpy(s->packet + offsetof(struct h5snoop_packet_header,
					    events_discarded),
		       &s->discarded, sizeof(s->discarded));
	return NULL;
}

void *trace_stream_reserve_slow(struct trace_stream *s, size_t len,
				uint64_t ts)
{
	size_t bytes = s->packet_bytes;
	uint8_t *p;

	if (s->fd < 0 || len > TRACE_STREAM_PACKET_BYTES_DEFAULT -
					 sizeof(struct h5snoop_packet_header))
		return drop_event(s);
	if (s->retry_countdown > 0) {
		s->retry_countdown--;
		return drop_event(s);
	}
	/* Packets double in size up to a cap: a thread with one event costs
	 * one small packet, a busy one rotates rarely. */
	if (s->packet_seq > 0 && bytes < TRACE_STREAM_PACKET_BYTES_MAX)
		bytes *= 2;
	p = map_packet(s, bytes, ts);
	if (!p) {
		s->retry_countdown = RETRY_AFTER_EVENTS;
		return drop_event(s);
	}
	unmap_packet(s);
	s->packet = p;
	s->packet_bytes = bytes;
	s->used_bytes = sizeof(struct h5snoop_packet_header);
	s->packet_seq++;
	s->file_bytes += bytes;
	return s->packet + s->used_bytes;
}

void trace_stream_commit(struct trace_stream *s, size_t len, uint64_t ts)
{
	struct h5snoop_packet_header *h = (void *)s->packet;
	uint64_t content_bits;

	s->used_bytes += len;
	content_bits = (uint64_t)s->used_bytes * 8u;
	if (ts > s->last_ts)
		s->last_ts = ts;
	/* NOTE: the event bytes must be in memory before content_size says
	 * they are there; a compiler fence is enough because a crash only
	 * ever observes this thread's own program order. */
	atomic_signal_fence(memory_order_release);
	memcpy(&h->timestamp_end, &s->last_ts, sizeof(s->last_ts));
	memcpy(&h->content_size, &content_bits, sizeof(content_bits));
}

void trace_stream_close(struct trace_stream *s)
{
	unmap_packet(s);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}
