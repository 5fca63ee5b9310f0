/*
 * hdf5_layout.h - our own description of the parts of HDF5's virtual file
 * driver ABI that the shim touches, per HDF5 release line.
 *
 * RATIONALE: the shim is built without HDF5's headers, because one binary
 * must work with whichever libhdf5 the host loads.  H5FD_class_t changed
 * layout between 1.10/1.12 and 1.14 (a `version` and a `value` field were
 * put first, vector and selection callbacks added after `write`); the
 * callbacks we wrap (open, close, read, get_eof) kept their signatures.
 * tests/unit/test_hdf5_layout.c checks these offsets against the installed
 * HDF5 headers.
 */
#ifndef H5SNOOP_HDF5_LAYOUT_H
#define H5SNOOP_HDF5_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t shim_hid_t;     /* hid_t since 1.10 */
typedef uint64_t shim_haddr_t;  /* haddr_t */
typedef int shim_herr_t;        /* herr_t */
typedef int shim_mem_t;         /* H5FD_mem_t (an enum) */
struct shim_h5fd;               /* H5FD_t, never dereferenced */

typedef struct shim_h5fd *(*shim_fd_open_fn)(const char *name,
					      unsigned flags, shim_hid_t fapl,
					      shim_haddr_t maxaddr);
typedef shim_herr_t (*shim_fd_close_fn)(struct shim_h5fd *file);
typedef shim_haddr_t (*shim_fd_get_eof_fn)(const struct shim_h5fd *file,
					   shim_mem_t type);
typedef shim_herr_t (*shim_fd_read_fn)(struct shim_h5fd *file,
				       shim_mem_t type, shim_hid_t dxpl,
				       shim_haddr_t addr, size_t size,
				       void *buf);
typedef void (*shim_fd_other_fn)(void);

/* The callbacks from `open` to `write`, the same in every release line. */
#define SHIM_H5FD_CALLBACKS                                                \
	shim_fd_open_fn open;                                              \
	shim_fd_close_fn close;                                            \
	shim_fd_other_fn cmp, query, get_type_map, alloc, free, get_eoa,  \
		set_eoa;                                                   \
	shim_fd_get_eof_fn get_eof;                                        \
	shim_fd_other_fn get_handle;                                       \
	shim_fd_read_fn read;                                              \
	shim_fd_other_fn write;

/* What precedes `open`, after the name, in every release line. */
#define SHIM_H5FD_HEAD                                                     \
	const char *name;                                                  \
	shim_haddr_t maxaddr;                                              \
	int fc_degree;                                                     \
	shim_fd_other_fn terminate, sb_size, sb_encode, sb_decode;        \
	size_t fapl_size;                                                  \
	shim_fd_other_fn fapl_get, fapl_copy, fapl_free;                  \
	size_t dxpl_size;                                                  \
	shim_fd_other_fn dxpl_copy, dxpl_free;

/* H5FD_class_t of HDF5 1.10.x and 1.12.0 (1.12.1+ appends `del`). */
struct shim_h5fd_class_v110 {
	SHIM_H5FD_HEAD
	SHIM_H5FD_CALLBACKS
	shim_fd_other_fn flush, truncate, lock, unlock;
	int fl_map[7];
};

/* H5FD_class_t of HDF5 1.14.x and 2.x (class version 1): the `version`
 * field first says which layout a class has, so the shim accepts any
 * release from 1.14 on whose classes carry this version and size. */
struct shim_h5fd_class_v114 {
	unsigned version;
	int value;
	SHIM_H5FD_HEAD
	SHIM_H5FD_CALLBACKS
	shim_fd_other_fn read_vector, write_vector, read_selection,
		write_selection, flush, truncate, lock, unlock, del, ctl;
	int fl_map[7];
};

#define SHIM_H5FD_CLASS_VERSION_V114 1u

#endif
