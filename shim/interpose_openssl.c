/*
 * interpose_openssl.c - the net layer at OpenSSL 3's TLS boundary: HTTPS
 * exchanges, seen in plaintext in SSL_write/SSL_read and their _ex forms
 * (Python's ssl module over a socket, and asyncio's SSL over memory BIOs,
 * both go through them).
 *
 * An SSL object is judged once, at its first read or write: a server's,
 * or one libcurl drives (its transfers are the http layer's), is set
 * aside; any other is followed by a connection of the pool until
 * SSL_free.  The bytes the TLS library itself writes to the socket are
 * ciphertext, which the socket boundary sets aside.
 *
 * Must never: change an argument, a return value or errno; look at more
 * bytes than the call reports; call into OpenSSL beyond SSL_is_server;
 * block on anything but the pool's short lock.
 */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "h5snoop/trace_schema.h"
#include "interpose_openssl.h"
#include "net_conn.h"
#include "open_table.h"
#include "shim_export.h"
#include "shim_log.h"
#include "shim_real.h"
#include "trace_session.h"

struct ssl_st; /* OpenSSL's SSL, opaque here */

/* SSL objects judged so far (power of two); beyond, set aside. */
#define SSL_TABLE_SIZE 1024u
#define SLOT_ASIDE 0xFFFFu

struct ssl_entry {
	unsigned slot; /* pool index, or SLOT_ASIDE */
};

/* The SSL objects judged (keys) and each one's entry (ssl_entries[i] for
 * key i); under the pool lock (net_conn_lock). */
static _Atomic uint64_t ssl_keys[SSL_TABLE_SIZE];
static struct ssl_entry ssl_entries[SSL_TABLE_SIZE];
static const struct open_table ssl_table = OPEN_TABLE_INIT(ssl_keys, 0);

struct ssl_api {
	int (*write)(struct ssl_st *, const void *, int);
	int (*write_ex)(struct ssl_st *, const void *, size_t, size_t *);
	int (*read)(struct ssl_st *, void *, int);
	int (*read_ex)(struct ssl_st *, void *, size_t, size_t *);
	void (*free)(struct ssl_st *);
	int (*is_server)(const struct ssl_st *);
};

static struct ssl_api api;
static pthread_once_t api_once = PTHREAD_ONCE_INIT;
static const void *api_caller;

#define RESOLVE(field, name)                                               \
	(api.field = (__typeof__(api.field))shim_real_lookup(caller, name))

static void resolve_api(void)
{
	struct link_map *caller = shim_real_object_of(api_caller);

	RESOLVE(write, "SSL_write");
	RESOLVE(write_ex, "SSL_write_ex");
	RESOLVE(read, "SSL_read");
	RESOLVE(read_ex, "SSL_read_ex");
	RESOLVE(free, "SSL_free");
	RESOLVE(is_server, "SSL_is_server");
}

/* The real functions, as the first caller binds them.  RATIONALE: a
 * process holds one libssl.so.3; the first caller links it. */
static const struct ssl_api *ssl_api(const void *ret)
{
	if (!api_caller)
		api_caller = ret;
	pthread_once(&api_once, resolve_api);
	return &api;
}

static struct ssl_entry *ssl_find(const struct ssl_st *s)
{
	size_t i = open_table_find(&ssl_table, open_table_key_pointer(s));

	return i == OPEN_TABLE_NONE ? NULL : &ssl_entries[i];
}

/* A new entry for `s` (not in the table), set aside until judged. */
static struct ssl_entry *ssl_add(const struct ssl_st *s)
{
	size_t i = open_table_insert(&ssl_table, open_table_key_pointer(s));

	if (i == OPEN_TABLE_NONE)
		return NULL;
	ssl_entries[i].slot = SLOT_ASIDE;
	return &ssl_entries[i];
}

/*
 * The connection following `s`, judging `s` at first sight (under the
 * lock); NULL when it is set aside.  *out gets a too_many outcome when
 * the pool is full.
 */
static struct net_conn *conn_of(struct ssl_st *s, const struct ssl_api *a,
				const void *ret, struct net_outcome *out)
{
	struct ssl_entry *e = ssl_find(s);
	struct net_conn *c;

	out->bits = 0;
	if (e)
		return e->slot == SLOT_ASIDE ? NULL : net_conn_at(e->slot);
	e = ssl_add(s);
	if (!e)
		return NULL; /* table full: not followed, nothing to undo */
	if (net_caller_is_libcurl(ret) || !a->is_server || a->is_server(s))
		return NULL;
	c = net_conn_take(H5SNOOP_SEEN_BY_TLS, s, "", out);
	if (c)
		e->slot = net_conn_index(c);
	return c;
}

/* After a call on `s` moved n > 0 plaintext bytes (sent or received). */
static void after_ssl(struct ssl_st *s, const struct ssl_api *a,
		      const void *ret, int sent, const void *buf, size_t n,
		      uint64_t now_ns)
{
	struct net_outcome first, out;
	struct net_conn *c;
	int saved_errno = errno;

	if (!net_layer_on() || !net_enter())
		return;
	out.bits = 0;
	net_conn_lock();
	c = conn_of(s, a, ret, &first);
	if (c && !net_conn_feed(c, sent, buf, n, now_ns, &out)) {
		struct ssl_entry *e = ssl_find(s);

		if (e)
			e->slot = SLOT_ASIDE;
	}
	net_conn_unlock();
	net_outcome_record(&first);
	net_outcome_record(&out);
	net_leave();
	errno = saved_errno;
}

#define MISSING(sym, fail)                                                 \
	do {                                                               \
		shim_warn_once(SHIM_WARN_SYMBOL,                           \
			       "%s not found in any loaded libssl", sym);  \
		errno = ENOSYS;                                            \
		return fail;                                               \
	} while (0)

H5SNOOP_EXPORT int SSL_write(struct ssl_st *s, const void *buf, int n)
{
	const void *ret = __builtin_return_address(0);
	const struct ssl_api *a = ssl_api(ret);
	uint64_t t0;
	int rc;

	if (!a->write)
		MISSING("SSL_write", -1);
	t0 = trace_now_ns();
	rc = a->write(s, buf, n);
	if (rc > 0)
		after_ssl(s, a, ret, 1, buf, (size_t)rc, t0);
	return rc;
}

H5SNOOP_EXPORT int SSL_write_ex(struct ssl_st *s, const void *buf, size_t n,
				size_t *written)
{
	const void *ret = __builtin_return_address(0);
	const struct ssl_api *a = ssl_api(ret);
	uint64_t t0;
	int rc;

	if (!a->write_ex)
		MISSING("SSL_write_ex", 0);
	t0 = trace_now_ns();
	rc = a->write_ex(s, buf, n, written);
	if (rc > 0 && written && *written > 0)
		after_ssl(s, a, ret, 1, buf, *written, t0);
	return rc;
}

H5SNOOP_EXPORT int SSL_read(struct ssl_st *s, void *buf, int n)
{
	const void *ret = __builtin_return_address(0);
	const struct ssl_api *a = ssl_api(ret);
	int rc;

	if (!a->read)
		MISSING("SSL_read", -1);
	rc = a->read(s, buf, n);
	if (rc > 0)
		after_ssl(s, a, ret, 0, buf, (size_t)rc, trace_now_ns());
	return rc;
}

H5SNOOP_EXPORT int SSL_read_ex(struct ssl_st *s, void *buf, size_t n,
			       size_t *read_bytes)
{
	const void *ret = __builtin_return_address(0);
	const struct ssl_api *a = ssl_api(ret);
	int rc;

	if (!a->read_ex)
		MISSING("SSL_read_ex", 0);
	rc = a->read_ex(s, buf, n, read_bytes);
	if (rc > 0 && read_bytes && *read_bytes > 0)
		after_ssl(s, a, ret, 0, buf, *read_bytes, trace_now_ns());
	return rc;
}

/* The end of the connection: a body that runs until it ends is done. */
H5SNOOP_EXPORT void SSL_free(struct ssl_st *s)
{
	const struct ssl_api *a = ssl_api(__builtin_return_address(0));
	struct net_outcome out;
	struct ssl_entry *e;
	int saved_errno = errno;

	out.bits = 0;
	if (s && net_enter()) {
		net_conn_lock();
		e = ssl_find(s);
		if (e) {
			struct net_conn *c = e->slot == SLOT_ASIDE
						     ? NULL
						     : net_conn_at(e->slot);

			if (c && c->in_use && c->key == s)
				net_conn_end(c, trace_now_ns(), &out);
			open_table_remove(&ssl_table,
					  (size_t)(e - ssl_entries));
		}
		net_conn_unlock();
		net_outcome_record(&out);
		net_leave();
	}
	errno = saved_errno;
	if (!a->free) {
		shim_warn_once(SHIM_WARN_SYMBOL,
			       "SSL_free not found in any loaded libssl");
		return;
	}
	a->free(s);
}

void interpose_openssl_child_after_fork(void)
{
	open_table_clear(&ssl_table);
}
