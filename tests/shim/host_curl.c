/*
 * host_curl.c - a host program for the shim tests: fetches byte ranges
 * with libcurl the ways real clients do.
 *
 *   host_curl easy URL RANGE [HEADER...]   one transfer; RANGE "a-b" set
 *                                          with CURLOPT_RANGE ("-" for
 *                                          none); HEADERs added as given
 *                                          (e.g. "Range: bytes=0-9",
 *                                          "Authorization: ...")
 *   host_curl multi URL RANGE...           all ranges at once through the
 *                                          multi interface, driven by
 *                                          curl_multi_perform and read
 *                                          back with curl_multi_info_read
 *   host_curl cross URL N                  N transfers, each added to a
 *                                          multi handle on the main thread
 *                                          and driven to its end, read and
 *                                          removed on a second thread;
 *                                          after each, the main thread
 *                                          fetches the same range itself
 *                                          (curl_easy_perform)
 *   host_curl full URL N                   one transfer of URL, bytes
 *                                          0-99, through the multi
 *                                          interface; then N idle easy
 *                                          handles made (and kept); then
 *                                          the same transfer again
 *   host_curl errno                        sets errno to 0 and calls
 *                                          curl_easy_init first thing;
 *                                          prints errno after it
 *   host_curl stacks URL N                 N transfers of URL (one easy
 *                                          handle, reused), each made
 *                                          through its own chain of
 *                                          calls (one of 2^14), so that
 *                                          each has a call stack of its
 *                                          own
 *   host_curl cancel URL                   after curl_global_init, a
 *                                          thread with a cancel pending
 *                                          makes the process's first
 *                                          curl_easy_init (and dies at a
 *                                          cancellation point); then the
 *                                          main thread fetches URL
 *
 * Prints each transfer's status and byte count, in argument order.
 */
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TRANSFERS 64

static size_t count_bytes(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	*(long *)arg += (long)(size * n);
	return size * n;
}

static CURL *make_handle(const char *url, const char *range, long *bytes)
{
	CURL *c = curl_easy_init();

	curl_easy_setopt(c, CURLOPT_URL, url);
	if (strcmp(range, "-") != 0)
		curl_easy_setopt(c, CURLOPT_RANGE, range);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, count_bytes);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, bytes);
	return c;
}

static int run_easy(int argc, char **argv)
{
	struct curl_slist *headers = NULL;
	long bytes = 0, status = 0;
	CURL *c = make_handle(argv[2], argv[3], &bytes);
	CURLcode rc;

	for (int i = 4; i < argc; i++)
		headers = curl_slist_append(headers, argv[i]);
	if (headers)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	printf("rc=%d status=%ld bytes=%ld\n", (int)rc, status, bytes);
	curl_easy_cleanup(c);
	curl_slist_free_all(headers);
	return rc == CURLE_OK ? 0 : 1;
}

static int run_multi(int argc, char **argv)
{
	CURLM *m = curl_multi_init();
	CURL *handles[MAX_TRANSFERS];
	long bytes[MAX_TRANSFERS] = {0};
	int results[MAX_TRANSFERS] = {0};
	int n = argc - 3, running = 1, queued;
	CURLMsg *msg;

	if (n > MAX_TRANSFERS)
		n = MAX_TRANSFERS;
	for (int i = 0; i < n; i++) {
		handles[i] = make_handle(argv[2], argv[3 + i], &bytes[i]);
		curl_multi_add_handle(m, handles[i]);
	}
	while (running) {
		curl_multi_perform(m, &running);
		if (running)
			curl_multi_poll(m, NULL, 0, 1000, NULL);
	}
	while ((msg = curl_multi_info_read(m, &queued)))
		for (int i = 0; i < n; i++)
			if (msg->msg == CURLMSG_DONE &&
			    msg->easy_handle == handles[i])
				results[i] = (int)msg->data.result;
	for (int i = 0; i < n; i++) {
		long status = 0;

		curl_easy_getinfo(handles[i], CURLINFO_RESPONSE_CODE, &status);
		printf("range=%s rc=%d status=%ld bytes=%ld\n", argv[3 + i],
		       results[i], status, bytes[i]);
		curl_multi_remove_handle(m, handles[i]);
		curl_easy_cleanup(handles[i]);
	}
	curl_multi_cleanup(m);
	return 0;
}

/* ---- full: many live handles, then a transfer ---- */

static int run_full(const char *url, long n)
{
	CURL **idle = calloc((size_t)(n > 0 ? n : 1), sizeof(*idle));
	char *argv[4] = {"host_curl", "multi", (char *)url, "0-99"};
	int rc;

	if (!idle)
		return 1;
	rc = run_multi(4, argv);
	for (long i = 0; i < n; i++)
		idle[i] = curl_easy_init();
	rc |= run_multi(4, argv);
	for (long i = 0; i < n; i++)
		curl_easy_cleanup(idle[i]);
	free(idle);
	return rc;
}

/* ---- cross: added on one thread, finished on another ---- */

struct cross {
	CURLM *m;
	CURL *c;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int state; /* 0 idle, 1 added (worker's turn), 2 done, 3 quit */
	int result;
};

static void *cross_worker(void *arg)
{
	struct cross *x = arg;

	pthread_mutex_lock(&x->lock);
	for (;;) {
		int running = 1, queued;
		CURLMsg *msg;

		while (x->state != 1 && x->state != 3)
			pthread_cond_wait(&x->cond, &x->lock);
		if (x->state == 3)
			break;
		while (running) {
			curl_multi_perform(x->m, &running);
			if (running)
				curl_multi_poll(x->m, NULL, 0, 1000, NULL);
		}
		while ((msg = curl_multi_info_read(x->m, &queued)))
			if (msg->msg == CURLMSG_DONE)
				x->result = (int)msg->data.result;
		curl_multi_remove_handle(x->m, x->c);
		curl_easy_cleanup(x->c);
		x->state = 2;
		pthread_cond_broadcast(&x->cond);
	}
	pthread_mutex_unlock(&x->lock);
	return NULL;
}

static int run_cross(const char *url, long n)
{
	struct cross x = {.m = curl_multi_init(),
			  .lock = PTHREAD_MUTEX_INITIALIZER,
			  .cond = PTHREAD_COND_INITIALIZER};
	pthread_t worker;
	long multi_bytes = 0, easy_bytes = 0, failures = 0;

	if (pthread_create(&worker, NULL, cross_worker, &x) != 0)
		return 1;
	for (long i = 0; i < n; i++) {
		char range[64];
		long bytes = 0;
		CURL *own;

		snprintf(range, sizeof(range), "%ld-%ld", i * 10, i * 10 + 9);
		pthread_mutex_lock(&x.lock);
		x.c = make_handle(url, range, &multi_bytes);
		curl_multi_add_handle(x.m, x.c);
		x.state = 1;
		pthread_cond_broadcast(&x.cond);
		while (x.state != 2)
			pthread_cond_wait(&x.cond, &x.lock);
		failures += x.result != CURLE_OK;
		pthread_mutex_unlock(&x.lock);
		own = make_handle(url, range, &bytes);
		failures += curl_easy_perform(own) != CURLE_OK;
		curl_easy_cleanup(own);
		easy_bytes += bytes;
	}
	pthread_mutex_lock(&x.lock);
	x.state = 3;
	pthread_cond_broadcast(&x.cond);
	pthread_mutex_unlock(&x.lock);
	pthread_join(worker, NULL);
	curl_multi_cleanup(x.m);
	printf("transfers=%ld multi_bytes=%ld easy_bytes=%ld failures=%ld\n",
	       2 * n, multi_bytes, easy_bytes, failures);
	return failures ? 1 : 0;
}

/* ---- errno and cancellation around the first curl call ---- */

static int run_errno(void)
{
	CURL *c;
	int err;

	errno = 0;
	c = curl_easy_init();
	err = errno;
	printf("init=%s errno=%d\n", c ? "ok" : "failed", err);
	if (c)
		curl_easy_cleanup(c);
	return 0;
}

static void *cancelled_first_call(void *arg)
{
	(void)arg;
	pthread_cancel(pthread_self());
	/* The first curl call: any cancellation point inside ends us. */
	curl_easy_cleanup(curl_easy_init());
	pthread_testcancel();
	return NULL;
}

static int run_cancel(const char *url)
{
	pthread_t t;
	void *how = NULL;
	long bytes = 0, status = 0;
	CURL *c;
	CURLcode rc;

	/* libcurl's own set-up first: a thread cancelled inside it would
	 * leave libcurl's locks held, shim or not. */
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (pthread_create(&t, NULL, cancelled_first_call, NULL) != 0)
		return 1;
	pthread_join(t, &how);
	c = make_handle(url, "0-99", &bytes);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	printf("thread %s; then rc=%d status=%ld bytes=%ld\n",
	       how == PTHREAD_CANCELED ? "cancelled" : "returned", (int)rc,
	       status, bytes);
	return rc == CURLE_OK ? 0 : 1;
}

/* The transfers of `stacks`: walk() goes down STACK_LEVELS levels, each
 * through left() or right() by one bit of the transfer's number, then
 * makes the transfer; so transfer i's call stack is its own for i below
 * 2^STACK_LEVELS.  NOTE: noinline, and work after each call (no tail
 * call), so that every level keeps its frame; left and right differ so
 * that they are never folded into one. */
#define STACK_LEVELS 14

static CURL *stacks_handle;
static long stacks_bytes, stacks_failed;
static volatile long stacks_path_sum;

static __attribute__((noinline)) long walk(unsigned level, unsigned bits);

static __attribute__((noinline)) long left(unsigned level, unsigned bits)
{
	long r = walk(level, bits);

	stacks_path_sum += r;
	return r + 1;
}

static __attribute__((noinline)) long right(unsigned level, unsigned bits)
{
	long r = walk(level, bits);

	stacks_path_sum -= r;
	return r + 2;
}

static __attribute__((noinline)) long walk(unsigned level, unsigned bits)
{
	if (level == 0) {
		if (curl_easy_perform(stacks_handle) != CURLE_OK)
			stacks_failed++;
		return 0;
	}
	return bits & 1u ? left(level - 1, bits >> 1)
			 : right(level - 1, bits >> 1);
}

static int run_stacks(const char *url, long n)
{
	stacks_handle = make_handle(url, "-", &stacks_bytes);
	for (long i = 0; i < n; i++)
		walk(STACK_LEVELS, (unsigned)i);
	curl_easy_cleanup(stacks_handle);
	printf("transfers=%ld failed=%ld bytes=%ld\n", n, stacks_failed,
	       stacks_bytes);
	return stacks_failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	int rc = 2;

	/* Before any other curl call: these test the first one. */
	if (argc == 2 && strcmp(argv[1], "errno") == 0)
		return run_errno();
	if (argc == 3 && strcmp(argv[1], "cancel") == 0)
		return run_cancel(argv[2]);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (argc >= 4 && strcmp(argv[1], "easy") == 0)
		rc = run_easy(argc, argv);
	else if (argc >= 4 && strcmp(argv[1], "multi") == 0)
		rc = run_multi(argc, argv);
	else if (argc == 4 && strcmp(argv[1], "full") == 0)
		rc = run_full(argv[2], atol(argv[3]));
	else if (argc == 4 && strcmp(argv[1], "cross") == 0)
		rc = run_cross(argv[2], atol(argv[3]));
	else if (argc == 4 && strcmp(argv[1], "stacks") == 0)
		rc = run_stacks(argv[2], atol(argv[3]));
	else
		fprintf(stderr, "usage: see the top of host_curl.c\n");
	curl_global_cleanup();
	return rc;
}
