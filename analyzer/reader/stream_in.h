/*
 * stream_in.h - reading one stream file of an h5snoop trace: packets
 * checked one by one, events decoded with the tables of schema_table.h.
 *
 * Streaming: one packet's content is in memory at a time, so memory does
 * not grow with the file.  A file that ends inside a packet, or an event
 * that crosses its packet's content_size, is read up to the last
 * complete event with one warning; anything else that does not fit the
 * format is an error naming the file, the packet and the byte offset.
 */
#ifndef H5SNOOP_STREAM_IN_H
#define H5SNOOP_STREAM_IN_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "schema_table.h"

/* Larger packets are refused as corrupt (the shim writes 64 KiB). */
#define STREAM_IN_MAX_PACKET_BYTES (64u << 20)
/* Bytes of the file mapped at a time (one trace's streams share a budget
 * of STREAM_IN_WINDOW_BUDGET; see trace_open). */
#define STREAM_IN_WINDOW_MAX (4u << 20)
#define STREAM_IN_WINDOW_MIN (256u << 10)
#define STREAM_IN_WINDOW_BUDGET (16u << 20)

/* One decoded event.  Its fixed part and strings point into the stream's
 * packet buffer (RATIONALE: no copy per event; the structs are packed,
 * so their fields may be read at any alignment): valid until the stream
 * is advanced or closed. */
struct trace_event {
	uint8_t id;            /* enum h5snoop_event_id */
	uint32_t stream;       /* index of its stream in the trace */
	uint32_t tid;
	uint64_t ts;           /* trace clock, ns (start of the operation) */
	uint64_t file_offset;  /* of the event in its stream file */
	union {
		const struct h5snoop_event_header *h;
#define H5SNOOP_EVENT(id, name, doc) const struct h5snoop_ev_##name *name;
#include "h5snoop/trace_schema.def"
	} u;                   /* the fixed part, in the packet (packed) */
	const char *var[SCHEMA_MAX_VARS]; /* strings (NUL-terminated) and
					   * sequences, in .def order */
	uint32_t var_len[SCHEMA_MAX_VARS]; /* string bytes without the NUL,
					    * or sequence element count */
};

struct stream_in {
	char path[PATH_MAX];   /* TRACE/stream_N, for messages */
	int fd;
	uint64_t file_bytes;
	uint8_t uuid[16];
	uint32_t index;
	uint64_t packet_index; /* of the packet in buf */
	uint64_t packet_offset;
	uint64_t next_packet_offset;
	const uint8_t *buf;    /* content of the current packet */
	size_t end;            /* usable bytes in buf */
	size_t pos;            /* next event in buf */
	uint8_t *map;          /* window of the file (mmap), or NULL */
	uint64_t map_off;      /* file offset of map (page-aligned) */
	size_t map_len;
	size_t window_bytes;   /* size of the next window */
	uint8_t *heap;         /* fallback when mmap fails: pread here */
	size_t heap_cap;
	int short_packet;      /* the file ends inside this packet */
	int truncated;         /* events were lost to truncation */
	int eof;
	int follow;            /* still being written: see stream_in_follow */
	uint32_t tid;
	uint64_t discarded;    /* largest events_discarded seen */
	uint64_t lost[H5SNOOP_LOSS_COUNT]; /* largest lost_<reason> seen */
	uint64_t events;       /* decoded so far */
	uint64_t last_ts;
	int warned_time;
	struct trace_event ev; /* the current event */
};

/*
 * RATIONALE: the file is read through mmap'ed windows of window_bytes,
 * not read(2) into a buffer: the copy from the page cache was a quarter of
 * the report's time.  A window is unmapped before the next one, so the
 * resident size stays within the budget whatever the file's size.
 * NOTE: a stream file truncated by another process while it is read would
 * raise SIGBUS; the shim only ever grows its files.
 *
 * Opens stream file `name` in dirfd (trace_path is for messages) whose
 * packets must carry `uuid`.  Returns H5SNOOP_OK or H5SNOOP_ERROR.  Owns
 * a file descriptor and a buffer until stream_in_close.  Not
 * thread-safe for one stream; streams are independent.
 */
enum h5snoop_status stream_in_open(struct stream_in *s, int dirfd,
				   const char *name, const char *trace_path,
				   const uint8_t uuid[16], uint32_t index,
				   struct h5snoop_error *err);

/*
 * Decodes the next event into s->ev.  Returns 1 for an event, 0 at the
 * end of the stream (a truncated one included: a warning is added), -1 on
 * corrupt input (err filled).
 */
int stream_in_next(struct stream_in *s, struct h5snoop_error *err);

/*
 * For a stream file still being written (h5snoop top): takes in what the
 * writer added since the last call (a longer file, a larger content_size
 * of the packet being read), so that stream_in_next returns the events
 * written since; it reads nothing itself.  From the first call on, a
 * packet the writer has not finished setting up (the file ends inside it,
 * its header is still zeros) is "not yet", not a truncation.  Returns
 * H5SNOOP_OK, or H5SNOOP_ERROR when the file cannot be read or shrank.
 * Not thread-safe for one stream.
 */
enum h5snoop_status stream_in_follow(struct stream_in *s,
				     struct h5snoop_error *err);

/* Frees the buffer and closes the file; safe on a closed stream. */
void stream_in_close(struct stream_in *s);

#endif
