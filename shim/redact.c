/*
 * redact.c - URL credential removal (see redact.h).
 *
 * Must never: let any byte of a userinfo or query part through when
 * redacting, even for malformed URLs.
 */
#include "redact.h"

#include <string.h>
#include <strings.h>

struct out {
	char *dst;
	size_t cap;
	size_t len;
};

static void out_put(struct out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n && o->len + 1 < o->cap; i++)
		o->dst[o->len++] = s[i];
}

char *redact_url(char *dst, size_t cap, const char *url, int keep_query)
{
	struct out o = {dst, cap, 0};
	const char *scheme_end = strstr(url, "://");
	const char *authority, *path, *at, *query;

	if (cap == 0)
		return dst;
	if (!scheme_end || strcspn(url, "/?#") < (size_t)(scheme_end - url)) {
		out_put(&o, url, strlen(url));
		dst[o.len] = '\0';
		return dst;
	}
	authority = scheme_end + 3;
	path = authority + strcspn(authority, "/?#");
	out_put(&o, url, (size_t)(authority - url));
	/* The last '@' of the authority ends the userinfo: a password may
	 * itself hold '@' when badly escaped. */
	at = NULL;
	for (const char *p = authority; p < path; p++)
		if (*p == '@')
			at = p;
	if (at)
		authority = at + 1;
	out_put(&o, authority, (size_t)(path - authority));
	query = keep_query ? NULL : strchr(path, '?');
	if (query) {
		out_put(&o, path, (size_t)(query - path));
		out_put(&o, "?<redacted>", strlen("?<redacted>"));
	} else {
		out_put(&o, path, strlen(path));
	}
	dst[o.len] = '\0';
	return dst;
}

static int names_credential(const char *s)
{
	static const char *const words[] = {
		"authorization", "password", "passwd", "secret", "token",
		"signature",     "cred",     "key",    "cookie",
	};

	/* AWS access key ids (AKIA..., ASIA...) stand alone as values. */
	if (s && (strncmp(s, "AKIA", 4) == 0 || strncmp(s, "ASIA", 4) == 0))
		return 1;
	for (; s && *s; s++)
		for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if (strncasecmp(s, words[i], strlen(words[i])) == 0)
				return 1;
	return 0;
}

int redact_is_secret_arg(const char *arg, const char *previous)
{
	if (names_credential(arg))
		return 1;
	if (!previous || previous[0] != '-')
		return 0;
	return strcmp(previous, "-u") == 0 ||
	       strcmp(previous, "--user") == 0 || names_credential(previous);
}
