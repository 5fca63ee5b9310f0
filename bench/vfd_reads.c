/*
 * vfd_reads.c - the recording benchmark's host: many small HDF5 reads,
 * each reaching the driver (local file, chunk cache off, one small chunk
 * per read), timed inside the program so start-up does not count.
 *
 *   vfd_reads FILE [READS] [sec2|core]
 *
 * creates FILE if missing, then reads it through the sec2 driver (pread
 * per read) or the core driver (the file loaded into memory at open, so
 * a driver read is a memcpy and the kernel adds no noise).  Prints
 * "reads=N elapsed_ns=T cpu_ns=C" on stdout: wall and CPU time of the
 * read loop.
 */
#include <hdf5.h>
#include <string.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define ELEMENTS 65536
#define CHUNK 16

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t cpu_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) *
		       1000000000u +
	       ((uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_usec) *
		       1000u;
}

static int make_file(const char *path)
{
	hsize_t dims = ELEMENTS, chunk = CHUNK;
	hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
	hid_t space = H5Screate_simple(1, &dims, NULL);
	hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
	int *data = malloc(sizeof(int) * ELEMENTS);
	hid_t d;

	for (int i = 0; i < ELEMENTS; i++)
		data[i] = i;
	H5Pset_chunk(dcpl, 1, &chunk);
	d = H5Dcreate2(f, "v", H5T_NATIVE_INT, space, H5P_DEFAULT, dcpl,
		       H5P_DEFAULT);
	H5Dwrite(d, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
	free(data);
	H5Dclose(d);
	H5Pclose(dcpl);
	H5Sclose(space);
	return H5Fclose(f);
}

int main(int argc, char **argv)
{
	long reads = argc > 2 ? atol(argv[2]) : 200000;
	hsize_t count = 1, start;
	hid_t fapl, f, dapl, d, fs, ms;
	long long sum = 0;
	uint64_t t0, t1, c0, c1;
	int v;

	if (argc < 2) {
		fprintf(stderr, "usage: vfd_reads FILE [READS]\n");
		return 2;
	}
	if (access(argv[1], R_OK) != 0 && make_file(argv[1]) < 0)
		return 1;
	fapl = H5Pcreate(H5P_FILE_ACCESS);
	if (argc > 3 && strcmp(argv[3], "core") == 0)
		H5Pset_fapl_core(fapl, 1 << 20, 0);
	f = H5Fopen(argv[1], H5F_ACC_RDONLY, fapl);
	dapl = H5Pcreate(H5P_DATASET_ACCESS);
	/* No chunk cache: every read goes to the driver. */
	H5Pset_chunk_cache(dapl, 0, 0, 1.0);
	d = H5Dopen2(f, "v", dapl);
	fs = H5Dget_space(d);
	ms = H5Screate_simple(1, &count, NULL);
	c0 = cpu_ns();
	t0 = now_ns();
	for (long i = 0; i < reads; i++) {
		start = (hsize_t)((i * 7919) % ELEMENTS);
		H5Sselect_hyperslab(fs, H5S_SELECT_SET, &start, NULL, &count,
				    NULL);
		if (H5Dread(d, H5T_NATIVE_INT, ms, fs, H5P_DEFAULT, &v) < 0)
			return 1;
		sum += v;
	}
	t1 = now_ns();
	c1 = cpu_ns();
	printf("reads=%ld elapsed_ns=%llu cpu_ns=%llu sum=%lld\n", reads,
	       (unsigned long long)(t1 - t0), (unsigned long long)(c1 - c0),
	       sum);
	H5Sclose(ms);
	H5Sclose(fs);
	H5Dclose(d);
	H5Pclose(dapl);
	H5Fclose(f);
	H5Pclose(fapl);
	return 0;
}
