/*
 * make_overfetch_trace.c - writes the trace of a reader that HDF5 1.10
 * cannot produce here: ROS3 of HDF5 1.14, which fetches the first 16 MiB
 * of a file when it opens it and serves later reads inside them from
 * memory.  test_advise.py feeds it to `h5snoop advise`, whose overfetch
 * rule must fire on it.
 *
 * Usage: make_overfetch_trace ROOT     (writes ROOT/gen-20; ROOT exists)
 * Exit status: 0, or 1 on a write failure.  Deterministic.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "trace_gen.h"

#define MIB (1024u * 1024u)

int main(int argc, char **argv)
{
	static const char url[] = "http://127.0.0.1:9/data/small-granule.h5";
	struct tgen_http head = {.range_start = -1, .range_end = -1,
				 .status = 200, .duration_ns = 31000000,
				 .connect_ns = 100000, .ttfb_ns = 30900000,
				 .method = "HEAD", .url = url};
	struct tgen_http first = {.range_start = 0, .range_end = 16 * MIB - 1,
				  .bytes = 16 * MIB, .status = 206,
				  .duration_ns = 240000000,
				  .ttfb_ns = 30000000, .method = "GET",
				  .url = url};
	struct h5snoop_trace_env env;
	struct trace_stream s;
	struct tgen g;
	uint64_t ts = 1000000;
	uint32_t seq = 0;
	int ok = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: make_overfetch_trace ROOT\n");
		return 2;
	}
	tgen_default_env(&env, 20, "ros3-1.14");
	ok &= tgen_create(&g, argv[1], "gen-20", &env) == 0;
	ok &= ok && tgen_stream(&g, &s, 200, 4096) == 0;
	if (!ok) {
		fprintf(stderr, "make_overfetch_trace: %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	ok &= tgen_file_open(&s, ts, 1, 20 * MIB, 300000000, "ros3", url) ==
	      0;
	ok &= tgen_http_request(&s, ts + 1000, &head) == 0;
	ok &= tgen_http_request(&s, ts + 32000000, &first) == 0;
	ts += 300000000;
	/* 40 metadata and raw reads inside the first 16 MiB: from memory */
	for (unsigned i = 0; i < 40; i++) {
		ok &= tgen_vfd_read(&s, ts, ++seq, 1, i % 3 ? 6 : 3,
				    (uint64_t)i * 300000u, 2048, 4000) == 0;
		ts += 10000;
	}
	/* two reads past it: one request each */
	for (unsigned i = 0; i < 2; i++) {
		uint64_t off = 17u * MIB + i * 65536u;
		struct tgen_http h = {.read_seq = ++seq,
				      .range_start = (int64_t)off,
				      .range_end = (int64_t)off + 4095,
				      .bytes = 4096, .status = 206,
				      .duration_ns = 30500000,
				      .ttfb_ns = 30400000, .method = "GET",
				      .url = url};

		ok &= tgen_vfd_read(&s, ts, seq, 1, 3, off, 4096, 30600000) ==
		      0;
		ok &= tgen_http_request(&s, ts + 50000, &h) == 0;
		ts += 31000000;
	}
	ok &= tgen_file_close(&s, ts, 1, 1000) == 0;
	trace_stream_close(&s);
	tgen_close(&g);
	if (!ok) {
		fprintf(stderr, "make_overfetch_trace: writing failed: %s\n",
			strerror(errno));
		return 1;
	}
	return 0;
}
