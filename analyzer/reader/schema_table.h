/*
 * schema_table.h - the reader's view of trace_schema.def: for each event
 * id, its name, the size of its fixed part and the list of its fields,
 * all generated from the .def at compile time.
 *
 * Must never: list a field by hand.  A new field in the .def reaches the
 * decoder, the exports and the fuzz target by recompiling.
 */
#ifndef H5SNOOP_SCHEMA_TABLE_H
#define H5SNOOP_SCHEMA_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "h5snoop/trace_schema.h"

/* Upper bound on the variable-size fields (strings, sequences) of one
 * event; checked against the .def at compile time in schema_table.c. */
#define SCHEMA_MAX_VARS 4

enum schema_kind { SCHEMA_INT, SCHEMA_STRING, SCHEMA_SEQ };

struct schema_field {
	const char *name;
	const char *tsdl;      /* type alias in the metadata, e.g. "u64" */
	enum schema_kind kind;
	uint16_t offset;       /* SCHEMA_INT: in the fixed part */
	uint8_t bytes;         /* SCHEMA_INT: size; SCHEMA_SEQ: element */
	uint8_t is_signed;
	uint8_t is_mem_type;   /* tsdl is mem_type_t: has names */
	uint16_t count_offset; /* SCHEMA_SEQ: the count field */
	uint8_t count_bytes;
};

struct schema_event {
	const char *name;      /* NULL: id not in use */
	size_t fixed_bytes;    /* header included */
	const struct schema_field *fixed; /* timestamp, then .def order */
	unsigned n_fixed;
	const struct schema_field *vars;  /* strings and sequences, in
					   * .def (= wire) order */
	unsigned n_vars;
};

/* Indexed by event id; read-only. */
extern const struct schema_event schema_events[H5SNOOP_EV_COUNT];

/* Value of an integer field of a fixed part (sign-extended when signed,
 * returned as the bit pattern in a uint64_t). */
uint64_t schema_get_int(const void *fixed, const struct schema_field *f);

#endif
