/*
 * plot_data.h - what the plots need beyond the aggregation, in bounded
 * memory, collected during the one pass over the traces:
 *
 *  - read pattern: per group and layer, PLOT_COLUMNS columns over the
 *    file offsets, each counting the requests of each size bin that
 *    touch it (what falls in one pixel is merged, however many requests);
 *    only for the groups the aggregation keeps (--top, aggregate.h), as
 *    only they are drawn;
 *  - timeline: per lane (a process), PLOT_COLUMNS columns of time from
 *    its first request on, each holding the ns spent inside requests of
 *    each layer (its threads added up), and the span of its requests, so
 *    that the picture can fold the idle time between processes.  At most
 *    PLOT_MAX_LANES lanes: past them, the last lane holds every further
 *    process, on columns from the start of the run.
 *
 * Every scale starts small and doubles (merging column pairs) when a
 * request lands past it, so no size or duration is needed in advance.
 */
#ifndef H5SNOOP_PLOT_DATA_H
#define H5SNOOP_PLOT_DATA_H

#include <stdint.h>

#include "aggregate.h"
#include "run.h"

#define PLOT_COLUMNS 1024u
#define PLOT_MAX_LANES 256u

struct pattern {
	uint64_t span;  /* bytes covered by the columns (power of 2) */
	uint64_t extent; /* largest end offset seen */
	uint64_t requests;
	uint32_t count[AGG_BINS][PLOT_COLUMNS];
};

struct lane {
	char name[600];
	uint32_t group;    /* group of its first request */
	int started;       /* has requests */
	int64_t origin_ns; /* Unix ns of column 0 */
	uint64_t span_ns;  /* time the columns cover (power of 2) */
	int64_t first_ns, last_end_ns; /* Unix ns: its requests' span */
	uint64_t requests[LAYER_COUNT];
	double busy_ns[LAYER_COUNT][PLOT_COLUMNS];
};

struct plot_data {
	unsigned layer_mask;
	const struct agg *agg;    /* which groups are kept */
	struct pattern **pattern; /* [group * LAYER_COUNT + layer] or NULL */
	uint32_t n_groups;
	struct lane **lanes;
	uint32_t n_lanes;
	uint32_t cur_lane;        /* lane of the current trace */
	uint32_t overflow_lane;   /* lane of the processes past the limit */
	uint32_t overflow_procs;  /* how many it holds (0: none) */
	int64_t origin_ns;        /* Unix ns of the run's start */
};

/* Columns for the groups `agg` keeps (agg must be fed first: its sink
 * before this one). */
void plot_data_init(struct plot_data *d, unsigned layer_mask,
		    const struct agg *agg);
struct run_sink plot_data_sink(struct plot_data *d);
void plot_data_free(struct plot_data *d);

#endif
