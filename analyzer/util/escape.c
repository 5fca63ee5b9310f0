/*
 * escape.c - CSV, JSON and XML escaping of trace text (see escape.h).
 *
 * Must never: pass an invalid UTF-8 byte, an unescaped delimiter or a
 * forbidden control character through.
 */
#include "escape.h"

#include <string.h>

uint32_t esc_utf8_next(const char *str, size_t len, size_t *i)
{
	const unsigned char *s = (const unsigned char *)str + *i;
	size_t left = len - *i, need;
	uint32_t cp, min;

	if (s[0] < 0x80) {
		*i += 1;
		return s[0];
	}
	if ((s[0] & 0xE0) == 0xC0) {
		need = 1, cp = s[0] & 0x1Fu, min = 0x80;
	} else if ((s[0] & 0xF0) == 0xE0) {
		need = 2, cp = s[0] & 0x0Fu, min = 0x800;
	} else if ((s[0] & 0xF8) == 0xF0) {
		need = 3, cp = s[0] & 0x07u, min = 0x10000;
	} else {
		*i += 1;
		return ESC_REPLACEMENT;
	}
	if (left <= need) {
		*i += 1;
		return ESC_REPLACEMENT;
	}
	for (size_t k = 1; k <= need; k++) {
		if ((s[k] & 0xC0) != 0x80) {
			*i += 1;
			return ESC_REPLACEMENT;
		}
		cp = (cp << 6) | (s[k] & 0x3Fu);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
		*i += 1;
		return ESC_REPLACEMENT;
	}
	*i += need + 1;
	return cp;
}

static void put_utf8(FILE *f, uint32_t cp)
{
	if (cp < 0x80) {
		putc((int)cp, f);
	} else if (cp < 0x800) {
		putc((int)(0xC0 | (cp >> 6)), f);
		putc((int)(0x80 | (cp & 0x3F)), f);
	} else if (cp < 0x10000) {
		putc((int)(0xE0 | (cp >> 12)), f);
		putc((int)(0x80 | ((cp >> 6) & 0x3F)), f);
		putc((int)(0x80 | (cp & 0x3F)), f);
	} else {
		putc((int)(0xF0 | (cp >> 18)), f);
		putc((int)(0x80 | ((cp >> 12) & 0x3F)), f);
		putc((int)(0x80 | ((cp >> 6) & 0x3F)), f);
		putc((int)(0x80 | (cp & 0x3F)), f);
	}
}

void esc_json(FILE *f, const char *s)
{
	size_t len = s ? strlen(s) : 0, i = 0;

	putc('"', f);
	while (i < len) {
		uint32_t cp = esc_utf8_next(s, len, &i);

		if (cp == '"' || cp == '\\') {
			putc('\\', f);
			putc((int)cp, f);
		} else if (cp == '\n') {
			fputs("\\n", f);
		} else if (cp == '\t') {
			fputs("\\t", f);
		} else if (cp == '\r') {
			fputs("\\r", f);
		} else if (cp < 0x20 || cp == 0x7F || cp == 0x2028 ||
			   cp == 0x2029) {
			fprintf(f, "\\u%04x", (unsigned)cp);
		} else {
			put_utf8(f, cp);
		}
	}
	putc('"', f);
}

void esc_csv(FILE *f, const char *s)
{
	size_t len = s ? strlen(s) : 0, i = 0;
	int quote = len > 0 && (s[0] == ' ' || s[len - 1] == ' ' ||
				strpbrk(s, ",\"\r\n") != NULL);

	if (quote)
		putc('"', f);
	while (i < len) {
		uint32_t cp = esc_utf8_next(s, len, &i);

		if (cp == '"')
			putc('"', f);
		put_utf8(f, cp);
	}
	if (quote)
		putc('"', f);
}

void esc_xml(FILE *f, const char *s)
{
	size_t len = s ? strlen(s) : 0, i = 0;

	while (i < len) {
		uint32_t cp = esc_utf8_next(s, len, &i);

		switch (cp) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		default:
			if ((cp < 0x20 && cp != '\t' && cp != '\n' &&
			     cp != '\r') ||
			    cp == 0xFFFE || cp == 0xFFFF)
				cp = ESC_REPLACEMENT;
			put_utf8(f, cp);
		}
	}
}

void esc_text(FILE *f, const char *s)
{
	size_t len = s ? strlen(s) : 0, i = 0;

	while (i < len) {
		uint32_t cp = esc_utf8_next(s, len, &i);

		put_utf8(f, cp < 0x20 || cp == 0x7F ||
				    (cp >= 0x80 && cp < 0xA0)
			    ? ESC_REPLACEMENT
			    : cp);
	}
}

size_t esc_width(const char *s)
{
	size_t len = s ? strlen(s) : 0, i = 0, n = 0;

	while (i < len) {
		esc_utf8_next(s, len, &i);
		n++;
	}
	return n;
}
