/*
 * stack_capture.c - call stacks of requests, deduplicated, with the module
 * map needed to symbolize them later (see stack_capture.h).
 *
 * RATIONALE: stacks are walked by unwind_fast.c (a cache of unwind rules
 * per return address), which hands a stack to libunwind only where a
 * frame is not an ordinary one; libunwind is dlopen'ed only when
 * H5SNOOP_STACKS is set, so a process traced without stacks (or not
 * traced at all) never loads it.  H5SNOOP_UNWIND=libunwind walks every
 * stack with libunwind (as before the fast walk existed), =check walks
 * each with both and warns when they disagree (the tests' comparison).
 * Stacks are deduplicated by a hash of their frames in a fixed lock-free
 * table; modules are found from the frames themselves (_dl_find_object),
 * so libraries dlopen'ed after start are covered as soon as they appear
 * in a stack.
 *
 * Must never: allocate on the event path, unwind through a signal frame
 * of the host on purpose, or block the host except on the short lock that
 * serializes the first sighting of a stack.
 */
#include "stack_capture.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "shim_critical.h"
#include "h5snoop/trace_schema.h"
#include "open_table.h"
#include "redact.h"
#include "shim_config.h"
#include "shim_log.h"
#include "shim_real.h"
#include "trace_restate.h"
#include "trace_session.h"
#include "unwind_fast.h"

#define STACK_TABLE_SIZE 8192u /* power of two */
#define MAX_MODULES 512
#define BUILD_ID_MAX 64

/* RATIONALE: Debian 12's libunwind; unw_backtrace is its fast path. */
#define LIBUNWIND_SONAME "libunwind.so.8"

unsigned stack_capture_every;

static int (*real_unw_backtrace)(void **frames, int max);
static int unwinder; /* SHIM_UNWIND_* */
/* H5SNOOP_UNWIND=check: walks compared, of them walked fast, and
 * disagreements. */
static atomic_ulong check_walks, check_fast, check_differ;
/* Stacks seen, by the hash of their frames: lock-free, nothing removed;
 * a slot's id is 0 until its claimer has recorded the stack. */
static _Atomic uint64_t stack_keys[STACK_TABLE_SIZE];
static _Atomic uint32_t stack_ids[STACK_TABLE_SIZE];
static const struct open_table stacks = OPEN_TABLE_INIT(stack_keys, 1);
static atomic_uint next_stack_id = 1;
static pthread_mutex_t module_lock = PTHREAD_MUTEX_INITIALIZER;
static const struct link_map *modules_seen[MAX_MODULES];
static int module_count;
static TRACE_TLS unsigned tls_countdown[STACK_LAYER_COUNT];
/* The id of each layer's last stack on this thread, walked fast (0:
 * none), for a walk that finds the same frames again. */
static TRACE_TLS uint32_t tls_last_id[STACK_LAYER_COUNT];
_Static_assert(STACK_LAYER_COUNT <= UNWIND_FAST_MEMOS &&
		       STACK_MAX_FRAMES + 8 <= UNWIND_FAST_MAX_FRAMES,
	       "a memo per layer, as many frames as libunwind is asked for");
/* Where the shim's own code lies: its frames are dropped from stacks. */
static uintptr_t self_start, self_end;

void stack_capture_init(void)
{
	void *lib;

	struct dl_find_object self;

	if (shim_config()->stack_every == 0)
		return;
	if (_dl_find_object((void *)stack_capture_init, &self) == 0) {
		self_start = (uintptr_t)self.dlfo_map_start;
		self_end = (uintptr_t)self.dlfo_map_end;
	}
	lib = dlopen(LIBUNWIND_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (lib)
		real_unw_backtrace = (int (*)(void **, int))dlsym(
			lib, "unw_backtrace");
	if (!real_unw_backtrace) {
		shim_warn_once(SHIM_WARN_STACKS,
			       "stacks disabled: cannot load unw_backtrace "
			       "from %s (install libunwind8)",
			       LIBUNWIND_SONAME);
		return;
	}
	unwinder = shim_config()->stack_unwinder;
	stack_capture_every = shim_config()->stack_every;
}

static uint64_t hash_frames(void *const *frames, int n)
{
	uint64_t h = 0xcbf29ce484222325ull ^ (uint64_t)n;

	for (int i = 0; i < n; i++) {
		h ^= (uint64_t)(uintptr_t)frames[i];
		h *= 0x100000001b3ull;
		h ^= h >> 29;
	}
	return open_table_key_hash(h);
}

/* ---- modules ---- */

struct module_search {
	const struct link_map *lm;
	uint64_t start, end;
	uint8_t build_id[BUILD_ID_MAX];
	uint8_t build_id_len;
	int found;
};

static void read_build_id(struct module_search *m, const char *note,
			  size_t size)
{
	const char *p = note, *limit = note + size;

	while (p + sizeof(ElfW(Nhdr)) <= limit) {
		const ElfW(Nhdr) *nh = (const void *)p;
		const char *name = p + sizeof(*nh);
		const char *desc = name + ((nh->n_namesz + 3u) & ~3u);

		if (desc + nh->n_descsz > limit)
			return;
		if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
		    memcmp(name, "GNU", 4) == 0) {
			m->build_id_len = (uint8_t)(nh->n_descsz < BUILD_ID_MAX
							    ? nh->n_descsz
							    : BUILD_ID_MAX);
			memcpy(m->build_id, desc, m->build_id_len);
			return;
		}
		p = desc + ((nh->n_descsz + 3u) & ~3u);
	}
}

static int match_module(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct module_search *m = arg;

	(void)size;
	if (info->dlpi_addr != m->lm->l_addr ||
	    strcmp(info->dlpi_name ? info->dlpi_name : "",
		   m->lm->l_name ? m->lm->l_name : "") != 0)
		return 0;
	m->start = UINT64_MAX;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uint64_t lo = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD) {
			if (lo < m->start)
				m->start = lo;
			if (lo + ph->p_memsz > m->end)
				m->end = lo + ph->p_memsz;
		} else if (ph->p_type == PT_NOTE && !m->build_id_len) {
			read_build_id(m, (const char *)(uintptr_t)lo,
				      ph->p_memsz);
		}
	}
	m->found = 1;
	return 1;
}

/* Records the module holding `pc` unless already recorded.  Under
 * module_lock. */
static void note_module(const void *pc, uint64_t ts)
{
	uint8_t buf[TRACE_EVENT_MAX_BYTES];
	struct h5snoop_ev_module ev;
	struct module_search m;
	char path[1024];
	size_t len = sizeof(ev);

	memset(&m, 0, sizeof(m));
	m.lm = shim_real_object_of(pc);
	if (!m.lm)
		return;
	for (int i = 0; i < module_count; i++)
		if (modules_seen[i] == m.lm)
			return;
	if (module_count == MAX_MODULES) {
		shim_warn_once(SHIM_WARN_STACKS,
			       "more than %d modules in stacks; frames of later "
			       "ones stay unnamed",
			       MAX_MODULES);
		return;
	}
	modules_seen[module_count++] = m.lm;
	dl_iterate_phdr(match_module, &m);
	if (!m.found)
		return;
	if (m.lm->l_name && m.lm->l_name[0]) {
		redact_string(path, sizeof(path), m.lm->l_name,
			      shim_config()->keep_query);
	} else {
		/* The main program has no name in its link_map. */
		char exe[PATH_MAX]; /* whole: redacted before it is cut */
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

		exe[n > 0 ? n : 0] = '\0';
		redact_string(path, sizeof(path), exe,
			      shim_config()->keep_query);
	}
	memset(&ev, 0, sizeof(ev));
	ev.h.id = H5SNOOP_EV_module;
	ev.h.timestamp = ts;
	ev.base = m.lm->l_addr;
	ev.start = m.start;
	ev.end = m.end;
	ev.build_id_len = m.build_id_len;
	trace_put_string(buf, &len, sizeof(buf) - BUILD_ID_MAX, path);
	memcpy(buf + len, m.build_id, m.build_id_len);
	len += m.build_id_len;
	memcpy(buf, &ev, sizeof(ev));
	trace_restate_module(buf, len);
	trace_emit(buf, len);
}

/* ---- stacks ---- */

static void emit_stack(uint32_t id, void *const *frames, int n, uint64_t ts)
{
	uint8_t buf[sizeof(struct h5snoop_ev_stack) +
		    STACK_MAX_FRAMES * sizeof(uint64_t)];
	struct h5snoop_ev_stack ev;
	size_t len = sizeof(ev) + (size_t)n * sizeof(uint64_t);

	memset(&ev, 0, sizeof(ev));
	ev.h.id = H5SNOOP_EV_stack;
	ev.h.timestamp = ts;
	ev.stack_id = id;
	ev.frame_count = (uint8_t)n;
	memcpy(buf, &ev, sizeof(ev));
	for (int i = 0; i < n; i++) {
		uint64_t pc = (uint64_t)(uintptr_t)frames[i];

		memcpy(buf + sizeof(ev) + (size_t)i * sizeof(pc), &pc,
		       sizeof(pc));
	}
	trace_restate_stack(id, buf, len);
	trace_emit(buf, len);
}

/* Records a stack just claimed in slot i (modules first) and publishes
 * its id.  RATIONALE: cold and out of line, as is the full table's loss:
 * a stack seen before, the case of nearly every event, runs through a
 * few cache lines of code. */
__attribute__((cold, noinline)) static uint32_t
record_new_stack(size_t i, void *const *frames, int n, uint64_t ts)
{
	int cancel_state;
	uint32_t id;

	/* NOTE: a new stack takes module_lock and may write the trace (a
	 * cancellation point); other threads wait on both. */
	shim_enter_critical(&cancel_state);
	id = atomic_fetch_add(&next_stack_id, 1u);
	pthread_mutex_lock(&module_lock);
	for (int f = 0; f < n; f++)
		note_module(frames[f], ts);
	pthread_mutex_unlock(&module_lock);
	emit_stack(id, frames, n, ts);
	atomic_store(&stack_ids[i], id);
	shim_leave_critical(cancel_state);
	return id;
}

__attribute__((cold, noinline)) static uint32_t stack_table_full(void)
{
	shim_warn_once(SHIM_WARN_STACKS,
		       "more than %u distinct stacks; later ones get "
		       "stack_id 0",
		       STACK_TABLE_SIZE);
	trace_count_loss(H5SNOOP_LOSS_stack_table, 1);
	return 0;
}

/* The id of a stack: found, or claimed and recorded. */
static uint32_t stack_id_of(void *const *frames, int n, uint64_t ts)
{
	uint64_t h = hash_frames(frames, n);
	int inserted;
	size_t i = open_table_find_or_insert(&stacks, h, &inserted);
	uint32_t id;

	if (__builtin_expect(inserted, 0))
		return record_new_stack(i, frames, n, ts);
	if (__builtin_expect(i == OPEN_TABLE_NONE, 0))
		return stack_table_full();
	/* Seen before, or claimed by another thread a moment ago: wait for
	 * its id. */
	while ((id = atomic_load(&stack_ids[i])) == 0)
		sched_yield();
	/* A ring chunk of this thread may lack it (trace_restate.h). */
	trace_restate_stack_used(id, ts);
	return id;
}

/* Drops the shim's own frames (the wrapper, a driver trampoline between
 * HDF5 and its driver: they say nothing about the host) and cuts to
 * STACK_MAX_FRAMES; returns how many are left. */
static int drop_own_frames(void **frames, int n)
{
	int kept = 0;

	for (int i = 0; i < n; i++) {
		uintptr_t pc = (uintptr_t)frames[i];

		if (pc < self_start || pc >= self_end)
			frames[kept++] = frames[i];
	}
	return kept > STACK_MAX_FRAMES ? STACK_MAX_FRAMES : kept;
}

/* libunwind's walk.  RATIONALE: its first walk in a thread maps memory
 * and may take the loader's lock: no cancellation inside.  Inlined, so
 * that the walk starts at its caller's frame as the fast one does (both
 * give up after the same number of frames). */
static inline __attribute__((always_inline)) int
walk_libunwind(void **frames, int max)
{
	int cancel_state, n;

	shim_enter_critical(&cancel_state);
	n = real_unw_backtrace(frames, max);
	shim_leave_critical(cancel_state);
	return n;
}

/* H5SNOOP_UNWIND=check: libunwind's walk of the same stack must keep the
 * same frames as the fast one (`fast` of them, or -1: it gave up). */
__attribute__((cold, noinline)) static void
check_against_libunwind(void *const *fast_frames, int fast)
{
	void *frames[STACK_MAX_FRAMES + 9];
	/* One frame more: this function's own. */
	int n = drop_own_frames(frames,
				walk_libunwind(frames, STACK_MAX_FRAMES + 9));

	atomic_fetch_add(&check_walks, 1);
	if (fast < 0)
		return;
	atomic_fetch_add(&check_fast, 1);
	for (int i = 0; i < n || i < fast; i++) {
		if (i < n && i < fast && frames[i] == fast_frames[i])
			continue;
		atomic_fetch_add(&check_differ, 1);
		shim_warn_once(SHIM_WARN_STACKS,
			       "fast unwinder and libunwind disagree at frame "
			       "%d of %d/%d: %lu vs %lu",
			       i, fast, n,
			       i < fast ? (unsigned long)fast_frames[i] : 0ul,
			       i < n ? (unsigned long)frames[i] : 0ul);
		return;
	}
}

uint32_t stack_capture_slow(enum stack_layer layer, uint64_t ts)
{
	void *frames[STACK_MAX_FRAMES + 8];
	int saved_errno = errno, n = -1, kept, same = 0;
	uint32_t id;

	/* RATIONALE: one countdown per layer; a shared one would give every
	 * sample of a ROS3 read to the same layer when N is even. */
	if (tls_countdown[layer] > 1) {
		tls_countdown[layer]--;
		return 0;
	}
	tls_countdown[layer] = stack_capture_every;
	if (__builtin_expect(unwinder != SHIM_UNWIND_LIBUNWIND, 1))
		n = unwind_fast_backtrace(frames, STACK_MAX_FRAMES + 8,
					  (unsigned)layer, &same);
	if (__builtin_expect(n >= 0, 1)) {
		/* The frames of this layer's last stack on this thread:
		 * its id.  (Not in check mode: every walk is compared.) */
		if (same && tls_last_id[layer] != 0 &&
		    __builtin_expect(unwinder != SHIM_UNWIND_CHECK, 1)) {
			id = tls_last_id[layer];
			/* A ring chunk of this thread may lack it. */
			trace_restate_stack_used(id, ts);
			errno = saved_errno;
			return id;
		}
		kept = drop_own_frames(frames, n);
		if (__builtin_expect(unwinder == SHIM_UNWIND_CHECK, 0))
			check_against_libunwind(frames, kept);
	} else {
		if (__builtin_expect(unwinder == SHIM_UNWIND_CHECK, 0))
			check_against_libunwind(frames, -1);
		kept = drop_own_frames(frames, walk_libunwind(
						       frames,
						       STACK_MAX_FRAMES + 8));
	}
	id = kept > 0 ? stack_id_of(frames, kept, ts) : 0;
	tls_last_id[layer] = n >= 0 ? id : 0;
	errno = saved_errno;
	return id;
}

/* H5SNOOP_UNWIND=check: what was compared, said at exit (with
 * H5SNOOP_DEBUG=1). */
__attribute__((destructor)) static void stack_capture_check_report(void)
{
	if (unwinder != SHIM_UNWIND_CHECK || stack_capture_every == 0)
		return;
	shim_debug("unwind check: %lu stacks walked by both, %lu of them by "
		   "the fast unwinder, %lu disagreements",
		   atomic_load(&check_walks), atomic_load(&check_fast),
		   atomic_load(&check_differ));
}

/*
 * RATIONALE: a fork child writes its own trace directory, which must be
 * readable alone: it forgets the stacks and modules its parent recorded,
 * so that it writes them again, with ids of its own.  Async-signal-safe.
 */
void stack_capture_child_after_fork(void)
{
	open_table_clear(&stacks);
	memset(stack_ids, 0, sizeof(stack_ids));
	atomic_store(&next_stack_id, 1u);
	module_count = 0;
	pthread_mutex_init(&module_lock, NULL);
	memset(tls_countdown, 0, sizeof(tls_countdown));
	/* The ids start again from 1 here. */
	memset(tls_last_id, 0, sizeof(tls_last_id));
}
