/*
 * shim_config.c - H5SNOOP_* environment variables (see shim_config.h and
 * the README's table).
 *
 * Must never: allocate, or keep pointers into environ (the host may
 * setenv later).
 */
#include "shim_config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "redact.h"
#include "shim_log.h"

static struct shim_config config;

static int env_flag(const char *name)
{
	const char *v = getenv(name);

	return v && *v && strcmp(v, "0") != 0;
}

/* Parses "vfd,http,net"; an unknown word is reported and ignored. */
static unsigned parse_layers(const char *s)
{
	unsigned layers = 0;

	while (s && *s) {
		size_t n = strcspn(s, ", ");

		if (n == 3 && strncmp(s, "vfd", 3) == 0)
			layers |= SHIM_LAYER_VFD;
		else if (n == 4 && strncmp(s, "http", 4) == 0)
			layers |= SHIM_LAYER_HTTP;
		else if (n == 3 && strncmp(s, "net", 3) == 0)
			layers |= SHIM_LAYER_NET;
		else if (n > 0)
			shim_warn_once(SHIM_WARN_CONFIG_LAYERS,
				       "ignoring unknown layer in "
				       "H5SNOOP_LAYERS (known: vfd, http, net)");
		s += n;
		s += strspn(s, ", ");
	}
	return layers;
}

static long parse_rank(void)
{
	static const char *const vars[] = {
		"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK",
		"MV2_COMM_WORLD_RANK", "SLURM_PROCID",
	};

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);
		char *end;
		long r;

		if (!v || !*v)
			continue;
		r = strtol(v, &end, 10);
		if (*end == '\0' && r >= 0)
			return r;
	}
	return -1;
}

/* RATIONALE: the root is made absolute now, because the host may chdir()
 * before its first traced event.  A root too long for a path is never cut
 * (the trace would land elsewhere): the session refuses it. */
static void load_output_root(void)
{
	const char *v = getenv("H5SNOOP_OUTPUT");
	char cwd[PATH_MAX];

	if (!v || !*v)
		v = SHIM_DEFAULT_OUTPUT;
	if (v[0] == '/' || !getcwd(cwd, sizeof(cwd))) {
		if (strlen(v) >= sizeof(config.output_root)) {
			config.output_too_long = 1;
			return;
		}
		strcpy(config.output_root, v);
		return;
	}
	if (strlen(cwd) + 1 + strlen(v) >= sizeof(config.output_root)) {
		config.output_too_long = 1;
		return;
	}
	strcpy(config.output_root, cwd);
	strcat(config.output_root, "/");
	strcat(config.output_root, v);
}

/* H5SNOOP_STACKS: unset or 0 = off, 1 = every event, N = one in N. */
static unsigned parse_stacks(void)
{
	const char *v = getenv("H5SNOOP_STACKS");
	char *end;
	unsigned long n;

	if (!v || !*v)
		return 0;
	n = strtoul(v, &end, 10);
	if (*end != '\0' || n > 1000000000ul) {
		shim_warn_once(SHIM_WARN_CONFIG_STACKS,
			       "ignoring H5SNOOP_STACKS='%s' (want 0, 1 or N "
			       "for one event in N)",
			       v);
		return 0;
	}
	return (unsigned)n;
}

/* H5SNOOP_UNWIND: fast (default), libunwind, or check (both walkers,
 * every disagreement warned about). */
static int parse_unwinder(void)
{
	const char *v = getenv("H5SNOOP_UNWIND");

	if (!v || !*v || strcmp(v, "fast") == 0)
		return SHIM_UNWIND_FAST;
	if (strcmp(v, "libunwind") == 0)
		return SHIM_UNWIND_LIBUNWIND;
	if (strcmp(v, "check") == 0)
		return SHIM_UNWIND_CHECK;
	shim_warn_once(SHIM_WARN_CONFIG_UNWIND,
		       "ignoring H5SNOOP_UNWIND='%s' (want fast, libunwind or "
		       "check)",
		       v);
	return SHIM_UNWIND_FAST;
}

/* H5SNOOP_CLOCK: auto (default: the TSC where invariant) or monotonic
 * (clock_gettime always). */
static int parse_clock_monotonic(void)
{
	const char *v = getenv("H5SNOOP_CLOCK");

	if (!v || !*v || strcmp(v, "auto") == 0)
		return 0;
	if (strcmp(v, "monotonic") == 0)
		return 1;
	shim_warn_once(SHIM_WARN_CONFIG_CLOCK,
		       "ignoring H5SNOOP_CLOCK='%s' (want auto or monotonic)",
		       v);
	return 0;
}

/* H5SNOOP_MAX_SIZE: bytes, or a number with K, M, G or T (powers of
 * 1024; "512M", "2GiB"); unset or 0: no bound. */
static unsigned long long parse_max_size(void)
{
	const char *v = getenv("H5SNOOP_MAX_SIZE");
	unsigned long long n, scale = 1;
	char *end;

	if (!v || !*v)
		return 0;
	n = strtoull(v, &end, 10);
	if (end != v && *end) {
		const char *units = "KMGT";
		const char *u = strchr(units, *end >= 'a' ? *end - 32 : *end);

		if (u && *end != '\0') {
			for (const char *k = units; k <= u; k++)
				scale *= 1024u;
			end++;
			if (*end == 'i')
				end++;
			if (*end == 'B')
				end++;
		}
	}
	if (end == v || *end || v[0] == '-' || n > (1ull << 50) / scale) {
		shim_warn_once(SHIM_WARN_CONFIG_MAX_SIZE,
			       "ignoring H5SNOOP_MAX_SIZE='%s' (want bytes or "
			       "a size such as 512M)",
			       v);
		return 0;
	}
	return n * scale;
}

/* H5SNOOP_MODE: "stop" (the default: recording stops at the bound) or
 * "ring" (the most recent events kept within it); 1 for ring. */
static int parse_mode(unsigned long long bound)
{
	const char *v = getenv("H5SNOOP_MODE");

	if (!v || !*v || strcmp(v, "stop") == 0)
		return 0;
	if (strcmp(v, "ring") != 0) {
		shim_warn_once(SHIM_WARN_CONFIG_MODE,
			       "ignoring H5SNOOP_MODE='%s' (want stop or "
			       "ring)",
			       v);
		return 0;
	}
	if (!bound) {
		shim_warn_once(SHIM_WARN_CONFIG_MODE,
			       "H5SNOOP_MODE=ring needs H5SNOOP_MAX_SIZE; "
			       "recording without a bound");
		return 0;
	}
	return 1;
}

/* H5SNOOP_TEST_FILE_TABLE_MAX: a number of files, for tests only (see
 * shim_config.h); unset or 0: the table's own size. */
static unsigned parse_test_file_table_max(void)
{
	const char *v = getenv("H5SNOOP_TEST_FILE_TABLE_MAX");
	unsigned long n;
	char *end;

	if (!v || !*v)
		return 0;
	n = strtoul(v, &end, 10);
	if (*end != '\0' || v[0] == '-' || n > 1000000000ul) {
		shim_warn_once(SHIM_WARN_CONFIG_TEST,
			       "ignoring H5SNOOP_TEST_FILE_TABLE_MAX='%s' "
			       "(want a number of files)",
			       v);
		return 0;
	}
	return (unsigned)n;
}

void shim_config_load(void)
{
	const char *label = getenv("H5SNOOP_LABEL");
	const char *layers = getenv("H5SNOOP_LAYERS");

	if (config.loaded)
		return;
	config.loaded = 1;
	config.quiet = env_flag("H5SNOOP_QUIET");
	config.debug = env_flag("H5SNOOP_DEBUG");
	config.keep_query = env_flag("H5SNOOP_KEEP_QUERY");
	/* Redacted whole, then cut: the label names the trace directory
	 * too. */
	redact_string(config.label, sizeof(config.label), label,
		      config.keep_query);
	config.layers = layers ? parse_layers(layers)
			       : SHIM_LAYER_VFD | SHIM_LAYER_HTTP |
					 SHIM_LAYER_NET;
	config.rank = parse_rank();
	config.stack_every = parse_stacks();
	config.stack_unwinder = parse_unwinder();
	config.clock_monotonic = parse_clock_monotonic();
	config.max_size_bytes = parse_max_size();
	config.ring = parse_mode(config.max_size_bytes);
	config.test_file_table_max = parse_test_file_table_max();
	load_output_root();
}

const struct shim_config *shim_config(void)
{
	if (!config.loaded)
		shim_config_load();
	return &config;
}
