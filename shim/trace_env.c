/*
 * trace_env.c - the process's description in the trace metadata (see
 * trace_env.h).
 *
 * Must never: write a secret (host name, command line and versions go
 * through redact.c), or keep a file descriptor past a call.
 */
#include "trace_env.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "redact.h"
#include "shim_config.h"
#include "trace_stream.h"
#include "trace_tls_clock.h"

/* /proc/self/cmdline, redacted (redact_cmdline): only whole arguments
 * are read, so none is shown cut before its secret.  Under the session
 * lock (the static buffer). */
static void read_cmdline(struct trace_env *e)
{
	static char raw[16384];
	size_t len = 0;
	int fd = trace_file_open_high("/proc/self/cmdline", O_RDONLY, 0);

	e->cmdline[0] = '\0';
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
	redact_cmdline(e->cmdline, sizeof(e->cmdline), raw, len,
		       shim_config()->keep_query);
}

/* Sets the offset from the trace clock (CLOCK_MONOTONIC) to Unix time. */
static void set_clock_offset(struct trace_env *e)
{
	struct timespec mono, real;
	int64_t offset_ns;

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
	e->env.clock_offset_s = offset_ns / 1000000000;
	e->env.clock_offset_ns = offset_ns % 1000000000;
	if (e->env.clock_offset_ns < 0) {
		e->env.clock_offset_ns += 1000000000;
		e->env.clock_offset_s -= 1;
	}
}

void trace_env_fill(struct trace_env *e)
{
	char host[sizeof(e->hostname)];

	if (gethostname(host, sizeof(host)) != 0)
		strcpy(host, "unknown");
	host[sizeof(host) - 1] = '\0';
	redact_string(e->hostname, sizeof(e->hostname), host,
		      shim_config()->keep_query);
	read_cmdline(e);
	if (getrandom(e->env.uuid, sizeof(e->env.uuid), 0) !=
	    (ssize_t)sizeof(e->env.uuid)) {
		uint64_t seed = trace_now_ns() ^ ((uint64_t)getpid() << 32);

		memcpy(e->env.uuid, &seed, sizeof(seed));
	}
	e->env.uuid[6] = (uint8_t)((e->env.uuid[6] & 0x0f) | 0x40);
	e->env.uuid[8] = (uint8_t)((e->env.uuid[8] & 0x3f) | 0x80);
	e->env.hostname = e->hostname;
	e->env.cmdline = e->cmdline;
	e->env.label = shim_config()->label;
	e->env.hdf5_version = e->hdf5_version;
	e->env.curl_version = e->curl_version;
	e->env.pid = (long)getpid();
	e->env.ppid = (long)getppid();
	e->env.rank = shim_config()->rank;
	set_clock_offset(e);
}

void trace_env_set_version(char *dst, size_t cap, const char *version)
{
	redact_string(dst, cap, version, shim_config()->keep_query);
}
