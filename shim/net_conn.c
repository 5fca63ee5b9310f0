/*
 * net_conn.c - the net layer's connection pool and its events (see
 * net_conn.h).
 *
 * Must never: record a header other than Host and Range (as the URL and
 * range of the event), any body byte, or a URL that did not go through
 * redact_string; hold the lock while recording.
 */
#include "net_conn.h"

#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>

#include "h5snoop/trace_schema.h"
#include "interpose_curl.h"
#include "redact.h"
#include "shim_config.h"
#include "shim_real.h"
#include "trace_session.h"

/* NOTE: libcurl's CURLE_RECV_ERROR, so that the report counts an
 * exchange the connection cut short as it counts libcurl's. */
#define NET_CODE_CUT 56

static pthread_mutex_t net_lock = PTHREAD_MUTEX_INITIALIZER;
static struct net_conn conns[NET_CONN_MAX];

/* Unparsed connections met before the process had a trace, by seen_by
 * and reason: written with its first exchange.  RATIONALE: a process
 * whose only TCP traffic is not HTTP (Dask's scheduler and nannies talk
 * their own protocol) must not get a trace directory for that alone. */
static unsigned pending_unparsed[H5SNOOP_SEEN_BY_COUNT][HTTP_SKIP_COUNT];

static TRACE_TLS int tls_in_net;

int net_enter(void)
{
	if (tls_in_net)
		return 0;
	tls_in_net = 1;
	return 1;
}

void net_leave(void)
{
	tls_in_net = 0;
}

int net_layer_on(void)
{
	return (shim_config()->layers & SHIM_LAYER_NET) &&
	       trace_session_usable();
}

void net_conn_lock(void)
{
	pthread_mutex_lock(&net_lock);
}

void net_conn_unlock(void)
{
	pthread_mutex_unlock(&net_lock);
}

struct net_conn *net_conn_at(unsigned i)
{
	return i >= 1 && i <= NET_CONN_MAX ? &conns[i - 1] : NULL;
}

unsigned net_conn_index(const struct net_conn *c)
{
	return (unsigned)(c - conns) + 1u;
}

static void outcome_clear(struct net_outcome *out)
{
	out->bits = 0;
}

struct net_conn *net_conn_take(uint8_t seen_by, const void *key,
			       const char *peer, struct net_outcome *out)
{
	outcome_clear(out);
	for (unsigned i = 0; i < NET_CONN_MAX; i++) {
		struct net_conn *c = &conns[i];

		if (c->in_use)
			continue;
		c->in_use = 1;
		c->seen_by = seen_by;
		c->key = key;
		snprintf(c->peer, sizeof(c->peer), "%s", peer ? peer : "");
		http_conn_init(&c->http);
		return c;
	}
	out->bits = HTTP_GAVE_UP;
	out->seen_by = seen_by;
	out->skip = HTTP_SKIP_TOO_MANY;
	out->exchanges = 0;
	return NULL;
}

static void release(struct net_conn *c)
{
	c->in_use = 0;
	c->key = NULL;
}

/* Copies what the bits say must be recorded; releases a connection that
 * is no longer followed.  Returns whether it still is. */
static int settle(struct net_conn *c, unsigned bits,
		  struct net_outcome *out)
{
	out->bits |= bits & (HTTP_DONE | HTTP_GAVE_UP);
	out->seen_by = c->seen_by;
	out->https = c->seen_by == H5SNOOP_SEEN_BY_TLS;
	if (bits & HTTP_DONE) {
		out->done = c->http.cur;
		memcpy(out->peer, c->peer, sizeof(out->peer));
	}
	if (bits & HTTP_GAVE_UP) {
		out->skip = c->http.skip;
		out->exchanges = c->http.exchanges;
	}
	if (http_conn_following(&c->http))
		return 1;
	release(c);
	return 0;
}

static unsigned feed_one(struct net_conn *c, int sent, const uint8_t *p,
			 size_t n, uint64_t now_ns)
{
	unsigned bits;

	if (!sent)
		return http_conn_received(&c->http, p, n, now_ns);
	bits = http_conn_sent(&c->http, p, n, now_ns);
	if (bits & HTTP_STARTED)
		c->http.cur.read_seq = trace_read_link(&c->http.cur.read_tid);
	return bits;
}

int net_conn_feed(struct net_conn *c, int sent, const void *p, size_t n,
		  uint64_t now_ns, struct net_outcome *out)
{
	outcome_clear(out);
	return settle(c, feed_one(c, sent, p, n, now_ns), out);
}

int net_conn_feed_iov(struct net_conn *c, int sent, const struct iovec *v,
		      size_t count, size_t total, uint64_t now_ns,
		      struct net_outcome *out)
{
	unsigned bits = 0;

	/* NOTE: one call holds at most one finished exchange: only sent
	 * bytes start another, and never in a receiving call. */
	outcome_clear(out);
	for (size_t i = 0; i < count && total > 0; i++) {
		size_t n = v[i].iov_len < total ? v[i].iov_len : total;

		if (n && v[i].iov_base)
			bits |= feed_one(c, sent, v[i].iov_base, n, now_ns);
		total -= n;
		if (!http_conn_following(&c->http))
			break;
	}
	return settle(c, bits, out);
}

void net_conn_end(struct net_conn *c, uint64_t now_ns,
		  struct net_outcome *out)
{
	outcome_clear(out);
	settle(c, http_conn_ended(&c->http, now_ns), out);
	if (c->in_use)
		release(c);
}

/* ---- events ---- */

static int is_absolute(const char *target)
{
	return strncmp(target, "http://", 7) == 0 ||
	       strncmp(target, "https://", 8) == 0;
}

static void emit_unparsed(uint8_t seen_by, uint8_t reason,
			  uint32_t exchanges)
{
	struct h5snoop_ev_net_unparsed ev;

	memset(&ev, 0, sizeof(ev));
	ev.h.id = H5SNOOP_EV_net_unparsed;
	ev.h.timestamp = trace_now_ns();
	ev.seen_by = seen_by;
	ev.reason = reason;
	ev.exchanges = exchanges;
	trace_emit(&ev, sizeof(ev));
}

/* Takes one from a pending count; 0 when there was none. */
static int take_pending(unsigned *count)
{
	unsigned n = __atomic_load_n(count, __ATOMIC_RELAXED);

	while (n && !__atomic_compare_exchange_n(count, &n, n - 1, 0,
						 __ATOMIC_RELAXED,
						 __ATOMIC_RELAXED))
		;
	return n != 0;
}

static void flush_pending_unparsed(void)
{
	for (uint8_t by = 0; by < H5SNOOP_SEEN_BY_COUNT; by++)
		for (uint8_t why = 0; why < HTTP_SKIP_COUNT; why++)
			while (take_pending(&pending_unparsed[by][why]))
				emit_unparsed(by, why, 0);
}

static void record_exchange(const struct net_outcome *o)
{
	const struct http_exchange *x = &o->done;
	uint8_t buf[TRACE_EVENT_MAX_BYTES];
	struct h5snoop_ev_http_request ev;
	char raw[HTTP_TARGET_MAX + HTTP_HOST_MAX + 16];
	char clean[2048];
	size_t len = sizeof(ev);

	memset(&ev, 0, sizeof(ev));
	ev.h.id = H5SNOOP_EV_http_request;
	ev.h.timestamp = x->start_ns;
	ev.read_seq = x->read_seq;
	ev.read_tid = x->read_tid;
	ev.range_start = x->range_start;
	ev.range_end = x->range_start >= 0 ? x->range_end : -1;
	ev.bytes = x->bytes;
	ev.http_status = x->status;
	ev.curl_code = x->cut ? NET_CODE_CUT : 0;
	ev.duration_ns = x->end_ns > x->start_ns ? x->end_ns - x->start_ns
						 : 0;
	ev.ttfb_ns = x->first_byte_ns > x->start_ns
			     ? x->first_byte_ns - x->start_ns
			     : 0;
	ev.seen_by = o->seen_by;
	ev.reused = x->index > 0;
	if (is_absolute(x->target))
		snprintf(raw, sizeof(raw), "%s", x->target);
	else
		snprintf(raw, sizeof(raw), "%s://%s%s",
			 o->https ? "https" : "http",
			 x->host[0] ? x->host : o->peer, x->target);
	memcpy(buf, &ev, sizeof(ev));
	trace_put_string(buf, &len, sizeof(buf),
			 redact_string(clean, sizeof(clean),
				       x->method[0] ? x->method : "?",
				       shim_config()->keep_query));
	trace_put_string(buf, &len, sizeof(buf),
			 redact_string(clean, sizeof(clean), raw,
				       shim_config()->keep_query));
	trace_emit(buf, len);
	flush_pending_unparsed();
}

static void record_unparsed(const struct net_outcome *o)
{
	if (trace_session_active() || o->exchanges > 0)
		emit_unparsed(o->seen_by, o->skip, o->exchanges);
	else if (o->seen_by < H5SNOOP_SEEN_BY_COUNT &&
		 o->skip < HTTP_SKIP_COUNT)
		__atomic_add_fetch(&pending_unparsed[o->seen_by][o->skip], 1,
				   __ATOMIC_RELAXED);
}

void net_outcome_record(struct net_outcome *o)
{
	int saved_errno = errno;

	if (o->bits & HTTP_DONE)
		record_exchange(o);
	if (o->bits & HTTP_GAVE_UP && o->skip != HTTP_SKIP_NONE)
		record_unparsed(o);
	errno = saved_errno;
}

/*
 * RATIONALE: libcurl makes its own socket calls (connect, send, recv),
 * and with OpenSSL its own SSL_read/SSL_write, from its own object; so
 * the object of the caller decides, once per connection.  A thread inside
 * a forwarded libcurl call is libcurl's too (a libcurl under another
 * name, linked into a library that calls it through curl_easy_perform).
 */
int net_caller_is_libcurl(const void *ret)
{
	struct link_map *m;
	const char *base;

	if (interpose_curl_busy())
		return 1;
	m = shim_real_object_of(ret);
	if (!m || !m->l_name)
		return 0;
	base = strrchr(m->l_name, '/');
	base = base ? base + 1 : m->l_name;
	return strncmp(base, "libcurl", 7) == 0;
}

/* ---- fork ---- */

void net_conn_prepare_fork(void)
{
	pthread_mutex_lock(&net_lock);
}

void net_conn_parent_after_fork(void)
{
	pthread_mutex_unlock(&net_lock);
}

void net_conn_child_after_fork(void)
{
	tls_in_net = 0;
	pthread_mutex_init(&net_lock, NULL);
	/* The parent's connections, the parent's to write. */
	memset(pending_unparsed, 0, sizeof(pending_unparsed));
	for (unsigned i = 0; i < NET_CONN_MAX; i++)
		release(&conns[i]);
}
