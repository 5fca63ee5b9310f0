/*
 * stack_sample.c - a reader with a known call chain, for H5SNOOP_STACKS.
 *
 *   stack_sample [--sec2] URL DATASET
 *
 * opens URL with HDF5's ROS3 driver (anonymous HTTP range reads; with
 * --sec2, a local path), then
 *   main -> list_attrs    -> H5Aread  each attribute of DATASET;
 *   main -> read_variable -> H5Dread  DATASET whole, as doubles;
 * and prints one line per attribute ("attr NAME LENGTH") and one for the
 * data ("data N SUM").  `h5snoop report --by function` then attributes
 * the reads to H5Fopen, H5Aread, H5Dread...; `--by stack` shows
 * "H5Dread < read_variable < main".
 *
 * RATIONALE: read_variable and list_attrs are noinline and the build
 * keeps frame pointers and no sibling calls (samples/CMakeLists.txt), so
 * that their frames exist whatever the optimization level.  Reads inside
 * H5Aread come from variable-length string attributes: their values live
 * in the file's global heap, which H5Aread reads; a fixed-size
 * attribute's value is loaded with its header by H5Aopen.
 *
 * Must never write to the file.  Exit status: 0 success, 1 failure, 2
 * usage.
 */
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static hid_t open_file(const char *url, int sec2)
{
	hid_t fapl = H5Pcreate(H5P_FILE_ACCESS), f;
	H5FD_ros3_fapl_t ros3;

	if (fapl < 0)
		return -1;
	if (!sec2) {
		memset(&ros3, 0, sizeof(ros3));
		ros3.version = H5FD_CURR_ROS3_FAPL_T_VERSION;
		ros3.authenticate = 0;
		if (H5Pset_fapl_ros3(fapl, &ros3) < 0) {
			H5Pclose(fapl);
			return -1;
		}
	}
	f = H5Fopen(url, H5F_ACC_RDONLY, fapl);
	H5Pclose(fapl);
	return f;
}

/* Reads each attribute of dataset `name` as strings (variable-length) or
 * doubles, printing its name and length.  0 or -1. */
__attribute__((noinline)) static int list_attrs(hid_t file,
						const char *name)
{
	hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
	H5O_info_t info;
	int rc = 0;

	if (d < 0 || H5Oget_info2(d, &info, H5O_INFO_NUM_ATTRS) < 0)
		return -1;
	for (hsize_t i = 0; i < info.num_attrs && rc == 0; i++) {
		hid_t a = H5Aopen_by_idx(d, ".", H5_INDEX_NAME,
					 H5_ITER_INC, i, H5P_DEFAULT,
					 H5P_DEFAULT);
		hid_t ftype = a >= 0 ? H5Aget_type(a) : -1;
		hid_t space = a >= 0 ? H5Aget_space(a) : -1;
		hssize_t n = space >= 0 ? H5Sget_simple_extent_npoints(space)
					: -1;
		char aname[256];

		if (a < 0 || ftype < 0 || n < 0 ||
		    H5Aget_name(a, sizeof(aname), aname) < 0) {
			rc = -1;
		} else if (H5Tget_class(ftype) == H5T_STRING &&
			   H5Tis_variable_str(ftype) > 0) {
			char **v = calloc((size_t)n, sizeof(*v));
			hid_t mtype = H5Tcopy(H5T_C_S1);
			size_t len = 0;

			H5Tset_size(mtype, H5T_VARIABLE);
			H5Tset_cset(mtype, H5Tget_cset(ftype));
			if (!v || H5Aread(a, mtype, v) < 0) {
				rc = -1;
			} else {
				for (hssize_t k = 0; k < n; k++)
					len += v[k] ? strlen(v[k]) : 0;
				H5Dvlen_reclaim(mtype, space, H5P_DEFAULT, v);
				printf("attr %s %zu\n", aname, len);
			}
			H5Tclose(mtype);
			free(v);
		} else {
			double *v = calloc((size_t)n + 1, sizeof(*v));

			if (!v || H5Aread(a, H5T_NATIVE_DOUBLE, v) < 0)
				rc = -1;
			else
				printf("attr %s %lld\n", aname, (long long)n);
			free(v);
		}
		if (space >= 0)
			H5Sclose(space);
		if (ftype >= 0)
			H5Tclose(ftype);
		if (a >= 0)
			H5Aclose(a);
	}
	H5Dclose(d);
	return rc;
}

/* Reads dataset `name` whole as doubles and prints its size and sum.
 * 0 or -1. */
__attribute__((noinline)) static int read_variable(hid_t file,
						   const char *name)
{
	hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
	hid_t space = d >= 0 ? H5Dget_space(d) : -1;
	hssize_t n = space >= 0 ? H5Sget_simple_extent_npoints(space) : -1;
	double *v = n >= 0 ? malloc(((size_t)n + 1) * sizeof(*v)) : NULL;
	double sum = 0;
	int rc = -1;

	if (v && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
			 H5P_DEFAULT, v) >= 0) {
		for (hssize_t i = 0; i < n; i++)
			sum += v[i];
		printf("data %lld %.6f\n", (long long)n, sum);
		rc = 0;
	}
	free(v);
	if (space >= 0)
		H5Sclose(space);
	if (d >= 0)
		H5Dclose(d);
	return rc;
}

int main(int argc, char **argv)
{
	int sec2 = argc > 1 && strcmp(argv[1], "--sec2") == 0;
	hid_t f;
	int rc;

	if (argc != 3 + sec2) {
		fprintf(stderr, "usage: stack_sample [--sec2] URL DATASET\n");
		return 2;
	}
	f = open_file(argv[1 + sec2], sec2);
	if (f < 0) {
		fprintf(stderr, "stack_sample: cannot open %s\n",
			argv[1 + sec2]);
		return 1;
	}
	rc = list_attrs(f, argv[2 + sec2]);
	if (rc == 0)
		rc = read_variable(f, argv[2 + sec2]);
	H5Fclose(f);
	if (rc != 0)
		fprintf(stderr, "stack_sample: cannot read %s\n",
			argv[2 + sec2]);
	return rc == 0 ? 0 : 1;
}
