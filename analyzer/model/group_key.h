/*
 * group_key.h - what `--by` groups requests by, and the table that gives
 * each distinct group key a small index (in order of first appearance).
 *
 * A key is the group's values for the --by fields joined with '/', e.g.
 * "page-only-8mb/ros3".
 */
#ifndef H5SNOOP_GROUP_KEY_H
#define H5SNOOP_GROUP_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "map.h"

/* flavor: the file variant (flavor.h); run: the label given at record
 * time (also spelled "label").  stack and function come from each
 * request's call stack (stack_table.h) rather than from its file. */
#define GROUP_BY_FIELDS(X) \
	X(FLAVOR, flavor)  \
	X(RUN, run)        \
	X(FILE, file)      \
	X(DRIVER, driver)  \
	X(PROCESS, process) \
	X(HOST, host)      \
	X(STACK, stack)    \
	X(FUNCTION, function)

enum group_by {
#define GROUP_BY_ENUM(up, low) GROUP_BY_##up,
	GROUP_BY_FIELDS(GROUP_BY_ENUM)
#undef GROUP_BY_ENUM
	GROUP_BY_COUNT
};

extern const char *const group_by_names[GROUP_BY_COUNT];

/* The value of every --by field for one request. */
struct group_values {
	const char *v[GROUP_BY_COUNT];
};

struct group_table {
	enum group_by by[GROUP_BY_COUNT];
	unsigned n_by;
	char **keys;    /* keys[i]: group i's key */
	char **values;  /* values[i * n_by + k]: its value of by[k] */
	uint32_t n;
	uint32_t cap;
	struct map index;
};

/* The group_by of `name` ("flavor", ...; "label" is run), or -1. */
int group_by_parse(const char *name);

/*
 * The index of the group of `v` under t->by, added if new.  Returns
 * H5SNOOP_OK or H5SNOOP_ERROR (out of memory).  Copies what it keeps.
 */
enum h5snoop_status group_table_intern(struct group_table *t,
				       const struct group_values *v,
				       uint32_t *index,
				       struct h5snoop_error *err);

/* The index of the group whose key is `key`, or -1. */
long group_table_find(const struct group_table *t, const char *key);

void group_table_free(struct group_table *t);

/*
 * The stem of a file name or URL: its last path component without query,
 * fragment or extension ("http://h/d/ATL06_x_page.h5?a" -> "ATL06_x_page").
 * Writes into out (NUL-terminated, cut to cap) and returns out.
 */
char *group_stem(char *out, size_t cap, const char *name);

#endif
