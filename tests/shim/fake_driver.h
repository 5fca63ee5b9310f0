/*
 * fake_driver.h - the driver callbacks of the stand-in HDF5 tests
 * (host_fake_hdf5, fake_hdf5_user): a "file" whose byte i is i mod 251,
 * opened and closed without state.  Header-only: each user is one C file.
 */
#ifndef H5SNOOP_TEST_FAKE_DRIVER_H
#define H5SNOOP_TEST_FAKE_DRIVER_H

#include <stddef.h>

#include "hdf5_layout.h"

static struct shim_h5fd *drv_open(const char *name, unsigned flags,
				  shim_hid_t fapl, shim_haddr_t maxaddr)
{
	static int token;

	(void)name, (void)flags, (void)fapl, (void)maxaddr;
	return (struct shim_h5fd *)&token;
}

static shim_herr_t drv_close(struct shim_h5fd *file)
{
	(void)file;
	return 0;
}

/* Byte i of the "file" is i mod 251. */
static shim_herr_t drv_read(struct shim_h5fd *file, shim_mem_t type,
			    shim_hid_t dxpl, shim_haddr_t addr, size_t size,
			    void *buf)
{
	(void)file, (void)type, (void)dxpl;
	for (size_t i = 0; i < size; i++)
		((unsigned char *)buf)[i] = (unsigned char)((addr + i) % 251);
	return 0;
}

#endif
