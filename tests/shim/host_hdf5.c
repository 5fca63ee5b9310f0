/*
 * host_hdf5.c - a host program for the shim tests: reads an HDF5 file
 * through the default (sec2) driver in the ways the tests need.
 *
 *   host_hdf5 read FILE N        N reads of dataset /grp/v0, chunk cache
 *                                off, so each reaches the driver; prints
 *                                the sum of what it read
 *   host_hdf5 threads FILE URL N 8 threads, each doing N HDF5 reads (under
 *                                a lock: Debian's HDF5 is not thread-safe)
 *                                and N libcurl range requests of URL
 *   host_hdf5 fork FILE N        reads, forks; parent and child both read
 *   host_hdf5 die FILE N HOW     N reads, prints "ready", then dies: HOW is
 *                                segv, abort, or hang (for SIGKILL)
 *
 * It knows nothing of h5snoop: it must behave the same with and without.
 */
#include <curl/curl.h>
#include <hdf5.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host_h5read.h"

#define THREADS 8

struct job {
	const char *path;
	const char *url;
	long n;
	double sum;
	long fetched;
};

static pthread_mutex_t hdf5_lock = PTHREAD_MUTEX_INITIALIZER;

static size_t count_bytes(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	*(long *)arg += (long)(size * n);
	return size * n;
}

static void *thread_main(void *arg)
{
	struct job *j = arg;
	CURL *c = curl_easy_init();
	char range[64];

	for (long i = 0; i < j->n; i++) {
		pthread_mutex_lock(&hdf5_lock);
		j->sum += read_n(j->path, 1);
		pthread_mutex_unlock(&hdf5_lock);
		snprintf(range, sizeof(range), "%ld-%ld", i * 100, i * 100 + 99);
		curl_easy_setopt(c, CURLOPT_URL, j->url);
		curl_easy_setopt(c, CURLOPT_RANGE, range);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, count_bytes);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &j->fetched);
		if (curl_easy_perform(c) != CURLE_OK)
			exit(1);
	}
	curl_easy_cleanup(c);
	return NULL;
}

static int run_threads(const char *path, const char *url, long n)
{
	pthread_t t[THREADS];
	struct job jobs[THREADS];
	double sum = 0;
	long fetched = 0;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	for (int i = 0; i < THREADS; i++) {
		jobs[i] = (struct job){path, url, n, 0, 0};
		pthread_create(&t[i], NULL, thread_main, &jobs[i]);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		sum += jobs[i].sum;
		fetched += jobs[i].fetched;
	}
	/* The thread count too: the test reads it here, not a copy. */
	printf("threads=%d sum=%.1f fetched=%ld\n", THREADS, sum, fetched);
	curl_global_cleanup();
	return 0;
}

static int run_fork(const char *path, long n)
{
	double before = read_n(path, n);
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		printf("child sum=%.1f\n", read_n(path, n));
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	printf("parent sum=%.1f %.1f child_status=%d\n", before,
	       read_n(path, n), WEXITSTATUS(status));
	return 0;
}

static int run_die(const char *path, long n, const char *how)
{
	hid_t f = open_file(path);

	for (long i = 0; i < n; i++)
		read_once(f);
	printf("ready\n");
	fflush(stdout);
	if (strcmp(how, "segv") == 0)
		raise(SIGSEGV);
	else if (strcmp(how, "abort") == 0)
		abort();
	for (;;)
		read_once(f); /* until SIGKILL */
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "read") == 0) {
		printf("sum=%.1f\n", read_n(argv[2], atol(argv[3])));
		return 0;
	}
	if (argc == 5 && strcmp(argv[1], "threads") == 0)
		return run_threads(argv[2], argv[3], atol(argv[4]));
	if (argc == 4 && strcmp(argv[1], "fork") == 0)
		return run_fork(argv[2], atol(argv[3]));
	if (argc == 5 && strcmp(argv[1], "die") == 0)
		return run_die(argv[2], atol(argv[3]), argv[4]);
	fprintf(stderr, "usage: see the comment at the top of host_hdf5.c\n");
	return 2;
}
