/*
 * svg.c - SVG elements (see svg.h).
 *
 * Must never: write text that is not escaped.
 */
#include "svg.h"

#include <string.h>

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

/* Moves i back to the start of a UTF-8 character. */
static size_t char_start(const char *s, size_t i)
{
	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
		i--;
	return i;
}

void svg_label(FILE *f, double x, double y, int size, double max_width,
	       const char *text)
{
	/* RATIONALE: an average sans-serif glyph is about 0.6 em wide. */
	size_t fit = (size_t)(max_width / (size * 0.6));
	size_t len = strlen(text);
	char cut[512];

	if (len <= fit || fit < 8 || fit >= sizeof(cut) - 4) {
		svg_text(f, x, y, "end", size, text);
		return;
	}
	{
		size_t head = char_start(text, (fit - 1) / 3);
		size_t tail = char_start(text, len - (fit - 1 - head));

		memcpy(cut, text, head);
		memcpy(cut + head, "\xe2\x80\xa6", 3); /* ellipsis */
		strcpy(cut + head + 3, text + tail);
	}
	fprintf(f,
		"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
		"font-size=\"%d\"><title>",
		x, y, size);
	esc_xml(f, text);
	fputs("</title>", f);
	esc_xml(f, cut);
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
