/*
 * attrib.h - what each event is about: its layer, its group, and the
 * file and driver it belongs to.
 *
 * A vfd_read names its file by file_id (from a file_open of the same
 * process, or of its parent for a fork child).  An http_request belongs
 * to the vfd_read of its thread whose seq is its read_seq; with read_seq
 * 0 (ROS3's HEAD at open) to the file whose name is its URL in the same
 * process; otherwise to its URL alone (flavor: the URL's, see flavor.h;
 * driver "libcurl" or "net").  A file is named by the URL or path a
 * Python file object stands for, not its repr (flavor_file_name).
 *
 * Memory: per process, one entry per file opened (kept for the run, as
 * fork children may need their parent's); per stream of the current
 * trace, a fixed ring of recent reads.  Nothing grows with the number of
 * reads.
 */
#ifndef H5SNOOP_ATTRIB_H
#define H5SNOOP_ATTRIB_H

#include <stdint.h>

#include "diag.h"
#include "flavor.h"
#include "group_key.h"
#include "stack_table.h"
#include "trace_reader.h"

enum layer { LAYER_VFD, LAYER_HTTP, LAYER_COUNT, LAYER_NONE = LAYER_COUNT };

extern const char *const layer_names[LAYER_COUNT];

/*
 * Requests that fail by design: GDAL asks whether sidecar files exist
 * (HEAD of x.aux, x.aux.xml, x.ovr: 404) and lists the directory (GET
 * of ".../": 403).  Not errors of the program: counted apart.
 */
enum attrib_probe {
	ATTRIB_PROBE_NONE,
	ATTRIB_PROBE_SIDECAR,  /* 403/404 on HEAD of a sidecar file */
	ATTRIB_PROBE_LISTING,  /* 403/404 on a directory listing */
	ATTRIB_PROBE_COUNT
};

/* The probe an http request is, from its method, status and URL. */
enum attrib_probe attrib_probe_of(const char *method, unsigned status,
				  const char *url);

/* Reads remembered per stream for http_request.read_seq (power of 2). */
#define ATTRIB_RING 1024u

struct proc;

/* What attrib_resolve says about one event.  The strings are valid until
 * the next call. */
struct resolved {
	enum layer layer;      /* LAYER_NONE for file_open/file_close */
	uint32_t group;
	const struct proc *proc;
	const char *flavor;
	const char *file;      /* file name or URL; "?" when unknown */
	const char *driver;
	uint64_t file_size;    /* 0 when unknown */
	uint64_t size;         /* the request's size (see below) */
	uint64_t duration_ns;
	int no_body;           /* http: HEAD or failed: not binned */
	int failed;            /* vfd status < 0; http curl or HTTP error,
				* routine probes (probe) left out */
	int probe;             /* http: a routine probe that failed as
				* expected (enum attrib_probe), else 0 */
	uint64_t asked_bytes;  /* http: the size of its vfd_read, counted
				* for the first request of that read only */
	int in_read;           /* http: made inside a driver read */
	int first_of_read;     /* http: the first request of that read */
	int64_t start_unix_ns;
	/* With stacks on (attrib_set_stacks): the request's call stack,
	 * symbolized, or NULL (none recorded, or not in the trace). */
	const struct stack_rec *stack;
};

/* A process: one trace directory. */
struct proc {
	char host[256];
	char label[256];
	char name[300];        /* "host:pid", the --by process value */
	long long pid, ppid;
	uint32_t index;        /* order of appearance */
	uint32_t first_lane;   /* for the timeline: lanes are threads */
	struct map by_id;
	struct map by_name;
	struct file_info **files;
	size_t n_files, cap_files;
	struct file_info *last;
	const struct proc *parent;
	/* With stacks on: the process's stacks and modules, and the group
	 * of each (file group, stack) pair seen (struct stack_group). */
	struct stack_table stacks;
	struct map stack_groups;
	struct stack_group **sgs;
	size_t n_sgs, cap_sgs;
	long unknown_group;    /* group of reads of unknown files, or -1 */
	char *url;              /* last unattributed URL and its group */
	const char *url_driver; /* "libcurl" or "net" */
	char *url_flavor;
	long url_group;
};

struct attrib {
	struct group_table *groups;
	const struct flavor_map *flavors; /* NULL: stems */
	/* Call stacks (attrib_set_stacks) */
	int stacks;              /* load and resolve them */
	int group_by_stack;      /* --by has stack or function */
	unsigned stack_depth;    /* frames of a stack key */
	const char *function;    /* keep requests with it on their stack */
	struct symbolizer sym;
	uint64_t requests;       /* resolved while stacks were on */
	uint64_t requests_stacked; /* of them, with a stack found */
	uint64_t stacks_missing; /* with a stack_id no stack event has */
	uint64_t stacks_read;    /* stack and module events read: what
				  * attrib_stack_ready says may change
				  * only when this does */
	struct proc **procs;
	size_t n_procs, cap_procs;
	struct map by_pid;       /* host and pid -> latest proc */
	struct proc *cur;
	struct seq_slot *ring;
	uint32_t n_streams;
};

/* Starts empty; groups are interned into `groups` (not owned). */
void attrib_init(struct attrib *a, struct group_table *groups);

/* Maps file names to flavors through m (not owned; NULL: stems). */
void attrib_set_flavors(struct attrib *a, const struct flavor_map *m);

/*
 * Turns call stacks on: each trace's stack and module events are added
 * to its process's stack table as they are read (attrib_read), and each
 * request's stack is resolved into r->stack; with stack or function in
 * the group table's
 * fields, requests are grouped by them (`depth` frames of a stack key),
 * and with `function` (not NULL or ""), requests without it on their
 * stack are left out (layer LAYER_NONE).  `function` must outlive a.
 */
void attrib_set_stacks(struct attrib *a, unsigned depth,
		       const char *function);

/* Makes trace t the current process.  H5SNOOP_OK or H5SNOOP_ERROR. */
enum h5snoop_status attrib_begin_trace(struct attrib *a,
				       const struct trace *t,
				       struct h5snoop_error *err);

/*
 * Every event of the current trace as it is read, before it is resolved
 * (maybe later: see attrib_stack_ready): with stacks on, its `stack` and
 * `module` events go into the process's stack table.  H5SNOOP_OK or
 * H5SNOOP_ERROR (out of memory).
 */
enum h5snoop_status attrib_read(struct attrib *a,
				const struct trace_event *ev,
				struct h5snoop_error *err);

/*
 * Whether ev (read, not yet resolved) may be resolved now without a
 * different result than when the whole trace has been read: 1 unless
 * stacks are on and ev is a request whose stack, or a module of that
 * stack, has not been read yet (stack_table_ready).  Pure.
 */
int attrib_stack_ready(const struct attrib *a, const struct trace_event *ev);

/* Resolves one event of the current trace.  H5SNOOP_OK or
 * H5SNOOP_ERROR (out of memory). */
enum h5snoop_status attrib_resolve(struct attrib *a, const struct trace *t,
				   const struct trace_event *ev,
				   struct resolved *r,
				   struct h5snoop_error *err);

/*
 * Forgets the processes and their files, as before the first trace, for
 * a second pass over the same traces: they intern the same groups again
 * (the group table and the symbolizer's cache are kept).
 */
void attrib_restart(struct attrib *a);

/* Frees everything (procs included). */
void attrib_free(struct attrib *a);

/* The request size of an http_request: range length, else body bytes. */
uint64_t attrib_http_size(const struct h5snoop_ev_http_request *h);

#endif
