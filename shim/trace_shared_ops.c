/*
 * trace_shared_ops.c - operations that end on another thread (see
 * trace_shared_ops.h and trace_op_begin_shared in trace_session.h).
 *
 * Must never: block or take a lock (the mailboxes are atomics), or
 * change errno.
 */
#include "trace_shared_ops.h"

#include <errno.h>
#include <stdatomic.h>
#include <string.h>

#include "shim_log.h"
#include "trace_session.h"
#include "trace_session_internal.h"
#include "trace_thread.h"
#include "trace_thread_id.h"

/* Threads that may have shared operations open at once; past that, an
 * operation is written unheld. */
#define MAILBOX_COUNT 1024u

struct mailbox {
	_Atomic uint32_t tid;    /* 0: free */
	_Atomic uint32_t closed; /* operations closed by other threads */
};

static struct mailbox mailboxes[MAILBOX_COUNT];

static TRACE_TLS uint32_t tls_mailbox; /* index + 1, 0: none */
TRACE_TLS uint32_t trace_tls_shared_open;

void trace_shared_ops_collect(void)
{
	uint32_t n = atomic_exchange(&mailboxes[tls_mailbox - 1].closed, 0u);

	if (n > trace_tls_shared_open)
		n = trace_tls_shared_open;
	trace_tls_shared_open -= n;
	trace_hot_tls.depth -= (int)n < trace_hot_tls.depth ? (int)n
						    : trace_hot_tls.depth;
}

void trace_shared_ops_thread_exit(void)
{
	if (tls_mailbox && trace_tls_shared_open == 0) {
		atomic_store(&mailboxes[tls_mailbox - 1].closed, 0u);
		atomic_store(&mailboxes[tls_mailbox - 1].tid, 0u);
		tls_mailbox = 0;
	}
}

uint32_t trace_op_begin_shared(void)
{
	uint32_t tid = trace_thread_id(), start = tid % MAILBOX_COUNT;

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
	trace_tls_shared_open++;
	trace_op_begin();
	return tls_mailbox;
}

void trace_op_end_shared(uint32_t ticket, const void *ev, size_t len)
{
	int saved_errno = errno;

	if (ticket == 0) {
		if (ev)
			trace_thread_record(ev, len);
	} else if (ticket == tls_mailbox && trace_tls_shared_open > 0) {
		trace_tls_shared_open--;
		trace_op_end(ev, len);
	} else {
		if (ev)
			trace_thread_record(ev, len);
		if (ticket <= MAILBOX_COUNT)
			atomic_fetch_add(&mailboxes[ticket - 1].closed, 1u);
	}
	errno = saved_errno;
}

void trace_shared_ops_child_after_fork(void)
{
	memset(mailboxes, 0, sizeof(mailboxes));
	tls_mailbox = 0;
	trace_tls_shared_open = 0;
}
