/*
 * unwind_host.c - reads an HDF5 dataset from call stacks of many shapes,
 * on the main thread and on a second one, for test_stacks.py's `unwind`
 * case (the fast unwinder against libunwind): recursions from 0 to 45
 * frames deep (the shim walks 40 and keeps 32), through frames with and
 * without a frame pointer, with alloca and with a large frame
 * (unwind_frames.c).  Each read at the bottom is one chunk with the
 * chunk cache off, so it reaches the driver.
 *
 *   unwind_host FILE DATASET [corrupt]
 *
 * With `corrupt`, the main thread's reads run below a frame whose saved
 * frame pointer is garbage (fp_corrupted): a walk must stop there, not
 * crash.
 */
#include <hdf5.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 45
#define CHUNK 4000 /* test_stacks.py make_file's chunks */

int fp_plain(int), nofp_plain(int), fp_with_alloca(int);
int nofp_with_alloca(int), fp_big(int), nofp_big(int);
int fp_corrupted(int depth, uintptr_t garbage);

int unwind_host_step(int depth);
int unwind_host_bottom(void);

static hid_t dset;
static int reads_done;
static int corrupt; /* the `corrupt` argument */

/* Each depth its own mix of frame shapes. */
int unwind_host_step(int depth)
{
	static int (*const shapes[])(int) = {
		fp_plain, nofp_with_alloca, nofp_plain, fp_big,
		fp_with_alloca, nofp_big,
	};
	int rc;

	/* Above it, frames that take their CFA from the frame pointer. */
	if (corrupt && depth == 3)
		return fp_corrupted(depth, reads_done % 2 ? (uintptr_t)0x10
							  : ~(uintptr_t)4095);
	if (corrupt)
		return fp_plain(depth);
	rc = shapes[(depth * 7 + reads_done) % 6](depth);
	return rc;
}

int unwind_host_bottom(void)
{
	hsize_t start = (hsize_t)(reads_done % 50) * CHUNK, count = 10;
	hid_t file_space = H5Dget_space(dset);
	hid_t mem_space = H5Screate_simple(1, &count, NULL);
	double v[10];
	int rc = -1;

	if (file_space >= 0 && mem_space >= 0 &&
	    H5Sselect_hyperslab(file_space, H5S_SELECT_SET, &start, NULL,
				&count, NULL) >= 0 &&
	    H5Dread(dset, H5T_NATIVE_DOUBLE, mem_space, file_space,
		    H5P_DEFAULT, v) >= 0)
		rc = v[0] == (double)start ? 0 : -1;
	H5Sclose(mem_space);
	H5Sclose(file_space);
	reads_done++;
	return rc;
}

static void *reader(void *arg)
{
	int *rc = arg;

	for (int depth = 0; depth <= MAX_DEPTH; depth++)
		*rc |= unwind_host_step(depth);
	return NULL;
}

int main(int argc, char **argv)
{
	hid_t file, dapl;
	pthread_t thread;
	int rc = 0, thread_rc = 0;

	if (argc != 3 && !(argc == 4 && strcmp(argv[3], "corrupt") == 0)) {
		fprintf(stderr, "usage: unwind_host FILE DATASET [corrupt]\n");
		return 2;
	}
	corrupt = argc == 4;
	file = H5Fopen(argv[1], H5F_ACC_RDONLY, H5P_DEFAULT);
	dapl = H5Pcreate(H5P_DATASET_ACCESS);
	H5Pset_chunk_cache(dapl, 0, 0, 1.0);
	dset = file >= 0 ? H5Dopen2(file, argv[2], dapl) : -1;
	if (dset < 0)
		return 1;
	reader(&rc);
	/* HDF5 may not be thread-safe: the thread reads alone. */
	if (!corrupt && (pthread_create(&thread, NULL, reader, &thread_rc) != 0 ||
			 pthread_join(thread, NULL) != 0))
		return 1;
	H5Dclose(dset);
	H5Pclose(dapl);
	H5Fclose(file);
	printf("%d reads\n", reads_done);
	return rc || thread_rc;
}
