/*
 * trace_gen.c - synthetic traces in the real format (see trace_gen.h).
 */
#include "trace_gen.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int tgen_create(struct tgen *g, const char *root, const char *name,
		const struct h5snoop_trace_env *env)
{
	char text[16384];
	size_t len = trace_metadata_format(text, sizeof(text), env);
	int fd;

	memset(g, 0, sizeof(*g));
	g->dirfd = -1;
	if (len >= sizeof(text)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	snprintf(g->dir, sizeof(g->dir), "%s/%s", root, name);
	if (mkdir(g->dir, 0700) != 0 && errno != EEXIST)
		return -1;
	g->dirfd = open(g->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (g->dirfd < 0)
		return -1;
	memcpy(g->uuid, env->uuid, sizeof(g->uuid));
	fd = openat(g->dirfd, H5SNOOP_METADATA_FILE,
		    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return close(fd);
}

int tgen_stream(struct tgen *g, struct trace_stream *s, uint32_t tid,
		size_t packet_bytes)
{
	char name[64];

	snprintf(name, sizeof(name), "%s%u", H5SNOOP_STREAM_PREFIX, tid);
	return trace_stream_open(s, g->dir, name, g->uuid, tid,
				 packet_bytes);
}

void tgen_close(struct tgen *g)
{
	if (g->dirfd >= 0)
		close(g->dirfd);
	g->dirfd = -1;
}

/* Zeroes event struct `ev` and fills its header. */
#define EV_START(ev, name, ts)                                   \
	(memset(&(ev), 0, sizeof(ev)), (ev).h.id = H5SNOOP_EV_##name, \
	 (ev).h.timestamp = (ts))

/* Writes len bytes of ev at ts; -1 (ENOSPC) when the stream dropped it. */
static int put(struct trace_stream *s, const void *ev, size_t len,
	       uint64_t ts)
{
	void *p = trace_stream_reserve(s, len, ts);

	if (!p) {
		errno = ENOSPC;
		return -1;
	}
	memcpy(p, ev, len);
	trace_stream_commit(s, len, ts);
	return 0;
}

static size_t put_string(uint8_t *buf, size_t len, size_t cap,
			 const char *str)
{
	size_t n = strlen(str ? str : "");

	if (len + n + 1 > cap)
		n = cap > len + 1 ? cap - len - 1 : 0;
	memcpy(buf + len, str ? str : "", n);
	buf[len + n] = '\0';
	return len + n + 1;
}

int tgen_file_open(struct trace_stream *s, uint64_t ts, uint32_t file_id,
		   uint64_t size, uint64_t duration_ns, const char *driver,
		   const char *name)
{
	uint8_t buf[4096];
	struct h5snoop_ev_file_open ev;
	size_t len = sizeof(ev);

	EV_START(ev, file_open, ts);
	ev.file_id = file_id;
	ev.size = size;
	ev.duration_ns = duration_ns;
	memcpy(buf, &ev, sizeof(ev));
	len = put_string(buf, len, sizeof(buf), driver);
	len = put_string(buf, len, sizeof(buf), name);
	return put(s, buf, len, ts);
}

int tgen_file_close(struct trace_stream *s, uint64_t ts, uint32_t file_id,
		    uint64_t duration_ns)
{
	struct h5snoop_ev_file_close ev;

	EV_START(ev, file_close, ts);
	ev.file_id = file_id;
	ev.duration_ns = duration_ns;
	return put(s, &ev, sizeof(ev), ts);
}

int tgen_vfd_read(struct trace_stream *s, uint64_t ts, uint32_t seq,
		  uint32_t file_id, uint8_t mem_type, uint64_t offset,
		  uint64_t size, uint64_t duration_ns)
{
	return tgen_vfd_read_stack(s, ts, seq, file_id, mem_type, offset,
				   size, duration_ns, 0);
}

int tgen_vfd_read_stack(struct trace_stream *s, uint64_t ts, uint32_t seq,
			uint32_t file_id, uint8_t mem_type, uint64_t offset,
			uint64_t size, uint64_t duration_ns,
			uint32_t stack_id)
{
	struct h5snoop_ev_vfd_read ev;

	EV_START(ev, vfd_read, ts);
	ev.seq = seq;
	ev.file_id = file_id;
	ev.mem_type = mem_type;
	ev.offset = offset;
	ev.size = size;
	ev.duration_ns = duration_ns;
	ev.stack_id = stack_id;
	return put(s, &ev, sizeof(ev), ts);
}

int tgen_http_request(struct trace_stream *s, uint64_t ts,
		      const struct tgen_http *h)
{
	uint8_t buf[4096];
	struct h5snoop_ev_http_request ev;
	size_t len = sizeof(ev);

	EV_START(ev, http_request, ts);
	ev.read_seq = h->read_seq;
	ev.range_start = h->range_start;
	ev.range_end = h->range_end;
	ev.bytes = h->bytes;
	ev.http_status = h->status;
	ev.curl_code = h->curl_code;
	ev.duration_ns = h->duration_ns;
	ev.dns_ns = h->dns_ns;
	ev.connect_ns = h->connect_ns;
	ev.tls_ns = h->tls_ns;
	ev.ttfb_ns = h->ttfb_ns;
	ev.read_tid = h->read_tid;
	ev.seen_by = h->seen_by;
	ev.reused = h->reused;
	ev.stack_id = h->stack_id;
	memcpy(buf, &ev, sizeof(ev));
	len = put_string(buf, len, sizeof(buf), h->method);
	len = put_string(buf, len, sizeof(buf), h->url);
	return put(s, buf, len, ts);
}

int tgen_stack(struct trace_stream *s, uint64_t ts, uint32_t stack_id,
	       const uint64_t *pcs, unsigned n)
{
	uint8_t buf[sizeof(struct h5snoop_ev_stack) + 255 * sizeof(uint64_t)];
	struct h5snoop_ev_stack ev;

	if (n > 255)
		n = 255;
	EV_START(ev, stack, ts);
	ev.stack_id = stack_id;
	ev.frame_count = (uint8_t)n;
	memcpy(buf, &ev, sizeof(ev));
	memcpy(buf + sizeof(ev), pcs, n * sizeof(*pcs));
	return put(s, buf, sizeof(ev) + n * sizeof(*pcs), ts);
}

int tgen_module(struct trace_stream *s, uint64_t ts, uint64_t base,
		uint64_t start, uint64_t end, const char *path)
{
	uint8_t buf[4096];
	struct h5snoop_ev_module ev;
	size_t len;

	EV_START(ev, module, ts);
	ev.base = base;
	ev.start = start;
	ev.end = end;
	memcpy(buf, &ev, sizeof(ev));
	len = put_string(buf, sizeof(ev), sizeof(buf), path);
	return put(s, buf, len, ts);
}

int tgen_net_unparsed(struct trace_stream *s, uint64_t ts, uint8_t seen_by,
		      uint8_t reason, uint32_t exchanges)
{
	struct h5snoop_ev_net_unparsed ev;

	EV_START(ev, net_unparsed, ts);
	ev.seen_by = seen_by;
	ev.reason = reason;
	ev.exchanges = exchanges;
	return put(s, &ev, sizeof(ev), ts);
}

void tgen_default_env(struct h5snoop_trace_env *env, long pid,
		      const char *label)
{
	memset(env, 0, sizeof(*env));
	env->hostname = "gen";
	env->cmdline = "trace_gen";
	env->label = label;
	env->hdf5_version = "1.10.8";
	env->curl_version = "7.88.1";
	env->pid = pid;
	env->ppid = 1;
	env->rank = -1;
	env->clock_offset_s = 1700000000;
	env->clock_offset_ns = 0;
	for (int i = 0; i < 16; i++)
		env->uuid[i] = (uint8_t)(0x10 + i + pid);
}
