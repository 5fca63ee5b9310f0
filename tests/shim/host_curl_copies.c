/*
 * host_curl_copies.c - loads N libraries DIR/libcurl_copy_I.so (I = 0..N-1)
 * with dlopen(RTLD_LOCAL), each linked to its own copy of libcurl (see
 * tests/shim/CMakeLists.txt), and has each fetch its own byte range of URL:
 * I*1000 to I*1000+I+9.  Prints what each fetched; exit 0 when every fetch
 * brought its range's length.  It knows nothing of h5snoop.
 *
 *   host_curl_copies DIR N URL
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

typedef long (*fetch_fn)(const char *url, const char *range);

int main(int argc, char **argv)
{
	char path[4096], range[64];
	int n, bad = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: host_curl_copies DIR N URL\n");
		return 2;
	}
	n = atoi(argv[2]);
	for (int i = 0; i < n; i++) {
		void *lib;
		fetch_fn fetch;
		long got;

		snprintf(path, sizeof(path), "%s/libcurl_copy_%d.so", argv[1],
			 i);
		lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		if (!lib) {
			fprintf(stderr, "host_curl_copies: %s\n", dlerror());
			return 2;
		}
		fetch = (fetch_fn)dlsym(lib, "fetch_copy");
		if (!fetch) {
			fprintf(stderr, "host_curl_copies: %s\n", dlerror());
			return 2;
		}
		snprintf(range, sizeof(range), "%d-%d", i * 1000,
			 i * 1000 + i + 9);
		got = fetch(argv[3], range);
		printf("copy %d range %s bytes %ld\n", i, range, got);
		bad |= got != i + 10;
	}
	return bad;
}
