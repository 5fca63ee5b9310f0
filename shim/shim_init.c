/*
 * shim_init.c - start-up, fork handlers and exit of the shim.
 *
 * Must never: fail the host's start-up or exit, or print unless something
 * is wrong (shim_log decides).
 */
#include <pthread.h>

#include "interpose_curl.h"
#include "interpose_net.h"
#include "interpose_openssl.h"
#include "net_conn.h"
#include "shim_config.h"
#include "stack_capture.h"
#include "trace_clock.h"
#include "trace_restate.h"
#include "trace_session.h"

static void prepare_fork(void)
{
	interpose_curl_prepare_fork();
	net_conn_prepare_fork();
	trace_session_prepare_fork();
	trace_restate_prepare_fork();
}

static void parent_after_fork(void)
{
	trace_restate_parent_after_fork();
	trace_session_parent_after_fork();
	net_conn_parent_after_fork();
	interpose_curl_parent_after_fork();
}

static void child_after_fork(void)
{
	trace_restate_child_after_fork();
	trace_session_child_after_fork();
	net_conn_child_after_fork();
	interpose_net_child_after_fork();
	interpose_openssl_child_after_fork();
	interpose_curl_child_after_fork();
	stack_capture_child_after_fork();
}

/* RATIONALE: the constructor runs before main, but another library's
 * constructor may reach a wrapper first; the state the wrappers need is
 * either statically initialized or loaded on demand (shim_config), so no
 * pthread_once is needed on the event path. */
__attribute__((constructor)) static void shim_start(void)
{
	shim_config_load();
	trace_session_init();
	trace_restate_init();
	trace_clock_init();
	stack_capture_init();
	interpose_net_init();
	pthread_atfork(prepare_fork, parent_after_fork, child_after_fork);
}

__attribute__((destructor)) static void shim_stop(void)
{
	trace_session_at_exit();
}
