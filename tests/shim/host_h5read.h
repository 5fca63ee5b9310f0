/*
 * host_h5read.h - the HDF5 reads the shim tests' host programs make: open
 * a file with the default (sec2) driver and the metadata cache minimal,
 * read the first 1000 elements of /grp/v0 (written by testlib.make_h5
 * with chunks of 1000 and the chunk cache off, so each read reaches the
 * driver).  Header-only: each host is one C file.
 */
#ifndef H5SNOOP_TEST_HOST_H5READ_H
#define H5SNOOP_TEST_HOST_H5READ_H

#include <hdf5.h>
#include <stdlib.h>

static hid_t open_file(const char *path)
{
	hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
	hid_t f;

	/* No metadata cache tricks: default sec2, chunk cache off below. */
	H5Pset_cache(fapl, 0, 0, 0, 0.0);
	f = H5Fopen(path, H5F_ACC_RDONLY, fapl);
	H5Pclose(fapl);
	return f;
}

/* One read of the first 1000 elements of /grp/v0; returns their sum. */
static double read_once(hid_t f)
{
	double buf[1000], sum = 0;
	hsize_t start = 0, count = 1000;
	hid_t d = H5Dopen2(f, "/grp/v0", H5P_DEFAULT);
	hid_t fs = H5Dget_space(d);
	hid_t ms = H5Screate_simple(1, &count, NULL);

	H5Sselect_hyperslab(fs, H5S_SELECT_SET, &start, NULL, &count, NULL);
	if (H5Dread(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, buf) < 0)
		exit(1);
	for (int i = 0; i < 1000; i++)
		sum += buf[i];
	H5Sclose(ms);
	H5Sclose(fs);
	H5Dclose(d);
	return sum;
}

/* n reads of a file opened for them; exits 1 when it cannot open. */
static double read_n(const char *path, long n)
{
	hid_t f = open_file(path);
	double sum = 0;

	if (f < 0)
		exit(1);
	for (long i = 0; i < n; i++)
		sum += read_once(f);
	H5Fclose(f);
	return sum;
}

#endif
