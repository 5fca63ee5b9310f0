/*
 * advise.h - `h5snoop advise`: what makes a recorded run slow on an
 * object store, with the evidence from the trace, what it costs, and the
 * remedy in the user's terms.
 *
 * Three steps: advise_sink() collects per subject (a label and file:
 * one run of one file) the figures the rules need, in one pass and
 * bounded memory; advise_finish() applies the rules (advise_rules.c)
 * and sorts the findings, most costly first; a writer (advise_text.c,
 * advise_json.c) prints them.
 *
 * Must never: print (the writers take a FILE* from the CLI), keep
 * events, or trust a figure of the trace (sums saturate, sets are
 * capped).
 */
#ifndef H5SNOOP_ADVISE_H
#define H5SNOOP_ADVISE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "diag.h"
#include "group_key.h"
#include "map.h"
#include "run.h"

/* Sizes the rules speak of. */
#define ADVISE_SMALL_BYTES 10240u         /* a "small" request */
#define ADVISE_BLOCK_BYTES (8u << 20)     /* a page or cache block */
#define ADVISE_REGION_BYTES (1u << 20)    /* metadata spread unit */
#define ADVISE_SAMPLES 512u               /* latency samples kept */
#define ADVISE_SET_MAX (1u << 20)         /* ranges remembered per run */
#define ADVISE_SITES 8u                   /* call sites kept per kind */
/* Subjects advised at most (about 16 KiB each): the events of the
 * runs of files past them are counted, not advised. */
#define ADVISE_SUBJECTS_MAX 1024u
/* A driver read this fast was served from the client's memory (an
 * fsspec cache), not the network: no Python HTTP round trip, even on
 * loopback, takes under 200 us. */
#define ADVISE_MEMORY_NS 200000u
/* Bandwidth when the trace has no large request to measure it by. */
#define ADVISE_DEFAULT_BANDWIDTH 80e6

/* --what-if: a client cache the driver reads are replayed through (see
 * advise_whatif.c for each model and what it needs). */
#define ADVISE_MODEL_SLOTS 4096u          /* blocks or pages it holds */

enum advise_model_kind {
	MODEL_NONE,
	MODEL_BLOCKCACHE,
	MODEL_READAHEAD,
	MODEL_PAGEBUFFER,
	MODEL_ROS3_114,
};

struct advise_model {
	enum advise_model_kind kind;
	uint64_t block;           /* block, readahead or page bytes; 0:
				   * the file's page */
	uint64_t blocks;          /* blocks kept (blockcache) */
	uint64_t buffer;          /* page buffer bytes */
	char name[64];            /* as given */
};

/* A model's prediction for one run of a file, and its state. */
struct advise_prediction {
	uint64_t requests, bytes;
	char refused[160];        /* why the model cannot run, or "" */
	int started;
	int opened;               /* ros3-1.14: head fetched; pagebuffer:
				   * root object header read */
	uint32_t proc;            /* the process the state is of */
	uint64_t ra_start, ra_end;
	uint32_t n_slots;
	uint64_t slots[ADVISE_MODEL_SLOTS]; /* most recent first */
};

/* What a rule looks at: small requests, metadata reads or raw reads. */
enum advise_kind { ADVISE_SMALL, ADVISE_META, ADVISE_RAW, ADVISE_KINDS };

/* Requests over time, per layer: how much of the time at least one was
 * under way (busy), and the sum of their durations. */
struct advise_busy {
	uint64_t busy_ns, sum_ns, n;
	int64_t end_ns;           /* end of the union so far */
	uint32_t proc;            /* process of end_ns */
};

/* A call site (the HDF5 API call of a request's stack) and its count. */
struct advise_site {
	char name[64];
	uint64_t n;
};

/* The figures of one subject: one label's reads of one file. */
struct advise_subject {
	uint32_t group;           /* index in advise.subjects */
	char label[256];
	char file[1024];
	char driver[64];
	uint64_t file_size;       /* largest seen; 0 unknown */
	int64_t first_ns, last_end_ns; /* Unix ns: first start, last end */

	/* vfd layer: what HDF5 asked its driver for */
	uint64_t reads, read_bytes, read_ns;
	uint64_t fast_reads;      /* under ADVISE_MEMORY_NS */
	uint64_t small, small_bytes;
	uint64_t by_type[8];      /* reads per h5snoop_mem_type */
	uint64_t small_by_type[8];
	uint64_t meta, meta_bytes, meta_small;
	uint64_t raw, raw_bytes;
	/* reads of 2^k bytes at a multiple of 2^k, k = 12..26: pages */
	uint64_t aligned[27], aligned_bytes[27];
	uint64_t meta_min, meta_max; /* offsets of metadata reads */
	struct map meta_regions;  /* 1 MiB regions metadata touched */
	struct map meta_pages;    /* 8 MiB blocks metadata touched */
	struct map small_blocks;  /* 8 MiB blocks small reads touched */
	struct map ranges;        /* (process, offset, size) seen */
	uint64_t repeats, repeat_bytes;
	uint64_t rep_offset[3], rep_size[3], rep_n[3];
	uint8_t rep_type[3];
	int ranges_full;          /* ADVISE_SET_MAX reached */
	uint64_t raw_sizes_small; /* raw reads under 512 KiB */
	/* What a page buffer would do: the page P (the file's, else
	 * ADVISE_BLOCK_BYTES, the remedy's), raw reads under P (which it
	 * serves from pages) and the P-aligned pages they and the
	 * metadata reads touch */
	uint64_t buf_page;
	uint64_t buf_raw, buf_raw_bytes;
	struct map buf_raw_pages, buf_meta_pages;

	/* http layer: what libcurl or the net layer sent for it */
	uint64_t http, http_bytes, http_asked, http_ns, http_small;
	/* HEADs answered (the size probe fsspec and ROS3 make at open):
	 * round trips, but no run of a file by themselves */
	uint64_t heads;
	uint64_t linked_reads;    /* driver reads that caused a request */
	uint64_t http_failed, http_retried, failed_ns;
	struct map failed_ranges; /* (URL, range) of failed requests */
	uint64_t status_n[6];     /* by first digit of the status, 0: none */
	uint16_t last_bad_status;
	uint64_t new_conns, conn_ns;
	int tls;                  /* an https URL */

	/* latency of small requests: vfd read durations, and the HTTP
	 * first byte less connection set-up; lat_any: the first byte of
	 * every HTTP request answered (the latency when none is small) */
	uint64_t lat[LAYER_COUNT][ADVISE_SAMPLES];
	uint32_t n_lat[LAYER_COUNT];
	uint64_t lat_any[ADVISE_SAMPLES];
	uint32_t n_lat_any;
	/* bandwidth: bytes and time of requests >= 1 MiB, per layer (vfd:
	 * reads not served from memory; http: answered, set-up left out) */
	uint64_t big[LAYER_COUNT], big_bytes[LAYER_COUNT], big_ns[LAYER_COUNT];

	struct advise_busy busy[LAYER_COUNT];

	struct advise_site sites[ADVISE_KINDS][ADVISE_SITES];
	struct advise_prediction *pred; /* with --what-if; owned */
};

/* One finding: a rule that fired on a subject. */
struct advise_finding {
	const struct advise_rule *rule;
	const struct advise_subject *s;
	double cost_s;            /* at the recorded latency */
	double cost_rtt_s;        /* at --rtt (= cost_s without it) */
	/* What the remedy alone would save; cost_s and cost_rtt_s are what
	 * it saves of the time the run's more costly findings leave (see
	 * advise_rules.c, "Overlap"), never more. */
	double alone_s, alone_rtt_s;
	const char *absorbed;     /* id of the rule whose finding this one
				   * took in (same remedy), or NULL */
	double wall_s;            /* the subject's time, first to last */
	double rtt_s;             /* the recorded latency used */
	int sites;                /* enum advise_kind of the call sites
				   * to show, or -1 */
	char evidence[1024];      /* sentences, no newline */
	char remedy[1024];        /* lines separated by '\n' */
};

struct advise;

/* A rule: its name, what it is about, and its test. */
struct advise_rule {
	const char *id;
	const char *title;
	int counts_requests;      /* judges driver reads as requests */
	int last;                 /* its remedy is the job's and saves a
				   * share of what the file's remedies
				   * leave: last in the overlap */
	/* Fills f (evidence, remedy, costs) and returns 1 if the rule
	 * fires on s, else 0. */
	int (*check)(const struct advise_subject *s, const struct advise *a,
		     struct advise_finding *f);
};

struct advise {
	double rtt_s;             /* --rtt, or 0: none given */
	int what_if;              /* --what-if given: model holds it */
	struct advise_model model;
	struct group_table groups;
	struct attrib attrib;
	struct advise_subject **subjects; /* in order of appearance */
	size_t n_subjects;
	struct map subject_index; /* label and file -> subject */
	struct advise_subject *last; /* of the event before, and its */
	const struct proc *last_proc; /* process */
	int restarted;            /* a second pass: events already seen */
	uint64_t left_out_events; /* of subjects past ADVISE_SUBJECTS_MAX */
	size_t ranges;            /* entries in all the range sets */
	struct advise_finding *findings;
	size_t n_findings;
	struct run_summary summary;
};

/* Parses a --what-if MODEL ("blockcache:8MiB:32", ...) into m: 0, or -1
 * if it names no model or has bad arguments. */
int advise_whatif_parse(const char *spec, struct advise_model *m);

/* Replays one driver read of process `proc` through m into pr. */
void advise_whatif_read(const struct advise_model *m,
			struct advise_prediction *pr, uint32_t proc,
			uint64_t file_size, uint8_t mem_type, uint64_t off,
			uint64_t size);

/* The predicted time of pr for s: its requests one after another at
 * rtt_s (or s's recorded latency when 0) and s's bandwidth, plus the
 * client's own time (advise_own_s), which no cache changes. */
double advise_whatif_time_s(const struct advise_subject *s,
			    const struct advise_prediction *pr, double rtt_s);

/* The rules, in priority order (ties in cost keep this order). */
extern const struct advise_rule advise_rules[];
extern const size_t advise_n_rules;

/* Starts empty; rtt_s > 0 adds a cost column at that latency. */
void advise_init(struct advise *a, double rtt_s);

/* The sink that collects the figures: run_traces with a->attrib
 * (`advise`), or with any other attribution beside other sinks
 * (`report`'s findings): subjects are keyed by label and file, whatever
 * the grouping.  Events of a second pass (after restart) are ignored. */
struct run_sink advise_sink(struct advise *a);

/* Runs the rules on every subject and sorts the findings, most costly
 * first.  H5SNOOP_OK or H5SNOOP_ERROR (out of memory). */
enum h5snoop_status advise_finish(struct advise *a,
				  struct h5snoop_error *err);

/* The recorded latency of s, in seconds: the median first byte of its
 * small HTTP requests (HEADs included), else of all its HTTP requests;
 * only without HTTP requests, the median duration of its small driver
 * reads that were not served from memory (all of them when every one
 * was: a local file); 0 when none of these exists.
 * Its bandwidth in bytes per second: bytes over the time past one
 * latency of its HTTP requests of 1 MiB or more, else of such driver
 * reads, else ADVISE_DEFAULT_BANDWIDTH. */
double advise_latency_s(const struct advise_subject *s);
double advise_bandwidth(const struct advise_subject *s);

/* 1 if s is no run of a file: HEADs only (a size probe of a file the
 * program did not read), no driver read, no other request. */
int advise_probe_only(const struct advise_subject *s);

/* The time s waited on its reads and requests, the most its findings
 * together can save: at its recorded latency (rtt_s 0), or re-estimated
 * at rtt_s, each request then costing rtt_s instead. */
double advise_saveable_s(const struct advise_subject *s, double rtt_s);

/* 1 if most of s's driver reads were served from a cache in the client,
 * not by a request of their own: with libcurl seen, fewer than half of
 * them caused a request (ROS3 of HDF5 1.14); without, most took under
 * ADVISE_MEMORY_NS and some longer (fsspec's caches).  Its reads are
 * then not its requests.  advise_cached_reads: how many were. */
int advise_cached(const struct advise_subject *s);
uint64_t advise_cached_reads(const struct advise_subject *s);

/* The page size of a paged file of file_size bytes: the largest power
 * of two from 4 KiB to 64 MiB dividing it, at least twice; else 0. */
uint64_t advise_page_size(uint64_t file_size);

/* The subject's time: first read to last end, in seconds. */
double advise_wall_s(const struct advise_subject *s);

/* The client's own time in the subject's: outside its driver reads
 * (opening the file, HDF5 and the program between reads), in seconds;
 * 0 without driver reads. */
double advise_own_s(const struct advise_subject *s);

/* Writers: H5SNOOP_OK, or H5SNOOP_ERROR when writing failed. */
enum h5snoop_status advise_write_text(FILE *f, const struct advise *a,
				      struct h5snoop_error *err);
enum h5snoop_status advise_write_json(FILE *f, const struct advise *a,
				      struct h5snoop_error *err);

/* One format of `advise --format`: its name and writer. */
struct advise_writer {
	const char *name;
	enum h5snoop_status (*write)(FILE *f, const struct advise *a,
				     struct h5snoop_error *err);
};

/* The format called name; NULL name: the default (text); NULL if none.
 * Adding a format is one advise_FORMAT.c and a row in advise_writers.c. */
const struct advise_writer *advise_writer_find(const char *name);

void advise_free(struct advise *a);

#endif
