/*
 * cmd_top.c - `h5snoop top`: the traced processes under a root, live,
 * per process and layer: requests and bytes per second, the share of
 * small requests, latency percentiles of the last interval, errors,
 * totals, and whether each process still runs.
 *
 * A terminal UI (ncurses) when standard output is a terminal; plain text
 * with --once (one table after one interval) or --interval (a table every
 * interval), for scripts and tests.
 *
 * Must never: write into a trace, print a diagnostic (main.c does), or
 * leave the terminal in curses mode on any exit path.
 */
#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_args.h"
#include "commands.h"
#include "top.h"
#include "units.h"

/* The shim's default root (SHIM_DEFAULT_OUTPUT), when H5SNOOP_OUTPUT is
 * unset or holds % patterns. */
#define TOP_DEFAULT_ROOT "h5snoop-traces"
#define TOP_LINE_MAX 512

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* The root to watch: DIR, else $H5SNOOP_OUTPUT unless it holds %
 * patterns, else the shim's default. */
static const char *top_root(const struct h5snoop_cli_config *c)
{
	const char *env = getenv("H5SNOOP_OUTPUT");

	if (c->n_traces)
		return c->traces[0];
	return env && *env && !strchr(env, '%') ? env : TOP_DEFAULT_ROOT;
}

/* Sleeps `s` seconds unless a stop signal comes first. */
static void pause_for(double s)
{
	struct timespec ts = {(time_t)s, (long)((s - floor(s)) * 1e9)};

	while (!stop_requested && nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/*
 * snprintf for the table's cells and lines.  NOTE: a cell or line longer
 * than its buffer is cut, on purpose: a table line is at most
 * TOP_LINE_MAX bytes (a terminal row), so a watched root longer than that
 * shows cut in the header.  Through vsnprintf because GCC's
 * -Wformat-truncation, on some targets (32-bit), flags those cuts.
 */
static void cell_format(char *buf, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void cell_format(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
}

static void rate(char *buf, size_t cap, uint64_t n, uint64_t ns)
{
	snprintf(buf, cap, "%.1f", ns ? (double)n * 1e9 / (double)ns : 0.0);
}

static void byte_rate(char *buf, size_t cap, uint64_t n, uint64_t ns)
{
	char b[32];

	units_bytes(b, sizeof(b), ns ? (uint64_t)((double)n * 1e9 /
						  (double)ns)
				     : 0);
	cell_format(buf, cap, "%s/s", b);
}

static void header_line(char *line, size_t cap, const struct top *t)
{
	size_t alive = 0;

	for (size_t i = 0; i < t->n_procs; i++)
		alive += t->procs[i].alive != 0;
	cell_format(line, cap,
		    "h5snoop top: %s: %zu traced processes (%zu alive), "
		    "interval %.2f s",
		    t->root, t->n_procs, alive, (double)t->interval_ns / 1e9);
}

static const char column_line[] =
	"PID      LABEL            STATE  LAYER     REQ/S     BYTES/S "
	"<10KiB      P50      P95  ERR/S    REQUESTS          BYTES  ERRORS"
	"  DISCARDED";

/* One row: a process's layer (or the process alone when it has no
 * request yet, or failed). */
static void row_line(char *line, size_t cap, const struct top *t,
		     const struct top_proc *p, int layer)
{
	const char *label = p->meta.label[0] ? p->meta.label : "-";
	const char *state = p->failed ? "error" : p->alive ? "alive" : "gone";
	const struct top_layer_stats *l;
	char rq[32], by[32], sm[16], p50[16], p95[16], er[32];

	if (layer < 0) {
		cell_format(line, cap, "%-8lld %-16.16s %-6s %s",
			    p->meta.pid, label, state,
			    p->failed ? p->error : "-     (no request yet)");
		return;
	}
	l = &p->layer[layer];
	rate(rq, sizeof(rq), l->interval.requests, t->interval_ns);
	byte_rate(by, sizeof(by), l->interval.bytes, t->interval_ns);
	rate(er, sizeof(er), l->interval.errors, t->interval_ns);
	if (l->interval.requests) {
		snprintf(sm, sizeof(sm), "%.0f%%",
			 100.0 * (double)l->interval.small /
				 (double)l->interval.requests);
		units_ns(p50, sizeof(p50), hist_quantile(&l->latency, 0.50));
		units_ns(p95, sizeof(p95), hist_quantile(&l->latency, 0.95));
	} else {
		strcpy(sm, "-");
		strcpy(p50, "-");
		strcpy(p95, "-");
	}
	snprintf(line, cap,
		 "%-8lld %-16.16s %-6s %-5s %9s %11s %6s %8s %8s %6s %11llu "
		 "%14llu %7llu %10llu",
		 p->meta.pid, label, state, top_layer_names[layer], rq, by, sm,
		 p50, p95, er, (unsigned long long)l->total.requests,
		 (unsigned long long)l->total.bytes,
		 (unsigned long long)l->total.errors,
		 (unsigned long long)p->discarded);
}

/* Calls emit(line) for every line of the table. */
static void table(const struct top *t, void (*emit)(const char *, void *),
		  void *ctx)
{
	char line[TOP_LINE_MAX];

	header_line(line, sizeof(line), t);
	emit(line, ctx);
	emit(column_line, ctx);
	for (size_t i = 0; i < t->n_procs; i++) {
		const struct top_proc *p = &t->procs[i];
		int rows = 0;

		for (int l = 0; l < TOP_LAYER_COUNT && !p->failed; l++) {
			if (!p->layer[l].total.requests)
				continue;
			row_line(line, sizeof(line), t, p, l);
			emit(line, ctx);
			rows++;
		}
		if (!rows) {
			row_line(line, sizeof(line), t, p, -1);
			emit(line, ctx);
		}
	}
}

static void emit_plain(const char *line, void *ctx)
{
	fprintf(ctx, "%s\n", line);
}

struct screen_pos {
	int y;
};

static void emit_curses(const char *line, void *ctx)
{
	struct screen_pos *pos = ctx;

	if (pos->y < LINES) {
		mvaddnstr(pos->y, 0, line, COLS);
		clrtoeol();
	}
	pos->y++;
}

/* Plain text: one table (--once) or one every interval until a stop
 * signal. */
static enum h5snoop_status run_plain(struct top *t,
				     const struct h5snoop_cli_config *c,
				     struct h5snoop_error *err)
{
	do {
		pause_for(c->interval_s);
		if (top_update(t, err) != H5SNOOP_OK)
			return H5SNOOP_ERROR;
		table(t, emit_plain, stdout);
		if (!c->once)
			fputc('\n', stdout);
		if (fflush(stdout) != 0)
			return diag_fail(err, "cannot write output");
	} while (!c->once && !stop_requested);
	return H5SNOOP_OK;
}

/* The full-screen view: redrawn every interval, q quits. */
static enum h5snoop_status run_curses(struct top *t,
				      const struct h5snoop_cli_config *c,
				      struct h5snoop_error *err)
{
	enum h5snoop_status rc = H5SNOOP_OK;

	/* The terminal's own character set (units use "µs"). */
	setlocale(LC_ALL, "");
	if (!initscr())
		return diag_fail(err, "cannot start the terminal view");
	cbreak();
	noecho();
	curs_set(0);
	timeout((int)(c->interval_s * 1000));
	while (!stop_requested) {
		struct screen_pos pos = {0};
		int ch;

		if (top_update(t, err) != H5SNOOP_OK) {
			rc = H5SNOOP_ERROR;
			break;
		}
		erase();
		table(t, emit_curses, &pos);
		if (pos.y + 1 < LINES)
			mvaddstr(LINES - 1, 0, "q: quit");
		refresh();
		ch = getch();
		if (ch == 'q' || ch == 'Q')
			break;
	}
	endwin();
	return rc;
}

enum h5snoop_status cmd_top(int argc, char **argv,
			    struct h5snoop_error *err)
{
	struct sigaction sa;
	struct h5snoop_cli_config c;
	struct top t;
	enum h5snoop_status rc = cli_parse(CLI_TOP, argc, argv, &c, err);

	if (rc != H5SNOOP_OK)
		return rc;
	if (top_open(&t, top_root(&c), err) != H5SNOOP_OK)
		return H5SNOOP_ERROR;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* The first update reads what is there already: totals only; the
	 * tables show the intervals after it. */
	if (top_update(&t, err) != H5SNOOP_OK) {
		top_close(&t);
		return H5SNOOP_ERROR;
	}
	if (!c.once && !c.interval_given && isatty(STDOUT_FILENO))
		rc = run_curses(&t, &c, err);
	else
		rc = run_plain(&t, &c, err);
	top_close(&t);
	return rc;
}
