/*
 * trace_session.c - the session's state machine: started at the first
 * event (trace directory, metadata), disabled for good by a failure, its
 * metadata rewritten when the HDF5 or libcurl version is learned late,
 * and its summary of losses at exit.  See trace_session_internal.h.
 *
 * Must never: hold the session lock while recording an event, change
 * errno, print more than one warning per cause, or be cancelled while it
 * holds the lock.
 */
#include "trace_session.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "h5snoop/trace_schema.h"
#include "make_dirs.h"
#include "shim_config.h"
#include "shim_critical.h"
#include "shim_log.h"
#include "trace_dir.h"
#include "trace_env.h"
#include "trace_metadata.h"
#include "trace_session_internal.h"
#include "trace_stream.h"

/* The largest metadata text (its share of H5SNOOP_MAX_SIZE). */
#define TRACE_METADATA_MAX_BYTES 16384u

enum session_status { SESSION_IDLE, SESSION_ACTIVE, SESSION_DISABLED };

pthread_mutex_t trace_session_mutex = PTHREAD_MUTEX_INITIALIZER;

static struct {
	atomic_int status;
	struct trace_dir dir;
	struct trace_env env;
} session;

void trace_session_lock(int *cancel_state)
{
	shim_enter_critical(cancel_state);
	pthread_mutex_lock(&trace_session_mutex);
}

void trace_session_unlock(int cancel_state)
{
	pthread_mutex_unlock(&trace_session_mutex);
	shim_leave_critical(cancel_state);
}

const char *trace_session_dir(void)
{
	return session.dir.path;
}

const uint8_t *trace_session_uuid(void)
{
	return session.env.env.uuid;
}

int trace_session_active(void)
{
	return atomic_load(&session.status) == SESSION_ACTIVE;
}

static void session_disable(void)
{
	atomic_store(&session.status, SESSION_DISABLED);
	__atomic_store_n(&trace_hot.session_disabled, 1, __ATOMIC_RELAXED);
}

void trace_session_fail(const char *what, const char *path, int err)
{
	session_disable();
	shim_warn_once(SHIM_WARN_OUTPUT,
		       "tracing disabled: cannot %s '%s': %s", what, path,
		       strerror(err));
}

/* The metadata text of session.env into the directory.  Under the lock
 * (the static buffer). */
static int write_metadata(void)
{
	static char text[TRACE_METADATA_MAX_BYTES];
	size_t len = trace_metadata_format(text, sizeof(text),
					   &session.env.env);

	if (len >= sizeof(text)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return trace_dir_write_metadata(&session.dir, text, len);
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
				       : 1,
			       shim_config()->ring);
}

/* IDLE -> ACTIVE, or DISABLED with one warning.  Under the lock. */
static void start_session_locked(void)
{
	char root[PATH_MAX];

	trace_env_fill(&session.env);
	if (shim_config()->output_too_long ||
	    trace_dir_expand_root(root, sizeof(root),
				  shim_config()->output_root,
				  session.env.hostname) != 0) {
		/* NOTE: not the path itself: it would fill the line. */
		session_disable();
		shim_warn_once(SHIM_WARN_OUTPUT,
			       "tracing disabled: H5SNOOP_OUTPUT is longer "
			       "than a path can be (%d bytes, once made "
			       "absolute and %%p, %%h, %%r expanded)",
			       PATH_MAX - 1);
		return;
	}
	if (make_dirs(root, 0700) != 0) {
		trace_session_fail("create H5SNOOP_OUTPUT", root, errno);
		return;
	}
	if (trace_dir_create(&session.dir, root, session.env.hostname) !=
	    0) {
		trace_session_fail("create a trace directory in", root,
				   errno);
		return;
	}
	if (write_metadata() != 0) {
		trace_session_fail("write the trace metadata in",
				   session.dir.path, errno);
		return;
	}
	set_bound();
	shim_debug("tracing to %s", session.dir.path);
	atomic_store(&session.status, SESSION_ACTIVE);
}

int trace_session_ensure(void)
{
	int status = atomic_load(&session.status), cancel_state;

	if (status != SESSION_IDLE)
		return status == SESSION_ACTIVE;
	trace_session_lock(&cancel_state);
	if (atomic_load(&session.status) == SESSION_IDLE)
		start_session_locked();
	status = atomic_load(&session.status);
	trace_session_unlock(cancel_state);
	return status == SESSION_ACTIVE;
}

/* ---- versions learned late ---- */

static void set_version(char *dst, size_t cap, const char *version)
{
	int cancel_state;

	if (!version || dst[0] != '\0')
		return;
	trace_session_lock(&cancel_state);
	if (dst[0] == '\0') {
		trace_env_set_version(dst, cap, version);
		if (atomic_load(&session.status) == SESSION_ACTIVE &&
		    write_metadata() != 0)
			shim_warn_once(SHIM_WARN_OUTPUT,
				       "cannot update the trace metadata in "
				       "'%s': %s",
				       session.dir.path, strerror(errno));
	}
	trace_session_unlock(cancel_state);
}

void trace_session_set_hdf5_version(const char *version)
{
	set_version(session.env.hdf5_version,
		    sizeof(session.env.hdf5_version), version);
}

void trace_session_set_curl_version(const char *version)
{
	set_version(session.env.curl_version,
		    sizeof(session.env.curl_version), version);
}

/* ---- lifecycle ---- */

void trace_session_init(void)
{
	trace_threads_init();
}

void trace_session_child_after_fork_reset(void)
{
	pthread_mutex_init(&trace_session_mutex, NULL);
	if (atomic_load(&session.status) == SESSION_ACTIVE)
		atomic_store(&session.status, SESSION_IDLE);
}

void trace_session_at_exit(void)
{
	uint64_t lost[H5SNOOP_LOSS_COUNT];
	char what[512];
	size_t len = 0;

	trace_threads_at_exit(lost);
	what[0] = '\0';
	for (int i = 0; i < H5SNOOP_LOSS_COUNT; i++) {
		int n;

		/* NOTE: a ring's overwritten events are what was asked
		 * for (H5SNOOP_MODE=ring), not a failure to warn of. */
		if (!lost[i] || len >= sizeof(what) ||
		    i == H5SNOOP_LOSS_ring_overwritten)
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
			       session.dir.path, what);
}
