/*
 * svg.h - the few SVG elements the plots draw, written to a FILE*, and
 * what every picture needs around them: axes with round ticks, colors
 * that stay distinct however many groups there are, legends.
 *
 * Every string that may come from a trace goes through esc_xml; numbers
 * are formatted with "%.1f" so that files stay small.
 */
#ifndef H5SNOOP_SVG_H
#define H5SNOOP_SVG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Colors of the size bins (the seed's red, orange, purple, blue) and of
 * the layers. */
extern const char *const svg_bin_colors[4];
extern const char *const svg_layer_colors[2];

/* Color i of n: a ten-color palette while n <= 10, else n hues spread
 * evenly (two lightnesses alternating), so no two of the n are alike.
 * Writes "#rrggbb" into buf (8 bytes) and returns it. */
char *svg_color(char *buf, unsigned i, unsigned n);

/* A document of width x height px; standalone: with the XML prolog (an
 * .svg file), else bare (inline in HTML). */
void svg_begin(FILE *f, double width, double height, int standalone);
void svg_end(FILE *f);
/* Text at (x, y); anchor "start", "middle" or "end"; escaped. */
void svg_text(FILE *f, double x, double y, const char *anchor, int size,
	      const char *text);
/* Bold text (titles). */
void svg_title(FILE *f, double x, double y, const char *anchor, int size,
	       const char *text);
/*
 * Text that must fit in max_width px (estimated from the font size): when
 * it does not, its end is kept and its start replaced by an ellipsis
 * (the end of a name is what tells names apart), and the full text is
 * kept in a <title> that browsers show on hover.
 */
void svg_fit(FILE *f, double x, double y, const char *anchor, int size,
	     double max_width, const char *text);
/* The same in bold (titles). */
void svg_fit_title(FILE *f, double x, double y, const char *anchor,
		   int size, double max_width, const char *text);
void svg_rect(FILE *f, double x, double y, double w, double h,
	      const char *fill, double opacity);
void svg_line(FILE *f, double x1, double y1, double x2, double y2,
	      const char *stroke, double width, int dashed);
/* A legend entry: a color swatch and its label; returns the x after it. */
double svg_legend(FILE *f, double x, double y, const char *color,
		  const char *label);

/*
 * Round ticks: the step of about n ticks over [0, max], 1, 2 or 5 times
 * a power of `base` (1000: times, counts; 1024: bytes, so that ticks
 * read 2 MiB, not 1.91 MiB).
 */
double svg_tick_step(double max, int n, double base);

/* A round end for an axis over [0, data_max]: the first multiple of
 * svg_tick_step(data_max, n, base) at or past data_max (1 when data_max
 * is 0); its step in *step. */
double svg_axis_end(double data_max, int n, double base, double *step);

/* Formats a value of an axis into buf and returns buf. */
typedef char *(*svg_format)(char *buf, size_t cap, uint64_t v);
/* Plain integers, for counts. */
char *svg_count(char *buf, size_t cap, uint64_t v);

/*
 * A horizontal value axis under a plot area [x0, x0 + w] at y: a line,
 * ticks every `step` from 0 to max (value max at x0 + w), labelled by
 * fmt, light grid lines up to grid_top (when grid_top < y).
 */
void svg_axis_x(FILE *f, double x0, double w, double y, double max,
		double step, svg_format fmt, double grid_top);

#endif
