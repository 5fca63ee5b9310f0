/*
 * fuzz_reader.c - libFuzzer target for the analyzer's reader: the input
 * is one stream file of a trace whose metadata is valid (made with the
 * shim's trace_metadata_format, with the uuid of the input's first packet
 * so that mutations reach past the uuid check); the trace goes through
 * the run (model/run.c: reading, holding requests until their stack is
 * read, attribution) into the aggregation, as `h5snoop report --by
 * stack` does.  The same bytes are also
 * parsed as metadata text.
 *
 * Built by run_fuzz.sh with clang -fsanitize=fuzzer,address,undefined.
 * A crash, a hang or a leak is a bug: keep the input in regressions/.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aggregate.h"
#include "attrib.h"
#include "run.h"
#include "trace_metadata.h"
#include "trace_meta.h"

static char dir[256];
static uint8_t meta_uuid[16];
static int have_meta;

static void write_file(const char *name, const void *data, size_t len)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		abort();
	close(fd);
}

static void write_metadata(const uint8_t uuid[16])
{
	struct h5snoop_trace_env env = {0};
	static char text[16384];
	size_t n;

	env.hostname = "fuzz";
	env.cmdline = "fuzz";
	env.label = "";
	env.pid = 1;
	env.rank = -1;
	memcpy(env.uuid, uuid, 16);
	n = trace_metadata_format(text, sizeof(text), &env);
	write_file("metadata", text, n);
	memcpy(meta_uuid, uuid, 16);
	have_meta = 1;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *base = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "%s/h5snoop-fuzz-XXXXXX",
		 base && *base ? base : "/tmp");
	if (!mkdtemp(dir))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t zero[16];
	static struct h5snoop_error err;
	static struct trace_meta m;
	/* Stacks on: stack and module events are loaded, symbolized (the
	 * paths they name are opened read-only) and grouped by. */
	struct group_table groups = {.by = {GROUP_BY_FLAVOR, GROUP_BY_STACK},
				     .n_by = 2};
	enum trace_meta_kind kind;
	struct attrib a;
	struct agg agg;
	struct run_sink sink = agg_sink(&agg);
	struct run_summary sum;
	char *args[] = {dir, NULL};

	memset(&err, 0, sizeof(err));
	trace_meta_parse((const char *)data, size, "fuzz", &m, &kind, &err);
	memset(&err, 0, sizeof(err));
	{
		const uint8_t *uuid = size >= 20 ? data + 4 : zero;

		if (!have_meta || memcmp(uuid, meta_uuid, 16) != 0)
			write_metadata(uuid);
	}
	write_file("stream_1", data, size);
	attrib_init(&a, &groups);
	attrib_set_stacks(&a, 3, NULL);
	agg_init(&agg, 3);
	run_traces(args, 1, &a, &sink, 1, &sum, &err);
	agg_finish(&agg, &err);
	agg_free(&agg);
	attrib_free(&a);
	group_table_free(&groups);
	return 0;
}
