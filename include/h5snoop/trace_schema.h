/*
 * trace_schema.h - fixed-width layout of an h5snoop CTF 1.8 trace.
 *
 * Shared by the shim (writer) and the analyzer (reader).  The event structs
 * are generated from trace_schema.def; they hold each event's fixed part,
 * exactly as it lies in a stream file (packed, little-endian: the shim only
 * builds on little-endian hosts).  Strings and sequences follow the fixed
 * part in the order the .def declares them.
 *
 * Must never: change without bumping H5SNOOP_TRACE_VERSION.
 */
#ifndef H5SNOOP_TRACE_SCHEMA_H
#define H5SNOOP_TRACE_SCHEMA_H

#include <stdint.h>

#define H5SNOOP_TRACE_VERSION 7
#define H5SNOOP_VERSION_STRING "0.1.0"
#define H5SNOOP_TRACER_NAME "h5snoop"
#define H5SNOOP_CTF_MAGIC 0xC1FC1FC1u
#define H5SNOOP_METADATA_FILE "metadata"
#define H5SNOOP_STREAM_PREFIX "stream_"

/* HDF5's H5FD_mem_t, kept as our own enum so the analyzer needs no HDF5. */
#define H5SNOOP_MEM_TYPES(X) \
	X(0, default)        \
	X(1, super)          \
	X(2, btree)          \
	X(3, draw)           \
	X(4, gheap)          \
	X(5, lheap)          \
	X(6, ohdr)
enum h5snoop_mem_type {
#define H5SNOOP_MT_ENUM(v, n) H5SNOOP_MEM_##n = v,
	H5SNOOP_MEM_TYPES(H5SNOOP_MT_ENUM)
#undef H5SNOOP_MT_ENUM
	H5SNOOP_MEM_NTYPES
};

/* Values of http_request.seen_by and net_unparsed.seen_by: where the
 * bytes were seen (libcurl's API, or the net layer at the socket or at
 * OpenSSL's TLS boundary). */
enum h5snoop_seen_by {
	H5SNOOP_SEEN_BY_CURL = 0,
	H5SNOOP_SEEN_BY_SOCKET = 1,
	H5SNOOP_SEEN_BY_TLS = 2,
	H5SNOOP_SEEN_BY_COUNT
};

/* Values of net_unparsed.reason (shim/http_parse.h gives them). */
#define H5SNOOP_UNPARSED_REASONS(X) \
	X(1, not_http)              \
	X(2, http2)                 \
	X(3, tunnel)                \
	X(4, upgrade)               \
	X(5, pipelined)             \
	X(6, too_many)
#define H5SNOOP_UNPARSED_MAX 6

enum h5snoop_event_id {
#define H5SNOOP_EVENT(id, name, doc) H5SNOOP_EV_##name = id,
#include "h5snoop/trace_schema.def"
	H5SNOOP_EV_COUNT
};

/* Reasons for lost data (H5SNOOP_LOSS rows of trace_schema.def). */
enum h5snoop_loss {
#define H5SNOOP_LOSS(id, name, drops, doc) H5SNOOP_LOSS_##name = id,
#include "h5snoop/trace_schema.def"
	H5SNOOP_LOSS_COUNT
};

/* Packet header and context: what precedes the events of every packet. */
struct __attribute__((packed)) h5snoop_packet_header {
	uint32_t magic;
	uint8_t uuid[16];
	uint32_t stream_id;
	/* packet context */
	uint64_t timestamp_begin;
	uint64_t timestamp_end;
	uint64_t content_size;     /* bits, header included */
	uint64_t packet_size;      /* bits */
	uint64_t events_discarded; /* running count for this stream */
	uint64_t packet_seq_num;
	uint32_t tid;
	/* lost_<reason> in the metadata, one per H5SNOOP_LOSS row: running
	 * counts for this stream, like events_discarded */
	uint64_t lost[H5SNOOP_LOSS_COUNT];
};

struct __attribute__((packed)) h5snoop_event_header {
	uint8_t id;
	uint64_t timestamp; /* ns on the trace clock, start of the operation */
};

/* One struct per event: header then fixed fields. */
#define H5SNOOP_EVENT(id, name, doc)                      \
	struct __attribute__((packed)) h5snoop_ev_##name { \
		struct h5snoop_event_header h;
#define H5SNOOP_FIELD(ev, ctype, tsdl, name) ctype name;
#define H5SNOOP_EVENT_END(id, name) \
	}                            \
	;
#include "h5snoop/trace_schema.def"

/*
 * Restated definitions (ring chunks): file_restated, stack_restated and
 * module_restated have the layout of file_open, stack and module; they
 * define, and are no operation of the program.  The original's id, or
 * `id` itself when it restates nothing.
 */
static inline unsigned h5snoop_event_original(unsigned id)
{
	switch (id) {
	case H5SNOOP_EV_file_restated:
		return H5SNOOP_EV_file_open;
	case H5SNOOP_EV_stack_restated:
		return H5SNOOP_EV_stack;
	case H5SNOOP_EV_module_restated:
		return H5SNOOP_EV_module;
	default:
		return id;
	}
}

static inline int h5snoop_event_restated(unsigned id)
{
	return h5snoop_event_original(id) != id;
}

_Static_assert(sizeof(struct h5snoop_ev_file_restated) ==
		       sizeof(struct h5snoop_ev_file_open) &&
	       sizeof(struct h5snoop_ev_stack_restated) ==
		       sizeof(struct h5snoop_ev_stack) &&
	       sizeof(struct h5snoop_ev_module_restated) ==
		       sizeof(struct h5snoop_ev_module),
	       "a restated event has its original's layout");

/* Name of each loss reason, and whether it drops events, by id. */
extern const char *const h5snoop_loss_names[H5SNOOP_LOSS_COUNT];
extern const unsigned char h5snoop_loss_drops[H5SNOOP_LOSS_COUNT];
/* Name of each mem_type value, indexed by value. */
extern const char *const h5snoop_mem_type_names[H5SNOOP_MEM_NTYPES];

#endif
