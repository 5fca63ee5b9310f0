/*
 * symbolize.c - ELF symbol tables of recorded modules, and addresses
 * mapped to them (see symbolize.h).
 *
 * Must never: trust a byte of the files read (each offset and size is
 * checked against the file's size before it is used, and every table is
 * bounded), print, or exit.  Only 64-bit little-endian ELF is read: the
 * shim records 64-bit addresses of x86-64 and aarch64 processes.
 */
#include "symbolize.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_read.h"
#include "open_regular.h"

/* Bounds on what one file may make us read or keep. */
#define SYM_SECTIONS_MAX 65536u
#define SYM_TABLE_MAX_BYTES (256u << 20) /* a symbol or string table */
#define SYM_NOTE_MAX_BYTES (1u << 20)
/* NOTE: a function symbol without a size (hand-written assembly) covers
 * the bytes up to the next symbol, but no more than this. */
#define SYM_ZERO_SIZE_REACH 4096u
/* How far back a lookup looks for a symbol enclosing a smaller one. */
#define SYM_ENCLOSING_PROBES 8

struct sym_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t name;  /* offset into names */
	uint32_t rank;  /* lower is the better of aliases */
};

struct sym_file {
	char *path;
	uint8_t build_id[SYM_BUILD_ID_MAX]; /* the recorded one: cache key */
	uint8_t build_id_len;
	const char *source; /* see sym_module_source */
	struct sym_entry *syms;
	size_t n_syms;
	char *names;
	size_t names_size;
};

/* ---- reading an ELF file, bounded ---- */

struct elf {
	int fd;
	uint64_t size;
	Elf64_Shdr *sh;
	uint32_t shnum;
	uint8_t build_id[SYM_BUILD_ID_MAX];
	uint8_t build_id_len;
};

static int in_file(const struct elf *e, uint64_t off, uint64_t len)
{
	return len <= e->size && off <= e->size - len;
}

/* The contents of section sh (at most `max` bytes, plus a NUL after
 * them), or NULL: not in the file, too large, or out of memory
 * (*nomem set). */
static void *read_section(const struct elf *e, const Elf64_Shdr *sh,
			  uint64_t max, int *nomem)
{
	char *buf;

	if (sh->sh_type == SHT_NOBITS || sh->sh_size > max ||
	    !in_file(e, sh->sh_offset, sh->sh_size))
		return NULL;
	buf = malloc((size_t)sh->sh_size + 1);
	if (!buf) {
		*nomem = 1;
		return NULL;
	}
	if (file_read_at(e->fd, buf, (size_t)sh->sh_size, sh->sh_offset) !=
	    0) {
		free(buf);
		return NULL;
	}
	buf[sh->sh_size] = '\0';
	return buf;
}

/* Finds the GNU build-id note in one SHT_NOTE section's contents. */
static void parse_build_id(struct elf *e, const uint8_t *p, uint64_t size,
			   uint64_t align)
{
	uint64_t off = 0;

	align = align == 8 ? 8 : 4;
	while (size - off >= sizeof(Elf64_Nhdr)) {
		Elf64_Nhdr nh;
		uint64_t name_off, desc_off, next;

		memcpy(&nh, p + off, sizeof(nh));
		name_off = off + sizeof(nh);
		desc_off = name_off + (((uint64_t)nh.n_namesz + align - 1) &
				       ~(align - 1));
		next = desc_off + (((uint64_t)nh.n_descsz + align - 1) &
				   ~(align - 1));
		if (desc_off > size || nh.n_descsz > size - desc_off)
			return;
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    memcmp(p + name_off, "GNU", 4) == 0) {
			e->build_id_len = (uint8_t)(nh.n_descsz <
							    SYM_BUILD_ID_MAX
						    ? nh.n_descsz
						    : SYM_BUILD_ID_MAX);
			memcpy(e->build_id, p + desc_off, e->build_id_len);
			return;
		}
		if (next >= size)
			return;
		off = next;
	}
}

static void elf_close(struct elf *e)
{
	if (e->fd >= 0)
		close(e->fd);
	free(e->sh);
	e->fd = -1;
	e->sh = NULL;
}

/*
 * Opens path and reads its ELF and section headers and build-id.  0, or
 * -1 with a reason in `why` (the file stays closed); *nomem set when out
 * of memory.
 */
static int elf_open(struct elf *e, const char *path, char *why,
		    size_t why_cap, int *nomem)
{
	Elf64_Ehdr eh;
	const char *kind;
	struct stat st;
	uint64_t shnum;

	memset(e, 0, sizeof(*e));
	/* NOTE: a path from a trace may name a FIFO (whose open would wait
	 * for a writer), a device or /dev/zero: only a regular file is
	 * opened.  Symbolic links are followed: libraries and the debug
	 * files under .build-id are reached through them. */
	e->fd = open_regular(AT_FDCWD, path, OPEN_FOLLOW, &st, &kind);
	if (e->fd < 0 && kind) {
		snprintf(why, why_cap, "%s, not a regular file", kind);
		return -1;
	}
	if (e->fd < 0) {
		snprintf(why, why_cap, "%s",
			 errno == ENOENT ? "missing" : strerror(errno));
		return -1;
	}
	e->size = (uint64_t)st.st_size;
	if (e->size < sizeof(eh) ||
	    file_read_at(e->fd, &eh, sizeof(eh), 0) != 0 ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
		snprintf(why, why_cap, "not an ELF file");
		goto fail;
	}
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB) {
		snprintf(why, why_cap, "not a 64-bit little-endian ELF file");
		goto fail;
	}
	if (eh.e_shoff == 0)
		return 0; /* no sections: no symbols, no build-id */
	if (eh.e_shentsize != sizeof(Elf64_Shdr)) {
		snprintf(why, why_cap, "bad section header size %u",
			 (unsigned)eh.e_shentsize);
		goto fail;
	}
	shnum = eh.e_shnum;
	if (shnum == 0) {
		/* Extended numbering: the count is section 0's sh_size. */
		Elf64_Shdr first;

		if (!in_file(e, eh.e_shoff, sizeof(first)) ||
		    file_read_at(e->fd, &first, sizeof(first), eh.e_shoff) !=
			    0) {
			snprintf(why, why_cap, "section headers out of file");
			goto fail;
		}
		shnum = first.sh_size;
	}
	if (shnum > SYM_SECTIONS_MAX ||
	    !in_file(e, eh.e_shoff, shnum * sizeof(Elf64_Shdr))) {
		snprintf(why, why_cap, "section headers out of file");
		goto fail;
	}
	e->shnum = (uint32_t)shnum;
	e->sh = malloc((size_t)shnum * sizeof(Elf64_Shdr) + 1);
	if (!e->sh) {
		*nomem = 1;
		goto fail;
	}
	if (file_read_at(e->fd, e->sh, (size_t)shnum * sizeof(Elf64_Shdr),
			 eh.e_shoff) != 0) {
		snprintf(why, why_cap, "cannot read section headers");
		goto fail;
	}
	for (uint32_t i = 0; i < e->shnum && !e->build_id_len; i++) {
		uint8_t *note;

		if (e->sh[i].sh_type != SHT_NOTE)
			continue;
		note = read_section(e, &e->sh[i], SYM_NOTE_MAX_BYTES, nomem);
		if (*nomem)
			goto fail;
		if (note)
			parse_build_id(e, note, e->sh[i].sh_size,
				       e->sh[i].sh_addralign);
		free(note);
	}
	return 0;
fail:
	elf_close(e);
	return -1;
}

/* The index of the first section of `type`, or -1. */
static long elf_find(const struct elf *e, uint32_t type)
{
	for (uint32_t i = 0; i < e->shnum; i++)
		if (e->sh[i].sh_type == type)
			return (long)i;
	return -1;
}

/* ---- symbol tables ---- */

static int entry_cmp(const void *a, const void *b)
{
	const struct sym_entry *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return x->name < y->name ? -1 : x->name > y->name;
}

/* Of aliases, a global beats a weak beats a local symbol, and then the
 * name with fewer leading underscores ("read" over "__libc_read"). */
static uint32_t symbol_rank(const Elf64_Sym *s, const char *name)
{
	uint32_t bind = ELF64_ST_BIND(s->st_info), under = 0;

	while (name[under] == '_' && under < 15)
		under++;
	return (bind == STB_GLOBAL ? 0u : bind == STB_WEAK ? 1u : 2u) * 16u +
	       under;
}

/*
 * Loads the function symbols of symbol table section `idx` of e into f
 * (replacing none: f must have no table yet).  Returns the number of
 * functions kept (0: none, or the table is unusable), or -1 when out of
 * memory.
 */
static long load_table(struct sym_file *f, const struct elf *e, long idx)
{
	const Elf64_Shdr *sh = &e->sh[idx], *strsh;
	Elf64_Sym *raw;
	char *names;
	size_t n_raw, kept = 0;
	int nomem = 0;

	if (sh->sh_link >= e->shnum || sh->sh_link == 0)
		return 0;
	strsh = &e->sh[sh->sh_link];
	if (strsh->sh_type != SHT_STRTAB ||
	    (sh->sh_entsize != 0 && sh->sh_entsize != sizeof(Elf64_Sym)))
		return 0;
	raw = read_section(e, sh, SYM_TABLE_MAX_BYTES, &nomem);
	if (!raw)
		return nomem ? -1 : 0;
	names = read_section(e, strsh, SYM_TABLE_MAX_BYTES, &nomem);
	if (!names) {
		free(raw);
		return nomem ? -1 : 0;
	}
	n_raw = (size_t)(sh->sh_size / sizeof(Elf64_Sym));
	f->syms = n_raw ? malloc(n_raw * sizeof(*f->syms)) : NULL;
	if (n_raw && !f->syms) {
		free(raw);
		free(names);
		return -1;
	}
	for (size_t i = 0; i < n_raw; i++) {
		const Elf64_Sym *s = &raw[i];
		unsigned type = ELF64_ST_TYPE(s->st_info);
		char *at;

		if ((type != STT_FUNC && type != STT_GNU_IFUNC) ||
		    s->st_shndx == SHN_UNDEF || s->st_value == 0 ||
		    s->st_name == 0 || s->st_name >= strsh->sh_size)
			continue;
		/* A versioned name ("__libc_start_main@@GLIBC_2.34") is
		 * shown without its version. */
		at = strchr(names + s->st_name, '@');
		if (at && at != names + s->st_name)
			*at = '\0';
		f->syms[kept].addr = s->st_value;
		f->syms[kept].size = s->st_size;
		f->syms[kept].name = s->st_name;
		f->syms[kept].rank = symbol_rank(s, names + s->st_name);
		kept++;
	}
	free(raw);
	if (kept == 0) {
		free(f->syms);
		free(names);
		f->syms = NULL;
		return 0;
	}
	qsort(f->syms, kept, sizeof(*f->syms), entry_cmp);
	/* One entry per address: the best alias, with the largest size. */
	f->n_syms = 0;
	for (size_t i = 0; i < kept; i++) {
		struct sym_entry *last = f->n_syms ? &f->syms[f->n_syms - 1]
						   : NULL;

		if (last && last->addr == f->syms[i].addr) {
			if (f->syms[i].size > last->size)
				last->size = f->syms[i].size;
			continue;
		}
		f->syms[f->n_syms++] = f->syms[i];
	}
	f->names = names;
	f->names_size = (size_t)strsh->sh_size + 1;
	return (long)f->n_syms;
}

/* The symbol covering ELF address v, or NULL. */
static const struct sym_entry *file_lookup(const struct sym_file *f,
					   uint64_t v)
{
	size_t lo = 0, hi = f->n_syms;
	size_t i;

	/* The last entry with addr <= v. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->syms[mid].addr <= v)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	i = lo - 1;
	if (f->syms[i].size == 0) {
		uint64_t next = i + 1 < f->n_syms ? f->syms[i + 1].addr
						  : UINT64_MAX;

		if (v < next && v - f->syms[i].addr < SYM_ZERO_SIZE_REACH)
			return &f->syms[i];
	}
	for (size_t k = 0; k < SYM_ENCLOSING_PROBES && k <= i; k++) {
		const struct sym_entry *c = &f->syms[i - k];

		if (c->size && v - c->addr < c->size)
			return c;
	}
	return NULL;
}

/* ---- the cache ---- */

static int same_build_id(const uint8_t *a, size_t a_len, const uint8_t *b,
			 size_t b_len)
{
	return a_len == b_len && memcmp(a, b, a_len) == 0;
}

/* root/.build-id/ab/cdef....debug for build-id `id`. */
static void debug_path(char *out, size_t cap, const char *root,
		       const uint8_t *id, size_t len)
{
	size_t n = (size_t)snprintf(out, cap, "%s/.build-id/%02x/", root,
				    id[0]);

	for (size_t i = 1; i < len && n + 3 < cap; i++)
		n += (size_t)snprintf(out + n, cap - n, "%02x", id[i]);
	if (n < cap)
		snprintf(out + n, cap - n, ".debug");
}

/*
 * Tries the separate debug file of build-id id: loads its .symtab into
 * f.  1 when loaded, 0 when there is none that matches, -1 when out of
 * memory.
 */
static int load_debug_file(struct sym_file *f, const char *root,
			   const uint8_t *id, size_t len)
{
	char path[4096], why[128];
	struct elf d;
	int nomem = 0;
	long n = 0;

	if (len < 2 || !root[0])
		return 0;
	debug_path(path, sizeof(path), root, id, len);
	if (elf_open(&d, path, why, sizeof(why), &nomem) != 0)
		return nomem ? -1 : 0;
	if (same_build_id(d.build_id, d.build_id_len, id, len) &&
	    elf_find(&d, SHT_SYMTAB) >= 0)
		n = load_table(f, &d, elf_find(&d, SHT_SYMTAB));
	elf_close(&d);
	return n < 0 ? -1 : n > 0;
}

/*
 * Fills f's table, best source first (see symbolize.h).  H5SNOOP_OK with
 * f->source set (a warning in err when the file cannot be used), or
 * H5SNOOP_ERROR when out of memory.
 */
static enum h5snoop_status file_load(struct symbolizer *s,
				     struct sym_file *f,
				     struct h5snoop_error *err)
{
	const char *root = s->debug_root ? s->debug_root
					 : SYM_DEFAULT_DEBUG_ROOT;
	const uint8_t *id = f->build_id;
	size_t id_len = f->build_id_len;
	char why[128] = "";
	struct elf e;
	int nomem = 0, opened, usable;
	long n = 0;

	opened = elf_open(&e, f->path, why, sizeof(why), &nomem) == 0;
	if (nomem)
		return diag_nomem(err);
	usable = opened;
	if (opened && id_len &&
	    !same_build_id(e.build_id, e.build_id_len, id, id_len)) {
		snprintf(why, sizeof(why), "build-id mismatch");
		usable = 0;
	}
	if (usable && !id_len) {
		/* Nothing recorded to check against: trust the file's. */
		id = e.build_id;
		id_len = e.build_id_len;
	}
	if (usable && elf_find(&e, SHT_SYMTAB) >= 0) {
		n = load_table(f, &e, elf_find(&e, SHT_SYMTAB));
		f->source = "symtab";
	}
	if (n == 0) {
		n = load_debug_file(f, root, id, id_len);
		f->source = "debug-symtab";
	}
	if (n == 0 && usable && elf_find(&e, SHT_DYNSYM) >= 0) {
		n = load_table(f, &e, elf_find(&e, SHT_DYNSYM));
		f->source = "dynsym";
	}
	if (opened)
		elf_close(&e);
	if (n < 0)
		return diag_nomem(err);
	if (n > 0)
		return H5SNOOP_OK;
	if (usable) {
		f->source = "none";
		return H5SNOOP_OK;
	}
	f->source = strcmp(why, "missing") == 0 ? "missing"
		    : strcmp(why, "build-id mismatch") == 0
			    ? "build-id mismatch"
			    : "unusable";
	/* NOTE: the vDSO has a module event but no file. */
	if (strncmp(f->path, "linux-vdso", 10) != 0 &&
	    strncmp(f->path, "linux-gate", 10) != 0)
		diag_warn(err,
			  "cannot symbolize frames in %s: %s; they are shown "
			  "as module+offset",
			  f->path, why);
	return H5SNOOP_OK;
}

static void file_free(struct sym_file *f)
{
	if (!f)
		return;
	free(f->path);
	free(f->syms);
	free(f->names);
	free(f);
}

/* The cache entry of (path, build-id), loaded if new. */
static enum h5snoop_status cache_get(struct symbolizer *s,
				     const struct sym_module *mod,
				     struct sym_file **out,
				     struct h5snoop_error *err)
{
	struct sym_file *f;

	for (size_t i = 0; i < s->n_files; i++) {
		f = s->files[i];
		if (strcmp(f->path, mod->path) == 0 &&
		    same_build_id(f->build_id, f->build_id_len, mod->build_id,
				  mod->build_id_len)) {
			*out = f;
			return H5SNOOP_OK;
		}
	}
	if (s->n_files == s->cap_files) {
		size_t cap = s->cap_files ? s->cap_files * 2 : 16;
		struct sym_file **v = realloc(s->files, cap * sizeof(*v));

		if (!v)
			return diag_nomem(err);
		s->files = v;
		s->cap_files = cap;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return diag_nomem(err);
	f->path = strdup(mod->path);
	if (!f->path) {
		free(f);
		return diag_nomem(err);
	}
	memcpy(f->build_id, mod->build_id, mod->build_id_len);
	f->build_id_len = mod->build_id_len;
	if (file_load(s, f, err) != H5SNOOP_OK) {
		file_free(f);
		return H5SNOOP_ERROR;
	}
	s->files[s->n_files++] = f;
	*out = f;
	return H5SNOOP_OK;
}

void symbolizer_free(struct symbolizer *s)
{
	for (size_t i = 0; i < s->n_files; i++)
		file_free(s->files[i]);
	free(s->files);
	s->files = NULL;
	s->n_files = s->cap_files = 0;
}

/* ---- module maps ---- */

enum h5snoop_status sym_modules_add(struct sym_modules *m, uint64_t base,
				    uint64_t start, uint64_t end,
				    const char *path, const uint8_t *build_id,
				    size_t build_id_len,
				    struct h5snoop_error *err)
{
	struct sym_module *mod;
	const char *slash;

	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;
		struct sym_module *v = realloc(m->v, cap * sizeof(*v));

		if (!v)
			return diag_nomem(err);
		m->v = v;
		m->cap = cap;
	}
	mod = &m->v[m->n];
	memset(mod, 0, sizeof(*mod));
	mod->path = strdup(path);
	if (!mod->path)
		return diag_nomem(err);
	slash = strrchr(mod->path, '/');
	mod->name = slash ? slash + 1 : mod->path;
	mod->base = base;
	mod->start = start;
	mod->end = end;
	mod->build_id_len = (uint8_t)(build_id_len < SYM_BUILD_ID_MAX
					      ? build_id_len
					      : SYM_BUILD_ID_MAX);
	if (mod->build_id_len)
		memcpy(mod->build_id, build_id, mod->build_id_len);
	m->n++;
	return H5SNOOP_OK;
}

struct sym_module *sym_modules_find(const struct sym_modules *m, uint64_t pc)
{
	/* RATIONALE: a process records a few hundred modules at most, and
	 * each distinct stack is symbolized once; a scan from the latest
	 * is simple and lets a newer mapping win over an unloaded one. */
	/* Bounded, in case a broken trace makes processes each other's
	 * parents. */
	for (int hop = 0; m && hop < 64; m = m->parent, hop++)
		for (size_t i = m->n; i-- > 0;)
			if (pc >= m->v[i].start && pc < m->v[i].end)
				return &m->v[i];
	return NULL;
}

int sym_modules_has(const struct sym_modules *m, uint64_t base,
		    uint64_t start, uint64_t end, const char *path)
{
	for (size_t i = m->n; i-- > 0;) {
		const struct sym_module *v = &m->v[i];

		if (v->base == base && v->start == start && v->end == end &&
		    strcmp(v->path, path) == 0)
			return 1;
	}
	return 0;
}

void sym_modules_free(struct sym_modules *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
	m->v = NULL;
	m->n = m->cap = 0;
}

const char *sym_module_source(const struct sym_module *mod)
{
	return mod->looked_up && mod->file ? mod->file->source : NULL;
}

/* ---- frames ---- */

enum h5snoop_status symbolizer_frame(struct symbolizer *s,
				     const struct sym_modules *m,
				     uint64_t pc, struct sym_frame *out,
				     struct h5snoop_error *err)
{
	struct sym_module *mod = sym_modules_find(m, pc);
	const struct sym_entry *e;
	uint64_t v;

	memset(out, 0, sizeof(*out));
	out->pc = pc;
	if (!mod)
		return H5SNOOP_OK;
	if (!mod->looked_up) {
		if (cache_get(s, mod, &mod->file, err) != H5SNOOP_OK)
			return H5SNOOP_ERROR;
		mod->looked_up = 1;
	}
	v = pc - mod->base;
	out->module = mod->name[0] ? mod->name : "?";
	out->offset = v;
	if (!mod->file || mod->file->n_syms == 0 || v == 0)
		return H5SNOOP_OK;
	e = file_lookup(mod->file, v - 1);
	if (!e)
		return H5SNOOP_OK;
	out->function = mod->file->names + e->name;
	out->offset = v - e->addr;
	return H5SNOOP_OK;
}

char *sym_frame_format(const struct sym_frame *f, int with_offset,
		       char *buf, size_t cap)
{
	if (cap == 0)
		return buf;
	if (f->function && !with_offset)
		snprintf(buf, cap, "%s", f->function);
	else if (f->function || f->module)
		snprintf(buf, cap, "%s+0x%llx",
			 f->function ? f->function : f->module,
			 (unsigned long long)f->offset);
	else
		snprintf(buf, cap, "0x%llx", (unsigned long long)f->pc);
	return buf;
}
