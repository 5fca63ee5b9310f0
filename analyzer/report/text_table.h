/*
 * text_table.h - an aligned table of the text report: a name column,
 * then columns whose cells are a value and, beside it, a ratio.  Widths
 * come from the cells, so columns never run together whatever a value's
 * width ("64.4 MiB" next to "4083.46x" keeps its gap).
 */
#ifndef H5SNOOP_TEXT_TABLE_H
#define H5SNOOP_TEXT_TABLE_H

#include <stdint.h>
#include <stdio.h>

#include "diag.h"

struct text_cell {
	char value[40]; /* "" : "-" is written */
	char ratio[24]; /* "" : none */
};

struct text_table {
	const char *corner;       /* heading of the name column */
	unsigned n_cols;
	const char **head;        /* [n_cols], not owned */
	uint32_t n_rows;
	const char **names;       /* [n_rows], not owned */
	struct text_cell *cells;  /* [n_rows * n_cols] */
};

/* A table of n_rows x n_cols empty cells; heads and names are set by
 * the caller (their strings must outlive the table).  H5SNOOP_OK or
 * H5SNOOP_ERROR (out of memory; then text_table_free is still safe). */
enum h5snoop_status text_table_init(struct text_table *t, const char *corner,
				    uint32_t n_rows, unsigned n_cols,
				    struct h5snoop_error *err);

static inline struct text_cell *text_table_cell(struct text_table *t,
						uint32_t row, unsigned col)
{
	return &t->cells[(size_t)row * t->n_cols + col];
}

/* Writes the table, each line indented by two spaces; control
 * characters of names are escaped (esc_text).  H5SNOOP_OK, or
 * H5SNOOP_ERROR out of memory (nothing written). */
enum h5snoop_status text_table_write(FILE *f, const struct text_table *t,
				     struct h5snoop_error *err);

void text_table_free(struct text_table *t);

#endif
