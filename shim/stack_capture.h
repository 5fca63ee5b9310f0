/*
 * stack_capture.h - which code caused a request (H5SNOOP_STACKS).
 *
 * With H5SNOOP_STACKS=1 (every event) or =N (one in N per thread), each
 * vfd_read and http_request gets the id of its call stack.  A stack is
 * written once, as a `stack` event, and each loaded object holding one of
 * its frames once, as a `module` event (path, load address, build-id), so
 * that the analyzer can symbolize after the process is gone, on another
 * machine with the same binaries.  Off by default; then the hot path pays
 * one load and branch.
 */
#ifndef H5SNOOP_STACK_CAPTURE_H
#define H5SNOOP_STACK_CAPTURE_H

#include <stdint.h>

#define STACK_MAX_FRAMES 32

/* Each layer samples one event in N on its own. */
enum stack_layer { STACK_LAYER_VFD, STACK_LAYER_HTTP, STACK_LAYER_COUNT };

/* Nonzero when H5SNOOP_STACKS asks for stacks; read by the hot path. */
extern unsigned stack_capture_every;

/*
 * Captures the calling thread's stack, records it (and its unseen modules)
 * if it is new, and returns its stack_id; 0 when this event is not
 * sampled or capture failed.  `ts` is the start of the event that will
 * carry the id.  Thread-safe (a lock is taken only for stacks never seen
 * before); keeps errno; not async-signal-safe.
 */
/* NOTE: not cold: with stacks on it runs for every event (the branch
 * below keeps it off the straight path when they are off). */
uint32_t stack_capture_slow(enum stack_layer layer, uint64_t ts);

static inline uint32_t stack_capture(enum stack_layer layer, uint64_t ts)
{
	return __builtin_expect(stack_capture_every != 0, 0)
		       ? stack_capture_slow(layer, ts)
		       : 0;
}

/* Fork-child handler (see shim_init.c). */
void stack_capture_child_after_fork(void);

/* Reads H5SNOOP_STACKS (via shim_config) and loads libunwind if asked;
 * called once from the constructor. */
void stack_capture_init(void);

#endif
