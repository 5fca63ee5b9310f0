/*
 * test_meta.c - the metadata reader against what the shim writes
 * (trace_metadata_format), foreign texts, other versions, broken texts.
 */
#include "trace_metadata.h"
#include "h5snoop/trace_schema.h"
#include "trace_meta.h"
#include "unit.h"

static char text[16384];

static enum h5snoop_status parse(const char *t, struct trace_meta *m,
				 enum trace_meta_kind *kind,
				 struct h5snoop_error *err)
{
	memset(err, 0, sizeof(*err));
	return trace_meta_parse(t, strlen(t), "T", m, kind, err);
}

int main(void)
{
	struct h5snoop_trace_env env = {0};
	struct h5snoop_error err;
	enum trace_meta_kind kind;
	static struct trace_meta m;
	char *p;

	env.hostname = "node-7";
	env.cmdline = "python3 -c \"print('a\\\\b')\"\tend";
	env.label = "page \"8mb\"";
	env.hdf5_version = "1.14.3";
	env.curl_version = "8.5.0";
	env.pid = 4242;
	env.ppid = 1;
	env.rank = 3;
	env.clock_offset_s = 1700000000;
	env.clock_offset_ns = 123456789;
	for (int i = 0; i < 16; i++)
		env.uuid[i] = (uint8_t)(i * 17);
	trace_metadata_format(text, sizeof(text), &env);

	CHECK(parse(text, &m, &kind, &err) == H5SNOOP_OK);
	CHECK(kind == TRACE_META_H5SNOOP);
	CHECK_STR(m.hostname, "node-7");
	/* The writer turns control bytes into spaces. */
	CHECK_STR(m.cmdline, "python3 -c \"print('a\\\\b')\" end");
	CHECK_STR(m.label, "page \"8mb\"");
	CHECK_STR(m.hdf5_version, "1.14.3");
	CHECK_STR(m.curl_version, "8.5.0");
	CHECK_EQ_U64(m.pid, 4242);
	CHECK_EQ_U64(m.rank, 3);
	CHECK_EQ_U64(m.format_version, H5SNOOP_TRACE_VERSION);
	CHECK_EQ_U64(m.clock_offset_ns, 1700000000123456789ull);
	CHECK(memcmp(m.uuid, env.uuid, 16) == 0);

	/* Not CTF text, another tracer: foreign, no error. */
	CHECK(parse("\x75\xd1\x1d\x57 binary", &m, &kind, &err) ==
	      H5SNOOP_OK);
	CHECK(kind == TRACE_META_FOREIGN);
	CHECK(parse("/* CTF 1.8 */\nenv { tracer_name = \"lttng-ust\"; };",
		    &m, &kind, &err) == H5SNOOP_OK);
	CHECK(kind == TRACE_META_FOREIGN);

	/* Another format version: a clear error. */
	p = strstr(text, "trace_format_version = ");
	CHECK(p != NULL);
	p[strlen("trace_format_version = ")] = '9';
	CHECK(parse(text, &m, &kind, &err) == H5SNOOP_ERROR);
	CHECK(strstr(err.message, "trace format version 9") != NULL);
	p[strlen("trace_format_version = ")] = '0' + H5SNOOP_TRACE_VERSION;

	/* Cut inside a string: an error with the offset. */
	p = strstr(text, "libcurl_version = \"");
	p[strlen("libcurl_version = \"")] = '\0';
	CHECK(parse(text, &m, &kind, &err) == H5SNOOP_ERROR);
	CHECK(strstr(err.message, "T/metadata: offset ") != NULL);
	CHECK(strstr(err.message, "unterminated string") != NULL);
	return unit_done("test_meta");
}
