/*
 * test_symbolize.c - analyzer/symbolize.c and stack_table.c on ELF files
 * written here (known symbols at known addresses, then broken in every
 * field the reader trusts), and on real ones: this executable and libc.
 *
 * Checks: return addresses look up pc - 1; aliases, unsized and nested
 * symbols; build-id checks and the module+offset fallback with one
 * warning; each file loaded once; .symtab, then the debug file by
 * build-id, then .dynsym; no crash on any garbage; the HDF5 API frame and
 * call site of synthetic stacks.
 */
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stack_table.h"
#include "symbolize.h"
#include "unit.h"

#define BASE 0x7f0000000000ull

/* ---- writing small ELF files ---- */

struct tsym {
	const char *name;
	uint64_t addr, size;
	unsigned type, bind;
	uint16_t shndx;
};

/* Where the builder put each part, for the corruption cases. */
struct layout {
	size_t note, strtab, symtab, shdrs, size;
	size_t n_syms;
};

static const uint8_t ID_A[20] = {0xab, 0xcd, 1, 2, 3, 4, 5, 6, 7, 8,
				 9, 10, 11, 12, 13, 14, 15, 16, 17, 18};
static const uint8_t ID_B[20] = {0xab, 0xcd, 9, 9, 9};

/*
 * An ELF64 file: header, a build-id note (when id), a string table, a
 * symbol table of `table_type`, and section headers [null, note, strtab,
 * table].  Returns its size in out.
 */
static size_t build_elf(uint8_t *out, size_t cap, const struct tsym *syms,
			size_t n, unsigned table_type, const uint8_t *id,
			size_t id_len, struct layout *lay)
{
	Elf64_Ehdr eh;
	Elf64_Shdr sh[4];
	size_t off = sizeof(eh), str_size = 1;

	memset(out, 0, cap);
	memset(sh, 0, sizeof(sh));
	/* The note. */
	lay->note = off;
	if (id) {
		Elf64_Nhdr nh = {4, (Elf64_Word)id_len, NT_GNU_BUILD_ID};

		memcpy(out + off, &nh, sizeof(nh));
		memcpy(out + off + sizeof(nh), "GNU", 4);
		memcpy(out + off + sizeof(nh) + 4, id, id_len);
		sh[1].sh_type = SHT_NOTE;
		sh[1].sh_offset = off;
		sh[1].sh_size = sizeof(nh) + 4 + ((id_len + 3) & ~3u);
		sh[1].sh_addralign = 4;
		off += sh[1].sh_size;
	}
	/* Names. */
	lay->strtab = off;
	out[off] = '\0';
	for (size_t i = 0; i < n; i++) {
		memcpy(out + off + str_size, syms[i].name,
		       strlen(syms[i].name) + 1);
		str_size += strlen(syms[i].name) + 1;
	}
	sh[2].sh_type = SHT_STRTAB;
	sh[2].sh_offset = off;
	sh[2].sh_size = str_size;
	off = (off + str_size + 7) & ~(size_t)7;
	/* Symbols, after the null one. */
	lay->symtab = off;
	off += sizeof(Elf64_Sym);
	str_size = 1;
	for (size_t i = 0; i < n; i++) {
		Elf64_Sym s;

		memset(&s, 0, sizeof(s));
		s.st_name = (Elf64_Word)str_size;
		s.st_info = ELF64_ST_INFO(syms[i].bind, syms[i].type);
		s.st_shndx = syms[i].shndx;
		s.st_value = syms[i].addr;
		s.st_size = syms[i].size;
		memcpy(out + off, &s, sizeof(s));
		off += sizeof(s);
		str_size += strlen(syms[i].name) + 1;
	}
	sh[3].sh_type = table_type;
	sh[3].sh_offset = lay->symtab;
	sh[3].sh_size = (n + 1) * sizeof(Elf64_Sym);
	sh[3].sh_entsize = sizeof(Elf64_Sym);
	sh[3].sh_link = 2;
	lay->shdrs = off;
	memcpy(out + off, sh, sizeof(sh));
	off += sizeof(sh);
	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_DYN;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_ehsize = sizeof(eh);
	eh.e_shoff = lay->shdrs;
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = 4;
	memcpy(out, &eh, sizeof(eh));
	lay->size = off;
	lay->n_syms = n;
	(void)cap;
	return off;
}

static void write_file(const char *path, const void *p, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, p, len) != (ssize_t)len || close(fd) != 0) {
		perror(path);
		exit(1);
	}
}

#define F STT_FUNC
#define G STB_GLOBAL
#define L STB_LOCAL
#define W STB_WEAK

static const struct tsym SYNTH[] = {
	{"alpha", 0x1000, 0x100, F, G, 1},
	{"__beta_local", 0x1100, 0x80, F, L, 1},
	{"beta", 0x1100, 0x80, F, L, 1},
	{"gamma_local", 0x1200, 0x40, F, L, 1},
	{"gamma", 0x1200, 0x40, F, G, 1},
	{"asm_fn", 0x2000, 0, F, G, 1},
	{"delta", 0x2100, 0x10, F, G, 1},
	{"outer", 0x3000, 0x1000, F, G, 1},
	{"inner", 0x3100, 0x10, F, L, 1},
	{"data_obj", 0x5000, 0x100, STT_OBJECT, G, 1},
	{"ext", 0x6000, 0x10, F, G, SHN_UNDEF},
	{"ifunc", 0x7000, 0x20, STT_GNU_IFUNC, G, 1},
	{"lonely", 0x8000, 0, F, G, 1},
	{"versioned@@V_1.0", 0xa000, 0x10, F, G, 1},
};
#define N_SYNTH (sizeof(SYNTH) / sizeof(SYNTH[0]))

/* The formatted symbol of base + v in a fresh module map of path. */
static const char *sym_at(struct symbolizer *s, const char *path,
			  const uint8_t *id, size_t id_len, uint64_t v,
			  struct h5snoop_error *err)
{
	static char buf[512];
	struct sym_modules m = {0};
	struct sym_frame f;

	CHECK(sym_modules_add(&m, BASE, BASE, BASE + 0x10000, path, id,
			      id_len, err) == H5SNOOP_OK);
	CHECK(symbolizer_frame(s, &m, BASE + v, &f, err) == H5SNOOP_OK);
	sym_frame_format(&f, 1, buf, sizeof(buf));
	sym_modules_free(&m);
	return buf;
}

static void test_lookup(const char *dir)
{
	static uint8_t img[65536];
	struct symbolizer s = {.debug_root = ""};
	struct h5snoop_error err = {0};
	struct sym_modules m = {0};
	struct sym_frame f;
	struct layout lay;
	char path[4200];
	size_t len;

	snprintf(path, sizeof(path), "%s/synth.so", dir);
	len = build_elf(img, sizeof(img), SYNTH, N_SYNTH, SHT_SYMTAB, ID_A,
			sizeof(ID_A), &lay);
	write_file(path, img, len);

	CHECK(sym_modules_add(&m, BASE, BASE, BASE + 0x10000, path, ID_A,
			      sizeof(ID_A), &err) == H5SNOOP_OK);
	/* A return address inside: pc - 1 is looked up, the offset is pc's. */
	CHECK(symbolizer_frame(&s, &m, BASE + 0x1001, &f, &err) ==
	      H5SNOOP_OK);
	CHECK(f.function && strcmp(f.function, "alpha") == 0);
	CHECK_EQ_U64(f.offset, 1);
	CHECK_STR(sym_module_source(&m.v[0]), "symtab");
	/* Right after the last byte of alpha: the call was its last
	 * instruction. */
	CHECK(symbolizer_frame(&s, &m, BASE + 0x1100, &f, &err) ==
	      H5SNOOP_OK);
	CHECK(f.function && strcmp(f.function, "alpha") == 0);
	CHECK_EQ_U64(f.offset, 0x100);
	/* A return address can never be a function's first byte. */
	CHECK(symbolizer_frame(&s, &m, BASE + 0x1000, &f, &err) ==
	      H5SNOOP_OK);
	CHECK(f.function == NULL);
	CHECK_STR(f.module, "synth.so");
	CHECK_EQ_U64(f.offset, 0x1000);
	sym_modules_free(&m);

	/* Aliases: fewer underscores, then global over local. */
	CHECK_STR(sym_at(&s, path, ID_A, 20, 0x1105, &err), "beta+0x5");
	CHECK_STR(sym_at(&s, path, ID_A, 20, 0x1201, &err), "gamma+0x1");
	/* An unsized symbol reaches the next one. */
	CHECK_STR(sym_at(&s, path, ID_A, 20, 0x2050, &err), "asm_fn+0x50");
	CHECK_STR(sym_at(&s, path, ID_A, 20, 0x2100, &err), "asm_fn+0x100");
	CHECK_STR(sym_at(&s, path, ID_A, 20, 0x2101, &err), "delta+0x1");
	/* ... but not past its reach. */
	CHECK_STR(sym_at(&s, path, ID_A, 20, 0x8010, &err), "lonely+0x10");
	CHECK_STR(sym_at(&s, path, ID_A, 20, 0x9100, &err),
		  "synth.so+0x9100");
	CHECK_STR(sym_at(&s, path, ID_A, 20, 0xa001, &err), "versioned+0x1");
	/* Nested symbols: the inner one, else the enclosing one. */
	CHECK_STR(sym_at(&s, path, ID_A, 20, 0x3105, &err), "inner+0x5");
	CHECK_STR(sym_at(&s, path, ID_A, 20, 0x3201, &err), "outer+0x201");
	/* Data, undefined and ifunc symbols. */
	CHECK_STR(sym_at(&s, path, ID_A, 20, 0x5010, &err),
		  "synth.so+0x5010");
	CHECK_STR(sym_at(&s, path, ID_A, 20, 0x6005, &err),
		  "synth.so+0x6005");
	CHECK_STR(sym_at(&s, path, ID_A, 20, 0x7005, &err), "ifunc+0x5");
	/* No build-id recorded: the file is trusted. */
	CHECK_STR(sym_at(&s, path, NULL, 0, 0x1001, &err), "alpha+0x1");
	CHECK_EQ_U64(err.n_warnings, 0);
	/* Each (file, build-id) is loaded once. */
	CHECK_EQ_U64(s.n_files, 2);

	/* Build-id mismatch: module+offset and one warning. */
	CHECK_STR(sym_at(&s, path, ID_B, 20, 0x1001, &err),
		  "synth.so+0x1001");
	CHECK_STR(sym_at(&s, path, ID_B, 20, 0x1005, &err),
		  "synth.so+0x1005");
	CHECK_EQ_U64(err.n_warnings, 1);
	CHECK(strstr(err.warnings[0], "build-id mismatch") != NULL);
	CHECK(strstr(err.warnings[0], path) != NULL);
	/* A missing file. */
	CHECK_STR(sym_at(&s, "/nonexistent/libgone.so", ID_A, 20, 0x10, &err),
		  "libgone.so+0x10");
	CHECK_EQ_U64(err.n_warnings, 2);
	CHECK(strstr(err.warnings[1], "missing") != NULL);
	/* The vDSO has no file and is no news. */
	CHECK_STR(sym_at(&s, "linux-vdso.so.1", NULL, 0, 0x10, &err),
		  "linux-vdso.so.1+0x10");
	CHECK_EQ_U64(err.n_warnings, 2);
	/* Outside every module. */
	CHECK(symbolizer_frame(&s, &m, 0x1234, &f, &err) == H5SNOOP_OK);
	CHECK(f.module == NULL && f.function == NULL);
	CHECK_STR(sym_frame_format(&f, 1, path, sizeof(path)), "0x1234");
	CHECK(err.message[0] == '\0');
	symbolizer_free(&s);
}

/*
 * Module paths that name no regular file: a FIFO (whose open would wait
 * for a writer forever), /dev/zero (endless), a directory, and a link
 * to the FIFO.  None is opened for reading: each gives module+offset
 * frames and one warning saying what it is, at once.
 */
static void test_special(const char *dir)
{
	struct symbolizer s = {.debug_root = ""};
	struct h5snoop_error err = {0};
	char fifo[4200], link[4200], sub[4200];
	static const struct {
		const char *path, *frame, *kind;
	} cases[] = {
		{NULL, "pipe.so+0x10", "a FIFO, not a regular file"},
		{"/dev/zero", "zero+0x10", "a character device, not a "
					    "regular file"},
		{NULL, "subdir.so+0x10", "a directory, not a regular file"},
		{NULL, "link.so+0x10", "a FIFO, not a regular file"},
	};

	snprintf(fifo, sizeof(fifo), "%s/pipe.so", dir);
	snprintf(sub, sizeof(sub), "%s/subdir.so", dir);
	snprintf(link, sizeof(link), "%s/link.so", dir);
	CHECK(mkfifo(fifo, 0600) == 0);
	CHECK(mkdir(sub, 0700) == 0);
	CHECK(symlink(fifo, link) == 0);
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *path = cases[i].path ? cases[i].path
				   : i == 0	 ? fifo
				   : i == 2	 ? sub
						 : link;

		CHECK_STR(sym_at(&s, path, ID_A, 20, 0x10, &err),
			  cases[i].frame);
		CHECK_EQ_U64(err.n_warnings, i + 1);
		CHECK(strstr(err.warnings[i], path) != NULL);
		CHECK(strstr(err.warnings[i], cases[i].kind) != NULL);
	}
	CHECK(err.message[0] == '\0');
	symbolizer_free(&s);
}

/* .symtab, then the debug file by build-id, then .dynsym. */
static void test_sources(const char *dir)
{
	static const struct tsym exported[] = {{"exported", 0x1000, 0x100,
						F, G, 1}};
	static const struct tsym full[] = {
		{"exported", 0x1000, 0x100, F, G, 1},
		{"static_helper", 0x2000, 0x100, F, L, 1},
	};
	static uint8_t img[65536];
	struct h5snoop_error err = {0};
	struct symbolizer s = {.debug_root = ""};
	struct layout lay;
	char path[4200], dbg[4200];
	size_t len;

	snprintf(path, sizeof(path), "%s/stripped.so", dir);
	len = build_elf(img, sizeof(img), exported, 1, SHT_DYNSYM, ID_A, 20,
			&lay);
	write_file(path, img, len);
	CHECK_STR(sym_at(&s, path, ID_A, 20, 0x1010, &err), "exported+0x10");
	CHECK_STR(sym_at(&s, path, ID_A, 20, 0x2010, &err),
		  "stripped.so+0x2010");
	symbolizer_free(&s);

	/* The debug file, under ROOT/.build-id/ab/cd0102....debug. */
	snprintf(dbg, sizeof(dbg), "%s/.build-id", dir);
	mkdir(dbg, 0755);
	snprintf(dbg, sizeof(dbg), "%s/.build-id/ab", dir);
	mkdir(dbg, 0755);
	snprintf(dbg, sizeof(dbg),
		 "%s/.build-id/ab/cd0102030405060708090a0b0c0d0e0f101112"
		 ".debug",
		 dir);
	len = build_elf(img, sizeof(img), full, 2, SHT_SYMTAB, ID_A, 20,
			&lay);
	write_file(dbg, img, len);
	s.debug_root = dir;
	CHECK_STR(sym_at(&s, path, ID_A, 20, 0x2010, &err),
		  "static_helper+0x10");
	/* The binary is gone but its debug file is here. */
	CHECK_STR(sym_at(&s, "/gone/stripped.so", ID_A, 20, 0x2010, &err),
		  "static_helper+0x10");
	/* A debug file whose own build-id differs is not used. */
	len = build_elf(img, sizeof(img), full, 2, SHT_SYMTAB, ID_B, 20,
			&lay);
	write_file(dbg, img, len);
	symbolizer_free(&s);
	CHECK_STR(sym_at(&s, path, ID_A, 20, 0x2010, &err),
		  "stripped.so+0x2010");
	CHECK_EQ_U64(err.n_warnings, 0);
	symbolizer_free(&s);
}

/* ---- garbage ---- */

static void poke(uint8_t *img, size_t off, const void *v, size_t len)
{
	memcpy(img + off, v, len);
}

/* Loads path and symbolizes a few addresses: must not crash, must not
 * fail (a bad file is a warning, never an error). */
static void survive(const char *path, struct h5snoop_error *err)
{
	struct symbolizer s = {.debug_root = ""};
	static const uint64_t vs[] = {0, 1, 0x1001, 0x1105, 0x2050, 0x3201,
				      0x8010, 0xffff};

	for (size_t i = 0; i < sizeof(vs) / sizeof(vs[0]); i++) {
		struct sym_modules m = {0};
		struct sym_frame f;
		char buf[600];

		CHECK(sym_modules_add(&m, BASE, BASE, BASE + 0x10000, path,
				      ID_A, 20, err) == H5SNOOP_OK);
		CHECK(symbolizer_frame(&s, &m, BASE + vs[i], &f, err) ==
		      H5SNOOP_OK);
		sym_frame_format(&f, 1, buf, sizeof(buf));
		CHECK(f.module != NULL);
		sym_modules_free(&m);
	}
	symbolizer_free(&s);
	CHECK(err->message[0] == '\0');
}

static void test_garbage(const char *dir)
{
	static uint8_t good[65536], img[65536];
	struct h5snoop_error err = {0};
	struct layout lay;
	char path[4200];
	size_t len, shdr_sym, shdr_note;
	uint64_t big = UINT64_MAX - 7, v64;
	uint32_t v32;
	uint16_t v16;
	uint32_t seed = 12345;

	snprintf(path, sizeof(path), "%s/bad.so", dir);
	len = build_elf(good, sizeof(good), SYNTH, N_SYNTH, SHT_SYMTAB, ID_A,
			20, &lay);
	shdr_sym = lay.shdrs + 3 * sizeof(Elf64_Shdr);
	shdr_note = lay.shdrs + 1 * sizeof(Elf64_Shdr);

#define CASE(bytes, n)                               \
	do {                                         \
		write_file(path, (bytes), (n));      \
		survive(path, &err);                 \
	} while (0)
#define WITH(off, val)                               \
	do {                                         \
		memcpy(img, good, len);              \
		poke(img, (off), &(val), sizeof(val)); \
		CASE(img, len);                      \
	} while (0)

	CASE("", 0);
	CASE("\177ELF", 4);
	CASE(good, 63);              /* a truncated header */
	CASE(good, lay.shdrs + 10);  /* truncated section headers */
	CASE(good, lay.symtab + 30); /* truncated symbols */
	memcpy(img, good, len);
	img[EI_CLASS] = ELFCLASS32;
	CASE(img, len);
	memcpy(img, good, len);
	img[EI_DATA] = ELFDATA2MSB;
	CASE(img, len);
	memcpy(img, good, len);
	img[0] = 'X';
	CASE(img, len);
	v64 = big;
	WITH(offsetof(Elf64_Ehdr, e_shoff), v64);
	v64 = len - 1;
	WITH(offsetof(Elf64_Ehdr, e_shoff), v64);
	v16 = 0xffff;
	WITH(offsetof(Elf64_Ehdr, e_shnum), v16);
	v16 = 0;
	WITH(offsetof(Elf64_Ehdr, e_shnum), v16); /* extended: sh[0] = 0 */
	v16 = 63;
	WITH(offsetof(Elf64_Ehdr, e_shentsize), v16);
	/* Extended numbering claiming a huge count. */
	memcpy(img, good, len);
	v16 = 0;
	poke(img, offsetof(Elf64_Ehdr, e_shnum), &v16, 2);
	v64 = 1ull << 40;
	poke(img, lay.shdrs + offsetof(Elf64_Shdr, sh_size), &v64, 8);
	CASE(img, len);
	/* The symbol table's offset, size, link, entry size. */
	v64 = big;
	WITH(shdr_sym + offsetof(Elf64_Shdr, sh_offset), v64);
	WITH(shdr_sym + offsetof(Elf64_Shdr, sh_size), v64);
	v64 = len;
	WITH(shdr_sym + offsetof(Elf64_Shdr, sh_size), v64);
	v32 = 0xffffffffu;
	WITH(shdr_sym + offsetof(Elf64_Shdr, sh_link), v32);
	v32 = 1; /* the note, not a string table */
	WITH(shdr_sym + offsetof(Elf64_Shdr, sh_link), v32);
	v32 = 3; /* itself */
	WITH(shdr_sym + offsetof(Elf64_Shdr, sh_link), v32);
	v64 = 7;
	WITH(shdr_sym + offsetof(Elf64_Shdr, sh_entsize), v64);
	/* The string table's size and offset. */
	v64 = big;
	WITH(lay.shdrs + 2 * sizeof(Elf64_Shdr) +
		     offsetof(Elf64_Shdr, sh_size), v64);
	v64 = 0;
	WITH(lay.shdrs + 2 * sizeof(Elf64_Shdr) +
		     offsetof(Elf64_Shdr, sh_size), v64);
	/* A name past the string table. */
	v32 = 0x7fffffffu;
	WITH(lay.symtab + sizeof(Elf64_Sym) + offsetof(Elf64_Sym, st_name),
	     v32);
	/* Notes that claim more than they have. */
	v32 = 0xfffffff0u;
	WITH(lay.note, v32);
	WITH(lay.note + 4, v32);
	v64 = big;
	WITH(shdr_note + offsetof(Elf64_Shdr, sh_size), v64);
	v64 = 8;
	WITH(shdr_note + offsetof(Elf64_Shdr, sh_addralign), v64);
	/* A string table that does not end in NUL. */
	memcpy(img, good, len);
	memset(img + lay.strtab, 'x',
	       (size_t)(lay.symtab - lay.strtab));
	CASE(img, len);
	/* A directory, not a file. */
	survive(dir, &err);

	/* Random damage: each round flips a few bytes of the good file. */
	for (int round = 0; round < 3000; round++) {
		memcpy(img, good, len);
		for (int k = 0; k < 1 + round % 8; k++) {
			seed = seed * 1103515245u + 12345u;
			img[(seed >> 8) % len] ^= (uint8_t)(seed >> 20 | 1);
		}
		CASE(img, len);
	}
	CHECK(err.message[0] == '\0');
#undef CASE
#undef WITH
}

/* ---- real files ---- */

__attribute__((noinline)) int test_symbolize_target(int x)
{
	volatile int acc = x;

	for (int i = 0; i < 16; i++)
		acc = acc * 31 + i;
	return acc;
}

struct self_map {
	uint64_t base, start, end;
	uint8_t id[SYM_BUILD_ID_MAX];
	size_t id_len;
	const char *want; /* dlpi_name to match, "" the main program */
	char path[4096];
};

static int find_self(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct self_map *m = arg;

	(void)size;
	if (m->want[0] ? !strstr(info->dlpi_name, m->want)
		       : info->dlpi_name[0] != '\0')
		return 0;
	m->base = info->dlpi_addr;
	m->start = UINT64_MAX;
	snprintf(m->path, sizeof(m->path), "%s", info->dlpi_name);
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uint64_t lo = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD) {
			if (lo < m->start)
				m->start = lo;
			if (lo + ph->p_memsz > m->end)
				m->end = lo + ph->p_memsz;
		}
		for (uint64_t o = 0; ph->p_type == PT_NOTE && !m->id_len &&
				     o + sizeof(ElfW(Nhdr)) <= ph->p_memsz;) {
			const ElfW(Nhdr) *nh = (const void *)(lo + o);

			if (nh->n_type == NT_GNU_BUILD_ID &&
			    nh->n_namesz == 4 && nh->n_descsz <= 64) {
				m->id_len = nh->n_descsz;
				memcpy(m->id, (const char *)(nh + 1) + 4,
				       m->id_len);
			}
			o += sizeof(*nh) + ((nh->n_namesz + 3u) & ~3u) +
			     ((nh->n_descsz + 3u) & ~3u);
		}
	}
	return 1;
}

static void test_real(void)
{
	struct self_map me = {.want = ""}, libc = {.want = "libc.so"};
	struct symbolizer s = {.debug_root = ""};
	struct h5snoop_error err = {0};
	struct sym_modules m = {0};
	struct sym_frame f;
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	void *libc_handle;
	uint64_t pc;

	CHECK(n > 0);
	exe[n > 0 ? n : 0] = '\0';
	dl_iterate_phdr(find_self, &me);
	dl_iterate_phdr(find_self, &libc);
	CHECK(me.id_len > 0);
	CHECK(sym_modules_add(&m, me.base, me.start, me.end, exe, me.id,
			      me.id_len, &err) == H5SNOOP_OK);
	pc = (uint64_t)(uintptr_t)&test_symbolize_target + 9;
	CHECK(symbolizer_frame(&s, &m, pc, &f, &err) == H5SNOOP_OK);
	CHECK(f.function &&
	      strcmp(f.function, "test_symbolize_target") == 0);
	CHECK_EQ_U64(f.offset, 9);
	CHECK(sym_module_source(&m.v[0]) &&
	      strcmp(sym_module_source(&m.v[0]), "symtab") == 0);

	/* libc: its exported functions from .dynsym (no debug root). */
	CHECK(libc.end > 0);
	CHECK(sym_modules_add(&m, libc.base, libc.start, libc.end,
			      libc.path, libc.id,
			      libc.id_len, &err) == H5SNOOP_OK);
	/* libc's own qsort, not a sanitizer's interceptor of it. */
	libc_handle = dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
	CHECK(libc_handle != NULL);
	pc = (uint64_t)(uintptr_t)(libc_handle ? dlsym(libc_handle, "qsort")
					       : NULL) + 3;
	CHECK(symbolizer_frame(&s, &m, pc, &f, &err) == H5SNOOP_OK);
	CHECK(f.function && strcmp(f.function, "qsort") == 0);
	CHECK(sym_module_source(&m.v[1]) &&
	      strcmp(sym_module_source(&m.v[1]), "dynsym") == 0);
	if (libc_handle)
		dlclose(libc_handle);
	CHECK_EQ_U64(err.n_warnings, 0);
	sym_modules_free(&m);
	symbolizer_free(&s);
}

/* ---- attribution ---- */

static void test_attribution(const char *dir)
{
	static const struct tsym hdf5[] = {
		{"H5FD_read", 0x1000, 0x100, F, G, 1},
		{"H5F__accum_read", 0x1100, 0x100, F, G, 1},
		{"H5D__read", 0x1200, 0x100, F, G, 1},
		{"H5Dread", 0x1300, 0x100, F, G, 1},
		{"H5Aread", 0x1400, 0x100, F, G, 1},
		{"H5L__iterate_cb", 0x1500, 0x100, F, L, 1},
		{"H5Literate", 0x1600, 0x100, F, G, 1},
		{"H5Dread.cold", 0x1700, 0x100, F, L, 1},
	};
	static const struct tsym hl[] = {
		{"H5LTread_dataset", 0x1000, 0x100, F, G, 1},
	};
	static const struct tsym app[] = {
		{"main", 0x1000, 0x100, F, G, 1},
		{"read_variable", 0x1100, 0x100, F, G, 1},
		{"attr_cb", 0x1200, 0x100, F, G, 1},
		{"curl_easy_perform", 0x1300, 0x100, F, G, 1},
	};
	static uint8_t img[65536];
	struct symbolizer s = {.debug_root = ""};
	struct h5snoop_error err = {0};
	struct stack_table t = {0}, child = {0};
	const struct stack_rec *r;
	struct layout lay;
	char lib[4200], hlp[4200], exe[4200], buf[512];
	const uint64_t H = 0x100000, HL = 0x200000, A = 0x300000;
	/* Innermost first, return addresses (+0x10 into each function). */
	const uint64_t direct[] = {H + 0x1010, H + 0x1110, H + 0x1210,
				   H + 0x1310, A + 0x1110, A + 0x1010};
	const uint64_t in_cb[] = {H + 0x1010, H + 0x1410, A + 0x1210,
				  H + 0x1510, H + 0x1610, A + 0x1010};
	const uint64_t via_hl[] = {H + 0x1010, H + 0x1310, HL + 0x1010,
				   A + 0x1110, A + 0x1010};
	const uint64_t curl[] = {A + 0x1310, H + 0x1010, H + 0x1710,
				 A + 0x1110, A + 0x1010};
	const uint64_t none[] = {A + 0x1110, A + 0x1010};
	const uint64_t S = 0x400000;
	const uint64_t shim[] = {S + 0x1010, H + 0x1010, S + 0x1010,
				 H + 0x1310, A + 0x1110, A + 0x1010};
	char shimp[4200];

	snprintf(lib, sizeof(lib), "%s/libhdf5_serial.so.103", dir);
	write_file(lib, img, build_elf(img, sizeof(img), hdf5, 8, SHT_DYNSYM,
				       NULL, 0, &lay));
	snprintf(hlp, sizeof(hlp), "%s/libhdf5_hl.so.100", dir);
	write_file(hlp, img, build_elf(img, sizeof(img), hl, 1, SHT_DYNSYM,
				       NULL, 0, &lay));
	snprintf(exe, sizeof(exe), "%s/app", dir);
	write_file(exe, img, build_elf(img, sizeof(img), app, 4, SHT_SYMTAB,
				       NULL, 0, &lay));
	snprintf(shimp, sizeof(shimp), "%s/libh5snoop.so", dir);
	write_file(shimp, img, build_elf(img, sizeof(img), app, 1, SHT_SYMTAB,
					 NULL, 0, &lay));
	CHECK(stack_table_add_module(&t, H, H, H + 0x10000, lib, NULL, 0,
				     &err) == H5SNOOP_OK);
	CHECK(stack_table_add_module(&t, S, S, S + 0x10000, shimp, NULL, 0,
				     &err) == H5SNOOP_OK);
	CHECK(stack_table_add_module(&t, HL, HL, HL + 0x10000, hlp, NULL, 0,
				     &err) == H5SNOOP_OK);
	CHECK(stack_table_add_module(&t, A, A, A + 0x10000, exe, NULL, 0,
				     &err) == H5SNOOP_OK);
	/* Out of order, with a repeat: the first of an id wins. */
	CHECK(stack_table_add(&t, 3, in_cb, 6, &err) == H5SNOOP_OK);
	CHECK(stack_table_add(&t, 1, direct, 6, &err) == H5SNOOP_OK);
	CHECK(stack_table_add(&t, 3, none, 2, &err) == H5SNOOP_OK);
	CHECK(stack_table_add(&t, 4, via_hl, 5, &err) == H5SNOOP_OK);
	CHECK(stack_table_add(&t, 5, curl, 5, &err) == H5SNOOP_OK);
	CHECK(stack_table_add(&t, 6, none, 2, &err) == H5SNOOP_OK);
	CHECK(stack_table_add(&t, 7, none, 0, &err) == H5SNOOP_OK);
	CHECK(stack_table_add(&t, 9, shim, 6, &err) == H5SNOOP_OK);

	CHECK(stack_table_get(&t, &s, 1, &r, &err) == H5SNOOP_OK);
	CHECK(r && stack_api_name(r, buf, sizeof(buf)) &&
	      strcmp(buf, "H5Dread") == 0);
	CHECK_STR(stack_site(r, 3, buf, sizeof(buf)),
		  "H5Dread < read_variable < main");
	CHECK_STR(stack_site(r, 1, buf, sizeof(buf)), "H5Dread");
	CHECK(stack_has_function(r, "read_variable"));
	CHECK(!stack_has_function(r, "read_var"));
	/* A read inside an iteration callback: the API call it made. */
	CHECK(stack_table_get(&t, &s, 3, &r, &err) == H5SNOOP_OK);
	CHECK(r && r->n == 6);
	CHECK(r && stack_api_name(r, buf, sizeof(buf)) &&
	      strcmp(buf, "H5Aread") == 0);
	CHECK_STR(stack_site(r, 2, buf, sizeof(buf)), "H5Aread < attr_cb");
	/* The high-level library: the call the program made. */
	CHECK(stack_table_get(&t, &s, 4, &r, &err) == H5SNOOP_OK);
	CHECK(r && stack_api_name(r, buf, sizeof(buf)) &&
	      strcmp(buf, "H5LTread_dataset") == 0);
	/* An http stack: frames outside HDF5 first; a .cold part. */
	CHECK(stack_table_get(&t, &s, 5, &r, &err) == H5SNOOP_OK);
	CHECK(r && stack_api_name(r, buf, sizeof(buf)) &&
	      strcmp(buf, "H5Dread") == 0);
	CHECK(r && stack_has_function(r, "H5Dread"));
	/* No HDF5 at all: the site starts at the innermost frame. */
	CHECK(stack_table_get(&t, &s, 6, &r, &err) == H5SNOOP_OK);
	CHECK(r && !stack_api_name(r, buf, sizeof(buf)));
	CHECK_STR(stack_site(r, 5, buf, sizeof(buf)), "read_variable < main");
	CHECK(stack_table_get(&t, &s, 7, &r, &err) == H5SNOOP_OK);
	CHECK(r && r->n == 0);
	CHECK_STR(stack_site(r, 3, buf, sizeof(buf)), "");
	/* Frames of h5snoop's own library are dropped. */
	CHECK(stack_table_get(&t, &s, 9, &r, &err) == H5SNOOP_OK);
	CHECK(r && r->n == 4 && r->n_pcs == 6);
	CHECK_STR(stack_site(r, 9, buf, sizeof(buf)),
		  "H5Dread < read_variable < main");
	CHECK(r && r->frames[0].function &&
	      strcmp(r->frames[0].function, "H5FD_read") == 0);
	/* Unknown ids. */
	CHECK(stack_table_get(&t, &s, 0, &r, &err) == H5SNOOP_OK && !r);
	CHECK(stack_table_get(&t, &s, 99, &r, &err) == H5SNOOP_OK && !r);
	/* A fork child: the parent's stacks and modules. */
	stack_table_set_parent(&child, &t);
	CHECK(stack_table_add(&child, 8, direct, 6, &err) == H5SNOOP_OK);
	CHECK(stack_table_get(&child, &s, 8, &r, &err) == H5SNOOP_OK);
	CHECK(r && stack_api_name(r, buf, sizeof(buf)) &&
	      strcmp(buf, "H5Dread") == 0);
	CHECK(stack_table_get(&child, &s, 3, &r, &err) == H5SNOOP_OK);
	CHECK(r && r->id == 3);
	/* Names. */
	CHECK(stack_is_api_name("H5Dread"));
	CHECK(stack_is_api_name("H5Gopen2"));
	CHECK(stack_is_api_name("H5open"));
	CHECK(stack_is_api_name("H5FDread"));
	CHECK(stack_is_api_name("H5Pset_fapl_ros3"));
	CHECK(!stack_is_api_name("H5D__read"));
	CHECK(!stack_is_api_name("H5FD_read"));
	CHECK(!stack_is_api_name("H5_init_library"));
	CHECK(!stack_is_api_name("H5"));
	CHECK(!stack_is_api_name("main"));
	CHECK(err.message[0] == '\0');
	CHECK_EQ_U64(err.n_warnings, 0);
	stack_table_free(&child);
	stack_table_free(&t);
	symbolizer_free(&s);
}

int main(void)
{
	char dir[4096];

	unit_tmpdir(dir, sizeof(dir));
	test_lookup(dir);
	test_special(dir);
	test_sources(dir);
	test_garbage(dir);
	test_real();
	test_attribution(dir);
	unit_rmtree(dir);
	return unit_done("test_symbolize");
}
