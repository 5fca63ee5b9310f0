/*
 * svg.h - the few SVG elements the plots draw, written to a FILE*.
 *
 * Every string that may come from a trace goes through esc_xml; numbers
 * are formatted with "%.1f" so that files stay small.
 */
#ifndef H5SNOOP_SVG_H
#define H5SNOOP_SVG_H

#include <stdio.h>

/* Colors of the size bins (the seed's red, orange, purple, blue) and of
 * the layers. */
extern const char *const svg_bin_colors[4];
extern const char *const svg_layer_colors[2];
/* A palette for groups (cycled). */
const char *svg_group_color(unsigned i);

void svg_begin(FILE *f, double width, double height);
void svg_end(FILE *f);
/* Text at (x, y); anchor "start", "middle" or "end"; escaped. */
void svg_text(FILE *f, double x, double y, const char *anchor, int size,
	      const char *text);
/* A row label ending at x: text wider than max_width (estimated from the
 * font size) is shortened in the middle, and the full text kept in a
 * <title> that browsers show on hover. */
void svg_label(FILE *f, double x, double y, int size, double max_width,
	       const char *text);
void svg_rect(FILE *f, double x, double y, double w, double h,
	      const char *fill, double opacity);
void svg_line(FILE *f, double x1, double y1, double x2, double y2,
	      const char *stroke, double width, int dashed);
/* A legend entry: a color swatch and its label. */
void svg_legend(FILE *f, double x, double y, const char *color,
		const char *label);

#endif
