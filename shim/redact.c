/*
 * redact.c - credential removal from every string a trace stores (see
 * redact.h for the rules).
 *
 * Must never: let a byte of a userinfo, query, fragment or credential
 * option through, even for malformed or hostile input; allocate; recurse
 * without bound; read past the string it was given.
 *
 * How: one pass over the string, copying what is safe into a bounded
 * output.  A character may stand percent-encoded; its "depth" is how many
 * times (0 as itself, 1 as %3A, 2 as %253A, ...).  A URL found through a
 * "://" of depth d is a URL nested d times inside another, and only its
 * delimiters of depth <= d end its parts: a deeper-encoded '/' or '?' is
 * data of it.  The userinfo is ended by an '@' of any depth (erring on
 * hiding).
 */
#include "redact.h"

#include <string.h>
#include <strings.h>

/* GDAL option forms nested in each other's url option, at most. */
#define REDACT_MAX_NESTING 4

struct out {
	char *dst;
	size_t cap;
	size_t len;
};

static void out_put(struct out *o, const char *s, size_t n)
{
	while (n-- > 0 && o->len + 1 < o->cap)
		o->dst[o->len++] = *s++;
}

static void out_str(struct out *o, const char *s)
{
	out_put(o, s, strlen(s));
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

/* Where a URL without a scheme may begin: after these, or at the start. */
static int is_word_break(char c)
{
	return is_space(c) || strchr("=,;{(<\"'|", c) != NULL;
}

/* A byte that starts nothing: no delimiter, escape or word break. */
static int is_plain(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' ||
	       c == '~';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The depth at which p encodes c (never '%'): 0 as itself, 1 as %XX, 2 as
 * %25XX, ...; -1 if it does not.  *n gets the encoding's length.
 */
static int enc_depth(const char *p, const char *end, char c, size_t *n)
{
	const char *q;
	int depth = 1;

	if (p >= end)
		return -1;
	if (*p == c) {
		*n = 1;
		return 0;
	}
	if (*p != '%')
		return -1;
	q = p + 1;
	while (end - q >= 4 && q[0] == '2' && q[1] == '5' &&
	       hex_value(q[2]) >= 0 && hex_value(q[3]) >= 0) {
		q += 2;
		depth++;
	}
	if (end - q < 2 || hex_value(q[0]) < 0 || hex_value(q[1]) < 0 ||
	    hex_value(q[0]) * 16 + hex_value(q[1]) != (unsigned char)c)
		return -1;
	*n = (size_t)(q + 2 - p);
	return depth;
}

/* One of `set` encoded at depth <= max_depth at p: its depth (the char in
 * *which, the length in *n), else -1. */
static int delim_at(const char *p, const char *end, const char *set,
		    int max_depth, size_t *n, char *which)
{
	if (*p != '%' && !strchr(set, *p))
		return -1;
	for (; *set; set++) {
		int d = enc_depth(p, end, *set, n);

		if (d >= 0 && d <= max_depth) {
			*which = *set;
			return d;
		}
	}
	return -1;
}

/* "://" at p, its three characters at one depth: that depth, else -1. */
static int scheme_sep_at(const char *p, const char *end, size_t *n)
{
	size_t n1, n2, n3;
	int d = enc_depth(p, end, ':', &n1);

	if (d < 0 || enc_depth(p + n1, end, '/', &n2) != d ||
	    enc_depth(p + n1 + n2, end, '/', &n3) != d)
		return -1;
	*n = n1 + n2 + n3;
	return d;
}

/* An '@' of any depth at p: its length, else 0. */
static size_t at_sign_at(const char *p, const char *end)
{
	size_t n;

	return enc_depth(p, end, '@', &n) >= 0 ? n : 0;
}

/* Where the authority starting at p ends: the first '/', '?' or '#' of
 * depth <= d, a space, or a '&' when the URL is a nested value. */
static const char *authority_end(const char *p, const char *end, int d)
{
	size_t n;
	char which;

	while (p < end && !is_space(*p) && !(d > 0 && *p == '&') &&
	       delim_at(p, end, "/?#", d, &n, &which) < 0)
		p++;
	return p;
}

/*
 * Whether [p, e) reads "name:text" with text that is not a port number:
 * then it is a user and password whose password held a '/', '?' or '#'
 * (host:port was expected there).  An IPv6 literal is not.
 */
static int looks_like_password(const char *p, const char *e)
{
	size_t n;

	if (p < e && *p == '[')
		return 0;
	for (; p < e; p++) {
		if (enc_depth(p, e, ':', &n) < 0)
			continue;
		if (p + n == e)
			return 0;
		for (p += n; p < e; p++)
			if (*p < '0' || *p > '9')
				return 1;
		return 0;
	}
	return 0;
}

/* The first '@' (any depth) from p to the end of the token: the byte after
 * it, else NULL. */
static const char *next_at_sign(const char *p, const char *end, int d)
{
	for (; p < end && !is_space(*p) && !(d > 0 && *p == '&'); p++) {
		size_t n = at_sign_at(p, end);

		if (n)
			return p + n;
	}
	return NULL;
}

/*
 * Copies the authority that starts at p (after "scheme://", or a URL
 * without a scheme) without its userinfo, which becomes "<redacted>@";
 * returns where the authority ends.
 */
static const char *copy_authority(struct out *o, const char *p,
				  const char *end, int d)
{
	const char *a_end = authority_end(p, end, d), *host = p;

	for (const char *q = p; q < a_end; q++) {
		size_t n = at_sign_at(q, a_end);

		if (n)
			host = q + n;
	}
	if (host == p && looks_like_password(p, a_end)) {
		const char *after = next_at_sign(a_end, end, d);

		if (after) {
			host = after;
			a_end = authority_end(host, end, d);
		}
	}
	if (host != p)
		out_str(o, REDACT_MARK "@");
	out_put(o, host, (size_t)(a_end - host));
	return a_end;
}

/* [p, e) is host[:port] (a name, an IPv4 or an [IPv6] literal). */
static int is_host_port(const char *p, const char *e)
{
	const char *q = p;
	size_t n;

	if (q < e && *q == '[') {
		while (q < e && *q != ']')
			q++;
		if (q == e)
			return 0;
		q++;
	} else {
		while (q < e && ((*q >= 'a' && *q <= 'z') ||
				 (*q >= 'A' && *q <= 'Z') ||
				 (*q >= '0' && *q <= '9') || *q == '.' ||
				 *q == '-' || *q == '_'))
			q++;
		if (q == p)
			return 0;
	}
	if (q == e)
		return 1;
	if (enc_depth(q, e, ':', &n) < 0 || q + n == e)
		return 0;
	for (q += n; q < e; q++)
		if (*q < '0' || *q > '9')
			return 0;
	return 1;
}

/*
 * Whether a URL without a scheme starts at p, as curl would take it: its
 * first segment holds a userinfo ('@'), or a user:password whose password
 * held a '/' (an '@' follows in the token), or is host[:port] followed by
 * '/', '?' or '#' (`localhost/x?sig=...`).  `d` is the depth of the
 * string's own delimiters (1 in GDAL's percent-encoded url option).
 */
static int schemeless_url_at(const char *p, const char *end, int d)
{
	const char *seg = p;
	size_t n;
	char which;

	while (seg < end && !is_space(*seg) &&
	       delim_at(seg, end, "/?#", d, &n, &which) < 0) {
		if (scheme_sep_at(seg, end, &n) >= 0)
			return 0; /* a URL with a scheme, further on */
		if (at_sign_at(seg, end))
			return 1;
		seg++;
	}
	if (seg == p)
		return 0;
	if (looks_like_password(p, seg) && next_at_sign(seg, end, d))
		return 1;
	if (seg == end || is_space(*seg) || !is_host_port(p, seg))
		return 0;
	/* A bare name before '?' or '#' is more often a file's; with a
	 * port it is a host's. */
	if (which == '/')
		return 1;
	for (; p < seg; p++)
		if (enc_depth(p, seg, ':', &n) >= 0)
			return 1;
	return 0;
}

/* A GDAL virtual file system prefix at p ("/vsicurl/", "/vsis3/",
 * "/vsicurl?"...): its length, ending with '/' or '?', else 0. */
static size_t vsi_prefix_at(const char *p, const char *end)
{
	const char *q = p + 4;

	if (end - p < 6 || strncmp(p, "/vsi", 4) != 0)
		return 0;
	while (q < end && ((*q >= 'a' && *q <= 'z') ||
			   (*q >= '0' && *q <= '9') || *q == '_'))
		q++;
	if (q == p + 4 || q == end || (*q != '/' && *q != '?'))
		return 0;
	return (size_t)(q + 1 - p);
}

static void scan(struct out *o, const char *p, const char *end, int d,
		 int keep_query, int nesting);

/*
 * GDAL's option form, after "/vsicurl?": options joined by '&', their
 * values percent-encoded.  Only `url` is kept (redacted as a URL nested
 * once); the others may be cookies, headers or proxy passwords.
 */
static void copy_gdal_options(struct out *o, const char *p, const char *end,
			      int keep_query, int nesting)
{
	const char *url = NULL, *url_end = NULL;
	int others = 0;

	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *e = amp ? amp : end;

		if (!url && e - p >= 4 && strncasecmp(p, "url=", 4) == 0) {
			url = p + 4;
			url_end = e;
		} else if (e > p) {
			others++;
		}
		p = amp ? amp + 1 : end;
	}
	if (url) {
		out_str(o, "url=");
		if (nesting < REDACT_MAX_NESTING)
			scan(o, url, url_end, 1, keep_query, nesting + 1);
		else
			out_str(o, REDACT_MARK);
	}
	if (others)
		out_str(o, url ? "&" REDACT_MARK : REDACT_MARK);
}

/*
 * Copies [p, end) redacted.  d: the depth a URL without a scheme found
 * here has (0, or 1 inside GDAL's encoded url option).
 */
static void scan(struct out *o, const char *p, const char *end, int d,
		 int keep_query, int nesting)
{
	int url_depth = -1; /* depth of the URL we are in, -1 outside */
	int word_start = 1;

	while (p < end) {
		size_t n;
		char which;
		int depth;

		if (!word_start && is_plain(*p)) {
			/* The common case: a run of letters and digits. */
			const char *run = p;

			while (p < end && is_plain(*p))
				p++;
			out_put(o, run, (size_t)(p - run));
			continue;
		}
		if (url_depth < 0 && *p == '/' &&
		    (n = vsi_prefix_at(p, end)) > 0) {
			out_put(o, p, n);
			if (p[n - 1] == '?') {
				copy_gdal_options(o, p + n, end, keep_query,
						  nesting);
				return;
			}
			p += n;
			word_start = 1;
			continue;
		}
		depth = scheme_sep_at(p, end, &n);
		if (depth >= 0) {
			out_put(o, p, n);
			p = copy_authority(o, p + n, end, depth);
			url_depth = depth;
			word_start = 0;
			continue;
		}
		if (url_depth >= 0) {
			depth = delim_at(p, end, "?#", url_depth, &n, &which);
			if (depth >= 0 && (which == '#' || !keep_query)) {
				/* NOTE: to the end of the string: what follows
				 * a query cannot be told from it. */
				out_str(o, which == '#' ? "#" REDACT_MARK
							: "?" REDACT_MARK);
				return;
			}
			if (depth >= 0) {
				out_put(o, p, n);
				p += n;
				url_depth = depth;
				continue;
			}
			if (is_space(*p))
				url_depth = -1;
		} else if (word_start && schemeless_url_at(p, end, d)) {
			p = copy_authority(o, p, end, d);
			url_depth = d;
			word_start = 0;
			continue;
		}
		word_start = is_word_break(*p);
		out_put(o, p, 1);
		p++;
	}
}

char *redact_string(char *dst, size_t cap, const char *s, int keep_query)
{
	struct out o = {dst, cap, 0};

	if (cap == 0)
		return dst;
	if (!s)
		s = "";
	scan(&o, s, s + strlen(s), 0, keep_query, 0);
	dst[o.len] = '\0';
	return dst;
}

/* ---- command lines ---- */

static int has_word(const char *s, size_t n, const char *word)
{
	size_t w = strlen(word);

	for (size_t i = 0; i + w <= n; i++)
		if (strncasecmp(s + i, word, w) == 0)
			return 1;
	return 0;
}

/* AKIA/ASIA and 16 upper-case letters or digits: an AWS key id. */
static int has_aws_key_id(const char *s, size_t n)
{
	for (size_t i = 0; i + 20 <= n; i++) {
		size_t j = 4;

		if (strncmp(s + i, "AKIA", 4) != 0 &&
		    strncmp(s + i, "ASIA", 4) != 0)
			continue;
		while (j < 20 && ((s[i + j] >= 'A' && s[i + j] <= 'Z') ||
				  (s[i + j] >= '0' && s[i + j] <= '9')))
			j++;
		if (j == 20)
			return 1;
	}
	return 0;
}

static int names_credential(const char *s, size_t n)
{
	static const char *const words[] = {
		"authorization", "password", "passwd", "secret", "token",
		"signature",     "cred",     "key",    "cookie",
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (has_word(s, n, words[i]))
			return 1;
	return has_aws_key_id(s, n);
}

/* A header given to -H: its name is one that carries credentials. */
static int header_is_secret(const char *h)
{
	static const char *const words[] = {
		"auth", "token", "key",  "secret", "session",
		"signature", "pass", "cred", "cookie",
	};
	size_t n;

	while (is_space(*h))
		h++;
	n = strcspn(h, ":;");
	if (n >= 6 && strncasecmp(h, "x-amz-", 6) == 0)
		return 1;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (has_word(h, n, words[i]))
			return 1;
	return names_credential(h, strlen(h));
}

enum next_arg { NEXT_PLAIN, NEXT_SECRET, NEXT_HEADER };

static int in_list(const char *name, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == n && strncasecmp(name, *list, n) == 0)
			return 1;
	return 0;
}

static const char *const secret_long_options[] = {
	"--user",        "--proxy-user",         "--cookie",
	"--cert",        "--proxy-cert",         "--pass",
	"--proxy-pass",  "--oauth2-bearer",      "--aws-sigv4",
	"--tlsuser",     "--tlspassword",        "--proxy-tlsuser",
	"--proxy-tlspassword", "--login-options", "--sasl-authzid",
	NULL,
};
static const char *const header_long_options[] = {
	"--header", "--proxy-header", NULL,
};

/* curl's one-letter options that take no value, which may precede one
 * that does in a cluster (`-sSu alice:pw`). */
#define CURL_SHORT_FLAGS "0123456#aBfgGiIjJkLlMnNOpqRsSvVZ"
#define CURL_SHORT_SECRET "uUbE"

/* Whether `name` (up to '=') is a plain option name, `-x` or `--x-y`. */
static int is_option_name(const char *s, size_t n)
{
	size_t i = s[1] == '-' ? 2 : 1;

	if (n <= i || s[0] != '-')
		return 0;
	for (; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		      s[i] == '_'))
			return 0;
	return 1;
}

/* A cluster of one-letter options: what the value after it (attached or
 * the next argument) is.  *value_at gets where an attached value starts. */
static enum next_arg short_cluster(const char *a, const char **value_at)
{
	if (a[0] != '-' || a[1] == '-' || a[1] == '\0')
		return NEXT_PLAIN;
	for (const char *c = a + 1; *c; c++) {
		*value_at = c + 1;
		if (strchr(CURL_SHORT_SECRET, *c))
			return NEXT_SECRET;
		if (*c == 'H')
			return NEXT_HEADER;
		if (!strchr(CURL_SHORT_FLAGS, *c))
			return NEXT_PLAIN;
	}
	return NEXT_PLAIN;
}

/* Copies one argument redacted; returns what the next one is. */
static enum next_arg copy_arg(struct out *o, const char *a, enum next_arg how,
			      int keep_query)
{
	size_t n = strlen(a), name_n = strcspn(a, "="), start;
	const char *value = NULL;
	enum next_arg kind;

	if (how == NEXT_SECRET ||
	    (how == NEXT_HEADER && header_is_secret(a))) {
		out_str(o, REDACT_MARK);
		return NEXT_PLAIN;
	}
	if (how == NEXT_PLAIN && a[0] == '-' && a[1] == '-') {
		kind = in_list(a, name_n, secret_long_options)   ? NEXT_SECRET
		       : in_list(a, name_n, header_long_options) ? NEXT_HEADER
								 : NEXT_PLAIN;
		if (kind != NEXT_PLAIN && name_n == n) {
			out_put(o, a, n);
			return kind;
		}
		if (kind != NEXT_PLAIN)
			value = a + name_n + 1;
	} else if (how == NEXT_PLAIN) {
		kind = short_cluster(a, &value);
		if (kind != NEXT_PLAIN && *value == '\0') {
			out_put(o, a, n);
			return kind;
		}
	} else {
		kind = NEXT_PLAIN; /* a header that is not secret */
	}
	if (kind == NEXT_SECRET ||
	    (kind == NEXT_HEADER && header_is_secret(value))) {
		out_put(o, a, (size_t)(value - a));
		out_str(o, REDACT_MARK);
		return NEXT_PLAIN;
	}
	if (a[0] == '-' && a[1] == '-' && is_option_name(a, name_n) &&
	    names_credential(a, n)) {
		/* A long option naming a credential keeps its name; its value
		 * (attached or next) is hidden. */
		out_put(o, a, name_n);
		if (name_n < n)
			out_str(o, "=" REDACT_MARK);
		return name_n == n ? NEXT_SECRET : NEXT_PLAIN;
	}
	/* Judged by what would be shown: a URL whose query alone named a
	 * credential is kept, its query dropped. */
	start = o->len;
	scan(o, a, a + n, 0, keep_query, 0);
	if (names_credential(o->dst + start, o->len - start)) {
		o->len = start;
		out_str(o, REDACT_MARK);
		return a[0] == '-' ? NEXT_SECRET : NEXT_PLAIN;
	}
	return NEXT_PLAIN;
}

size_t redact_cmdline(char *dst, size_t cap, const char *args, size_t len,
		      int keep_query)
{
	struct out o = {dst, cap, 0};
	const char *p = args, *end = args + len;
	enum next_arg next = NEXT_PLAIN;

	if (cap == 0)
		return 0;
	while (p < end) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));

		if (p > args)
			out_put(&o, " ", 1);
		if (!nul) {
			out_str(&o, "...");
			break;
		}
		next = copy_arg(&o, p, next, keep_query);
		p = nul + 1;
	}
	dst[o.len] = '\0';
	return o.len;
}
