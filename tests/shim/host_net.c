/*
 * host_net.c - a host program for the net layer's tests: speaks HTTP/1.1
 * to 127.0.0.1:PORT through raw socket calls, in the awkward ways real
 * programs do, and prints what it got (and the errno values it saw), so
 * that a run with the shim can be compared with one without.
 *
 *   host_net PORT PATH
 *
 * Each step is one connection (or one more request on one):
 *   nonblock   a non-blocking socket: EAGAIN before the response, the
 *              request sent one byte per send(), the response read with
 *              MSG_PEEK first, then by recv() of 7 bytes at a time
 *   vectors    writev() of the request in three pieces, two requests on
 *              one connection, readv() and recvmsg() into split buffers,
 *              sendmsg() for the second request
 *   dup        a followed socket replaced by dup2(), closed by
 *              close_range() or close(), its number reused by a file
 *   threads    two threads, one connection each, read()/write()
 *   fork       the child makes a request on a connection of its own
 *   raw        bytes that are not HTTP (left alone and counted)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static int port;
static const char *path;

static int dial(void)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		perror("connect");
		exit(1);
	}
	return fd;
}

static int request(char *buf, size_t cap, const char *range)
{
	return snprintf(buf, cap,
			"GET %s?token=hidden HTTP/1.1\r\nHost: 127.0.0.1:%d"
			"\r\nRange: bytes=%s\r\n\r\n",
			path, port, range);
}

/* Reads one response whose body length is in Content-Length, with
 * `get` (a read function); returns its body length, -1 on failure. */
static long response(int fd, ssize_t (*get)(int, void *, size_t))
{
	char head[8192];
	size_t have = 0;
	char *end, *cl;
	long body, got;

	for (;;) {
		ssize_t n = get(fd, head + have, 1);

		if (n <= 0)
			return -1;
		have++;
		if (have >= 4 && memcmp(head + have - 4, "\r\n\r\n", 4) == 0)
			break;
		if (have == sizeof(head) - 1)
			return -1;
	}
	head[have] = '\0';
	end = head + have;
	cl = strcasestr(head, "Content-Length:");
	if (!cl || cl > end)
		return -1;
	body = atol(cl + 15);
	for (got = 0; got < body;) {
		char chunk[4096];
		size_t want = (size_t)(body - got) < sizeof(chunk)
				      ? (size_t)(body - got)
				      : sizeof(chunk);
		ssize_t n = get(fd, chunk, want);

		if (n <= 0)
			return -1;
		got += n;
	}
	printf("  status %.3s body %ld\n", head + 9, body);
	return body;
}

static ssize_t by_read(int fd, void *b, size_t n)
{
	return read(fd, b, n);
}

static ssize_t by_recv7(int fd, void *b, size_t n)
{
	ssize_t r;
	struct pollfd p = {fd, POLLIN, 0};

	for (;;) {
		r = recv(fd, b, n < 7 ? n : 7, 0);
		if (r >= 0 || errno != EAGAIN)
			return r;
		poll(&p, 1, 10000);
	}
}

static ssize_t by_readv(int fd, void *b, size_t n)
{
	struct iovec v[2] = {{b, n / 2}, {(char *)b + n / 2, n - n / 2}};

	if (n == 1)
		v[0].iov_len = 1, v[1].iov_len = 0;
	return readv(fd, v, 2);
}

static ssize_t by_recvmsg(int fd, void *b, size_t n)
{
	struct iovec v[2] = {{b, n / 2}, {(char *)b + n / 2, n - n / 2}};
	struct msghdr m;

	if (n == 1)
		v[0].iov_len = 1, v[1].iov_len = 0;
	memset(&m, 0, sizeof(m));
	m.msg_iov = v;
	m.msg_iovlen = 2;
	return recvmsg(fd, &m, 0);
}

static void step_nonblock(void)
{
	char req[512], peek[16];
	int fd = dial(), n;
	ssize_t r;
	struct pollfd p;

	puts("nonblock");
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	errno = 0;
	r = recv(fd, peek, sizeof(peek), 0);
	printf("  early recv %zd errno %s\n", r,
	       errno == EAGAIN ? "EAGAIN" : "other");
	n = request(req, sizeof(req), "0-99");
	for (int i = 0; i < n; i++)
		while (send(fd, req + i, 1, 0) != 1)
			;
	p.fd = fd;
	p.events = POLLIN;
	poll(&p, 1, 10000);
	r = recv(fd, peek, 5, MSG_PEEK);
	printf("  peek %.*s\n", (int)r, peek);
	response(fd, by_recv7);
	close(fd);
}

static void step_vectors(void)
{
	char req[512];
	int fd = dial(), n;
	struct iovec v[3];
	struct msghdr m;

	puts("vectors");
	n = request(req, sizeof(req), "100-1123");
	v[0].iov_base = req;
	v[0].iov_len = 3;
	v[1].iov_base = req + 3;
	v[1].iov_len = (size_t)n - 10;
	v[2].iov_base = req + n - 7;
	v[2].iov_len = 7;
	writev(fd, v, 3);
	response(fd, by_readv);
	n = request(req, sizeof(req), "2000-2999");
	v[0].iov_base = req;
	v[0].iov_len = (size_t)n;
	memset(&m, 0, sizeof(m));
	m.msg_iov = v;
	m.msg_iovlen = 1;
	sendmsg(fd, &m, 0);
	response(fd, by_recvmsg);
	close(fd);
}

/* Reads a local file through fd number `fd`: bytes that are not HTTP,
 * which the layer must not take for a response on a socket it forgot. */
static void read_file_at(int fd)
{
	char buf[64];
	ssize_t n = read(fd, buf, sizeof(buf));

	printf("  file read %s\n", n > 0 ? "ok" : "failed");
}

static void step_dup(void)
{
	char req[512];
	int fd = dial(), file;
	int n = request(req, sizeof(req), "10-19");

	puts("dup");
	write(fd, req, (size_t)n);
	response(fd, by_read);
	/* The followed fd replaced by a file, then closed by close_range
	 * and its number taken by another file. */
	file = open("/proc/self/cmdline", O_RDONLY);
	dup2(file, fd);
	read_file_at(fd);
	close(file);
	close_range((unsigned)fd, (unsigned)fd, 0);
	file = open("/proc/self/cmdline", O_RDONLY);
	read_file_at(file);
	close(file);
	fd = dial();
	write(fd, req, (size_t)n);
	response(fd, by_read);
	close(fd);
	file = open("/proc/self/cmdline", O_RDONLY);
	read_file_at(file);
	close(file);
}

static void *thread_main(void *arg)
{
	char req[512];
	int fd = dial();
	int n = request(req, sizeof(req), (const char *)arg);

	write(fd, req, (size_t)n);
	response(fd, by_read);
	close(fd);
	return NULL;
}

static void step_threads(void)
{
	pthread_t a, b;

	puts("threads");
	fflush(stdout);
	pthread_create(&a, NULL, thread_main, "0-511");
	pthread_join(a, NULL);
	pthread_create(&b, NULL, thread_main, "512-1023");
	pthread_join(b, NULL);
}

static void step_fork(void)
{
	int status;
	pid_t pid;

	puts("fork");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		thread_main("4096-8191");
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	printf("  child exit %d\n", WEXITSTATUS(status));
}

static void step_raw(void)
{
	char buf[256];
	int fd = dial();
	ssize_t r;

	puts("raw");
	write(fd, "\x01\x02 not http\r\n\r\n", 16);
	r = read(fd, buf, sizeof(buf));
	printf("  got %s\n", r >= 0 ? "a reply or EOF" : "an error");
	close(fd);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: host_net PORT PATH\n");
		return 2;
	}
	port = atoi(argv[1]);
	path = argv[2];
	step_nonblock();
	step_vectors();
	step_dup();
	step_threads();
	step_fork();
	step_raw();
	return 0;
}
