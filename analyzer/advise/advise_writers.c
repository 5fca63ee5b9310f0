/*
 * advise_writers.c - the formats of `h5snoop advise --format`, as a table
 * (advise.h); the first is the default.
 *
 * Must never: write (the writers' files do).
 */
#include <string.h>

#include "advise.h"

static const struct advise_writer writers[] = {
	{"text", advise_write_text},
	{"json", advise_write_json},
};

const struct advise_writer *advise_writer_find(const char *name)
{
	if (!name)
		return &writers[0];
	for (size_t i = 0; i < sizeof(writers) / sizeof(writers[0]); i++)
		if (strcmp(writers[i].name, name) == 0)
			return &writers[i];
	return NULL;
}
