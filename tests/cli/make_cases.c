/*
 * make_cases.c - writes the analyzer's test traces: tests/data/good/
 * (valid traces, some with warnings) and tests/data/bad/ (inputs that
 * must fail with one error line).  Deterministic: the same bytes on
 * every run, so the files are kept in the repository, and this program
 * documents how each was made.
 *
 * Usage: make_cases DATA_DIR    (DATA_DIR/good and DATA_DIR/bad must
 *                                exist; cases are rewritten)
 * Exit status: 0, or 1 on a write failure.  Each case's README says what
 * it holds; tests/cli/run_cases.py runs them.
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace_gen.h"

#define PACKET 4096u

static const char *data;
static int failed;

static void must(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "make_cases: %s: %s\n", what, strerror(errno));
		failed = 1;
	}
}

static void file_text(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", data, dir, name);
	f = fopen(path, "w");
	must(f != NULL, path);
	if (f) {
		fputs(text, f);
		must(fclose(f) == 0, path);
	}
}

/* Starts trace case `kind/name` (kind: good or bad), fresh. */
static void start(struct tgen *g, const char *kind, const char *name,
		  const struct h5snoop_trace_env *env)
{
	char root[4096], cmd[8300];

	snprintf(root, sizeof(root), "%s/%s", data, kind);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/%s'", root, name);
	must(system(cmd) == 0, cmd);
	must(tgen_create(g, root, name, env) == 0, name);
}

static void poke(const char *path, off_t off, const void *bytes, size_t n)
{
	int fd = open(path, O_WRONLY);

	must(fd >= 0 && pwrite(fd, bytes, n, off) == (ssize_t)n, path);
	if (fd >= 0)
		close(fd);
}

/* A ROS3 reader: file_open, HEAD, then a read (and its request) per size;
 * thread `tid` starts at ts.  Returns the next ts. */
static uint64_t ros3_reads(struct trace_stream *s, uint64_t ts,
			   uint32_t file_id, const char *url,
			   const uint64_t *sizes, unsigned n, uint32_t *seq)
{
	struct tgen_http h = {.status = 206, .method = "GET", .url = url,
			      .dns_ns = 1000, .connect_ns = 2000,
			      .ttfb_ns = 30000};

	for (unsigned i = 0; i < n; i++) {
		uint64_t off = 4096u * i, net = 40000 + sizes[i] / 4;

		++*seq;
		must(tgen_vfd_read(s, ts, *seq, file_id, i < 3 ? 6 : 3, off,
				   sizes[i], net + 2000) == 0, "read");
		h.read_seq = *seq;
		h.range_start = (int64_t)off;
		h.range_end = (int64_t)(off + sizes[i] - 1);
		h.bytes = sizes[i];
		h.duration_ns = net;
		must(tgen_http_request(s, ts + 1000, &h) == 0, "request");
		ts += net + 10000;
	}
	return ts;
}

static void good_basic(void)
{
	static const uint64_t sizes[] = {8, 512, 1023, 1024, 4000, 10239,
					 10240, 65536, 102399, 102400,
					 1048576, 3000000};
	static const char url[] =
		"http://127.0.0.1:8080/data/ATL06_original.h5";
	struct h5snoop_trace_env env;
	struct trace_stream a, b;
	struct tgen_http head = {.range_start = -1, .range_end = -1,
				 .status = 200, .duration_ns = 300000,
				 .dns_ns = 20000, .connect_ns = 100000,
				 .ttfb_ns = 150000, .method = "HEAD",
				 .url = url};
	struct tgen_http missing = {.read_seq = 0, .range_start = 0,
				    .range_end = 99, .bytes = 153,
				    .status = 404, .duration_ns = 90000,
				    .method = "GET",
				    .url = "http://127.0.0.1:8080/data/"
					   "ATL06_missing.h5"};
	uint32_t seq_a = 0, seq_b = 0;
	char path[8300];
	struct tgen g;
	uint64_t ts;

	/* Process 10, no label: flavor from the URL; two threads share the
	 * file opened by the first. */
	tgen_default_env(&env, 10, NULL);
	snprintf(path, sizeof(path), "rm -rf '%s/good/basic' && mkdir '%s/good/basic'",
		 data, data);
	must(system(path) == 0, path);
	start(&g, "good", "basic/gen-10", &env);
	must(tgen_stream(&g, &a, 100, PACKET) == 0, "stream");
	must(tgen_stream(&g, &b, 101, PACKET) == 0, "stream");
	must(tgen_file_open(&a, 1000000, 1, 9000000, 500000, "ros3", url) ==
		     0,
	     "open");
	must(tgen_http_request(&a, 1100000, &head) == 0, "head");
	ts = ros3_reads(&a, 2000000, 1, url, sizes, 12, &seq_a);
	ros3_reads(&b, 2005000, 1, url, sizes + 4, 6, &seq_b);
	must(tgen_http_request(&a, ts, &missing) == 0, "404");
	must(tgen_file_close(&a, ts + 200000, 1, 5000) == 0, "close");
	trace_stream_close(&a);
	trace_stream_close(&b);
	tgen_close(&g);

	/* Process 20, label "page-8mb": a local file through sec2. */
	tgen_default_env(&env, 20, "page-8mb");
	start(&g, "good", "basic/gen-20-page-8mb", &env);
	must(tgen_stream(&g, &a, 200, PACKET) == 0, "stream");
	must(tgen_file_open(&a, 1500000, 1, 8388608, 20000, "sec2",
			    "/data/ATL06_page.h5") == 0,
	     "open");
	for (unsigned i = 0; i < 12; i++)
		must(tgen_vfd_read(&a, 2000000 + 50000u * i, i + 1, 1,
				   i < 6 ? 2 : 3, 8388608u / 16 * i,
				   sizes[i] / 2 + 1, 3000 + sizes[i] / 100) ==
			     0,
		     "read");
	trace_stream_close(&a);
	tgen_close(&g);
	file_text("good", "basic/README",
		  "Two processes.  gen-10: ROS3-like reads of "
		  "ATL06_original.h5 from two threads, each read with its\n"
		  "HTTP range request (read_seq), sizes on both sides of "
		  "every bin edge, a HEAD at open and a 404.\ngen-20 "
		  "(label page-8mb): sec2 reads of a local "
		  "file.  Made by tests/cli/make_cases.c.\n");
}

/*
 * fsspec as the net layer sees it: the driver reads on the main thread
 * (300), their GETs on the event-loop thread (301), linked by read_tid;
 * a HEAD at open that belongs to no read; two connections left unparsed.
 */
static void good_net(void)
{
	static const char url[] = "http://127.0.0.1:8080/data/ATL06.h5";
	struct h5snoop_trace_env env;
	struct trace_stream main_thread, loop;
	struct tgen_http get = {.status = 206, .seen_by = 1, .reused = 1,
				.read_tid = 300, .method = "GET",
				.url = url};
	struct tgen_http head = {.range_start = -1, .range_end = -1,
				 .status = 200, .duration_ns = 200000,
				 .ttfb_ns = 150000, .seen_by = 1,
				 .method = "HEAD", .url = url};
	struct tgen g;

	tgen_default_env(&env, 30, "fsspec");
	start(&g, "good", "net", &env);
	must(tgen_stream(&g, &main_thread, 300, PACKET) == 0, "stream");
	must(tgen_stream(&g, &loop, 301, PACKET) == 0, "stream");
	must(tgen_http_request(&loop, 900000, &head) == 0, "head");
	must(tgen_file_open(&main_thread, 1000000, 1, 9000000, 3000,
			    "fileobj",
			    "<File-like object HTTPFileSystem, "
			    "http://127.0.0.1:8080/data/ATL06.h5>") == 0,
	     "open");
	for (unsigned i = 0; i < 4; i++) {
		uint64_t ts = 2000000 + 1000000u * i, size = 4096u << i;

		must(tgen_vfd_read(&main_thread, ts, i + 1, 1, 3, size,
				   size, 800000) == 0,
		     "read");
		get.read_seq = i + 1;
		get.range_start = (int64_t)size;
		get.range_end = (int64_t)(2 * size - 1);
		get.bytes = size;
		get.duration_ns = 600000;
		get.ttfb_ns = 400000;
		must(tgen_http_request(&loop, ts + 100000, &get) == 0,
		     "get");
	}
	must(tgen_net_unparsed(&loop, 7000000, 1, 2, 0) == 0, "unparsed");
	must(tgen_net_unparsed(&loop, 7100000, 2, 1, 3) == 0, "unparsed");
	trace_stream_close(&main_thread);
	trace_stream_close(&loop);
	tgen_close(&g);
	file_text("good", "net/README",
		  "fsspec through the net layer: four driver reads on the "
		  "main thread, each with its GET made on the\nevent-loop "
		  "thread (read_tid names the main thread), a HEAD at open, "
		  "and two connections\nleft unparsed (http2, not_http).  "
		  "Made by tests/cli/make_cases.c.\n");
}

/* A trace of one thread with `reads` reads, for the damaged cases. */
static void simple(const char *kind, const char *name, unsigned reads,
		   char *stream_path, size_t cap)
{
	struct h5snoop_trace_env env;
	struct trace_stream s;
	struct tgen g;

	tgen_default_env(&env, 30, NULL);
	start(&g, kind, name, &env);
	must(tgen_stream(&g, &s, 300, PACKET) == 0, "stream");
	must(tgen_file_open(&s, 1000, 1, 1000000, 100, "sec2",
			    "/data/simple.h5") == 0,
	     "open");
	for (unsigned i = 0; i < reads; i++)
		must(tgen_vfd_read(&s, 2000 + 100u * i, i + 1, 1, 3,
				   1000u * i, 1000, 50) == 0,
		     "read");
	trace_stream_close(&s);
	tgen_close(&g);
	snprintf(stream_path, cap, "%s/%s/%s/stream_300", data, kind, name);
}

static void good_damaged(void)
{
	char path[4096];
	uint64_t discarded = 42, stream_failure = 40, fd_limit = 2;
	uint64_t file_table = 3;

	/* 200 reads: packets of 4 and 8 KiB; the file ends inside the
	 * second, as when the writer is killed before its pages reach the
	 * disk. */
	simple("good", "truncated", 200, path, sizeof(path));
	must(truncate(path, 4096 + 2000) == 0, path);
	file_text("good", "truncated/README",
		  "stream_300 ends inside its second packet (a copy cut "
		  "short): read up to the last complete event, one "
		  "warning, exit 0 (1 with --strict).\n");
	simple("good", "discarded", 200, path, sizeof(path));
	poke(path, 4096 + offsetof(struct h5snoop_packet_header,
				   events_discarded),
	     &discarded, sizeof(discarded));
	poke(path, 4096 + offsetof(struct h5snoop_packet_header, lost) +
			   H5SNOOP_LOSS_stream_failure * sizeof(uint64_t),
	     &stream_failure, sizeof(stream_failure));
	poke(path, 4096 + offsetof(struct h5snoop_packet_header, lost) +
			   H5SNOOP_LOSS_fd_limit * sizeof(uint64_t),
	     &fd_limit, sizeof(fd_limit));
	poke(path, 4096 + offsetof(struct h5snoop_packet_header, lost) +
			   H5SNOOP_LOSS_file_table * sizeof(uint64_t),
	     &file_table, sizeof(file_table));
	file_text("good", "discarded/README",
		  "The second packet says events_discarded = 42, of which "
		  "lost_stream_failure = 40 (the disk was full) and "
		  "lost_fd_limit = 2, and lost_file_table = 3 (reads "
		  "without a file_id): one warning per reason, exit 0 (1 "
		  "with --strict).\n");
}

static void good_hostile(void)
{
	static const char url[] =
		"http://127.0.0.1:8080/x/<script>alert(\"x\")</script>,"
		"'q'\n\xff\xfe&amp;.h5?<redacted>";
	struct h5snoop_trace_env env;
	struct trace_stream s;
	struct tgen_http h = {.read_seq = 1, .range_start = 0,
			      .range_end = 99, .bytes = 100, .status = 206,
			      .duration_ns = 1000, .method = "GET",
			      .url = url};
	struct tgen g;

	tgen_default_env(&env, 40, "lab,\"el\"<b>&\\x");
	env.hostname = "host<1>";
	start(&g, "good", "hostile", &env);
	must(tgen_stream(&g, &s, 400, PACKET) == 0, "stream");
	must(tgen_file_open(&s, 1000, 1, 1000, 100, "ros3", url) == 0,
	     "open");
	must(tgen_vfd_read(&s, 2000, 1, 1, 3, 0, 100, 2000) == 0, "read");
	must(tgen_http_request(&s, 2100, &h) == 0, "request");
	trace_stream_close(&s);
	tgen_close(&g);
	file_text("good", "hostile/README",
		  "A label, host name and URL holding <script>, quotes, "
		  "commas, a newline, '&amp;' and invalid UTF-8: every "
		  "output must stay well-formed.\n");
}

/*
 * Call stacks as several threads of one process write them: a stack is
 * written by the thread that saw it first, with the start time of that
 * thread's call, so in time order another thread's earlier, longer call
 * names it before it is defined; a module is written by the thread whose
 * stack met it first, so a stack may come before a module it needs.
 */
static void good_stacks(void)
{
	static const char url[] = "http://127.0.0.1:8080/data/ATL03_s.h5";
	/* Two modules whose files do not exist: frames are module+0xOFF. */
	static const uint64_t m1 = 0x400000, m2 = 0x7f1000000000;
	const uint64_t s1[] = {m1 + 0x1100, m1 + 0x1200, m1 + 0x1300};
	const uint64_t s2[] = {m2 + 0x2100, m1 + 0x1600, m1 + 0x1700};
	const uint64_t s4[] = {0x1234, m1 + 0x1500};
	const uint64_t s5[] = {m2 + 0x2000, m1 + 0x1400};
	struct h5snoop_trace_env env;
	struct trace_stream a, b, c;
	struct tgen_http h = {.status = 206, .method = "GET", .url = url,
			      .duration_ns = 30000};
	struct tgen g;

	tgen_default_env(&env, 50, NULL);
	start(&g, "good", "stacks", &env);
	must(tgen_stream(&g, &a, 500, PACKET) == 0, "stream");
	must(tgen_stream(&g, &b, 501, PACKET) == 0, "stream");
	must(tgen_stream(&g, &c, 502, PACKET) == 0, "stream");
	/* Thread 500: opens the file, meets module 1 and stack 1; later
	 * module 2 (stack 5), and stack 4 with a frame in no module. */
	must(tgen_file_open(&a, 1000000, 1, 9000000, 3000, "ros3", url) == 0,
	     "open");
	must(tgen_module(&a, 2000000, m1, m1, m1 + 0x80000,
			 "/nonexistent/h5snoop-case/reader") == 0, "module");
	must(tgen_stack(&a, 2000000, 1, s1, 3) == 0, "stack");
	must(tgen_vfd_read_stack(&a, 2000000, 1, 1, 3, 0, 4096, 50000, 1) ==
	     0, "read");
	h.read_seq = 1, h.range_start = 0, h.range_end = 4095;
	h.bytes = 4096, h.stack_id = 1;
	must(tgen_http_request(&a, 2001000, &h) == 0, "request");
	must(tgen_module(&a, 2150000, m2, m2, m2 + 0x100000,
			 "/nonexistent/h5snoop-case/libhdf5.so.310") == 0,
	     "module");
	must(tgen_stack(&a, 2150000, 5, s5, 2) == 0, "stack");
	must(tgen_vfd_read_stack(&a, 2150000, 2, 1, 6, 8192, 512, 20000,
				 5) == 0, "read");
	must(tgen_stack(&a, 2400000, 4, s4, 2) == 0, "stack");
	must(tgen_vfd_read_stack(&a, 2400000, 3, 1, 3, 16384, 100, 10000,
				 4) == 0, "read");
	/* Thread 501: a long read from 1.9 ms to 2.3 ms whose stack (2)
	 * thread 502 defines at 2.1 ms, with a frame in module 2, which
	 * thread 500 writes at 2.15 ms; then a request whose stack is in no
	 * event, and a read without a stack. */
	must(tgen_vfd_read_stack(&b, 1900000, 1, 1, 3, 32768, 65536, 400000,
				 2) == 0, "read");
	h.read_seq = 1, h.range_start = 32768, h.range_end = 98303;
	h.bytes = 65536, h.stack_id = 2;
	must(tgen_http_request(&b, 1901000, &h) == 0, "request");
	must(tgen_vfd_read_stack(&b, 2500000, 2, 1, 3, 98304, 2048, 10000,
				 2) == 0, "read");
	h.read_seq = 0, h.range_start = 0, h.range_end = 99;
	h.bytes = 100, h.stack_id = 3;
	h.url = "http://127.0.0.1:8080/data/other.h5";
	must(tgen_http_request(&b, 2600000, &h) == 0, "request");
	must(tgen_vfd_read_stack(&b, 2700000, 3, 1, 3, 0, 64, 5000, 0) == 0,
	     "read");
	/* Thread 502: defines stack 2, reads with it, then with stack 1. */
	must(tgen_stack(&c, 2100000, 2, s2, 3) == 0, "stack");
	must(tgen_vfd_read_stack(&c, 2100000, 1, 1, 2, 200000, 1024, 100000,
				 2) == 0, "read");
	must(tgen_vfd_read_stack(&c, 2200000, 2, 1, 2, 300000, 1024, 5000,
				 1) == 0, "read");
	trace_stream_close(&a);
	trace_stream_close(&b);
	trace_stream_close(&c);
	tgen_close(&g);
	file_text("good", "stacks/README",
		  "Three threads with call stacks (H5SNOOP_STACKS): thread "
		  "501's read at 1.9 ms names stack 2, which thread 502\n"
		  "defines at 2.1 ms with a frame in a module thread 500 "
		  "writes at 2.15 ms; stack 3 is in no event; stack 4\n"
		  "has a frame in no module; module files do not exist "
		  "(module+0xOFF frames, one warning each).\n"
		  "Made by tests/cli/make_cases.c.\n");
}

static void bad_case(const char *name, off_t off, const void *bytes,
		     size_t n, const char *readme)
{
	char path[4096];

	simple("bad", name, 20, path, sizeof(path));
	char rel[512];

	if (bytes)
		poke(path, off, bytes, n);
	snprintf(rel, sizeof(rel), "%s/README", name);
	file_text("bad", rel, readme);
}

static void bad_cases(void)
{
	char path[4096];
	uint32_t magic = 0xdeadbeef;
	uint64_t big = 8 * 8192, odd = 8 * 4096 + 3, huge = 8ull << 40;
	uint8_t id = 0xEE, uuid[16] = {0};
	int fd;

	bad_case("bad_magic", offsetof(struct h5snoop_packet_header, magic),
		 &magic, sizeof(magic),
		 "The first packet's magic is 0xdeadbeef.\n");
	bad_case("content_exceeds_packet",
		 offsetof(struct h5snoop_packet_header, content_size), &big,
		 sizeof(big),
		 "content_size (8 KiB) exceeds packet_size (4 KiB).\n");
	bad_case("packet_size_bits",
		 offsetof(struct h5snoop_packet_header, packet_size), &odd,
		 sizeof(odd),
		 "packet_size is not a whole number of bytes.\n");
	bad_case("packet_size_huge",
		 offsetof(struct h5snoop_packet_header, packet_size), &huge,
		 sizeof(huge),
		 "packet_size of 1 TiB: refused, not allocated.\n");
	bad_case("unknown_event", sizeof(struct h5snoop_packet_header), &id,
		 sizeof(id),
		 "The first event's id is 238.\n");
	bad_case("uuid_mismatch", offsetof(struct h5snoop_packet_header, uuid),
		 uuid, sizeof(uuid),
		 "The packet's uuid is not the metadata's.\n");

	/* Metadata of another format version, or cut. */
	simple("bad", "format_version", 2, path, sizeof(path));
	snprintf(path, sizeof(path), "%s/bad/format_version/metadata", data);
	{
		char text[16384], *p;
		FILE *f = fopen(path, "r");
		size_t n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;

		if (f)
			fclose(f);
		text[n] = '\0';
		p = strstr(text, "trace_format_version = ");
		if (p) {
			p[strlen("trace_format_version = ")] = '9';
			f = fopen(path, "w");
			must(f && fputs(text, f) >= 0 && fclose(f) == 0, path);
		}
		file_text("bad", "format_version/README",
			  "The metadata says trace_format_version = 9.\n");
		p = strstr(text, "libcurl_version = \"");
		simple("bad", "metadata_cut", 2, path, sizeof(path));
		snprintf(path, sizeof(path), "%s/bad/metadata_cut/metadata",
			 data);
		if (p) {
			p[strlen("libcurl_version = \"") + 2] = '\0';
			p = strstr(text, "trace_format_version = ");
			p[strlen("trace_format_version = ")] =
				'0' + H5SNOOP_TRACE_VERSION;
			f = fopen(path, "w");
			must(f && fputs(text, f) >= 0 && fclose(f) == 0, path);
		}
		file_text("bad", "metadata_cut/README",
			  "The metadata ends inside a string.\n");
	}

	/* An empty trace: metadata and an empty stream file. */
	simple("bad", "empty", 0, path, sizeof(path));
	fd = open(path, O_WRONLY | O_TRUNC);
	must(fd >= 0, path);
	if (fd >= 0)
		close(fd);
	file_text("bad", "empty/README",
		  "metadata and an empty stream file: no events.\n");

	/* Garbage as a stream file. */
	simple("bad", "garbage", 0, path, sizeof(path));
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd >= 0) {
		for (unsigned i = 0; i < 300; i++) {
			uint8_t c = (uint8_t)(i * 37 + 11);

			must(write(fd, &c, 1) == 1, path);
		}
		close(fd);
	}
	file_text("bad", "garbage/README",
		  "300 bytes of garbage as a stream file.\n");

	/* A file restated (as a ring chunk does) under another name than
	 * its open's: the second file_open becomes a file_restated. */
	{
		struct h5snoop_trace_env env;
		struct trace_stream s;
		struct tgen g;
		uint8_t restated = H5SNOOP_EV_file_restated;
		off_t off = (off_t)(sizeof(struct h5snoop_packet_header) +
				    sizeof(struct h5snoop_ev_file_open) +
				    sizeof("sec2") +
				    sizeof("/data/simple.h5"));

		tgen_default_env(&env, 30, NULL);
		start(&g, "bad", "restated_conflict", &env);
		must(tgen_stream(&g, &s, 300, PACKET) == 0, "stream");
		must(tgen_file_open(&s, 1000, 1, 1000000, 100, "sec2",
				    "/data/simple.h5") == 0,
		     "open");
		must(tgen_file_open(&s, 1500, 1, 1000000, 100, "sec2",
				    "/data/other.h5") == 0,
		     "restated");
		must(tgen_vfd_read(&s, 2000, 1, 1, 3, 0, 1000, 50) == 0,
		     "read");
		trace_stream_close(&s);
		tgen_close(&g);
		snprintf(path, sizeof(path),
			 "%s/bad/restated_conflict/stream_300", data);
		poke(path, off, &restated, sizeof(restated));
		file_text("bad", "restated_conflict/README",
			  "file_id 1 opened as /data/simple.h5, then "
			  "restated (file_restated)\nas /data/other.h5: a "
			  "file_id names one file in a process.\n");
	}

	/* A foreign CTF trace, and a directory with no trace. */
	snprintf(path, sizeof(path), "%s/bad/foreign", data);
	mkdir(path, 0755);
	file_text("bad", "foreign/metadata",
		  "/* CTF 1.8 */\nenv { tracer_name = \"lttng-ust\"; };\n");
	file_text("bad", "foreign/README",
		  "An LTTng trace's metadata, asked for by name.\n");
	snprintf(path, sizeof(path), "%s/bad/no_trace", data);
	mkdir(path, 0755);
	file_text("bad", "no_trace/README",
		  "A directory with no trace in it (only this file).\n");
}

/*
 * A trace holding a file that is no regular file.  Git stores none of
 * these (a FIFO, a socket) or not portably, so the case holds a
 * SPECIAL file instead: one line per entry to make at test time,
 * "KIND NAME [TARGET]" with KIND fifo, socket, dir or symlink
 * (run_cases.py makes them in a copy of the case).
 */
static void special_case(const char *name, const char *special,
			 int drop_metadata, const char *readme)
{
	char path[4096], rel[512];

	simple("bad", name, 20, path, sizeof(path));
	if (drop_metadata) {
		snprintf(path, sizeof(path), "%s/bad/%s/metadata", data,
			 name);
		must(unlink(path) == 0, path);
	}
	snprintf(rel, sizeof(rel), "%s/SPECIAL", name);
	file_text("bad", rel, special);
	snprintf(rel, sizeof(rel), "%s/README", name);
	file_text("bad", rel, readme);
}

static void special_cases(void)
{
	special_case("fifo_stream", "fifo stream_301\n", 0,
		     "stream_301 is a FIFO (made at test time from "
		     "SPECIAL): opening it would wait\nfor a writer "
		     "forever.  Refused with an error naming it, by "
		     "report, plot and export.\n");
	special_case("fifo_metadata", "fifo metadata\n", 1,
		     "metadata is a FIFO (made at test time from SPECIAL): "
		     "refused, no wait.\n");
	special_case("socket_stream", "socket stream_301\n", 0,
		     "stream_301 is a Unix socket (made at test time from "
		     "SPECIAL): refused.\n");
	special_case("dir_stream", "dir stream_301\n", 0,
		     "stream_301 is a directory (made at test time from "
		     "SPECIAL): refused.\n");
	special_case("symlink_stream", "symlink stream_301 /dev/zero\n", 0,
		     "stream_301 is a symbolic link to /dev/zero (made at "
		     "test time from SPECIAL):\nnothing in a trace "
		     "directory is followed; refused without opening the "
		     "device.\n");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: make_cases DATA_DIR\n", stderr);
		return 2;
	}
	data = argv[1];
	good_basic();
	good_net();
	good_damaged();
	good_hostile();
	good_stacks();
	bad_cases();
	special_cases();
	return failed;
}
