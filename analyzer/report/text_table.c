/*
 * text_table.c - aligned tables of the text report (see text_table.h).
 *
 * Must never: write a name unescaped (esc_text), or let two cells touch.
 */
#include "text_table.h"

#include <stdlib.h>
#include <string.h>

#include "escape.h"

/* Spaces between columns, and between a value and its ratio. */
#define GAP 3
#define RATIO_GAP 2

enum h5snoop_status text_table_init(struct text_table *t, const char *corner,
				    uint32_t n_rows, unsigned n_cols,
				    struct h5snoop_error *err)
{
	memset(t, 0, sizeof(*t));
	t->corner = corner;
	t->n_rows = n_rows;
	t->n_cols = n_cols;
	t->head = calloc(n_cols ? n_cols : 1, sizeof(*t->head));
	t->names = calloc(n_rows ? n_rows : 1, sizeof(*t->names));
	t->cells = calloc((size_t)(n_rows ? n_rows : 1) * (n_cols ? n_cols : 1),
			  sizeof(*t->cells));
	if (!t->head || !t->names || !t->cells)
		return diag_nomem(err);
	return H5SNOOP_OK;
}

static void pad(FILE *f, size_t n)
{
	while (n-- > 0)
		putc(' ', f);
}

static const char *value_text(const struct text_cell *c)
{
	return c->value[0] ? c->value : "-";
}

/* Display widths: values and ratios are ASCII but for "µs". */
static size_t width(const char *s)
{
	return esc_width(s);
}

enum h5snoop_status text_table_write(FILE *f, const struct text_table *t,
				     struct h5snoop_error *err)
{
	const char *corner = t->corner ? t->corner : "";
	size_t name_w = width(corner);
	/* Per column: the widest value, the widest ratio, the column. */
	size_t *wv = calloc(t->n_cols ? t->n_cols : 1, 3 * sizeof(*wv));

	if (!wv)
		return diag_nomem(err);
	for (uint32_t r = 0; r < t->n_rows; r++) {
		size_t w = width(t->names[r] ? t->names[r] : "");

		name_w = w > name_w ? w : name_w;
		for (unsigned c = 0; c < t->n_cols; c++) {
			const struct text_cell *x =
				&t->cells[(size_t)r * t->n_cols + c];
			size_t v = width(value_text(x)), q = width(x->ratio);
			size_t *col = &wv[3 * (size_t)c];

			col[0] = v > col[0] ? v : col[0];
			col[1] = q > col[1] ? q : col[1];
		}
	}
	fputs("  ", f);
	esc_text(f, corner);
	pad(f, name_w - width(corner));
	for (unsigned c = 0; c < t->n_cols; c++) {
		size_t *col = &wv[3 * (size_t)c];
		size_t hw = width(t->head[c]);
		size_t cw = col[0] + (col[1] ? RATIO_GAP + col[1] : 0);

		col[2] = cw > hw ? cw : hw; /* the column's width */
		pad(f, GAP + col[2] - hw);
		esc_text(f, t->head[c]);
	}
	putc('\n', f);
	for (uint32_t r = 0; r < t->n_rows; r++) {
		const char *name = t->names[r] ? t->names[r] : "";

		fputs("  ", f);
		esc_text(f, name);
		pad(f, name_w - width(name));
		for (unsigned c = 0; c < t->n_cols; c++) {
			const struct text_cell *x =
				&t->cells[(size_t)r * t->n_cols + c];
			const size_t *col = &wv[3 * (size_t)c];
			size_t cw = col[0] + (col[1] ? RATIO_GAP + col[1] : 0);

			pad(f, GAP + col[2] - cw + col[0] -
				       width(value_text(x)));
			fputs(value_text(x), f);
			/* NOTE: no trailing blanks after the last value. */
			if (col[1] && (x->ratio[0] || c + 1 < t->n_cols)) {
				pad(f, RATIO_GAP + col[1] - width(x->ratio));
				fputs(x->ratio, f);
			}
		}
		putc('\n', f);
	}
	free(wv);
	return H5SNOOP_OK;
}

void text_table_free(struct text_table *t)
{
	free(t->head);
	free(t->names);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}
