/*
 * test_redact.c - URL redaction keeps no credential, whatever the URL.
 */
#include <stdio.h>
#include <string.h>

#include "redact.h"

static int failures;

static void expect(const char *url, int keep, const char *want)
{
	char out[256];

	redact_url(out, sizeof(out), url, keep);
	if (strcmp(out, want) != 0) {
		fprintf(stderr, "FAIL: redact(%s, %d) = %s, want %s\n", url,
			keep, out, want);
		failures++;
	}
}

int main(void)
{
	char tiny[8];

	expect("https://b.s3.amazonaws.com/k.h5?X-Amz-Signature=abc&"
	       "X-Amz-Credential=AKIA",
	       0, "https://b.s3.amazonaws.com/k.h5?<redacted>");
	expect("https://b/k.h5?X-Amz-Signature=abc", 1,
	       "https://b/k.h5?X-Amz-Signature=abc");
	expect("http://user:secret@host:80/p", 0, "http://host:80/p");
	expect("http://user:secret@host:80/p", 1, "http://host:80/p");
	expect("http://u:p@ss@host/p?q", 0, "http://host/p?<redacted>");
	expect("http://host", 0, "http://host");
	expect("http://u:p@host?x=1", 0, "http://host?<redacted>");
	expect("/data/file.h5", 0, "/data/file.h5");
	expect("weird?query://x", 0, "weird?query://x");
	expect("", 0, "");
	redact_url(tiny, sizeof(tiny), "http://u:secret@h/?s", 0);
	if (strstr(tiny, "secret") || strlen(tiny) != 7) {
		fprintf(stderr, "FAIL: cut redaction '%s'\n", tiny);
		failures++;
	}
	if (!redact_is_secret_arg("Authorization: Bearer x", "-H") ||
	    !redact_is_secret_arg("hunter2", "--password") ||
	    !redact_is_secret_arg("me:pw", "-u") ||
	    !redact_is_secret_arg("--s3-cred=(r,id,k)", NULL) ||
	    !redact_is_secret_arg("AKIAEXAMPLE", "--id") ||
	    !redact_is_secret_arg("v", "--aws-key") ||
	    redact_is_secret_arg("/data/file.h5", "-o") ||
	    redact_is_secret_arg("-r", NULL)) {
		fprintf(stderr, "FAIL: secret argument detection\n");
		failures++;
	}
	printf("%d passed, %d failed\n", failures ? 0 : 1, failures ? 1 : 0);
	return failures ? 1 : 0;
}
