/*
 * plot.h - the SVG pictures of `h5snoop plot` (and of the HTML report),
 * one file per picture, each a row of the table plot_pictures, and what
 * they share: the layout, the run x flavor grid, short names.
 */
#ifndef H5SNOOP_PLOT_H
#define H5SNOOP_PLOT_H

#include <stdio.h>

#include "plot_data.h"
#include "report.h"

/* Layout shared by the pictures (px). */
#define PLOT_WIDTH 1200.0
#define PLOT_LEFT 230.0   /* row labels left of the plot area */
#define PLOT_RIGHT 30.0

/* What one picture is drawn from, and where to. */
struct plot_page {
	FILE *f;
	const struct report *r;
	const struct plot_data *d;
	enum layer layer;   /* for the pictures drawn per layer */
	int standalone;     /* an .svg file (XML prolog), or inline HTML */
};

/*
 * One picture: draw writes one complete SVG document of p to p->f and
 * returns H5SNOOP_ERROR when writing failed (or out of memory).  Its file
 * is STEM.svg, or STEM_LAYER.svg per shown layer.
 */
struct plot_picture {
	const char *stem;
	int per_layer;
	const char *caption; /* what it shows, for a page that embeds it */
	enum h5snoop_status (*draw)(const struct plot_page *p,
				    struct h5snoop_error *err);
};

/* compare.svg: the notebook's clustered bars: per run a bar per flavor,
 * for time, requests and bytes side by side. */
extern const struct plot_picture plot_compare;
/* read_pattern_LAYER.svg: requests at their offsets, a panel per
 * flavor, a row per run. */
extern const struct plot_picture plot_read_pattern;
/* latency_LAYER.svg: latency CDF, a panel per size bin, a curve per
 * group. */
extern const struct plot_picture plot_latency;
/* timeline.svg: time in requests over time, a lane per process, idle
 * gaps between them folded. */
extern const struct plot_picture plot_timeline;

/* The pictures `h5snoop plot` draws, in order (plot.c). */
extern const struct plot_picture *const plot_pictures[];
extern const unsigned plot_n_pictures;

/* Under the title at y: how many groups were left out (--top), if any;
 * returns the y of the next line. */
double plot_left_out(FILE *f, const struct report *r, double y);

/* The end of the document; H5SNOOP_ERROR (naming `what`) when writing f
 * failed. */
enum h5snoop_status plot_finish(FILE *f, const char *what,
				struct h5snoop_error *err);

#define PLOT_NO_GROUP UINT32_MAX

/*
 * Names as a picture shows them: what tells them apart.  The start and
 * the end all of them share (cut at a '/', '_', '-', '.', ':' or ' ') are
 * left out of each and said once in `common` ("" when nothing is
 * shared); one name alone is kept whole.
 */
struct plot_names {
	char **name;     /* [i]: the distinguishing part of names[i] */
	uint32_t n;
	char common[600]; /* e.g. "names shown without their common start
			   * 'http://h/ATL06_' and end '.h5'" */
};

enum h5snoop_status plot_names_make(struct plot_names *pn,
				    char *const *names, uint32_t n,
				    struct h5snoop_error *err);
void plot_names_free(struct plot_names *pn);

/*
 * The groups shown as a grid: columns are the values of the flavor field
 * (or, without it, of the last --by field), rows the values of the other
 * fields joined with '/' (runs: with --by run,flavor, the notebook's
 * layout); with one --by field, one column and a row per group.  Rows
 * and columns in the report's order of the groups, with their short
 * names (plot_names).
 */
struct plot_grid {
	uint32_t n_rows, n_cols;
	char **rows, **cols;    /* names */
	uint32_t *cell;         /* [row * n_cols + col]: group or
				 * PLOT_NO_GROUP */
	struct plot_names short_rows, short_cols;
	const char *row_field;  /* "run", "label/file", ... */
	const char *col_field;  /* "flavor", ... or "" */
	char row_field_buf[128];
};

/* H5SNOOP_OK or H5SNOOP_ERROR (out of memory); plot_grid_free after. */
enum h5snoop_status plot_grid_make(struct plot_grid *g,
				   const struct report *r,
				   struct h5snoop_error *err);
void plot_grid_free(struct plot_grid *g);

/* Group g's short name from the grid: "ROW / COL" with the rows' and
 * columns' short names (one of them when the other has a single value);
 * `key` when the group is not in the grid.  Writes into buf, returns
 * it. */
const char *plot_grid_name(const struct plot_grid *g, const char *key,
			   uint32_t group, char *buf, size_t cap);

#endif
