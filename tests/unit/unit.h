/*
 * unit.h - the analyzer's unit tests: plain C executables that exit 0
 * when every CHECK held, 1 otherwise (after printing each failure).
 */
#ifndef H5SNOOP_UNIT_H
#define H5SNOOP_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unit_failures;

#define CHECK(cond)                                                       \
	do {                                                              \
		if (!(cond)) {                                            \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n",      \
				__FILE__, __LINE__, #cond);               \
			unit_failures++;                                  \
		}                                                         \
	} while (0)

#define CHECK_EQ_U64(a, b)                                                \
	do {                                                              \
		unsigned long long a_ = (unsigned long long)(a);          \
		unsigned long long b_ = (unsigned long long)(b);          \
		if (a_ != b_) {                                           \
			fprintf(stderr, "%s:%d: %s == %llu, want %llu\n", \
				__FILE__, __LINE__, #a, a_, b_);          \
			unit_failures++;                                  \
		}                                                         \
	} while (0)

#define CHECK_STR(a, b)                                                   \
	do {                                                              \
		const char *a_ = (a), *b_ = (b);                          \
		if (strcmp(a_, b_) != 0) {                                \
			fprintf(stderr, "%s:%d: %s is \"%s\", want "      \
					"\"%s\"\n",                       \
				__FILE__, __LINE__, #a, a_, b_);          \
			unit_failures++;                                  \
		}                                                         \
	} while (0)

static inline int unit_done(const char *name)
{
	if (unit_failures)
		fprintf(stderr, "%s: %d failures\n", name, unit_failures);
	return unit_failures ? 1 : 0;
}

/* A fresh temporary directory (mkdtemp under $TMPDIR or /tmp). */
static inline char *unit_tmpdir(char *buf, size_t cap)
{
	const char *t = getenv("TMPDIR");

	snprintf(buf, cap, "%s/h5snoop-unit-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(buf)) {
		perror("mkdtemp");
		exit(1);
	}
	return buf;
}

/* rm -rf of a test's temporary directory. */
static inline void unit_rmtree(const char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

#endif
