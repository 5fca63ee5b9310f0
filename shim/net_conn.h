/*
 * net_conn.h - the net layer's connections: a fixed pool of HTTP/1.x
 * followers shared by the socket (interpose_net.c) and TLS
 * (interpose_openssl.c) boundaries, and the events they make.
 *
 * Locking: one mutex guards the pool; bytes are fed under it, and events
 * are recorded after it is released (net_conn_feed hands them back).
 * Nothing here allocates.
 */
#ifndef H5SNOOP_NET_CONN_H
#define H5SNOOP_NET_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "http_parse.h"

/* Connections followed at once; more are counted (reason too_many). */
#define NET_CONN_MAX 256u

struct net_conn {
	int in_use;
	uint8_t seen_by;   /* H5SNOOP_SEEN_BY_SOCKET or _TLS */
	const void *key;   /* the SSL * for TLS; NULL for sockets */
	char peer[64];     /* "address:port" when known, for a missing Host */
	struct http_conn http;
};

/* What a feed produced, to record once the lock is released. */
struct net_outcome {
	unsigned bits;     /* HTTP_DONE, HTTP_GAVE_UP */
	uint8_t seen_by;
	uint8_t skip;      /* enum http_skip, with HTTP_GAVE_UP */
	uint32_t exchanges;
	int https;
	char peer[64];
	struct http_exchange done;
};

/* Whether the net layer records: on in H5SNOOP_LAYERS and tracing is
 * usable.  Thread-safe. */
int net_layer_on(void);

void net_conn_lock(void);
void net_conn_unlock(void);

/*
 * The per-thread guard of both boundaries: 1 when this thread was not
 * inside the net layer (it now is: call net_leave), 0 when it was (a
 * signal handler that interrupted us, or the layer's own calls): then
 * the call passes through untouched, so the pool's lock is never taken
 * twice by one thread.
 */
int net_enter(void);
void net_leave(void);

/* Takes a free connection (under the lock); NULL when the pool is full,
 * after filling *out with the too_many outcome to record. */
struct net_conn *net_conn_take(uint8_t seen_by, const void *key,
			       const char *peer, struct net_outcome *out);

/* The connection at pool index i (from 1), or NULL. */
struct net_conn *net_conn_at(unsigned i);
unsigned net_conn_index(const struct net_conn *c);

/*
 * Feeds bytes (sent: 1 for what the client sent) at time now_ns; fills
 * *out with what to record.  Under the lock.  Returns 0 when the
 * connection is no longer followed (the caller may forget it: it was
 * released already).
 */
int net_conn_feed(struct net_conn *c, int sent, const void *p, size_t n,
		  uint64_t now_ns, struct net_outcome *out);

/* Like net_conn_feed over an iovec array, at most `total` bytes. */
struct iovec;
int net_conn_feed_iov(struct net_conn *c, int sent, const struct iovec *v,
		      size_t count, size_t total, uint64_t now_ns,
		      struct net_outcome *out);

/* The connection ended (EOF, close, free): finishes what may be
 * finished and releases it.  Under the lock. */
void net_conn_end(struct net_conn *c, uint64_t now_ns,
		  struct net_outcome *out);

/* Records what a feed or end produced.  Outside the lock; keeps errno. */
void net_outcome_record(struct net_outcome *out);

/* Whether code at `ret` (a wrapper's return address) is libcurl's, or
 * this thread is inside a libcurl call: libcurl's transfers belong to the
 * http layer, never to this one.  Takes no lock of ours; thread-safe. */
int net_caller_is_libcurl(const void *ret);

/* Fork handlers. */
void net_conn_prepare_fork(void);
void net_conn_parent_after_fork(void);
void net_conn_child_after_fork(void);

#endif
