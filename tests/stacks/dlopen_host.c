/*
 * dlopen_host.c - reads a file itself, then dlopen's a library
 * (plugin_reader.c) that reads it again: the stacks of the second reads
 * hold frames of a module loaded after the process started.
 *
 *   dlopen_host PLUGIN.so FILE DATASET
 */
#include <dlfcn.h>
#include <hdf5.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	int (*plugin_read)(const char *, const char *);
	hid_t f;
	void *lib;

	if (argc != 4) {
		fprintf(stderr, "usage: dlopen_host PLUGIN FILE DATASET\n");
		return 2;
	}
	/* A read of the host's own first: its modules are recorded before
	 * the plugin exists. */
	f = H5Fopen(argv[2], H5F_ACC_RDONLY, H5P_DEFAULT);
	if (f < 0)
		return 1;
	H5Fclose(f);
	lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		fprintf(stderr, "dlopen_host: %s\n", dlerror());
		return 1;
	}
	*(void **)&plugin_read = dlsym(lib, "plugin_read");
	if (!plugin_read || plugin_read(argv[2], argv[3]) != 0)
		return 1;
	dlclose(lib);
	return 0;
}
