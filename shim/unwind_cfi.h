/*
 * unwind_cfi.h - how to step out of the frame at one code address, read
 * from that address's call frame information (.eh_frame), for the fast
 * unwinder (unwind_fast.c).
 *
 * A rule says where the caller's frame begins (the CFA: RSP or RBP plus
 * an offset) and where the caller's RBP was saved; the return address is
 * always at CFA-8.  These are the frames libunwind's own fast trace
 * handles ("standard" frames); anything else (a CFA or a register given
 * by an expression, a signal frame, code without unwind information, a
 * PLT stub) is answered UNWIND_RULE_FALLBACK, and the caller hands the
 * whole walk to libunwind, so that stacks stay what libunwind records.
 *
 * Must never: write anything, allocate, lock, or read outside the
 * loaded object's unwind sections (every record is bounded by its
 * length, every lookup by the table's size).
 */
#ifndef H5SNOOP_UNWIND_CFI_H
#define H5SNOOP_UNWIND_CFI_H

#include <stdint.h>

/* Kinds (bits 0-1; 0 is "no rule yet" for the rule cache). */
#define UNWIND_RULE_STANDARD 1u /* CFA = reg + off, RA at CFA-8 */
#define UNWIND_RULE_LAST 2u     /* outermost frame: the walk ends */
#define UNWIND_RULE_FALLBACK 3u /* not for the fast walk: libunwind */
#define UNWIND_RULE_KIND 3u
#define UNWIND_RULE_CFA_RSP 4u   /* CFA from RSP (else from RBP) */
#define UNWIND_RULE_RBP_SAVED 8u /* caller's RBP at CFA + rbp_off */

/* A standard rule: CFA = (RSP or RBP) + cfa_off; RBP saved at
 * CFA + rbp_off when rbp_saved. */
static inline uint64_t unwind_rule_standard(int cfa_rsp, int32_t cfa_off,
					    int rbp_saved, int16_t rbp_off)
{
	return UNWIND_RULE_STANDARD |
	       (cfa_rsp ? UNWIND_RULE_CFA_RSP : 0u) |
	       (rbp_saved ? UNWIND_RULE_RBP_SAVED : 0u) |
	       ((uint64_t)(uint32_t)cfa_off << 16) |
	       ((uint64_t)(uint16_t)rbp_off << 48);
}

static inline int32_t unwind_rule_cfa_off(uint64_t rule)
{
	return (int32_t)(uint32_t)(rule >> 16);
}

static inline int16_t unwind_rule_rbp_off(uint64_t rule)
{
	return (int16_t)(uint16_t)(rule >> 48);
}

/*
 * The rule of the frame executing at `pc` (for a caller's frame, its
 * return address minus one, which lies in the call instruction).  Never
 * 0.  Finds the FDE through the object's .eh_frame_hdr search table
 * (_dl_find_object), then runs its CIE's and its own CFA instructions up
 * to `pc`.  Thread-safe and lock-free (glibc's _dl_find_object is);
 * async-signal-safe where that is (glibc 2.35 and later); keeps errno.
 */
uint64_t unwind_cfi_rule(uintptr_t pc);

#endif
