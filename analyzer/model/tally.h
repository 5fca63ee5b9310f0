/*
 * tally.h - per process and per file: requests, bytes and time of each
 * layer, failures and the span of the requests, whatever the --by
 * grouping; for the tables of the HTML report.
 *
 * Memory: one row per process and per distinct file name (about 150
 * bytes each, plus the name), nothing per request.
 */
#ifndef H5SNOOP_TALLY_H
#define H5SNOOP_TALLY_H

#include <stdint.h>

#include "attrib.h"
#include "map.h"
#include "run.h"

struct tally_row {
	char *name;      /* a file's name or URL; a process's host:pid */
	char *label;     /* the process's label, or the file's driver */
	uint64_t requests[LAYER_COUNT];
	uint64_t bytes[LAYER_COUNT]; /* vfd: asked; http: fetched */
	uint64_t busy_ns[LAYER_COUNT];
	uint64_t failed;             /* failed reads and requests */
	uint64_t file_size;          /* files: 0 when unknown */
	int64_t first_ns, last_end_ns; /* Unix ns; first 0: no request */
};

struct tally {
	struct tally_row *procs;   /* [proc->index] */
	uint32_t n_procs;
	struct tally_row *files;   /* in order of first request */
	uint32_t n_files, cap_files;
	struct map by_name;        /* file name -> index + 1 */
	const struct proc *cur;
};

void tally_init(struct tally *t);
/* The sink that fills t (a second pass starts it over). */
struct run_sink tally_sink(struct tally *t);
void tally_free(struct tally *t);

/* Sorts rows[0..n) by requests of both layers, most first (ties: in
 * order).  Returns H5SNOOP_OK, or H5SNOOP_ERROR out of memory; *out is
 * malloc'ed (indexes into rows). */
enum h5snoop_status tally_rank(const struct tally_row *rows, uint32_t n,
			       uint32_t **out, struct h5snoop_error *err);

#endif
