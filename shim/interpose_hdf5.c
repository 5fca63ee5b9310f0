/*
 * interpose_hdf5.c - the vfd layer: every read that reaches an HDF5 virtual
 * file driver, whatever the driver.
 *
 * RATIONALE: we hook the driver class, not HDF5's internal read function.
 * Every driver (sec2, ros3, core, h5py's fileobj, GDAL's vsil...) is
 * registered through H5FD_register, which copies the class it is given;
 * we hand it a copy whose open, close and read point at our trampolines.
 * So we see exactly what reaches the driver (after the metadata
 * accumulator and page buffer), including the 1.14 vector and selection
 * paths that call cls->read directly, and HDF5 2.0's ROS3, which no longer
 * uses libcurl.  Each class gets a slot with its own trampolines, because
 * a driver's open callback is not told which class it belongs to.
 *
 * Follows the template of interpose_openssl.c (its steps 1-7).
 *
 * Must never: register a class we do not understand (an HDF5 release
 * older than 1.10, or from 1.14 on a class version or size we do not know,
 * disables this layer with one warning), change a callback's result or
 * errno, or hook the same class twice.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "h5snoop/trace_schema.h"
#include "hdf5_layout.h"
#include "open_table.h"
#include "redact.h"
#include "shim_config.h"
#include "shim_critical.h"
#include "shim_export.h"
#include "shim_log.h"
#include "shim_real.h"
#include "stack_capture.h"
#include "trace_clock.h"
#include "trace_hot.h"
#include "trace_restate.h"
#include "trace_session.h"

#define SLOT_COUNT 32
/* Driver files open at once that keep their file_id: more than a process
 * may usually hold fds (768 KiB of zero pages, touched only where used);
 * past it, reads carry file_id 0 and count a file_table loss. */
#define FILE_TABLE_SIZE 65536u /* power of two */

/* Where the fields we touch lie in one release line's H5FD_class_t. */
struct class_layout {
	size_t size;     /* sizeof(H5FD_class_t) */
	size_t size_alt; /* another accepted size, 0 if none */
	int has_version; /* a `version` field first, that must match */
	size_t name, open, close, get_eof, read; /* offsets */
};

#define CLASS_LAYOUT(type, alt, versioned)                                 \
	{sizeof(struct type),         alt,                                 \
	 versioned,                   offsetof(struct type, name),         \
	 offsetof(struct type, open), offsetof(struct type, close),        \
	 offsetof(struct type, get_eof), offsetof(struct type, read)}

/* 1.12.1 and later append `del` to the 1.10 layout. */
static const struct class_layout layout_v110 = CLASS_LAYOUT(
	shim_h5fd_class_v110, sizeof(struct shim_h5fd_class_v110) + 8, 0);
static const struct class_layout layout_v114 =
	CLASS_LAYOUT(shim_h5fd_class_v114, 0, 1);

struct driver_slot {
	char name[64];
	shim_fd_open_fn real_open;
	shim_fd_close_fn real_close;
	shim_fd_read_fn real_read;
	shim_fd_get_eof_fn real_get_eof;
};

static struct driver_slot slots[SLOT_COUNT];
static int slot_count;
/*
 * What we learned of each loaded libhdf5 (a process may hold two: the
 * system's and a wheel's, loaded RTLD_LOCAL): its class layout and its own
 * registration functions.  RATIONALE: one cached pointer for the process
 * would send the second copy's registrations to the first.  Past
 * HDF5_COPIES, a copy's answers are looked up at each registration (rare).
 */
#define HDF5_COPIES 8

struct hdf5_copy {
	struct link_map *caller;        /* who called the wrapper */
	const struct class_layout *layout; /* NULL: refused */
	int layout_known;
	void *real_register;           /* H5FD_register of lib */
	void *real_register_public;    /* H5FDregister of lib */
};

static struct hdf5_copy hdf5_copies[HDF5_COPIES];
static int hdf5_copy_count;
static char hdf5_release[32]; /* "1.14.5", for warnings */
static pthread_mutex_t hdf5_lock = PTHREAD_MUTEX_INITIALIZER;
/* Which driver file (H5FD_t *) has which trace file_id: lock-free (the
 * hot path looks a file up at every read). */
static _Atomic uint64_t file_keys[FILE_TABLE_SIZE];
static uint32_t file_ids[FILE_TABLE_SIZE];
static const struct open_table files = OPEN_TABLE_INIT(file_keys, 0);
/* Entries of `files` held now, counted at opens and closes (never at a
 * read), for H5SNOOP_TEST_FILE_TABLE_MAX (shim_config.h). */
static atomic_uint files_held;
static atomic_uint next_file_id = 1;
/* RATIONALE: each thread keeps the last file it looked up and its id
 * (trace_hot_tls.last_file): a reader reads one file at a time, so most
 * reads skip the table and its two cache lines (key and id), which the
 * host's own data would otherwise lose to them at every read.  The table's
 * generation (trace_hot.file_table_gen), bumped after each change, says
 * whether that answer still holds. */

typedef shim_hid_t (*register_internal_fn)(const void *cls, size_t size,
					   bool app_ref);
typedef shim_hid_t (*register_public_fn)(const void *cls);

/* trace_hot.vfd_layer_wanted: whether H5SNOOP_LAYERS asks for this
 * layer; fixed once the trampolines exist, since they are only installed
 * after shim_config is loaded. */

static inline int vfd_layer_on(void)
{
	return trace_hot.vfd_layer_wanted && trace_session_usable();
}

/* ---- H5FD_t -> file_id ---- */

/* Files the table holds at most: its size, or fewer in a test. */
static unsigned file_table_max(void)
{
	unsigned max = shim_config()->test_file_table_max;

	return max && max < FILE_TABLE_SIZE ? max : FILE_TABLE_SIZE;
}

static uint32_t file_id_add(const struct shim_h5fd *file)
{
	uint32_t id = atomic_fetch_add(&next_file_id, 1u);
	size_t i = OPEN_TABLE_NONE;

	if (atomic_fetch_add(&files_held, 1u) < file_table_max())
		i = open_table_insert(&files, open_table_key_pointer(file));
	/* NOTE: the key is visible before its id is stored; no reader
	 * looks it up in between, since HDF5 has not got the file back
	 * from the driver's open yet. */
	if (i != OPEN_TABLE_NONE) {
		file_ids[i] = id;
		__atomic_add_fetch(&trace_hot.file_table_gen, 1u,
				   __ATOMIC_RELEASE);
		return id;
	}
	atomic_fetch_sub(&files_held, 1u);
	/* Table full: the open event keeps its id, the file's reads get
	 * file_id 0 and each counts a loss. */
	shim_warn_once(SHIM_WARN_HDF5_FILES,
		       "more than %u HDF5 driver files open at once; reads "
		       "of later ones are recorded without their file",
		       file_table_max());
	return id;
}

/* A file the table does not hold: opened while it was full (or before
 * tracing).  Its events go out with file_id 0, counted. */
static uint32_t file_id_unknown(void)
{
	trace_count_loss(H5SNOOP_LOSS_file_table, 1);
	return 0;
}

static uint32_t file_id_find(const struct shim_h5fd *file)
{
	size_t i = open_table_find(&files, open_table_key_pointer(file));

	return i != OPEN_TABLE_NONE ? file_ids[i] : file_id_unknown();
}

/* file_id_find for a file other than this thread's last one; caches
 * what it finds under the generation read before the lookup. */
static __attribute__((noinline)) uint32_t
file_id_find_uncached(const struct shim_h5fd *file, unsigned gen)
{
	size_t i = open_table_find(&files, open_table_key_pointer(file));

	if (i == OPEN_TABLE_NONE)
		return file_id_unknown();
	trace_hot_tls.last_file = file;
	trace_hot_tls.last_file_id = file_ids[i];
	trace_hot_tls.last_file_gen = gen;
	return trace_hot_tls.last_file_id;
}

/* The hot path's file_id_find. */
static inline uint32_t file_id_find_cached(const struct shim_h5fd *file)
{
	unsigned gen =
		__atomic_load_n(&trace_hot.file_table_gen, __ATOMIC_ACQUIRE);

	if (__builtin_expect(trace_hot_tls.last_file == file &&
				     trace_hot_tls.last_file_gen == gen,
			     1))
		return trace_hot_tls.last_file_id;
	return file_id_find_uncached(file, gen);
}

static void file_id_remove(const struct shim_h5fd *file)
{
	size_t i = open_table_find(&files, open_table_key_pointer(file));

	if (i != OPEN_TABLE_NONE) {
		open_table_remove(&files, i);
		atomic_fetch_sub(&files_held, 1u);
		__atomic_add_fetch(&trace_hot.file_table_gen, 1u,
				   __ATOMIC_RELEASE);
	}
}

/* ---- what the trampolines record ---- */

static int8_t status_of(shim_herr_t rc)
{
	return rc < 0 ? (int8_t)(rc < -128 ? -128 : rc) : 0;
}

static struct shim_h5fd *slot_open(int slot, const char *name,
				   unsigned flags, shim_hid_t fapl,
				   shim_haddr_t maxaddr)
{
	struct driver_slot *d = &slots[slot];
	uint8_t buf[TRACE_EVENT_MAX_BYTES];
	struct h5snoop_ev_file_open ev;
	char clean[2048];
	size_t len = sizeof(ev);
	struct shim_h5fd *file;
	uint64_t t0;
	int saved_errno;

	if (!vfd_layer_on())
		return d->real_open(name, flags, fapl, maxaddr);
	t0 = trace_now_ns();
	trace_op_begin();
	file = d->real_open(name, flags, fapl, maxaddr);
	saved_errno = errno;
	memset(&ev, 0, sizeof(ev));
	ev.h.id = H5SNOOP_EV_file_open;
	ev.h.timestamp = t0;
	ev.duration_ns = trace_now_ns() - t0;
	ev.status = file ? 0 : -1;
	if (file) {
		ev.file_id = file_id_add(file);
		/* NOTE: HDF5 itself asks for the EOF right after open; the
		 * drivers answer from memory. */
		ev.size = d->real_get_eof ? d->real_get_eof(file, 0) : 0;
	}
	trace_put_string(buf, &len, sizeof(buf), d->name);
	trace_put_string(buf, &len, sizeof(buf),
			 redact_string(clean, sizeof(clean), name,
				       shim_config()->keep_query));
	memcpy(buf, &ev, sizeof(ev));
	/* A ring restates the open files at each chunk (trace_restate.h). */
	if (file)
		trace_restate_file_open(ev.file_id, buf, len);
	trace_op_end(buf, len);
	errno = saved_errno;
	return file;
}

static shim_herr_t slot_close(int slot, struct shim_h5fd *file)
{
	struct driver_slot *d = &slots[slot];
	struct h5snoop_ev_file_close ev;
	uint32_t id;
	shim_herr_t rc;
	uint64_t t0;
	int saved_errno;

	if (!vfd_layer_on())
		return d->real_close(file);
	id = file_id_find(file);
	t0 = trace_now_ns();
	trace_op_begin();
	rc = d->real_close(file);
	saved_errno = errno;
	file_id_remove(file);
	trace_restate_file_close(id);
	memset(&ev, 0, sizeof(ev));
	ev.h.id = H5SNOOP_EV_file_close;
	ev.h.timestamp = t0;
	ev.file_id = id;
	ev.duration_ns = trace_now_ns() - t0;
	ev.status = status_of(rc);
	trace_op_end(&ev, sizeof(ev));
	errno = saved_errno;
	return rc;
}

/*
 * The hot path: one driver read.  Order: real call, then timestamps, then
 * the record; the record never runs inside the real call, so the reads a
 * driver makes of its own (ROS3's libcurl) are recorded as nested events.
 * RATIONALE: a read inside another driver read (a read of this thread is
 * in flight) is a wrapper driver (family, multi, split) reading its
 * member files: recorded once, at the level the program chose (the
 * wrapper, whose file the program opened); the member reads would count
 * the same bytes twice.
 * NOTE: errno is the real read's from its return on: everything after it
 * keeps errno (the slow paths save it themselves), so the hot path does
 * not save and restore it.
 */
static shim_herr_t slot_read(int slot, struct shim_h5fd *file,
			     shim_mem_t type, shim_hid_t dxpl,
			     shim_haddr_t addr, size_t size, void *out)
{
	struct driver_slot *d = &slots[slot];
	struct h5snoop_ev_vfd_read ev;
	uint32_t previous;
	shim_herr_t rc;
	uint64_t t0, t1, start_ns, duration_ns;
	int tsc;

	if (__builtin_expect(!vfd_layer_on() || trace_read_in_flight(), 0))
		return d->real_read(file, type, dxpl, addr, size, out);
	ev.seq = trace_read_begin(&previous);
	trace_op_begin();
	t0 = trace_clock_start(&tsc);
	rc = d->real_read(file, type, dxpl, addr, size, out);
	t1 = trace_clock_read(tsc);
	trace_clock_span(tsc, t0, t1, &start_ns, &duration_ns);
	ev.h.id = H5SNOOP_EV_vfd_read;
	ev.h.timestamp = start_ns;
	ev.duration_ns = duration_ns;
	ev.file_id = file_id_find_cached(file);
	ev.mem_type = (uint8_t)(type >= 0 && type < H5SNOOP_MEM_NTYPES
					? type
					: H5SNOOP_MEM_default);
	ev.offset = addr;
	ev.size = size;
	ev.status = status_of(rc);
	ev.stack_id = stack_capture(STACK_LAYER_VFD, start_ns);
	trace_op_end_direct(&ev, sizeof(ev), start_ns);
	trace_read_end(previous);
	return rc;
}

/* One set of trampolines per slot, numbered 0-7, 10-17, 20-27, 30-37
 * (two-digit names from token pasting) and mapped to indices 0..31. */
#define SLOT_ROW(i) {slot_open_##i, slot_close_##i, slot_read_##i},
#define SLOTS_8(X, b) X(b##0) X(b##1) X(b##2) X(b##3) X(b##4) X(b##5) \
	X(b##6) X(b##7)
#define SLOTS_32(X) SLOTS_8(X, ) SLOTS_8(X, 1) SLOTS_8(X, 2) SLOTS_8(X, 3)
#define SLOT_INDEX(i) ((i) / 10 * 8 + (i) % 10)

#define SLOT_T(i) SLOT_TRAMPOLINES_N(i, SLOT_INDEX(i))
#define SLOT_TRAMPOLINES_N(name, idx)                                      \
	static struct shim_h5fd *slot_open_##name(const char *n,          \
						  unsigned flags,          \
						  shim_hid_t fapl,         \
						  shim_haddr_t maxaddr)    \
	{                                                                  \
		return slot_open(idx, n, flags, fapl, maxaddr);            \
	}                                                                  \
	static shim_herr_t slot_close_##name(struct shim_h5fd *file)      \
	{                                                                  \
		return slot_close(idx, file);                              \
	}                                                                  \
	static shim_herr_t slot_read_##name(struct shim_h5fd *file,       \
					    shim_mem_t type,               \
					    shim_hid_t dxpl,               \
					    shim_haddr_t addr, size_t size,\
					    void *buf)                     \
	{                                                                  \
		return slot_read(idx, file, type, dxpl, addr, size, buf);  \
	}

SLOTS_32(SLOT_T)

static const struct {
	shim_fd_open_fn open;
	shim_fd_close_fn close;
	shim_fd_read_fn read;
} trampolines[SLOT_COUNT] = {SLOTS_32(SLOT_ROW)};

/* ---- finding the HDF5 release line ---- */

/*
 * RATIONALE: the version comes from the library's exported version string,
 * not from H5get_libversion: registration runs inside HDF5's own library
 * initialization, where an API call fails and prints an error stack.
 * From 1.14 on the class says which layout it has (its `version` field,
 * checked with its size in class_understood), so any such release is
 * accepted here; before 1.14 only the release tells.
 */
static const struct class_layout *detect_layout(struct link_map *hdf5)
{
	const char *info = shim_real_lookup(hdf5, "H5_lib_vers_info_g");
	/* "HDF5 library version: 1.10.8" ("HDF5" holds a digit too) */
	const char *tail = info ? strstr(info, "version") : NULL;
	const char *digits = tail ? strpbrk(tail, "0123456789") : NULL;
	unsigned maj = 0, min = 0, rel = 0;

	if (!digits || sscanf(digits, "%u.%u.%u", &maj, &min, &rel) != 3) {
		shim_warn_once(SHIM_WARN_HDF5_VERSION,
			       "vfd layer disabled: cannot tell the HDF5 "
			       "version (no H5_lib_vers_info_g)");
		return NULL;
	}
	snprintf(hdf5_release, sizeof(hdf5_release), "%u.%u.%u", maj, min,
		 rel);
	trace_session_set_hdf5_version(hdf5_release);
	if (maj == 1 && (min == 10 || min == 12))
		return &layout_v110;
	if ((maj == 1 && min >= 14) || maj >= 2)
		return &layout_v114;
	shim_warn_once(SHIM_WARN_HDF5_VERSION,
		       "vfd layer disabled: HDF5 %s is older than any release "
		       "h5snoop knows (1.10, 1.12, 1.14 and later)",
		       hdf5_release);
	return NULL;
}

/*
 * Whether a class of `size` bytes (0: unknown) has the layout `l`; if not,
 * the vfd layer is turned off with one warning naming the release and the
 * class version, since a class we do not understand means an ABI we do
 * not know.  Called with hdf5_lock held.
 */
static int class_understood(const struct class_layout *l, const void *cls,
			    size_t size, size_t copy_cap)
{
	unsigned version = 0;

	if (l->has_version)
		memcpy(&version, cls, sizeof(version));
	if (l->has_version && version != SHIM_H5FD_CLASS_VERSION_V114) {
		shim_warn_once(SHIM_WARN_HDF5_VERSION,
			       "vfd layer disabled: HDF5 %s registers driver "
			       "classes of version %lu; h5snoop knows version "
			       "%lu",
			       hdf5_release, (unsigned long)version,
			       (unsigned long)SHIM_H5FD_CLASS_VERSION_V114);
		return 0;
	}
	if ((size != l->size && size != l->size_alt) || size > copy_cap) {
		shim_warn_once(SHIM_WARN_HDF5_VERSION,
			       "vfd layer disabled: HDF5 %s registers driver "
			       "classes (version %lu) of %zu bytes; h5snoop "
			       "knows %zu",
			       hdf5_release, (unsigned long)version, size,
			       l->size);
		return 0;
	}
	return 1;
}

static int is_trampoline(shim_fd_read_fn read)
{
	for (int i = 0; i < SLOT_COUNT; i++)
		if (trampolines[i].read == read)
			return 1;
	return 0;
}

/* The slot for a class: the same driver registered again (after
 * H5FDunregister) keeps its slot. */
static int slot_for(const char *name, shim_fd_read_fn read)
{
	char shown[sizeof(slots[0].name)];

	/* The name as the trace shows it: any string may hold a URL. */
	redact_string(shown, sizeof(shown), name, shim_config()->keep_query);
	for (int i = 0; i < slot_count; i++)
		if (slots[i].real_read == read &&
		    strcmp(slots[i].name, shown) == 0)
			return i;
	if (slot_count == SLOT_COUNT) {
		shim_warn_once(SHIM_WARN_HDF5_SLOTS,
			       "driver '%s' not traced: more than %d HDF5 "
			       "drivers registered",
			       name, SLOT_COUNT);
		return -1;
	}
	memcpy(slots[slot_count].name, shown, sizeof(shown));
	return slot_count++;
}

#define FIELD_GET(dst, base, off) memcpy(&(dst), (const char *)(base) + (off), \
					 sizeof(dst))
#define FIELD_SET(base, off, src) memcpy((char *)(base) + (off), &(src), \
					 sizeof(src))

/*
 * Returns the class to register: `cls` itself, or `copy` (of `size`
 * bytes, at most copy_cap) with our trampolines in place.  `size` is 0
 * when unknown (the public H5FDregister).  Fields are reached by the
 * release line's offsets, never by guessing.
 */
static const void *hook_class(struct hdf5_copy *hc, struct link_map *hdf5,
			      const void *cls, size_t size, void *copy,
			      size_t copy_cap)
{
	const struct class_layout *l;
	const char *name;
	shim_fd_open_fn open;
	shim_fd_close_fn close;
	shim_fd_get_eof_fn get_eof;
	shim_fd_read_fn read;
	int slot = -1;

	if (!cls || !(shim_config()->layers & SHIM_LAYER_VFD) ||
	    !trace_session_usable())
		return cls;
	pthread_mutex_lock(&hdf5_lock);
	trace_hot.vfd_layer_wanted = 1;
	if (!hc->layout_known) {
		hc->layout = detect_layout(hdf5);
		hc->layout_known = 1;
	}
	l = hc->layout;
	if (!l)
		goto out;
	if (size == 0)
		size = l->size;
	if (!class_understood(l, cls, size, copy_cap)) {
		hc->layout = NULL;
		goto out;
	}
	FIELD_GET(name, cls, l->name);
	FIELD_GET(open, cls, l->open);
	FIELD_GET(close, cls, l->close);
	FIELD_GET(get_eof, cls, l->get_eof);
	FIELD_GET(read, cls, l->read);
	if (!name || !open || !read || is_trampoline(read))
		goto out;
	slot = slot_for(name, read);
	if (slot < 0)
		goto out;
	slots[slot].real_open = open;
	slots[slot].real_close = close;
	slots[slot].real_read = read;
	slots[slot].real_get_eof = get_eof;
	memcpy(copy, cls, size);
	FIELD_SET(copy, l->open, trampolines[slot].open);
	FIELD_SET(copy, l->close, trampolines[slot].close);
	FIELD_SET(copy, l->read, trampolines[slot].read);
out:
	pthread_mutex_unlock(&hdf5_lock);
	if (slot < 0)
		return cls;
	shim_debug("tracing HDF5 driver '%s'", slots[slot].name);
	return copy;
}

/* ---- the interposed entry points ---- */

/* Room for any known class layout, aligned for its pointers. */
union class_copy {
	struct shim_h5fd_class_v110 v110;
	struct shim_h5fd_class_v114 v114;
	uint8_t bytes[512];
};

/*
 * The copy of HDF5 that code at `caller` belongs to, with its real
 * registration functions looked up; *scratch serves when the table is
 * full.  Takes hdf5_lock; NULL fields when a symbol is missing.
 */
static struct hdf5_copy *hdf5_copy_of(struct link_map *caller,
				      struct hdf5_copy *scratch)
{
	struct hdf5_copy *hc = NULL;
	int cancel_state;

	shim_enter_critical(&cancel_state);
	pthread_mutex_lock(&hdf5_lock);
	for (int i = 0; i < hdf5_copy_count && !hc; i++)
		if (hdf5_copies[i].caller == caller)
			hc = &hdf5_copies[i];
	if (!hc) {
		hc = hdf5_copy_count < HDF5_COPIES
			     ? &hdf5_copies[hdf5_copy_count++]
			     : scratch;
		memset(hc, 0, sizeof(*hc));
		hc->caller = caller;
		hc->real_register = shim_real_lookup(caller, "H5FD_register");
		hc->real_register_public =
			shim_real_lookup(caller, "H5FDregister");
	}
	pthread_mutex_unlock(&hdf5_lock);
	shim_leave_critical(cancel_state);
	return hc;
}

/*
 * HDF5's internal registration, reached through the PLT in builds that
 * export it (Debian's): every built-in driver passes here.
 */
H5SNOOP_EXPORT shim_hid_t H5FD_register(const void *cls, size_t size,
					bool app_ref)
{
	struct hdf5_copy scratch, *hc = hdf5_copy_of(
		shim_real_object_of(__builtin_return_address(0)), &scratch);
	register_internal_fn real = (register_internal_fn)hc->real_register;
	union class_copy copy;
	const void *hooked;

	if (!real) {
		shim_warn_once(SHIM_WARN_SYMBOL,
			       "H5FD_register not found; HDF5 driver "
			       "registration fails");
		errno = ENOSYS;
		return -1;
	}
	/* The class layout is that of the library the call goes to. */
	hooked = hook_class(hc, shim_real_object_of((void *)real), cls, size,
			    &copy, sizeof(copy));
	return real(hooked, size, app_ref);
}

/* The public registration, used by drivers that programs bring (h5py's
 * fileobj, GDAL's vsil). */
H5SNOOP_EXPORT shim_hid_t H5FDregister(const void *cls)
{
	struct hdf5_copy scratch, *hc = hdf5_copy_of(
		shim_real_object_of(__builtin_return_address(0)), &scratch);
	register_public_fn real =
		(register_public_fn)hc->real_register_public;
	union class_copy copy;
	const void *hooked;

	if (!real) {
		shim_warn_once(SHIM_WARN_SYMBOL,
			       "H5FDregister not found; HDF5 driver "
			       "registration fails");
		errno = ENOSYS;
		return -1;
	}
	hooked = hook_class(hc, shim_real_object_of((void *)real), cls, 0,
			    &copy, sizeof(copy));
	return real(hooked);
}
