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
 *
 * Prints each transfer's status and byte count, in argument order.
 */
#include <curl/curl.h>
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

int main(int argc, char **argv)
{
	int rc = 2;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (argc >= 4 && strcmp(argv[1], "easy") == 0)
		rc = run_easy(argc, argv);
	else if (argc >= 4 && strcmp(argv[1], "multi") == 0)
		rc = run_multi(argc, argv);
	else
		fprintf(stderr, "usage: see the top of host_curl.c\n");
	curl_global_cleanup();
	return rc;
}
