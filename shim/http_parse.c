/*
 * http_parse.c - follows HTTP/1.x exchanges byte by byte (see
 * http_parse.h).
 *
 * A request's start line and the Host, Range, Content-Length and
 * Transfer-Encoding headers are read through a bounded line buffer; every
 * other header passes through it unread, and bodies are only counted.
 *
 * Must never: allocate, read past the bytes it is given, keep a header it
 * does not need or a body byte, or loop without consuming input.
 */
#include "http_parse.h"

#include <string.h>
#include <strings.h>

enum { CONN_FOLLOW, CONN_ASIDE, CONN_GIVEN_UP };
enum { REQ_IDLE, REQ_LINE, REQ_HEADERS, REQ_BODY };
enum { RESP_WAIT, RESP_LINE, RESP_HEADERS, RESP_BODY };
enum { BODY_NONE, BODY_LENGTH, BODY_CHUNKED, BODY_UNTIL_END };
enum { CHUNK_SIZE, CHUNK_EXT, CHUNK_DATA, CHUNK_DATA_END, CHUNK_TRAILER };

/* The first byte of a TLS handshake record. */
#define TLS_HANDSHAKE 0x16

void http_conn_init(struct http_conn *c)
{
	memset(c, 0, sizeof(*c));
	c->content_length = -1;
	c->cur.range_start = c->cur.range_end = -1;
}

int http_conn_following(const struct http_conn *c)
{
	return c->mode == CONN_FOLLOW;
}

static unsigned give_up(struct http_conn *c, enum http_skip why)
{
	if (c->mode != CONN_FOLLOW)
		return 0;
	c->mode = CONN_GIVEN_UP;
	c->skip = (uint8_t)why;
	return HTTP_GAVE_UP;
}

/*
 * Takes bytes of the current line (up to and including its '\n') into
 * buf, keeping at most cap - 1 of them; returns how many it consumed and
 * sets *complete when the line ended.  A complete line is NUL-terminated
 * without its CR LF.
 */
static size_t line_take(struct http_side *s, char *buf, size_t cap,
			const uint8_t *p, size_t n, int *complete)
{
	const uint8_t *nl = memchr(p, '\n', n);
	size_t take = nl ? (size_t)(nl - p) + 1 : n;
	size_t room = cap - 1 - s->line_len;
	size_t copy = take < room ? take : room;

	memcpy(buf + s->line_len, p, copy);
	s->line_len = (uint16_t)(s->line_len + copy);
	if (copy < take)
		s->line_over = 1;
	*complete = nl != NULL;
	if (*complete) {
		size_t len = s->line_len;

		while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			len--;
		buf[len] = '\0';
	}
	return take;
}

static void line_reset(struct http_side *s)
{
	s->line_len = 0;
	s->line_over = 0;
}

/* The value of header line `line` if its name is `name` (with the colon,
 * lower case), blanks skipped; NULL otherwise. */
static const char *header_value(const char *line, const char *name)
{
	size_t n = strlen(name);

	if (strncasecmp(line, name, n) != 0)
		return NULL;
	line += n;
	while (*line == ' ' || *line == '\t')
		line++;
	return line;
}

static int64_t parse_u63(const char *s, const char **end)
{
	int64_t v = 0;
	int any = 0;

	while (*s >= '0' && *s <= '9') {
		if (v > (INT64_MAX - 9) / 10) {
			any = 0;
			break;
		}
		v = v * 10 + (*s++ - '0');
		any = 1;
	}
	if (end)
		*end = s;
	return any ? v : -1;
}

/* "bytes=a-b", "bytes=a-" or "bytes=-b": the first range only. */
static void parse_range(struct http_exchange *x, const char *v)
{
	const char *s;

	x->range_start = x->range_end = -1;
	if (strncasecmp(v, "bytes=", 6) != 0)
		return;
	v += 6;
	while (*v == ' ')
		v++;
	x->range_start = parse_u63(v, &s);
	if (*s != '-') {
		x->range_start = -1;
		return;
	}
	x->range_end = parse_u63(s + 1, NULL);
}

static void copy_bounded(char *dst, size_t cap, const char *src, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Whether a Transfer-Encoding value's last coding is chunked (the only
 * case where chunked framing applies). */
static int ends_with_chunked(const char *v)
{
	size_t n = strlen(v);

	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	return n >= 7 && strncasecmp(v + n - 7, "chunked", 7) == 0;
}

/* Headers both directions frame their bodies with. */
static void note_framing(struct http_conn *c, const char *line)
{
	const char *v;

	if ((v = header_value(line, "content-length:")))
		c->content_length = parse_u63(v, NULL);
	else if ((v = header_value(line, "transfer-encoding:")))
		c->chunked = ends_with_chunked(v);
}

/* ---- bodies ---- */

/* Consumes body bytes, adding data bytes to *data; sets *state to 1 when
 * the body ended, -1 when its chunked coding is broken. */
static size_t body_feed(struct http_body *b, const uint8_t *p, size_t n,
			uint64_t *data, int *state)
{
	size_t used = 0, take;

	*state = 0;
	switch (b->mode) {
	case BODY_LENGTH:
		take = n < b->left ? n : (size_t)b->left;
		b->left -= take;
		*data += take;
		*state = b->left == 0;
		return take;
	case BODY_UNTIL_END:
		*data += n;
		return n;
	case BODY_CHUNKED:
		break;
	default:
		*state = 1;
		return 0;
	}
	while (used < n && *state == 0) {
		uint8_t ch = p[used];
		int digit = -1;

		switch (b->chunk) {
		case CHUNK_SIZE:
			if (ch >= '0' && ch <= '9')
				digit = ch - '0';
			else if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f')
				digit = (ch | 0x20) - 'a' + 10;
			if (digit >= 0) {
				if (b->left > (UINT64_MAX >> 4)) {
					*state = -1;
					return used;
				}
				b->left = b->left * 16 + (uint64_t)digit;
				used++;
				break;
			}
			if (ch != ';' && ch != ' ' && ch != '\t' &&
			    ch != '\r' && ch != '\n') {
				*state = -1;
				return used;
			}
			b->chunk = CHUNK_EXT;
			break; /* the same byte again, as an extension */
		case CHUNK_EXT:
			used++;
			if (ch != '\n')
				break;
			if (b->left == 0) {
				b->chunk = CHUNK_TRAILER;
				b->line_empty = 1;
			} else {
				b->chunk = CHUNK_DATA;
			}
			break;
		case CHUNK_DATA:
			take = n - used < b->left ? n - used : (size_t)b->left;
			b->left -= take;
			*data += take;
			used += take;
			if (b->left == 0)
				b->chunk = CHUNK_DATA_END;
			break;
		case CHUNK_DATA_END:
			used++;
			if (ch == '\n')
				b->chunk = CHUNK_SIZE;
			else if (ch != '\r') {
				*state = -1;
				return used;
			}
			break;
		default: /* CHUNK_TRAILER: header lines up to an empty one */
			used++;
			if (ch == '\n') {
				if (b->line_empty)
					*state = 1;
				b->line_empty = 1;
			} else if (ch != '\r') {
				b->line_empty = 0;
			}
			break;
		}
	}
	return used;
}

static void body_start(struct http_body *b, int mode, uint64_t length)
{
	memset(b, 0, sizeof(*b));
	b->mode = (uint8_t)mode;
	b->left = length;
}

/* ---- the request side ---- */

static int is_token_char(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || ch == '-' || ch == '_';
}

/* Whether the start of a request line seen so far can be HTTP's: a
 * method of capital letters followed by a space. */
static int method_plausible(const struct http_conn *c)
{
	for (size_t i = 0; i < c->req.line_len; i++) {
		char ch = c->req_line[i];

		if (ch == ' ')
			return i > 0;
		if (i + 1 >= HTTP_METHOD_MAX || !is_token_char(ch))
			return 0;
	}
	return 1;
}

static unsigned request_line(struct http_conn *c)
{
	const char *line = c->req_line;
	const char *sp1 = strchr(line, ' '), *sp2, *version;
	size_t target_len;

	if (!sp1)
		return give_up(c, HTTP_SKIP_NOT_HTTP);
	sp2 = strchr(sp1 + 1, ' ');
	if (sp2) {
		version = sp2 + 1;
		target_len = (size_t)(sp2 - sp1 - 1);
	} else {
		version = NULL;
		target_len = strlen(sp1 + 1);
	}
	/* A line cut by the buffer lost its version: take the method's
	 * word for it. */
	if (!c->req.line_over) {
		if (!version)
			return give_up(c, HTTP_SKIP_NOT_HTTP);
		if (strcmp(version, "HTTP/2.0") == 0)
			return give_up(c, HTTP_SKIP_HTTP2);
		if (strcmp(version, "HTTP/1.1") != 0 &&
		    strcmp(version, "HTTP/1.0") != 0)
			return give_up(c, HTTP_SKIP_NOT_HTTP);
	}
	copy_bounded(c->cur.method, sizeof(c->cur.method), line,
		     (size_t)(sp1 - line));
	if (strcmp(c->cur.method, "CONNECT") == 0)
		return give_up(c, HTTP_SKIP_TUNNEL);
	copy_bounded(c->cur.target, sizeof(c->cur.target), sp1 + 1,
		     target_len);
	c->is_head = strcmp(c->cur.method, "HEAD") == 0;
	c->chunked = 0;
	c->content_length = -1;
	c->req.state = REQ_HEADERS;
	return 0;
}

static void request_header(struct http_conn *c)
{
	const char *line = c->req_line, *v;

	if ((v = header_value(line, "host:")))
		copy_bounded(c->cur.host, sizeof(c->cur.host), v, strlen(v));
	else if ((v = header_value(line, "range:")))
		parse_range(&c->cur, v);
	else
		note_framing(c, line);
}

static void request_headers_end(struct http_conn *c)
{
	if (c->chunked) {
		body_start(&c->req.body, BODY_CHUNKED, 0);
		c->req.state = REQ_BODY;
	} else if (c->content_length > 0) {
		body_start(&c->req.body, BODY_LENGTH,
			   (uint64_t)c->content_length);
		c->req.state = REQ_BODY;
	} else {
		c->req.state = REQ_IDLE;
	}
}

/* A new request's first byte. */
static unsigned request_start(struct http_conn *c, uint8_t first,
			      uint64_t now_ns)
{
	if (c->exchanges == 0 && !c->in_exchange && first == TLS_HANDSHAKE) {
		/* Ciphertext: its TLS library's boundary shows it. */
		c->mode = CONN_ASIDE;
		return 0;
	}
	if (c->in_exchange)
		return give_up(c, HTTP_SKIP_PIPELINED);
	memset(&c->cur, 0, sizeof(c->cur));
	c->cur.range_start = c->cur.range_end = -1;
	c->cur.start_ns = now_ns;
	c->cur.index = c->exchanges;
	c->in_exchange = 1;
	c->interim = 0;
	c->resp.state = RESP_WAIT;
	c->req.state = REQ_LINE;
	line_reset(&c->req);
	return HTTP_STARTED;
}

unsigned http_conn_sent(struct http_conn *c, const uint8_t *p, size_t n,
			uint64_t now_ns)
{
	unsigned r = 0;

	while (n > 0 && c->mode == CONN_FOLLOW) {
		size_t used = 0;
		int complete, state;

		switch (c->req.state) {
		case REQ_IDLE:
			r |= request_start(c, p[0], now_ns);
			break;
		case REQ_LINE:
			used = line_take(&c->req, c->req_line,
					 sizeof(c->req_line), p, n, &complete);
			if (!method_plausible(c))
				r |= give_up(c, HTTP_SKIP_NOT_HTTP);
			else if (complete)
				r |= request_line(c);
			if (complete)
				line_reset(&c->req);
			break;
		case REQ_HEADERS:
			used = line_take(&c->req, c->req_line,
					 sizeof(c->req_line), p, n, &complete);
			if (!complete)
				break;
			if (c->req_line[0] == '\0')
				request_headers_end(c);
			else
				request_header(c);
			line_reset(&c->req);
			break;
		default: /* REQ_BODY: counted by nobody, only skipped */
		{
			uint64_t ignored = 0;

			used = body_feed(&c->req.body, p, n, &ignored, &state);
			if (state < 0)
				r |= give_up(c, HTTP_SKIP_NOT_HTTP);
			else if (state > 0)
				c->req.state = REQ_IDLE;
			break;
		}
		}
		p += used;
		n -= used;
	}
	return r;
}

/* ---- the response side ---- */

static unsigned finish(struct http_conn *c, uint64_t now_ns, int cut)
{
	c->cur.end_ns = now_ns;
	c->cur.cut = (uint8_t)cut;
	c->exchanges++;
	c->in_exchange = 0;
	c->resp.state = RESP_WAIT;
	return HTTP_DONE;
}

static int status_prefix_ok(const struct http_conn *c)
{
	static const char want[] = "HTTP/1.";
	size_t n = c->resp.line_len < 7 ? c->resp.line_len : 7;

	return memcmp(c->resp_line, want, n) == 0;
}

static unsigned status_line(struct http_conn *c)
{
	const char *s = c->resp_line + 7;
	int64_t status;

	if (*s != '0' && *s != '1')
		return give_up(c, HTTP_SKIP_NOT_HTTP);
	s++;
	if (*s != ' ')
		return give_up(c, HTTP_SKIP_NOT_HTTP);
	status = parse_u63(s + 1, NULL);
	if (status < 100 || status > 999)
		return give_up(c, HTTP_SKIP_NOT_HTTP);
	if (status == 101)
		return give_up(c, HTTP_SKIP_UPGRADE);
	c->cur.status = (uint16_t)status;
	c->interim = status < 200;
	c->chunked = 0;
	c->content_length = -1;
	c->resp.state = RESP_HEADERS;
	return 0;
}

static unsigned response_headers_end(struct http_conn *c, uint64_t now_ns)
{
	uint16_t status = c->cur.status;

	if (c->interim) {
		c->resp.state = RESP_LINE;
		return 0;
	}
	if (c->is_head || status == 204 || status == 304)
		return finish(c, now_ns, 0);
	if (c->chunked)
		body_start(&c->resp.body, BODY_CHUNKED, 0);
	else if (c->content_length == 0)
		return finish(c, now_ns, 0);
	else if (c->content_length > 0)
		body_start(&c->resp.body, BODY_LENGTH,
			   (uint64_t)c->content_length);
	else
		body_start(&c->resp.body, BODY_UNTIL_END, 0);
	c->resp.state = RESP_BODY;
	return 0;
}

unsigned http_conn_received(struct http_conn *c, const uint8_t *p,
			    size_t n, uint64_t now_ns)
{
	unsigned r = 0;

	while (n > 0 && c->mode == CONN_FOLLOW) {
		size_t used = 0;
		int complete, state;

		switch (c->resp.state) {
		case RESP_WAIT:
			if (!c->in_exchange)
				/* The server spoke unasked. */
				return r | give_up(c, HTTP_SKIP_NOT_HTTP);
			c->cur.first_byte_ns = now_ns;
			c->resp.state = RESP_LINE;
			line_reset(&c->resp);
			break;
		case RESP_LINE:
			used = line_take(&c->resp, c->resp_line,
					 sizeof(c->resp_line), p, n,
					 &complete);
			if (!status_prefix_ok(c))
				r |= give_up(c, HTTP_SKIP_NOT_HTTP);
			else if (complete)
				r |= status_line(c);
			if (complete)
				line_reset(&c->resp);
			break;
		case RESP_HEADERS:
			used = line_take(&c->resp, c->resp_line,
					 sizeof(c->resp_line), p, n,
					 &complete);
			if (!complete)
				break;
			if (c->resp_line[0] == '\0')
				r |= response_headers_end(c, now_ns);
			else
				note_framing(c, c->resp_line);
			line_reset(&c->resp);
			break;
		default: /* RESP_BODY */
			used = body_feed(&c->resp.body, p, n, &c->cur.bytes,
					 &state);
			if (state < 0)
				r |= give_up(c, HTTP_SKIP_NOT_HTTP);
			else if (state > 0)
				r |= finish(c, now_ns, 0);
			break;
		}
		p += used;
		n -= used;
	}
	return r;
}

unsigned http_conn_ended(struct http_conn *c, uint64_t now_ns)
{
	if (c->mode != CONN_FOLLOW || !c->in_exchange)
		return 0;
	c->mode = CONN_ASIDE;
	return finish(c, now_ns,
		      !(c->resp.state == RESP_BODY &&
			c->resp.body.mode == BODY_UNTIL_END));
}
