/*
 * test_ssl_first_call.c - two threads make their first SSL calls at
 * once: the OpenSSL interposer (shim/interpose_openssl.c, included here)
 * must take one of them as the caller whose binding it looks the real
 * functions up by, once, with no data race between the threads.
 *
 * Built with ThreadSanitizer (tests/shim/CMakeLists.txt), which fails the
 * run (exit 66) on a race: a plain write of the first caller, read by
 * the other thread, is one.  The rest of the shim is replaced by the
 * stand-ins below, so that the race is the interposer's alone: the net
 * layer is off (after_ssl returns at once), and the "real" SSL_write
 * counts its calls.  Runs in the release build only (TSan and ASan do
 * not mix).
 */
#include "interpose_openssl.c"

#include <stdio.h>

#define THREADS 8

static _Atomic int real_writes;
static _Atomic int lookups_of_caller;
static const void *_Atomic looked_up_caller;

static int fake_write(struct ssl_st *s, const void *buf, int n)
{
	(void)s, (void)buf;
	real_writes++;
	return n;
}

/* Stand-ins for the shim's other files. */
struct link_map *shim_real_object_of(const void *addr)
{
	lookups_of_caller++;
	looked_up_caller = addr;
	return NULL;
}

void *shim_real_lookup(struct link_map *caller, const char *sym)
{
	(void)caller;
	return strcmp(sym, "SSL_write") == 0 ? (void *)fake_write : NULL;
}

void shim_warn_once(enum shim_warning why, const char *fmt, ...)
{
	(void)why, (void)fmt;
}

int net_layer_on(void) { return 0; }
void net_conn_lock(void) {}
void net_conn_unlock(void) {}
int net_enter(void) { return 0; }
void net_leave(void) {}
int net_caller_is_libcurl(const void *ret) { (void)ret; return 0; }
void net_outcome_record(struct net_outcome *out) { (void)out; }
struct net_conn *net_conn_at(unsigned i) { (void)i; return NULL; }
unsigned net_conn_index(const struct net_conn *c) { (void)c; return 0; }

struct net_conn *net_conn_take(uint8_t seen_by, const void *key,
			       const char *peer, struct net_outcome *out)
{
	(void)seen_by, (void)key, (void)peer, (void)out;
	return NULL;
}

int net_conn_feed(struct net_conn *c, int sent, const void *p, size_t n,
		  uint64_t now_ns, struct net_outcome *out)
{
	(void)c, (void)sent, (void)p, (void)n, (void)now_ns, (void)out;
	return 0;
}

void net_conn_end(struct net_conn *c, uint64_t now_ns,
		  struct net_outcome *out)
{
	(void)c, (void)now_ns, (void)out;
}

static pthread_barrier_t start;

/* A thread's first SSL call, made as the others make theirs. */
static void *first_call(void *arg)
{
	char byte = 'x';

	(void)arg;
	pthread_barrier_wait(&start);
	if (SSL_write((struct ssl_st *)&byte, &byte, 1) != 1)
		return (void *)1;
	return NULL;
}

int main(void)
{
	pthread_t th[THREADS];
	int failures = 0;

	pthread_barrier_init(&start, NULL, THREADS);
	for (int i = 0; i < THREADS; i++)
		pthread_create(&th[i], NULL, first_call, NULL);
	for (int i = 0; i < THREADS; i++) {
		void *rc;

		pthread_join(th[i], &rc);
		if (rc) {
			fprintf(stderr, "FAIL: thread %d: SSL_write failed\n",
				i);
			failures++;
		}
	}
	if (real_writes != THREADS) {
		fprintf(stderr, "FAIL: the real SSL_write ran %d times, "
			"want %d\n", real_writes, THREADS);
		failures++;
	}
	if (lookups_of_caller != 1 || !looked_up_caller) {
		fprintf(stderr, "FAIL: the caller was looked up %d times, "
			"want once\n", lookups_of_caller);
		failures++;
	}
	if (failures)
		return 1;
	printf("ok: %d threads' first SSL_write, real functions looked up "
	       "once\n", THREADS);
	return 0;
}
