/*
 * svg.c - SVG elements (see svg.h).
 *
 * Must never: write text that is not escaped.
 */
#include "svg.h"

#include "escape.h"

const char *const svg_bin_colors[4] = {"#d62728", "#ff7f0e", "#9467bd",
				       "#1f77b4"};
const char *const svg_layer_colors[2] = {"#1f77b4", "#ff7f0e"};

const char *svg_group_color(unsigned i)
{
	static const char *const palette[] = {
		"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
		"#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

	return palette[i % (sizeof(palette) / sizeof(palette[0]))];
}

void svg_begin(FILE *f, double width, double height)
{
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
		"height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
		"font-family=\"sans-serif\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
		width, height, width, height);
}

void svg_end(FILE *f)
{
	fputs("</svg>\n", f);
}

void svg_text(FILE *f, double x, double y, const char *anchor, int size,
	      const char *text)
{
	fprintf(f,
		"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" "
		"font-size=\"%d\">",
		x, y, anchor, size);
	esc_xml(f, text);
	fputs("</text>\n", f);
}

void svg_rect(FILE *f, double x, double y, double w, double h,
	      const char *fill, double opacity)
{
	fprintf(f,
		"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		"fill=\"%s\"",
		x, y, w, h, fill);
	if (opacity < 1.0)
		fprintf(f, " fill-opacity=\"%.2f\"", opacity);
	fputs("/>\n", f);
}

void svg_line(FILE *f, double x1, double y1, double x2, double y2,
	      const char *stroke, double width, int dashed)
{
	fprintf(f,
		"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		"stroke=\"%s\" stroke-width=\"%.1f\"%s/>\n",
		x1, y1, x2, y2, stroke, width,
		dashed ? " stroke-dasharray=\"6,4\"" : "");
}

void svg_legend(FILE *f, double x, double y, const char *color,
		const char *label)
{
	svg_rect(f, x, y - 10, 12, 12, color, 1.0);
	svg_text(f, x + 16, y, "start", 12, label);
}
