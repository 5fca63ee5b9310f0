/*
 * unwind_cfi.c - a code address's unwind rule from its object's
 * .eh_frame (see unwind_cfi.h): the .eh_frame_hdr binary search table
 * finds the FDE, a small interpreter of the DW_CFA_* instructions runs
 * its CIE's initial instructions and its own up to the address.
 *
 * RATIONALE: only what x86-64 compilers and hand-written glibc assembly
 * emit for ordinary frames is interpreted (CFA register and offset,
 * registers saved at an offset, same value, undefined, remember and
 * restore state, the advance instructions); on anything else the answer
 * is UNWIND_RULE_FALLBACK and libunwind walks that stack, so a frame
 * this file misreads can only cost time, never a wrong frame.  The
 * conditions for a standard frame are libunwind's (its fast trace
 * classifies frames the same way), so both walkers take the same steps.
 *
 * Must never: read past a record's length or the search table's end,
 * allocate, lock, or change errno.
 */
#include "unwind_cfi.h"

#if defined(__x86_64__)

#include <dlfcn.h>
#include <link.h>
#include <stddef.h>
#include <string.h>

/* DWARF register numbers of x86-64. */
#define REG_RBP 6
#define REG_RSP 7
#define REG_RA 16

/* Pointer encodings (DW_EH_PE_*). */
#define PE_OMIT 0xff
#define PE_FORMAT 0x0f
#define PE_APPLY 0x70
#define PE_INDIRECT 0x80
#define PE_PCREL 0x10
#define PE_DATAREL 0x30

/* How a register is found in the caller; only these three registers
 * matter for a standard frame. */
enum reg_how { REG_SAME, REG_UNDEF, REG_OFFSET, REG_OTHER };

struct reg_rule {
	enum reg_how how;
	int64_t off; /* REG_OFFSET: saved at CFA + off */
};

struct cfi_row {
	int cfa_reg;
	int64_t cfa_off;
	int cfa_expr; /* the CFA is an expression: not standard */
	struct reg_rule rbp, rsp, ra;
};

#define STATE_STACK_MAX 8

struct cfi_state {
	struct cfi_row row;
	struct cfi_row initial; /* after the CIE's instructions */
	struct cfi_row saved[STATE_STACK_MAX];
	int saved_count;
	uint64_t code_align;
	int64_t data_align;
	uint8_t fde_enc;
	int signal_frame;
};

/* A bounded reader over one record. */
struct cursor {
	const uint8_t *p, *end;
	int bad;
};

static int take(struct cursor *c, size_t n, const uint8_t **at)
{
	if (c->bad || (size_t)(c->end - c->p) < n) {
		c->bad = 1;
		return 0;
	}
	*at = c->p;
	c->p += n;
	return 1;
}

static uint64_t read_u(struct cursor *c, size_t n)
{
	const uint8_t *at;
	uint64_t v = 0;

	if (!take(c, n, &at))
		return 0;
	memcpy(&v, at, n); /* little-endian */
	return v;
}

/* A LEB128 number; sign-extended when `is_signed`. */
static uint64_t read_leb(struct cursor *c, int is_signed)
{
	uint64_t v = 0;
	unsigned shift = 0;
	const uint8_t *at;

	while (take(c, 1, &at)) {
		if (shift < 64)
			v |= (uint64_t)(*at & 0x7f) << shift;
		shift += 7;
		if (!(*at & 0x80)) {
			if (is_signed && shift < 64 && (*at & 0x40))
				v |= ~(uint64_t)0 << shift;
			return v;
		}
	}
	return 0;
}

static uint64_t read_uleb(struct cursor *c)
{
	return read_leb(c, 0);
}

static int64_t read_sleb(struct cursor *c)
{
	return (int64_t)read_leb(c, 1);
}

/* A pointer in encoding `enc`; sets c->bad on one this file does not
 * read (indirect, aligned, text- or function-relative). */
static uint64_t read_encoded(struct cursor *c, uint8_t enc)
{
	uintptr_t here = (uintptr_t)c->p;
	uint64_t v;

	switch (enc & PE_FORMAT) {
	case 0x00: v = read_u(c, 8); break;
	case 0x01: v = read_uleb(c); break;
	case 0x02: v = read_u(c, 2); break;
	case 0x03: v = read_u(c, 4); break;
	case 0x04: v = read_u(c, 8); break;
	case 0x09: v = (uint64_t)read_sleb(c); break;
	case 0x0a: v = (uint64_t)(int64_t)(int16_t)read_u(c, 2); break;
	case 0x0b: v = (uint64_t)(int64_t)(int32_t)read_u(c, 4); break;
	case 0x0c: v = read_u(c, 8); break;
	default: c->bad = 1; return 0;
	}
	if (enc & PE_INDIRECT)
		c->bad = 1;
	switch (enc & PE_APPLY) {
	case 0x00: break;
	case PE_PCREL: v += here; break;
	default: c->bad = 1;
	}
	return v;
}

static struct reg_rule *rule_of_reg(struct cfi_row *row, uint64_t reg)
{
	switch (reg) {
	case REG_RBP: return &row->rbp;
	case REG_RSP: return &row->rsp;
	case REG_RA: return &row->ra;
	default: return NULL; /* a register no standard frame looks at */
	}
}

static void set_reg(struct cfi_row *row, uint64_t reg, enum reg_how how,
		    int64_t off)
{
	struct reg_rule *r = rule_of_reg(row, reg);

	if (r) {
		r->how = how;
		r->off = off;
	}
}

/*
 * Runs the instructions in `c` from code address `loc`, stopping before
 * the first row that starts after `pc` (or at the end).  Returns 0, or
 * -1 on an instruction this file does not interpret.
 */
static int run_cfi(struct cfi_state *s, struct cursor *c, uint64_t loc,
		   uint64_t pc)
{
	while (c->p < c->end && !c->bad) {
		uint8_t op = (uint8_t)read_u(c, 1);
		uint64_t reg, delta = 0;
		int advance = 0;

		switch (op & 0xc0) {
		case 0x40: /* advance_loc */
			delta = (uint64_t)(op & 0x3f) * s->code_align;
			advance = 1;
			break;
		case 0x80: /* offset */
			set_reg(&s->row, op & 0x3f, REG_OFFSET,
				(int64_t)read_uleb(c) * s->data_align);
			continue;
		case 0xc0: { /* restore */
			struct reg_rule *r = rule_of_reg(&s->row, op & 0x3f);

			if (r)
				*r = *rule_of_reg(&s->initial, op & 0x3f);
			continue;
		}
		}
		if (!advance) {
			switch (op) {
			case 0x00: /* nop */
				break;
			case 0x01: /* set_loc */
				loc = read_encoded(c, s->fde_enc);
				if (loc > pc)
					return 0;
				break;
			case 0x02: delta = read_u(c, 1) * s->code_align;
				advance = 1; break;
			case 0x03: delta = read_u(c, 2) * s->code_align;
				advance = 1; break;
			case 0x04: delta = read_u(c, 4) * s->code_align;
				advance = 1; break;
			case 0x05: /* offset_extended */
				reg = read_uleb(c);
				set_reg(&s->row, reg, REG_OFFSET,
					(int64_t)read_uleb(c) * s->data_align);
				break;
			case 0x06: { /* restore_extended */
				struct reg_rule *r;

				reg = read_uleb(c);
				r = rule_of_reg(&s->row, reg);
				if (r)
					*r = *rule_of_reg(&s->initial, reg);
				break;
			}
			case 0x07: /* undefined */
				set_reg(&s->row, read_uleb(c), REG_UNDEF, 0);
				break;
			case 0x08: /* same_value */
				set_reg(&s->row, read_uleb(c), REG_SAME, 0);
				break;
			case 0x09: /* register */
			case 0x0a: /* remember_state */
				if (s->saved_count == STATE_STACK_MAX)
					return -1;
				s->saved[s->saved_count++] = s->row;
				break;
			case 0x0b: /* restore_state */
				if (s->saved_count == 0)
					return -1;
				s->row = s->saved[--s->saved_count];
				break;
			case 0x0c: /* def_cfa */
				s->row.cfa_reg = (int)read_uleb(c);
				s->row.cfa_off = (int64_t)read_uleb(c);
				s->row.cfa_expr = 0;
				break;
			case 0x0d: /* def_cfa_register */
				if (s->row.cfa_expr)
					return -1;
				s->row.cfa_reg = (int)read_uleb(c);
				break;
			case 0x0e: /* def_cfa_offset */
				if (s->row.cfa_expr)
					return -1;
				s->row.cfa_off = (int64_t)read_uleb(c);
				break;
			case 0x0f: { /* def_cfa_expression */
				const uint8_t *at;

				s->row.cfa_expr = 1;
				take(c, read_uleb(c), &at);
				break;
			}
			case 0x10: /* expression */
			case 0x16: { /* val_expression */
				const uint8_t *at;

				reg = read_uleb(c);
				set_reg(&s->row, reg, REG_OTHER, 0);
				take(c, read_uleb(c), &at);
				break;
			}
			case 0x11: /* offset_extended_sf */
				reg = read_uleb(c);
				set_reg(&s->row, reg, REG_OFFSET,
					read_sleb(c) * s->data_align);
				break;
			case 0x12: /* def_cfa_sf */
				s->row.cfa_reg = (int)read_uleb(c);
				s->row.cfa_off = read_sleb(c) * s->data_align;
				s->row.cfa_expr = 0;
				break;
			case 0x13: /* def_cfa_offset_sf */
				if (s->row.cfa_expr)
					return -1;
				s->row.cfa_off = read_sleb(c) * s->data_align;
				break;
			case 0x15: /* val_offset_sf */
				reg = read_uleb(c);
				(void)read_sleb(c);
				set_reg(&s->row, reg, REG_OTHER, 0);
				break;
			case 0x2e: /* GNU_args_size */
				(void)read_uleb(c);
				break;
			case 0x2f: /* GNU_negative_offset_extended */
				reg = read_uleb(c);
				set_reg(&s->row, reg, REG_OFFSET,
					-(int64_t)read_uleb(c) *
						s->data_align);
				break;
			default:
				return -1;
			}
		}
		if (advance) {
			/* NOTE: a row starting at pc + 1 or later does not
			 * apply (pc is in the call instruction). */
			if (delta > pc - loc)
				return 0;
			loc += delta;
		}
	}
	return c->bad ? -1 : 0;
}

/* Reads the CIE at `cie` into s (its initial instructions run).
 * Returns 0, or -1 when it is not one this file reads. */
static int parse_cie(struct cfi_state *s, const uint8_t *cie,
		     const uint8_t **aug_z)
{
	struct cursor c = {cie, cie + 4, 0};
	uint32_t len = (uint32_t)read_u(&c, 4);
	const char *aug;
	uint8_t version;
	uint64_t ra_reg;
	int has_z = 0;

	if (len == 0 || len == 0xffffffffu)
		return -1;
	c.end = cie + 4 + len;
	if (read_u(&c, 4) != 0) /* CIE id */
		return -1;
	version = (uint8_t)read_u(&c, 1);
	if (version != 1 && version != 3)
		return -1;
	aug = (const char *)c.p;
	{
		const void *nul = memchr(c.p, '\0', (size_t)(c.end - c.p));

		if (!nul)
			return -1;
		c.p = (const uint8_t *)nul + 1;
	}
	s->code_align = read_uleb(&c);
	s->data_align = read_sleb(&c);
	ra_reg = version == 1 ? read_u(&c, 1) : read_uleb(&c);
	if (c.bad || ra_reg != REG_RA)
		return -1;
	s->fde_enc = 0; /* absolute pointers unless 'R' says otherwise */
	s->signal_frame = 0;
	if (aug[0] == 'z') {
		uint64_t aug_len = read_uleb(&c);
		struct cursor a = {c.p, c.p, 0};
		const uint8_t *at;

		if (!take(&c, aug_len, &at))
			return -1;
		a.end = c.p;
		has_z = 1;
		for (const char *p = aug + 1; *p; p++) {
			switch (*p) {
			case 'R':
				s->fde_enc = (uint8_t)read_u(&a, 1);
				break;
			case 'L':
				(void)read_u(&a, 1);
				break;
			case 'P': {
				uint8_t enc = (uint8_t)read_u(&a, 1);

				(void)read_encoded(&a, enc & 0x7f);
				break;
			}
			case 'S':
				s->signal_frame = 1;
				break;
			default:
				return -1;
			}
		}
		if (a.bad)
			return -1;
	} else if (aug[0] != '\0') {
		return -1;
	}
	*aug_z = has_z ? (const uint8_t *)aug : NULL;
	memset(&s->row, 0, sizeof(s->row));
	s->row.cfa_reg = -1;
	s->saved_count = 0;
	if (run_cfi(s, &c, 0, UINT64_MAX) < 0)
		return -1;
	s->initial = s->row;
	return 0;
}

/* The FDE covering pc, from the object's .eh_frame_hdr table; NULL when
 * there is none or the table is not one this file reads. */
static const uint8_t *find_fde(uintptr_t pc)
{
	struct dl_find_object obj;
	const uint8_t *hdr;
	struct cursor c;
	uint64_t count;
	const int32_t *table;
	int64_t target;
	size_t lo, hi;

	if (_dl_find_object((void *)pc, &obj) != 0 || !obj.dlfo_eh_frame)
		return NULL;
	hdr = obj.dlfo_eh_frame;
	/* version 1; the table of (initial location, FDE) pairs as signed
	 * 32-bit offsets from the header, sorted. */
	if (hdr[0] != 1 || hdr[2] == PE_OMIT || hdr[3] != (PE_DATAREL | 0x0b))
		return NULL;
	c.p = hdr + 4;
	c.end = hdr + 4 + 16;
	c.bad = 0;
	(void)read_encoded(&c, hdr[1]);
	count = read_encoded(&c, hdr[2]);
	if (c.bad || count == 0 || count > (1u << 28))
		return NULL;
	table = (const int32_t *)(const void *)c.p;
	target = (int64_t)(pc - (uintptr_t)hdr);
	if (target < table[0])
		return NULL;
	lo = 0;
	hi = (size_t)count; /* table[lo] <= target < table[hi] */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (table[2 * mid] <= target)
			lo = mid;
		else
			hi = mid;
	}
	return hdr + table[2 * lo + 1];
}

/* The rule of a row, as libunwind's fast trace would classify it. */
static uint64_t rule_of_row(const struct cfi_row *row)
{
	const struct reg_rule *rbp = &row->rbp, *rsp = &row->rsp;

	/* The end of the call chain: no return address, or RBP marked
	 * undefined (glibc's _start and thread entry). */
	if (row->ra.how == REG_UNDEF || rbp->how == REG_UNDEF)
		return UNWIND_RULE_LAST;
	if (row->cfa_expr || (row->cfa_reg != REG_RBP &&
			      row->cfa_reg != REG_RSP))
		return UNWIND_RULE_FALLBACK;
	if (row->cfa_off <= -(1 << 28) || row->cfa_off >= (1 << 28))
		return UNWIND_RULE_FALLBACK;
	if (row->ra.how != REG_OFFSET || row->ra.off != -8)
		return UNWIND_RULE_FALLBACK;
	if (rbp->how == REG_OTHER ||
	    (rbp->how == REG_OFFSET &&
	     (rbp->off <= -(1 << 14) || rbp->off >= (1 << 14) ||
	      rbp->off == -1)))
		return UNWIND_RULE_FALLBACK;
	if (rsp->how == REG_OTHER ||
	    (rsp->how == REG_OFFSET &&
	     (rsp->off <= -(1 << 14) || rsp->off >= (1 << 14) ||
	      rsp->off == -1)))
		return UNWIND_RULE_FALLBACK;
	return unwind_rule_standard(row->cfa_reg == REG_RSP,
				    (int32_t)row->cfa_off,
				    rbp->how == REG_OFFSET,
				    (int16_t)rbp->off);
}

uint64_t unwind_cfi_rule(uintptr_t pc)
{
	const uint8_t *fde = find_fde(pc), *aug_z = NULL;
	struct cfi_state s;
	struct cursor c;
	uint32_t len;
	int32_t cie_off;
	uint64_t begin, range;

	if (!fde)
		return UNWIND_RULE_FALLBACK;
	memcpy(&len, fde, 4);
	if (len == 0 || len == 0xffffffffu)
		return UNWIND_RULE_FALLBACK;
	c.p = fde + 4;
	c.end = fde + 4 + len;
	c.bad = 0;
	cie_off = (int32_t)read_u(&c, 4);
	if (cie_off <= 0 || parse_cie(&s, fde + 4 - cie_off, &aug_z) < 0 ||
	    s.signal_frame)
		return UNWIND_RULE_FALLBACK;
	begin = read_encoded(&c, s.fde_enc);
	range = read_encoded(&c, s.fde_enc & PE_FORMAT);
	if (c.bad || pc < begin || pc - begin >= range)
		return UNWIND_RULE_FALLBACK; /* a hole between functions */
	if (aug_z) {
		const uint8_t *at;

		take(&c, read_uleb(&c), &at);
	}
	s.saved_count = 0;
	if (c.bad || run_cfi(&s, &c, begin, pc) < 0)
		return UNWIND_RULE_FALLBACK;
	return rule_of_row(&s.row);
}

#else /* not x86-64: every frame is libunwind's */

uint64_t unwind_cfi_rule(uintptr_t pc)
{
	(void)pc;
	return UNWIND_RULE_FALLBACK;
}

#endif
