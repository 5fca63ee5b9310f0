/*
 * make_long_names.c - writes a trace whose names are longer than any
 * buffer the analyzer once cut them to (2,048 bytes for a file's name,
 * 256 for a flavor), in pairs alike far past those lengths, for
 * test_long_names.py.
 *
 * Usage: make_long_names DIR    (DIR must exist; writes DIR/gen-40)
 * Prints, one per line, what the test needs to know: the two fsspec
 * URLs, the two long-stem paths and the two unattributed URLs.
 * Exit status: 0, or 1 on a write failure.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "trace_gen.h"

#define PACKET (64u << 10)
/* Longer than the old 2,048-byte cut, short enough for one event. */
#define LONG_PART 2600

static int failed;

static void must(int ok, const char *what)
{
	if (!ok && !failed) {
		fprintf(stderr, "make_long_names: %s: %s\n", what,
			strerror(errno));
		failed = 1;
	}
}

/* prefix, then `n` times `c`, then suffix, into out. */
static void long_string(char *out, size_t cap, const char *prefix, char c,
			size_t n, const char *suffix)
{
	size_t used = (size_t)snprintf(out, cap, "%s", prefix);

	for (size_t i = 0; i < n && used + 1 < cap; i++)
		out[used++] = c;
	snprintf(out + used, cap - used, "%s", suffix);
}

/* `n` reads of file `id`, then `k` requests for `url` tied to no read
 * (as fsspec's read-ahead on another thread makes them). */
static uint64_t reads_and_requests(struct trace_stream *s, uint64_t ts,
				   uint32_t id, unsigned n, const char *url,
				   unsigned k, uint32_t *seq)
{
	for (unsigned i = 0; i < n; i++, ts += 10000)
		must(tgen_vfd_read(s, ts, ++*seq, id, 3, 4096u * i, 1000,
				   2000) == 0,
		     "read");
	for (unsigned i = 0; i < k; i++, ts += 10000) {
		struct tgen_http h = {
			.range_start = 4096 * (int64_t)i,
			.range_end = 4096 * (int64_t)i + 999,
			.bytes = 1000, .status = 206, .duration_ns = 50000,
			.seen_by = H5SNOOP_SEEN_BY_TLS, .method = "GET", .url = url};

		must(tgen_http_request(s, ts, &h) == 0, "request");
	}
	return ts;
}

int main(int argc, char **argv)
{
	static char url[2][3000], repr[2][3100], stem[2][400];
	static char free_url[2][3000];
	static const char *const names[2] = {"granule_original",
					     "granule_rechunked"};
	struct h5snoop_trace_env env;
	struct trace_stream s;
	uint32_t seq = 0;
	struct tgen g;
	uint64_t ts = 1000000;

	if (argc != 2) {
		fprintf(stderr, "usage: make_long_names DIR\n");
		return 2;
	}
	for (int i = 0; i < 2; i++) {
		char tail[64];

		snprintf(tail, sizeof(tail), "/%s.h5", names[i]);
		long_string(url[i], sizeof(url[i]), "http://127.0.0.1:8080/",
			    'd', LONG_PART, tail);
		snprintf(repr[i], sizeof(repr[i]),
			 "<File-like object HTTPFileSystem, %.2999s>",
			 url[i]);
		long_string(stem[i], sizeof(stem[i]), "/data/", 's', 300,
			    i ? "_b.h5" : "_a.h5");
		long_string(free_url[i], sizeof(free_url[i]),
			    "http://127.0.0.1:8080/", 'u', LONG_PART,
			    i ? "/free_b.nc" : "/free_a.nc");
	}
	tgen_default_env(&env, 40, NULL);
	must(tgen_create(&g, argv[1], "gen-40", &env) == 0, "create");
	must(tgen_stream(&g, &s, 400, PACKET) == 0, "stream");
	/* Two fsspec files: 3 + 2 and 5 + 4 reads and requests. */
	for (uint32_t i = 0; i < 2; i++) {
		must(tgen_file_open(&s, ts, i + 1, 1u << 20, 1000, "fileobj",
				    repr[i]) == 0,
		     "open");
		ts = reads_and_requests(&s, ts + 10000, i + 1, i ? 5 : 3,
					url[i], i ? 4 : 2, &seq);
	}
	/* Two local files whose stems are alike for 300 bytes: 2 and 4
	 * reads. */
	for (uint32_t i = 0; i < 2; i++) {
		must(tgen_file_open(&s, ts, i + 3, 1u << 20, 1000, "sec2",
				    stem[i]) == 0,
		     "open");
		ts = reads_and_requests(&s, ts + 10000, i + 3, i ? 4 : 2,
					"", 0, &seq);
	}
	/* Requests of no file: 2 and 3, taking turns. */
	for (unsigned i = 0; i < 5; i++)
		ts = reads_and_requests(&s, ts, 0, 0,
					free_url[(0x16u >> i) & 1u], 1, &seq);
	trace_stream_close(&s);
	tgen_close(&g);
	for (int i = 0; i < 2; i++)
		printf("%s\n", url[i]);
	for (int i = 0; i < 2; i++)
		printf("%s\n", stem[i]);
	for (int i = 0; i < 2; i++)
		printf("%s\n", free_url[i]);
	return failed;
}
