/*
 * plot.h - the SVG pictures of `h5snoop plot`, one function per file.
 * Each writes one complete SVG document to f and returns H5SNOOP_ERROR
 * when writing failed.
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

/* read_pattern_LAYER.svg: requests at their offsets, a row per group. */
enum h5snoop_status svg_read_pattern(FILE *f, const struct report *r,
				     const struct plot_data *d, enum layer l,
				     struct h5snoop_error *err);
/* time.svg: wall time and time in requests per group, baseline line. */
enum h5snoop_status svg_time(FILE *f, const struct report *r,
			     struct h5snoop_error *err);
/* latency_LAYER.svg: latency CDF per size bin, a curve per group. */
enum h5snoop_status svg_latency(FILE *f, const struct report *r,
				enum layer l, struct h5snoop_error *err);
/* timeline.svg: time in requests over time, a lane per thread. */
enum h5snoop_status svg_timeline(FILE *f, const struct report *r,
				 const struct plot_data *d,
				 struct h5snoop_error *err);

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
