/*
 * trace_restate.c - the definitions a ring chunk restates (see
 * trace_restate.h).
 *
 * Must never: write an event or take another lock while holding
 * restate_lock (the chunk hook takes it inside an event's write, maybe
 * under stack_capture's module lock), allocate with malloc, or be reached
 * from the event path of a process without a ring.
 */
#include "trace_restate.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>

#include "h5snoop/trace_schema.h"
#include "shim_config.h"
#include "shim_critical.h"
#include "shim_log.h"
#include "trace_session.h"
#include "trace_stream.h"
#include "trace_thread_id.h"

/* Files open at once that are restated; past it, a file is not. */
#define FILES_MAX 256u
/* Room for the largest file_open the vfd layer writes: fixed part, a
 * driver name of 64 bytes and a name of 2048. */
#define FILE_SLOT_BYTES 2176u
/* Stack ids restated (stack_capture's table holds as many); a stack is
 * its fixed part and at most 32 frames. */
#define STACKS_MAX 8192u
#define STACK_SLOT_BYTES 272u
/* Modules restated; a module is its fixed part, a path of 1024 bytes and
 * a build-id of 64. */
#define MODULES_MAX 512u
#define MODULE_SLOT_BYTES 1152u

struct file_slot {
	uint32_t file_id;
	uint32_t len;
	uint8_t ev[FILE_SLOT_BYTES];
};

static pthread_mutex_t restate_lock = PTHREAD_MUTEX_INITIALIZER;
static int restate_on;
/* Address space reserved at start-up for a ring; pages are touched only
 * as definitions arrive. */
static struct file_slot *files;
static unsigned file_count;
static uint8_t (*stacks)[STACK_SLOT_BYTES];
static uint16_t *stack_len; /* 0: no stack of that id kept */
static uint32_t stack_id_max;
static uint8_t (*modules)[MODULE_SLOT_BYTES];
static uint16_t module_len[MODULES_MAX];
static unsigned module_count;
/*
 * When and by whom each stack was kept, on a clock of definitions
 * (restate_clock, under the lock), so that a thread can tell the stacks
 * its chunk restated from those another thread defined later, in its own
 * stream only.  RATIONALE: read without the lock by stack_capture, after
 * it found the stack's id, which it publishes after keeping it.
 */
static uint32_t *stack_born;
static uint32_t *stack_creator;
static uint32_t restate_clock;
/* This thread's current chunk: whether it began (the hook ran), the clock
 * then, the lowest stack id it restated (ids below did not fit), how many
 * modules it holds (restated, or restated later at a stack's use), and
 * the stacks restated at their use since, by id modulo the cache. */
#define USED_CACHE 64u
static TRACE_TLS int tls_chunk_began;
static TRACE_TLS uint32_t tls_chunk_clock;
static TRACE_TLS uint32_t tls_stacks_from;
static TRACE_TLS unsigned tls_modules_held;
static TRACE_TLS uint32_t tls_used[USED_CACHE];
/* Definitions a chunk had no room for, for the debug line at the end. */
static int left_out_said;

int trace_restate_stacks_on;

static void *reserve(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Writes a restated definition through the session (held with the
 * operation that needs it), stamped `ts`. */
static void restate_now(uint8_t *ev, size_t len, uint64_t ts)
{
	memcpy(ev + offsetof(struct h5snoop_event_header, timestamp), &ts,
	       sizeof(ts));
	trace_emit(ev, len);
}

/* The copy as it is restated: its original's bytes, the restated id. */
static void keep(uint8_t *slot, const void *ev, size_t len, uint8_t id)
{
	memcpy(slot, ev, len);
	slot[offsetof(struct h5snoop_event_header, id)] = id;
}

/* Writes one kept definition; 0, or -1 when the chunk has no room left. */
static int put(struct trace_stream *s, const uint8_t *ev, size_t len,
	       uint64_t ts, size_t keep_bytes)
{
	if (trace_stream_put_restated(s, ev, len, ts, keep_bytes) == 0)
		return 0;
	if (!left_out_said) {
		left_out_said = 1;
		shim_debug("a ring chunk had no room to restate every open "
			   "file, module and stack (H5SNOOP_MAX_SIZE is "
			   "small for them)");
	}
	return -1;
}

/*
 * The chunk hook: every kept definition, within a quarter of the chunk's
 * first packet (and `keep_bytes` left for the event that started it).
 * RATIONALE: a chunk that restated more would leave little room for the
 * events it is for; files come first (reads name them), then modules
 * before the stacks whose frames lie in them, newest stacks first.
 */
static void restate_chunk(struct trace_stream *s, uint64_t ts,
			  size_t keep_bytes)
{
	size_t room = s->packet_bytes / 4u;
	size_t keep_free = s->packet_bytes > room + s->used_bytes
				   ? s->packet_bytes - room - s->used_bytes
				   : 0;
	int cancel_state, full = 0;
	unsigned m = 0;
	uint32_t id;

	if (keep_free < keep_bytes)
		keep_free = keep_bytes;
	shim_enter_critical(&cancel_state);
	pthread_mutex_lock(&restate_lock);
	for (unsigned i = 0; i < file_count && !full; i++)
		full = put(s, files[i].ev, files[i].len, ts, keep_free) != 0;
	for (; m < module_count && !full; m++)
		full = put(s, modules[m], module_len[m], ts, keep_free) != 0;
	if (full && m > 0)
		m--; /* the last one tried did not fit */
	for (id = stack_id_max; id > 0 && !full; id--)
		if (stack_len[id - 1])
			full = put(s, stacks[id - 1], stack_len[id - 1], ts,
				   keep_free) != 0;
	/* What stack_used finds in this chunk from now on. */
	tls_chunk_began = 1;
	tls_chunk_clock = restate_clock;
	tls_stacks_from = full ? id + 2 : 1;
	tls_modules_held = m;
	memset(tls_used, 0, sizeof(tls_used));
	pthread_mutex_unlock(&restate_lock);
	shim_leave_critical(cancel_state);
}

void trace_restate_init(void)
{
	const struct shim_config *c = shim_config();

	if (!c->ring || !c->max_size_bytes)
		return;
	files = reserve(FILES_MAX * sizeof(*files));
	if (c->stack_every) {
		stacks = reserve(STACKS_MAX * sizeof(*stacks));
		stack_len = reserve(STACKS_MAX * sizeof(*stack_len));
		modules = reserve(MODULES_MAX * sizeof(*modules));
		stack_born = reserve(STACKS_MAX * sizeof(*stack_born));
		stack_creator = reserve(STACKS_MAX * sizeof(*stack_creator));
		if (!stacks || !stack_len || !modules || !stack_born ||
		    !stack_creator)
			stacks = NULL;
	}
	if (!files)
		return;
	restate_on = 1;
	trace_restate_stacks_on = stacks != NULL;
	trace_stream_set_chunk_hook(restate_chunk);
}

void trace_restate_file_open(uint32_t file_id, const void *ev, size_t len)
{
	int saved_errno = errno;

	if (!restate_on || file_id == 0 || len > FILE_SLOT_BYTES)
		return;
	pthread_mutex_lock(&restate_lock);
	if (file_count < FILES_MAX) {
		files[file_count].file_id = file_id;
		files[file_count].len = (uint32_t)len;
		keep(files[file_count].ev, ev, len,
		     H5SNOOP_EV_file_restated);
		file_count++;
	}
	pthread_mutex_unlock(&restate_lock);
	errno = saved_errno;
}

void trace_restate_file_close(uint32_t file_id)
{
	if (!restate_on || file_id == 0)
		return;
	pthread_mutex_lock(&restate_lock);
	for (unsigned i = 0; i < file_count; i++)
		if (files[i].file_id == file_id) {
			/* NOTE: order kept: older files first. */
			memmove(&files[i], &files[i + 1],
				(file_count - i - 1) * sizeof(*files));
			file_count--;
			break;
		}
	pthread_mutex_unlock(&restate_lock);
}

void trace_restate_stack(uint32_t stack_id, const void *ev, size_t len)
{
	if (!restate_on || !stacks || stack_id == 0 ||
	    stack_id > STACKS_MAX || len > STACK_SLOT_BYTES)
		return;
	pthread_mutex_lock(&restate_lock);
	keep(stacks[stack_id - 1], ev, len, H5SNOOP_EV_stack_restated);
	stack_len[stack_id - 1] = (uint16_t)len;
	stack_born[stack_id - 1] = ++restate_clock;
	stack_creator[stack_id - 1] = trace_thread_id();
	if (stack_id > stack_id_max)
		stack_id_max = stack_id;
	pthread_mutex_unlock(&restate_lock);
}

void trace_restate_module(const void *ev, size_t len)
{
	if (!restate_on || !stacks || len > MODULE_SLOT_BYTES)
		return;
	pthread_mutex_lock(&restate_lock);
	if (module_count < MODULES_MAX) {
		keep(modules[module_count], ev, len,
		     H5SNOOP_EV_module_restated);
		module_len[module_count++] = (uint16_t)len;
	}
	pthread_mutex_unlock(&restate_lock);
}

/* Whether stack `id`, found in stack_capture's table, is in this thread's
 * current chunk already. */
static int stack_in_chunk(uint32_t id)
{
	uint32_t born = stack_born[id - 1];

	if (born > tls_chunk_clock)
		return stack_creator[id - 1] == trace_thread_id();
	return id >= tls_stacks_from;
}

void trace_restate_stack_used_slow(uint32_t stack_id, uint64_t ts)
{
	uint8_t ev[STACK_SLOT_BYTES], mod[MODULE_SLOT_BYTES];
	size_t len;
	int cancel_state;

	if (!stacks || !tls_chunk_began || stack_id == 0 ||
	    stack_id > STACKS_MAX || tls_used[stack_id % USED_CACHE] ==
						 stack_id ||
	    stack_in_chunk(stack_id))
		return;
	tls_used[stack_id % USED_CACHE] = stack_id;
	/* RATIONALE: the modules this chunk lacks go first, copied one at
	 * a time so that no event is written under the lock (modules are
	 * few, and appended only). */
	for (;;) {
		shim_enter_critical(&cancel_state);
		pthread_mutex_lock(&restate_lock);
		len = tls_modules_held < module_count
			      ? module_len[tls_modules_held]
			      : 0;
		if (len)
			memcpy(mod, modules[tls_modules_held++], len);
		pthread_mutex_unlock(&restate_lock);
		shim_leave_critical(cancel_state);
		if (!len)
			break;
		restate_now(mod, len, ts);
	}
	pthread_mutex_lock(&restate_lock);
	len = stack_len[stack_id - 1];
	memcpy(ev, stacks[stack_id - 1], len);
	pthread_mutex_unlock(&restate_lock);
	if (len)
		restate_now(ev, len, ts);
}

void trace_restate_prepare_fork(void)
{
	if (restate_on)
		pthread_mutex_lock(&restate_lock);
}

void trace_restate_parent_after_fork(void)
{
	if (restate_on)
		pthread_mutex_unlock(&restate_lock);
}

void trace_restate_child_after_fork(void)
{
	pthread_mutex_init(&restate_lock, NULL);
	if (stacks)
		memset(stack_len, 0, STACKS_MAX * sizeof(*stack_len));
	stack_id_max = 0;
	module_count = 0;
	/* The child's stream begins a chunk of its own. */
	tls_chunk_began = 0;
}
