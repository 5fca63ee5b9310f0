/*
 * interpose_curl.c - the http layer: one http_request event per libcurl
 * transfer, through curl_easy_perform or the multi interface.
 *
 * What a transfer asked for is learned from the options the program sets
 * (CURLOPT_RANGE, a Range: header in CURLOPT_HTTPHEADER, CURLOPT_NOBODY);
 * what happened is read back with curl_easy_getinfo afterwards.  No other
 * header, and no part of a URL's userinfo or query, is ever stored.
 *
 * RATIONALE: a process may hold two libcurls (Debian's libcurl.so.4 for
 * GDAL and libcurl-gnutls.so.4 for HDF5).  Our unversioned definitions
 * capture the calls of both, so every call is forwarded to the library that
 * created the handle, or else to the one the caller links against.
 * libcurl also calls its own public functions through its PLT (the easy
 * interface drives a private multi handle); calls made while we are
 * already inside libcurl on this thread pass straight through.
 *
 * Follows the template of interpose_openssl.c (its steps 1-7).
 *
 * Must never: change an option's value, a return code or errno; block a
 * transfer on anything but the short handle-table lock; call into libcurl
 * or anything that may block or be cancelled while holding that lock;
 * map calls of one libcurl onto another.
 */
#include "interpose_curl.h"

/* NOTE: curl.h turns curl_easy_setopt into a type-checking macro under
 * gcc; we define the function itself. */
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "h5snoop/trace_schema.h"
#include "open_table.h"
#include "redact.h"
#include "shim_config.h"
#include "shim_critical.h"
#include "shim_export.h"
#include "shim_log.h"
#include "shim_real.h"
#include "stack_capture.h"
#include "trace_session.h"

/* libcurl copies with a table entry; past that, each call resolves the
 * caller's own (slower, untraced, one warning): never another copy's. */
#define MAX_LIBS 16
#define MAX_CALLERS 64
#define HANDLE_TABLE_SIZE 4096u /* power of two */

/* The libcurl functions we call, from one libcurl. */
struct curl_lib {
	struct link_map *owner;
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_perform)(CURL *);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	void (*easy_reset)(CURL *);
	void (*easy_cleanup)(CURL *);
	CURL *(*easy_duphandle)(CURL *);
	CURLMcode (*multi_add_handle)(CURLM *, CURL *);
	CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
	CURLMsg *(*multi_info_read)(CURLM *, int *);
	curl_version_info_data *(*version_info)(CURLversion);
	int version_noted; /* its version given to the session */
};

/* What we know of one easy handle. */
struct handle_info {
	struct curl_lib *lib;
	int64_t range_start; /* from CURLOPT_RANGE, -1 if none */
	int64_t range_end;
	int64_t header_range_start; /* from a Range: header, -1 if none */
	int64_t header_range_end;
	int nobody;
	int in_multi;     /* added to a multi handle, not finished yet */
	uint32_t op_ticket; /* trace_op_begin_shared's, 0 if none open */
	uint32_t read_seq;
	uint32_t stack_id;
	uint64_t start_ns;
};

static struct curl_lib libs[MAX_LIBS];
static int lib_count;
static struct {
	struct link_map *caller;
	struct curl_lib *lib;
} callers[MAX_CALLERS];
static int caller_count;
static pthread_mutex_t curl_lock = PTHREAD_MUTEX_INITIALIZER;
/* The easy handles seen (keys) and what we know of each (handles[i] for
 * key i); under curl_lock. */
static _Atomic uint64_t handle_keys[HANDLE_TABLE_SIZE];
static struct handle_info handles[HANDLE_TABLE_SIZE];
static const struct open_table handle_table =
	OPEN_TABLE_INIT(handle_keys, 0);

static TRACE_TLS int tls_in_curl;
/* The libcurl of a call when the table is full: resolved per call. */
static TRACE_TLS struct curl_lib tls_overflow_lib;

static int http_layer_on(void)
{
	return (shim_config()->layers & SHIM_LAYER_HTTP) &&
	       trace_session_usable();
}

/* ---- which libcurl ---- */

#define RESOLVE(lib, field, name)                                          \
	((lib)->field = (__typeof__((lib)->field))shim_real_lookup(        \
		 (lib)->owner, name))

static void resolve_lib(struct curl_lib *lib, struct link_map *owner)
{
	lib->owner = owner;
	RESOLVE(lib, easy_init, "curl_easy_init");
	RESOLVE(lib, easy_setopt, "curl_easy_setopt");
	RESOLVE(lib, easy_perform, "curl_easy_perform");
	RESOLVE(lib, easy_getinfo, "curl_easy_getinfo");
	RESOLVE(lib, easy_reset, "curl_easy_reset");
	RESOLVE(lib, easy_cleanup, "curl_easy_cleanup");
	RESOLVE(lib, easy_duphandle, "curl_easy_duphandle");
	RESOLVE(lib, multi_add_handle, "curl_multi_add_handle");
	RESOLVE(lib, multi_remove_handle, "curl_multi_remove_handle");
	RESOLVE(lib, multi_info_read, "curl_multi_info_read");
	RESOLVE(lib, version_info, "curl_version_info");
	lib->version_noted = 0;
}

/* The entry of libcurl `owner`, made on first use; NULL when the table is
 * full.  Under curl_lock; resolves symbols only (no libcurl call). */
static struct curl_lib *lib_for_owner(struct link_map *owner)
{
	for (int i = 0; i < lib_count; i++)
		if (libs[i].owner == owner)
			return &libs[i];
	if (lib_count == MAX_LIBS)
		return NULL;
	resolve_lib(&libs[lib_count], owner);
	return &libs[lib_count++];
}

/*
 * Gives the session the version of `lib`, once.  RATIONALE: from
 * curl_version_info, outside any lock: curl_version() would build its
 * text from every dependency, and Debian's initializes OpenLDAP for it
 * (reading ldap.conf, resolving the host's name: I/O the program never
 * asked for, and cancellation points).
 */
static void note_version(struct curl_lib *lib)
{
	curl_version_info_data *v;
	char text[256];

	if (__atomic_load_n(&lib->version_noted, __ATOMIC_ACQUIRE) ||
	    !lib->version_info || lib == &tls_overflow_lib)
		return;
	__atomic_store_n(&lib->version_noted, 1, __ATOMIC_RELEASE);
	v = lib->version_info(CURLVERSION_NOW);
	if (!v || !v->version)
		return;
	snprintf(text, sizeof(text), "libcurl/%s%s%s%s%s", v->version,
		 v->ssl_version ? " " : "",
		 v->ssl_version ? v->ssl_version : "",
		 v->libz_version ? " zlib/" : "",
		 v->libz_version ? v->libz_version : "");
	trace_session_set_curl_version(text);
}

/* The libcurl that code at `ret` (a return address) links against.
 * Keeps errno. */
static struct curl_lib *lib_for_caller(const void *ret)
{
	struct link_map *caller = shim_real_object_of(ret);
	struct curl_lib *lib = NULL;
	struct link_map *owner = NULL;
	int saved_errno = errno, cancel_state;
	void *init;

	shim_enter_critical(&cancel_state);
	pthread_mutex_lock(&curl_lock);
	for (int i = 0; i < caller_count; i++)
		if (callers[i].caller == caller) {
			lib = callers[i].lib;
			goto out;
		}
	init = shim_real_lookup(caller, "curl_easy_init");
	if (!init)
		goto out;
	owner = shim_real_object_of(init);
	lib = lib_for_owner(owner);
	if (lib && caller_count < MAX_CALLERS) {
		callers[caller_count].caller = caller;
		callers[caller_count].lib = lib;
		caller_count++;
	}
out:
	pthread_mutex_unlock(&curl_lock);
	if (!lib && owner) {
		shim_warn_once(SHIM_WARN_CURL_LIBS,
			       "more than %d libcurl copies loaded; calls of "
			       "later ones are passed on untraced",
			       MAX_LIBS);
		resolve_lib(&tls_overflow_lib, owner);
		lib = &tls_overflow_lib;
	}
	if (lib)
		note_version(lib);
	shim_leave_critical(cancel_state);
	errno = saved_errno;
	return lib;
}

/* ---- handle table (under curl_lock) ---- */

static struct handle_info *handle_find(const CURL *h)
{
	size_t i = open_table_find(&handle_table, open_table_key_pointer(h));

	return i == OPEN_TABLE_NONE ? NULL : &handles[i];
}

static void handle_clear_request(struct handle_info *hi)
{
	hi->range_start = hi->range_end = -1;
	hi->header_range_start = hi->header_range_end = -1;
	hi->nobody = 0;
}

static struct handle_info *handle_add(CURL *h, struct curl_lib *lib)
{
	struct handle_info *hi = handle_find(h);

	if (!hi) {
		size_t i = open_table_insert(&handle_table,
					     open_table_key_pointer(h));

		if (i == OPEN_TABLE_NONE) {
			shim_warn_once(SHIM_WARN_CURL_TABLE,
				       "more than %u live curl handles; the "
				       "rest are not traced",
				       HANDLE_TABLE_SIZE);
			return NULL;
		}
		hi = &handles[i];
	}
	memset(hi, 0, sizeof(*hi));
	hi->lib = lib;
	handle_clear_request(hi);
	return hi;
}

static void handle_remove(CURL *h)
{
	size_t i = open_table_find(&handle_table, open_table_key_pointer(h));

	if (i != OPEN_TABLE_NONE)
		open_table_remove(&handle_table, i);
}

/* The library for a call on `h`: its creator's, else the caller's.
 * Keeps errno. */
static struct curl_lib *lib_for_handle(const CURL *h, const void *ret)
{
	struct handle_info *hi;
	struct curl_lib *lib = NULL;

	pthread_mutex_lock(&curl_lock);
	hi = handle_find(h);
	if (hi)
		lib = hi->lib;
	pthread_mutex_unlock(&curl_lock);
	return lib ? lib : lib_for_caller(ret);
}

/* Whether the shim tracks handles of `lib` (not an overflow copy). */
static int lib_tracked(const struct curl_lib *lib)
{
	return lib != &tls_overflow_lib;
}

/* ---- parsing what the program asked for ---- */

/* "a-b", "a-" or "-b" (first range only); -1 for a missing bound. */
static void parse_range(const char *s, int64_t *start, int64_t *end)
{
	char *stop;

	*start = *end = -1;
	if (!s)
		return;
	while (*s == ' ')
		s++;
	if (*s >= '0' && *s <= '9') {
		*start = strtoll(s, &stop, 10);
		s = stop;
	}
	if (*s != '-')
		return;
	s++;
	if (*s >= '0' && *s <= '9')
		*end = strtoll(s, NULL, 10);
}

static void note_headers(struct handle_info *hi, const struct curl_slist *l)
{
	hi->header_range_start = hi->header_range_end = -1;
	for (; l; l = l->next) {
		const char *v;

		if (!l->data || strncasecmp(l->data, "Range:", 6) != 0)
			continue;
		v = l->data + 6;
		while (*v == ' ')
			v++;
		if (strncasecmp(v, "bytes=", 6) == 0)
			v += 6;
		parse_range(v, &hi->header_range_start,
			    &hi->header_range_end);
	}
}

static void note_option(CURL *h, CURLoption opt, long lv, const void *pv)
{
	struct handle_info *hi;

	if (opt != CURLOPT_RANGE && opt != CURLOPT_HTTPHEADER &&
	    opt != CURLOPT_NOBODY && opt != CURLOPT_HTTPGET)
		return;
	pthread_mutex_lock(&curl_lock);
	hi = handle_find(h);
	if (hi) {
		if (opt == CURLOPT_RANGE)
			parse_range(pv, &hi->range_start, &hi->range_end);
		else if (opt == CURLOPT_HTTPHEADER)
			note_headers(hi, pv);
		else if (opt == CURLOPT_NOBODY)
			hi->nobody = lv != 0;
		else if (lv)
			hi->nobody = 0;
	}
	pthread_mutex_unlock(&curl_lock);
}

/* ---- recording ---- */

static uint64_t info_us_as_ns(struct curl_lib *lib, CURL *h, CURLINFO what)
{
	curl_off_t us = 0;

	if (lib->easy_getinfo(h, what, &us) != CURLE_OK || us < 0)
		return 0;
	return (uint64_t)us * 1000u;
}

static uint64_t diff_or_zero(uint64_t later, uint64_t earlier)
{
	return later > earlier ? later - earlier : 0;
}

/* Builds the event of a finished transfer (phase times made per-phase
 * from libcurl's cumulative ones) and records it. */
static void record_transfer(struct curl_lib *lib, CURL *h,
			    const struct handle_info *hi, uint64_t start_ns,
			    uint64_t duration_ns, int curl_code,
			    int own_op, uint32_t ticket)
{
	uint8_t buf[TRACE_EVENT_MAX_BYTES];
	struct h5snoop_ev_http_request ev;
	size_t len = sizeof(ev);
	char clean[2048], clean_method[32];
	char *url = NULL, *method = NULL;
	long status = 0;
	curl_off_t bytes = 0;
	uint64_t dns, connect, tls, ttfb;

	memset(&ev, 0, sizeof(ev));
	ev.h.id = H5SNOOP_EV_http_request;
	ev.h.timestamp = start_ns;
	ev.read_seq = hi->read_seq;
	ev.stack_id = hi->stack_id;
	ev.range_start = hi->range_start >= 0 ? hi->range_start
					      : hi->header_range_start;
	ev.range_end = hi->range_start >= 0 ? hi->range_end
					    : hi->header_range_end;
	if (lib->easy_getinfo) {
		lib->easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
		lib->easy_getinfo(h, CURLINFO_SIZE_DOWNLOAD_T, &bytes);
		lib->easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &url);
		if (lib->easy_getinfo(h, CURLINFO_EFFECTIVE_METHOD,
				      &method) != CURLE_OK)
			method = NULL;
		dns = info_us_as_ns(lib, h, CURLINFO_NAMELOOKUP_TIME_T);
		connect = info_us_as_ns(lib, h, CURLINFO_CONNECT_TIME_T);
		tls = info_us_as_ns(lib, h, CURLINFO_APPCONNECT_TIME_T);
		ttfb = info_us_as_ns(lib, h, CURLINFO_STARTTRANSFER_TIME_T);
		ev.dns_ns = dns;
		ev.connect_ns = diff_or_zero(connect, dns);
		ev.tls_ns = tls ? diff_or_zero(tls, connect) : 0;
		ev.ttfb_ns = diff_or_zero(ttfb, tls > connect ? tls : connect);
	}
	ev.http_status = (uint16_t)(status > 0 && status < 65536 ? status : 0);
	ev.bytes = bytes > 0 ? (uint64_t)bytes : 0;
	ev.curl_code = curl_code;
	ev.duration_ns = duration_ns;
	memcpy(buf, &ev, sizeof(ev));
	/* NOTE: a custom method (CURLOPT_CUSTOMREQUEST) is any text. */
	trace_put_string(buf, &len, sizeof(buf),
			 redact_string(clean_method, sizeof(clean_method),
				       method ? method
				       : hi->nobody ? "HEAD"
						    : "GET",
				       shim_config()->keep_query));
	trace_put_string(buf, &len, sizeof(buf),
			 redact_string(clean, sizeof(clean), url,
				       shim_config()->keep_query));
	if (own_op)
		trace_op_end(buf, len);
	else
		trace_op_end_shared(ticket, buf, len);
}

/* ---- the interposed functions ---- */

#define MISSING(sym, fail)                                                 \
	do {                                                               \
		shim_warn_once(SHIM_WARN_SYMBOL,                           \
			       "%s not found in any loaded libcurl", sym); \
		errno = ENOSYS;                                            \
		return fail;                                               \
	} while (0)

/*
 * The template wrapper, fully commented: find the real function of the
 * right libcurl, call it, and only then record.
 */
H5SNOOP_EXPORT CURL *curl_easy_init(void)
{
	/* The caller's object decides which libcurl it meant. */
	struct curl_lib *lib = lib_for_caller(__builtin_return_address(0));
	CURL *h;
	int saved_errno;

	if (!lib || !lib->easy_init)
		MISSING("curl_easy_init", NULL);
	/* Calls libcurl makes of itself are not the program's. */
	tls_in_curl++;
	h = lib->easy_init();
	tls_in_curl--;
	saved_errno = errno;
	if (h && tls_in_curl == 0 && lib_tracked(lib)) {
		pthread_mutex_lock(&curl_lock);
		handle_add(h, lib);
		pthread_mutex_unlock(&curl_lock);
	}
	errno = saved_errno;
	return h;
}

H5SNOOP_EXPORT CURL *curl_easy_duphandle(CURL *src)
{
	struct curl_lib *lib =
		lib_for_handle(src, __builtin_return_address(0));
	struct handle_info *from, *to;
	CURL *h;
	int saved_errno;

	if (!lib || !lib->easy_duphandle)
		MISSING("curl_easy_duphandle", NULL);
	tls_in_curl++;
	h = lib->easy_duphandle(src);
	tls_in_curl--;
	saved_errno = errno;
	if (h && tls_in_curl == 0 && lib_tracked(lib)) {
		pthread_mutex_lock(&curl_lock);
		to = handle_add(h, lib);
		from = handle_find(src);
		if (to && from) {
			to->range_start = from->range_start;
			to->range_end = from->range_end;
			to->header_range_start = from->header_range_start;
			to->header_range_end = from->header_range_end;
			to->nobody = from->nobody;
		}
		pthread_mutex_unlock(&curl_lock);
	}
	errno = saved_errno;
	return h;
}

/*
 * RATIONALE: the variadic argument is forwarded by its type class, which
 * libcurl encodes in the option number (CURLOPTTYPE_*): long, object
 * pointer, function pointer, curl_off_t, blob pointer.
 */
H5SNOOP_EXPORT CURLcode curl_easy_setopt(CURL *h, CURLoption opt, ...)
{
	struct curl_lib *lib = lib_for_handle(h, __builtin_return_address(0));
	CURLcode rc;
	va_list ap;
	int saved_errno;
	long lv = 0;
	void *pv = NULL;

	if (!lib || !lib->easy_setopt)
		MISSING("curl_easy_setopt", CURLE_FAILED_INIT);
	va_start(ap, opt);
	tls_in_curl++;
	if (opt < CURLOPTTYPE_OBJECTPOINT) {
		lv = va_arg(ap, long);
		rc = lib->easy_setopt(h, opt, lv);
	} else if (opt < CURLOPTTYPE_FUNCTIONPOINT) {
		pv = va_arg(ap, void *);
		rc = lib->easy_setopt(h, opt, pv);
	} else if (opt < CURLOPTTYPE_OFF_T) {
		void (*fv)(void) = va_arg(ap, void (*)(void));

		rc = lib->easy_setopt(h, opt, fv);
	} else if (opt < CURLOPTTYPE_BLOB) {
		curl_off_t ov = va_arg(ap, curl_off_t);

		rc = lib->easy_setopt(h, opt, ov);
	} else {
		pv = va_arg(ap, void *);
		rc = lib->easy_setopt(h, opt, pv);
	}
	tls_in_curl--;
	va_end(ap);
	saved_errno = errno;
	if (rc == CURLE_OK && tls_in_curl == 0)
		note_option(h, opt, lv, pv);
	errno = saved_errno;
	return rc;
}

H5SNOOP_EXPORT void curl_easy_reset(CURL *h)
{
	struct curl_lib *lib = lib_for_handle(h, __builtin_return_address(0));
	struct handle_info *hi;
	int saved_errno;

	if (!lib || !lib->easy_reset) {
		shim_warn_once(SHIM_WARN_SYMBOL,
			       "curl_easy_reset not found in any loaded "
			       "libcurl");
		return;
	}
	tls_in_curl++;
	lib->easy_reset(h);
	tls_in_curl--;
	saved_errno = errno;
	pthread_mutex_lock(&curl_lock);
	hi = handle_find(h);
	if (hi)
		handle_clear_request(hi);
	pthread_mutex_unlock(&curl_lock);
	errno = saved_errno;
}

H5SNOOP_EXPORT void curl_easy_cleanup(CURL *h)
{
	struct curl_lib *lib = lib_for_handle(h, __builtin_return_address(0));
	struct handle_info *hi;
	int saved_errno;
	uint32_t ticket = 0;

	if (!lib || !lib->easy_cleanup) {
		shim_warn_once(SHIM_WARN_SYMBOL,
			       "curl_easy_cleanup not found in any loaded "
			       "libcurl");
		return;
	}
	pthread_mutex_lock(&curl_lock);
	hi = handle_find(h);
	if (hi) {
		/* Cleaned up in flight: its operation closes, unrecorded. */
		ticket = hi->in_multi ? hi->op_ticket : 0;
		handle_remove(h);
	}
	pthread_mutex_unlock(&curl_lock);
	tls_in_curl++;
	lib->easy_cleanup(h);
	tls_in_curl--;
	saved_errno = errno;
	if (ticket)
		trace_op_end_shared(ticket, NULL, 0);
	errno = saved_errno;
}

H5SNOOP_EXPORT CURLcode curl_easy_perform(CURL *h)
{
	struct curl_lib *lib = lib_for_handle(h, __builtin_return_address(0));
	struct handle_info snapshot, *hi;
	CURLcode rc;
	uint64_t t0, duration;
	int saved_errno, traced;

	if (!lib || !lib->easy_perform)
		MISSING("curl_easy_perform", CURLE_FAILED_INIT);
	/* A copy past the table is passed on untraced, as its warning
	 * says: recorded, its transfers would lose their ranges. */
	traced = tls_in_curl == 0 && lib_tracked(lib) && http_layer_on();
	if (!traced) {
		tls_in_curl++;
		rc = lib->easy_perform(h);
		tls_in_curl--;
		return rc;
	}
	pthread_mutex_lock(&curl_lock);
	hi = handle_find(h);
	if (hi) {
		snapshot = *hi;
	} else {
		memset(&snapshot, 0, sizeof(snapshot));
		handle_clear_request(&snapshot);
	}
	pthread_mutex_unlock(&curl_lock);
	snapshot.read_seq = trace_read_in_flight();
	trace_op_begin();
	t0 = trace_now_ns();
	tls_in_curl++;
	rc = lib->easy_perform(h);
	tls_in_curl--;
	duration = trace_now_ns() - t0;
	saved_errno = errno;
	snapshot.stack_id = stack_capture(STACK_LAYER_HTTP, t0);
	record_transfer(lib, h, &snapshot, t0, duration, (int)rc, 1, 0);
	errno = saved_errno;
	return rc;
}

H5SNOOP_EXPORT CURLMcode curl_multi_add_handle(CURLM *m, CURL *h)
{
	struct curl_lib *lib = lib_for_handle(h, __builtin_return_address(0));
	struct handle_info *hi;
	CURLMcode rc;
	int saved_errno;

	if (!lib || !lib->multi_add_handle)
		MISSING("curl_multi_add_handle", CURLM_INTERNAL_ERROR);
	tls_in_curl++;
	rc = lib->multi_add_handle(m, h);
	tls_in_curl--;
	saved_errno = errno;
	if (rc == CURLM_OK && tls_in_curl == 0 && http_layer_on() &&
	    lib_tracked(lib)) {
		uint64_t start_ns = trace_now_ns();
		/* Unwound before the lock: other threads never wait on it. */
		uint32_t stack_id = stack_capture(STACK_LAYER_HTTP, start_ns);
		/* The transfer is an operation open on this thread until it
		 * is reported (on whichever thread sees it finish), so events
		 * inside it stay in order. */
		uint32_t ticket = trace_op_begin_shared();

		pthread_mutex_lock(&curl_lock);
		hi = handle_find(h);
		if (!hi)
			hi = handle_add(h, lib);
		if (hi) {
			hi->in_multi = 1;
			hi->op_ticket = ticket;
			hi->read_seq = trace_read_in_flight();
			hi->start_ns = start_ns;
			hi->stack_id = stack_id;
		}
		pthread_mutex_unlock(&curl_lock);
		if (!hi) {
			trace_op_end_shared(ticket, NULL, 0);
			trace_count_loss(H5SNOOP_LOSS_curl_table, 1);
		}
	}
	errno = saved_errno;
	return rc;
}

/* Takes the handle out of flight into *snapshot (whose op_ticket names
 * the operation to close).  Under curl_lock. */
static void finish_in_flight(struct handle_info *hi,
			     struct handle_info *snapshot)
{
	*snapshot = *hi;
	hi->in_multi = 0;
	hi->op_ticket = 0;
}

H5SNOOP_EXPORT CURLMsg *curl_multi_info_read(CURLM *m, int *queued)
{
	struct curl_lib *lib = lib_for_caller(__builtin_return_address(0));
	struct handle_info snapshot, *hi;
	CURLMsg *msg;
	int saved_errno, found = 0, unmatched = 0;

	if (!lib || !lib->multi_info_read)
		MISSING("curl_multi_info_read", NULL);
	tls_in_curl++;
	msg = lib->multi_info_read(m, queued);
	tls_in_curl--;
	if (!msg || msg->msg != CURLMSG_DONE || tls_in_curl != 0)
		return msg;
	saved_errno = errno;
	pthread_mutex_lock(&curl_lock);
	hi = handle_find(msg->easy_handle);
	if (hi && hi->in_multi) {
		finish_in_flight(hi, &snapshot);
		found = 1;
	} else if (!hi && lib_tracked(lib)) {
		unmatched = 1;
	}
	pthread_mutex_unlock(&curl_lock);
	if (found)
		record_transfer(snapshot.lib, msg->easy_handle, &snapshot,
				snapshot.start_ns,
				trace_now_ns() - snapshot.start_ns,
				(int)msg->data.result, 0, snapshot.op_ticket);
	else if (unmatched && http_layer_on())
		trace_count_loss(H5SNOOP_LOSS_unmatched_op, 1);
	errno = saved_errno;
	return msg;
}

/*
 * A handle removed before its completion message was read: the program
 * looked at the transfer some other way, or gave up on it.  It is still
 * recorded, with curl_code -1 ("result not seen").
 */
H5SNOOP_EXPORT CURLMcode curl_multi_remove_handle(CURLM *m, CURL *h)
{
	struct curl_lib *lib = lib_for_handle(h, __builtin_return_address(0));
	struct handle_info snapshot, *hi;
	CURLMcode rc;
	int found = 0, saved_errno;

	if (!lib || !lib->multi_remove_handle)
		MISSING("curl_multi_remove_handle", CURLM_INTERNAL_ERROR);
	if (tls_in_curl == 0) {
		pthread_mutex_lock(&curl_lock);
		hi = handle_find(h);
		if (hi && hi->in_multi) {
			finish_in_flight(hi, &snapshot);
			found = 1;
		}
		pthread_mutex_unlock(&curl_lock);
	}
	saved_errno = errno;
	if (found)
		record_transfer(snapshot.lib, h, &snapshot, snapshot.start_ns,
				trace_now_ns() - snapshot.start_ns, -1, 0,
				snapshot.op_ticket);
	errno = saved_errno;
	tls_in_curl++;
	rc = lib->multi_remove_handle(m, h);
	tls_in_curl--;
	return rc;
}

int interpose_curl_busy(void)
{
	return tls_in_curl > 0;
}

/* ---- fork ---- */

void interpose_curl_prepare_fork(void)
{
	pthread_mutex_lock(&curl_lock);
}

void interpose_curl_parent_after_fork(void)
{
	pthread_mutex_unlock(&curl_lock);
}

void interpose_curl_child_after_fork(void)
{
	pthread_mutex_init(&curl_lock, NULL);
}
