/*
 * fake_hdf5_user.c - a plugin linked against the stand-in libhdf5
 * (fake_hdf5), loaded with dlopen(RTLD_LOCAL) by host_two_hdf5 next to the
 * real libhdf5: a second copy of HDF5 in one process, as when a Python
 * wheel brings its own.  It registers its driver with its own HDF5 and
 * reads through it.
 */
#include <stdint.h>
#include <stdio.h>

#include "fake_driver.h"

int64_t H5FDregister(const void *cls);
int fake_read_blocks(const char *name, int count, size_t size,
		     uint64_t stride, unsigned char *buf);

/* Registers the plugin's driver with its HDF5 (the stand-in) and reads 4
 * blocks through it; returns their sum, or -1. */
long fake_user_read(void)
{
	static struct shim_h5fd_class_v114 cls;
	unsigned char buf[4 * 16];
	long sum = 0;

	cls.version = SHIM_H5FD_CLASS_VERSION_V114;
	cls.value = 601;
	cls.name = "plugin_driver";
	cls.open = drv_open;
	cls.close = drv_close;
	cls.read = drv_read;
	if (H5FDregister(&cls) < 0 ||
	    fake_read_blocks("plugin.h5", 4, 16, 100, buf) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(buf); i++)
		sum += buf[i];
	return sum;
}
