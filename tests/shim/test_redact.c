/*
 * test_redact.c - redaction keeps no credential, whatever the string: the
 * exact output for each form (tables), then properties over every form:
 * no planted secret survives at any output size, nor in very long
 * strings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"

static int failures, checks;

#define KQ 1 /* keep_query */

static const struct {
	const char *in;
	int keep_query;
	const char *want;
} strings[] = {
	/* plain text and paths are left alone */
	{"", 0, ""},
	{"/data/file.h5", 0, "/data/file.h5"},
	{"/data/we ird?name#1.h5", 0, "/data/we ird?name#1.h5"},
	{"weird?query://x", 0, "weird?query://x"},
	{"sec2", 0, "sec2"},
	{"/vsis3/bucket/key.h5", 0, "/vsis3/bucket/key.h5"},
	{"/vsigs/bucket/dir/key.h5", 0, "/vsigs/bucket/dir/key.h5"},
	{"/vsiaz/container/key.h5", 0, "/vsiaz/container/key.h5"},
	{"/vsiadls/fs/key.h5", 0, "/vsiadls/fs/key.h5"},
	{"/vsioss/bucket/key.h5", 0, "/vsioss/bucket/key.h5"},
	{"/vsiswift/container/key.h5", 0, "/vsiswift/container/key.h5"},
	{"mail bob at 10:30", 0, "mail bob at 10:30"},
	{"[::1]:80", 0, "[::1]:80"},
	/* a scheme, at the start */
	{"https://b.s3.amazonaws.com/k.h5?X-Amz-Signature=abc&"
	 "X-Amz-Credential=AKIA",
	 0, "https://b.s3.amazonaws.com/k.h5?<redacted>"},
	{"https://b/k.h5?X-Amz-Signature=abc", KQ,
	 "https://b/k.h5?X-Amz-Signature=abc"},
	{"http://user:secret@host:80/p", 0, "http://<redacted>@host:80/p"},
	{"http://user:secret@host:80/p", KQ, "http://<redacted>@host:80/p"},
	{"http://user@host/p", 0, "http://<redacted>@host/p"},
	{"http://u:p@ss@host/p?q", 0, "http://<redacted>@host/p?<redacted>"},
	{"http://u:p%40ss@host/p", 0, "http://<redacted>@host/p"},
	{"HTTP://U:SECRET@HOST/P", 0, "HTTP://<redacted>@HOST/P"},
	{"http://host", 0, "http://host"},
	{"http://u:p@host?x=1", 0, "http://<redacted>@host?<redacted>"},
	{"http://u:p@host#frag", 0, "http://<redacted>@host#<redacted>"},
	{"http://[::1]:8080/a?b", 0, "http://[::1]:8080/a?<redacted>"},
	{"http://u:pw@[::1]:8080/a", 0, "http://<redacted>@[::1]:8080/a"},
	/* fragments: always dropped; queries kept only with keep_query */
	{"https://h/d.h5#access_token=tok", 0, "https://h/d.h5#<redacted>"},
	{"https://h/d.h5#access_token=tok", KQ, "https://h/d.h5#<redacted>"},
	{"https://h/d.h5?a=1#access_token=tok", KQ,
	 "https://h/d.h5?a=1#<redacted>"},
	{"https://h/d.h5?a=1#access_token=tok", 0, "https://h/d.h5?<redacted>"},
	/* a password holding '/', '?' or '#' unencoded */
	{"http://alice:pa/ss@host/d.h5", 0, "http://<redacted>@host/d.h5"},
	{"http://alice:pa?ss@host/d.h5", KQ, "http://<redacted>@host/d.h5"},
	{"http://alice:pa#ss@host/d.h5", KQ, "http://<redacted>@host/d.h5"},
	{"http://host:8080/p/x@y.h5", 0, "http://host:8080/p/x@y.h5"},
	/* in the middle or at the end of a string, with punctuation */
	{"<File-like object HTTPFileSystem, http://u:pw@h/d.h5?sig=1>", 0,
	 "<File-like object HTTPFileSystem, http://<redacted>@h/d.h5?"
	 "<redacted>"},
	{"see (https://u:pw@h/x), then", 0, "see (https://<redacted>@h/x), then"},
	{"a https://h/x?s=1 b", 0, "a https://h/x?<redacted>"},
	{"x='https://u:pw@h/y'", 0, "x='https://<redacted>@h/y'"},
	{"\"http://u:pw@h\"", 0, "\"http://<redacted>@h\""},
	{"two http://a:1@h1/x and ftp://b:2@h2/y", 0,
	 "two http://<redacted>@h1/x and ftp://<redacted>@h2/y"},
	/* no scheme, where curl takes it for a URL */
	{"alice:pw@host/d.h5?sig=abc", 0, "<redacted>@host/d.h5?<redacted>"},
	{"alice:pw@host", 0, "<redacted>@host"},
	{"host:8080/path?X-Amz-Signature=s", 0, "host:8080/path?<redacted>"},
	{"localhost/d.h5?sig=s", 0, "localhost/d.h5?<redacted>"},
	{"example.org/d.h5#tok", 0, "example.org/d.h5#<redacted>"},
	{"alice:pa/ss@host/d", 0, "<redacted>@host/d"},
	{"url=alice:pw@host/d", 0, "<redacted>@host/d"},
	{"x url=alice:pw@host/d", 0, "x <redacted>@host/d"},
	{"a?b c#d", 0, "a?b c#d"},
	{"host:8080?sig=s", 0, "host:8080?<redacted>"},
	{"bob@example.org", 0, "<redacted>@example.org"},
	/* GDAL paths */
	{"/vsicurl/http://alice:pw@127.0.0.1:8080/d.h5?X-Amz-Credential=AKIA"
	 "&X-Amz-Signature=s",
	 0, "/vsicurl/http://<redacted>@127.0.0.1:8080/d.h5?<redacted>"},
	{"/vsicurl/alice:pw@host/d.h5?sig=s", 0,
	 "/vsicurl/<redacted>@host/d.h5?<redacted>"},
	{"/vsicurl_streaming/https://h/d.h5?sig=s", 0,
	 "/vsicurl_streaming/https://h/d.h5?<redacted>"},
	{"/vsizip//vsicurl/http://u:pw@h/a.zip/in.h5", 0,
	 "/vsizip//vsicurl/http://<redacted>@h/a.zip/in.h5"},
	{"/vsizip/{/vsicurl/http://u:pw@h/a.zip?s=1}/in.h5", 0,
	 "/vsizip/{/vsicurl/http://<redacted>@h/a.zip?<redacted>"},
	{"/vsihdfs/hdfs://user:pw@nn:8020/p.h5", 0,
	 "/vsihdfs/hdfs://<redacted>@nn:8020/p.h5"},
	{"/vsis3/bucket/key.h5?token=t", 0, "/vsis3/bucket/key.h5?<redacted>"},
	{"/vsicurl?url=http%3A%2F%2Falice%3Apw%40h%3A80%2Fd.h5%3Fsig%3Ds", 0,
	 "/vsicurl?url=http%3A%2F%2F<redacted>@h%3A80%2Fd.h5?<redacted>"},
	{"/vsicurl?url=http%3a%2f%2falice%3apw%40h%2fd.h5%3fsig%3ds&"
	 "use_head=no",
	 0, "/vsicurl?url=http%3a%2f%2f<redacted>@h%2fd.h5?<redacted>&"
	    "<redacted>"},
	{"/vsicurl?use_head=no&cookie=sid%3Dtok&url=http%3A%2F%2Fh%2Fd.h5", 0,
	 "/vsicurl?url=http%3A%2F%2Fh%2Fd.h5&<redacted>"},
	{"/vsicurl?url=http%3A%2F%2Fh%2Fd.h5%3Fa%3D1&header.X=tok", KQ,
	 "/vsicurl?url=http%3A%2F%2Fh%2Fd.h5%3Fa%3D1&<redacted>"},
	{"/vsicurl?url=alice%3Apw%40h%2Fd.h5%3Fs%3D1", 0,
	 "/vsicurl?url=<redacted>@h%2Fd.h5?<redacted>"},
	{"/vsicurl?url=http://alice:pw@h/d.h5", 0,
	 "/vsicurl?url=http://<redacted>@h/d.h5"},
	{"/vsicurl?cookie=tok", 0, "/vsicurl?<redacted>"},
	/* percent-encoded inside another URL, at any depth, any case */
	{"https://proxy/fetch/http%3A%2F%2Falice%3Apw%40h%2Fd.h5%3Fsig%3Ds",
	 0, "https://proxy/fetch/http%3A%2F%2F<redacted>@h%2Fd.h5?<redacted>"},
	{"https://p/f?u=http%3A%2F%2Falice%3Apw%40h%2Fd.h5%3Fsig%3Ds", KQ,
	 "https://p/f?u=http%3A%2F%2F<redacted>@h%2Fd.h5%3Fsig%3Ds"},
	{"https://p/f?u=http%3a%2f%2falice%3apw%40h%2fd", KQ,
	 "https://p/f?u=http%3a%2f%2f<redacted>@h%2fd"},
	{"https://p/f?u=https%253A%252F%252Fa%253Ab%2540h%252Fx", KQ,
	 "https://p/f?u=https%253A%252F%252F<redacted>@h%252Fx"},
	{"https://p/f?u=https%25253A%25252F%25252Fa%25253Ab%252540h", KQ,
	 "https://p/f?u=https%25253A%25252F%25252F<redacted>@h"},
	{"https://p/f?u=http%3A%2F%2Fh%2Fx%23access_token%3Dt&b=2", KQ,
	 "https://p/f?u=http%3A%2F%2Fh%2Fx#<redacted>"},
	{"https://p/f%3Fx?u=1", 0, "https://p/f%3Fx?<redacted>"},
	{"https://p/a%2Fb%40c", 0, "https://p/a%2Fb%40c"},
	{"http://alice:pa%2Fss@h/x", 0, "http://<redacted>@h/x"},
	/* truncated and hostile escapes */
	{"http://a:b@h/%", 0, "http://<redacted>@h/%"},
	{"%3A%2F%2Fu%3Ap%40h", 0, "%3A%2F%2F<redacted>@h"},
	{"http%3A%2F%2Fu%3Ap%40h%2", 0, "http%3A%2F%2F<redacted>@h%2"},
	{"%25%25%253A", 0, "%25%25%253A"},
};

/* Command lines: arguments separated by '\n' here (NUL in the trace). */
static const struct {
	const char *argv;
	const char *want;
} cmdlines[] = {
	{"h5dump\n-d\n/grp/v0\n/data/f.h5", "h5dump -d /grp/v0 /data/f.h5"},
	{"h5dump\n-H\nfile.h5", "h5dump -H file.h5"},
	{"curl\n-u\nalice:pw\nhttp://h/", "curl -u <redacted> http://h/"},
	{"curl\n-ualice:pw\nhttp://h/", "curl -u<redacted> http://h/"},
	{"curl\n-sSualice:pw\nh/", "curl -sSu<redacted> h/"},
	{"curl\n-sSu\nalice:pw\nh/", "curl -sSu <redacted> h/"},
	{"curl\n--user\nalice:pw", "curl --user <redacted>"},
	{"curl\n--user=alice:pw", "curl --user=<redacted>"},
	{"curl\n--USER=alice:pw", "curl --USER=<redacted>"},
	{"curl\n-U\np:pw\n--proxy-user=p:pw",
	 "curl -U <redacted> --proxy-user=<redacted>"},
	{"curl\n-b\nsession=TOK\n-bsid=TOK\n--cookie\nc=TOK",
	 "curl -b <redacted> -b<redacted> --cookie <redacted>"},
	{"curl\n-H\nAuthorization: Bearer TOK",
	 "curl -H <redacted>"},
	{"curl\n-H\nauthorization:TOK\n-HProxy-Authorization: Basic TOK",
	 "curl -H <redacted> -H<redacted>"},
	{"curl\n-H\nX-Amz-Date: TOK\n--header=x-amz-content-sha256: TOK",
	 "curl -H <redacted> --header=<redacted>"},
	{"curl\n-H\nX-My-Token: TOK\n-H\nX-Api-Key;\n--proxy-header\n"
	 "Cookie: a=TOK",
	 "curl -H <redacted> -H <redacted> --proxy-header <redacted>"},
	{"curl\n-H\nAccept: */*\n-H\nRange: bytes=0-9",
	 "curl -H Accept: */* -H Range: bytes=0-9"},
	{"curl\n--oauth2-bearer\nTOK\n--aws-sigv4\naws:amz:r:s3",
	 "curl --oauth2-bearer <redacted> --aws-sigv4 <redacted>"},
	{"curl\n-E\ncert.pem:TOK\n--pass\nTOK",
	 "curl -E <redacted> --pass <redacted>"},
	{"curl\nalice:pw@127.0.0.1:8080/d.h5?sig=s",
	 "curl <redacted>@127.0.0.1:8080/d.h5?<redacted>"},
	{"curl\nhttp://127.0.0.1/d.h5#access_token=TOK",
	 "curl http://127.0.0.1/d.h5#<redacted>"},
	{"curl\n-x\nhttp://p:TOK@proxy:3128\nh/",
	 "curl -x http://<redacted>@proxy:3128 h/"},
	{"tool\n--password\nhunter2\n--password=hunter2",
	 "tool --password <redacted> --password=<redacted>"},
	{"tool\n--s3-cred=(r,id,k)", "tool --s3-cred=<redacted>"},
	{"tool\nAKIAIOSFODNN7EXAMPLE\n--id=AKIAIOSFODNN7EXAMPLE",
	 "tool <redacted> --id=<redacted>"},
	{"mysql\n-psecretpw", "mysql <redacted>"},
	{"tool\nmonkey.h5", "tool <redacted>"},
	{"curl\nhttps://h/x?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE",
	 "curl https://h/x?<redacted>"},
	{"tool\n--aws-key\nv\n-o\nout.h5", "tool --aws-key <redacted> -o out.h5"},
	{"tool\nAuthorization: Bearer x", "tool <redacted>"},
	{"tool\n-r\n/data/file.h5", "tool -r /data/file.h5"},
	{"python3\n-c\nprint('a?b')\nx", "python3 -c print('a?b') x"},
	/* an argument the caller could not read whole is never shown */
	{"curl\n-u\nalice:pw\nhttp://h/x?sig=S3CR", NULL},
};

static void expect_string(const char *in, int keep, const char *want)
{
	char out[512];

	checks++;
	redact_string(out, sizeof(out), in, keep);
	if (strcmp(out, want) != 0) {
		fprintf(stderr, "FAIL: redact_string(\"%s\", %d)\n  got  \"%s\"\n"
				"  want \"%s\"\n",
			in, keep, out, want);
		failures++;
	}
}

/* argv with '\n' as separators -> NUL-separated, NUL-terminated. */
static size_t to_args(char *dst, size_t cap, const char *argv)
{
	size_t n = strlen(argv);

	if (n + 1 > cap)
		abort();
	for (size_t i = 0; i <= n; i++)
		dst[i] = argv[i] == '\n' ? '\0' : argv[i];
	return n + 1;
}

static void expect_cmdline(const char *argv, const char *want)
{
	char args[1024], out[1024];
	size_t n = to_args(args, sizeof(args), argv);

	checks++;
	if (!want) {
		/* Cut inside the last argument: it is not shown. */
		size_t cut = n - 3;

		redact_cmdline(out, sizeof(out), args, cut, 0);
		if (strcmp(out, "curl -u <redacted> ...") != 0) {
			fprintf(stderr, "FAIL: cut command line: \"%s\"\n",
				out);
			failures++;
		}
		return;
	}
	redact_cmdline(out, sizeof(out), args, n, 0);
	if (strcmp(out, want) != 0) {
		fprintf(stderr, "FAIL: redact_cmdline(%s)\n  got  \"%s\"\n"
				"  want \"%s\"\n",
			argv, out, want);
		failures++;
	}
}

/* Secrets planted by the property checks: "S3CR" and its encodings. */
static int leaks(const char *s)
{
	return strstr(s, "S3CR") || strstr(s, "s3cr") || strstr(s, "pw");
}

/* Every output size, from 0 to whole: NUL-terminated, within the cap,
 * a prefix of the whole, and never a piece of a secret. */
static void expect_cut_safe(const char *in, int keep)
{
	char whole[4096], out[4096];
	size_t n;

	redact_string(whole, sizeof(whole), in, keep);
	n = strlen(whole);
	for (size_t cap = 0; cap <= n + 1; cap++) {
		memset(out, 'x', sizeof(out));
		redact_string(out, cap, in, keep);
		checks++;
		if (cap == 0 ? out[0] != 'x'
			     : (strlen(out) != cap - 1 ||
				strncmp(out, whole, cap - 1) != 0)) {
			fprintf(stderr, "FAIL: cut at %zu of \"%s\": \"%.*s\"\n",
				cap, in, (int)cap, out);
			failures++;
			return;
		}
	}
	if (leaks(whole)) {
		fprintf(stderr, "FAIL: secret left in \"%s\" -> \"%s\"\n", in,
			whole);
		failures++;
	}
}

static const char *const planted[] = {
	"http://alice:pwS3CR@h/d?sig=S3CR#tok=S3CR",
	"https://h/d.h5?X-Amz-Signature=S3CR&X-Amz-Credential=S3CR",
	"/vsicurl/http://alice:pwS3CR@h:1/d.h5?sig=S3CR",
	"/vsicurl?cookie=S3CR&url=http%3A%2F%2Fa%3ApwS3CR%40h%2Fd%3Fs%3DS3CR",
	"/vsicurl?url=HTTP%3a%2f%2fa%3apwS3CR%40h%2fd%3fs%3dS3CR&x=S3CR",
	"/vsizip//vsicurl/alice:pwS3CR@h/a.zip?s=S3CR",
	"alice:pwS3CR@host/d.h5?sig=S3CR",
	"alice:pa/pwS3CR@host/d.h5",
	"host:8080/path?s=S3CR",
	"https://p/x/http%3A%2F%2Fa%3ApwS3CR%40h%2Fd%3Fs%3DS3CR",
	"https://p/x/http%253A%252F%252Fa%253ApwS3CR%2540h%252Fd%253Fs%253DS3CR",
	"label http://u:pwS3CR@h#S3CR and more",
	"<File-like object HTTPFileSystem, http://u:pwS3CR@h/d.h5#t=S3CR>",
};

static const char *const planted_keep_query[] = {
	"http://alice:pwS3CR@h/d?keep=1#tok=S3CR",
	"https://p/f?u=http%3A%2F%2Fa%3ApwS3CR%40h%2Fd%23t%3DS3CR",
	"https://p/f?u=http%253A%252F%252Fa%253ApwS3CR%2540h",
	"/vsicurl?header.Authorization=S3CR&url=http%3A%2F%2Fh%2Fd%3Fk%3D1",
	"http://alice:pa?pwS3CR@h/d",
};

/* A URL far longer than any buffer, its secrets at the very end. */
static void expect_long_strings(void)
{
	static char in[70000], out[2048];
	const char *tails[] = {"@h/x?sig=S3CR", "#S3CR", "?S3CR"};

	for (size_t t = 0; t < sizeof(tails) / sizeof(tails[0]); t++) {
		size_t n;

		strcpy(in, "http://alice:");
		n = strlen(in);
		memset(in + n, 'p', sizeof(in) - n - 40);
		n = sizeof(in) - 40;
		memcpy(in + n, "pwS3CR", 6);
		strcpy(in + n + 6, tails[t]);
		if (t > 0)
			memcpy(in, "http://h/aaaaa", 14);
		redact_string(out, sizeof(out), in, 0);
		checks++;
		if (leaks(out) || strlen(out) == 0) {
			fprintf(stderr, "FAIL: long string %zu: %.60s...\n", t,
				out);
			failures++;
		}
	}
	/* and a command line whose last argument does not fit */
	{
		size_t n = 0;

		memcpy(in, "curl\0-u\0", 8);
		n = 8;
		memset(in + n, 'a', 5000);
		n += 5000;
		memcpy(in + n, "\0http://u:pwS3CR@h/x?S3CR\0", 26);
		n += 26;
		redact_cmdline(out, 100, in, n, 0);
		checks++;
		if (leaks(out) || strncmp(out, "curl -u <redacted> ", 19)) {
			fprintf(stderr, "FAIL: long command line: %s\n", out);
			failures++;
		}
	}
}

int main(void)
{
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		expect_string(strings[i].in, strings[i].keep_query,
			      strings[i].want);
	for (size_t i = 0; i < sizeof(cmdlines) / sizeof(cmdlines[0]); i++)
		expect_cmdline(cmdlines[i].argv, cmdlines[i].want);
	for (size_t i = 0; i < sizeof(planted) / sizeof(planted[0]); i++)
		expect_cut_safe(planted[i], 0);
	for (size_t i = 0;
	     i < sizeof(planted_keep_query) / sizeof(planted_keep_query[0]);
	     i++)
		expect_cut_safe(planted_keep_query[i], 1);
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		expect_cut_safe(strings[i].in, strings[i].keep_query);
	expect_long_strings();
	printf("%d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
