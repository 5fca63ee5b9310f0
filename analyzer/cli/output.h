/*
 * output.h - where a command's data goes: standard output, or the file
 * of -o, created through a temporary name so that a failed run never
 * leaves a half-written file under the final name.
 */
#ifndef H5SNOOP_OUTPUT_H
#define H5SNOOP_OUTPUT_H

#include <stdio.h>

#include "diag.h"

struct output {
	FILE *f;
	const char *path;  /* NULL: standard output */
	char tmp[4096];
};

/* Opens path (NULL or "-": stdout).  H5SNOOP_OK or H5SNOOP_ERROR. */
enum h5snoop_status output_open(struct output *o, const char *path,
				struct h5snoop_error *err);

/*
 * Flushes and closes; with ok == 0 (the command failed) removes the
 * temporary file instead.  A failed flush or close is an error.
 */
enum h5snoop_status output_close(struct output *o, int ok,
				 struct h5snoop_error *err);

#endif
