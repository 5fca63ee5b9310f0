/*
 * host_two_hdf5.c - two copies of HDF5 in one process: a plugin linked
 * against the real libhdf5 and one linked against a stand-in (fake_hdf5),
 * both loaded with dlopen(RTLD_LOCAL), so each binds to its own copy.
 * Each registers a driver with its HDF5 through the public H5FDregister,
 * then reads through it.
 *
 * Usage: host_two_hdf5 REAL_PLUGIN FAKE_PLUGIN FILE
 *        (FILE: an HDF5 file made by testlib.make_h5)
 * Prints what each read; exit 1 when a registration or read fails.
 */
#include <dlfcn.h>
#include <stdio.h>

static void *symbol(const char *plugin, const char *name)
{
	void *lib = dlopen(plugin, RTLD_NOW | RTLD_LOCAL);
	void *sym = lib ? dlsym(lib, name) : NULL;

	if (!sym)
		fprintf(stderr, "cannot load %s from %s: %s\n", name, plugin,
			dlerror());
	return sym;
}

int main(int argc, char **argv)
{
	double (*real_read)(const char *);
	long (*fake_read)(void);
	double real_sum;
	long fake_sum;

	if (argc != 4) {
		fprintf(stderr, "usage: host_two_hdf5 REAL_PLUGIN FAKE_PLUGIN "
				"FILE\n");
		return 2;
	}
	real_read = (double (*)(const char *))symbol(argv[1],
						     "real_user_read");
	fake_read = (long (*)(void))symbol(argv[2], "fake_user_read");
	if (!real_read || !fake_read)
		return 1;
	/* The real HDF5 first, so that a shim caching one registration
	 * function for the process would send the second copy's to it. */
	real_sum = real_read(argv[3]);
	fake_sum = fake_read();
	printf("real hdf5 read %.1f; second hdf5 read %ld\n", real_sum,
	       fake_sum);
	return real_sum >= 0 && fake_sum >= 0 ? 0 : 1;
}
