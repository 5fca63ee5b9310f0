/*
 * trace_meta.c - the small reader of h5snoop's TSDL metadata (see
 * trace_meta.h).
 *
 * Must never: read past `len`, trust a length or a number from the file,
 * or print.
 */
#include "trace_meta.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "h5snoop/trace_schema.h"
#include "open_regular.h"

#define CTF_FIRST_LINE "/* CTF 1.8 */"

enum tok_type { TOK_END, TOK_IDENT, TOK_STRING, TOK_INT, TOK_PUNCT };

struct lexer {
	const char *start, *p, *end;
	const char *path;
	struct h5snoop_error *err;
	int failed;
};

struct token {
	enum tok_type type;
	const char *text; /* TOK_IDENT, TOK_PUNCT: in the input */
	size_t len;
	long long num;    /* TOK_INT */
	char str[4096];   /* TOK_STRING, unescaped, cut to fit */
	size_t offset;    /* of the token in the file */
};

enum block { BLOCK_NONE, BLOCK_TRACE, BLOCK_ENV, BLOCK_CLOCK };

static int lex_fail(struct lexer *lx, const char *at, const char *what)
{
	if (!lx->failed)
		diag_fail(lx->err, "%s/%s: offset %zu: %s", lx->path,
			  H5SNOOP_METADATA_FILE, (size_t)(at - lx->start),
			  what);
	lx->failed = 1;
	return -1;
}

static int is_ident_char(char c, int first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       (!first && ((c >= '0' && c <= '9') || c == '.'));
}

/* Skips blanks and comments; -1 on an unterminated comment. */
static int skip_space(struct lexer *lx)
{
	while (lx->p < lx->end) {
		if (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\n' ||
		    *lx->p == '\r') {
			lx->p++;
		} else if (lx->end - lx->p >= 2 && lx->p[0] == '/' &&
			   lx->p[1] == '*') {
			const char *close =
				memmem(lx->p + 2, (size_t)(lx->end - lx->p - 2),
				       "*/", 2);

			if (!close)
				return lex_fail(lx, lx->p,
						"unterminated comment");
			lx->p = close + 2;
		} else if (lx->end - lx->p >= 2 && lx->p[0] == '/' &&
			   lx->p[1] == '/') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
		} else {
			break;
		}
	}
	return 0;
}

static int lex_string(struct lexer *lx, struct token *t)
{
	size_t n = 0;

	lx->p++; /* opening quote */
	while (lx->p < lx->end && *lx->p != '"') {
		char c = *lx->p++;

		if (c == '\\') {
			if (lx->p >= lx->end)
				break;
			c = *lx->p++;
			c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
		}
		if (n + 1 < sizeof(t->str))
			t->str[n++] = c;
	}
	if (lx->p >= lx->end)
		return lex_fail(lx, t->text, "unterminated string");
	lx->p++;
	t->str[n] = '\0';
	t->type = TOK_STRING;
	return 0;
}

static int lex_int(struct lexer *lx, struct token *t)
{
	char buf[32];
	size_t n = 0;
	char *stop;

	while (lx->p < lx->end && n + 1 < sizeof(buf) &&
	       (is_ident_char(*lx->p, 0) || *lx->p == '-'))
		buf[n++] = *lx->p++;
	buf[n] = '\0';
	errno = 0;
	t->num = strtoll(buf, &stop, 0);
	if (errno || *stop || n == 0)
		return lex_fail(lx, t->text, "bad integer");
	t->type = TOK_INT;
	return 0;
}

/* Next token; -1 on a lexical error (err filled). */
static int lex_next(struct lexer *lx, struct token *t)
{
	if (skip_space(lx) != 0)
		return -1;
	t->text = lx->p;
	t->offset = (size_t)(lx->p - lx->start);
	t->len = 0;
	if (lx->p >= lx->end) {
		t->type = TOK_END;
		return 0;
	}
	if (*lx->p == '"')
		return lex_string(lx, t);
	if ((*lx->p >= '0' && *lx->p <= '9') || *lx->p == '-')
		return lex_int(lx, t);
	if (is_ident_char(*lx->p, 1)) {
		while (lx->p < lx->end && is_ident_char(*lx->p, 0))
			lx->p++;
		t->type = TOK_IDENT;
		t->len = (size_t)(lx->p - t->text);
		return 0;
	}
	t->type = TOK_PUNCT;
	t->len = (lx->end - lx->p >= 2 && lx->p[0] == ':' && lx->p[1] == '=')
			 ? 2
			 : 1;
	lx->p += t->len;
	return 0;
}

static int tok_is(const struct token *t, const char *s)
{
	return (t->type == TOK_IDENT || t->type == TOK_PUNCT) &&
	       t->len == strlen(s) && memcmp(t->text, s, t->len) == 0;
}

static int parse_uuid(const char *s, uint8_t out[16])
{
	int n = 0;

	for (; *s && n < 32; s++) {
		int v;

		if (*s == '-')
			continue;
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			v = *s - 'A' + 10;
		else
			return -1;
		if (n % 2 == 0)
			out[n / 2] = (uint8_t)(v << 4);
		else
			out[n / 2] |= (uint8_t)v;
		n++;
	}
	return n == 32 && *s == '\0' ? 0 : -1;
}

struct seen {
	int tracer, version, uuid, offset_s, offset, byte_order_le;
	long long offset_s_val, offset_val;
};

static void copy_str(char *dst, size_t cap, const struct token *v)
{
	const char *s = v->type == TOK_STRING ? v->str : "";
	size_t n = strnlen(s, cap - 1);

	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* One `name = value;` of the env, clock or trace block. */
static void assign(struct trace_meta *m, struct seen *seen, enum block b,
		   const struct token *name, const struct token *v)
{
	static const struct {
		const char *name;
		size_t offset, cap;
	} env_strings[] = {
#define S(field, key) {key, offsetof(struct trace_meta, field), \
		       sizeof(((struct trace_meta *)0)->field)}
		S(hostname, "hostname"),
		S(cmdline, "cmdline"),
		S(label, "label"),
		S(hdf5_version, "hdf5_version"),
		S(curl_version, "libcurl_version"),
		S(h5snoop_version, "h5snoop_version"),
		S(tracer_name, "tracer_name"),
#undef S
	};
	static const struct {
		const char *name;
		size_t offset;
	} env_ints[] = {
		{"pid", offsetof(struct trace_meta, pid)},
		{"ppid", offsetof(struct trace_meta, ppid)},
		{"rank", offsetof(struct trace_meta, rank)},
		{"trace_format_version",
		 offsetof(struct trace_meta, format_version)},
	};

	if (b == BLOCK_ENV) {
		for (size_t i = 0; i < sizeof(env_strings) /
					       sizeof(env_strings[0]);
		     i++)
			if (tok_is(name, env_strings[i].name))
				copy_str((char *)m + env_strings[i].offset,
					 env_strings[i].cap, v);
		for (size_t i = 0; i < sizeof(env_ints) / sizeof(env_ints[0]);
		     i++)
			if (tok_is(name, env_ints[i].name) &&
			    v->type == TOK_INT)
				*(long long *)((char *)m +
					       env_ints[i].offset) = v->num;
		if (tok_is(name, "tracer_name"))
			seen->tracer = 1;
		if (tok_is(name, "trace_format_version"))
			seen->version = v->type == TOK_INT;
	} else if (b == BLOCK_CLOCK && v->type == TOK_INT) {
		if (tok_is(name, "offset_s")) {
			seen->offset_s = 1;
			seen->offset_s_val = v->num;
		} else if (tok_is(name, "offset")) {
			seen->offset = 1;
			seen->offset_val = v->num;
		}
	} else if (b == BLOCK_TRACE) {
		if (tok_is(name, "uuid") && v->type == TOK_STRING)
			seen->uuid = parse_uuid(v->str, m->uuid) == 0;
		if (tok_is(name, "byte_order"))
			seen->byte_order_le = tok_is(v, "le");
	}
}

/* Walks the token stream, calling assign() for the `name = value;`
 * lines at depth 1 of the trace, env and clock blocks.  Returns -1 on a
 * lexical or brace error (err filled). */
static int walk(struct lexer *lx, struct trace_meta *m, struct seen *seen)
{
	struct token t, name = {.type = TOK_END}, v;
	enum block block = BLOCK_NONE;
	int depth = 0, have_name = 0;

	for (;;) {
		if (lex_next(lx, &t) != 0)
			return -1;
		if (t.type == TOK_END)
			break;
		if (tok_is(&t, "{")) {
			depth++;
			have_name = 0;
		} else if (tok_is(&t, "}")) {
			if (--depth < 0)
				return lex_fail(lx, t.text, "unbalanced '}'");
			if (depth == 0)
				block = BLOCK_NONE;
			have_name = 0;
		} else if (depth == 0 && t.type == TOK_IDENT) {
			block = tok_is(&t, "trace")   ? BLOCK_TRACE
				: tok_is(&t, "env")   ? BLOCK_ENV
				: tok_is(&t, "clock") ? BLOCK_CLOCK
						      : BLOCK_NONE;
		} else if (depth == 1 && block != BLOCK_NONE &&
			   t.type == TOK_IDENT && !have_name) {
			name = t;
			have_name = 1;
		} else if (have_name && tok_is(&t, "=")) {
			if (lex_next(lx, &v) != 0)
				return -1;
			if (v.type == TOK_END)
				break;
			assign(m, seen, block, &name, &v);
			have_name = 0;
		} else {
			have_name = 0;
		}
	}
	if (depth != 0)
		return lex_fail(lx, lx->end, "unbalanced '{'");
	return 0;
}

enum h5snoop_status trace_meta_parse(const char *text, size_t len,
				     const char *path, struct trace_meta *m,
				     enum trace_meta_kind *kind,
				     struct h5snoop_error *err)
{
	struct h5snoop_error scratch = {.message = ""};
	struct lexer lx = {text, text, text + len, path, &scratch, 0};
	struct seen seen;
	int rc;

	memset(m, 0, sizeof(*m));
	memset(&seen, 0, sizeof(seen));
	m->rank = -1;
	*kind = TRACE_META_FOREIGN;
	if (len < strlen(CTF_FIRST_LINE) ||
	    memcmp(text, CTF_FIRST_LINE, strlen(CTF_FIRST_LINE)) != 0)
		return H5SNOOP_OK;
	/* NOTE: the error of a text that never says it is ours is dropped:
	 * such a directory is somebody else's trace, not a broken one. */
	rc = walk(&lx, m, &seen);
	if (!seen.tracer || strcmp(m->tracer_name, H5SNOOP_TRACER_NAME) != 0)
		return H5SNOOP_OK;
	*kind = TRACE_META_H5SNOOP;
	if (rc != 0)
		return diag_fail(err, "%s", scratch.message);
	if (!seen.version)
		return diag_fail(err, "%s/%s: no trace_format_version in env",
				 path, H5SNOOP_METADATA_FILE);
	if (m->format_version != H5SNOOP_TRACE_VERSION)
		return diag_fail(err,
				 "%s/%s: trace format version %lld (written "
				 "by h5snoop %s); this h5snoop reads version "
				 "%d",
				 path, H5SNOOP_METADATA_FILE,
				 m->format_version,
				 m->h5snoop_version[0] ? m->h5snoop_version
						       : "?",
				 H5SNOOP_TRACE_VERSION);
	if (!seen.uuid)
		return diag_fail(err, "%s/%s: no valid trace uuid", path,
				 H5SNOOP_METADATA_FILE);
	if (!seen.byte_order_le)
		return diag_fail(err, "%s/%s: byte_order is not le", path,
				 H5SNOOP_METADATA_FILE);
	if (seen.offset_s_val > INT64_MAX / 1000000000 - 1 ||
	    seen.offset_s_val < INT64_MIN / 1000000000 + 1 ||
	    seen.offset_val >= 1000000000 || seen.offset_val <= -1000000000)
		return diag_fail(err, "%s/%s: clock offset out of range",
				 path, H5SNOOP_METADATA_FILE);
	m->clock_offset_ns =
		(int64_t)seen.offset_s_val * 1000000000 + seen.offset_val;
	return H5SNOOP_OK;
}

enum h5snoop_status trace_meta_load(int dirfd, const char *dirpath,
				    struct trace_meta *m,
				    enum trace_meta_kind *kind,
				    struct h5snoop_error *err)
{
	enum h5snoop_status st;
	const char *what;
	struct stat sb;
	size_t got = 0;
	char *text;
	int fd;

	fd = open_regular(dirfd, H5SNOOP_METADATA_FILE, OPEN_NOFOLLOW, &sb,
			  &what);
	if (fd < 0 && what)
		return diag_fail(err, "%s/%s: is %s, not a regular file",
				 dirpath, H5SNOOP_METADATA_FILE, what);
	if (fd < 0)
		return diag_fail(err, "%s/%s: cannot open: %s", dirpath,
				 H5SNOOP_METADATA_FILE, strerror(errno));
	if (sb.st_size > (off_t)TRACE_META_MAX_BYTES) {
		close(fd);
		return diag_fail(err, "%s/%s: larger than %u bytes", dirpath,
				 H5SNOOP_METADATA_FILE, TRACE_META_MAX_BYTES);
	}
	text = malloc((size_t)sb.st_size + 1);
	if (!text) {
		close(fd);
		return diag_nomem(err);
	}
	while (got < (size_t)sb.st_size) {
		ssize_t n = read(fd, text + got, (size_t)sb.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	st = trace_meta_parse(text, got, dirpath, m, kind, err);
	free(text);
	return st;
}
