/*
 * trace_ring.c - rotating chunk files within the size bound (see
 * trace_ring.h).
 *
 * Must never: delete a file it did not create (a chunk is unlinked only
 * while its path still names the file created, by device and inode),
 * delete a chunk a thread still writes, allocate, or run outside the
 * packet lock.
 */
#include "trace_ring.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Closed chunks remembered at once; past it, the oldest is deleted before
 * a new one is recorded (thousands of short-lived threads). */
#define RING_CHUNKS_MAX 1024u
/* The smallest chunk: a few packets of the smallest size. */
#define RING_CHUNK_BYTES_MIN (16u * 1024u)
#define RING_PAGE_BYTES 4096u

/* A chunk no thread writes any more: what deleting it gives back and
 * what its packets counted. */
struct ring_chunk {
	char name[64]; /* in the trace directory */
	dev_t dev;
	ino_t ino;
	uint64_t bytes;    /* its packets */
	uint64_t last_ts;  /* newest event */
	uint64_t events;   /* events it holds */
	uint64_t discarded;
	uint64_t lost[H5SNOOP_LOSS_COUNT];
};

static struct ring_chunk chunks[RING_CHUNKS_MAX];
static unsigned chunk_count;
static uint64_t chunk_bytes_max; /* 0: ring off */

void trace_ring_configure(uint64_t bound_bytes)
{
	uint64_t c = bound_bytes / 8u / RING_PAGE_BYTES * RING_PAGE_BYTES;

	chunk_count = 0;
	if (!bound_bytes) {
		chunk_bytes_max = 0;
		return;
	}
	chunk_bytes_max = c < RING_CHUNK_BYTES_MIN ? RING_CHUNK_BYTES_MIN : c;
}

uint64_t trace_ring_chunk_bytes(void)
{
	return chunk_bytes_max;
}

/* The trace directory's part of `s`'s path, "dir/" included. */
static size_t dir_len(const struct trace_stream *s)
{
	const char *slash = strrchr(s->path, '/');

	return slash ? (size_t)(slash - s->path) + 1 : 0;
}

/* Records the chunk `s` writes now as closed, with its counts. */
static void remember_chunk(struct trace_stream *s, uint64_t *bound_left)
{
	struct ring_chunk *c;

	if (s->file_bytes == 0)
		return; /* never got a packet: nothing on disk to delete */
	if (chunk_count == RING_CHUNKS_MAX)
		trace_ring_delete_oldest(s, bound_left);
	c = &chunks[chunk_count++];
	/* NOTE: names are short (stream_<tid>[.N]-<chunk>); cut, the chunk
	 * would only stay on disk past the bound. */
	snprintf(c->name, sizeof(c->name), "%.*s", (int)sizeof(c->name) - 1,
		 s->path + dir_len(s));
	c->dev = s->dev;
	c->ino = s->ino;
	c->bytes = s->file_bytes;
	c->last_ts = s->last_ts;
	c->events = s->events - s->chunk_events;
	c->discarded = s->discarded - s->chunk_discarded;
	for (int i = 0; i < H5SNOOP_LOSS_COUNT; i++)
		c->lost[i] = s->lost[i] - s->chunk_lost[i];
}

int trace_ring_next_chunk(struct trace_stream *s, uint64_t *bound_left)
{
	char path[sizeof(s->path)];
	dev_t dev;
	ino_t ino;
	int n = snprintf(path, sizeof(path), "%.*s-%u", (int)s->base_len,
			 s->path, s->chunk_seq + 1);

	if (n < 0 || (size_t)n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (trace_stream_create_file(path, &dev, &ino) != 0)
		return -1;
	remember_chunk(s, bound_left);
	if (s->packet)
		munmap(s->packet, s->packet_bytes);
	s->packet = NULL;
	memcpy(s->path, path, (size_t)n + 1);
	s->dev = dev;
	s->ino = ino;
	s->chunk_seq++;
	s->file_bytes = 0;
	s->restate_due = 1;
	/* From now on the packets count what this chunk meets. */
	s->chunk_events = s->events;
	s->chunk_discarded = s->discarded;
	memcpy(s->chunk_lost, s->lost, sizeof(s->lost));
	return 0;
}

int trace_ring_delete_oldest(struct trace_stream *s, uint64_t *bound_left)
{
	char path[sizeof(s->path)];
	struct ring_chunk c;
	struct stat st;
	unsigned oldest = 0;

	if (chunk_count == 0)
		return 0;
	for (unsigned i = 1; i < chunk_count; i++)
		if (chunks[i].last_ts < chunks[oldest].last_ts)
			oldest = i;
	c = chunks[oldest];
	chunks[oldest] = chunks[--chunk_count];
	snprintf(path, sizeof(path), "%.*s%s", (int)dir_len(s), s->path,
		 c.name);
	/* NOTE: a file replaced since (not ours any more) stays; its bytes
	 * are given back all the same, as they are not our packets. */
	if (lstat(path, &st) == 0 && st.st_dev == c.dev &&
	    st.st_ino == c.ino)
		unlink(path);
	if (*bound_left != UINT64_MAX)
		*bound_left += c.bytes;
	/* RATIONALE: the deleted chunk's counts move to the chunk written
	 * now (its bases go down), so that they stay in some file; its
	 * events are a loss of their own. */
	s->chunk_discarded -= c.discarded;
	for (int i = 0; i < H5SNOOP_LOSS_COUNT; i++)
		s->chunk_lost[i] -= c.lost[i];
	s->lost[H5SNOOP_LOSS_ring_overwritten] += c.events;
	s->discarded += c.events;
	return 1;
}

void trace_ring_retire(struct trace_stream *s, uint64_t *bound_left)
{
	if (chunk_bytes_max && s->path[0])
		remember_chunk(s, bound_left);
}

void trace_ring_child_after_fork(void)
{
	chunk_count = 0;
}
