/*
 * unwind_fast.h - the calling thread's return addresses, walked with a
 * per-address cache of unwind rules instead of libunwind's full walk
 * (the cost of H5SNOOP_STACKS=1 is mostly the walk).
 *
 * The frames are those libunwind's unw_backtrace returns from the same
 * call site: each caller's return address, starting with the one into
 * the caller of unwind_fast_backtrace, ending at the outermost frame or
 * after `max`.  When a frame on the stack is not an ordinary one (see
 * unwind_cfi.h) the answer is -1 and the caller asks libunwind.
 *
 * Must never: read memory outside the thread's stack while walking
 * (the bounds are taken once per thread), allocate after the first walk
 * of a thread, lock, or loop without bound.
 */
#ifndef H5SNOOP_UNWIND_FAST_H
#define H5SNOOP_UNWIND_FAST_H

/* The most frames a walk returns, and the memos a thread keeps (one
 * per kind of event: its stacks repeat each other). */
#define UNWIND_FAST_MAX_FRAMES 40
#define UNWIND_FAST_MEMOS 2

/*
 * Fills frames[0..n) and returns n (0 <= n <= max, at most
 * UNWIND_FAST_MAX_FRAMES), or -1 when libunwind must walk this stack (a
 * frame without a standard rule, a stack the thread's bounds do not
 * hold, or no x86-64).  A stack whose saved addresses leave the thread's
 * stack mid-walk (a corrupt one) ends there.  *same_as_last is set to 1
 * when the frames are exactly those of the thread's previous walk with
 * the same memo_slot (< UNWIND_FAST_MEMOS; another value: no memo), else
 * 0.  The first call of a thread takes its stack bounds
 * (pthread_getattr_np, which may allocate and read /proc for the main
 * thread); later calls are async-signal-safe, lock-free, keep errno.
 * Not inlined: its own frame is the walk's start.
 */
int unwind_fast_backtrace(void **frames, int max, unsigned memo_slot,
			  int *same_as_last) __attribute__((noinline));

#endif
