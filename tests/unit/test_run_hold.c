/*
 * test_run_hold.c - the run's one pass with call stacks on (model/run.c):
 * a request whose stack is not read yet is held back, with what follows
 * it, and the sinks still see every event once, in time order; the
 * events held stay within RUN_HOLD_MAX_BYTES (a stack never defined, many
 * events close in time: the oldest is resolved at once, with one warning
 * naming the stream file and the offset); and a request waits at most
 * until events RUN_HOLD_GRACE_NS past its end are read.
 *
 * The traces are written here with trace_gen (too large to keep in
 * tests/data).
 */
#include <stdint.h>

#include "event_queue.h"
#include "run.h"
#include "trace_gen.h"
#include "unit.h"

#define PACKET (64u << 10)

/* What the sink saw. */
struct seen {
	uint64_t n;            /* events */
	uint64_t last_ts;
	int out_of_order;
	uint64_t max_held;     /* events read but not yet seen */
	uint32_t watch_stack;  /* a request with this stack_id... */
	uint64_t watch_held;   /* ...was seen with this many held */
	int watch_seen;
};

static enum h5snoop_status see(void *ctx, const struct trace *t,
			       const struct trace_event *ev,
			       const struct resolved *r,
			       struct h5snoop_error *err)
{
	struct seen *s = ctx;
	uint64_t held = t->events - (s->n + 1);

	(void)r;
	(void)err;
	if (s->n && ev->ts < s->last_ts)
		s->out_of_order = 1;
	s->last_ts = ev->ts;
	s->n++;
	if (held > s->max_held)
		s->max_held = held;
	if (ev->id == H5SNOOP_EV_vfd_read &&
	    ev->u.vfd_read->stack_id == s->watch_stack) {
		s->watch_seen = 1;
		s->watch_held = held;
	}
	return H5SNOOP_OK;
}

/* Runs trace dir with stacks on into s; returns the status. */
static enum h5snoop_status run_one(char *dir, struct seen *s,
				   struct h5snoop_error *err)
{
	struct group_table groups = {.by = {GROUP_BY_FLAVOR}, .n_by = 1};
	struct run_sink sink = {.ctx = s, .event = see};
	struct run_summary sum;
	struct attrib a;
	char *args[] = {dir, NULL};
	enum h5snoop_status st;

	attrib_init(&a, &groups);
	attrib_set_stacks(&a, 3, NULL);
	memset(err, 0, sizeof(*err));
	st = run_traces(args, 1, &a, &sink, 1, &sum, err);
	CHECK_EQ_U64(sum.events, s->n);
	CHECK_EQ_U64(a.stacks_missing, 1);
	attrib_free(&a);
	group_table_free(&groups);
	return st;
}

static const char *warning_with(const struct h5snoop_error *err,
				const char *what)
{
	for (unsigned i = 0; i < err->n_warnings; i++)
		if (strstr(err->warnings[i], what))
			return err->warnings[i];
	return NULL;
}

/* A request names stack 7, which no event defines; then `n` reads 1 ns
 * apart (all within the grace time): the budget releases it. */
static void budget(const char *tmp)
{
	static struct h5snoop_error err;
	struct h5snoop_trace_env env;
	struct trace_stream s;
	struct seen seen = {.watch_stack = 7};
	char dir[4200];
	const char *w;
	struct tgen g;
	/* More than the budget holds: an event held costs its item and
	 * its bytes. */
	uint64_t n = RUN_HOLD_MAX_BYTES / sizeof(struct event_queue_item) +
		     1000;

	tgen_default_env(&env, 60, NULL);
	CHECK(tgen_create(&g, tmp, "budget", &env) == 0);
	CHECK(tgen_stream(&g, &s, 600, PACKET) == 0);
	CHECK(tgen_file_open(&s, 1000, 1, 1 << 20, 10, "sec2", "/d/f.h5") ==
	      0);
	CHECK(tgen_vfd_read_stack(&s, 2000, 1, 1, 3, 0, 64, 0, 7) == 0);
	for (uint64_t i = 0; i < n; i++)
		CHECK(tgen_vfd_read_stack(&s, 3000 + i, (uint32_t)i + 2, 1, 3,
					  i * 64, 64, 0, 0) == 0);
	trace_stream_close(&s);
	tgen_close(&g);
	snprintf(dir, sizeof(dir), "%s/budget", tmp);
	CHECK(run_one(dir, &seen, &err) == H5SNOOP_OK);
	CHECK_EQ_U64(seen.n, n + 2);
	CHECK(!seen.out_of_order);
	CHECK(seen.watch_seen);
	/* Held: each event at least its queue item, at most the budget. */
	CHECK(seen.max_held > 0);
	CHECK(seen.max_held <=
	      RUN_HOLD_MAX_BYTES / sizeof(struct event_queue_item) + 1);
	CHECK(seen.watch_held < n);
	w = warning_with(&err, "not read within");
	CHECK(w != NULL);
	if (w) {
		/* The stream file and the request's offset: the first event
		 * after the packet header and the file_open. */
		CHECK(strstr(w, "budget/stream_600: offset ") != NULL);
		CHECK(strstr(w, " MiB of later events") != NULL);
	}
}

/* A request (1 ms to 6 ms) names stack 8, which no event defines; then
 * reads every millisecond for 2.5 s: it waits until 1 s past its end. */
static void grace(const char *tmp)
{
	static struct h5snoop_error err;
	struct h5snoop_trace_env env;
	struct trace_stream s;
	struct seen seen = {.watch_stack = 8};
	const uint64_t ms = 1000000;
	char dir[4200];
	struct tgen g;

	tgen_default_env(&env, 70, NULL);
	CHECK(tgen_create(&g, tmp, "grace", &env) == 0);
	CHECK(tgen_stream(&g, &s, 700, PACKET) == 0);
	CHECK(tgen_file_open(&s, 0, 1, 1 << 20, 10, "sec2", "/d/f.h5") == 0);
	CHECK(tgen_vfd_read_stack(&s, ms, 1, 1, 3, 0, 64, 5 * ms, 8) == 0);
	for (uint64_t i = 2; i <= 2500; i++)
		CHECK(tgen_vfd_read_stack(&s, i * ms, (uint32_t)i, 1, 3, 0, 64,
					  1000, 0) == 0);
	trace_stream_close(&s);
	tgen_close(&g);
	snprintf(dir, sizeof(dir), "%s/grace", tmp);
	CHECK(run_one(dir, &seen, &err) == H5SNOOP_OK);
	CHECK_EQ_U64(seen.n, 2501);
	CHECK(!seen.out_of_order);
	CHECK(seen.watch_seen);
	/* Released by the first read after 1006 ms, 1007 ms: the reads
	 * from 2 ms to 1007 ms were read by then, 1006 of them. */
	CHECK_EQ_U64(seen.watch_held, 1006);
	CHECK_EQ_U64(seen.max_held, 1006);
	CHECK(warning_with(&err, "not read within") == NULL);
}

int main(void)
{
	char tmp[4096], cmd[4200];

	unit_tmpdir(tmp, sizeof(tmp));
	budget(tmp);
	grace(tmp);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	CHECK(system(cmd) == 0);
	return unit_done("test_run_hold");
}
