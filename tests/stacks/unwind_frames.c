/*
 * unwind_frames.c - frames of different shapes for unwind_host.c, built
 * twice: with a frame pointer (UNWIND_FRAMES_FP=1, names fp_*) and
 * without one (names nofp_*), so that a stack alternates between frames
 * whose CFA is RBP-based and RSP-based.  Each function calls
 * unwind_host_step(depth - 1), or unwind_host_bottom() at depth 0, and
 * does something after the call so that it stays on the stack.
 */
#include <alloca.h>
#include <stddef.h>
#include <stdint.h>

#if UNWIND_FRAMES_FP
#define NAME(x) fp_##x
#else
#define NAME(x) nofp_##x
#endif

int unwind_host_step(int depth);
int unwind_host_bottom(void);

static int next(int depth)
{
	return depth > 0 ? unwind_host_step(depth - 1) : unwind_host_bottom();
}

/* A small frame. */
__attribute__((noinline)) int NAME(plain)(int depth)
{
	volatile int keep = depth;
	int rc = next(depth);

	return rc + (keep & 0);
}

/* A frame of a size known only at run time (alloca: the CFA is taken
 * from RBP even where the frame pointer is omitted). */
__attribute__((noinline)) int NAME(with_alloca)(int depth)
{
	size_t n = 16 + (size_t)(depth % 7) * 40;
	volatile char *buf = alloca(n);
	int rc;

	buf[0] = (char)depth;
	buf[n - 1] = 1;
	rc = next(depth);
	return rc + buf[n - 1] - 1;
}

/* A large frame (a CFA offset beyond what one byte encodes). */
__attribute__((noinline)) int NAME(big)(int depth)
{
	volatile char buf[6000];
	int rc;

	buf[0] = (char)depth;
	buf[sizeof(buf) - 1] = 1;
	rc = next(depth);
	return rc + buf[sizeof(buf) - 1] - 1;
}

#if UNWIND_FRAMES_FP
/* A corrupt stack while the calls below it run: the caller's frame
 * pointer, saved in this frame, is overwritten with `garbage` (put back
 * before returning, so the program itself never uses it).  A walk that
 * trusts it reads at garbage + 8. */
__attribute__((noinline)) int fp_corrupted(int depth, uintptr_t garbage)
{
	void *volatile *frame = __builtin_frame_address(0);
	void *saved = frame[0];
	int rc;

	frame[0] = (void *)garbage;
	rc = next(depth);
	frame[0] = saved;
	return rc;
}
#endif
