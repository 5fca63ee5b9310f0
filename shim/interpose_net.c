/*
 * interpose_net.c - the net layer at the socket boundary: HTTP/1.x
 * exchanges of clients that do not use libcurl (Python's http.client and
 * urllib3, aiohttp under fsspec), seen in the libc calls that send and
 * receive on TCP sockets.
 *
 * A socket is followed from the connect() that made it (AF_INET or
 * AF_INET6, SOCK_STREAM) unless libcurl made it (see net_conn.h); the
 * fd table then maps it to a connection of the pool.  Every other call
 * pays one bounds check and one load of that table.  A socket that turns
 * out to carry TLS, or that the parser gives up on, is forgotten at once,
 * so its later calls pay the same.  Forgotten also on close, dup2, dup3
 * and close_range; MSG_PEEK reads are not followed (the bytes come again).
 *
 * Follows the template of interpose_openssl.c (its steps 1-7).
 *
 * Must never: change an argument, a return value or errno; read more of
 * a buffer than the call returned; block on anything but the pool's short
 * lock; follow a socket from a signal handler that interrupted us.
 */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "h5snoop/trace_schema.h"
#include "interpose_net.h"
#include "net_conn.h"
#include "shim_config.h"
#include "shim_export.h"
#include "shim_log.h"
#include "trace_session.h"

/* fds below this are followed; the table costs 2 bytes each. */
#define NET_FD_MAX 65536u

/* fd -> pool index (from 1); 0: not followed.  Written under the pool
 * lock, read without it (a stale 0 only skips a call; a stale index is
 * checked again under the lock). */
static uint16_t fd_conn[NET_FD_MAX];
static unsigned fd_followed; /* how many entries are non-zero */

/* The process the table belongs to.  RATIONALE: a vfork child (Python's
 * subprocess uses vfork) shares our memory and calls close_range and
 * dup2 before it execs; it must not forget the parent's sockets. */
static pid_t table_pid;

static int (*real_connect)(int, const struct sockaddr *, socklen_t);
static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_send)(int, const void *, size_t, int);
static ssize_t (*real_sendto)(int, const void *, size_t, int,
			      const struct sockaddr *, socklen_t);
static ssize_t (*real_sendmsg)(int, const struct msghdr *, int);
static ssize_t (*real_writev)(int, const struct iovec *, int);
static ssize_t (*real_read)(int, void *, size_t);
static ssize_t (*real_recv)(int, void *, size_t, int);
static ssize_t (*real_recvfrom)(int, void *, size_t, int, struct sockaddr *,
				socklen_t *);
static ssize_t (*real_recvmsg)(int, struct msghdr *, int);
static ssize_t (*real_readv)(int, const struct iovec *, int);
static int (*real_close)(int);
static int (*real_dup2)(int, int);
static int (*real_dup3)(int, int, int);
static int (*real_close_range)(unsigned, unsigned, int);

#define RESOLVE(name) \
	(real_##name = (__typeof__(real_##name))dlsym(RTLD_NEXT, #name))

/* RATIONALE: libc is in the global scope, so RTLD_NEXT finds it; done in
 * the constructor and again by any wrapper that runs before it. */
void interpose_net_init(void)
{
	RESOLVE(connect);
	RESOLVE(write);
	RESOLVE(send);
	RESOLVE(sendto);
	RESOLVE(sendmsg);
	RESOLVE(writev);
	RESOLVE(read);
	RESOLVE(recv);
	RESOLVE(recvfrom);
	RESOLVE(recvmsg);
	RESOLVE(readv);
	RESOLVE(close);
	RESOLVE(dup2);
	RESOLVE(dup3);
	RESOLVE(close_range);
	table_pid = getpid();
	if (shim_config()->layers & SHIM_LAYER_NET)
		trace_hot.reads_process_wide = 1;
}

#define REAL(name, fail)                                                   \
	do {                                                               \
		if (!real_##name && !RESOLVE(name)) {                      \
			shim_warn_once(SHIM_WARN_SYMBOL,                   \
				       "%s not found in libc", #name);     \
			errno = ENOSYS;                                    \
			return fail;                                       \
		}                                                          \
	} while (0)

static inline unsigned fd_slot(int fd)
{
	return (unsigned)fd < NET_FD_MAX
		       ? __atomic_load_n(&fd_conn[fd], __ATOMIC_RELAXED)
		       : 0;
}

/* Under the lock. */
static void fd_set_slot(int fd, unsigned slot)
{
	unsigned old = fd_conn[fd];

	if (!old && slot)
		fd_followed++;
	else if (old && !slot)
		fd_followed--;
	__atomic_store_n(&fd_conn[fd], (uint16_t)slot, __ATOMIC_RELAXED);
}

/* Ends and forgets what fd carried; under the lock. */
static void fd_forget(int fd, uint64_t now_ns, struct net_outcome *out)
{
	struct net_conn *c = net_conn_at(fd_conn[fd]);

	out->bits = 0;
	if (c && c->in_use)
		net_conn_end(c, now_ns, out);
	fd_set_slot(fd, 0);
}

static void format_peer(char *dst, size_t cap, const struct sockaddr *a)
{
	char ip[INET6_ADDRSTRLEN] = "";

	dst[0] = '\0';
	if (a->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)a;

		inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip));
		snprintf(dst, cap, "%s:%u", ip, ntohs(in->sin_port));
	} else {
		const struct sockaddr_in6 *in6 = (const void *)a;

		inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip));
		snprintf(dst, cap, "[%s]:%u", ip, ntohs(in6->sin6_port));
	}
}

/* Starts following a TCP socket the program (not libcurl) connected. */
static void follow(int fd, const struct sockaddr *addr, const void *ret)
{
	struct net_outcome out, old;
	struct net_conn *c;
	char peer[64];
	int type = 0;
	socklen_t len = sizeof(type);

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 ||
	    type != SOCK_STREAM || net_caller_is_libcurl(ret))
		return;
	format_peer(peer, sizeof(peer), addr);
	net_conn_lock();
	fd_forget(fd, trace_now_ns(), &old);
	c = net_conn_take(H5SNOOP_SEEN_BY_SOCKET, NULL, peer, &out);
	if (c)
		fd_set_slot(fd, net_conn_index(c));
	net_conn_unlock();
	net_outcome_record(&old);
	net_outcome_record(&out);
}

H5SNOOP_EXPORT int connect(int fd, const struct sockaddr *addr,
			   socklen_t len)
{
	int rc, saved_errno;

	REAL(connect, -1);
	rc = real_connect(fd, addr, len);
	saved_errno = errno;
	if ((rc == 0 || saved_errno == EINPROGRESS) && addr &&
	    (addr->sa_family == AF_INET || addr->sa_family == AF_INET6) &&
	    (unsigned)fd < NET_FD_MAX && net_layer_on() && net_enter()) {
		follow(fd, addr, __builtin_return_address(0));
		net_leave();
	}
	errno = saved_errno;
	return rc;
}

/*
 * After a call on a followed fd moved `done` bytes (of buf, or of the
 * iovecs), or saw the end (eof): feeds them to the connection and records
 * what ended.  Keeps errno.
 */
static void after_io(int fd, unsigned slot, int sent, const void *buf,
		     const struct iovec *iov, size_t iov_count, size_t done,
		     int eof, uint64_t now_ns)
{
	struct net_outcome out;
	struct net_conn *c;
	int saved_errno = errno, alive = 1;

	if (!net_enter())
		return;
	out.bits = 0;
	net_conn_lock();
	c = net_conn_at(slot);
	if (fd_conn[fd] == slot && c && c->in_use) {
		if (eof) {
			fd_forget(fd, now_ns, &out);
		} else {
			if (iov)
				alive = net_conn_feed_iov(c, sent, iov,
							  iov_count, done,
							  now_ns, &out);
			else
				alive = net_conn_feed(c, sent, buf, done,
						      now_ns, &out);
			if (!alive)
				fd_set_slot(fd, 0);
		}
	}
	net_conn_unlock();
	net_outcome_record(&out);
	net_leave();
	errno = saved_errno;
}

/* The shape of every data wrapper: look the fd up (the only cost for one
 * that is not followed), call the real function, then feed. */
#define SENT(rc, ...)                                                      \
	do {                                                               \
		if (rc > 0)                                                \
			after_io(fd, slot, 1, __VA_ARGS__, (size_t)rc, 0,  \
				 t0);                                      \
	} while (0)

H5SNOOP_EXPORT ssize_t write(int fd, const void *buf, size_t n)
{
	unsigned slot = fd_slot(fd);
	uint64_t t0;
	ssize_t rc;

	REAL(write, -1);
	if (__builtin_expect(!slot, 1))
		return real_write(fd, buf, n);
	t0 = trace_now_ns();
	rc = real_write(fd, buf, n);
	SENT(rc, buf, NULL, 0);
	return rc;
}

H5SNOOP_EXPORT ssize_t send(int fd, const void *buf, size_t n, int flags)
{
	unsigned slot = fd_slot(fd);
	uint64_t t0;
	ssize_t rc;

	REAL(send, -1);
	if (__builtin_expect(!slot, 1))
		return real_send(fd, buf, n, flags);
	t0 = trace_now_ns();
	rc = real_send(fd, buf, n, flags);
	SENT(rc, buf, NULL, 0);
	return rc;
}

H5SNOOP_EXPORT ssize_t sendto(int fd, const void *buf, size_t n, int flags,
			      const struct sockaddr *to, socklen_t to_len)
{
	unsigned slot = fd_slot(fd);
	uint64_t t0;
	ssize_t rc;

	REAL(sendto, -1);
	if (__builtin_expect(!slot, 1))
		return real_sendto(fd, buf, n, flags, to, to_len);
	t0 = trace_now_ns();
	rc = real_sendto(fd, buf, n, flags, to, to_len);
	SENT(rc, buf, NULL, 0);
	return rc;
}

H5SNOOP_EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	unsigned slot = fd_slot(fd);
	uint64_t t0;
	ssize_t rc;

	REAL(sendmsg, -1);
	if (__builtin_expect(!slot, 1))
		return real_sendmsg(fd, msg, flags);
	t0 = trace_now_ns();
	rc = real_sendmsg(fd, msg, flags);
	if (msg)
		SENT(rc, NULL, msg->msg_iov, msg->msg_iovlen);
	return rc;
}

H5SNOOP_EXPORT ssize_t writev(int fd, const struct iovec *iov, int count)
{
	unsigned slot = fd_slot(fd);
	uint64_t t0;
	ssize_t rc;

	REAL(writev, -1);
	if (__builtin_expect(!slot, 1))
		return real_writev(fd, iov, count);
	t0 = trace_now_ns();
	rc = real_writev(fd, iov, count);
	if (count > 0)
		SENT(rc, NULL, iov, (size_t)count);
	return rc;
}

/* Received bytes are stamped when the call returns; 0 from a read of at
 * least one byte is the peer's end. */
#define RECEIVED(rc, asked, ...)                                           \
	do {                                                               \
		if (rc > 0)                                                \
			after_io(fd, slot, 0, __VA_ARGS__, (size_t)rc, 0,  \
				 trace_now_ns());                          \
		else if (rc == 0 && (asked) > 0)                           \
			after_io(fd, slot, 0, NULL, NULL, 0, 0, 1,         \
				 trace_now_ns());                          \
	} while (0)

H5SNOOP_EXPORT ssize_t read(int fd, void *buf, size_t n)
{
	unsigned slot = fd_slot(fd);
	ssize_t rc;

	REAL(read, -1);
	if (__builtin_expect(!slot, 1))
		return real_read(fd, buf, n);
	rc = real_read(fd, buf, n);
	RECEIVED(rc, n, buf, NULL, 0);
	return rc;
}

H5SNOOP_EXPORT ssize_t recv(int fd, void *buf, size_t n, int flags)
{
	unsigned slot = fd_slot(fd);
	ssize_t rc;

	REAL(recv, -1);
	if (__builtin_expect(!slot, 1) || (flags & MSG_PEEK))
		return real_recv(fd, buf, n, flags);
	rc = real_recv(fd, buf, n, flags);
	RECEIVED(rc, n, buf, NULL, 0);
	return rc;
}

H5SNOOP_EXPORT ssize_t recvfrom(int fd, void *buf, size_t n, int flags,
				struct sockaddr *from, socklen_t *from_len)
{
	unsigned slot = fd_slot(fd);
	ssize_t rc;

	REAL(recvfrom, -1);
	if (__builtin_expect(!slot, 1) || (flags & MSG_PEEK))
		return real_recvfrom(fd, buf, n, flags, from, from_len);
	rc = real_recvfrom(fd, buf, n, flags, from, from_len);
	RECEIVED(rc, n, buf, NULL, 0);
	return rc;
}

static size_t iov_bytes(const struct iovec *iov, size_t count)
{
	size_t total = 0;

	for (size_t i = 0; i < count; i++)
		total += iov[i].iov_len;
	return total;
}

H5SNOOP_EXPORT ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	unsigned slot = fd_slot(fd);
	ssize_t rc;

	REAL(recvmsg, -1);
	if (__builtin_expect(!slot, 1) || (flags & MSG_PEEK) || !msg)
		return real_recvmsg(fd, msg, flags);
	rc = real_recvmsg(fd, msg, flags);
	RECEIVED(rc, iov_bytes(msg->msg_iov, msg->msg_iovlen), NULL,
		 msg->msg_iov, msg->msg_iovlen);
	return rc;
}

H5SNOOP_EXPORT ssize_t readv(int fd, const struct iovec *iov, int count)
{
	unsigned slot = fd_slot(fd);
	ssize_t rc;

	REAL(readv, -1);
	if (__builtin_expect(!slot, 1) || count <= 0)
		return real_readv(fd, iov, count);
	rc = real_readv(fd, iov, count);
	RECEIVED(rc, iov_bytes(iov, (size_t)count), NULL, iov,
		 (size_t)count);
	return rc;
}

void interpose_net_child_after_fork(void)
{
	/* NOTE: the child's copies of the parent's sockets are not followed:
	 * the exchanges on them are the parent's. */
	memset(fd_conn, 0, sizeof(fd_conn));
	fd_followed = 0;
	table_pid = getpid();
}

/* Forgets fds lo..hi (inclusive) before they are closed or replaced. */
static void forget_range(unsigned lo, unsigned hi)
{
	struct net_outcome out;

	if (!__atomic_load_n(&fd_followed, __ATOMIC_RELAXED) ||
	    getpid() != table_pid || !net_enter())
		return;
	if (hi >= NET_FD_MAX)
		hi = NET_FD_MAX - 1;
	for (unsigned fd = lo; fd <= hi; fd++) {
		if (!fd_slot((int)fd))
			continue;
		net_conn_lock();
		fd_forget((int)fd, trace_now_ns(), &out);
		net_conn_unlock();
		net_outcome_record(&out);
	}
	net_leave();
}

static void forget_fd(int fd)
{
	int saved_errno;

	if (!fd_slot(fd))
		return;
	saved_errno = errno;
	forget_range((unsigned)fd, (unsigned)fd);
	errno = saved_errno;
}

H5SNOOP_EXPORT int close(int fd)
{
	REAL(close, -1);
	forget_fd(fd);
	return real_close(fd);
}

H5SNOOP_EXPORT int dup2(int old_fd, int new_fd)
{
	REAL(dup2, -1);
	if (old_fd != new_fd)
		forget_fd(new_fd);
	return real_dup2(old_fd, new_fd);
}

H5SNOOP_EXPORT int dup3(int old_fd, int new_fd, int flags)
{
	REAL(dup3, -1);
	if (old_fd != new_fd)
		forget_fd(new_fd);
	return real_dup3(old_fd, new_fd, flags);
}

H5SNOOP_EXPORT int close_range(unsigned lo, unsigned hi, int flags)
{
	int saved_errno = errno;

	REAL(close_range, -1);
	/* NOTE: CLOSE_RANGE_CLOEXEC (4) only marks them. */
	if (!(flags & 4) && lo <= hi) {
		forget_range(lo, hi);
		errno = saved_errno;
	}
	return real_close_range(lo, hi, flags);
}
