/*
 * aggregate.h - per group and layer: requests and bytes by size bin,
 * latency percentiles, metadata vs raw data, HTTP status codes, errors
 * and phases, and the wall time of the run.
 *
 * Memory: per group, a tally of its requests (struct agg_tally, 24
 * bytes), whatever the number of groups; the full statistics (struct
 * agg_group, with histograms that grow with use) only for the groups
 * kept, at most agg->keep_max of them when a limit is set.  Nothing per
 * request.
 *
 * RATIONALE: a report shows its top N groups; a trace of 200,000 files
 * read once each has 200,000 groups, whose full statistics took 9 GB.
 * Which N groups have the most requests is known only at the end, so
 * the caller (analysis.c) runs the traces twice when more than N groups
 * have requests: the first pass keeps the first N groups and tallies
 * all; then agg_select keeps the top N and the second pass fills them.
 */
#ifndef H5SNOOP_AGGREGATE_H
#define H5SNOOP_AGGREGATE_H

#include <stdint.h>

#include "attrib.h"
#include "diag.h"
#include "histogram.h"
#include "run.h"

/* The size bins: [0, 1 KiB), [1, 10 KiB), [10, 100 KiB), [100 KiB, inf).
 * A choice of the report (the seed's edges), not of the trace format:
 * the edges are written here only. */
#define AGG_BINS 4
#define AGG_BIN_EDGES_BYTES {1024u, 10240u, 102400u}
/* Rows of a layer: the bins, then requests without a body (http: HEAD
 * and failures, not binned), then all requests. */
enum agg_row { AGG_ROW_NOBODY = AGG_BINS, AGG_ROW_ALL, AGG_ROWS };

extern const char *const agg_row_names[AGG_ROWS];
extern const uint64_t agg_bin_edges[AGG_BINS - 1];

/* Phases of an http request (sums over requests). */
#define AGG_PHASES(X) \
	X(DNS, dns)           \
	X(CONNECT, connect)   \
	X(TLS, tls)           \
	X(FIRST_BYTE, first_byte) \
	X(TRANSFER, transfer)
enum agg_phase {
#define AGG_PHASE_ENUM(up, low) AGG_PHASE_##up,
	AGG_PHASES(AGG_PHASE_ENUM)
#undef AGG_PHASE_ENUM
	AGG_PHASE_COUNT
};
extern const char *const agg_phase_names[AGG_PHASE_COUNT];

/* Distinct HTTP status codes counted one by one; more go to "other". */
#define AGG_MAX_STATUS 16

struct agg_stats {
	uint64_t requests;
	uint64_t bytes;
	uint64_t total_ns;
	struct hist latency;
};

struct agg_simple {
	uint64_t requests, bytes, total_ns;
};

/*
 * Time spans of a group or layer.  RATIONALE: the time a group took is
 * the sum over processes of each one's first start to last end; the span
 * from the first start of all to the last end of all also counts the
 * gaps between processes run one after another (two sequential 120 ms
 * runs of one label spanned 472 ms).  The events of a process come
 * together (run.h: one trace at a time), so one open span suffices.
 */
struct agg_span {
	int64_t first_ns;       /* Unix ns of the first start, all */
	int64_t last_end_ns;    /* Unix ns of the last end, all */
	uint64_t closed_ns;     /* the spans of earlier processes */
	const void *proc;       /* the process of the open span */
	int64_t proc_first_ns, proc_end_ns;
	uint32_t procs;         /* processes seen */
};

struct agg_layer {
	struct agg_stats row[AGG_ROWS];
	struct agg_simple mem[H5SNOOP_MEM_NTYPES]; /* vfd: by mem_type */
	uint64_t failed;        /* vfd: status < 0; http: errors */
	/* http */
	uint64_t curl_errors;   /* curl_code > 0, no HTTP error status */
	uint64_t http_errors;   /* status >= 400, probes left out */
	/* curl_code of the errors, each distinct code counted (more go to
	 * curl_other) */
	int32_t curl_code[AGG_MAX_STATUS];
	uint64_t curl_count[AGG_MAX_STATUS];
	unsigned n_curl;
	uint64_t curl_other;
	/* HTTP status of the errors (status >= 400, probes left out) */
	int32_t error_code[AGG_MAX_STATUS];
	uint64_t error_count[AGG_MAX_STATUS];
	unsigned n_error;
	uint64_t error_other;
	uint64_t probes[ATTRIB_PROBE_COUNT]; /* routine probes, by kind */
	/* Requests the net layer saw: it measures no DNS, connect or TLS
	 * time (only libcurl's requests have them). */
	uint64_t net_requests;
	uint16_t status_code[AGG_MAX_STATUS];
	uint64_t status_count[AGG_MAX_STATUS];
	unsigned n_status;
	uint64_t status_other;
	uint64_t bytes_fetched; /* body bytes received */
	/* Bytes asked by the group's driver reads: all of them when the
	 * vfd layer is counted (agg_finish), else those that made
	 * requests. */
	uint64_t bytes_asked;
	uint64_t in_reads;      /* requests made inside a driver read */
	uint64_t reads_fetching; /* driver reads that made requests */
	uint64_t phase_ns[AGG_PHASE_COUNT];
	struct agg_span span;
};

/* Requests under 10 KiB: the first two size bins. */
static inline uint64_t agg_small_requests(const struct agg_layer *l)
{
	return l->row[0].requests + l->row[1].requests;
}

struct agg_group {
	struct agg_layer layer[LAYER_COUNT];
	struct agg_span span;          /* over both layers */
	uint64_t file_size;            /* its file's size when the group has
					* one file, else 0 */
	uint64_t largest_file_size;    /* of its files */
	uint32_t files;                /* distinct files opened: 0, 1 or 2
					* (two or more) */
};

/* What is counted for every group, kept or not. */
struct agg_tally {
	uint64_t requests[LAYER_COUNT]; /* in the layers asked for */
	uint64_t file_size;             /* largest file of the group */
	uint64_t file_hash;             /* of the first file's name */
	uint32_t files;                 /* 0, 1, or 2: two or more */
};

struct agg {
	struct agg_group **g;      /* per group: statistics, or NULL when
				    * the group is not kept */
	struct agg_tally *tally;   /* per group */
	uint32_t n, cap;           /* groups seen (indexes of the table) */
	uint32_t kept;             /* groups with statistics */
	uint32_t keep_max;         /* 0: keep every group */
	uint8_t *keep;             /* after agg_select: per group, 1 to keep
				    * (groups past keep_n are not) */
	uint32_t keep_n;
	/* Filled by agg_finish: the groups with requests not kept. */
	uint32_t left_out;
	uint64_t left_out_requests;
	unsigned layer_mask;       /* 1 << LAYER_VFD | 1 << LAYER_HTTP */
};

static inline unsigned agg_bin_of(uint64_t size)
{
	static const uint64_t e[AGG_BINS - 1] = AGG_BIN_EDGES_BYTES;

	return size < e[0] ? 0u : size < e[1] ? 1u : size < e[2] ? 2u : 3u;
}

void agg_init(struct agg *a, unsigned layer_mask);

/* Keeps the statistics of at most `max` groups (0: all), the first ones
 * with requests until agg_select says which. */
void agg_set_keep_max(struct agg *a, uint32_t max);

/* The statistics of group g, or NULL when it is not kept (or has
 * none). */
static inline const struct agg_group *agg_group_of(const struct agg *a,
						   uint32_t g)
{
	return g < a->n ? a->g[g] : NULL;
}

/* Requests of group g in the layers asked for (kept or not). */
uint64_t agg_requests(const struct agg *a, uint32_t g);

/* Whether some group with requests has no statistics (after a pass with
 * a limit: the top ones must be selected and the traces run again). */
int agg_incomplete(const struct agg *a);

/* Sorts idx[0..n) by count(ctx, idx[i]), most first; ties by the index,
 * smaller first.  H5SNOOP_OK or H5SNOOP_ERROR (out of memory).  The one
 * ranking of the model: groups (agg_rank) and tally rows (tally_rank). */
enum h5snoop_status agg_rank_by(uint32_t *idx, uint32_t n,
				uint64_t (*count)(const void *ctx,
						  uint32_t i),
				const void *ctx, struct h5snoop_error *err);

/* Sorts groups[0..n) by requests, most first; ties by index (order of
 * appearance).  H5SNOOP_OK or H5SNOOP_ERROR (out of memory). */
enum h5snoop_status agg_rank(const struct agg *a, uint32_t *groups,
			     uint32_t n, struct h5snoop_error *err);

/*
 * After a first pass: keeps the keep_max groups with most requests (ties:
 * the first seen) and group `also` (a group index, or -1), forgets every
 * statistic and tally, and gets ready for the second pass over the same
 * traces.  H5SNOOP_OK or H5SNOOP_ERROR (out of memory).
 */
enum h5snoop_status agg_select(struct agg *a, long also,
			       struct h5snoop_error *err);

/* Adds one resolved event.  H5SNOOP_OK or H5SNOOP_ERROR (no memory). */
enum h5snoop_status agg_add(struct agg *a, const struct trace_event *ev,
			    const struct resolved *r,
			    struct h5snoop_error *err);

/* A run sink that adds every event to a (agg_add). */
struct run_sink agg_sink(struct agg *a);

/* Fills requests and total_ns of every row, the AGG_ROW_ALL rows, the
 * groups' first and last times and file sizes, and left_out; call once
 * after the last agg_add. */
enum h5snoop_status agg_finish(struct agg *a, struct h5snoop_error *err);

/* Driver reads of a group that made no HTTP request: served by the driver
 * (its cache, a local file, or a transport the http layer does not see).
 * Meaningful when both layers are counted. */
static inline uint64_t agg_served_by_driver(const struct agg_group *g)
{
	uint64_t reads = g->layer[LAYER_VFD].row[AGG_ROW_ALL].requests;
	uint64_t fetching = g->layer[LAYER_HTTP].reads_fetching;

	return reads > fetching ? reads - fetching : 0;
}

/* Wall time of a group or layer (last end - first start), 0 if empty. */
uint64_t agg_wall_ns(int64_t first_ns, int64_t last_end_ns);

/* The time of a span: the sum over processes of each one's first start
 * to last end (after agg_finish). */
static inline uint64_t agg_span_sum_ns(const struct agg_span *s)
{
	return s->closed_ns;
}

/* The first start of all to the last end of all, gaps included. */
static inline uint64_t agg_span_all_ns(const struct agg_span *s)
{
	return agg_wall_ns(s->first_ns, s->last_end_ns);
}

void agg_free(struct agg *a);

#endif
