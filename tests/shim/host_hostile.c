/*
 * host_hostile.c - a host program for the shim tests that does to its file
 * descriptors and limits what production programs do, and checks that its
 * own files come out as it wrote them.
 *
 *   host_hostile reuse-files FILE DIR N
 *       reads FILE through HDF5, closes every fd above 2 (close_range, as
 *       daemons and job launchers do), opens DIR/out.0..7 (taking the
 *       lowest numbers again), makes N more HDF5 reads of FILE (each
 *       opening it anew), writes a known 200,000-byte payload to each out
 *       file and checks each holds exactly that
 *   host_hostile reuse-dirs FILE DIR
 *       reads FILE, closes every fd above 2, opens eight directories
 *       DIR/d0..7 and puts its own `metadata` file in each, calls
 *       libcurl (its version is news to a tracer), reads FILE again, and
 *       checks each directory still holds only its own file, unchanged
 *   host_hostile hold-open DIR N EXTRA
 *       N threads each open DIR/fI.h5 (I = 0..N-1) and keep it open; then
 *       the main thread opens /dev/null EXTRA times and prints how many
 *       opens failed with EMFILE
 *   host_hostile open-many DIR N
 *       opens DIR/fI.h5 for I = 0..N-1, all at once, reads each, closes
 *       them all; prints the sum read
 *
 * Exit status: 0 when every check holds, 1 otherwise.  It knows nothing of
 * h5snoop: it must behave the same with and without.
 */
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host_h5read.h"

#define OUTS 8
#define PAYLOAD_BYTES 200000
#define HOST_METADATA "the host's own metadata\n"

static pthread_mutex_t hdf5_lock = PTHREAD_MUTEX_INITIALIZER;

static void close_all_above_stderr(void)
{
	for (int fd = 3; fd < 4096; fd++)
		close(fd);
}

static char payload_byte(size_t i)
{
	return (char)('a' + (i * 7 + i / 251) % 26);
}

static int payload_ok(const char *path)
{
	char buf[8192];
	size_t at = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY), ok = 1;

	if (fd < 0)
		return 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n && ok; i++)
			ok = at + (size_t)i < PAYLOAD_BYTES &&
			     buf[i] == payload_byte(at + (size_t)i);
		at += (size_t)n;
	}
	close(fd);
	if (!ok || at != PAYLOAD_BYTES)
		fprintf(stderr, "%s: %zu bytes, %s\n", path, at,
			ok ? "right prefix" : "wrong bytes");
	return ok && at == PAYLOAD_BYTES;
}

static int reuse_files(const char *file, const char *dir, long n)
{
	char path[4096];
	int fds[OUTS], ok = 1;
	double sum = read_n(file, 2);

	close_all_above_stderr();
	for (int i = 0; i < OUTS; i++) {
		snprintf(path, sizeof(path), "%s/out.%d", dir, i);
		fds[i] = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
		if (fds[i] < 0)
			return 1;
	}
	for (long i = 0; i < n; i++)
		sum += read_n(file, 1);
	for (int i = 0; i < OUTS; i++) {
		for (size_t at = 0; at < PAYLOAD_BYTES; at++) {
			char c = payload_byte(at);

			if (write(fds[i], &c, 1) != 1)
				return 1;
		}
		close(fds[i]);
	}
	for (int i = 0; i < OUTS; i++) {
		snprintf(path, sizeof(path), "%s/out.%d", dir, i);
		ok &= payload_ok(path);
	}
	printf("sum=%.1f files=%s\n", sum, ok ? "intact" : "DAMAGED");
	return ok ? 0 : 1;
}

/* 1 when dir holds only `metadata`, with the host's text. */
static int dir_untouched(const char *dir)
{
	char path[4200], buf[256];
	struct dirent *e;
	DIR *d = opendir(dir);
	int ok = 1, fd;
	ssize_t n;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    strcmp(e->d_name, "metadata")) {
			fprintf(stderr, "%s: foreign file %s\n", dir,
				e->d_name);
			ok = 0;
		}
	closedir(d);
	snprintf(path, sizeof(path), "%s/metadata", dir);
	fd = open(path, O_RDONLY);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n != (ssize_t)strlen(HOST_METADATA) ||
	    memcmp(buf, HOST_METADATA, (size_t)n) != 0) {
		fprintf(stderr, "%s/metadata is not the host's\n", dir);
		ok = 0;
	}
	return ok;
}

static int reuse_dirs(const char *file, const char *dir)
{
	char path[4096];
	int fds[OUTS], ok = 1;
	double sum = read_n(file, 2);
	CURL *c;

	close_all_above_stderr();
	for (int i = 0; i < OUTS; i++) {
		int f;

		snprintf(path, sizeof(path), "%s/d%d", dir, i);
		if (mkdir(path, 0755) != 0)
			return 1;
		fds[i] = open(path, O_RDONLY | O_DIRECTORY);
		f = fds[i] < 0 ? -1
			       : openat(fds[i], "metadata",
					O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (f < 0 || write(f, HOST_METADATA, strlen(HOST_METADATA)) !=
				     (ssize_t)strlen(HOST_METADATA))
			return 1;
		close(f);
	}
	c = curl_easy_init();
	if (!c)
		return 1;
	curl_easy_cleanup(c);
	sum += read_n(file, 2);
	for (int i = 0; i < OUTS; i++) {
		close(fds[i]);
		snprintf(path, sizeof(path), "%s/d%d", dir, i);
		ok &= dir_untouched(path);
	}
	printf("sum=%.1f dirs=%s\n", sum, ok ? "intact" : "DAMAGED");
	return ok ? 0 : 1;
}

struct holder {
	pthread_t thread;
	char path[4096];
	hid_t f;
	double sum;
};

static pthread_barrier_t opened, release;

static void *hold_one(void *arg)
{
	struct holder *h = arg;

	pthread_mutex_lock(&hdf5_lock);
	h->f = open_file(h->path);
	if (h->f >= 0)
		h->sum = read_once(h->f);
	pthread_mutex_unlock(&hdf5_lock);
	pthread_barrier_wait(&opened);
	pthread_barrier_wait(&release);
	pthread_mutex_lock(&hdf5_lock);
	if (h->f >= 0)
		H5Fclose(h->f);
	pthread_mutex_unlock(&hdf5_lock);
	return NULL;
}

static int hold_open(const char *dir, long n, long extra)
{
	struct holder *h = calloc((size_t)n, sizeof(*h));
	int *fds = calloc((size_t)extra, sizeof(int));
	long emfile = 0, other = 0, failed_opens = 0;
	double sum = 0;

	if (!h || !fds)
		return 1;
	pthread_barrier_init(&opened, NULL, (unsigned)n + 1);
	pthread_barrier_init(&release, NULL, (unsigned)n + 1);
	for (long i = 0; i < n; i++) {
		snprintf(h[i].path, sizeof(h[i].path), "%s/f%ld.h5", dir, i);
		if (pthread_create(&h[i].thread, NULL, hold_one, &h[i]) != 0)
			return 1;
	}
	pthread_barrier_wait(&opened);
	for (long i = 0; i < extra; i++) {
		fds[i] = open("/dev/null", O_RDONLY);
		if (fds[i] < 0 && errno == EMFILE)
			emfile++;
		else if (fds[i] < 0)
			other++;
	}
	for (long i = 0; i < extra; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	pthread_barrier_wait(&release);
	for (long i = 0; i < n; i++) {
		pthread_join(h[i].thread, NULL);
		failed_opens += h[i].f < 0;
		sum += h[i].sum;
	}
	printf("threads=%ld hdf5_open_failures=%ld sum=%.1f "
	       "host_opens_emfile=%ld other_failures=%ld\n",
	       n, failed_opens, sum, emfile, other);
	free(h);
	free(fds);
	return 0;
}

static int open_many(const char *dir, long n)
{
	hid_t *f = calloc((size_t)n, sizeof(hid_t));
	char path[4096];
	double sum = 0;

	if (!f)
		return 1;
	for (long i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%ld.h5", dir, i);
		f[i] = open_file(path);
		if (f[i] < 0)
			return 1;
	}
	for (long i = 0; i < n; i++)
		sum += read_once(f[i]);
	for (long i = 0; i < n; i++)
		H5Fclose(f[i]);
	printf("files=%ld sum=%.1f\n", n, sum);
	free(f);
	return 0;
}

int main(int argc, char **argv)
{
	/* Failures are counted and printed by the modes, not by HDF5. */
	H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
	if (argc == 5 && strcmp(argv[1], "reuse-files") == 0)
		return reuse_files(argv[2], argv[3], atol(argv[4]));
	if (argc == 4 && strcmp(argv[1], "reuse-dirs") == 0)
		return reuse_dirs(argv[2], argv[3]);
	if (argc == 5 && strcmp(argv[1], "hold-open") == 0)
		return hold_open(argv[2], atol(argv[3]), atol(argv[4]));
	if (argc == 4 && strcmp(argv[1], "open-many") == 0)
		return open_many(argv[2], atol(argv[3]));
	fprintf(stderr, "usage: host_hostile reuse-files|reuse-dirs|"
			"hold-open|open-many ...\n");
	return 2;
}
