/*
 * test_hdf5_layout.c - the shim's own description of H5FD_class_t
 * (shim/hdf5_layout.h) matches the installed HDF5 headers, so the shim
 * hooks the right callbacks without being built against HDF5.
 */
#include <hdf5.h>
#include <stdio.h>

#include "hdf5_layout.h"

#if H5_VERS_MAJOR == 1 && (H5_VERS_MINOR == 10 || H5_VERS_MINOR == 12)
typedef struct shim_h5fd_class_v110 shim_class;
#else
typedef struct shim_h5fd_class_v114 shim_class;
#endif

static int failures;

#define SAME(field)                                                        \
	do {                                                               \
		if (offsetof(H5FD_class_t, field) !=                       \
		    offsetof(shim_class, field)) {                         \
			fprintf(stderr, "FAIL: offset of %s: %zu vs %zu\n", \
				#field, offsetof(H5FD_class_t, field),     \
				offsetof(shim_class, field));              \
			failures++;                                        \
		}                                                          \
	} while (0)

int main(void)
{
	SAME(name);
	SAME(open);
	SAME(close);
	SAME(get_eof);
	SAME(read);
	SAME(write);
	SAME(fl_map);
	/* 1.12.1+ appends `del`: the shim accepts both sizes there. */
	if (sizeof(H5FD_class_t) != sizeof(shim_class) &&
	    sizeof(H5FD_class_t) != sizeof(shim_class) + 8) {
		fprintf(stderr, "FAIL: size %zu vs %zu\n",
			sizeof(H5FD_class_t), sizeof(shim_class));
		failures++;
	}
	printf("%d passed, %d failed\n", failures ? 0 : 1, failures ? 1 : 0);
	return failures ? 1 : 0;
}
