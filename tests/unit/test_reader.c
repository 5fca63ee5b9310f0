/*
 * test_reader.c - traces written with the shim's writer (through
 * trace_gen) read back: every field, the merge of streams, truncated
 * files, corrupt packets, foreign directories.
 */
#include <fcntl.h>
#include <stddef.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace_find.h"
#include "trace_gen.h"
#include "trace_reader.h"
#include "unit.h"

static char root[4096];

/* A trace of two threads: thread 1 reads at even ns, thread 2 at odd. */
static void write_two_threads(const char *name, unsigned reads)
{
	struct h5snoop_trace_env env;
	struct trace_stream a, b;
	struct tgen g;
	struct tgen_http h = {.read_seq = 1, .range_start = 0,
			      .range_end = 99, .bytes = 100, .status = 206,
			      .duration_ns = 50, .method = "GET",
			      .url = "http://h/x_y.h5?<redacted>"};

	tgen_default_env(&env, 77, "lab");
	CHECK(tgen_create(&g, root, name, &env) == 0);
	CHECK(tgen_stream(&g, &a, 1, 4096) == 0);
	CHECK(tgen_stream(&g, &b, 2, 4096) == 0);
	CHECK(tgen_file_open(&a, 10, 1, 1000000, 5, "ros3",
			     "http://h/x_y.h5?<redacted>") == 0);
	for (unsigned i = 0; i < reads; i++) {
		CHECK(tgen_vfd_read(i % 2 ? &b : &a, 100 + i, i + 1, 1, 3,
				    i * 100u, 100, 60) == 0);
	}
	CHECK(tgen_http_request(&a, 100000, &h) == 0);
	trace_stream_close(&a);
	trace_stream_close(&b);
	tgen_close(&g);
}

static int read_all(const char *path, struct h5snoop_error *err,
		    uint64_t *events)
{
	const struct trace_event *ev;
	struct trace t;
	uint64_t last = 0;
	int rc;

	memset(err, 0, sizeof(*err));
	*events = 0;
	if (trace_open(&t, path, err) != H5SNOOP_OK)
		return -1;
	while ((rc = trace_next(&t, &ev, err)) > 0) {
		CHECK(ev->ts >= last);
		last = ev->ts;
		(*events)++;
	}
	trace_close(&t);
	return rc;
}

static void test_round_trip(void)
{
	char path[4200];
	const struct trace_event *ev;
	struct h5snoop_error err = {0};
	struct trace t;
	unsigned n = 0;

	write_two_threads("rt", 300);
	snprintf(path, sizeof(path), "%s/rt", root);
	CHECK(trace_open(&t, path, &err) == H5SNOOP_OK);
	CHECK_EQ_U64(t.n_streams, 2);
	CHECK_STR(t.meta.label, "lab");
	while (trace_next(&t, &ev, &err) > 0) {
		if (n == 0) {
			CHECK(ev->id == H5SNOOP_EV_file_open);
			CHECK_EQ_U64(ev->u.file_open->size, 1000000);
			CHECK_STR(ev->var[0], "ros3");
			CHECK_STR(ev->var[1], "http://h/x_y.h5?<redacted>");
			CHECK_EQ_U64(ev->var_len[0], 4);
		} else if (n <= 300) {
			/* Merged in time order across the two streams. */
			CHECK(ev->id == H5SNOOP_EV_vfd_read);
			CHECK_EQ_U64(ev->ts, 100 + n - 1);
			CHECK_EQ_U64(ev->u.vfd_read->seq, n);
			CHECK_EQ_U64(ev->u.vfd_read->offset, (n - 1) * 100u);
			CHECK_EQ_U64(ev->tid, (n - 1) % 2 ? 2 : 1);
			CHECK_EQ_U64(ev->u.vfd_read->mem_type, 3);
		} else {
			CHECK(ev->id == H5SNOOP_EV_http_request);
			CHECK_EQ_U64(ev->u.http_request->range_end, 99);
			CHECK_EQ_U64(ev->u.http_request->http_status, 206);
			CHECK_STR(ev->var[0], "GET");
		}
		n++;
	}
	CHECK_EQ_U64(n, 302);
	CHECK(err.message[0] == '\0');
	CHECK_EQ_U64(err.n_warnings, 0);
	CHECK_EQ_U64(trace_discarded(&t), 0);
	trace_close(&t);
}

/* Cuts stream_1 of trace `name` to `bytes`. */
static void cut(const char *name, off_t bytes)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s/stream_1", root, name);
	CHECK(truncate(path, bytes) == 0);
}

/* Overwrites bytes of stream_1 of trace `name` at `off`. */
static void poke(const char *name, off_t off, const void *bytes,
		 size_t len)
{
	char path[4200];
	int fd;

	snprintf(path, sizeof(path), "%s/%s/stream_1", root, name);
	fd = open(path, O_WRONLY);
	CHECK(fd >= 0);
	CHECK(pwrite(fd, bytes, len, off) == (ssize_t)len);
	close(fd);
}

/*
 * The events of intact trace `path` that a cut of its stream_1 at byte
 * `at` leaves whole: all of the other streams', and those of stream_1
 * that end before the cut, i.e. whose successor in stream_1 starts at or
 * before it (events are packed).  The last event of stream_1 must start
 * after the cut, so that it is lost whatever its size.
 */
static uint64_t events_before_cut(const char *path, uint64_t at)
{
	const struct trace_event *ev;
	struct h5snoop_error err = {0};
	struct trace t;
	uint64_t n = 0, last = 0;

	CHECK(trace_open(&t, path, &err) == H5SNOOP_OK);
	while (trace_next(&t, &ev, &err) > 0) {
		if (ev->tid != 1) {
			n++;
			continue;
		}
		/* The previous event of stream_1 ends here. */
		if (last != 0 && ev->file_offset <= at)
			n++;
		last = ev->file_offset;
	}
	trace_close(&t);
	CHECK(last > at);
	return n;
}

static void test_truncated(void)
{
	char path[4200], where[128];
	struct h5snoop_error err;
	uint64_t events, whole, at = 4096 + 500;

	/* 200 reads: stream_1 holds the open, 100 reads, the request in
	 * two 4 KiB packets; cut in the middle of the second one. */
	write_two_threads("cut", 200);
	snprintf(path, sizeof(path), "%s/cut", root);
	whole = events_before_cut(path, at);
	cut("cut", (off_t)at);
	CHECK(read_all(path, &err, &events) == 0);
	CHECK_EQ_U64(events, whole);
	CHECK(events > 100 && events < 202); /* some of stream_1 lost */
	CHECK_EQ_U64(err.n_warnings, 1);
	snprintf(where, sizeof(where),
		 "stream_1: file ends inside a packet at offset %llu "
		 "(packet 1)",
		 (unsigned long long)at);
	CHECK(strstr(err.warnings[0], where) != NULL);

	/* Cut inside the first packet header. */
	write_two_threads("cut2", 10);
	cut("cut2", 30);
	snprintf(path, sizeof(path), "%s/cut2", root);
	CHECK(read_all(path, &err, &events) == 0);
	CHECK_EQ_U64(events, 5); /* thread 2's reads only */
	CHECK(strstr(err.warnings[0], "inside a packet header") != NULL);
}

static void test_corrupt(void)
{
	char path[4200];
	struct h5snoop_error err;
	uint64_t events, big = 8u * 8192u, bad_id = 0xEE;
	uint32_t magic = 0xdeadbeef;
	/* Where the packet header's content_size and the first event's id
	 * lie in a stream file, from the schema's structs. */
	size_t content_size =
		offsetof(struct h5snoop_packet_header, content_size);
	size_t first_id = sizeof(struct h5snoop_packet_header) +
			  offsetof(struct h5snoop_event_header, id);
	char want[128];

	write_two_threads("magic", 10);
	poke("magic", 0, &magic, sizeof(magic));
	snprintf(path, sizeof(path), "%s/magic", root);
	CHECK(read_all(path, &err, &events) < 0);
	CHECK(strstr(err.message, "/magic/stream_1: packet 0 at offset 0: "
				  "bad magic 0xdeadbeef") != NULL);

	write_two_threads("size", 10);
	poke("size", (off_t)content_size, &big, sizeof(big));
	snprintf(path, sizeof(path), "%s/size", root);
	CHECK(read_all(path, &err, &events) < 0);
	CHECK(strstr(err.message, "content_size exceeds packet_size") !=
	      NULL);

	write_two_threads("id", 10);
	poke("id", (off_t)first_id, &bad_id, 1);
	snprintf(path, sizeof(path), "%s/id", root);
	CHECK(read_all(path, &err, &events) < 0);
	snprintf(want, sizeof(want),
		 "packet 0 at offset %zu: unknown event id %llu", first_id,
		 (unsigned long long)bad_id);
	CHECK(strstr(err.message, want) != NULL);
}

/* A bare "stream_" is not a stream file: listing and reading ignore it. */
static void test_stream_names(void)
{
	char path[4200];
	struct h5snoop_error err;
	uint64_t plain, with_bare;
	int fd;

	CHECK(trace_is_stream_file(-1, "stream_1"));
	CHECK(trace_is_stream_file(-1, "stream_x"));
	CHECK(!trace_is_stream_file(-1, "stream_"));
	CHECK(!trace_is_stream_file(-1, "metadata"));
	CHECK(!trace_is_stream_file(-1, "stream"));

	write_two_threads("plain", 10);
	write_two_threads("bare", 10);
	snprintf(path, sizeof(path), "%s/bare/stream_", root);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	CHECK(fd >= 0);
	close(fd);
	snprintf(path, sizeof(path), "%s/plain", root);
	CHECK(read_all(path, &err, &plain) == 0);
	snprintf(path, sizeof(path), "%s/bare", root);
	CHECK(read_all(path, &err, &with_bare) == 0);
	CHECK_EQ_U64(with_bare, plain);
	CHECK_EQ_U64(err.n_warnings, 0);
}

static void test_find(void)
{
	char path[4200], *args[1] = {path};
	struct h5snoop_error err = {0};
	struct trace_list l;
	int fd;

	/* A parent directory holding traces and a foreign directory. */
	snprintf(path, sizeof(path), "%s/other", root);
	CHECK(mkdir(path, 0700) == 0);
	snprintf(path, sizeof(path), "%s/other/metadata", root);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	CHECK(write(fd, "/* CTF 1.8 */\n", 14) == 14);
	close(fd);
	snprintf(path, sizeof(path), "%s", root);
	CHECK(trace_find(args, 1, &l, &err) == H5SNOOP_OK);
	CHECK(l.n >= 2);
	trace_list_free(&l);
	/* Asked for by name, the foreign one is an error. */
	snprintf(path, sizeof(path), "%s/other", root);
	CHECK(trace_find(args, 1, &l, &err) == H5SNOOP_ERROR);
	CHECK(strstr(err.message, "not an h5snoop trace") != NULL);
	trace_list_free(&l);
}

int main(void)
{
	unit_tmpdir(root, sizeof(root));
	test_round_trip();
	test_truncated();
	test_corrupt();
	test_stream_names();
	test_find();
	if (!unit_failures)
		unit_rmtree(root);
	return unit_done("test_reader");
}
