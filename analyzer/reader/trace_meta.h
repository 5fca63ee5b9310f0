/*
 * trace_meta.h - what an h5snoop trace's `metadata` file says about the
 * traced process: the env block, the clock offset and the trace uuid.
 *
 * RATIONALE: event layouts come from trace_schema.def at compile time
 * (the format version tells whether they match), so this is not a TSDL
 * parser: it tokenizes the text, skips every block but `trace`, `env`
 * and `clock`, and reads their `name = value;` lines.
 */
#ifndef H5SNOOP_TRACE_META_H
#define H5SNOOP_TRACE_META_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/* Metadata files larger than this are refused (ours are ~3 KiB). */
#define TRACE_META_MAX_BYTES (1u << 20)

struct trace_meta {
	char hostname[256];
	char cmdline[4096];
	char label[256];
	char hdf5_version[64];
	char curl_version[64];
	char h5snoop_version[64];
	char tracer_name[64];
	long long pid;
	long long ppid;
	long long rank;
	long long format_version;
	int64_t clock_offset_ns; /* trace clock + this = Unix time, ns */
	uint8_t uuid[16];
};

enum trace_meta_kind {
	TRACE_META_H5SNOOP, /* ours, of this format version */
	TRACE_META_FOREIGN, /* not an h5snoop trace (other tracer, not CTF) */
};

/*
 * Parses `len` bytes of metadata text into m.  Sets *kind; returns
 * H5SNOOP_ERROR (err names `path` and the byte offset) when the text says
 * it is h5snoop's but is broken or of another format version.  A foreign
 * text is not an error.  No allocation; reentrant.
 */
enum h5snoop_status trace_meta_parse(const char *text, size_t len,
				     const char *path, struct trace_meta *m,
				     enum trace_meta_kind *kind,
				     struct h5snoop_error *err);

/*
 * Reads and parses DIR/metadata (`dirpath` is only for messages).  A
 * missing or unreadable file is an error.  Allocates a temporary buffer,
 * freed before return.  Reentrant.
 */
enum h5snoop_status trace_meta_load(int dirfd, const char *dirpath,
				    struct trace_meta *m,
				    enum trace_meta_kind *kind,
				    struct h5snoop_error *err);

#endif
