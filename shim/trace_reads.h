/*
 * trace_reads.h - which driver read is in flight: each thread numbers its
 * reads, and an operation that starts inside one (a ranged GET, a socket
 * exchange) names it, so the report can join a request to the read that
 * caused it.
 *
 * Must never: block, allocate or change errno: it runs inside every
 * driver read.
 */
#ifndef H5SNOOP_TRACE_READS_H
#define H5SNOOP_TRACE_READS_H

#include <stdint.h>

#include "trace_hot.h"
#include "trace_thread_id.h"
#include "trace_tls_clock.h"

/*
 * Per-thread sequence of driver reads: begin returns the new read's
 * sequence number (from 1) and makes it the one in flight; end restores the
 * read that was in flight before.  in_flight() is 0 outside any read.
 *
 * With trace_hot.reads_process_wide set (once, by the constructor, when the
 * net layer is on), each thread also publishes the read it has in flight
 * (tid << 32 | seq, 0 for none) in a slot of its own, so that a request
 * made on another thread (aiohttp's event loop serving fsspec) can name
 * the process's one read in flight (trace_read_link).
 * RATIONALE: a slot is a cache line no other thread writes, so publishing
 * is a plain store; a process-wide counter cost three locked
 * read-modify-writes per read on a line every reading thread shares,
 * while the net layer, which needs the answer, looks far more rarely (once
 * per request started outside any read) and scans the slots.
 */
#define TRACE_READ_SLOTS 256

struct trace_read_slot {
	uint64_t in_flight; /* tid << 32 | seq; 0: none.  Atomic access */
	uint32_t owner;     /* 1 while a thread holds the slot */
} __attribute__((aligned(64)));

/* The thread's numbers are trace_hot_tls.read_seq and .read_in_flight;
 * its slot, trace_hot_tls.read_slot, is NULL until its first read with
 * process-wide counting on (or when none was left: then it counts in
 * shared atomics, see trace_reads.c). */

/* Publishes `word` for this thread when it has no slot yet: claims one,
 * or counts the thread in the process-wide fallback. */
__attribute__((cold)) void trace_read_publish_slow(uint64_t word);

static inline void trace_read_publish(uint32_t seq)
{
	uint64_t word = seq ? (uint64_t)trace_thread_id() << 32 | seq : 0;
	struct trace_read_slot *s = trace_hot_tls.read_slot;

	if (__builtin_expect(s != NULL, 1))
		__atomic_store_n(&s->in_flight, word, __ATOMIC_RELAXED);
	else
		trace_read_publish_slow(word);
}

static inline uint32_t trace_read_begin(uint32_t *previous)
{
	*previous = trace_hot_tls.read_in_flight;
	trace_hot_tls.read_in_flight = ++trace_hot_tls.read_seq;
	if (trace_hot_tls.read_in_flight == 0) /* wrapped: 0 means "none" */
		trace_hot_tls.read_in_flight = ++trace_hot_tls.read_seq;
	if (trace_hot.reads_process_wide)
		trace_read_publish(trace_hot_tls.read_in_flight);
	return trace_hot_tls.read_in_flight;
}

static inline void trace_read_end(uint32_t previous)
{
	if (trace_hot.reads_process_wide)
		trace_read_publish(previous);
	trace_hot_tls.read_in_flight = previous;
}

static inline uint32_t trace_read_in_flight(void)
{
	return trace_hot_tls.read_in_flight;
}

/* The process's only read in flight (tid << 32 | seq), or 0 when there
 * is none or more than one.  Scans the slots.  Thread-safe. */
uint64_t trace_read_solo(void);

/*
 * The driver read an operation starting now on this thread belongs to:
 * the thread's own read in flight, else (process-wide counting on) the
 * process's only read in flight, else none.  Returns its seq (0: none)
 * and sets *tid to the thread that runs it.  Thread-safe.
 */
static inline uint32_t trace_read_link(uint32_t *tid)
{
	uint64_t solo;

	*tid = 0;
	if (trace_hot_tls.read_in_flight) {
		*tid = trace_thread_id();
		return trace_hot_tls.read_in_flight;
	}
	if (!trace_hot.reads_process_wide)
		return 0;
	solo = trace_read_solo();
	if (!solo)
		return 0;
	*tid = (uint32_t)(solo >> 32);
	return (uint32_t)solo;
}

/* The calling thread ends: its slot goes back for another thread.
 * Called by its session state's destructor. */
void trace_reads_thread_exit(void);

/* Forgets every read but the fork child's own one in flight (a nested
 * one is forgotten): only the forking thread came along.  Called by the
 * child's fork handler, after trace_thread_id_forget; async-signal-safe. */
void trace_reads_child_after_fork(void);

#endif
