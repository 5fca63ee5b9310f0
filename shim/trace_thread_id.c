/*
 * trace_thread_id.c - the cache of trace_thread_id (see trace_thread_id.h).
 *
 * Must never: call anything but the gettid system call (it may run in a
 * fork child's handler, where only async-signal-safe calls are allowed).
 */
#include "trace_thread_id.h"

#include <sys/syscall.h>
#include <unistd.h>

uint32_t trace_thread_id_slow(void)
{
	trace_hot_tls.tid = (uint32_t)syscall(SYS_gettid);
	return trace_hot_tls.tid;
}
