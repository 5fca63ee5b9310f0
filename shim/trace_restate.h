/*
 * trace_restate.h - what each chunk of a ring restates (H5SNOOP_MODE=ring):
 * the driver files still open, and the modules and stacks of the process,
 * so that a chunk file names what its events refer to even after the
 * chunk that held a file's open or a stack's first sighting is deleted.
 *
 * Interposers hand over a copy of each definition as they record it (cold
 * paths only: an open, a close, a new stack or module); at the start of
 * every chunk (format/trace_stream's chunk hook) they are written again as
 * file_restated, module_restated and stack_restated events, within a
 * quarter of the chunk's first packet: files first, then modules, then
 * the newest stacks.  A stack the chunk lacks (no room, or recorded by
 * another thread since) is restated at its first use in the chunk
 * (trace_restate_stack_used).  Off, with nothing kept or allocated,
 * unless the ring is on.
 *
 * Must never: write an event while it holds its lock, allocate with
 * malloc, or cost anything on the event path.
 */
#ifndef H5SNOOP_TRACE_RESTATE_H
#define H5SNOOP_TRACE_RESTATE_H

#include <stddef.h>
#include <stdint.h>

/* Reads the configuration (shim_config) and, for a ring, reserves the
 * tables (address space only: pages are touched as used) and installs
 * the chunk hook.  Called once by the constructor. */
void trace_restate_init(void);

/*
 * Keeps a copy of the file_open event `ev` (`len` bytes) of open file
 * `file_id` until trace_restate_file_close(file_id).  No-op when the ring
 * is off, for file_id 0, or when the table is full (that file is then not
 * restated).  Thread-safe; keeps errno.
 */
void trace_restate_file_open(uint32_t file_id, const void *ev, size_t len);
void trace_restate_file_close(uint32_t file_id);

/* Keeps a copy of the stack event `ev` of `stack_id`, or of a module
 * event, for the rest of the process.  Same rules as above. */
void trace_restate_stack(uint32_t stack_id, const void *ev, size_t len);
void trace_restate_module(const void *ev, size_t len);

/* 1 once a ring with stacks keeps them (set by trace_restate_init). */
extern int trace_restate_stacks_on;
__attribute__((cold)) void trace_restate_stack_used_slow(uint32_t stack_id,
							 uint64_t ts);

/*
 * Stack `stack_id`, recorded before, names an event starting at `ts`:
 * when this thread's current chunk does not hold it (another thread
 * recorded it after the chunk began, or the chunk had no room for it),
 * writes it there now, as stack_restated, after the modules the chunk
 * lacks.  Each at most once per chunk and thread (a small cache: rarely
 * twice).  Thread-safe; keeps errno; only with stacks on.
 * RATIONALE: inline, so that a process without a ring pays one load per
 * stack it captures, not a call.
 */
static inline void trace_restate_stack_used(uint32_t stack_id, uint64_t ts)
{
	if (__builtin_expect(trace_restate_stacks_on, 0))
		trace_restate_stack_used_slow(stack_id, ts);
}

/* Fork: the lock is held across fork(); the child keeps the files (it
 * inherits them, with their ids) and forgets the stacks and modules (it
 * numbers its own).  The child's handler is async-signal-safe. */
void trace_restate_prepare_fork(void);
void trace_restate_parent_after_fork(void);
void trace_restate_child_after_fork(void);

#endif
