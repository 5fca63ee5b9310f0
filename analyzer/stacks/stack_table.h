/*
 * stack_table.h - the call stacks of one process (trace directory) by
 * stack_id, symbolized on first use, and what a request is attributed
 * to: the HDF5 API call it came from (`--by function`) and its call site
 * (`--by stack`).
 *
 * The API call of a stack: from the innermost frame outward, skip to the
 * first frame in HDF5 (a module named libhdf5*, or a function named
 * H5*), follow the run of HDF5 frames outward, and take the outermost
 * public API name in that run (H5 + interface letters + a lowercase
 * letter: H5Dread, H5Aread, H5Gopen2, H5Fopen, H5Literate, H5LTread_
 * dataset; not H5D__read or H5FD_read).  RATIONALE: the outermost is the
 * call the program made (H5LTread_dataset, not the H5Dread inside it);
 * stopping at the first frame outside HDF5 keeps a read made in an
 * iteration callback (H5Literate -> callback -> H5Aread) on H5Aread.
 */
#ifndef H5SNOOP_STACK_TABLE_H
#define H5SNOOP_STACK_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "map.h"
#include "stream_in.h"
#include "symbolize.h"

struct stack_rec {
	uint32_t id;
	uint8_t n_pcs;
	uint64_t *pcs;             /* innermost first, as recorded; owned */
	/* Symbolized, innermost first, without frames of h5snoop's own
	 * library (the shim drops them; an older one may not have). */
	struct sym_frame *frames;  /* NULL until symbolized */
	unsigned n;
	int api;                   /* index in frames of the API call, or
				    * -1 */
};

struct stack_table {
	struct stack_rec *v;
	size_t n, cap;
	struct map by_id;  /* stack_id -> index in v + 1 */
	struct sym_modules modules;
	/* A fork child's parent: the child keeps the shim's table of
	 * stacks seen before the fork, so its events may name stacks (and
	 * modules) that only the parent's trace holds. */
	struct stack_table *parent;
};

/* Zero-initialized is empty.  Sets t's parent (and the module chain). */
void stack_table_set_parent(struct stack_table *t,
			    struct stack_table *parent);

/* Adds a `module` event; see sym_modules_add. */
enum h5snoop_status stack_table_add_module(struct stack_table *t,
					   uint64_t base, uint64_t start,
					   uint64_t end, const char *path,
					   const uint8_t *build_id,
					   size_t build_id_len,
					   struct h5snoop_error *err);

/* Adds a `stack` event (copies pcs).  A second stack with an id already
 * present is ignored.  H5SNOOP_OK or H5SNOOP_ERROR (out of memory). */
enum h5snoop_status stack_table_add(struct stack_table *t, uint32_t id,
				    const uint64_t *pcs, unsigned n,
				    struct h5snoop_error *err);

/*
 * The stack `id` of t (else of its parents), symbolized with s, in *out
 * (NULL: id 0 or not recorded).  Valid until the next stack_table_add
 * to the table holding it.  H5SNOOP_OK or H5SNOOP_ERROR (out of
 * memory); files that cannot be read are warnings in err.
 */
enum h5snoop_status stack_table_get(struct stack_table *t,
				    struct symbolizer *s, uint32_t id,
				    const struct stack_rec **out,
				    struct h5snoop_error *err);

/*
 * Adds ev to t when it is a `stack` or `module` event (others are left
 * alone), in the order the events are read.  H5SNOOP_OK, or
 * H5SNOOP_ERROR (out of memory).
 */
enum h5snoop_status stack_table_add_event(struct stack_table *t,
					  const struct trace_event *ev,
					  struct h5snoop_error *err);

/*
 * Whether stack `id` of t's own process can be symbolized as it will
 * stay: 1 when id is 0, or its stack was read and is symbolized already
 * or has every frame inside a module read (of t or its parents); 0 when
 * its stack was not read yet, or a frame lies in no module read yet.
 * NOTE: a stack is written by the thread that met it first, with the
 * start time of that thread's call, and a module by the thread whose
 * stack met it first: in time order, another thread's request may name
 * a stack, and a stack a module, before their definition.  Pure.
 */
int stack_table_ready(const struct stack_table *t, uint32_t id);

void stack_table_free(struct stack_table *t);

/* Whether name is an HDF5 public API name (see above). */
int stack_is_api_name(const char *name);

/*
 * The API call of a symbolized stack, without a compiler suffix
 * ("H5Dread" of "H5Dread.cold"), into buf; NULL when it has none.
 */
const char *stack_api_name(const struct stack_rec *r, char *buf,
			   size_t cap);

/* Whether a frame of r is function `name` (suffixes ignored). */
int stack_has_function(const struct stack_rec *r, const char *name);

/*
 * The call site of r: `depth` frames from its API frame outward (from
 * its innermost frame when it has none), innermost first, joined by
 * " < ": "H5Dread < read_variable < main".  Named frames without their
 * offset, others as module+0xOFF.  Into buf (cut to cap); returns buf.
 */
char *stack_site(const struct stack_rec *r, unsigned depth, char *buf,
		 size_t cap);

#endif
