/*
 * plugin_reader.c - a library that a host dlopen's after start
 * (dlopen_host.c): it reads a dataset, so that stacks of the reads hold
 * frames of a module loaded late.  plugin_read -> plugin_read_inner
 * (static, named only in this library's .symtab) -> H5Dread.
 */
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static int plugin_read_inner(hid_t d, double *v)
{
	return H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
		       v) < 0 ? -1 : 0;
}

/* Reads dataset `name` of file `path` and prints its sum; 0 or -1. */
__attribute__((visibility("default"))) int plugin_read(const char *path,
						       const char *name)
{
	hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
	hid_t d = f >= 0 ? H5Dopen2(f, name, H5P_DEFAULT) : -1;
	hid_t s = d >= 0 ? H5Dget_space(d) : -1;
	hssize_t n = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
	double *v = n > 0 ? malloc((size_t)n * sizeof(*v)) : NULL;
	double sum = 0;
	int rc = -1;

	if (v && plugin_read_inner(d, v) == 0) {
		for (hssize_t i = 0; i < n; i++)
			sum += v[i];
		printf("plugin %lld %.3f\n", (long long)n, sum);
		rc = 0;
	}
	free(v);
	if (s >= 0)
		H5Sclose(s);
	if (d >= 0)
		H5Dclose(d);
	if (f >= 0)
		H5Fclose(f);
	return rc;
}
