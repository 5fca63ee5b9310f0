/*
 * test_escape.c - CSV, JSON, XML and terminal escaping of hostile trace
 * text, and the human units.
 */
#include "escape.h"
#include "units.h"
#include "unit.h"

typedef void (*writer)(FILE *, const char *);

static const char *run(writer w, const char *in)
{
	static char out[4096];
	FILE *f;

	memset(out, 0, sizeof(out));
	f = fmemopen(out, sizeof(out), "w");

	w(f, in);
	fclose(f);
	return out;
}

int main(void)
{
	char b[64];

	CHECK_STR(run(esc_json, "a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
	CHECK_STR(run(esc_json, "<script>"), "\"<script>\"");
	CHECK_STR(run(esc_json, "\xff\xfe ok \xc3\xa9"),
		  "\"\xef\xbf\xbd\xef\xbf\xbd ok \xc3\xa9\"");
	CHECK_STR(run(esc_json, "\xe2\x80\xa8"), "\"\\u2028\"");
	CHECK_STR(run(esc_json, "\xc0\xaf"), /* overlong '/' */
		  "\"\xef\xbf\xbd\xef\xbf\xbd\"");
	CHECK_STR(run(esc_json, "\xed\xa0\x80"), /* surrogate */
		  "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
	CHECK_STR(run(esc_csv, "plain"), "plain");
	CHECK_STR(run(esc_csv, "a,b"), "\"a,b\"");
	CHECK_STR(run(esc_csv, "say \"hi\"\nnext"),
		  "\"say \"\"hi\"\"\nnext\"");
	CHECK_STR(run(esc_csv, ""), "");
	CHECK_STR(run(esc_xml, "<script>alert('x&y')</script>\x07"),
		  "&lt;script&gt;alert(&apos;x&amp;y&apos;)&lt;/script&gt;"
		  "\xef\xbf\xbd");
	CHECK_STR(run(esc_xml, "a\"b"), "a&quot;b");
	CHECK_STR(run(esc_text, "\x1b[31mred"), "\xef\xbf\xbd[31mred");
	CHECK_EQ_U64(esc_width("µs"), 2);

	CHECK_STR(units_bytes(b, sizeof(b), 0), "0 B");
	CHECK_STR(units_bytes(b, sizeof(b), 1023), "1023 B");
	CHECK_STR(units_bytes(b, sizeof(b), 1024), "1.00 KiB");
	CHECK_STR(units_bytes(b, sizeof(b), 1536), "1.50 KiB");
	CHECK_STR(units_bytes(b, sizeof(b), 8u << 20), "8.00 MiB");
	CHECK_STR(units_ns(b, sizeof(b), 999), "999 ns");
	CHECK_STR(units_ns(b, sizeof(b), 1500), "1.50 µs");
	CHECK_STR(units_ns(b, sizeof(b), 25000000), "25.0 ms");
	CHECK_STR(units_ns(b, sizeof(b), 3000000000ull), "3.00 s");
	CHECK_STR(units_ratio(b, sizeof(b), 3, 2), "1.50x");
	CHECK_STR(units_ratio(b, sizeof(b), 3, 0), "-");
	return unit_done("test_escape");
}
