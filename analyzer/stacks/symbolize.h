/*
 * symbolize.h - return addresses of a recorded process -> "function+0xoff",
 * from the module map the shim recorded (`module` events: path, load
 * bias, mapped range, build-id) and the ELF symbol tables of those files.
 *
 * Where the names come from, best first:
 *   1. the file's .symtab (an unstripped binary);
 *   2. the .symtab of its separate debug file, found by build-id under
 *      the debug root (Debian's *-dbg/-dbgsym packages:
 *      /usr/lib/debug/.build-id/ab/cdef....debug);
 *   3. the file's .dynsym (the exported functions of a stripped library).
 * A frame that no symbol covers is shown as "module+0xOFF" (OFF: the
 * ELF address in the file, for addr2line), and one outside every module
 * as its bare address.  A file that is missing, unreadable, not a 64-bit
 * little-endian ELF file, or whose build-id differs from the recorded one
 * gives module+offset frames and one warning.
 *
 * The files are untrusted input: every offset and size is checked
 * against the file's size, and reading is bounded.  Each file is loaded
 * once per symbolizer (the cache), whatever the number of processes that
 * mapped it.
 */
#ifndef H5SNOOP_SYMBOLIZE_H
#define H5SNOOP_SYMBOLIZE_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

#define SYM_BUILD_ID_MAX 64
#define SYM_DEFAULT_DEBUG_ROOT "/usr/lib/debug"

struct sym_file; /* one loaded ELF file: symbolize.c */

/* The file cache.  Zero-initialized it is ready, with the default debug
 * root; free with symbolizer_free. */
struct symbolizer {
	const char *debug_root; /* NULL: SYM_DEFAULT_DEBUG_ROOT; "" none */
	struct sym_file **files;
	size_t n_files, cap_files;
};

/* One `module` event of a process. */
struct sym_module {
	uint64_t base;          /* load bias: address - base = ELF vaddr */
	uint64_t start, end;    /* mapped range [start, end) */
	char *path;             /* owned */
	const char *name;       /* its last component, into path */
	uint8_t build_id[SYM_BUILD_ID_MAX];
	uint8_t build_id_len;
	struct sym_file *file;  /* from the cache at first use */
	int looked_up;
};

/* The module map of one process (trace directory). */
struct sym_modules {
	struct sym_module *v;
	size_t n, cap;
	/* Searched when no module here holds an address: a fork child's
	 * frames may lie in modules its parent recorded before the fork. */
	const struct sym_modules *parent;
};

/* One symbolized frame.  Strings belong to the symbolizer and the module
 * map, valid until either is freed. */
struct sym_frame {
	uint64_t pc;
	const char *module;   /* module file name, or NULL: no module */
	const char *function; /* symbol, or NULL: none covers pc */
	uint64_t offset;      /* pc - function, else the ELF address in
			       * the module, else 0 */
};

/*
 * Adds a module to m (copies path and build_id; a build_id_len above
 * SYM_BUILD_ID_MAX is cut).  A later module overlapping an earlier one
 * (a library unloaded and another loaded in its place) wins for the
 * addresses they share.  H5SNOOP_OK, or H5SNOOP_ERROR when out of memory.
 * Not thread-safe.
 */
enum h5snoop_status sym_modules_add(struct sym_modules *m, uint64_t base,
				    uint64_t start, uint64_t end,
				    const char *path, const uint8_t *build_id,
				    size_t build_id_len,
				    struct h5snoop_error *err);

/* The module holding pc (the latest added when several do; else in
 * m->parent), or NULL. */
struct sym_module *sym_modules_find(const struct sym_modules *m,
				    uint64_t pc);

/* Whether m itself (not its parent) holds a module of exactly these
 * base, start, end and path: a restated one (ring chunks) is then not
 * added again.  Pure. */
int sym_modules_has(const struct sym_modules *m, uint64_t base,
		    uint64_t start, uint64_t end, const char *path);

/* Frees the modules (not the files they use: the symbolizer owns those). */
void sym_modules_free(struct sym_modules *m);

/*
 * Symbolizes return address pc of a process whose modules are m: the
 * symbol covering pc - 1 (the call instruction; pc itself may be the
 * first byte of the next function).  Loads the module's file on first
 * use; a file that cannot be used adds one warning to err (diag_warn)
 * and gives a module+offset frame.  H5SNOOP_OK, or H5SNOOP_ERROR when
 * out of memory.  Not thread-safe.
 */
enum h5snoop_status symbolizer_frame(struct symbolizer *s,
				     const struct sym_modules *m,
				     uint64_t pc, struct sym_frame *out,
				     struct h5snoop_error *err);

/*
 * Writes f as "function+0xoff", "module+0xoff" or "0xaddr" into buf
 * (NUL-terminated, cut to cap); with_offset 0 leaves out "+0xoff" of a
 * named function.  Returns buf.
 */
char *sym_frame_format(const struct sym_frame *f, int with_offset,
		       char *buf, size_t cap);

/* Frees the cache and every file loaded. */
void symbolizer_free(struct symbolizer *s);

/*
 * How the file of a module was symbolized, for tests and --verbose
 * output: "symtab", "debug-symtab", "dynsym", "none" (no symbols), or the
 * reason it could not be used ("missing", "build-id mismatch", ...).
 * NULL before the module's first lookup.
 */
const char *sym_module_source(const struct sym_module *mod);

#endif
