/*
 * host_two_curls.c - a host program linked to two libraries, each linked
 * to a different libcurl (see two_curls_lib.c).  Prints what each fetched.
 *
 *   host_two_curls URL
 */
#include <stdio.h>

long fetch_openssl(const char *url, const char *range);
long fetch_gnutls(const char *url, const char *range);

int main(int argc, char **argv)
{
	long a, b;

	if (argc != 2) {
		fprintf(stderr, "usage: host_two_curls URL\n");
		return 2;
	}
	a = fetch_openssl(argv[1], "0-99");
	b = fetch_gnutls(argv[1], "100-299");
	printf("openssl=%ld gnutls=%ld\n", a, b);
	return a == 100 && b == 200 ? 0 : 1;
}
