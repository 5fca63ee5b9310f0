/*
 * redact.h - the one gate every string passes before it reaches a trace.
 *
 * A trace never holds a secret.  redact_string() finds URLs wherever they
 * stand in a string: with a scheme (`https://`), without one where curl
 * would take the text as a URL (`alice:pw@host/x`, `host:8080/x?q`), after
 * a GDAL prefix (`/vsicurl/...`, `/vsizip//vsicurl/...`), in GDAL's option
 * form (`/vsicurl?...&url=<percent-encoded URL>`), and percent-encoded
 * inside another URL at any depth (`%3A%2F%2F`, `%253a%252f%252f`, ...).
 * Of each it drops
 *   - the userinfo, shown as `<redacted>@`,
 *   - the query, shown as `?<redacted>` (kept with H5SNOOP_KEEP_QUERY=1),
 *   - the fragment, shown as `#<redacted>` (always: OAuth puts tokens
 *     there and no server ever sees it),
 * and a dropped query or fragment runs to the end of the string: what
 * follows it is never shown.  GDAL's option form keeps only its `url`
 * option; the others (cookies, headers, proxy passwords) become
 * `&<redacted>`, whatever H5SNOOP_KEEP_QUERY says.
 *
 * redact_cmdline() applies it to each argument of a command line and also
 * hides the values of options that carry credentials (see below).
 *
 * Both take the whole string and bound only what they write, so a cut
 * never leaves part of a secret: a secret is dropped before anything is
 * cut.  No allocation, no locale, no global state: thread-safe and
 * async-signal-safe.  Cost: one pass over the string.
 */
#ifndef H5SNOOP_REDACT_H
#define H5SNOOP_REDACT_H

#include <stddef.h>

/* What replaces a hidden userinfo, query, fragment or argument. */
#define REDACT_MARK "<redacted>"

/*
 * Writes the redacted form of the NUL-terminated `s` (NULL is "") into
 * dst, cut to cap - 1 bytes and always NUL-terminated when cap > 0;
 * returns dst.  keep_query: H5SNOOP_KEEP_QUERY (queries kept, never
 * userinfo or fragments).
 */
char *redact_string(char *dst, size_t cap, const char *s, int keep_query);

/*
 * Writes a command line into dst (cut to cap - 1 bytes, NUL-terminated
 * when cap > 0): the NUL-terminated arguments in args[0..len) joined by
 * spaces, each passed through redact_string(), and REDACT_MARK in place
 * of
 *   - an argument that names a credential (holds `authorization`,
 *     `password`, `passwd`, `secret`, `token`, `signature`, `cred`, `key`
 *     or `cookie` in any case, or starts with an AWS key id, AKIA/ASIA);
 *     an option `--name=value` keeps its name;
 *   - the value of such an option, and of curl's credential options:
 *     -u/--user, -U/--proxy-user, -b/--cookie, -E/--cert, --proxy-cert,
 *     --pass, --proxy-pass, --oauth2-bearer, --aws-sigv4, --tlsuser,
 *     --tlspassword (and --proxy-), --login-options, --sasl-authzid, as
 *     the next argument, attached (`-ualice:pw`, `-sSu alice:pw`) or
 *     after `=` (`--user=alice:pw`);
 *   - the value of -H/--header/--proxy-header when the header is
 *     Authorization, Proxy-Authorization, Cookie, X-Amz-*, or any header
 *     whose name holds auth, token, key, secret, session, signature,
 *     pass or cred (any case).
 * Bytes after the last NUL (an argument the caller could not read whole)
 * are never shown; " ..." stands for them.  Returns the length written.
 * RATIONALE: a heuristic, since any argument may be a secret; it errs on
 * the side of hiding (e.g. python's -u hides the script name after it).
 */
size_t redact_cmdline(char *dst, size_t cap, const char *args, size_t len,
		      int keep_query);

#endif
