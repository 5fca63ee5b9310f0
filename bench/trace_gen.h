/*
 * trace_gen.h - writing h5snoop traces without the shim, through the
 * shim's own writer (trace_stream.h) and metadata (trace_metadata.h), so
 * that what the benchmark and the analyzer's tests read is byte for byte
 * the real format.
 *
 * For tests and benchmarks only: it exits nowhere and prints nothing;
 * each function returns 0 or -1 with errno set.
 */
#ifndef H5SNOOP_TRACE_GEN_H
#define H5SNOOP_TRACE_GEN_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "trace_metadata.h"
#include "trace_stream.h"

struct tgen {
	int dirfd;
	char dir[PATH_MAX];
	uint8_t uuid[16];
};

/*
 * Creates directory root/name (root must exist) and writes its metadata
 * for env (env->uuid is used as given).  Returns 0 or -1.
 */
int tgen_create(struct tgen *g, const char *root, const char *name,
		const struct h5snoop_trace_env *env);

/* Opens stream_<tid> in the trace with packets of packet_bytes. */
int tgen_stream(struct tgen *g, struct trace_stream *s, uint32_t tid,
		size_t packet_bytes);

void tgen_close(struct tgen *g);

/* One event each, written with trace_stream_reserve/commit. */
int tgen_file_open(struct trace_stream *s, uint64_t ts, uint32_t file_id,
		   uint64_t size, uint64_t duration_ns, const char *driver,
		   const char *name);
int tgen_file_close(struct trace_stream *s, uint64_t ts, uint32_t file_id,
		    uint64_t duration_ns);
int tgen_vfd_read(struct trace_stream *s, uint64_t ts, uint32_t seq,
		  uint32_t file_id, uint8_t mem_type, uint64_t offset,
		  uint64_t size, uint64_t duration_ns);
/* The same with a call stack (stack_id, 0: none). */
int tgen_vfd_read_stack(struct trace_stream *s, uint64_t ts, uint32_t seq,
			uint32_t file_id, uint8_t mem_type, uint64_t offset,
			uint64_t size, uint64_t duration_ns,
			uint32_t stack_id);

struct tgen_http {
	uint32_t read_seq;
	int64_t range_start, range_end; /* -1: none */
	uint64_t bytes;
	uint16_t status;
	int32_t curl_code;
	uint64_t duration_ns, dns_ns, connect_ns, tls_ns, ttfb_ns;
	uint32_t read_tid;       /* 0: the stream's own thread */
	uint8_t seen_by, reused; /* enum h5snoop_seen_by; 0 or 1 */
	uint32_t stack_id;       /* 0: none */
	const char *method;
	const char *url;
};
int tgen_http_request(struct trace_stream *s, uint64_t ts,
		      const struct tgen_http *h);

/* A `stack` event: n (at most 255) return addresses, innermost first. */
int tgen_stack(struct trace_stream *s, uint64_t ts, uint32_t stack_id,
	       const uint64_t *pcs, unsigned n);

/* A `module` event without a build-id: [start, end) mapped at base. */
int tgen_module(struct trace_stream *s, uint64_t ts, uint64_t base,
		uint64_t start, uint64_t end, const char *path);

int tgen_net_unparsed(struct trace_stream *s, uint64_t ts, uint8_t seen_by,
		      uint8_t reason, uint32_t exchanges);

/* A default environment (host "gen", pid, label). */
void tgen_default_env(struct h5snoop_trace_env *env, long pid,
		      const char *label);

#endif
