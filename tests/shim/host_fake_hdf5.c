/*
 * host_fake_hdf5.c - a program with its own HDF5 driver, registered with
 * fake_hdf5 and read through it, as h5py's fileobj driver is.
 *
 * Usage: host_fake_hdf5 CLASS_VERSION
 * Prints what it read (the same with and without the shim).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_driver.h"

#define BLOCKS 5
#define BLOCK_SIZE 64
#define STRIDE 1000

int64_t H5FDregister(const void *cls);
int fake_read_blocks(const char *name, int count, size_t size,
		     uint64_t stride, unsigned char *buf);
extern const void *fake_program_class;

static shim_haddr_t drv_get_eof(const struct shim_h5fd *file,
				shim_mem_t type)
{
	(void)file, (void)type;
	return BLOCKS * STRIDE;
}

int main(int argc, char **argv)
{
	static struct shim_h5fd_class_v114 cls;
	unsigned char buf[BLOCKS * BLOCK_SIZE];
	unsigned long sum = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: host_fake_hdf5 CLASS_VERSION\n");
		return 2;
	}
	cls.version = (unsigned)strtoul(argv[1], NULL, 10);
	cls.value = 600;
	cls.name = "fake_driver";
	cls.open = drv_open;
	cls.close = drv_close;
	cls.get_eof = drv_get_eof;
	cls.read = drv_read;
	fake_program_class = &cls;
	H5FDregister(&cls);
	if (fake_read_blocks("fake.h5", BLOCKS, BLOCK_SIZE, STRIDE, buf) < 0) {
		fprintf(stderr, "read failed\n");
		return 1;
	}
	for (size_t i = 0; i < sizeof(buf); i++)
		sum += buf[i];
	/* What was read, so that the test reads it here, not a copy. */
	printf("read %d blocks of %d bytes, %d apart, sum %lu\n", BLOCKS,
	       BLOCK_SIZE, STRIDE, sum);
	return 0;
}
