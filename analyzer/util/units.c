/*
 * units.c - human units (see units.h).
 *
 * Must never: write past cap.
 */
#include "units.h"

#include <stdio.h>
#include <time.h>

/* Three significant digits of v, then the unit. */
static char *sig3(char *buf, size_t cap, double v, const char *unit)
{
	const char *fmt = v < 9.995 ? "%.2f %s" : v < 99.95 ? "%.1f %s"
							     : "%.0f %s";

	snprintf(buf, cap, fmt, v, unit);
	return buf;
}

char *units_bytes(char *buf, size_t cap, uint64_t bytes)
{
	static const char *const unit[] = {"KiB", "MiB", "GiB", "TiB",
					   "PiB"};
	double v = (double)bytes;
	int u = -1;

	if (bytes < 1024) {
		snprintf(buf, cap, "%llu B", (unsigned long long)bytes);
		return buf;
	}
	while (v >= 1023.5 && u < 4) {
		v /= 1024.0;
		u++;
	}
	return sig3(buf, cap, v, unit[u]);
}

char *units_ns(char *buf, size_t cap, uint64_t ns)
{
	double v = (double)ns;

	if (ns < 1000) {
		snprintf(buf, cap, "%llu ns", (unsigned long long)ns);
		return buf;
	}
	if (v < 999500.0)
		return sig3(buf, cap, v / 1e3, "µs");
	if (v < 999500000.0)
		return sig3(buf, cap, v / 1e6, "ms");
	return sig3(buf, cap, v / 1e9, "s");
}

char *units_ratio(char *buf, size_t cap, double value, double base)
{
	if (base <= 0.0)
		snprintf(buf, cap, "-");
	else
		snprintf(buf, cap, "%.2fx", value / base);
	return buf;
}

char *units_unix_time(char *buf, size_t cap, int64_t unix_ns)
{
	int64_t s = unix_ns / 1000000000, us = unix_ns % 1000000000 / 1000;
	time_t secs;
	struct tm tm;
	char day[32];

	if (us < 0) {
		us += 1000000;
		s--;
	}
	secs = (time_t)s;
	if (!gmtime_r(&secs, &tm) ||
	    strftime(day, sizeof(day), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(day, sizeof(day), "%lld s", (long long)s);
	snprintf(buf, cap, "%s.%06lld UTC", day, (long long)us);
	return buf;
}
