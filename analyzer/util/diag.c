/*
 * diag.c - filling struct h5snoop_error (see diag.h).
 *
 * Must never: print, exit, or allocate.
 */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void set_message(struct h5snoop_error *err, const char *prefix,
			const char *fmt, va_list ap)
{
	size_t n;

	if (err->message[0])
		return;
	n = (size_t)snprintf(err->message, sizeof(err->message), "%s",
			     prefix);
	if (n >= sizeof(err->message))
		return;
	vsnprintf(err->message + n, sizeof(err->message) - n, fmt, ap);
}

enum h5snoop_status diag_fail(struct h5snoop_error *err, const char *fmt,
			      ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_message(err, "", fmt, ap);
	va_end(ap);
	return H5SNOOP_ERROR;
}

enum h5snoop_status diag_usage(struct h5snoop_error *err,
			       const char *command, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_message(err, "", fmt, ap);
	va_end(ap);
	err->usage_command = command;
	return H5SNOOP_USAGE;
}

void diag_append(struct h5snoop_error *err, const char *fmt, ...)
{
	size_t n = strlen(err->message);
	va_list ap;

	if (n == 0 || n + 1 >= sizeof(err->message))
		return;
	va_start(ap, fmt);
	vsnprintf(err->message + n, sizeof(err->message) - n, fmt, ap);
	va_end(ap);
}

enum h5snoop_status diag_info(struct h5snoop_error *err, const char *text)
{
	err->info = text;
	return H5SNOOP_INFO_ONLY;
}

enum h5snoop_status diag_fail_at(struct h5snoop_error *err, const char *path,
				 uint64_t packet, uint64_t offset,
				 const char *fmt, ...)
{
	char prefix[600];
	va_list ap;

	snprintf(prefix, sizeof(prefix), "%s: packet %llu at offset %llu: ",
		 path, (unsigned long long)packet,
		 (unsigned long long)offset);
	va_start(ap, fmt);
	set_message(err, prefix, fmt, ap);
	va_end(ap);
	return H5SNOOP_ERROR;
}

void diag_warn(struct h5snoop_error *err, const char *fmt, ...)
{
	char line[sizeof(err->warnings[0])];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	for (unsigned i = 0; i < err->n_warnings; i++)
		if (strcmp(err->warnings[i], line) == 0)
			return;
	if (err->n_warnings == H5SNOOP_MAX_WARNINGS) {
		err->warnings_dropped++;
		return;
	}
	memcpy(err->warnings[err->n_warnings++], line, sizeof(line));
}

enum h5snoop_status diag_nomem(struct h5snoop_error *err)
{
	return diag_fail(err, "out of memory");
}

void diag_take(struct h5snoop_error *err, char *buf, size_t cap)
{
	if (cap) {
		/* NOTE: cut to the buffer; the precision tells the compiler
		 * so (-Wformat-truncation in the sanitized build). */
		snprintf(buf, cap, "%.*s", (int)(cap - 1), err->message);
	}
	err->message[0] = '\0';
	err->usage_command = NULL;
}
