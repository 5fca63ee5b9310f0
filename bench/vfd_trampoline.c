/*
 * vfd_trampoline.c - what the shim adds to one driver read, measured in
 * one process: a minimal in-memory driver is registered through
 * H5FDregister (so, under the shim, its class gets the shim's
 * trampolines), then rounds of N reads call the driver's read function
 * directly and through the registered class, back to back, each timed
 * by the thread's CPU clock.  The median over rounds of the difference is
 * the cost of the trampoline and the event it writes (with the kernel's
 * work for the trace's pages); the machine's noise hits both halves of a
 * round alike.
 *
 *   vfd_trampoline [ROUNDS] [READS_PER_ROUND]
 *
 * Prints "direct_ns=D traced_ns=T added_ns=A" (per read, medians).
 * Without the shim, added_ns is about 0: both calls reach the same
 * function.
 */
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FILE_BYTES 65536

struct mem_file {
	H5FD_t pub; /* public part first, as HDF5 requires */
	haddr_t eoa;
};

static unsigned char contents[FILE_BYTES];

static H5FD_t *mem_open(const char *name, unsigned flags, hid_t fapl,
			haddr_t maxaddr)
{
	struct mem_file *f = calloc(1, sizeof(*f));

	(void)name, (void)flags, (void)fapl, (void)maxaddr;
	return f ? &f->pub : NULL;
}

static herr_t mem_close(H5FD_t *file)
{
	free(file);
	return 0;
}

static haddr_t mem_get_eoa(const H5FD_t *file, H5FD_mem_t type)
{
	(void)type;
	return ((const struct mem_file *)file)->eoa;
}

static herr_t mem_set_eoa(H5FD_t *file, H5FD_mem_t type, haddr_t addr)
{
	(void)type;
	((struct mem_file *)file)->eoa = addr;
	return 0;
}

static haddr_t mem_get_eof(const H5FD_t *file, H5FD_mem_t type)
{
	(void)file, (void)type;
	return FILE_BYTES;
}

static herr_t mem_read(H5FD_t *file, H5FD_mem_t type, hid_t dxpl,
		       haddr_t addr, size_t size, void *buf)
{
	(void)file, (void)type, (void)dxpl;
	memcpy(buf, contents + (addr % (FILE_BYTES - size)), size);
	return 0;
}

static herr_t mem_write(H5FD_t *file, H5FD_mem_t type, hid_t dxpl,
			haddr_t addr, size_t size, const void *buf)
{
	(void)file, (void)type, (void)dxpl, (void)addr, (void)size, (void)buf;
	return -1;
}

/* RATIONALE: the thread's CPU time, not the wall clock: on a shared
 * machine a round preempted by other jobs would otherwise count their
 * time as ours.  Page faults and system calls made by the shim on this
 * thread (starting packets) still count. */
static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	static H5FD_class_t cls;
	int rounds = argc > 1 ? atoi(argv[1]) : 41;
	long n = argc > 2 ? atol(argv[2]) : 100000;
	double *direct = calloc((size_t)rounds, sizeof(double));
	double *traced = calloc((size_t)rounds, sizeof(double));
	double *added = calloc((size_t)rounds, sizeof(double));
	unsigned char buf[64];
	hid_t id, fapl;
	H5FD_t *f;

	cls.name = "bench_mem";
	cls.maxaddr = HADDR_MAX;
	cls.fc_degree = H5F_CLOSE_WEAK;
	cls.open = mem_open;
	cls.close = mem_close;
	cls.get_eoa = mem_get_eoa;
	cls.set_eoa = mem_set_eoa;
	cls.get_eof = mem_get_eof;
	cls.read = mem_read;
	cls.write = mem_write;
	id = H5FDregister(&cls);
	fapl = H5Pcreate(H5P_FILE_ACCESS);
	if (id < 0 || H5Pset_driver(fapl, id, NULL) < 0)
		return 1;
	f = H5FDopen("bench", H5F_ACC_RDONLY, fapl, HADDR_UNDEF);
	if (!f || !direct || !traced || !added)
		return 1;
	for (int r = 0; r < rounds; r++) {
		uint64_t t0 = now_ns(), t1, t2;

		for (long i = 0; i < n; i++)
			mem_read(f, H5FD_MEM_DRAW, H5P_DEFAULT,
				 (haddr_t)(i * 64), sizeof(buf), buf);
		t1 = now_ns();
		for (long i = 0; i < n; i++)
			f->cls->read(f, H5FD_MEM_DRAW, H5P_DEFAULT,
				     (haddr_t)(i * 64), sizeof(buf), buf);
		t2 = now_ns();
		direct[r] = (double)(t1 - t0) / (double)n;
		traced[r] = (double)(t2 - t1) / (double)n;
		added[r] = traced[r] - direct[r];
	}
	qsort(direct, (size_t)rounds, sizeof(double), cmp_double);
	qsort(traced, (size_t)rounds, sizeof(double), cmp_double);
	qsort(added, (size_t)rounds, sizeof(double), cmp_double);
	printf("reads=%ld direct_ns=%.1f traced_ns=%.1f added_ns=%.1f\n",
	       (long)rounds * n, direct[rounds / 2], traced[rounds / 2],
	       added[rounds / 2]);
	H5FDclose(f);
	H5Pclose(fapl);
	return 0;
}
