/*
 * shim_real.c - real-symbol lookup that works for RTLD_LOCAL libraries and
 * for several copies of one library (see shim_real.h).
 *
 * Must never: return one of the shim's own functions (that would recurse
 * forever), or unload anything (every dlopen here is RTLD_NOLOAD and
 * balanced by dlclose).
 */
#include "shim_real.h"

#include <dlfcn.h>
#include <link.h>
#include <stddef.h>
#include <string.h>

struct link_map *shim_real_object_of(const void *addr)
{
	struct dl_find_object found;

	if (_dl_find_object((void *)addr, &found) != 0)
		return NULL;
	return found.dlfo_link_map;
}

static int is_ours(void *p)
{
	return p && shim_real_object_of(p) ==
			    shim_real_object_of((void *)shim_real_lookup);
}

/* dlsym in the scope of one loaded object (itself, then its needs). */
static void *lookup_in(const char *path, const char *sym)
{
	void *handle = dlopen(path, RTLD_LAZY | RTLD_NOLOAD);
	void *p;

	if (!handle)
		return NULL;
	p = dlsym(handle, sym);
	dlclose(handle);
	return is_ours(p) ? NULL : p;
}

struct search {
	const char *sym;
	void *found;
};

static int search_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct search *s = arg;

	(void)size;
	if (!info->dlpi_name || !info->dlpi_name[0])
		return 0;
	s->found = lookup_in(info->dlpi_name, s->sym);
	return s->found != NULL;
}

void *shim_real_lookup(struct link_map *caller, const char *sym)
{
	struct search s = {sym, NULL};
	void *p = NULL;

	if (caller && caller->l_name && caller->l_name[0])
		p = lookup_in(caller->l_name, sym);
	if (!p) {
		p = dlsym(RTLD_NEXT, sym);
		if (is_ours(p))
			p = NULL;
	}
	if (p)
		return p;
	dl_iterate_phdr(search_object, &s);
	return s.found;
}
