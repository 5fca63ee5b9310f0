/*
 * report_grid.c - the groups shown as runs x flavors, and names cut to
 * what tells them apart (see plot.h).
 *
 * Must never: print; keep a pointer into the report past its life.
 */
#include <stdlib.h>
#include <string.h>

#include "report_grid.h"

/* The index of `name` in v[0..*n), added if new; -1 out of memory. */
static long intern(char ***v, uint32_t *n, const char *name)
{
	char **nv;

	for (uint32_t i = 0; i < *n; i++)
		if (strcmp((*v)[i], name) == 0)
			return i;
	nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv)
		return -1;
	*v = nv;
	nv[*n] = strdup(name);
	if (!nv[*n])
		return -1;
	return (*n)++;
}

/* Which --by field makes the columns: flavor, else the last; -1 with a
 * single field. */
static int column_field(const struct group_table *t)
{
	if (t->n_by < 2)
		return -1;
	for (unsigned k = 0; k < t->n_by; k++)
		if (t->by[k] == GROUP_BY_FLAVOR)
			return (int)k;
	return (int)t->n_by - 1;
}

/* Group g's row name: its values but column k, joined with '/', whole
 * (two groups alike up to a cut would share a row); malloc'd, NULL when
 * out of memory. */
static char *row_name(const struct group_table *t, uint32_t g, int k)
{
	size_t len = 1, used = 0;
	char *out;

	for (unsigned j = 0; j < t->n_by; j++)
		if ((int)j != k)
			len += strlen(t->values[(size_t)g * t->n_by + j]) + 1;
	out = malloc(len);
	if (!out)
		return NULL;
	out[0] = '\0';
	for (unsigned j = 0; j < t->n_by; j++) {
		const char *v = t->values[(size_t)g * t->n_by + j];
		size_t n = strlen(v);

		if ((int)j == k)
			continue;
		if (used)
			out[used++] = '/';
		memcpy(out + used, v, n + 1);
		used += n;
	}
	return out;
}

enum h5snoop_status report_grid_make(struct report_grid *g,
				     const struct report *r,
				     struct h5snoop_error *err)
{
	const struct group_table *t = r->groups;
	int k = column_field(t);
	uint32_t *rg = malloc((r->n_order ? r->n_order : 1) * sizeof(*rg));
	uint32_t *cg = malloc((r->n_order ? r->n_order : 1) * sizeof(*cg));
	size_t used = 0;

	memset(g, 0, sizeof(*g));
	if (!rg || !cg)
		goto nomem;
	for (uint32_t i = 0; i < r->n_order; i++) {
		uint32_t grp = r->order[i];
		char *name = row_name(t, grp, k);
		long row, col;

		row = name ? intern(&g->rows, &g->n_rows, name) : -1;
		free(name);
		col = intern(&g->cols, &g->n_cols,
			     k < 0 ? ""
				   : t->values[(size_t)grp * t->n_by + k]);
		if (row < 0 || col < 0)
			goto nomem;
		rg[i] = (uint32_t)row;
		cg[i] = (uint32_t)col;
	}
	g->cell = malloc(((size_t)g->n_rows * g->n_cols + 1) *
			 sizeof(*g->cell));
	if (!g->cell)
		goto nomem;
	for (size_t i = 0; i < (size_t)g->n_rows * g->n_cols; i++)
		g->cell[i] = REPORT_NO_GROUP;
	for (uint32_t i = 0; i < r->n_order; i++)
		g->cell[(size_t)rg[i] * g->n_cols + cg[i]] = r->order[i];
	for (unsigned j = 0; j < t->n_by; j++)
		if ((int)j != k && used < sizeof(g->row_field_buf))
			used += (size_t)snprintf(
				g->row_field_buf + used,
				sizeof(g->row_field_buf) - used, "%s%s",
				used ? "/" : "", group_by_names[t->by[j]]);
	g->row_field = g->row_field_buf;
	g->col_field = k < 0 ? "" : group_by_names[t->by[k]];
	free(rg);
	free(cg);
	if (report_names_make(&g->short_rows, g->rows, g->n_rows, err) !=
		    H5SNOOP_OK ||
	    report_names_make(&g->short_cols, g->cols, g->n_cols, err) !=
		    H5SNOOP_OK) {
		report_grid_free(g);
		return H5SNOOP_ERROR;
	}
	return H5SNOOP_OK;
nomem:
	free(rg);
	free(cg);
	report_grid_free(g);
	return diag_nomem(err);
}

void report_grid_free(struct report_grid *g)
{
	report_names_free(&g->short_rows);
	report_names_free(&g->short_cols);
	for (uint32_t i = 0; i < g->n_rows; i++)
		free(g->rows[i]);
	for (uint32_t i = 0; i < g->n_cols; i++)
		free(g->cols[i]);
	free(g->rows);
	free(g->cols);
	free(g->cell);
	memset(g, 0, sizeof(*g));
}

const char *report_grid_name(const struct report_grid *g,
			     const char *key, uint32_t group, char *buf,
			     size_t cap)
{
	const struct report_names *rows = &g->short_rows,
				  *cols = &g->short_cols;

	for (uint32_t row = 0; row < g->n_rows; row++)
		for (uint32_t col = 0; col < g->n_cols; col++) {
			if (g->cell[(size_t)row * g->n_cols + col] != group)
				continue;
			if (g->n_cols < 2)
				snprintf(buf, cap, "%s", rows->name[row]);
			else if (g->n_rows < 2)
				snprintf(buf, cap, "%s", cols->name[col]);
			else
				snprintf(buf, cap, "%s / %s", rows->name[row],
					 cols->name[col]);
			return buf;
		}
	snprintf(buf, cap, "%s", key);
	return buf;
}

static int is_cut(char c)
{
	return c == '/' || c == '_' || c == '-' || c == '.' || c == ':' ||
	       c == ' ';
}

enum h5snoop_status report_names_make(struct report_names *pn,
				      char *const *names, uint32_t n,
				      struct h5snoop_error *err)
{
	size_t pre = 0, suf = 0, shortest = (size_t)-1;

	memset(pn, 0, sizeof(*pn));
	pn->name = calloc(n ? n : 1, sizeof(*pn->name));
	if (!pn->name)
		return diag_nomem(err);
	pn->n = n;
	for (uint32_t i = 0; i < n; i++)
		if (strlen(names[i]) < shortest)
			shortest = strlen(names[i]);
	if (n >= 2) {
		/* The common start, back to just after a cut character. */
		while (pre < shortest) {
			uint32_t i = 1;

			while (i < n && names[i][pre] == names[0][pre])
				i++;
			if (i < n)
				break;
			pre++;
		}
		while (pre > 0 && !is_cut(names[0][pre - 1]))
			pre--;
		/* The common end, from a cut character on. */
		while (suf < shortest - pre) {
			size_t l0 = strlen(names[0]);
			uint32_t i = 1;

			while (i < n && names[i][strlen(names[i]) - 1 - suf] ==
						names[0][l0 - 1 - suf])
				i++;
			if (i < n)
				break;
			suf++;
		}
		while (suf > 0 && !is_cut(names[0][strlen(names[0]) - suf]))
			suf--;
		/* Nothing may be left empty: then keep the ends. */
		for (uint32_t i = 0; i < n; i++)
			if (strlen(names[i]) <= pre + suf)
				pre = suf = 0;
	}
	for (uint32_t i = 0; i < n; i++) {
		size_t len = strlen(names[i]) - pre - suf;

		pn->name[i] = malloc(len + 1);
		if (!pn->name[i]) {
			report_names_free(pn);
			return diag_nomem(err);
		}
		memcpy(pn->name[i], names[i] + pre, len);
		pn->name[i][len] = '\0';
	}
	if (pre && suf)
		snprintf(pn->common, sizeof(pn->common),
			 "names shown without their common start '%.*s' and "
			 "end '%s'",
			 (int)(pre < 250 ? pre : 250), names[0],
			 names[0] + strlen(names[0]) - suf);
	else if (pre)
		snprintf(pn->common, sizeof(pn->common),
			 "names shown without their common start '%.*s'",
			 (int)(pre < 250 ? pre : 250), names[0]);
	else if (suf)
		snprintf(pn->common, sizeof(pn->common),
			 "names shown without their common end '%s'",
			 names[0] + strlen(names[0]) - suf);
	return H5SNOOP_OK;
}

void report_names_free(struct report_names *pn)
{
	for (uint32_t i = 0; pn->name && i < pn->n; i++)
		free(pn->name[i]);
	free(pn->name);
	memset(pn, 0, sizeof(*pn));
}
