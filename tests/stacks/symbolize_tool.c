/*
 * symbolize_tool.c - analyzer/stack_table.c on a text stream, for the
 * Python tests, which read the `module` and `stack` events of a trace
 * with babeltrace2 (the independent reader) and ask what they mean.
 *
 * stdin, one command a line:
 *   module BASE START END BUILD_ID_HEX|- PATH
 *   stack ID PC...
 *   get ID DEPTH
 * stdout, for each get: ID<TAB>API<TAB>SITE<TAB>FRAME|FRAME|...
 * (API "-" when none; frames innermost first, with offsets).  Warnings
 * on stderr, one a line.  Exit status 0, or 1 on bad input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack_table.h"

static size_t parse_hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	if (strcmp(s, "-") == 0)
		return 0;
	while (s[0] && s[1] && n < cap) {
		unsigned v;

		if (sscanf(s, "%2x", &v) != 1)
			break;
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

int main(void)
{
	static char line[1 << 16];
	struct h5snoop_error err = {0};
	struct symbolizer s = {0};
	struct stack_table t = {0};
	int rc = 0;

	while (rc == 0 && fgets(line, sizeof(line), stdin)) {
		unsigned long long base, start, end, id, depth, pcs[256];
		char hex[200], path[4096], *p;
		uint8_t build_id[SYM_BUILD_ID_MAX];
		const struct stack_rec *r;
		unsigned n = 0;
		int used;

		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "module %llu %llu %llu %199s %4095[^\n]",
			   &base, &start, &end, hex, path) == 5) {
			if (stack_table_add_module(
				    &t, base, start, end, path, build_id,
				    parse_hex(hex, build_id, sizeof(build_id)),
				    &err) != H5SNOOP_OK)
				rc = 1;
		} else if (sscanf(line, "stack %llu%n", &id, &used) == 1) {
			for (p = line + used; n < 256 &&
			     sscanf(p, "%llu%n", &pcs[n], &used) == 1;
			     p += used)
				n++;
			{
				uint64_t v[256];

				for (unsigned i = 0; i < n; i++)
					v[i] = pcs[i];
				if (stack_table_add(&t, (uint32_t)id, v, n,
						    &err) != H5SNOOP_OK)
					rc = 1;
			}
		} else if (sscanf(line, "get %llu %llu", &id, &depth) == 2) {
			char api[256], site[4096], frame[512];

			if (stack_table_get(&t, &s, (uint32_t)id, &r, &err) !=
			    H5SNOOP_OK) {
				rc = 1;
				break;
			}
			printf("%llu\t%s\t%s\t", id,
			       stack_api_name(r, api, sizeof(api))
				       ? api
				       : "-",
			       stack_site(r, (unsigned)depth, site,
					  sizeof(site)));
			for (unsigned i = 0; r && i < r->n; i++)
				printf("%s%s", i ? "|" : "",
				       sym_frame_format(&r->frames[i], 1,
							frame, sizeof(frame)));
			printf("\n");
		} else if (line[0]) {
			fprintf(stderr, "symbolize_tool: bad line: %s\n",
				line);
			rc = 1;
		}
	}
	for (unsigned i = 0; i < err.n_warnings; i++)
		fprintf(stderr, "warning: %s\n", err.warnings[i]);
	if (err.message[0])
		fprintf(stderr, "error: %s\n", err.message);
	stack_table_free(&t);
	symbolizer_free(&s);
	return rc;
}
