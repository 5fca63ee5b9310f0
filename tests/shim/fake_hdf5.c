/*
 * fake_hdf5.c - a stand-in libhdf5 of a release h5snoop was never tested
 * with, exporting what the shim looks at (the version string and the
 * public driver registration) and just enough of a library to read
 * through a registered driver, as HDF5 does.
 *
 * Its release is FAKE_HDF5_RELEASE ("2.9.0" if unset), read in a
 * constructor, before the shim looks.  Its H5FDregister copies the class,
 * as HDF5 does, and writes to the file FAKE_HDF5_VERDICT whether it got
 * the program's own class ("given") or another ("a copy": the shim hooked
 * it).  The verdict goes to a file so that the program's output is the
 * same with and without the shim.  The class layout is the 1.14 one.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hdf5_layout.h"

char H5_lib_vers_info_g[80] = "HDF5 library version: 2.9.0";

/* Set by the program to the class it registers. */
const void *fake_program_class;

static struct shim_h5fd_class_v114 registered;

__attribute__((constructor)) static void fake_release(void)
{
	const char *release = getenv("FAKE_HDF5_RELEASE");

	if (release)
		snprintf(H5_lib_vers_info_g, sizeof(H5_lib_vers_info_g),
			 "HDF5 library version: %s", release);
}

int64_t H5FDregister(const void *cls)
{
	const char *path = getenv("FAKE_HDF5_VERDICT");
	FILE *f = path ? fopen(path, "w") : NULL;

	memcpy(&registered, cls, sizeof(registered));
	if (f) {
		fprintf(f, "registered %s as %s\n", registered.name,
			cls == fake_program_class ? "given" : "a copy");
		fclose(f);
	}
	return 1;
}

/* Opens `name` through the registered driver and reads `count` blocks of
 * `size` bytes at `stride` apart into buf; returns 0 or -1. */
int fake_read_blocks(const char *name, int count, size_t size,
		     uint64_t stride, unsigned char *buf)
{
	struct shim_h5fd *file = registered.open(name, 0, 0, UINT64_MAX);
	int rc = 0;

	if (!file)
		return -1;
	for (int i = 0; i < count && rc == 0; i++)
		if (registered.read(file, 1, 0, (uint64_t)i * stride, size,
				    buf + (size_t)i * size) < 0)
			rc = -1;
	registered.close(file);
	return rc;
}
