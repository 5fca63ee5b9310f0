/*
 * trace_hot.c - the definitions of trace_hot.h's state.
 *
 * Must never: hold anything else.
 */
#include "trace_hot.h"

_Static_assert(sizeof(struct trace_hot_process) == 64,
	       "the process-wide hot state must stay one cache line");
_Static_assert(sizeof(struct trace_hot_thread) == 64,
	       "the per-thread hot state must stay one cache line");

struct trace_hot_process trace_hot = {.file_table_gen = 1};
TRACE_TLS struct trace_hot_thread trace_hot_tls;
