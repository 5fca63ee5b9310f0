/*
 * plot.h - the SVG pictures of `h5snoop plot` (and of the HTML report),
 * one file per picture, each a row of the table plot_pictures, and what
 * they share: the layout (the grid of runs x flavors: report_grid.h).
 */
#ifndef H5SNOOP_PLOT_H
#define H5SNOOP_PLOT_H

#include <stdio.h>

#include "plot_data.h"
#include "report.h"
#include "report_grid.h"

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

/* One picture to draw of a report: a picture, for a layer when it is
 * drawn per layer, and its file name. */
struct plot_item {
	const struct plot_picture *picture;
	enum layer layer;
	char file[64];    /* STEM.svg or STEM_LAYER.svg */
	char caption[256];
};

#define PLOT_MAX_ITEMS 16

/* The pictures of report r (prepared), in the table's order, each drawn
 * per layer once per shown layer; returns how many (<= PLOT_MAX_ITEMS)
 * were written to items. */
unsigned plot_items(const struct report *r, struct plot_item *items);

/* The pictures of a report for a writer that embeds them (the HTML
 * report), drawn from d as inline SVG.  Fills e->pictures, which points
 * into e: e must outlive the report's use of it. */
struct plot_embed {
	const struct plot_data *d;
	struct plot_item items[PLOT_MAX_ITEMS];
	struct report_pictures pictures;
};
void plot_embed_init(struct plot_embed *e, const struct report *r,
		     const struct plot_data *d);

/* Under the title at y: how many groups were left out (--top), if any;
 * returns the y of the next line. */
double plot_left_out(FILE *f, const struct report *r, double y);

/* The end of the document; H5SNOOP_ERROR (naming `what`) when writing f
 * failed. */
enum h5snoop_status plot_finish(FILE *f, const char *what,
				struct h5snoop_error *err);

#endif
