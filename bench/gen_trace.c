/*
 * gen_trace.c - writes a synthetic h5snoop trace of N events in the real
 * format, for the benchmark (bench_report.sh).
 *
 * Usage: gen_trace [-n EVENTS] [-t THREADS] [-f FLAVORS] OUTDIR
 *        gen_trace -m FILES OUTDIR
 *
 * Makes FLAVORS trace directories (processes) under OUTDIR, each with
 * THREADS stream files whose events interleave in time.  Each thread
 * opens the flavor's file and then reads it like ROS3: a vfd_read and the
 * http_request it causes (read_seq set), sizes log-uniform from 64 B to
 * 4 MiB so that every size bin gets its share, latencies growing with
 * size.  With -m, one process of one thread instead opens FILES small
 * local files one after another and reads each once (file_open,
 * vfd_read, file_close): as many groups as files, the case that must
 * not cost memory per file.  Deterministic (fixed seed).  Exit status: 0, 1 on a write
 * failure, 2 on a usage error.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "trace_gen.h"

#define MAX_THREADS 64

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static double rng_unit(void)
{
	return (double)(rng() >> 11) / 9007199254740992.0;
}

static int usage(void)
{
	fputs("usage: gen_trace [-n EVENTS] [-t THREADS] [-f FLAVORS] "
	      "OUTDIR\n"
	      "       gen_trace -m FILES OUTDIR\n",
	      stderr);
	return 2;
}

/* One flavor's process: `threads` streams, `events` events in all. */
static int one_flavor(const char *root, int flavor, int threads,
		      uint64_t events)
{
	static const char *const names[] = {"original", "page-8mb",
					    "rechunked-4mb", "paged-rechunked"};
	struct trace_stream s[MAX_THREADS];
	uint64_t ts[MAX_THREADS], done = 0, file_bytes = 100u << 20;
	uint32_t seq[MAX_THREADS];
	struct h5snoop_trace_env env;
	char dir[64], url[256];
	struct tgen g;
	int rc = 0;

	snprintf(dir, sizeof(dir), "gen-%d", 1000 + flavor);
	snprintf(url, sizeof(url), "http://127.0.0.1:8080/ATL06_%s.h5",
		 names[flavor % 4]);
	tgen_default_env(&env, 1000 + flavor, NULL);
	if (tgen_create(&g, root, dir, &env) != 0)
		return -1;
	for (int t = 0; t < threads; t++) {
		ts[t] = 1000000000ull + (uint64_t)t * 1000u;
		seq[t] = 0;
		if (tgen_stream(&g, &s[t], 2000u + (uint32_t)t,
				TRACE_STREAM_PACKET_BYTES_DEFAULT) != 0 ||
		    tgen_file_open(&s[t], ts[t], 1u + (uint32_t)t, file_bytes,
				   50000, "ros3", url) != 0)
			return -1;
		done++;
	}
	while (done < events && rc == 0) {
		int t = (int)(rng() % (uint64_t)threads);
		double lg = 6.0 + rng_unit() * 16.0; /* 64 B .. 4 MiB */
		uint64_t size = (uint64_t)exp2(lg);
		uint64_t off = rng() % (file_bytes - size);
		uint64_t net = 50000u + size / 2u + rng() % 20000u;
		struct tgen_http h = {
			.read_seq = ++seq[t],
			.range_start = (int64_t)off,
			.range_end = (int64_t)(off + size - 1),
			.bytes = size,
			.status = 206,
			.duration_ns = net,
			.dns_ns = 1000,
			.connect_ns = 0,
			.ttfb_ns = net * 3 / 4,
			.method = "GET",
			.url = url,
		};

		rc = tgen_vfd_read(&s[t], ts[t], seq[t], 1u + (uint32_t)t,
				   size < 4096 ? 1 : 3, off, size, net + 3000);
		if (rc == 0 && done + 1 < events)
			rc = tgen_http_request(&s[t], ts[t] + 1000, &h);
		done += 2;
		ts[t] += net + 5000u + rng() % 10000u;
	}
	for (int t = 0; t < threads; t++)
		trace_stream_close(&s[t]);
	tgen_close(&g);
	return rc;
}

/* -m: `files` small files, one read each, in one process. */
static int many_files(const char *root, uint64_t files)
{
	struct h5snoop_trace_env env;
	struct trace_stream s;
	uint64_t ts = 1000000000ull;
	char name[256];
	struct tgen g;
	int rc = 0;

	tgen_default_env(&env, 3000, NULL);
	if (tgen_create(&g, root, "gen-3000", &env) != 0 ||
	    tgen_stream(&g, &s, 3000, TRACE_STREAM_PACKET_BYTES_DEFAULT) != 0)
		return -1;
	for (uint64_t i = 0; i < files && rc == 0; i++) {
		uint32_t id = (uint32_t)i + 1u; /* ids are never reused */
		uint64_t size = 256u + rng() % 4096u;
		uint64_t lat = 2000u + rng() % 50000u;

		snprintf(name, sizeof(name), "/data/granules/ATL03_%08llu.h5",
			 (unsigned long long)i);
		rc = tgen_file_open(&s, ts, id, 1u << 20, 30000, "sec2", name);
		if (rc == 0)
			rc = tgen_vfd_read(&s, ts + 31000, 1, id, 1, 0, size,
					   lat);
		if (rc == 0)
			rc = tgen_file_close(&s, ts + 31000 + lat + 1000, id,
					     2000);
		ts += 40000u + lat;
	}
	trace_stream_close(&s);
	tgen_close(&g);
	return rc;
}

int main(int argc, char **argv)
{
	uint64_t events = 10000000, files = 0;
	int threads = 2, flavors = 3, i;

	for (i = 1; i < argc - 1; i += 2) {
		if (strcmp(argv[i], "-n") == 0)
			events = strtoull(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "-t") == 0)
			threads = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "-f") == 0)
			flavors = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "-m") == 0)
			files = strtoull(argv[i + 1], NULL, 10);
		else
			return usage();
	}
	if (i != argc - 1 || threads < 1 || threads > MAX_THREADS ||
	    flavors < 1 || events < 1)
		return usage();
	if (mkdir(argv[argc - 1], 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "gen_trace: cannot create %s: %s\n",
			argv[argc - 1], strerror(errno));
		return 1;
	}
	if (files) {
		if (many_files(argv[argc - 1], files) != 0) {
			fprintf(stderr, "gen_trace: cannot write in %s: %s\n",
				argv[argc - 1], strerror(errno));
			return 1;
		}
		return 0;
	}
	for (int f = 0; f < flavors; f++) {
		uint64_t share = events / (uint64_t)flavors +
				 (f < (int)(events % (uint64_t)flavors));

		if (one_flavor(argv[argc - 1], f, threads, share) != 0) {
			fprintf(stderr, "gen_trace: cannot write in %s: %s\n",
				argv[argc - 1], strerror(errno));
			return 1;
		}
	}
	return 0;
}
