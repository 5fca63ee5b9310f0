/*
 * advise_whatif.c - `h5snoop advise --what-if MODEL`: the driver reads
 * HDF5 made, replayed through a model of a client cache, predict the
 * HTTP requests, bytes and time of the same run under that cache.
 *
 * Models (what each needs from the trace):
 *   none                  every driver read is one request of its size
 *                         (ROS3 of HDF5 1.10, fsspec cache_type "none");
 *                         needs offsets and sizes
 *   blockcache[:B[:N]]    fsspec 2022.11's BlockCache: a read fetches
 *                         every block from offset // B to (offset + size)
 *                         // B it does not hold, one request each, and
 *                         keeps the N most recently used (B = 5 MiB,
 *                         N = 32 as fsspec's defaults); needs the file
 *                         size (file_open)
 *   readahead[:B]         fsspec's ReadAheadCache: one buffer; a read not
 *                         inside it fetches [start, end + B) (from the
 *                         buffer's end when it starts inside it); needs
 *                         the file size
 *   pagebuffer[:P[:S]]    HDF5's page buffer on a paged file: metadata
 *                         and raw reads under P come from whole P-aligned
 *                         pages, the S / P most recently used kept
 *                         (S = 16 MiB; P = the file's page size, found as
 *                         in the paged-no-buffer rule); larger raw reads,
 *                         the superblock's reads and the first object
 *                         header read (the root group's, which HDF5 1.10
 *                         reads while it opens the file, before pages)
 *                         go to the driver as they are; needs the file
 *                         size and a paged file
 *   ros3-1.14             HDF5 1.14's ROS3: the first 16 MiB (or the whole
 *                         file) in one request at open, reads inside them
 *                         from memory, others one request each; needs the
 *                         file size
 * A model's state is per process and run of a file: a new process starts
 * with an empty cache.  Predicted time: requests one after another, each
 * costing the latency (--rtt, else the run's recorded latency) plus its
 * bytes over the run's bandwidth, and the client's own time between
 * driver reads as recorded (the run's time outside them: opening the
 * file, ROS3's HEAD, decompression, the program), which a cache does not
 * change.
 *
 * Must never: print, or hold more than the model's own blocks per run.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advise.h"
#include "h5snoop/trace_schema.h"

#define MIB (1024u * 1024u)

static const char *const kind_names[] = {"none", "blockcache", "readahead",
					 "pagebuffer", "ros3-1.14"};

/* Parses a size: bytes, or with KiB/MiB/GiB (or k/M/G); 0 if bad. */
static uint64_t parse_size(const char *s, size_t len)
{
	char buf[32], *end;
	unsigned long long v;

	if (len == 0 || len >= sizeof(buf))
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	v = strtoull(buf, &end, 10);
	if (end == buf || v == 0 || v > (1ull << 40))
		return 0;
	if (*end == '\0' || strcmp(end, "B") == 0)
		return v;
	if (strcmp(end, "KiB") == 0 || strcmp(end, "k") == 0)
		return v << 10;
	if (strcmp(end, "MiB") == 0 || strcmp(end, "M") == 0)
		return v << 20;
	if (strcmp(end, "GiB") == 0 || strcmp(end, "G") == 0)
		return v << 30;
	return 0;
}

int advise_whatif_parse(const char *spec, struct advise_model *m)
{
	const char *p = strchr(spec, ':');
	size_t name_len = p ? (size_t)(p - spec) : strlen(spec);
	uint64_t arg[2] = {0, 0};
	unsigned n_args = 0;
	int kind = -1;

	memset(m, 0, sizeof(*m));
	for (unsigned k = 0; k < sizeof(kind_names) / sizeof(*kind_names);
	     k++)
		if (strlen(kind_names[k]) == name_len &&
		    strncmp(spec, kind_names[k], name_len) == 0)
			kind = (int)k;
	if (kind < 0)
		return -1;
	while (p) {
		const char *q = strchr(p + 1, ':');
		size_t len = q ? (size_t)(q - p - 1) : strlen(p + 1);

		if (n_args == 2)
			return -1;
		arg[n_args] = parse_size(p + 1, len);
		if (!arg[n_args])
			return -1;
		n_args++;
		p = q;
	}
	m->kind = (enum advise_model_kind)kind;
	switch (m->kind) {
	case MODEL_NONE:
	case MODEL_ROS3_114:
		if (n_args)
			return -1;
		m->block = m->kind == MODEL_ROS3_114 ? 16 * MIB : 0;
		break;
	case MODEL_BLOCKCACHE:
		m->block = n_args > 0 ? arg[0] : 5 * MIB;
		m->blocks = n_args > 1 ? arg[1] : 32;
		if (m->blocks > ADVISE_MODEL_SLOTS)
			return -1;
		break;
	case MODEL_READAHEAD:
		if (n_args > 1)
			return -1;
		m->block = n_args > 0 ? arg[0] : 5 * MIB;
		break;
	case MODEL_PAGEBUFFER:
		m->block = n_args > 0 ? arg[0] : 0; /* 0: the file's page */
		m->buffer = n_args > 1 ? arg[1] : 16 * MIB;
		break;
	}
	snprintf(m->name, sizeof(m->name), "%s", spec);
	return 0;
}

/* One request of `bytes` in the prediction. */
static void fetch(struct advise_prediction *pr, uint64_t bytes)
{
	pr->requests++;
	pr->bytes += bytes;
}

/* The LRU of blocks: 1 if block b was held (and is now the newest),
 * else 0 and b added (the oldest dropped when full). */
static int lru_touch(struct advise_prediction *pr, uint64_t b,
		     uint32_t cap)
{
	uint32_t i;

	for (i = 0; i < pr->n_slots; i++)
		if (pr->slots[i] == b) {
			memmove(pr->slots + 1, pr->slots,
				i * sizeof(pr->slots[0]));
			pr->slots[0] = b;
			return 1;
		}
	if (pr->n_slots < cap)
		pr->n_slots++;
	memmove(pr->slots + 1, pr->slots,
		(pr->n_slots - 1) * sizeof(pr->slots[0]));
	pr->slots[0] = b;
	return 0;
}

/* Bytes of [off, off + len) inside a file of `size` bytes. */
static uint64_t clip(uint64_t off, uint64_t len, uint64_t size)
{
	if (off >= size)
		return 0;
	return len < size - off ? len : size - off;
}

double advise_whatif_time_s(const struct advise_subject *s,
			    const struct advise_prediction *pr, double rtt_s)
{
	double rtt = rtt_s > 0 ? rtt_s : advise_latency_s(s);

	return (double)pr->requests * rtt +
	       (double)pr->bytes / advise_bandwidth(s) + advise_own_s(s);
}

void advise_whatif_read(const struct advise_model *m,
			struct advise_prediction *pr, uint32_t proc,
			uint64_t file_size, uint8_t mem_type, uint64_t off,
			uint64_t size)
{
	uint64_t page;

	if (pr->refused[0])
		return;
	if (m->kind != MODEL_NONE && file_size == 0) {
		snprintf(pr->refused, sizeof(pr->refused),
			 "%s needs the file's size, which the trace lacks "
			 "(no file_open of it)",
			 kind_names[m->kind]);
		return;
	}
	if (!pr->started || pr->proc != proc) {
		/* a new process: an empty cache */
		pr->started = 1;
		pr->proc = proc;
		pr->n_slots = 0;
		pr->ra_start = pr->ra_end = 0;
		pr->opened = 0;
	}
	switch (m->kind) {
	case MODEL_NONE:
		fetch(pr, size);
		return;
	case MODEL_BLOCKCACHE:
		if (size == 0 || off >= file_size)
			return;
		if (off + size > file_size)
			size = file_size - off;
		for (uint64_t b = off / m->block; b <= (off + size) / m->block;
		     b++)
			if (!lru_touch(pr, b, (uint32_t)m->blocks))
				fetch(pr, clip(b * m->block, m->block,
					       file_size));
		return;
	case MODEL_READAHEAD: {
		uint64_t start = off, end = off + size;

		if (size == 0 || off >= file_size)
			return;
		if (end > file_size)
			end = file_size;
		if (start >= pr->ra_start && end <= pr->ra_end)
			return;
		if (pr->ra_start <= start && start < pr->ra_end)
			start = pr->ra_end;
		end = end + m->block < file_size ? end + m->block : file_size;
		fetch(pr, end - start);
		pr->ra_start = start;
		pr->ra_end = end;
		return;
	}
	case MODEL_PAGEBUFFER:
		page = m->block ? m->block : advise_page_size(file_size);
		if (!page || file_size % page != 0) {
			snprintf(pr->refused, sizeof(pr->refused),
				 "pagebuffer needs a paged file: a size of "
				 "%" PRIu64 " bytes is no multiple of %s",
				 file_size,
				 page ? "the page size" : "a page size");
			return;
		}
		if (mem_type == H5SNOOP_MEM_super ||
		    (mem_type == H5SNOOP_MEM_ohdr && !pr->opened) ||
		    (mem_type == H5SNOOP_MEM_draw && size >= page)) {
			pr->opened |= mem_type == H5SNOOP_MEM_ohdr;
			fetch(pr, size);
			return;
		}
		for (uint64_t b = off / page;
		     size && b <= (off + size - 1) / page; b++) {
			uint64_t cap = m->buffer / page;

			if (cap < 1)
				cap = 1;
			if (cap > ADVISE_MODEL_SLOTS)
				cap = ADVISE_MODEL_SLOTS;
			if (!lru_touch(pr, b, (uint32_t)cap))
				fetch(pr, clip(b * page, page, file_size));
		}
		return;
	case MODEL_ROS3_114: {
		uint64_t head = file_size < m->block ? file_size : m->block;

		if (!pr->opened) {
			pr->opened = 1;
			fetch(pr, head);
		}
		if (off + size <= head)
			return;
		fetch(pr, size);
		return;
	}
	}
}
