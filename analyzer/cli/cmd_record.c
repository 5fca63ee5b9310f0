/*
 * cmd_record.c - `h5snoop record [OPTIONS] -- CMD [ARGS...]`: sets up the
 * environment that preloads libh5snoop.so and execs CMD in its place, so
 * CMD keeps record's pid, signals and signal dispositions, and its exit
 * status or signal is record's.
 *
 * Must never: change what CMD sees beyond the H5SNOOP_* variables and
 * LD_PRELOAD (no signal disposition, mask or fd of its own), or swallow
 * its status.
 */
#include "commands.h"

#include <errno.h>
#include <limits.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef H5SNOOP_SHIM_RELPATH
#define H5SNOOP_SHIM_RELPATH "../lib/libh5snoop.so"
#endif

static const char record_usage[] =
	"Usage: h5snoop record [OPTIONS] -- COMMAND [ARGS...]\n"
	"\n"
	"Runs COMMAND with libh5snoop.so preloaded: every HDF5 driver read\n"
	"and libcurl request of it, and of the programs it starts, is\n"
	"written to one CTF trace directory per process under DIR.\n"
	"COMMAND takes this process's place (same pid): the signals sent\n"
	"to it reach COMMAND, and COMMAND's exit status (or the signal it\n"
	"dies of) is h5snoop's.\n"
	"\n"
	"Options:\n"
	"  -o, --output DIR    where trace directories go\n"
	"                      (default: $H5SNOOP_OUTPUT or ./h5snoop-traces;\n"
	"                      %p, %h and %r expand to pid, host and rank)\n"
	"  -l, --label NAME    label of this run (e.g. the file flavor)\n"
	"      --layers LIST   any of vfd, http (libcurl), net (other HTTP\n"
	"                      clients), comma-separated (default: all)\n"
	"      --keep-query    keep URL query strings (may hold secrets)\n"
	"  -q, --quiet         no h5snoop messages on stderr\n"
	"  -h, --help          this text\n";

/* The shim beside this executable: installed (bin -> lib) or in the
 * build tree; $H5SNOOP_SHIM wins. */
static int find_shim(char *out, size_t cap)
{
	const char *env = getenv("H5SNOOP_SHIM");
	static const char *const rel[] = {H5SNOOP_SHIM_RELPATH,
					  "../lib/libh5snoop.so"};
	char exe[PATH_MAX], *dir;
	ssize_t n;

	if (env && *env) {
		snprintf(out, cap, "%s", env);
		return access(out, R_OK);
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return -1;
	exe[n] = '\0';
	dir = dirname(exe);
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		char candidate[PATH_MAX];

		if ((size_t)snprintf(candidate, sizeof(candidate), "%s/%s",
				     dir, rel[i]) >= sizeof(candidate))
			continue;
		if (realpath(candidate, out) && access(out, R_OK) == 0)
			return 0;
	}
	return -1;
}

/* LD_PRELOAD keeps what the user had (e.g. a sanitizer runtime) first. */
static int set_preload(const char *shim)
{
	const char *old = getenv("LD_PRELOAD");
	char *value;
	int rc;

	if (old && strstr(old, shim))
		return 0;
	if (old && *old) {
		if (asprintf(&value, "%s %s", old, shim) < 0)
			return -1;
	} else {
		value = strdup(shim);
		if (!value)
			return -1;
	}
	rc = setenv("LD_PRELOAD", value, 1);
	free(value);
	return rc;
}

/* An absolute output root, so children that chdir agree. */
static int set_output(const char *dir)
{
	char cwd[PATH_MAX], *abs;
	int rc;

	if (!dir)
		return 0;
	if (dir[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return setenv("H5SNOOP_OUTPUT", dir, 1);
	if (asprintf(&abs, "%s/%s", cwd, dir) < 0)
		return -1;
	rc = setenv("H5SNOOP_OUTPUT", abs, 1);
	free(abs);
	return rc;
}

int cmd_record(int argc, char **argv, struct h5snoop_error *err)
{
	const char *output = NULL, *label = NULL, *layers = NULL;
	int keep_query = 0, quiet = 0, i, exec_errno;
	char shim[PATH_MAX];

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(record_usage, stdout);
			return 0;
		} else if ((strcmp(a, "-o") == 0 ||
			    strcmp(a, "--output") == 0) && i + 1 < argc) {
			output = argv[++i];
		} else if (strncmp(a, "--output=", 9) == 0) {
			output = a + 9;
		} else if ((strcmp(a, "-l") == 0 ||
			    strcmp(a, "--label") == 0) && i + 1 < argc) {
			label = argv[++i];
		} else if (strncmp(a, "--label=", 8) == 0) {
			label = a + 8;
		} else if (strcmp(a, "--layers") == 0 && i + 1 < argc) {
			layers = argv[++i];
		} else if (strncmp(a, "--layers=", 9) == 0) {
			layers = a + 9;
		} else if (strcmp(a, "--keep-query") == 0) {
			keep_query = 1;
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			quiet = 1;
		} else if (a[0] == '-') {
			return h5snoop_usage_error(err, "record",
						   "unknown option '%s'", a);
		} else {
			break;
		}
	}
	if (i >= argc)
		return h5snoop_usage_error(err, "record",
					   "no command to run (put it after "
					   "--)");
	if (find_shim(shim, sizeof(shim)) != 0)
		return h5snoop_fail(err,
				    "cannot find libh5snoop.so next to this "
				    "program (set H5SNOOP_SHIM to its path)");
	if (set_preload(shim) != 0 || set_output(output) != 0 ||
	    (label && setenv("H5SNOOP_LABEL", label, 1) != 0) ||
	    (layers && setenv("H5SNOOP_LAYERS", layers, 1) != 0) ||
	    (keep_query && setenv("H5SNOOP_KEEP_QUERY", "1", 1) != 0) ||
	    (quiet && setenv("H5SNOOP_QUIET", "1", 1) != 0))
		return h5snoop_fail(err, "cannot set the environment: %s",
				    strerror(errno));
	fflush(stdout);
	/* RATIONALE: nothing of record runs after COMMAND, so record becomes
	 * it: every signal sent to record (SIGINT, SIGTERM, SIGHUP,
	 * SIGQUIT...) is COMMAND's, the dispositions record inherited (SIGINT
	 * and SIGQUIT ignored under nohup or in a background job) stay
	 * COMMAND's, and its caller sees COMMAND's exit status or signal. */
	execvp(argv[i], argv + i);
	exec_errno = errno;
	h5snoop_fail(err, "cannot run '%s': %s", argv[i],
		     strerror(exec_errno));
	/* The shell's statuses for a command not found or not runnable. */
	return exec_errno == ENOENT ? 127 : 126;
}
