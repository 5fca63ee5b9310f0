/*
 * svg.c - SVG elements, axes and colors (see svg.h).
 *
 * Must never: write text that is not escaped.
 */
#include "svg.h"

#include <math.h>
#include <string.h>

#include "escape.h"

const char *const svg_bin_colors[4] = {"#d62728", "#ff7f0e", "#9467bd",
				       "#1f77b4"};
const char *const svg_layer_colors[2] = {"#1f77b4", "#ff7f0e"};

/* RGB of hue h (degrees), saturation s and lightness l (0..1). */
static void hsl_rgb(double h, double s, double l, unsigned rgb[3])
{
	double c = (1 - fabs(2 * l - 1)) * s, hp = fmod(h, 360.0) / 60.0;
	double x = c * (1 - fabs(fmod(hp, 2.0) - 1)), m = l - c / 2;
	double v[3] = {0, 0, 0};

	if (hp < 1)
		v[0] = c, v[1] = x;
	else if (hp < 2)
		v[0] = x, v[1] = c;
	else if (hp < 3)
		v[1] = c, v[2] = x;
	else if (hp < 4)
		v[1] = x, v[2] = c;
	else if (hp < 5)
		v[0] = x, v[2] = c;
	else
		v[0] = c, v[2] = x;
	for (int k = 0; k < 3; k++)
		rgb[k] = (unsigned)lround((v[k] + m) * 255.0);
}

char *svg_color(char *buf, unsigned i, unsigned n)
{
	static const char *const palette[] = {
		"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
		"#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
	unsigned rgb[3];

	if (n <= sizeof(palette) / sizeof(palette[0])) {
		snprintf(buf, 8, "%s", palette[i % 10]);
		return buf;
	}
	/* RATIONALE: evenly spread hues, neighbours told apart by their
	 * lightness as well, so that n colors stay distinct. */
	hsl_rgb(360.0 * (i % n) / n, 0.70, i % 2 ? 0.35 : 0.55, rgb);
	snprintf(buf, 8, "#%02x%02x%02x", rgb[0] & 0xff, rgb[1] & 0xff,
		 rgb[2] & 0xff);
	return buf;
}

void svg_begin(FILE *f, double width, double height, int standalone)
{
	if (standalone)
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f,
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

static void text(FILE *f, double x, double y, const char *anchor, int size,
		 const char *weight, const char *title, const char *s)
{
	fprintf(f,
		"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" "
		"font-size=\"%d\"%s>",
		x, y, anchor, size, weight);
	if (title) {
		fputs("<title>", f);
		esc_xml(f, title);
		fputs("</title>", f);
	}
	esc_xml(f, s);
	fputs("</text>\n", f);
}

void svg_text(FILE *f, double x, double y, const char *anchor, int size,
	      const char *s)
{
	text(f, x, y, anchor, size, "", NULL, s);
}

void svg_title(FILE *f, double x, double y, const char *anchor, int size,
	       const char *s)
{
	text(f, x, y, anchor, size, " font-weight=\"bold\"", NULL, s);
}

static void fit(FILE *f, double x, double y, const char *anchor, int size,
		const char *weight, double max_width, const char *s)
{
	/* RATIONALE: an average sans-serif glyph is about 0.6 em wide. */
	size_t fit = (size_t)(max_width / (size * 0.6));
	size_t chars = esc_width(s), skip, i = 0, len = strlen(s);
	char cut[1024];

	if (chars <= fit || fit < 4) {
		text(f, x, y, anchor, size, weight, NULL, s);
		return;
	}
	/* Keep the last fit - 1 characters, after an ellipsis. */
	skip = chars - (fit - 1);
	while (skip-- > 0 && i < len)
		esc_utf8_next(s, len, &i);
	snprintf(cut, sizeof(cut), "\xe2\x80\xa6%s", s + i);
	text(f, x, y, anchor, size, weight, s, cut);
}

void svg_fit(FILE *f, double x, double y, const char *anchor, int size,
	     double max_width, const char *s)
{
	fit(f, x, y, anchor, size, "", max_width, s);
}

void svg_fit_title(FILE *f, double x, double y, const char *anchor,
		   int size, double max_width, const char *s)
{
	fit(f, x, y, anchor, size, " font-weight=\"bold\"", max_width, s);
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

double svg_legend(FILE *f, double x, double y, const char *color,
		  const char *label)
{
	svg_rect(f, x, y - 10, 12, 12, color, 1.0);
	svg_text(f, x + 16, y, "start", 12, label);
	return x + 16 + 12 * 0.6 * (double)esc_width(label) + 18;
}

double svg_tick_step(double max, int n, double base)
{
	double unit = 1, raw, mag;

	if (!(max > 0) || n < 1)
		return 1;
	/* The unit (a power of base) that makes max a number under base. */
	while (max / unit >= base)
		unit *= base;
	raw = max / unit / n;
	mag = pow(10, floor(log10(raw)));
	if (raw / mag > 5)
		mag *= 10;
	else if (raw / mag > 2)
		mag *= 5;
	else if (raw / mag > 1)
		mag *= 2;
	return mag * unit;
}

double svg_axis_end(double data_max, int n, double base, double *step)
{
	if (!(data_max > 0))
		data_max = 1;
	*step = svg_tick_step(data_max, n, base);
	return ceil(data_max / *step - 1e-9) * *step;
}

char *svg_count(char *buf, size_t cap, uint64_t v)
{
	snprintf(buf, cap, "%llu", (unsigned long long)v);
	return buf;
}

void svg_axis_x(FILE *f, double x0, double w, double y, double max,
		double step, svg_format fmt, double grid_top)
{
	char b[32];

	svg_line(f, x0, y, x0 + w, y, "#333", 1, 0);
	if (!(max > 0) || !(step > 0))
		return;
	for (double v = 0; v <= max * (1 + 1e-9); v += step) {
		double x = x0 + w * v / max;

		if (grid_top < y)
			svg_line(f, x, grid_top, x, y, "#e4e4e4", 1, 0);
		svg_line(f, x, y, x, y + 5, "#333", 1, 0);
		svg_text(f, x, y + 17, "middle", 11,
			 fmt(b, sizeof(b), (uint64_t)llround(v)));
	}
}
