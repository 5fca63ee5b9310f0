/*
 * make_runs_trace.c - writes the traces of an experiment like the demo's,
 * without a network: four runs (labels), one after another with idle
 * gaps of seconds between them, each a process (pid 100, 200, ...) that
 * reads four flavors of one granule over ROS3-like HTTP range requests,
 * the URLs long and alike but for their flavor.  Every figure is known in
 * advance (the test checks the pictures against them):
 *
 *   run r (0..3), flavor v (0..3): 10 + 5 * v + r requests, sizes cycling
 *   through every size bin; request i takes (r + 1) * (4 + i % 5) / 4
 *   ms; runs start RUN_GAP_S seconds apart.
 *
 * With "hostile", the labels and URLs hold markup an HTML or SVG page
 * must show as text: <script>, quotes, ampersands, an event handler.
 *
 * Usage: make_runs_trace ROOT [hostile]   (ROOT must exist; writes
 *        ROOT/run-N)
 * Exit status 0, or 1 on a write failure.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "trace_gen.h"

#define PACKET 65536u
#define RUN_GAP_S 5u

static int failed;

static void must(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "make_runs_trace: %s: %s\n", what,
			strerror(errno));
		failed = 1;
	}
}

static const char *const runs[] = {"ros3-default", "ros3-tuned",
				   "fsspec-default", "fsspec-tuned"};
static const char *const flavors[] = {"original", "page-only-8mb",
				      "rechunked-2mb", "rechunked-2mb-paged"};
static const char *const hostile_runs[] = {
	"<script>alert(1)</script>", "\"><img src=x onerror=alert(2)>",
	"a&amp;b & 'c'", "</svg><script>alert(3)</script>"};
static const char *const hostile_flavors[] = {
	"<b>original</b>", "page\"onmouseover=\"alert(4)",
	"x&lt;y&#39;", "<style>*{}</style>"};
static const uint64_t sizes[] = {512, 4000, 40000, 1048576, 600, 9000};

int main(int argc, char **argv)
{
	int hostile = argc == 3 && strcmp(argv[2], "hostile") == 0;

	if (argc != 2 && !hostile) {
		fprintf(stderr, "usage: make_runs_trace ROOT [hostile]\n");
		return 2;
	}
	for (unsigned r = 0; r < 4; r++) {
		struct h5snoop_trace_env env;
		struct trace_stream s;
		struct tgen g;
		char name[64];
		uint64_t ts = 1000000000ull * (1 + RUN_GAP_S * r);
		uint32_t seq = 0;

		tgen_default_env(&env, 100 * (r + 1),
				 hostile ? hostile_runs[r] : runs[r]);
		snprintf(name, sizeof(name), "run-%u", r);
		must(tgen_create(&g, argv[1], name, &env) == 0, name);
		must(tgen_stream(&g, &s, 100 * (r + 1), PACKET) == 0,
		     "stream");
		for (unsigned v = 0; v < 4; v++) {
			char url[256];
			uint64_t off = 0, dur;
			struct tgen_http h = {.status = 206, .method = "GET",
					      .url = url};

			snprintf(url, sizeof(url),
				 "http://127.0.0.1:8080/cloud/atl06/"
				 "ATL06_20200811143458_07210811_006_01_%s.h5",
				 hostile ? hostile_flavors[v] : flavors[v]);
			must(tgen_file_open(&s, ts, v + 1, 72u << 20, 100000,
					    "ros3", url) == 0,
			     "open");
			ts += 200000;
			for (unsigned i = 0; i < 10 + 5 * v + r; i++) {
				uint64_t size = sizes[i % 6];

				dur = 250000ull * (r + 1) * (4 + i % 5);
				h.ttfb_ns = dur / 2;

				must(tgen_vfd_read(&s, ts, ++seq, v + 1,
						   i % 3 ? 3 : 6, off, size,
						   dur + 20000) == 0,
				     "read");
				h.read_seq = seq;
				h.range_start = (int64_t)off;
				h.range_end = (int64_t)(off + size - 1);
				h.bytes = size;
				h.duration_ns = dur;
				must(tgen_http_request(&s, ts + 10000, &h) ==
					     0,
				     "request");
				ts += dur + 50000;
				off += size + (3u << 20);
			}
			must(tgen_file_close(&s, ts, v + 1, 5000) == 0,
			     "close");
			ts += 100000;
		}
		trace_stream_close(&s);
		tgen_close(&g);
	}
	return failed;
}
