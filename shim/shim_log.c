/*
 * shim_log.c - warn-once and debug lines on stderr (see shim_log.h).
 *
 * Must never: use stdio (the host may hold its locks), allocate, or change
 * errno.
 */
#include "shim_log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#include "shim_config.h"

/* One bit per cause (enum shim_warning). */
static atomic_uint warned_mask;
_Static_assert(SHIM_WARN_COUNT <= 32, "one bit of warned_mask per cause");

static void emit_line(const char *prefix, const char *fmt, va_list ap)
{
	char line[512];
	size_t len = 0;
	int n;

	n = snprintf(line, sizeof(line), "h5snoop: %s: ", prefix);
	if (n > 0)
		len = (size_t)n;
	n = vsnprintf(line + len, sizeof(line) - len - 1, fmt, ap);
	if (n > 0)
		len += (size_t)n < sizeof(line) - len - 1
			       ? (size_t)n
			       : sizeof(line) - len - 2;
	line[len++] = '\n';
	/* NOTE: a failed or short write to stderr is nothing we can fix. */
	if (write(STDERR_FILENO, line, len) < 0)
		return;
}

void shim_warn_once(enum shim_warning why, const char *fmt, ...)
{
	int saved_errno = errno;
	unsigned bit = 1u << (unsigned)why;
	va_list ap;

	if (atomic_fetch_or(&warned_mask, bit) & bit)
		goto out;
	if (shim_config()->quiet)
		goto out;
	va_start(ap, fmt);
	emit_line("warning", fmt, ap);
	va_end(ap);
out:
	errno = saved_errno;
}

void shim_debug(const char *fmt, ...)
{
	int saved_errno = errno;
	va_list ap;

	if (!shim_config()->debug)
		return;
	va_start(ap, fmt);
	emit_line("debug", fmt, ap);
	va_end(ap);
	errno = saved_errno;
}
