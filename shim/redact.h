/*
 * redact.h - strips credentials from URLs before they reach a trace.
 *
 * A trace never holds a secret: `user:password@` is removed from the
 * authority, and the query string (where presigned S3 URLs carry
 * X-Amz-Signature, X-Amz-Credential and X-Amz-Security-Token) becomes
 * `?<redacted>` unless the caller keeps it (H5SNOOP_KEEP_QUERY=1).
 */
#ifndef H5SNOOP_REDACT_H
#define H5SNOOP_REDACT_H

#include <stddef.h>

/*
 * Writes the redacted form of `url` into dst (always NUL-terminated when
 * cap > 0, cut to fit) and returns dst.  Text that is not a URL (no
 * "scheme://") is copied unchanged.  No allocation; thread-safe;
 * async-signal-safe.
 */
char *redact_url(char *dst, size_t cap, const char *url, int keep_query);

/*
 * Whether a command-line argument must not reach a trace: one that names a
 * credential (Authorization:, password, token, secret, signature, cred,
 * key, cookie; any case) or is an AWS key id (AKIA..., ASIA...), or that
 * follows such an option or -u/--user.  `previous` is the argument before it (NULL for argv[0]).
 * RATIONALE: a heuristic, since any argument may be a secret; it errs on
 * the side of hiding.
 */
int redact_is_secret_arg(const char *arg, const char *previous);

#endif
