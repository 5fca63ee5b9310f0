/*
 * schema_table.c - decoder tables generated from trace_schema.def (see
 * schema_table.h).
 *
 * Must never: hold hand-written field lists.
 */
#include "schema_table.h"

#include <string.h>

#define IS_SIGNED(ctype)                                            \
	_Generic((ctype)0, int8_t : 1, int16_t : 1, int32_t : 1,    \
		 int64_t : 1, default : 0)
#define MEMBER_BYTES(ev, m) sizeof(((struct h5snoop_ev_##ev *)0)->m)
#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Number of variable-size fields of each event, as an enum constant. */
#define H5SNOOP_EVENT(id, name, doc) enum { nvars_##name = 0
#define H5SNOOP_STRING(ev, name) +1
#define H5SNOOP_SEQ(ev, ctype, tsdl, count, name) +1
#define H5SNOOP_EVENT_END(id, name) \
	}                            \
	;                            \
	_Static_assert(nvars_##name <= SCHEMA_MAX_VARS, "SCHEMA_MAX_VARS");
#include "h5snoop/trace_schema.def"

/* The fixed fields of each event, the header's timestamp first. */
#define H5SNOOP_EVENT(id, name, doc)                               \
	static const struct schema_field fixed_##name[] = {        \
		{"timestamp", "u64_clock", SCHEMA_INT,             \
		 offsetof(struct h5snoop_event_header, timestamp), \
		 8, 0, 0, 0, 0},
#define H5SNOOP_FIELD(ev, ctype, tsdl, name)                              \
	{#name, #tsdl, SCHEMA_INT, offsetof(struct h5snoop_ev_##ev, name), \
	 sizeof(ctype), IS_SIGNED(ctype),                                  \
	 sizeof(#tsdl) == sizeof("mem_type_t") &&                          \
		 __builtin_memcmp(#tsdl, "mem_type_t", sizeof(#tsdl)) == 0, \
	 0, 0},
#define H5SNOOP_EVENT_END(id, name) \
	}                            \
	;
#include "h5snoop/trace_schema.def"

/* The variable fields of each event, in wire order (a terminator keeps
 * the array non-empty for events without any). */
#define H5SNOOP_EVENT(id, name, doc) \
	static const struct schema_field var_##name[] = {
#define H5SNOOP_STRING(ev, name) \
	{#name, "string", SCHEMA_STRING, 0, 1, 0, 0, 0, 0},
#define H5SNOOP_SEQ(ev, ctype, tsdl, count, name)                   \
	{#name,                                                      \
	 #tsdl,                                                      \
	 SCHEMA_SEQ,                                                 \
	 0,                                                          \
	 sizeof(ctype),                                              \
	 IS_SIGNED(ctype),                                           \
	 0,                                                          \
	 offsetof(struct h5snoop_ev_##ev, count),                    \
	 MEMBER_BYTES(ev, count)},
#define H5SNOOP_EVENT_END(id, name) \
	{NULL, NULL, SCHEMA_INT, 0, 0, 0, 0, 0, 0}};
#include "h5snoop/trace_schema.def"

const struct schema_event schema_events[H5SNOOP_EV_COUNT] = {
#define H5SNOOP_EVENT(id, name, doc)                                  \
	[id] = {#name, sizeof(struct h5snoop_ev_##name), fixed_##name, \
		COUNT_OF(fixed_##name), var_##name, nvars_##name},
#include "h5snoop/trace_schema.def"
};

uint64_t schema_get_int(const void *fixed, const struct schema_field *f)
{
	const uint8_t *p = (const uint8_t *)fixed + f->offset;
	uint64_t v = 0;

	/* NOTE: little-endian, like the writer (trace_schema.h). */
	memcpy(&v, p, f->bytes);
	if (f->is_signed && f->bytes < 8 && ((v >> (f->bytes * 8 - 1)) & 1u))
		v |= ~(uint64_t)0 << (f->bytes * 8);
	return v;
}
