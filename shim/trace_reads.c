/*
 * trace_reads.c - the state of trace_reads.h: each thread's read numbers
 * and the process-wide count of reads in flight.
 *
 * Must never: do more in the fork child's handler than async-signal-safe
 * stores.
 */
#include "trace_reads.h"

TRACE_TLS uint32_t trace_tls_read_seq;
TRACE_TLS uint32_t trace_tls_read_in_flight;
int trace_reads_process_wide;
unsigned trace_reads_open;
uint64_t trace_read_solo;

void trace_reads_child_after_fork(void)
{
	trace_reads_open = trace_tls_read_in_flight != 0;
	trace_read_solo = trace_tls_read_in_flight
				  ? (uint64_t)trace_thread_id() << 32 |
					    trace_tls_read_in_flight
				  : 0;
}
