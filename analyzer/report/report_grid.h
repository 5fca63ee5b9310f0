/*
 * report_grid.h - the groups shown as a grid of runs x flavors (the
 * notebook's pivot), and names cut to what tells them apart: what the
 * pictures and the HTML report lay out their rows and columns by.
 */
#ifndef H5SNOOP_REPORT_GRID_H
#define H5SNOOP_REPORT_GRID_H

#include <stddef.h>
#include <stdint.h>

#include "report.h"

#define REPORT_NO_GROUP UINT32_MAX

/*
 * Names as a picture shows them: what tells them apart.  The start and
 * the end all of them share (cut at a '/', '_', '-', '.', ':' or ' ') are
 * left out of each and said once in `common` ("" when nothing is
 * shared); one name alone is kept whole.
 */
struct report_names {
	char **name;     /* [i]: the distinguishing part of names[i] */
	uint32_t n;
	char common[600]; /* e.g. "names shown without their common start
			   * 'http://h/ATL06_' and end '.h5'" */
};

enum h5snoop_status report_names_make(struct report_names *pn,
				      char *const *names, uint32_t n,
				      struct h5snoop_error *err);
void report_names_free(struct report_names *pn);

/*
 * The groups shown as a grid: columns are the values of the flavor field
 * (or, without it, of the last --by field), rows the values of the other
 * fields joined with '/' (runs: with --by run,flavor, the notebook's
 * layout); with one --by field, one column and a row per group.  Rows
 * and columns in the report's order of the groups, with their short
 * names (report_names).
 */
struct report_grid {
	uint32_t n_rows, n_cols;
	char **rows, **cols;    /* names */
	uint32_t *cell;         /* [row * n_cols + col]: group or
				 * REPORT_NO_GROUP */
	struct report_names short_rows, short_cols;
	const char *row_field;  /* "run", "label/file", ... */
	const char *col_field;  /* "flavor", ... or "" */
	char row_field_buf[128];
};

/* H5SNOOP_OK or H5SNOOP_ERROR (out of memory); report_grid_free after. */
enum h5snoop_status report_grid_make(struct report_grid *g,
				     const struct report *r,
				     struct h5snoop_error *err);
void report_grid_free(struct report_grid *g);

/* Group g's short name from the grid: "ROW / COL" with the rows' and
 * columns' short names (one of them when the other has a single value);
 * `key` when the group is not in the grid.  Writes into buf, returns
 * it. */
const char *report_grid_name(const struct report_grid *g,
			     const char *key, uint32_t group, char *buf,
			     size_t cap);

#endif
