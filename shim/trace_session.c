/*
 * trace_session.c - trace directory, metadata and per-thread streams (see
 * trace_session.h).
 *
 * Must never: call malloc on the event path (thread state comes from
 * mmap), hold the session lock while recording an event, change errno,
 * follow a symlink into a file it creates, keep a file descriptor (the
 * trace directory is reached by its path, checked by device and inode, at
 * each use: the host may close any fd and reuse its number), or be
 * cancelled while it holds a lock.
 */
#include "trace_session.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "trace_metadata.h"
#include "h5snoop/trace_schema.h"
#include "redact.h"
#include "shim_config.h"
#include "shim_log.h"
#include "shim_critical.h"
#include "trace_stream.h"


/* The largest metadata text (its share of H5SNOOP_MAX_SIZE). */
#define TRACE_METADATA_MAX_BYTES 16384u

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
	struct thread_state *next; /* session.threads list */
	uint32_t held_count;
	uint32_t held_bytes;
	struct held_event held[HELD_MAX_EVENTS];
	uint8_t held_data[HELD_MAX_BYTES];
};

enum session_status { SESSION_IDLE, SESSION_ACTIVE, SESSION_DISABLED };

static struct {
	pthread_mutex_t lock;
	atomic_int status;
	atomic_uint generation; /* bumped in each fork child */
	dev_t dir_dev;          /* identity of the trace directory */
	ino_t dir_ino;
	pthread_key_t thread_key;
	int key_ok;
	struct thread_state *threads;
	struct h5snoop_trace_env env;
	char hostname[256];
	char cmdline[4096];
	char hdf5_version[64];
	char curl_version[256];
	char dir[PATH_MAX];
	uint64_t lost_by_gone[H5SNOOP_LOSS_COUNT]; /* of ended threads */
} session = {.lock = PTHREAD_MUTEX_INITIALIZER};

TRACE_TLS int trace_tls_depth;
TRACE_TLS uint32_t trace_tls_read_seq;
TRACE_TLS uint32_t trace_tls_read_in_flight;
TRACE_TLS struct trace_stream *trace_tls_direct;
TRACE_TLS uint32_t trace_tls_tid;
int trace_reads_process_wide;
unsigned trace_reads_open;
uint64_t trace_read_solo;
int trace_session_disabled;

/* Mailboxes of threads with shared operations open: a thread that sees
 * another's operation end adds to its `closed`; the owner takes it. */
#define MAILBOX_COUNT 1024u

struct mailbox {
	_Atomic uint32_t tid;    /* 0: free */
	_Atomic uint32_t closed; /* operations closed by other threads */
};

static struct mailbox mailboxes[MAILBOX_COUNT];

static TRACE_TLS struct thread_state *tls_state;
static TRACE_TLS uint32_t tls_mailbox;    /* index + 1, 0: none */
static TRACE_TLS uint32_t tls_shared_open; /* shared ops open here */
static TRACE_TLS unsigned tls_generation;
static TRACE_TLS int tls_in_emit;

uint32_t trace_thread_id_slow(void)
{
	trace_tls_tid = (uint32_t)syscall(SYS_gettid);
	return trace_tls_tid;
}

static uint32_t current_tid(void)
{
	return (uint32_t)syscall(SYS_gettid);
}

/* ---- trace directory and metadata (under session.lock) ---- */

/* Expands %p, %h, %r and %% of H5SNOOP_OUTPUT. */
static int expand_root(char *dst, size_t cap, const char *tmpl)
{
	size_t len = 0;

	for (const char *p = tmpl; *p; p++) {
		char piece[300];
		const char *add = piece;

		if (*p != '%' || p[1] == '\0') {
			piece[0] = *p;
			piece[1] = '\0';
		} else {
			p++;
			if (*p == 'p')
				snprintf(piece, sizeof(piece), "%ld",
					 (long)getpid());
			else if (*p == 'h')
				add = session.hostname;
			else if (*p == 'r')
				snprintf(piece, sizeof(piece), "%ld",
					 shim_config()->rank < 0
						 ? 0L
						 : shim_config()->rank);
			else
				snprintf(piece, sizeof(piece), "%%%c", *p);
			if (*p == '%')
				strcpy(piece, "%");
		}
		if (len + strlen(add) >= cap)
			return -1;
		memcpy(dst + len, add, strlen(add));
		len += strlen(add);
	}
	dst[len] = '\0';
	return 0;
}

/* mkdir -p with mode 0700 for what it creates. */
static int make_dirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* Keeps a label safe as part of a directory name. */
static void sanitize_name(char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
		      *s == '.'))
			*s = '_';
}

/* Creates ROOT/<host>-<pid>[-<label>] (adding .N if taken), notes its
 * path and identity in the session; returns 0 or -1 with errno set. */
static int create_trace_dir(const char *root)
{
	char name[512];
	struct stat st;
	int rootfd, fd = -1;

	rootfd = trace_file_open_high(root, O_RDONLY | O_DIRECTORY, 0);
	if (rootfd < 0)
		return -1;
	for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
		int n = snprintf(name, sizeof(name), "%s-%ld%s%s",
				 session.hostname, (long)getpid(),
				 shim_config()->label[0] ? "-" : "",
				 shim_config()->label);

		if (attempt > 0)
			snprintf(name + n, sizeof(name) - (size_t)n, ".%d",
				 attempt);
		sanitize_name(name);
		if (mkdirat(rootfd, name, 0700) != 0) {
			if (errno == EEXIST)
				continue;
			break;
		}
		fd = openat(rootfd, name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			break;
		if (fstat(fd, &st) != 0 ||
		    strlen(root) + strlen(name) + 2 > sizeof(session.dir)) {
			close(fd);
			fd = -1;
			errno = ENAMETOOLONG;
			break;
		}
		strcpy(session.dir, root);
		strcat(session.dir, "/");
		strcat(session.dir, name);
		session.dir_dev = st.st_dev;
		session.dir_ino = st.st_ino;
	}
	close(rootfd);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* Opens the trace directory by its path for one operation, if it is still
 * the directory we created; -1 with errno set otherwise.  The caller
 * closes it before returning to the host. */
static int open_trace_dir(void)
{
	struct stat st;
	int fd = trace_file_open_high(session.dir,
				      O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || st.st_dev != session.dir_dev ||
	    st.st_ino != session.dir_ino) {
		close(fd);
		errno = ESTALE;
		return -1;
	}
	return fd;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* RATIONALE: written to a temporary name and renamed, so a reader never
 * sees half a metadata file even when versions are learned late. */
static int write_metadata(void)
{
	static char text[TRACE_METADATA_MAX_BYTES];
	size_t len = trace_metadata_format(text, sizeof(text), &session.env);
	int dirfd, fd, rc = -1, err;

	if (len >= sizeof(text)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	dirfd = open_trace_dir();
	if (dirfd < 0)
		return -1;
	unlinkat(dirfd, "metadata.tmp", 0);
	fd = openat(dirfd, "metadata.tmp",
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    0600);
	if (fd >= 0) {
		rc = write_all(fd, text, len);
		close(fd);
	}
	if (rc == 0)
		rc = renameat(dirfd, "metadata.tmp", dirfd,
			      H5SNOOP_METADATA_FILE);
	err = errno;
	close(dirfd);
	errno = err;
	return rc;
}

/* /proc/self/cmdline, redacted (redact_cmdline): only whole arguments
 * are read, so none is shown cut before its secret.  Under session.lock
 * (the static buffer). */
static void read_cmdline(void)
{
	static char raw[16384];
	size_t len = 0;
	int fd = trace_file_open_high("/proc/self/cmdline", O_RDONLY, 0);

	session.cmdline[0] = '\0';
	if (fd < 0)
		return;
	while (len < sizeof(raw)) {
		ssize_t n = read(fd, raw + len, sizeof(raw) - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	redact_cmdline(session.cmdline, sizeof(session.cmdline), raw, len,
		       shim_config()->keep_query);
}

static void fill_env(void)
{
	struct timespec mono, real;
	int64_t offset_ns;
	char host[sizeof(session.hostname)];

	if (gethostname(host, sizeof(host)) != 0)
		strcpy(host, "unknown");
	host[sizeof(host) - 1] = '\0';
	redact_string(session.hostname, sizeof(session.hostname), host,
		      shim_config()->keep_query);
	read_cmdline();
	if (getrandom(session.env.uuid, sizeof(session.env.uuid), 0) !=
	    (ssize_t)sizeof(session.env.uuid)) {
		uint64_t seed = trace_now_ns() ^ ((uint64_t)getpid() << 32);

		memcpy(session.env.uuid, &seed, sizeof(seed));
	}
	session.env.uuid[6] = (uint8_t)((session.env.uuid[6] & 0x0f) | 0x40);
	session.env.uuid[8] = (uint8_t)((session.env.uuid[8] & 0x3f) | 0x80);
	session.env.hostname = session.hostname;
	session.env.cmdline = session.cmdline;
	session.env.label = shim_config()->label;
	session.env.hdf5_version = session.hdf5_version;
	session.env.curl_version = session.curl_version;
	session.env.pid = (long)getpid();
	session.env.ppid = (long)getppid();
	session.env.rank = shim_config()->rank;
	/* RATIONALE: readers merge processes by timestamp + offset, so a
	 * preemption between the two readings would shift this whole
	 * trace against the others: the reading of REALTIME taken between
	 * the two closest MONOTONIC ones of a few tries is kept. */
	offset_ns = 0;
	for (int i = 0, best = -1; i < 5; i++) {
		struct timespec after;
		int64_t window;

		clock_gettime(CLOCK_MONOTONIC, &mono);
		clock_gettime(CLOCK_REALTIME, &real);
		clock_gettime(CLOCK_MONOTONIC, &after);
		window = ((int64_t)after.tv_sec - (int64_t)mono.tv_sec) *
				 1000000000 +
			 ((int64_t)after.tv_nsec - (int64_t)mono.tv_nsec);
		if (best >= 0 && window >= best)
			continue;
		best = (int)(window < INT32_MAX ? window : INT32_MAX);
		offset_ns = ((int64_t)real.tv_sec - (int64_t)mono.tv_sec) *
				    1000000000 +
			    ((int64_t)real.tv_nsec - (int64_t)mono.tv_nsec) -
			    window / 2;
	}
	session.env.clock_offset_s = offset_ns / 1000000000;
	session.env.clock_offset_ns = offset_ns % 1000000000;
	if (session.env.clock_offset_ns < 0) {
		session.env.clock_offset_ns += 1000000000;
		session.env.clock_offset_s -= 1;
	}
}

static void session_disable(void)
{
	atomic_store(&session.status, SESSION_DISABLED);
	__atomic_store_n(&trace_session_disabled, 1, __ATOMIC_RELAXED);
}

static void disable_tracing(const char *what, const char *path, int err)
{
	session_disable();
	shim_warn_once(SHIM_WARN_OUTPUT,
		       "tracing disabled: cannot %s '%s': %s", what, path,
		       strerror(err));
}

/* H5SNOOP_MAX_SIZE for this process's trace directory: the metadata's
 * share (its largest size, as it may be rewritten) comes off first. */
static void set_bound(void)
{
	unsigned long long bound = shim_config()->max_size_bytes;

	if (!bound)
		return;
	trace_stream_set_bound(bound > TRACE_METADATA_MAX_BYTES
				       ? bound - TRACE_METADATA_MAX_BYTES
				       : 1);
}

static void start_session_locked(void)
{
	char root[PATH_MAX];

	fill_env();
	if (shim_config()->output_too_long ||
	    expand_root(root, sizeof(root), shim_config()->output_root) !=
		    0) {
		/* NOTE: not the path itself: it would fill the line. */
		session_disable();
		shim_warn_once(SHIM_WARN_OUTPUT,
			       "tracing disabled: H5SNOOP_OUTPUT is longer "
			       "than a path can be (%d bytes, once made "
			       "absolute and %%p, %%h, %%r expanded)",
			       PATH_MAX - 1);
		return;
	}
	if (make_dirs(root) != 0) {
		disable_tracing("create H5SNOOP_OUTPUT", root, errno);
		return;
	}
	if (create_trace_dir(root) != 0) {
		disable_tracing("create a trace directory in", root, errno);
		return;
	}
	if (write_metadata() != 0) {
		disable_tracing("write the trace metadata in", session.dir,
				errno);
		return;
	}
	set_bound();
	shim_debug("tracing to %s", session.dir);
	atomic_store(&session.status, SESSION_ACTIVE);
}

static int ensure_session(void)
{
	int status = atomic_load(&session.status), cancel_state;

	if (status != SESSION_IDLE)
		return status == SESSION_ACTIVE;
	shim_enter_critical(&cancel_state);
	pthread_mutex_lock(&session.lock);
	if (atomic_load(&session.status) == SESSION_IDLE)
		start_session_locked();
	status = atomic_load(&session.status);
	pthread_mutex_unlock(&session.lock);
	shim_leave_critical(cancel_state);
	return status == SESSION_ACTIVE;
}


/* ---- per-thread state ---- */

static void flush_held(struct thread_state *st);
static void collect_closed_elsewhere(void);

static void thread_state_free(void *arg)
{
	struct thread_state *st = arg, **pp;
	int cancel_state;

	shim_enter_critical(&cancel_state);
	pthread_mutex_lock(&session.lock);
	for (pp = &session.threads; *pp; pp = &(*pp)->next)
		if (*pp == st) {
			*pp = st->next;
			break;
		}
	/* Its losses stay counted for the exit summary. */
	for (int i = 0; i < H5SNOOP_LOSS_COUNT; i++)
		session.lost_by_gone[i] += st->stream.lost[i];
	pthread_mutex_unlock(&session.lock);
	shim_leave_critical(cancel_state);
	/* Whatever this thread still holds goes out before it ends (a
	 * transfer it added may have been closed elsewhere). */
	if (tls_state == st && st->held_count && !tls_in_emit) {
		if (tls_shared_open)
			collect_closed_elsewhere();
		tls_in_emit = 1;
		flush_held(st);
		tls_in_emit = 0;
	}
	if (tls_mailbox && tls_shared_open == 0) {
		atomic_store(&mailboxes[tls_mailbox - 1].closed, 0u);
		atomic_store(&mailboxes[tls_mailbox - 1].tid, 0u);
		tls_mailbox = 0;
	}
	if (tls_state == st) {
		tls_state = NULL;
		trace_tls_direct = NULL;
	}
	trace_stream_trim(&st->stream);
	trace_stream_close(&st->stream);
	munmap(st, sizeof(*st));
}

static struct thread_state *thread_state_new(void)
{
	struct thread_state *st;
	char name[64];
	uint32_t tid = current_tid();
	int rc = -1, cancel_state;

	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (st == MAP_FAILED)
		return NULL;
	shim_enter_critical(&cancel_state);
	pthread_mutex_lock(&session.lock);
	for (int attempt = 0; attempt < 100 && rc != 0; attempt++) {
		if (attempt == 0)
			snprintf(name, sizeof(name), "%s%u",
				 H5SNOOP_STREAM_PREFIX, tid);
		else
			snprintf(name, sizeof(name), "%s%u.%d",
				 H5SNOOP_STREAM_PREFIX, tid, attempt);
		rc = trace_stream_open(&st->stream, session.dir, name,
				       session.env.uuid, tid,
				       TRACE_STREAM_PACKET_BYTES_DEFAULT);
		if (rc != 0 && errno != EEXIST)
			break;
	}
	if (rc != 0) {
		int err = errno;

		pthread_mutex_unlock(&session.lock);
		shim_leave_critical(cancel_state);
		munmap(st, sizeof(*st));
		disable_tracing("create a stream file in", session.dir, err);
		return NULL;
	}
	st->next = session.threads;
	session.threads = st;
	pthread_mutex_unlock(&session.lock);
	shim_leave_critical(cancel_state);
	if (session.key_ok)
		pthread_setspecific(session.thread_key, st);
	return st;
}

/* First event of a thread (or of a fork child): its state, or NULL. */
static __attribute__((noinline)) struct thread_state *
thread_state_slow(unsigned generation)
{
	tls_state = NULL;
	trace_tls_direct = NULL;
	if (!ensure_session())
		return NULL;
	tls_state = thread_state_new();
	tls_generation = generation;
	trace_tls_direct = tls_state ? &tls_state->stream : NULL;
	return tls_state;
}

/* NOTE: inlined into record (the hot path) whatever else calls it. */
static inline __attribute__((always_inline)) struct thread_state *
thread_state(void)
{
	unsigned generation = atomic_load(&session.generation);

	if (__builtin_expect(tls_state && tls_generation == generation, 1))
		return tls_state;
	return thread_state_slow(generation);
}

/* ---- recording ---- */

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
	trace_tls_direct = &st->stream;
}

static void hold_event(struct thread_state *st, const uint8_t *ev,
		       size_t len, uint64_t ts)
{
	if (st->held_count == HELD_MAX_EVENTS ||
	    st->held_bytes + len > HELD_MAX_BYTES)
		flush_held(st);
	trace_tls_direct = NULL;
	memcpy(st->held_data + st->held_bytes, ev, len);
	st->held[st->held_count].ts = ts;
	st->held[st->held_count].offset = st->held_bytes;
	st->held[st->held_count].len = (uint32_t)len;
	st->held_count++;
	st->held_bytes += (uint32_t)len;
}

/* Closes this thread's shared operations that other threads saw end. */
static void collect_closed_elsewhere(void)
{
	uint32_t n = atomic_exchange(&mailboxes[tls_mailbox - 1].closed, 0u);

	if (n > tls_shared_open)
		n = tls_shared_open;
	tls_shared_open -= n;
	trace_tls_depth -= (int)n < trace_tls_depth ? (int)n
						    : trace_tls_depth;
}

/* Writes `ev` now, or holds it while an operation is open on this thread;
 * with no operation open, held events follow it out. */
static void record(const void *ev, size_t len)
{
	struct thread_state *st;
	uint64_t ts;

	if (tls_in_emit)
		return;
	tls_in_emit = 1;
	if (__builtin_expect(tls_shared_open != 0, 0))
		collect_closed_elsewhere();
	st = thread_state();
	if (!st)
		goto done;
	if (!ev) {
		if (trace_tls_depth == 0 && st->held_count)
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
	if (trace_tls_depth > 0 || st->held_count) {
		hold_event(st, ev, len, ts);
		if (trace_tls_depth == 0)
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

	record(ev, len);
	errno = saved_errno;
}


uint32_t trace_op_begin_shared(void)
{
	uint32_t tid = current_tid(), start = tid % MAILBOX_COUNT;

	for (uint32_t n = 0; !tls_mailbox && n < MAILBOX_COUNT; n++) {
		uint32_t i = (start + n) % MAILBOX_COUNT, free_tid = 0;

		if (atomic_compare_exchange_strong(&mailboxes[i].tid,
						   &free_tid, tid))
			tls_mailbox = i + 1;
	}
	if (!tls_mailbox) {
		shim_warn_once(SHIM_WARN_CURL_OPS,
			       "more than %u threads with transfers in "
			       "flight; later ones may be out of order",
			       MAILBOX_COUNT);
		return 0;
	}
	tls_shared_open++;
	trace_op_begin();
	return tls_mailbox;
}

void trace_op_end_shared(uint32_t ticket, const void *ev, size_t len)
{
	int saved_errno = errno;

	if (ticket == 0) {
		if (ev)
			record(ev, len);
	} else if (ticket == tls_mailbox && tls_shared_open > 0) {
		tls_shared_open--;
		trace_op_end(ev, len);
	} else {
		if (ev)
			record(ev, len);
		if (ticket <= MAILBOX_COUNT)
			atomic_fetch_add(&mailboxes[ticket - 1].closed, 1u);
	}
	errno = saved_errno;
}

void trace_op_end(const void *ev, size_t len)
{
	int saved_errno = errno;

	/* NOTE: operations closed by other threads are collected in
	 * record(), before it decides whether to hold. */
	if (trace_tls_depth > 0)
		trace_tls_depth--;
	/* NOTE: with no event of its own, an operation still releases what
	 * it held, but never creates a trace just for that. */
	if (ev || (tls_state && tls_state->held_count))
		record(ev, len);
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


int trace_session_active(void)
{
	return atomic_load(&session.status) == SESSION_ACTIVE;
}

/* ---- versions learned late ---- */

static void set_version(char *dst, size_t cap, const char *version)
{
	int cancel_state;

	if (!version || dst[0] != '\0')
		return;
	shim_enter_critical(&cancel_state);
	pthread_mutex_lock(&session.lock);
	if (dst[0] == '\0') {
		redact_string(dst, cap, version, shim_config()->keep_query);
		if (atomic_load(&session.status) == SESSION_ACTIVE &&
		    write_metadata() != 0)
			shim_warn_once(SHIM_WARN_OUTPUT,
				       "cannot update the trace metadata in "
				       "'%s': %s",
				       session.dir, strerror(errno));
	}
	pthread_mutex_unlock(&session.lock);
	shim_leave_critical(cancel_state);
}

void trace_session_set_hdf5_version(const char *version)
{
	set_version(session.hdf5_version, sizeof(session.hdf5_version),
		    version);
}

void trace_session_set_curl_version(const char *version)
{
	set_version(session.curl_version, sizeof(session.curl_version),
		    version);
}

/* ---- lifecycle ---- */

void trace_session_init(void)
{
	if (pthread_key_create(&session.thread_key, thread_state_free) == 0)
		session.key_ok = 1;
}

void trace_session_prepare_fork(void)
{
	pthread_mutex_lock(&session.lock);
}

void trace_session_parent_after_fork(void)
{
	pthread_mutex_unlock(&session.lock);
}

/*
 * RATIONALE: the child must never write into the parent's packets, which
 * it shares through MAP_SHARED; it unmaps them, forgets the parent's
 * directory and starts its own at its first event.  Only async-signal-safe
 * calls here.
 */
void trace_session_child_after_fork(void)
{
	struct thread_state *st = session.threads;

	pthread_mutex_init(&session.lock, NULL);
	session.threads = NULL;
	while (st) {
		struct thread_state *next = st->next;

		trace_stream_close(&st->stream);
		munmap(st, sizeof(*st));
		st = next;
	}
	trace_stream_child_after_fork();
	memset(session.lost_by_gone, 0, sizeof(session.lost_by_gone));
	tls_state = NULL;
	trace_tls_direct = NULL;
	trace_tls_depth = 0;
	tls_in_emit = 0;
	/* Only this thread came along: a new id, and only its read (if
	 * any; a nested one is forgotten) is in flight. */
	trace_tls_tid = 0;
	trace_reads_open = trace_tls_read_in_flight != 0;
	trace_read_solo = trace_tls_read_in_flight
				  ? (uint64_t)trace_thread_id() << 32 |
					    trace_tls_read_in_flight
				  : 0;
	memset(mailboxes, 0, sizeof(mailboxes));
	tls_mailbox = 0;
	tls_shared_open = 0;
	if (session.key_ok)
		pthread_setspecific(session.thread_key, NULL);
	atomic_fetch_add(&session.generation, 1u);
	if (atomic_load(&session.status) == SESSION_ACTIVE)
		atomic_store(&session.status, SESSION_IDLE);
}

void trace_session_at_exit(void)
{
	uint64_t lost[H5SNOOP_LOSS_COUNT];
	char what[512];
	size_t len = 0;

	/* What the exiting thread still holds (a transfer it added and
	 * another thread finished, an operation left open) is written. */
	if (tls_state && tls_state->held_count && !tls_in_emit &&
	    tls_generation == atomic_load(&session.generation)) {
		if (tls_shared_open)
			collect_closed_elsewhere();
		tls_in_emit = 1;
		flush_held(tls_state);
		tls_in_emit = 0;
	}
	pthread_mutex_lock(&session.lock);
	memcpy(lost, session.lost_by_gone, sizeof(lost));
	for (struct thread_state *st = session.threads; st; st = st->next)
		for (int i = 0; i < H5SNOOP_LOSS_COUNT; i++)
			lost[i] += st->stream.lost[i];
	/* NOTE: only the exiting thread's own stream: other threads may
	 * still be writing theirs while the process exits. */
	if (tls_state && tls_generation == atomic_load(&session.generation))
		trace_stream_trim(&tls_state->stream);
	pthread_mutex_unlock(&session.lock);
	what[0] = '\0';
	for (int i = 0; i < H5SNOOP_LOSS_COUNT; i++) {
		int n;

		if (!lost[i] || len >= sizeof(what))
			continue;
		n = snprintf(what + len, sizeof(what) - len, "%s%s %lu",
			     len ? ", " : "", h5snoop_loss_names[i],
			     (unsigned long)lost[i]);
		if (n > 0)
			len += (size_t)n;
	}
	if (len > 0)
		shim_warn_once(SHIM_WARN_DISCARDED,
			       "the trace in '%s' is incomplete: lost %s "
			       "(counted in the trace; h5snoop report shows "
			       "them)",
			       session.dir, what);
}
