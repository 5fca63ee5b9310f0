/*
 * advise_rules.c - the rules of `h5snoop advise`, in priority order, each
 * with its documented threshold, its evidence, its cost and its remedy.
 *
 * Cost: what the problem costs a run, as requests it makes that a remedy
 * would not (each a round trip at the latency) plus bytes it moves that
 * the remedy would not (at the bandwidth), less what the remedy adds.
 * The latency is the run's recorded one (advise_latency_s: the median
 * first byte of its HTTP requests; a driver read's duration only where
 * no request is seen, and never a read served from memory), and again
 * --rtt; the bandwidth is the run's (bytes over transfer time of its
 * requests of 1 MiB or more), else ADVISE_DEFAULT_BANDWIDTH.  The
 * findings of one run do not count a saving twice (overlap(): pages and
 * a page buffer take in small-requests, and each cost is what its remedy
 * saves of what the more costly ones leave), so that together they
 * never cost more than the run waited.
 *
 * Thresholds (README, "Diagnosing a run", lists them too):
 *   small-requests      >= 20 driver reads under 10 KiB, half the reads
 *                       or more, and cheaper read as 8 MiB blocks (taken
 *                       in by metadata-scattered and paged-no-buffer)
 *   metadata-scattered  >= 20 metadata reads under 10 KiB over >= 4
 *                       distinct 1 MiB regions of a file not paged
 *   paged-no-buffer     a paged file (its size a multiple of a power of
 *                       two P, 4 KiB <= P <= 64 MiB), >= 10 metadata
 *                       reads smaller than P, and under half of the bytes
 *                       read in P-sized, P-aligned reads
 *   small-chunks        >= 20 raw-data reads, half of them or more under
 *                       512 KiB
 *   repeated-ranges     >= 10 reads of a range the same process had read
 *                       before, and >= 5% of the reads
 *   overfetch           HTTP fetched >= 2x the bytes HDF5 asked its
 *                       driver for, and >= 1 MiB more
 *   http-errors         >= 1 failed HTTP request
 *   one-at-a-time       >= 20 requests, mean concurrency under 1.2, half
 *                       or more of them small, and waiting on them half
 *                       of the run's time or more
 *   no-connection-reuse >= 10 HTTP requests, half or more of them on a
 *                       new connection
 *
 * Must never: print, or divide by a figure of the trace without a guard.
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "advise.h"
#include "h5snoop/trace_schema.h"
#include "units.h"

static const char *const mem_names[8] = {"default", "super", "btree", "draw",
					 "gheap", "lheap", "ohdr", "?"};

/* Appends printf text to buf (NUL-terminated, cut to cap). */
static void cat(char *buf, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void cat(char *buf, size_t cap, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	if (len + 1 >= cap)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, cap - len, fmt, ap);
	va_end(ap);
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

/* The median of the n samples of v at or above min_ns, in seconds; 0
 * when none is. */
static double median_s(const uint64_t *v, uint32_t n, uint64_t min_ns)
{
	uint64_t w[ADVISE_SAMPLES];
	uint32_t k = 0;

	for (uint32_t i = 0; i < n && i < ADVISE_SAMPLES; i++)
		if (v[i] >= min_ns)
			w[k++] = v[i];
	if (k == 0)
		return 0;
	qsort(w, k, sizeof(w[0]), cmp_u64);
	return (double)w[k / 2] / 1e9;
}

/*
 * RATIONALE: the latency is the network's, so it comes from the HTTP
 * requests whenever the trace has them: a driver read served from a
 * client cache (fsspec's blocks, ROS3 1.14's first 16 MiB) took no round
 * trip, and a run whose reads mostly hit the cache would otherwise be
 * priced at microseconds.  Small requests (HEADs included) show it
 * alone; a run of large requests only (a block cache without its HEAD)
 * is priced at their first byte, which the bandwidth then completes.
 */
double advise_latency_s(const struct advise_subject *s)
{
	if (s->n_lat[LAYER_HTTP])
		return median_s(s->lat[LAYER_HTTP], s->n_lat[LAYER_HTTP], 0);
	if (s->n_lat_any)
		return median_s(s->lat_any, s->n_lat_any, 0);
	{
		double slow = median_s(s->lat[LAYER_VFD], s->n_lat[LAYER_VFD],
				       ADVISE_MEMORY_NS);

		return slow > 0 ? slow
				: median_s(s->lat[LAYER_VFD],
					   s->n_lat[LAYER_VFD], 0);
	}
}

double advise_bandwidth(const struct advise_subject *s)
{
	enum layer l = s->big[LAYER_HTTP] ? LAYER_HTTP : LAYER_VFD;
	double lat = advise_latency_s(s);
	double t;

	/* NOTE: transfer time = duration less one latency per request */
	if (s->big_bytes[l] == 0 || s->big_ns[l] == 0)
		return ADVISE_DEFAULT_BANDWIDTH;
	t = (double)s->big_ns[l] / 1e9 - (double)s->big[l] * lat;
	if (t <= 0)
		return ADVISE_DEFAULT_BANDWIDTH;
	return (double)s->big_bytes[l] / t;
}

int advise_probe_only(const struct advise_subject *s)
{
	return s->reads == 0 && s->heads > 0 && s->http == s->heads;
}

/* RATIONALE: the time in driver reads or in HTTP requests, whichever is
 * longer (requests made outside reads, as ROS3 1.14's first 16 MiB at
 * open, are waited for too); at most the run's time. */
double advise_saveable_s(const struct advise_subject *s, double rtt_s)
{
	double wall = advise_wall_s(s);
	double wait = (double)(s->busy[LAYER_VFD].busy_ns >
					       s->busy[LAYER_HTTP].busy_ns
				       ? s->busy[LAYER_VFD].busy_ns
				       : s->busy[LAYER_HTTP].busy_ns) /
		      1e9;
	uint64_t n = s->http ? s->http : s->reads;

	if (wait > wall)
		wait = wall;
	if (rtt_s > 0)
		wait += (double)n * (rtt_s - advise_latency_s(s));
	return wait > 0 ? wait : 0;
}

int advise_cached(const struct advise_subject *s)
{
	if (s->http)
		return s->linked_reads * 2 < s->reads;
	return s->fast_reads * 2 > s->reads && s->fast_reads < s->reads;
}

uint64_t advise_cached_reads(const struct advise_subject *s)
{
	if (s->http)
		return s->reads > s->linked_reads ? s->reads - s->linked_reads
						  : 0;
	return s->fast_reads;
}

double advise_wall_s(const struct advise_subject *s)
{
	if (s->last_end_ns <= s->first_ns)
		return 0;
	return (double)trace_diff_ns(s->last_end_ns, s->first_ns) / 1e9;
}

double advise_own_s(const struct advise_subject *s)
{
	double own = advise_wall_s(s) -
		     (double)s->busy[LAYER_VFD].busy_ns / 1e9;

	return s->reads && own > 0 ? own : 0;
}

/* Sets f's costs for `requests` saved and `bytes` saved (negative:
 * added) at the recorded latency and at --rtt. */
static void set_cost(struct advise_finding *f, const struct advise *a,
		     double requests, double bytes)
{
	double bw = advise_bandwidth(f->s);

	f->rtt_s = advise_latency_s(f->s);
	f->wall_s = advise_wall_s(f->s);
	f->cost_s = fmax(0, requests * f->rtt_s + bytes / bw);
	f->cost_rtt_s = a->rtt_s > 0
				? fmax(0, requests * a->rtt_s + bytes / bw)
				: f->cost_s;
}

/* "ohdr 40, btree 30" of the nonzero counts of v, most first. */
static void by_type(char *buf, size_t cap, const uint64_t v[8])
{
	int used[8] = {0};
	int first = 1;

	for (;;) {
		int best = -1;

		for (int i = 0; i < 8; i++)
			if (v[i] && !used[i] && (best < 0 || v[i] > v[best]))
				best = i;
		if (best < 0)
			return;
		used[best] = 1;
		cat(buf, cap, "%s%s %llu", first ? "" : ", ", mem_names[best],
		    (unsigned long long)v[best]);
		first = 0;
	}
}

static char *bytes_str(char *buf, size_t cap, double v)
{
	return units_bytes(buf, cap, v <= 0 ? 0 : (uint64_t)v);
}

/* Block a cache or page buffer would read: 8 MiB, or the whole file. */
static double block_bytes(const struct advise_subject *s)
{
	if (s->file_size && s->file_size < ADVISE_BLOCK_BYTES)
		return (double)s->file_size;
	return ADVISE_BLOCK_BYTES;
}

/* The remedy lines for gathering metadata into pages. */
static const char remedy_pages[] =
	"Gather the metadata into pages and read it with a page buffer:\n"
	"  h5repack -S PAGE -G 8388608 in.h5 out.h5\n"
	"  h5py.File(url, ..., page_buf_size=16 * 2**20)\n"
	"  C: H5Pset_page_buffer_size(fapl, 16 << 20, 0, 0)\n"
	"When writing: H5Pset_file_space_strategy(fcpl,\n"
	"  H5F_FSPACE_STRATEGY_PAGE, 0, 1) and\n"
	"  H5Pset_file_space_page_size(fcpl, 8 << 20).";

/* ---- the rules ---- */

static int small_requests(const struct advise_subject *s,
			  const struct advise *a, struct advise_finding *f)
{
	double blocks = (double)s->small_blocks.n, block = block_bytes(s);
	char b1[32], b2[32], types[256] = "";

	if (s->small < 20 || s->small * 2 < s->reads)
		return 0;
	set_cost(f, a, (double)s->small - blocks,
		 (double)s->small_bytes - blocks * block);
	if (f->cost_s <= 0 && f->cost_rtt_s <= 0)
		return 0;
	by_type(types, sizeof(types), s->small_by_type);
	snprintf(f->evidence, sizeof(f->evidence),
		 "%llu of %llu driver reads are under 10 KiB (%s; %s in "
		 "all); they fall in %.0f block%s of %s of the file.",
		 (unsigned long long)s->small, (unsigned long long)s->reads,
		 types, units_bytes(b1, sizeof(b1), s->small_bytes), blocks,
		 blocks == 1 ? "" : "s",
		 strcmp(bytes_str(b2, sizeof(b2), block), "8.00 MiB") == 0
			 ? "8 MiB"
			 : b2);
	f->sites = ADVISE_SMALL;
	/* NOTE: prose lines are left to the writer to wrap; a '\n' only
	 * before a line of code. */
	if (s->small - s->small_by_type[H5SNOOP_MEM_draw] >= s->small / 2)
		snprintf(f->remedy, sizeof(f->remedy),
			 "Most of them are metadata. %s%s", remedy_pages,
			 strcmp(s->driver, "fileobj") == 0
				 ? "\nOr let fsspec fetch whole blocks: "
				   "cache_type=\"blockcache\",\n"
				   "  block_size=8 * 2**20"
				 : "");
	else if (strcmp(s->driver, "fileobj") == 0)
		snprintf(f->remedy, sizeof(f->remedy),
			 "Let fsspec fetch whole blocks:\n"
			 "  fs.open(url, cache_type=\"blockcache\",\n"
			 "          block_size=8 * 2**20)\n"
			 "(\"block\" before fsspec 2023); better still, see "
			 "the metadata and chunk findings.");
	else
		snprintf(f->remedy, sizeof(f->remedy),
			 "Fewer, larger requests: page the file and use a "
			 "page buffer (see metadata-scattered), or read it "
			 "through fsspec with\n  cache_type=\"blockcache\", "
			 "block_size=8 * 2**20");
	return 1;
}

uint64_t advise_page_size(uint64_t file_size)
{
	for (unsigned k = 26; k >= 12; k--) {
		uint64_t p = (uint64_t)1 << k;

		if (file_size >= 2 * p && file_size % p == 0)
			return p;
	}
	return 0;
}

static uint64_t page_size(const struct advise_subject *s)
{
	return advise_page_size(s->file_size);
}

static unsigned log2_u64(uint64_t v)
{
	unsigned k = 0;

	while (v > 1) {
		v >>= 1;
		k++;
	}
	return k;
}

/* 1 if s's file is paged and read without a page buffer. */
static int paged_unbuffered(const struct advise_subject *s, uint64_t *page)
{
	uint64_t p = page_size(s);

	*page = p;
	if (!p)
		return 0;
	return s->aligned_bytes[log2_u64(p)] * 2 < s->read_bytes;
}

/*
 * What reading s with a page buffer saves (the remedy of both
 * metadata-scattered and paged-no-buffer): *requests and *bytes it
 * would not make and move (bytes negative: whole pages move more), and
 * the *pages it would read.  As the pagebuffer model of --what-if does,
 * the superblock's reads and the first object header read still go to
 * the driver, and so do raw reads of a page or more; every other read,
 * raw data under a page too, comes from a page.  The pages: those the
 * reads touch, at the file's page; an unpaged file repacked gathers its
 * metadata into ceil(metadata bytes / page) pages and keeps its raw
 * data in order (the pages its small raw reads touch at 8 MiB today).
 * NOTE: each page read once: the buffer (two pages or more) holds what
 * HDF5 reads together; --what-if pagebuffer replays the evictions.
 */
static void page_buffer_saving(const struct advise_subject *s, int paged,
			       double *requests, double *bytes,
			       double *pages)
{
	double page = (double)s->buf_page;
	double meta_pages = paged ? (double)s->buf_meta_pages.n
				  : ceil((double)s->meta_bytes / page);
	double direct = (double)s->by_type[H5SNOOP_MEM_super] +
			(s->by_type[H5SNOOP_MEM_ohdr] ? 1 : 0);
	double through = (double)s->meta - direct + (double)s->buf_raw;

	if (meta_pages < 1 && s->meta)
		meta_pages = 1;
	*pages = meta_pages + (double)s->buf_raw_pages.n;
	*requests = through - *pages;
	*bytes = (double)s->meta_bytes + (double)s->buf_raw_bytes -
		 *pages * page;
}

static int metadata_scattered(const struct advise_subject *s,
			      const struct advise *a,
			      struct advise_finding *f)
{
	double pages, requests, bytes;
	char b1[32], b2[32], b3[32], b4[32], b5[32], types[256] = "";
	uint64_t meta_types[8];
	uint64_t page;

	if (s->meta_small < 20 || s->meta_regions.n < 4)
		return 0;
	if (page_size(s) && paged_unbuffered(s, &page))
		return 0; /* paged-no-buffer says it better */
	/* RATIONALE: the cost is what the remedy, pages and a page
	 * buffer, saves: the metadata reads, and the small raw-data reads
	 * too, which the buffer serves from pages as well (a repacked,
	 * buffered run of the demo's granule makes 8 requests for 77). */
	page_buffer_saving(s, 0, &requests, &bytes, &pages);
	set_cost(f, a, requests, bytes);
	memcpy(meta_types, s->by_type, sizeof(meta_types));
	meta_types[H5SNOOP_MEM_draw] = 0;
	by_type(types, sizeof(types), meta_types);
	snprintf(f->evidence, sizeof(f->evidence),
		 "%llu metadata reads (%s), %llu of them under 10 KiB, %s in "
		 "all, at offsets %s to %s of a %s file (%zu distinct 1 MiB "
		 "regions). Paged and read with a page buffer, they and "
		 "the %llu raw-data reads under 8 MiB (%s) would be %.0f "
		 "page%s of 8 MiB.",
		 (unsigned long long)s->meta, types,
		 (unsigned long long)s->meta_small,
		 units_bytes(b1, sizeof(b1), s->meta_bytes),
		 units_bytes(b2, sizeof(b2), s->meta_min),
		 units_bytes(b3, sizeof(b3), s->meta_max),
		 s->file_size ? units_bytes(b4, sizeof(b4), s->file_size)
			      : "?",
		 s->meta_regions.n, (unsigned long long)s->buf_raw,
		 units_bytes(b5, sizeof(b5), s->buf_raw_bytes), pages,
		 pages == 1 ? "" : "s");
	f->sites = ADVISE_META;
	snprintf(f->remedy, sizeof(f->remedy), "%s", remedy_pages);
	return 1;
}

static int paged_no_buffer(const struct advise_subject *s,
			   const struct advise *a, struct advise_finding *f)
{
	char b1[32], b2[32], types[256] = "";
	uint64_t meta_types[8];
	uint64_t page;
	double pages, requests, bytes;

	if (!paged_unbuffered(s, &page) || s->meta < 10)
		return 0;
	page_buffer_saving(s, 1, &requests, &bytes, &pages);
	set_cost(f, a, requests, bytes);
	if (f->cost_s <= 0 && f->cost_rtt_s <= 0)
		return 0;
	memcpy(meta_types, s->by_type, sizeof(meta_types));
	meta_types[H5SNOOP_MEM_draw] = 0;
	by_type(types, sizeof(types), meta_types);
	snprintf(f->evidence, sizeof(f->evidence),
		 "The file is paged (its %s are %llu pages of %s) but HDF5 "
		 "read it piece by piece: %llu metadata reads (%s) and "
		 "%llu raw-data reads under a page, no page-sized reads. A "
		 "page buffer would read %.0f page%s for them.",
		 units_bytes(b1, sizeof(b1), s->file_size),
		 (unsigned long long)(s->file_size / page),
		 units_bytes(b2, sizeof(b2), page),
		 (unsigned long long)s->meta, types,
		 (unsigned long long)s->buf_raw, pages,
		 pages == 1 ? "" : "s");
	f->sites = ADVISE_META;
	snprintf(f->remedy, sizeof(f->remedy),
		 "Open it with a page buffer of two pages or more:\n"
		 "  h5py.File(url, ..., page_buf_size=%llu)\n"
		 "  C: H5Pset_page_buffer_size(fapl, %llu, 0, 0)",
		 (unsigned long long)(page * 2 < (16u << 20) ? 16u << 20
							       : page * 2),
		 (unsigned long long)(page * 2 < (16u << 20) ? 16u << 20
							       : page * 2));
	return 1;
}

static int small_chunks(const struct advise_subject *s,
			const struct advise *a, struct advise_finding *f)
{
	double mean, target, factor;
	char b1[32], b2[32];

	if (s->raw < 20 || s->raw_sizes_small * 2 < s->raw)
		return 0;
	mean = (double)s->raw_bytes / (double)s->raw;
	target = ceil((double)s->raw_bytes / (2.0 * (1 << 20)));
	if (target < 1)
		target = 1;
	set_cost(f, a, (double)s->raw - target, 0);
	if (f->cost_s <= 0 && f->cost_rtt_s <= 0)
		return 0;
	factor = ceil((2.0 * (1 << 20)) / (mean > 1 ? mean : 1));
	snprintf(f->evidence, sizeof(f->evidence),
		 "%llu raw-data reads, %llu of them under 512 KiB: %s in "
		 "all, %s per read on average (a chunk, compressed). In "
		 "2 MiB chunks: about %.0f read%s (one per dataset at "
		 "least).",
		 (unsigned long long)s->raw,
		 (unsigned long long)s->raw_sizes_small,
		 units_bytes(b1, sizeof(b1), s->raw_bytes),
		 units_bytes(b2, sizeof(b2), (uint64_t)mean), target,
		 target > 1 ? "s" : "");
	f->sites = ADVISE_RAW;
	snprintf(f->remedy, sizeof(f->remedy),
		 "Rechunk to 1-4 MiB chunks (about %.0fx the elements of "
		 "today's):\n"
		 "  h5repack -l /path/to/dataset:CHUNK=N in.h5 out.h5\n"
		 "and let the chunk cache hold what one read touches:\n"
		 "  h5py.File(url, ..., rdcc_nbytes=64 * 2**20)",
		 factor);
	return 1;
}

static int repeated_ranges(const struct advise_subject *s,
			   const struct advise *a, struct advise_finding *f)
{
	char b1[32], b2[32], b3[32];
	unsigned top = 0;

	if (s->repeats < 10 || s->repeats * 20 < s->reads)
		return 0;
	set_cost(f, a, (double)s->repeats, (double)s->repeat_bytes);
	for (unsigned i = 1; i < 3; i++)
		if (s->rep_n[i] > s->rep_n[top])
			top = i;
	snprintf(f->evidence, sizeof(f->evidence),
		 "%llu driver reads (%s) fetched a range their process had "
		 "read before, e.g. %s at offset %s (%s), read %llu times.",
		 (unsigned long long)s->repeats,
		 units_bytes(b1, sizeof(b1), s->repeat_bytes),
		 units_bytes(b2, sizeof(b2), s->rep_size[top]),
		 units_bytes(b3, sizeof(b3), s->rep_offset[top]),
		 mem_names[s->rep_type[top] & 7],
		 (unsigned long long)s->rep_n[top] + 1);
	snprintf(f->remedy, sizeof(f->remedy),
		 "Open each file once and keep it open (h5py reopens a file "
		 "whose page buffer HDF5 refused: do not ask for one on "
		 "an unpaged file); let the chunk cache hold the chunks "
		 "read again (rdcc_nbytes), or cache in the client "
		 "(fsspec cache_type=\"blockcache\").");
	return 1;
}

static int overfetch(const struct advise_subject *s, const struct advise *a,
		     struct advise_finding *f)
{
	char b1[32], b2[32];
	double extra;

	if (s->http == 0 || s->reads == 0 ||
	    s->http_bytes / 2 < s->read_bytes ||
	    s->http_bytes - s->read_bytes < (1u << 20))
		return 0;
	extra = (double)(s->http_bytes - s->read_bytes);
	set_cost(f, a, 0, extra);
	snprintf(f->evidence, sizeof(f->evidence),
		 "HTTP fetched %s for the %s HDF5 asked its driver for "
		 "(%.1fx), in %llu requests for %llu driver reads.",
		 units_bytes(b1, sizeof(b1), s->http_bytes),
		 units_bytes(b2, sizeof(b2), s->read_bytes),
		 (double)s->http_bytes / (double)s->read_bytes,
		 (unsigned long long)s->http, (unsigned long long)s->reads);
	snprintf(f->remedy, sizeof(f->remedy),
		 "Fetch less per request: a smaller block (fsspec "
		 "block_size=2 * 2**20), or cache_type=\"readahead\" for "
		 "sequential reads; HDF5 1.14's ROS3 reads the first 16 MiB "
		 "of every file at open, which only pays for files read "
		 "mostly whole.");
	return 1;
}

static int http_errors(const struct advise_subject *s, const struct advise *a,
		       struct advise_finding *f)
{
	if (s->http_failed == 0)
		return 0;
	set_cost(f, a, (double)s->http_failed, 0);
	f->cost_s = (double)s->failed_ns / 1e9; /* what they took */
	snprintf(f->evidence, sizeof(f->evidence),
		 "%llu of %llu HTTP requests failed (4xx %llu, 5xx %llu, "
		 "no status %llu; last error status %u), %llu of them "
		 "retries of a failed range.",
		 (unsigned long long)s->http_failed,
		 (unsigned long long)s->http,
		 (unsigned long long)s->status_n[4],
		 (unsigned long long)s->status_n[5],
		 (unsigned long long)s->status_n[0], s->last_bad_status,
		 (unsigned long long)s->http_retried);
	snprintf(f->remedy, sizeof(f->remedy),
		 "%s",
		 s->last_bad_status == 404
			 ? "404: the URL names no object; check the path "
			   "(and the bucket's region)."
		 : s->last_bad_status == 403
			 ? "403: credentials missing or wrong, or a "
			   "presigned URL expired."
		 : s->last_bad_status == 416
			 ? "416: a read past the end of the object: a "
			   "truncated or replaced file?"
		 : s->status_n[5]
			 ? "5xx (503 SlowDown): fewer concurrent requests, "
			   "retries with backoff."
			 : "Connection failures: check the endpoint, proxy "
			   "and timeouts.");
	return 1;
}

static int one_at_a_time(const struct advise_subject *s,
			 const struct advise *a, struct advise_finding *f)
{
	enum layer l = s->http ? LAYER_HTTP : LAYER_VFD;
	const struct advise_busy *b = &s->busy[l];
	double wall = advise_wall_s(s), busy = (double)b->busy_ns / 1e9;
	uint64_t small = l == LAYER_HTTP ? s->http_small : s->small;
	double conc;

	if (b->n < 20 || b->busy_ns == 0 || small * 2 < b->n ||
	    wall <= 0 || busy * 2 < wall)
		return 0;
	conc = (double)b->sum_ns / (double)b->busy_ns;
	if (conc >= 1.2)
		return 0;
	/* RATIONALE: two requests at a time, the least a reader gets by
	 * reading two files at once, halve the wait: the cost is half of
	 * it (at --rtt, of n requests of that latency moving the same
	 * bytes).  Conservative on purpose: the remedy is the job's, and
	 * the findings that cut requests say more about this file. */
	set_cost(f, a, 0.5 * (double)b->n,
		 0.5 * (double)(l == LAYER_HTTP ? s->http_bytes
						: s->read_bytes));
	f->cost_s = busy * 0.5;
	snprintf(f->evidence, sizeof(f->evidence),
		 "%llu %s requests, one at a time (mean concurrency %.2f): "
		 "%.2f s of the run's %.2f s waiting on them, most of them "
		 "small.",
		 (unsigned long long)b->n, l == LAYER_HTTP ? "HTTP" : "driver",
		 conc, busy, wall);
	snprintf(f->remedy, sizeof(f->remedy),
		 "HDF5 reads a file one request after another: read several "
		 "files at once (Dask or multiprocessing workers, one file "
		 "each), and make fewer requests (the other findings).");
	return 1;
}

static int no_connection_reuse(const struct advise_subject *s,
			       const struct advise *a,
			       struct advise_finding *f)
{
	double trips = s->tls ? 3 : 1;

	if (s->http < 10 || s->new_conns * 2 < s->http)
		return 0;
	set_cost(f, a, (double)s->new_conns * trips, 0);
	f->cost_s = (double)s->conn_ns / 1e9;
	snprintf(f->evidence, sizeof(f->evidence),
		 "%llu of %llu HTTP requests opened a new connection "
		 "(%.3f s of connect%s in all).",
		 (unsigned long long)s->new_conns,
		 (unsigned long long)s->http, f->cost_s,
		 s->tls ? " and TLS" : "");
	snprintf(f->remedy, sizeof(f->remedy),
		 "Reuse connections: one requests.Session, one fsspec "
		 "filesystem, one curl handle per thread; with ROS3 keep "
		 "the file open between reads.");
	return 1;
}

const struct advise_rule advise_rules[] = {
	{"small-requests", "many small requests", 1, 0, small_requests},
	{"metadata-scattered", "metadata scattered over the file", 1, 0,
	 metadata_scattered},
	{"paged-no-buffer", "a paged file read without a page buffer", 1, 0,
	 paged_no_buffer},
	{"small-chunks", "small raw-data chunks", 1, 0, small_chunks},
	{"repeated-ranges", "the same range fetched more than once", 1, 0,
	 repeated_ranges},
	{"overfetch", "bytes fetched far beyond bytes used", 0, 0, overfetch},
	{"http-errors", "HTTP errors and retries", 0, 0, http_errors},
	{"one-at-a-time", "requests one at a time while latency-bound", 1, 1,
	 one_at_a_time},
	{"no-connection-reuse", "connections not reused", 0, 0,
	 no_connection_reuse},
};
const size_t advise_n_rules = sizeof(advise_rules) / sizeof(advise_rules[0]);

static int cmp_finding(const void *x, const void *y)
{
	const struct advise_finding *a = x, *b = y;

	if (a->cost_rtt_s != b->cost_rtt_s)
		return a->cost_rtt_s > b->cost_rtt_s ? -1 : 1;
	if (a->rule != b->rule)
		return a->rule < b->rule ? -1 : 1;
	return a->s->group < b->s->group ? -1 : a->s->group > b->s->group;
}

/* What a remedy alone saves, most first (rule order on ties), the job's
 * remedies (advise_rule.last) after the file's. */
static int cmp_alone(const void *x, const void *y)
{
	const struct advise_finding *a = x, *b = y;

	if (a->rule->last != b->rule->last)
		return a->rule->last - b->rule->last;
	if (a->alone_rtt_s != b->alone_rtt_s)
		return a->alone_rtt_s > b->alone_rtt_s ? -1 : 1;
	return a->rule < b->rule ? -1 : a->rule > b->rule;
}

static int is_rule(const struct advise_finding *f, const char *id)
{
	return strcmp(f->rule->id, id) == 0;
}

/*
 * Overlap: the findings v[0..n) of one run, whose remedies may cut the
 * same requests, so that together they never count a saving twice.
 *  1. Pages and a page buffer (metadata-scattered, paged-no-buffer)
 *     serve every small read, metadata and raw data under a page: that
 *     finding takes in small-requests (its reads are a part of these),
 *     with its evidence, and small-requests goes.
 *  2. In the order of what each remedy alone saves (one-at-a-time's,
 *     reading files at once, last: it halves whatever wait the file's
 *     remedies leave), each one saves its share of the run's waiting
 *     (advise_saveable_s) of what the ones before it leave: cost =
 *     alone * left / saveable.  The sum of a run's costs is then at most
 *     its waiting, so never more than its time.
 * Returns the number of findings kept (v is compacted).
 */
static size_t overlap(const struct advise *a, struct advise_finding *v,
		      size_t n)
{
	const struct advise_subject *s;
	struct advise_finding *pages = NULL;
	double total, total_rtt, left, left_rtt;
	size_t k = 0;

	if (n == 0)
		return 0;
	s = v[0].s;
	for (size_t i = 0; i < n; i++)
		if (is_rule(&v[i], "metadata-scattered") ||
		    is_rule(&v[i], "paged-no-buffer"))
			pages = &v[i];
	for (size_t i = 0; i < n; i++) {
		if (pages && is_rule(&v[i], "small-requests")) {
			pages->absorbed = v[i].rule->id;
			cat(pages->evidence, sizeof(pages->evidence),
			    " %llu of the %llu driver reads are under 10 KiB "
			    "(small-requests: the same remedy serves them).",
			    (unsigned long long)s->small,
			    (unsigned long long)s->reads);
			continue;
		}
		if (pages == &v[i])
			pages = &v[k];
		v[k++] = v[i];
	}
	n = k;
	qsort(v, n, sizeof(v[0]), cmp_alone);
	total = left = advise_saveable_s(s, 0);
	total_rtt = left_rtt = a->rtt_s > 0 ? advise_saveable_s(s, a->rtt_s)
					    : total;
	for (size_t i = 0; i < n; i++) {
		if (total > 0) {
			v[i].cost_s = fmin(v[i].alone_s, total) * left / total;
			left -= v[i].cost_s;
		}
		if (total_rtt > 0) {
			v[i].cost_rtt_s = fmin(v[i].alone_rtt_s, total_rtt) *
					  left_rtt / total_rtt;
			left_rtt -= v[i].cost_rtt_s;
		}
	}
	return n;
}

enum h5snoop_status advise_finish(struct advise *a, struct h5snoop_error *err)
{
	size_t cap = 0;

	for (size_t i = 0; i < a->n_subjects; i++) {
		const struct advise_subject *s = a->subjects[i];
		size_t first = a->n_findings;

		if (!s || advise_probe_only(s))
			continue;
		for (size_t r = 0; r < advise_n_rules; r++) {
			struct advise_finding f;

			memset(&f, 0, sizeof(f));
			f.rule = &advise_rules[r];
			f.s = s;
			f.sites = -1;
			if (advise_rules[r].counts_requests &&
			    advise_cached(s))
				continue;
			/* a finding that costs nothing is no finding */
			if (!advise_rules[r].check(s, a, &f))
				continue;
			/* a rule that sets its cost from what it measured
			 * sets cost_s only: without --rtt, that is all */
			if (a->rtt_s <= 0)
				f.cost_rtt_s = f.cost_s;
			if (f.cost_s <= 0 && f.cost_rtt_s <= 0)
				continue;
			f.alone_s = f.cost_s;
			f.alone_rtt_s = f.cost_rtt_s;
			if (a->n_findings == cap) {
				size_t n = cap ? 2 * cap : 16;
				struct advise_finding *v = realloc(
					a->findings, n * sizeof(*v));

				if (!v)
					return diag_nomem(err);
				a->findings = v;
				cap = n;
			}
			a->findings[a->n_findings++] = f;
		}
		a->n_findings = first + overlap(a, a->findings + first,
						a->n_findings - first);
	}
	if (a->n_findings)
		qsort(a->findings, a->n_findings, sizeof(a->findings[0]),
		      cmp_finding);
	return H5SNOOP_OK;
}
