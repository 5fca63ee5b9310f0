/*
 * flavor.c - file names people mean, and flavors (see flavor.h).
 *
 * Must never: print, or allocate per event (a name is mapped once per
 * file).
 */
#include "flavor.h"

#include <stdio.h>
#include <string.h>

#include "group_key.h"

/* The text between `open` and the closing `close` at the end of name
 * (e.g. after "<File-like object FS, " up to the final '>'), or NULL. */
static const char *between(const char *name, const char *open,
			   const char *close, size_t *len)
{
	const char *p = strstr(name, open);
	size_t n = strlen(name), c = strlen(close);

	if (!p || n < c || strcmp(name + n - c, close) != 0)
		return NULL;
	p += strlen(open);
	if (p > name + n - c)
		return NULL;
	*len = (size_t)(name + n - c - p);
	return p;
}

const char *flavor_file_name(const char *name, size_t *len_out)
{
	const char *p = NULL;
	size_t len = 0;

	if (strncmp(name, "<File-like object ", 18) == 0) {
		/* fsspec: "<File-like object CLASS, PATH>"; the class name
		 * has no comma or space. */
		const char *comma = strstr(name + 18, ", ");

		if (comma && !memchr(name + 18, ' ', (size_t)(comma - name -
							       18)))
			p = between(comma, ", ", ">", &len);
	} else if (name[0] == '<') {
		/* Python's io objects: "<_io.BufferedReader name='PATH'>". */
		p = between(name, " name='", "'>", &len);
		if (!p)
			p = between(name, " name=\"", "\">", &len);
	} else if (strncmp(name, "/vsicurl/", 9) == 0 && strstr(name, "://")) {
		/* GDAL: "/vsicurl/URL" is the URL its requests name. */
		p = name + 9;
		len = strlen(p);
	}
	if (!p || len == 0) {
		*len_out = strlen(name);
		return name;
	}
	*len_out = len;
	return p;
}

enum h5snoop_status flavor_map_init(struct flavor_map *m, const char *regex,
				    const char *command,
				    struct h5snoop_error *err)
{
	int rc;

	memset(m, 0, sizeof(*m));
	if (!regex || !regex[0])
		return H5SNOOP_OK;
	rc = regcomp(&m->regex, regex, REG_EXTENDED);
	if (rc != 0) {
		char why[256];

		regerror(rc, &m->regex, why, sizeof(why));
		return diag_usage(err, command,
				  "--flavor-regex '%s' is not a regular "
				  "expression: %s",
				  regex, why);
	}
	m->has_regex = 1;
	return H5SNOOP_OK;
}

char *flavor_of_name(const struct flavor_map *m, const char *name,
		     char *out, size_t cap)
{
	regmatch_t match[2];

	if (m && m->has_regex &&
	    regexec(&m->regex, name, 2, match, 0) == 0) {
		regmatch_t *pick = match[1].rm_so >= 0 ? &match[1]
						       : &match[0];

		if (pick->rm_eo > pick->rm_so) {
			snprintf(out, cap, "%.*s",
				 (int)(pick->rm_eo - pick->rm_so),
				 name + pick->rm_so);
			return out;
		}
	}
	group_stem(out, cap, name);
	if (!out[0])
		snprintf(out, cap, "?");
	return out;
}

void flavor_map_free(struct flavor_map *m)
{
	if (m->has_regex)
		regfree(&m->regex);
	memset(m, 0, sizeof(*m));
}
