/*
 * plot.h - the SVG pictures of `h5snoop plot`, one file per picture, each
 * a row of the table plot_pictures.
 */
#ifndef H5SNOOP_PLOT_H
#define H5SNOOP_PLOT_H

#include <stdio.h>

#include "plot_data.h"
#include "report.h"

/* Layout shared by the pictures (px). */
#define PLOT_WIDTH 1200.0
#define PLOT_LEFT 280.0   /* labels left of the plot area */
#define PLOT_RIGHT 30.0

/*
 * One picture: draw writes one complete SVG document of r and d to f
 * (for layer l when per_layer) and returns H5SNOOP_ERROR when writing
 * failed.  Its file is STEM.svg, or STEM_LAYER.svg per shown layer.
 */
struct plot_picture {
	const char *stem;
	int per_layer;
	enum h5snoop_status (*draw)(FILE *f, const struct report *r,
				    const struct plot_data *d, enum layer l,
				    struct h5snoop_error *err);
};

/* read_pattern_LAYER.svg: requests at their offsets, a row per group. */
extern const struct plot_picture plot_read_pattern;
/* latency_LAYER.svg: latency CDF per size bin, a curve per group. */
extern const struct plot_picture plot_latency;
/* time.svg: wall time and time in requests per group, baseline line. */
extern const struct plot_picture plot_time;
/* timeline.svg: time in requests over time, a lane per thread. */
extern const struct plot_picture plot_timeline;

/* The pictures `h5snoop plot` draws, in order (plot.c). */
extern const struct plot_picture *const plot_pictures[];
extern const unsigned plot_n_pictures;

/* Under the title: how many groups were left out (--top), if any. */
void plot_left_out(FILE *f, const struct report *r);

/* Axis ticks under the plot area from 0 to max, labelled by fmt. */
void plot_axis(FILE *f, double y, double max,
	       char *(*fmt)(char *, size_t, uint64_t));

/* The x axis at y with its caption, then the end of the document;
 * H5SNOOP_ERROR (naming `what`) when writing f failed. */
enum h5snoop_status plot_finish(FILE *f, double y, double max,
				char *(*fmt)(char *, size_t, uint64_t),
				const char *caption, const char *what,
				struct h5snoop_error *err);

#endif
