/*
 * units.h - numbers for people: bytes in B/KiB/MiB/GiB/TiB and durations
 * in ns/µs/ms/s, three significant digits.
 */
#ifndef H5SNOOP_UNITS_H
#define H5SNOOP_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* Each writes into buf (NUL-terminated, cut to cap) and returns buf. */
char *units_bytes(char *buf, size_t cap, uint64_t bytes);
char *units_ns(char *buf, size_t cap, uint64_t ns);
/* A ratio such as "1.23x" ("-" when the base is 0). */
char *units_ratio(char *buf, size_t cap, double value, double base);
/* A Unix time in ns as "2026-11-28 06:03:09.994049 UTC". */
char *units_unix_time(char *buf, size_t cap, int64_t unix_ns);

#endif
