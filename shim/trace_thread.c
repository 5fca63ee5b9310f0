/*
 * trace_thread.c - per-thread streams and the events a thread holds while
 * an operation is in flight on it, written back in start order (see
 * trace_thread.h and "Ordering" in trace_session.h).
 *
 * Must never: call malloc (thread state comes from mmap), hold the
 * session lock while recording an event, change errno in a public entry
 * point, record while it is already recording on this thread (a wrapper
 * reached from the shim's own I/O), or be cancelled while it holds the
 * lock.
 */
#include "trace_thread.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "h5snoop/trace_schema.h"
#include "trace_session.h"
#include "trace_session_internal.h"
#include "trace_shared_ops.h"
#include "trace_reads.h"
#include "trace_stream.h"
#include "trace_thread_id.h"

/* Events a thread can hold while an operation is in flight; past that the
 * oldest are written early (and later ones clamped to stay in order). */
#define HELD_MAX_EVENTS 256u
#define HELD_MAX_BYTES (64u * 1024u)

struct held_event {
	uint64_t ts;
	uint32_t offset;
	uint32_t len;
};

struct thread_state {
	struct trace_stream stream;
	struct thread_state *next; /* threads.list */
	uint32_t held_count;
	uint32_t held_bytes;
	struct held_event held[HELD_MAX_EVENTS];
	uint8_t held_data[HELD_MAX_BYTES];
};

/* The process's thread states; list and lost_by_gone under the session
 * lock. */
static struct {
	atomic_uint generation; /* bumped in each fork child */
	pthread_key_t key;      /* its destructor frees a thread's state */
	int key_ok;
	struct thread_state *list;
	uint64_t lost_by_gone[H5SNOOP_LOSS_COUNT]; /* of ended threads */
} threads;

static TRACE_TLS struct thread_state *tls_state;
static TRACE_TLS unsigned tls_generation;
static TRACE_TLS int tls_in_emit;

static void flush_held(struct thread_state *st);

/* Writes what this thread holds (a transfer it added and another thread
 * finished, an operation left open), unless it is recording already. */
static void flush_on_exit(struct thread_state *st)
{
	if (!st->held_count || tls_in_emit)
		return;
	if (trace_tls_shared_open)
		trace_shared_ops_collect();
	tls_in_emit = 1;
	flush_held(st);
	tls_in_emit = 0;
}

/* ---- per-thread state ---- */

/* The pthread key's destructor: a thread ends. */
static void thread_state_free(void *arg)
{
	struct thread_state *st = arg, **pp;
	int cancel_state;

	trace_session_lock(&cancel_state);
	for (pp = &threads.list; *pp; pp = &(*pp)->next)
		if (*pp == st) {
			*pp = st->next;
			break;
		}
	/* Its losses stay counted for the exit summary. */
	for (int i = 0; i < H5SNOOP_LOSS_COUNT; i++)
		threads.lost_by_gone[i] += st->stream.lost[i];
	trace_session_unlock(cancel_state);
	/* Whatever this thread still holds goes out before it ends (a
	 * transfer it added may have been closed elsewhere). */
	if (tls_state == st)
		flush_on_exit(st);
	trace_shared_ops_thread_exit();
	trace_reads_thread_exit();
	if (tls_state == st) {
		tls_state = NULL;
		trace_hot_tls.direct = NULL;
	}
	trace_stream_trim(&st->stream);
	trace_stream_retire(&st->stream);
	trace_stream_close(&st->stream);
	munmap(st, sizeof(*st));
}

static struct thread_state *thread_state_new(void)
{
	struct thread_state *st;
	char name[64];
	uint32_t tid = trace_thread_id();
	int rc = -1, cancel_state;

	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (st == MAP_FAILED)
		return NULL;
	trace_session_lock(&cancel_state);
	for (int attempt = 0; attempt < 100 && rc != 0; attempt++) {
		if (attempt == 0)
			snprintf(name, sizeof(name), "%s%u",
				 H5SNOOP_STREAM_PREFIX, tid);
		else
			snprintf(name, sizeof(name), "%s%u.%d",
				 H5SNOOP_STREAM_PREFIX, tid, attempt);
		rc = trace_stream_open(&st->stream, trace_session_dir(), name,
				       trace_session_uuid(), tid,
				       TRACE_STREAM_PACKET_BYTES_DEFAULT);
		if (rc != 0 && errno != EEXIST)
			break;
	}
	if (rc != 0) {
		int err = errno;

		trace_session_unlock(cancel_state);
		munmap(st, sizeof(*st));
		trace_session_fail("create a stream file in",
				   trace_session_dir(), err);
		return NULL;
	}
	st->next = threads.list;
	threads.list = st;
	trace_session_unlock(cancel_state);
	if (threads.key_ok)
		pthread_setspecific(threads.key, st);
	return st;
}

/* First event of a thread (or of a fork child): its state, or NULL. */
static __attribute__((noinline)) struct thread_state *
thread_state_slow(unsigned generation)
{
	tls_state = NULL;
	trace_hot_tls.direct = NULL;
	if (!trace_session_ensure())
		return NULL;
	tls_state = thread_state_new();
	tls_generation = generation;
	trace_hot_tls.direct = tls_state ? &tls_state->stream : NULL;
	return tls_state;
}

/* NOTE: inlined into record (the hot path) whatever else calls it. */
static inline __attribute__((always_inline)) struct thread_state *
thread_state(void)
{
	unsigned generation = atomic_load(&threads.generation);

	if (__builtin_expect(tls_state && tls_generation == generation, 1))
		return tls_state;
	return thread_state_slow(generation);
}

/* ---- holding and reordering ---- */

static void write_event(struct thread_state *st, const uint8_t *ev,
			size_t len, uint64_t ts)
{
	uint8_t *p;

	/* NOTE: only reached when the held buffer overflowed; keeps the
	 * stream in order at the cost of a shifted start time. */
	if (ts < st->stream.last_ts)
		ts = st->stream.last_ts;
	p = trace_stream_reserve(&st->stream, len, ts);
	if (!p)
		return;
	memcpy(p, ev, len);
	memcpy(p + offsetof(struct h5snoop_event_header, timestamp), &ts,
	       sizeof(ts));
	trace_stream_commit(&st->stream, len, ts);
	/* A definition a ring restates (trace_restate.h) is no event of
	 * the program: not counted, nor later as ring_overwritten. */
	if (__builtin_expect(h5snoop_event_restated(ev[0]), 0))
		st->stream.events--;
}

static void flush_held(struct thread_state *st)
{
	/* Insertion sort by start time: few events, mostly in order. */
	for (uint32_t i = 1; i < st->held_count; i++) {
		struct held_event e = st->held[i];
		uint32_t j = i;

		while (j > 0 && st->held[j - 1].ts > e.ts) {
			st->held[j] = st->held[j - 1];
			j--;
		}
		st->held[j] = e;
	}
	for (uint32_t i = 0; i < st->held_count; i++)
		write_event(st, st->held_data + st->held[i].offset,
			    st->held[i].len, st->held[i].ts);
	st->held_count = 0;
	st->held_bytes = 0;
	trace_hot_tls.direct = &st->stream;
}

static void hold_event(struct thread_state *st, const uint8_t *ev,
		       size_t len, uint64_t ts)
{
	if (st->held_count == HELD_MAX_EVENTS ||
	    st->held_bytes + len > HELD_MAX_BYTES)
		flush_held(st);
	trace_hot_tls.direct = NULL;
	memcpy(st->held_data + st->held_bytes, ev, len);
	st->held[st->held_count].ts = ts;
	st->held[st->held_count].offset = st->held_bytes;
	st->held[st->held_count].len = (uint32_t)len;
	st->held_count++;
	st->held_bytes += (uint32_t)len;
}

/* ---- recording ---- */

void trace_thread_record(const void *ev, size_t len)
{
	struct thread_state *st;
	uint64_t ts;

	if (tls_in_emit)
		return;
	tls_in_emit = 1;
	if (__builtin_expect(trace_tls_shared_open != 0, 0))
		trace_shared_ops_collect();
	st = thread_state();
	if (!st)
		goto done;
	if (!ev) {
		if (trace_hot_tls.depth == 0 && st->held_count)
			flush_held(st);
		goto done;
	}
	if (len > TRACE_EVENT_MAX_BYTES) {
		trace_stream_count_loss(&st->stream, H5SNOOP_LOSS_too_large,
					1, trace_now_ns());
		goto done;
	}
	memcpy(&ts,
	       (const uint8_t *)ev +
		       offsetof(struct h5snoop_event_header, timestamp),
	       sizeof(ts));
	/* With events held, the closing one joins them and all go out in
	 * start order (parallel multi transfers finish in any order). */
	if (trace_hot_tls.depth > 0 || st->held_count) {
		hold_event(st, ev, len, ts);
		if (trace_hot_tls.depth == 0)
			flush_held(st);
	} else {
		write_event(st, ev, len, ts);
	}
done:
	tls_in_emit = 0;
}

void trace_emit(const void *ev, size_t len)
{
	int saved_errno = errno;

	trace_thread_record(ev, len);
	errno = saved_errno;
}

void trace_op_end(const void *ev, size_t len)
{
	int saved_errno = errno;

	/* NOTE: operations closed by other threads are collected in
	 * trace_thread_record(), before it decides whether to hold. */
	if (trace_hot_tls.depth > 0)
		trace_hot_tls.depth--;
	/* NOTE: with no event of its own, an operation still releases what
	 * it held, but never creates a trace just for that. */
	if (ev || (tls_state && tls_state->held_count))
		trace_thread_record(ev, len);
	errno = saved_errno;
}

void trace_count_loss(enum h5snoop_loss why, uint64_t n)
{
	int saved_errno = errno;
	struct thread_state *st;

	if (tls_in_emit || n == 0)
		return;
	tls_in_emit = 1;
	st = thread_state();
	if (st)
		trace_stream_count_loss(&st->stream, why, n, trace_now_ns());
	tls_in_emit = 0;
	errno = saved_errno;
}

void trace_put_string(uint8_t *buf, size_t *len, size_t cap, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (*len >= cap)
		return;
	if (n > cap - *len - 1)
		n = cap - *len - 1;
	memcpy(buf + *len, s ? s : "", n);
	buf[*len + n] = '\0';
	*len += n + 1;
}

/* ---- lifecycle ---- */

void trace_threads_init(void)
{
	if (pthread_key_create(&threads.key, thread_state_free) == 0)
		threads.key_ok = 1;
}

/*
 * RATIONALE: the child must never write into the parent's packets, which
 * it shares through MAP_SHARED; it unmaps them and starts states of its
 * own (a new generation) at its first event.  Only async-signal-safe
 * calls here.
 */
void trace_threads_child_after_fork(void)
{
	struct thread_state *st = threads.list;

	threads.list = NULL;
	while (st) {
		struct thread_state *next = st->next;

		trace_stream_close(&st->stream);
		munmap(st, sizeof(*st));
		st = next;
	}
	trace_stream_child_after_fork();
	memset(threads.lost_by_gone, 0, sizeof(threads.lost_by_gone));
	tls_state = NULL;
	trace_hot_tls.direct = NULL;
	trace_hot_tls.depth = 0;
	tls_in_emit = 0;
	if (threads.key_ok)
		pthread_setspecific(threads.key, NULL);
	atomic_fetch_add(&threads.generation, 1u);
}

void trace_threads_at_exit(uint64_t *lost)
{
	int current = tls_state &&
		      tls_generation == atomic_load(&threads.generation);

	if (current)
		flush_on_exit(tls_state);
	pthread_mutex_lock(&trace_session_mutex);
	memcpy(lost, threads.lost_by_gone, sizeof(threads.lost_by_gone));
	for (struct thread_state *st = threads.list; st; st = st->next)
		for (int i = 0; i < H5SNOOP_LOSS_COUNT; i++)
			lost[i] += st->stream.lost[i];
	/* NOTE: only the exiting thread's own stream: other threads may
	 * still be writing theirs while the process exits. */
	if (current)
		trace_stream_trim(&tls_state->stream);
	pthread_mutex_unlock(&trace_session_mutex);
}
