/*
 * dir_list.h - the names in a directory that a filter keeps, sorted, so
 * that traces and streams are always read in the same order.
 */
#ifndef H5SNOOP_DIR_LIST_H
#define H5SNOOP_DIR_LIST_H

#include <stddef.h>

/* Keeps `name` (an entry of dirfd, not "." or "..") when it returns 1. */
typedef int (*dir_keep_fn)(int dirfd, const char *name);

/*
 * Lists the entries of dirfd that `keep` keeps, sorted by strcmp, into
 * *names (malloc'ed array of malloc'ed strings: dir_list_free) and
 * *count.  Returns 0, or -1 with errno set (nothing to free).
 * Reentrant; does not move dirfd's position.
 */
int dir_list(int dirfd, dir_keep_fn keep, char ***names, size_t *count);

void dir_list_free(char **names, size_t count);

#endif
