/*
 * event_queue.c - events copied out of their packets (see
 * event_queue.h).
 *
 * Must never: keep a pointer into a stream's packet, or print.
 */
#include "event_queue.h"

#include <stdlib.h>
#include <string.h>

/* The bytes of ev in its packet: the fixed part, then its strings (with
 * their NUL) and sequences, in wire order. */
static size_t event_bytes(const struct trace_event *ev)
{
	const struct schema_event *e = &schema_events[ev->id];
	const uint8_t *start = (const uint8_t *)ev->u.h;
	const struct schema_field *f;
	const uint8_t *last;

	if (e->n_vars == 0)
		return e->fixed_bytes;
	f = &e->vars[e->n_vars - 1];
	last = (const uint8_t *)ev->var[e->n_vars - 1];
	return (size_t)(last - start) +
	       (f->kind == SCHEMA_STRING ? (size_t)ev->var_len[e->n_vars - 1] +
						   1
					 : (size_t)ev->var_len[e->n_vars - 1] *
						   f->bytes);
}

enum h5snoop_status event_queue_push(struct event_queue *q,
				     const struct trace_event *ev,
				     struct h5snoop_error *err)
{
	const struct schema_event *e = &schema_events[ev->id];
	const uint8_t *start = (const uint8_t *)ev->u.h;
	struct event_queue_item *it;
	size_t n = event_bytes(ev);

	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 64;
		struct event_queue_item *v = malloc(cap * sizeof(*v));

		if (!v)
			return diag_nomem(err);
		/* The ring unrolled, oldest first. */
		for (size_t i = 0; i < q->n; i++)
			v[i] = q->v[(q->head + i) % q->cap];
		free(q->v);
		q->v = v;
		q->cap = cap;
		q->head = 0;
	}
	it = &q->v[(q->head + q->n) % q->cap];
	it->bytes = malloc(n ? n : 1);
	if (!it->bytes)
		return diag_nomem(err);
	memcpy(it->bytes, start, n);
	it->n_bytes = n;
	it->ev = *ev;
	it->ev.u.h = (const struct h5snoop_event_header *)(const void *)
			     it->bytes;
	for (unsigned v = 0; v < e->n_vars; v++)
		it->ev.var[v] = (const char *)it->bytes +
				((const uint8_t *)ev->var[v] - start);
	q->n++;
	q->bytes += n + sizeof(*it);
	return H5SNOOP_OK;
}

void event_queue_pop(struct event_queue *q)
{
	struct event_queue_item *it;

	if (!q->n)
		return;
	it = &q->v[q->head];
	q->bytes -= it->n_bytes + sizeof(*it);
	free(it->bytes);
	q->head = (q->head + 1) % q->cap;
	q->n--;
	q->popped++;
}

void event_queue_free(struct event_queue *q)
{
	while (q->n)
		event_queue_pop(q);
	free(q->v);
	memset(q, 0, sizeof(*q));
}
