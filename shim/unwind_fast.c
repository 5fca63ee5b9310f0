/*
 * unwind_fast.c - the stack walk of H5SNOOP_STACKS: a loop over the
 * frames that looks each return address up in a lock-free cache of
 * unwind rules (filled from .eh_frame by unwind_cfi.c on a miss) and
 * reads two words of the stack per frame (see unwind_fast.h).
 *
 * RATIONALE: libunwind's unw_backtrace also caches a rule per address,
 * but sets up a full cursor and context for each walk and pays some 110
 * instructions per frame; a read through HDF5 is 20-odd frames deep and
 * its stack is walked at every read.  Here a frame is a hash probe, an
 * addition and two bounded loads.  The walk takes the same steps as
 * libunwind's (same rules, looked up at the return address minus one,
 * the same stop at the outermost frame), and gives up (-1) wherever
 * libunwind's fast trace would go its slow way, so the frames recorded do not depend on which walker ran
 * (tests/stacks/test_stacks.py compares them on real programs).
 *
 * NOTE: the cache is never emptied: an address keeps its rule after its
 * object is unloaded (libunwind's per-thread cache does the same).  Code
 * loaded later at the same address can only get a wrong or shorter
 * stack, never a read outside the thread's stack.
 *
 * Must never: dereference an address outside [the walk's stack pointer,
 * the thread's stack top), allocate or lock on the walk, or take more
 * than `max` steps.
 */
#include "unwind_fast.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "shim_critical.h"
#include "shim_log.h"
#include "trace_tls_clock.h"
#include "unwind_cfi.h"

#if defined(__x86_64__)

/* Rules by code address: open addressing over one array of pairs, so a
 * lookup touches one cache line.  An address's rule is a function of the
 * address alone, so two threads filling one slot write the same value.
 * RATIONALE: not open_table.h, whose values live in a second array (a
 * second cache line per frame, some 20 per read). */
#define RULE_SLOTS 16384u /* power of two: 256 KiB, touched as used */
#define RULE_PROBES 32u

struct rule_slot {
	_Atomic uint64_t pc;   /* 0: free */
	_Atomic uint64_t rule; /* 0: being filled */
};

static struct rule_slot rule_cache[RULE_SLOTS];

/* The rules of the calling thread's last walk for each memo slot, by
 * depth (the walk's steps and the look-up after its last).  RATIONALE: a
 * stack mostly repeats the previous one of its kind, whose rules are
 * then read from a few consecutive cache lines instead of one line of
 * rule_cache per frame; and when every return address matches, the
 * frames are the last walk's, which the caller may take as the same
 * stack.  tls_memo_busy keeps a walk nested in a signal handler of the
 * same thread away from the memos (it uses rule_cache alone). */
#define MEMO_DEPTH (UNWIND_FAST_MAX_FRAMES + 1)

struct memo_entry {
	uint64_t pc, rule;
};

struct memo {
	struct memo_entry at[MEMO_DEPTH];
	int last_n_plus1; /* frames of the last walk + 1; 0: none */
};

static TRACE_TLS struct memo tls_memos[UNWIND_FAST_MEMOS];
static TRACE_TLS int tls_memo_busy;

/* The calling thread's stack: its highest address + 1 (0: not taken
 * yet) and its lowest; -1 in stack_state when it could not be taken. */
static TRACE_TLS uintptr_t tls_stack_hi, tls_stack_lo;
static TRACE_TLS int tls_stack_state;

static size_t rule_slot_of(uintptr_t pc)
{
	return (size_t)(((uint64_t)pc * 0x9E3779B97F4A7C15ull) >> 50);
}

/* The rule of pc when it is not in its first slot: probes on, fills a
 * free slot on a miss. */
__attribute__((noinline)) static uint64_t rule_probe(uintptr_t pc)
{
	size_t i = rule_slot_of(pc);
	uint64_t rule;

	for (unsigned n = 0; n < RULE_PROBES; n++) {
		struct rule_slot *s = &rule_cache[(i + n) & (RULE_SLOTS - 1)];
		uint64_t k = atomic_load_explicit(&s->pc,
						  memory_order_relaxed);

		if (k == pc) {
			rule = atomic_load_explicit(&s->rule,
						    memory_order_acquire);
			if (rule != 0)
				return rule;
		} else if (k != 0 ||
			   !atomic_compare_exchange_strong(&s->pc, &k,
							   (uint64_t)pc)) {
			/* Another address's, or claimed a moment ago (k is
			 * now the claimer's address, maybe this one). */
			if (k != pc)
				continue;
		}
		/* Ours to fill, or claimed for this address by a thread
		 * still filling it: the rule is the same whoever computes
		 * it. */
		rule = unwind_cfi_rule(pc);
		atomic_store_explicit(&s->rule, rule, memory_order_release);
		return rule;
	}
	/* NOTE: a full neighbourhood costs time, not frames. */
	return unwind_cfi_rule(pc);
}

/* The rule of pc: one slot read when it is where its hash says. */
static inline uint64_t rule_of(uintptr_t pc)
{
	struct rule_slot *s = &rule_cache[rule_slot_of(pc)];

	if (__builtin_expect(
		    atomic_load_explicit(&s->pc, memory_order_relaxed) == pc,
		    1)) {
		uint64_t rule =
			atomic_load_explicit(&s->rule, memory_order_acquire);

		if (__builtin_expect(rule != 0, 1))
			return rule;
	}
	return rule_probe(pc);
}

/* Takes the thread's stack bounds, once.  Returns 0, or -1. */
__attribute__((cold, noinline)) static int take_stack_bounds(void)
{
	pthread_attr_t attr;
	void *addr = NULL;
	size_t size = 0;
	int saved_errno = errno, cancel_state, ok;

	/* NOTE: for the main thread glibc reads /proc/self/maps (open is a
	 * cancellation point). */
	shim_enter_critical(&cancel_state);
	ok = pthread_getattr_np(pthread_self(), &attr) == 0;
	if (ok) {
		ok = pthread_attr_getstack(&attr, &addr, &size) == 0 &&
		     size > 0;
		pthread_attr_destroy(&attr);
	}
	shim_leave_critical(cancel_state);
	errno = saved_errno;
	if (!ok) {
		tls_stack_state = -1;
		shim_debug("stack bounds of a thread unknown: its stacks are "
			   "walked by libunwind");
		return -1;
	}
	tls_stack_lo = (uintptr_t)addr;
	tls_stack_hi = (uintptr_t)addr + size;
	tls_stack_state = 1;
	return 0;
}

/* The rule of the walk's step n for pc: from the memo when it holds pc
 * at n (*all_hit stays), else from rule_cache, kept in the memo. */
static inline uint64_t rule_at(struct memo *memo, int n, uintptr_t pc,
			       int *all_hit)
{
	uint64_t rule;

	if (!memo)
		return rule_of(pc);
	if (__builtin_expect(memo->at[n].pc == pc, 1))
		return memo->at[n].rule;
	*all_hit = 0;
	rule = rule_of(pc);
	memo->at[n].pc = pc;
	memo->at[n].rule = rule;
	return rule;
}

int unwind_fast_backtrace(void **frames, int max, unsigned memo_slot,
			  int *same_as_last)
{
	uintptr_t pc, sp, bp, hi;
	struct memo *memo = NULL;
	int n = 0, all_hit = 0, clean_end = 0;

	/* RBP first: the compiler may give an output RBP itself. */
	__asm__ volatile("mov %%rbp, %0\n\t"
			 "mov %%rsp, %1\n\t"
			 "lea 0(%%rip), %2"
			 : "=&r"(bp), "=&r"(sp), "=&r"(pc));
	*same_as_last = 0;
	if (__builtin_expect(tls_stack_state <= 0, 0) &&
	    (tls_stack_state < 0 || take_stack_bounds() < 0))
		return -1;
	hi = tls_stack_hi;
	/* On another stack (sigaltstack, a coroutine's): libunwind's. */
	if (sp < tls_stack_lo || sp >= hi)
		return -1;
	if (max > UNWIND_FAST_MAX_FRAMES)
		max = UNWIND_FAST_MAX_FRAMES;
	if (memo_slot < UNWIND_FAST_MEMOS && !tls_memo_busy) {
		memo = &tls_memos[memo_slot];
		all_hit = 1;
		tls_memo_busy = 1;
		atomic_signal_fence(memory_order_seq_cst);
	}
	for (;;) {
		/* Step n looks up the frame recorded as n - 1 (so that a
		 * memo hit at n vouches for frames[n - 1]). */
		uint64_t rule = rule_at(memo, n, pc, &all_hit);
		uintptr_t cfa, ra;

		if (n == max) {
			clean_end = 1;
			break;
		}
		if (__builtin_expect((rule & UNWIND_RULE_KIND) !=
					     UNWIND_RULE_STANDARD,
				     0)) {
			if ((rule & UNWIND_RULE_KIND) == UNWIND_RULE_LAST)
				clean_end = 1;
			else
				n = -1;
			break;
		}
		cfa = ((rule & UNWIND_RULE_CFA_RSP) ? sp : bp) +
		      (uintptr_t)(intptr_t)unwind_rule_cfa_off(rule);
		/* A caller's frame lies above this one, inside the stack
		 * (sp + 8 <= cfa <= hi, one unsigned comparison): anything
		 * else is a corrupt stack, which ends here. */
		if (__builtin_expect(cfa - sp - 8 > hi - sp - 8, 0))
			break;
		ra = *(const uintptr_t *)(cfa - 8);
		if (rule & UNWIND_RULE_RBP_SAVED) {
			uintptr_t at = cfa + (uintptr_t)(intptr_t)
						     unwind_rule_rbp_off(rule);

			/* sp <= at <= hi - 8 */
			if (__builtin_expect(at - sp > hi - 8 - sp, 0))
				break;
			bp = *(const uintptr_t *)at;
		}
		sp = cfa;
		if (__builtin_expect(ra < 0x4000, 0))
			break;
		frames[n++] = (void *)ra;
		pc = ra - 1; /* in the call instruction */
	}
	if (memo) {
		/* The same frames as the last walk: every return address
		 * found where the memo had it, and the walk ended alike. */
		*same_as_last = all_hit && clean_end &&
				memo->last_n_plus1 == n + 1;
		memo->last_n_plus1 = clean_end ? n + 1 : 0;
		atomic_signal_fence(memory_order_seq_cst);
		tls_memo_busy = 0;
	}
	return n;
}

#else /* not x86-64: libunwind walks every stack */

int unwind_fast_backtrace(void **frames, int max, unsigned memo_slot,
			  int *same_as_last)
{
	(void)frames, (void)max, (void)memo_slot;
	*same_as_last = 0;
	return -1;
}

#endif
