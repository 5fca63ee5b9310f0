/*
 * two_curls_lib.c - built twice, once against Debian's OpenSSL libcurl
 * (libcurl.so.4) and once against its GnuTLS build (libcurl-gnutls.so.4),
 * as TWO_CURLS_NAME fetch_openssl / fetch_gnutls: one process then holds
 * two libcurls, as GDAL programs that also load HDF5 do.
 */
#include <curl/curl.h>
#include <string.h>

static size_t count_bytes(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	*(long *)arg += (long)(size * n);
	return size * n;
}

/* Fetches `range` of `url`; returns the body bytes, or -1. */
long TWO_CURLS_NAME(const char *url, const char *range)
{
	CURL *c = curl_easy_init();
	long bytes = 0;
	CURLcode rc;

	if (!c)
		return -1;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_RANGE, range);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, count_bytes);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &bytes);
	rc = curl_easy_perform(c);
	curl_easy_cleanup(c);
	return rc == CURLE_OK ? bytes : -1;
}
