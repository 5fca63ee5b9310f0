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

#include "cli_args.h"

#ifndef H5SNOOP_SHIM_RELPATH
#define H5SNOOP_SHIM_RELPATH "../lib/libh5snoop.so"
#endif

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

enum h5snoop_status cmd_record(int argc, char **argv,
			       struct h5snoop_error *err)
{
	struct h5snoop_cli_config c;
	enum h5snoop_status st = cli_parse(CLI_RECORD, argc, argv, &c, err);
	char shim[PATH_MAX];
	int exec_errno;

	if (st != H5SNOOP_OK)
		return st;
	if (find_shim(shim, sizeof(shim)) != 0)
		return diag_fail(err,
				 "cannot find libh5snoop.so next to this "
				 "program (set H5SNOOP_SHIM to its path)");
	if (set_preload(shim) != 0 || set_output(c.output) != 0 ||
	    (c.label && setenv("H5SNOOP_LABEL", c.label, 1) != 0) ||
	    (c.shim_layers &&
	     setenv("H5SNOOP_LAYERS", c.shim_layers, 1) != 0) ||
	    (c.keep_query && setenv("H5SNOOP_KEEP_QUERY", "1", 1) != 0) ||
	    (c.quiet && setenv("H5SNOOP_QUIET", "1", 1) != 0))
		return diag_fail(err, "cannot set the environment: %s",
				 strerror(errno));
	fflush(stdout);
	/* RATIONALE: nothing of record runs after COMMAND, so record becomes
	 * it: every signal sent to record (SIGINT, SIGTERM, SIGHUP,
	 * SIGQUIT...) is COMMAND's, the dispositions record inherited (SIGINT
	 * and SIGQUIT ignored under nohup or in a background job) stay
	 * COMMAND's, and its caller sees COMMAND's exit status or signal. */
	execvp(c.traces[0], c.traces);
	exec_errno = errno;
	diag_fail(err, "cannot run '%s': %s", c.traces[0],
		  strerror(exec_errno));
	/* The shell's statuses for a command not found or not runnable. */
	err->exit_status = exec_errno == ENOENT ? 127 : 126;
	return H5SNOOP_ERROR;
}
