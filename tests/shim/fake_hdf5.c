/*
 * fake_hdf5.c - a stand-in libhdf5 of a release the shim does not know
 * (version 3.0.0), exporting what the shim looks at: the version string
 * and the public driver registration.  Its H5FDregister says whether it
 * got the program's own class or a copy: a copy means the shim hooked the
 * class, which it must not do for an unknown release.
 */
#include <stdint.h>
#include <stdio.h>

const char H5_lib_vers_info_g[] = "HDF5 library version: 3.0.0";

/* The first fields of a driver class: enough for this stand-in. */
struct fake_class {
	unsigned version;
	int value;
	const char *name;
};

/* Set by the program to the class it registers. */
const void *fake_program_class;

int64_t H5FDregister(const void *cls)
{
	const struct fake_class *c = cls;

	printf("registered %s as %s\n", c->name,
	       cls == fake_program_class ? "given" : "a copy");
	return 1;
}
