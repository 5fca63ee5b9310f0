/*
 * event_queue.h - events copied out of their packets, first in, first
 * out: for a reader that must hold some events back while it reads on
 * (model/run.c holds a request until the stack it names has been read).
 *
 * Memory: one allocation per event held, its bytes as in the packet;
 * event_queue_bytes says how much is held, so that the caller can bound
 * it.
 */
#ifndef H5SNOOP_EVENT_QUEUE_H
#define H5SNOOP_EVENT_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "stream_in.h"

struct event_queue_item {
	struct trace_event ev; /* its pointers into bytes */
	uint8_t *bytes;        /* owned */
	size_t n_bytes;
};

struct event_queue {
	struct event_queue_item *v; /* a ring of cap items */
	size_t cap, head, n;
	size_t bytes;               /* held, items included */
	uint64_t popped;            /* events taken out so far */
};

/* Zero-initialized is empty. */

/* Appends a copy of ev (decoded by stream_in: its fixed part and
 * variable fields are one run of bytes).  H5SNOOP_OK, or H5SNOOP_ERROR
 * when out of memory. */
enum h5snoop_status event_queue_push(struct event_queue *q,
				     const struct trace_event *ev,
				     struct h5snoop_error *err);

/* The oldest event held (valid until it is popped), or NULL. */
static inline const struct trace_event *
event_queue_peek(const struct event_queue *q)
{
	return q->n ? &q->v[q->head].ev : NULL;
}

/* Frees the oldest event; nothing when empty. */
void event_queue_pop(struct event_queue *q);

/* Frees every event held and the ring. */
void event_queue_free(struct event_queue *q);

#endif
