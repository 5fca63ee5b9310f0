/*
 * trace_ring.h - H5SNOOP_MODE=ring: a process's streams as rotating chunk
 * files within the size bound, the oldest chunk deleted to make room.
 *
 * RATIONALE: babeltrace2 wants the packets of a stream file in time order,
 * so a ring cannot overwrite packets in place inside one file.  Instead a
 * stream is written as a sequence of chunk files (stream_<tid>, then
 * stream_<tid>-1, -2, ...), each a valid CTF stream of whole packets; when
 * the bound is reached, the chunk whose newest event is the oldest of the
 * process is deleted, whatever thread wrote it.  Each chunk's packet
 * context counts the losses met while it was being written, plus those of
 * the chunks deleted to make room for it (so a reader that sums the
 * largest count of each file still sums every loss once), and the events
 * a deleted chunk held are counted as ring_overwritten.  Each chunk starts
 * with the definitions its events may name (the stream's chunk hook, see
 * trace_stream_set_chunk_hook), so that it reads alone.
 *
 * Everything here runs under trace_stream.c's packet lock, on the stream
 * of the calling thread; only deleting touches other threads' files, and
 * only chunks no thread writes any more.  No malloc.
 */
#ifndef H5SNOOP_TRACE_RING_H
#define H5SNOOP_TRACE_RING_H

#include <stdint.h>

#include "trace_stream.h"

/*
 * Turns the ring on for a bound of `bound_bytes` packets (0: off) and
 * picks the chunk size: an eighth of the bound (at least 16 KiB, a page
 * multiple), so that deleting one chunk keeps most of the history.
 * Under the packet lock.
 */
void trace_ring_configure(uint64_t bound_bytes);

/* The largest chunk file, in bytes; 0 when the ring is off. */
uint64_t trace_ring_chunk_bytes(void);

/*
 * Moves stream `s` to its next chunk file: creates it (O_EXCL), then
 * records the current one as closed (deletable, with its counts) and
 * unmaps its packet.  Returns 0, or -1 with errno set, the stream left
 * as it was.  The bytes of chunks deleted to make room in the table go
 * back to *bound_left.  Under the packet lock.
 */
int trace_ring_next_chunk(struct trace_stream *s, uint64_t *bound_left);

/*
 * Deletes the closed chunk whose newest event is the oldest: its losses
 * and its events (as ring_overwritten) are counted in `s`'s current
 * chunk, its bytes go back to *bound_left.  Returns 1, or 0 when no chunk
 * is closed.  Under the packet lock.
 */
int trace_ring_delete_oldest(struct trace_stream *s, uint64_t *bound_left);

/* Stream `s` ends (its thread exits): its chunk becomes deletable.  Under
 * the packet lock. */
void trace_ring_retire(struct trace_stream *s, uint64_t *bound_left);

/* Forgets the parent's chunks in a fork child.  Async-signal-safe. */
void trace_ring_child_after_fork(void);

#endif
