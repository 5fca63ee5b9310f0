/*
 * flavor.h - what a person calls a file: the name a Python file object
 * stands for (its URL or path, not its repr), and the file's flavor, the
 * variant of a data set it is (by default the file's stem,
 * "ATL06_x_original"; with a regex, the part it picks, "original").
 */
#ifndef H5SNOOP_FLAVOR_H
#define H5SNOOP_FLAVOR_H

#include <regex.h>
#include <stddef.h>

#include "diag.h"

/*
 * The URL or path a driver's file name stands for: h5py names a Python
 * file object by its repr, "<File-like object HTTPFileSystem, URL>"
 * (fsspec) or "<_io.BufferedReader name='PATH'>"; GDAL names it
 * "/vsicurl/URL"; any other name is itself.  Returns where in `name` it
 * starts and sets *len to its length (the part is not NUL-terminated:
 * the caller copies it whole, so that no name is ever cut).  Thread-safe,
 * no allocation.
 */
const char *flavor_file_name(const char *name, size_t *len);

/* How file names map to flavors: their stem, or what a regex picks. */
struct flavor_map {
	int has_regex;
	regex_t regex;
};

/*
 * Makes m map names through `regex` (POSIX extended; NULL or "": stems
 * only).  Returns H5SNOOP_OK, or H5SNOOP_USAGE naming `command` and the
 * regex's error.  flavor_map_free releases it.
 */
enum h5snoop_status flavor_map_init(struct flavor_map *m, const char *regex,
				    const char *command,
				    struct h5snoop_error *err);

/*
 * The flavor of file name or URL `name`: the first parenthesized group
 * of the regex that matched in it (else the whole match), when the map
 * has a regex and it matches; else the name's stem (group_stem); "?"
 * when that is empty.  Writes into out (cut to cap) and returns it.
 * NOTE: the flavor is a part of `name`, or "?": a cap of
 * FLAVOR_CAP(strlen(name)) never cuts it.
 */
#define FLAVOR_CAP(name_len) ((name_len) + 2u)
char *flavor_of_name(const struct flavor_map *m, const char *name,
		     char *out, size_t cap);

void flavor_map_free(struct flavor_map *m);

#endif
