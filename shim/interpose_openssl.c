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
 *
 * THE TEMPLATE.  This is the smallest interposer, commented so that a new
 * one (shim/interpose_<library>.c) can follow it step by step; the others
 * (interpose_net.c, interpose_curl.c, interpose_hdf5.c) have the same
 * shape with more cases.  An interposer:
 *
 *  1. exports a function of the exact name and signature it replaces,
 *     marked H5SNOOP_EXPORT (everything else in the shim is hidden), and
 *     links nothing of the library: the library's types stay opaque or
 *     come from its header, so a program without it runs as before;
 *  2. finds the real function as the caller would have bound it
 *     (shim_real.h), once, and keeps it; when it is missing: one warning,
 *     errno = ENOSYS, and the API's failure value, never a crash;
 *  3. calls the real function first, with the caller's arguments
 *     untouched, and takes its timestamps around it (trace_now_ns, or
 *     trace_clock.h on the hottest path);
 *  4. records only when its layer is on (H5SNOOP_LAYERS, and tracing not
 *     disabled by a failure) and this thread is not inside the shim
 *     already (a per-thread guard: the shim's own I/O, a signal handler,
 *     a library calling itself), else passes the call through;
 *  5. keeps errno: saved after the real call, restored before returning;
 *  6. holds a lock of its own only briefly, with no I/O and no recording
 *     under it, and records through trace_session.h (trace_emit, or
 *     trace_op_begin/trace_op_end around an operation that may contain
 *     others); a full table or pool is a counted loss (trace_count_loss)
 *     and one warning, never a blocked or failed call;
 *  7. forgets, in the fork child, what it knew of the parent's objects
 *     (its *_child_after_fork, called from shim_init.c).
 * The steps are marked "Step N" below.
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

/* Step 1: OpenSSL's SSL, opaque here: the shim does not link libssl nor
 * need its header. */
struct ssl_st;

/* SSL objects judged so far (power of two); beyond, set aside: a full
 * table leaves an object untraced, never the call failed. */
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

/* Step 2: the real functions, one pointer each, looked up once. */
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
/* The first caller's return address: set once, by whichever thread calls
 * first (a compare-and-swap from NULL), and read by resolve_api; never
 * changed after. */
static const void *api_caller;

#define RESOLVE(field, name)                                               \
	(api.field = (__typeof__(api.field))shim_real_lookup(caller, name))

static void resolve_api(void)
{
	struct link_map *caller = shim_real_object_of(
		__atomic_load_n(&api_caller, __ATOMIC_ACQUIRE));

	RESOLVE(write, "SSL_write");
	RESOLVE(write_ex, "SSL_write_ex");
	RESOLVE(read, "SSL_read");
	RESOLVE(read_ex, "SSL_read_ex");
	RESOLVE(free, "SSL_free");
	RESOLVE(is_server, "SSL_is_server");
}

/* The real functions, as the first caller binds them (a NULL field: not
 * found).  RATIONALE: a process holds one libssl.so.3; the first caller
 * links it.  Where a process may hold two copies of a library (libcurl,
 * libhdf5), the lookup is per calling object instead: see
 * interpose_curl.c's lib_for_owner. */
static const struct ssl_api *ssl_api(const void *ret)
{
	const void *none = NULL;

	/* NOTE: threads whose first SSL calls meet race here: one caller
	 * wins, atomically, before any of them runs resolve_api, which
	 * pthread_once runs once and orders before every return. */
	if (!__atomic_load_n(&api_caller, __ATOMIC_ACQUIRE))
		__atomic_compare_exchange_n(&api_caller, &none, ret, 0,
					    __ATOMIC_ACQ_REL,
					    __ATOMIC_ACQUIRE);
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

/* After a call on `s` moved n > 0 plaintext bytes (sent or received):
 * steps 4 to 6, after the real call. */
static void after_ssl(struct ssl_st *s, const struct ssl_api *a,
		      const void *ret, int sent, const void *buf, size_t n,
		      uint64_t now_ns)
{
	struct net_outcome first, out;
	struct net_conn *c;
	/* Step 5: nothing below may leave errno changed. */
	int saved_errno = errno;

	/* Step 4: the layer is on, and this thread is not in it already
	 * (net_enter is the per-thread guard; net_leave ends it). */
	if (!net_layer_on() || !net_enter())
		return;
	out.bits = 0;
	/* Step 6: the pool's lock only around the table and the parser;
	 * what they produced is recorded after it is released. */
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

/* Step 2, when the real function is missing: one warning for the
 * process, ENOSYS, and the API's own failure value. */
#define MISSING(sym, fail)                                                 \
	do {                                                               \
		shim_warn_once(SHIM_WARN_SYMBOL,                           \
			       "%s not found in any loaded libssl", sym);  \
		errno = ENOSYS;                                            \
		return fail;                                               \
	} while (0)

/* Step 1: the exact name and signature of the function replaced. */
H5SNOOP_EXPORT int SSL_write(struct ssl_st *s, const void *buf, int n)
{
	/* Who called: the object whose binding the real lookup follows,
	 * and (net_caller_is_libcurl) whether the call is libcurl's. */
	const void *ret = __builtin_return_address(0);
	const struct ssl_api *a = ssl_api(ret);
	uint64_t t0;
	int rc;

	if (!a->write)
		MISSING("SSL_write", -1);
	/* Step 3: the real call, arguments as given, timed.  The request
	 * starts when the client starts writing it. */
	t0 = trace_now_ns();
	rc = a->write(s, buf, n);
	/* Steps 4-6: only bytes the call reports as moved are looked at;
	 * after_ssl keeps errno, so rc and errno reach the caller as the
	 * real call left them. */
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

/* The end of the connection: a body that runs until it ends is done.
 * NOTE: the one wrapper that records before the real call: once SSL_free
 * returns, another thread may get the address `s` for a new SSL object,
 * which must not find this one's entry. */
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

/* Step 7: the pool that followed the parent's objects is emptied in the
 * child (net_conn_child_after_fork), so they are judged afresh. */
void interpose_openssl_child_after_fork(void)
{
	open_table_clear(&ssl_table);
}
