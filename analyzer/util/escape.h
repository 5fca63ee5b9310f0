/*
 * escape.h - writing text taken from a trace (URLs, labels, file names,
 * command lines) into CSV, JSON and XML/SVG so that no byte of it can
 * break the surrounding format.
 *
 * Every writer decodes the text as UTF-8 and replaces what is not valid
 * UTF-8 with U+FFFD, so the output is valid UTF-8 whatever the trace
 * holds.  They write to a FILE* and never fail on their own: the caller
 * checks ferror() once at the end.
 */
#ifndef H5SNOOP_ESCAPE_H
#define H5SNOOP_ESCAPE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ESC_REPLACEMENT 0xFFFDu

/*
 * Decodes one code point of s[*i..len) and advances *i (by 1 at least).
 * Invalid, overlong or truncated sequences, surrogates and values past
 * U+10FFFF decode as ESC_REPLACEMENT, consuming one byte.
 */
uint32_t esc_utf8_next(const char *s, size_t len, size_t *i);

/* A JSON string literal, quotes included: control characters, U+2028
 * and U+2029 as \u escapes. */
void esc_json(FILE *f, const char *s);

/* A CSV field (RFC 4180): quoted, with quotes doubled, when it holds a
 * comma, quote, CR, LF or leading or trailing blank. */
void esc_csv(FILE *f, const char *s);

/* XML character data or attribute value: & < > " ' as entities, and
 * the characters XML 1.0 forbids (controls but TAB, LF, CR) as U+FFFD. */
void esc_xml(FILE *f, const char *s);

/* Text for a terminal: control characters as U+FFFD, so that a URL
 * cannot move the cursor or change colors. */
void esc_text(FILE *f, const char *s);

/* Number of code points of s (its width in a terminal, near enough). */
size_t esc_width(const char *s);

#endif
