/*
 * ctor_lib.c - a library whose constructor uses libcurl before main() runs
 * (and so, possibly, before the shim's own constructor): the shim must
 * forward and trace those calls too.  The URL comes from
 * H5SNOOP_TEST_CTOR_URL; without it the constructor does nothing.
 */
#include <curl/curl.h>
#include <stdlib.h>

long ctor_bytes = -1;

static size_t count_bytes(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	*(long *)arg += (long)(size * n);
	return size * n;
}

__attribute__((constructor)) static void fetch_at_load(void)
{
	const char *url = getenv("H5SNOOP_TEST_CTOR_URL");
	CURL *c;

	if (!url)
		return;
	c = curl_easy_init();
	ctor_bytes = 0;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_RANGE, "0-63");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, count_bytes);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &ctor_bytes);
	if (curl_easy_perform(c) != CURLE_OK)
		ctor_bytes = -2;
	curl_easy_cleanup(c);
}
