/*
 * net_read.c - what the net layer costs a read(2) that is not on a
 * followed socket: the common case of every program it is preloaded into.
 *
 *   net_read FILE [ROUNDS] [READS]
 *
 * Each round times READS reads of 64 bytes of FILE (a local file, read
 * again from its start with lseek) through `read` as the program binds it
 * (the shim's wrapper when preloaded) and READS through libc's own read,
 * back to back, so that the machine's noise hits both arms alike; it
 * prints the median over ROUNDS of the difference per read, in ns.
 * Without the shim the figure is the noise floor (both arms are libc's).
 * Figures only; never a pass/fail.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double arm(ssize_t (*rd)(int, void *, size_t), int fd, long reads)
{
	char buf[64];
	double t0 = now_ns();

	for (long i = 0; i < reads; i++) {
		lseek(fd, 0, SEEK_SET);
		if (rd(fd, buf, sizeof(buf)) < 0) {
			perror("read");
			exit(1);
		}
	}
	return (now_ns() - t0) / (double)reads;
}

int main(int argc, char **argv)
{
	void *libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
	ssize_t (*libc_read)(int, void *, size_t);
	long rounds = argc > 2 ? atol(argv[2]) : 41;
	long reads = argc > 3 ? atol(argv[3]) : 20000;
	double *diff, direct = 0, wrapped = 0;
	int fd;

	if (argc < 2 || !libc || rounds < 1 || reads < 1) {
		fprintf(stderr, "usage: net_read FILE [ROUNDS] [READS]\n");
		return 2;
	}
	libc_read = (ssize_t (*)(int, void *, size_t))dlsym(libc, "read");
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || !libc_read) {
		perror(argv[1]);
		return 1;
	}
	diff = calloc((size_t)rounds, sizeof(*diff));
	if (!diff)
		return 1;
	for (long r = 0; r < rounds; r++) {
		double d = arm(libc_read, fd, reads);
		double w = arm(read, fd, reads);

		diff[r] = w - d;
		direct += d;
		wrapped += w;
	}
	qsort(diff, (size_t)rounds, sizeof(*diff), cmp);
	printf("read(2) of 64 bytes: libc %.1f ns, as bound %.1f ns, "
	       "added (median of %ld rounds x %ld) %.1f ns\n",
	       direct / (double)rounds, wrapped / (double)rounds, rounds,
	       reads, diff[rounds / 2]);
	free(diff);
	close(fd);
	return 0;
}
