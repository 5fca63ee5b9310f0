/*
 * real_hdf5_user.c - a plugin linked against the real libhdf5, loaded by
 * host_two_hdf5 with dlopen(RTLD_LOCAL) next to one linked against the
 * stand-in (fake_hdf5_user): two copies of HDF5 in one process, neither
 * in the global scope, as when two Python extensions each bring their
 * own.  It registers a driver of its own with its HDF5 (through the
 * public H5FDregister, as h5py does) and reads a file through sec2.
 */
#include <hdf5.h>

#include "host_h5read.h"

/* A driver that is registered, never used. */
static H5FD_t *d_open(const char *n, unsigned f, hid_t p, haddr_t m)
{
	(void)n, (void)f, (void)p, (void)m;
	return NULL;
}

static herr_t d_close(H5FD_t *f)
{
	(void)f;
	return 0;
}

static haddr_t d_get_eoa(const H5FD_t *f, H5FD_mem_t t)
{
	(void)f, (void)t;
	return 0;
}

static herr_t d_set_eoa(H5FD_t *f, H5FD_mem_t t, haddr_t a)
{
	(void)f, (void)t, (void)a;
	return 0;
}

static herr_t d_read(H5FD_t *f, H5FD_mem_t t, hid_t p, haddr_t a, size_t n,
		     void *b)
{
	(void)f, (void)t, (void)p, (void)a, (void)n, (void)b;
	return -1;
}

static herr_t d_write(H5FD_t *f, H5FD_mem_t t, hid_t p, haddr_t a,
		      size_t n, const void *b)
{
	(void)f, (void)t, (void)p, (void)a, (void)n, (void)b;
	return -1;
}

static const H5FD_class_t program_driver = {
#if H5_VERSION_GE(1, 14, 0)
	.version = H5FD_CLASS_VERSION,
	.value = 602,
#endif
	.name = "program_driver",
	.maxaddr = HADDR_MAX,
	.fc_degree = H5F_CLOSE_WEAK,
	.open = d_open,
	.close = d_close,
	.get_eoa = d_get_eoa,
	.set_eoa = d_set_eoa,
	.get_eof = d_get_eoa,
	.read = d_read,
	.write = d_write,
	.fl_map = H5FD_FLMAP_DICHOTOMY,
};

/* Registers the driver, then reads `path` once; returns the sum read, or
 * -1 when the registration fails. */
double real_user_read(const char *path)
{
	if (H5FDregister(&program_driver) < 0)
		return -1;
	return read_n(path, 1);
}
