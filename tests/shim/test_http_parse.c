/*
 * test_http_parse.c - the net layer's HTTP/1.x follower (shim/http_parse.c)
 * fed the way programs feed it: whole messages, one byte at a time, and
 * every split in between; with Content-Length, chunked and until-close
 * bodies, HEAD, 1xx, and each form it must give up on.
 */
#include <stdint.h>
#include <string.h>

#include "http_parse.h"
#include "../unit/unit.h"

/* Feeds `text` in pieces of `step` bytes (0: whole); returns the OR of
 * the result bits. */
static unsigned feed(struct http_conn *c, int sent, const char *text,
		     size_t step, uint64_t now_ns)
{
	size_t n = strlen(text);
	unsigned bits = 0;

	if (step == 0)
		step = n ? n : 1;
	for (size_t i = 0; i < n; i += step) {
		size_t k = n - i < step ? n - i : step;
		const uint8_t *p = (const uint8_t *)text + i;

		bits |= sent ? http_conn_sent(c, p, k, now_ns)
			     : http_conn_received(c, p, k, now_ns);
	}
	return bits;
}

static const char get_req[] =
	"GET /data/a.h5?X-Amz-Signature=s HTTP/1.1\r\n"
	"Host: example.org:8080\r\n"
	"User-Agent: t\r\n"
	"Authorization: Bearer secret\r\n"
	"Range: bytes=100-1099\r\n"
	"\r\n";
static const char resp_len[] =
	"HTTP/1.1 206 Partial Content\r\n"
	"Content-Range: bytes 100-1099/5000\r\n"
	"Content-Length: 1000\r\n"
	"\r\n";

static void body(struct http_conn *c, size_t n, size_t step, uint64_t t,
		 unsigned *bits)
{
	static char chunk[4096];

	memset(chunk, 'x', sizeof(chunk) - 1);
	while (n > 0) {
		size_t k = n < step ? n : step;

		*bits |= http_conn_received(c, (const uint8_t *)chunk, k, t);
		n -= k;
	}
}

static void content_length_every_split(void)
{
	for (size_t step = 0; step <= 7; step++) {
		struct http_conn c;
		unsigned bits;

		http_conn_init(&c);
		bits = feed(&c, 1, get_req, step, 10);
		CHECK(bits == HTTP_STARTED);
		bits = feed(&c, 0, resp_len, step, 20);
		CHECK(bits == 0);
		body(&c, 999, step ? step : 999, 25, &bits);
		CHECK(bits == 0);
		body(&c, 1, 1, 30, &bits);
		CHECK(bits == HTTP_DONE);
		CHECK_STR(c.cur.method, "GET");
		CHECK_STR(c.cur.target, "/data/a.h5?X-Amz-Signature=s");
		CHECK_STR(c.cur.host, "example.org:8080");
		CHECK_EQ_U64(c.cur.range_start, 100);
		CHECK_EQ_U64(c.cur.range_end, 1099);
		CHECK_EQ_U64(c.cur.status, 206);
		CHECK_EQ_U64(c.cur.bytes, 1000);
		CHECK_EQ_U64(c.cur.start_ns, 10);
		CHECK_EQ_U64(c.cur.first_byte_ns, 20);
		CHECK_EQ_U64(c.cur.end_ns, 30);
		CHECK_EQ_U64(c.cur.index, 0);
		CHECK(!c.cur.cut);
		CHECK(http_conn_following(&c));
		/* The same connection again: a reused one. */
		CHECK(feed(&c, 1, "HEAD /b HTTP/1.1\r\nHost: h\r\n\r\n", step,
			   40) == HTTP_STARTED);
		CHECK(feed(&c, 0, "HTTP/1.1 200 OK\r\nContent-Length: 77\r\n"
				  "\r\n", step, 50) == HTTP_DONE);
		CHECK_STR(c.cur.method, "HEAD");
		CHECK_EQ_U64(c.cur.bytes, 0);
		CHECK_EQ_U64(c.cur.index, 1);
		CHECK_EQ_U64(c.cur.range_start, (uint64_t)-1);
	}
}

static void chunked_and_interim(void)
{
	static const char resp[] =
		"HTTP/1.1 100 Continue\r\n\r\n"
		"HTTP/1.1 200 OK\r\n"
		"Transfer-Encoding: gzip, chunked\r\n"
		"\r\n"
		"5;ext=1\r\nhello\r\n"
		"1A\r\nabcdefghijklmnopqrstuvwxyz\r\n"
		"0\r\nTrailer: x\r\n\r\n";

	for (size_t step = 0; step <= 5; step++) {
		struct http_conn c;

		http_conn_init(&c);
		CHECK(feed(&c, 1, "POST /u HTTP/1.1\r\nHost: h\r\n"
				  "Content-Length: 4\r\n\r\nbody",
			   step, 1) == HTTP_STARTED);
		CHECK(feed(&c, 0, resp, step, 2) == HTTP_DONE);
		CHECK_EQ_U64(c.cur.status, 200);
		CHECK_EQ_U64(c.cur.bytes, 31);
		CHECK(http_conn_following(&c));
	}
}

static void until_close(void)
{
	struct http_conn c;

	http_conn_init(&c);
	feed(&c, 1, "GET / HTTP/1.0\r\n\r\n", 0, 1);
	CHECK(feed(&c, 0, "HTTP/1.0 200 OK\r\n\r\nabc", 0, 2) == 0);
	CHECK(http_conn_ended(&c, 3) == HTTP_DONE);
	CHECK_EQ_U64(c.cur.bytes, 3);
	CHECK(!c.cur.cut);
	CHECK_STR(c.cur.host, "");

	/* Cut short: recorded as such. */
	http_conn_init(&c);
	feed(&c, 1, get_req, 0, 1);
	feed(&c, 0, resp_len, 0, 2);
	CHECK(http_conn_ended(&c, 3) == HTTP_DONE);
	CHECK(c.cur.cut);
	CHECK(!http_conn_following(&c));
}

static void gives_up(const char *sent, const char *received,
		     enum http_skip why)
{
	for (size_t step = 0; step <= 3; step++) {
		struct http_conn c;
		unsigned bits;

		http_conn_init(&c);
		bits = feed(&c, 1, sent, step, 1);
		if (received)
			bits |= feed(&c, 0, received, step, 2);
		CHECK(bits & HTTP_GAVE_UP);
		CHECK_EQ_U64(c.skip, why);
		CHECK(!http_conn_following(&c));
		/* Once only, and nothing more is looked at. */
		CHECK(feed(&c, 1, get_req, 0, 3) == 0);
	}
}

static void forms_left_alone(void)
{
	gives_up("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", NULL, HTTP_SKIP_HTTP2);
	gives_up("CONNECT example.org:443 HTTP/1.1\r\n\r\n", NULL,
		 HTTP_SKIP_TUNNEL);
	gives_up("\x01\x02binary", NULL, HTTP_SKIP_NOT_HTTP);
	gives_up("get / HTTP/1.1\r\n", NULL, HTTP_SKIP_NOT_HTTP);
	gives_up("GET / SPDY/3\r\n", NULL, HTTP_SKIP_NOT_HTTP);
	gives_up("GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
		 "GET /b HTTP/1.1\r\nHost: h\r\n\r\n",
		 NULL, HTTP_SKIP_PIPELINED);
	gives_up("GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n",
		 "HTTP/1.1 101 Switching Protocols\r\n\r\n",
		 HTTP_SKIP_UPGRADE);
	gives_up("GET / HTTP/1.1\r\n\r\n", "SSH-2.0-OpenSSH\r\n",
		 HTTP_SKIP_NOT_HTTP);
	gives_up("GET / HTTP/1.1\r\n\r\n",
		 "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		 HTTP_SKIP_NOT_HTTP);
}

static void tls_stands_aside(void)
{
	struct http_conn c;
	static const uint8_t hello[] = {0x16, 0x03, 0x01, 0x02, 0x00};

	http_conn_init(&c);
	CHECK(http_conn_sent(&c, hello, sizeof(hello), 1) == 0);
	CHECK(!http_conn_following(&c));
	CHECK_EQ_U64(c.skip, HTTP_SKIP_NONE);
}

static void long_target_is_cut(void)
{
	static char req[3 * HTTP_TARGET_MAX];
	struct http_conn c;
	size_t n;

	strcpy(req, "GET /");
	n = strlen(req);
	memset(req + n, 'p', 2 * HTTP_TARGET_MAX);
	strcpy(req + n + 2 * HTTP_TARGET_MAX, " HTTP/1.1\r\nHost: h\r\n\r\n");
	http_conn_init(&c);
	CHECK(feed(&c, 1, req, 0, 1) == HTTP_STARTED);
	CHECK(feed(&c, 0, "HTTP/1.1 204 No Content\r\n\r\n", 0, 2) ==
	      HTTP_DONE);
	CHECK_EQ_U64(strlen(c.cur.target), HTTP_TARGET_MAX - 1);
	CHECK_STR(c.cur.host, "h");
}

int main(void)
{
	content_length_every_split();
	chunked_and_interim();
	until_close();
	forms_left_alone();
	tls_stands_aside();
	long_target_is_cut();
	return unit_done("test_http_parse");
}
