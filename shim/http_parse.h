/*
 * http_parse.h - an incremental HTTP/1.x client-side exchange follower.
 *
 * The net layer feeds it the bytes a connection sends and receives, in
 * whatever pieces the program's calls carry (one byte at a time works),
 * and learns from it when a request started and when its response ended.
 * It keeps only what an http_request event needs: the method, the request
 * target, the Host and Range values, the status, body byte counts and four
 * times.  It never keeps another header or any body byte.
 *
 * What it does not follow (HTTP/2, a CONNECT tunnel, an Upgrade, a second
 * request sent before the first response ended, anything that is not
 * HTTP/1.x) makes it give up on the connection, once, with a reason; TLS
 * records seen in clear (the bytes of a TLS library, followed at its own
 * boundary) make it stand aside silently.
 *
 * Memory: a struct http_conn is fixed-size; nothing is allocated.  Not
 * thread-safe: one connection is fed under its owner's lock.
 */
#ifndef H5SNOOP_HTTP_PARSE_H
#define H5SNOOP_HTTP_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define HTTP_METHOD_MAX 16u
#define HTTP_TARGET_MAX 1024u
#define HTTP_HOST_MAX 256u
/* A header or start line is looked at through its first bytes only: a
 * request line needs room for its target, a response line much less. */
#define HTTP_REQ_LINE_MAX (HTTP_TARGET_MAX + 64u)
#define HTTP_RESP_LINE_MAX 128u

/* Why a connection was left alone (values of net_unparsed.reason). */
enum http_skip {
	HTTP_SKIP_NONE = 0,
	HTTP_SKIP_NOT_HTTP = 1,  /* bytes that are not HTTP/1.x */
	HTTP_SKIP_HTTP2 = 2,     /* the HTTP/2 preface */
	HTTP_SKIP_TUNNEL = 3,    /* CONNECT: a proxy tunnel follows */
	HTTP_SKIP_UPGRADE = 4,   /* 101 Switching Protocols */
	HTTP_SKIP_PIPELINED = 5, /* a request before the last response */
	HTTP_SKIP_TOO_MANY = 6,  /* the connection table was full */
	HTTP_SKIP_COUNT
};

/* One exchange: set up by the parser, read_seq/read_tid by its caller. */
struct http_exchange {
	char method[HTTP_METHOD_MAX];
	char target[HTTP_TARGET_MAX]; /* as sent, cut to fit */
	char host[HTTP_HOST_MAX];     /* the Host value; "" if none */
	int64_t range_start;          /* Range: bytes=a-b; -1 if none */
	int64_t range_end;            /* inclusive; -1 if none/open */
	uint16_t status;              /* final status; 0 before one */
	uint64_t bytes;               /* body bytes received */
	uint64_t start_ns;            /* request's first byte sent */
	uint64_t first_byte_ns;       /* response's first byte received */
	uint64_t end_ns;              /* response's last byte received */
	uint32_t index;               /* 0: first on its connection */
	uint8_t cut;                  /* the connection ended before the
				       * response did */
	uint32_t read_seq;
	uint32_t read_tid;
};

/* Skipping a body: by length, chunked, or until the connection ends. */
struct http_body {
	uint8_t mode;    /* BODY_* in http_parse.c */
	uint8_t chunk;   /* chunked-coding sub-state */
	uint8_t line_empty;
	uint64_t left;   /* bytes of the body or of the chunk left */
};

/* One direction's parse state (its line buffer lives in http_conn). */
struct http_side {
	uint8_t state;
	uint8_t line_over; /* the current line was longer than the buffer */
	uint16_t line_len;
	struct http_body body;
};

struct http_conn {
	uint8_t mode;      /* CONN_* in http_parse.c */
	uint8_t skip;      /* enum http_skip once given up */
	uint8_t is_head;   /* the request in flight is a HEAD */
	uint8_t chunked;   /* header flags of the message being parsed */
	uint8_t in_exchange; /* a request started, its response not ended */
	uint8_t interim;   /* the response being parsed is a 1xx */
	int64_t content_length; /* -1 if none */
	uint32_t exchanges;     /* finished on this connection */
	struct http_side req, resp;
	char req_line[HTTP_REQ_LINE_MAX];
	char resp_line[HTTP_RESP_LINE_MAX];
	struct http_exchange cur; /* in flight, or the last one finished */
};

/* What a feed call found (bits). */
#define HTTP_STARTED 1u /* a request began: fill cur.read_seq/read_tid */
#define HTTP_DONE 2u    /* an exchange ended: `cur` holds it */
#define HTTP_GAVE_UP 4u /* the connection is left alone from now on;
			 * `skip` says why (first time only) */

/* Starts following a fresh connection. */
void http_conn_init(struct http_conn *c);

/* Bytes the client sent at time now_ns.  Returns HTTP_* bits. */
unsigned http_conn_sent(struct http_conn *c, const uint8_t *p, size_t n,
			uint64_t now_ns);

/* Bytes the client received at time now_ns.  Returns HTTP_* bits. */
unsigned http_conn_received(struct http_conn *c, const uint8_t *p,
			    size_t n, uint64_t now_ns);

/* The connection ended (EOF or close) at now_ns: a body that runs until
 * the end is complete.  Returns HTTP_DONE or 0. */
unsigned http_conn_ended(struct http_conn *c, uint64_t now_ns);

/* 1 while the connection is still followed (not given up or aside). */
int http_conn_following(const struct http_conn *c);

#endif
