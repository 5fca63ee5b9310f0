/*
 * shim_real.h - finding the real functions behind our wrappers.
 *
 * RATIONALE: dlsym(RTLD_NEXT, ...) only sees the global scope.  h5py loads
 * its extension modules, and with them libhdf5, with RTLD_LOCAL, so there
 * RTLD_NEXT returns NULL and a naive shim crashes.  A process may also hold
 * two libcurls (Debian's OpenSSL and GnuTLS builds, one for HDF5, one for
 * GDAL).  So a real symbol is looked up as the *calling object* would have
 * bound it: in that object and its dependencies, and only then anywhere.
 */
#ifndef H5SNOOP_SHIM_REAL_H
#define H5SNOOP_SHIM_REAL_H

struct link_map;

/* The loaded object that holds code address `addr` (a wrapper's return
 * address), or NULL.  Lock-free (_dl_find_object); thread-safe. */
struct link_map *shim_real_object_of(const void *addr);

/*
 * Returns the definition of `sym` that `caller` (an object from
 * shim_real_object_of, or NULL for "any") binds to without the shim: from
 * the caller's own scope, from the global scope after the shim when the
 * caller is the main program, and finally from any loaded object.  NULL
 * when only the shim defines it.  Takes the dynamic loader's lock; do not
 * call on a hot path without caching.  Thread-safe.
 */
void *shim_real_lookup(struct link_map *caller, const char *sym);

#endif
