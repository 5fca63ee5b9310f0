/*
 * output.c - stdout or an -o file (see output.h).
 *
 * Must never: leave a partial file under the final name.
 */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum h5snoop_status output_open(struct output *o, const char *path,
				struct h5snoop_error *err)
{
	int fd;

	memset(o, 0, sizeof(*o));
	if (!path || strcmp(path, "-") == 0) {
		o->f = stdout;
		return H5SNOOP_OK;
	}
	o->path = path;
	if ((size_t)snprintf(o->tmp, sizeof(o->tmp), "%s.tmp-%ld", path,
			     (long)getpid()) >= sizeof(o->tmp))
		return diag_fail(err, "%s: name too long", path);
	fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return diag_fail(err, "%s: cannot create: %s", o->tmp,
				 strerror(errno));
	o->f = fdopen(fd, "w");
	if (!o->f) {
		close(fd);
		unlink(o->tmp);
		return diag_fail(err, "%s: %s", o->tmp, strerror(errno));
	}
	return H5SNOOP_OK;
}

enum h5snoop_status output_close(struct output *o, int ok,
				 struct h5snoop_error *err)
{
	int failed;

	if (!o->f)
		return ok ? H5SNOOP_OK : H5SNOOP_ERROR;
	if (!o->path) {
		failed = fflush(o->f) != 0 || ferror(o->f);
		o->f = NULL;
		if (failed && ok)
			return diag_fail(err, "cannot write to standard "
					      "output: %s",
					 strerror(errno));
		return ok && !failed ? H5SNOOP_OK : H5SNOOP_ERROR;
	}
	failed = ferror(o->f) != 0;
	failed |= fclose(o->f) != 0;
	o->f = NULL;
	if (!ok || failed) {
		unlink(o->tmp);
		if (ok)
			return diag_fail(err, "%s: cannot write: %s", o->path,
					 strerror(errno));
		return H5SNOOP_ERROR;
	}
	if (rename(o->tmp, o->path) != 0) {
		unlink(o->tmp);
		return diag_fail(err, "%s: cannot rename from %s: %s",
				 o->path, o->tmp, strerror(errno));
	}
	return H5SNOOP_OK;
}
