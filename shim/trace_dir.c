/*
 * trace_dir.c - the trace directory: its root, its creation and its
 * metadata file (see trace_dir.h).
 *
 * Must never: follow a symlink into a file it creates, keep a file
 * descriptor past a call (the host may close any fd and reuse its
 * number), or change errno but to report its own failure.
 */
#include "trace_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "h5snoop/trace_schema.h"
#include "shim_config.h"
#include "trace_stream.h"

int trace_dir_expand_root(char *dst, size_t cap, const char *tmpl,
			  const char *hostname)
{
	size_t len = 0;

	for (const char *p = tmpl; *p; p++) {
		char piece[300];
		const char *add = piece;

		if (*p != '%' || p[1] == '\0') {
			piece[0] = *p;
			piece[1] = '\0';
		} else {
			p++;
			if (*p == 'p')
				snprintf(piece, sizeof(piece), "%ld",
					 (long)getpid());
			else if (*p == 'h')
				add = hostname;
			else if (*p == 'r')
				snprintf(piece, sizeof(piece), "%ld",
					 shim_config()->rank < 0
						 ? 0L
						 : shim_config()->rank);
			else
				snprintf(piece, sizeof(piece), "%%%c", *p);
			if (*p == '%')
				strcpy(piece, "%");
		}
		if (len + strlen(add) >= cap)
			return -1;
		memcpy(dst + len, add, strlen(add));
		len += strlen(add);
	}
	dst[len] = '\0';
	return 0;
}

/* Keeps a label safe as part of a directory name. */
static void sanitize_name(char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
		      *s == '.'))
			*s = '_';
}

int trace_dir_create(struct trace_dir *d, const char *root,
		     const char *hostname)
{
	char name[512];
	struct stat st;
	int rootfd, fd = -1;

	rootfd = trace_file_open_high(root, O_RDONLY | O_DIRECTORY, 0);
	if (rootfd < 0)
		return -1;
	for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
		int n = snprintf(name, sizeof(name), "%s-%ld%s%s", hostname,
				 (long)getpid(),
				 shim_config()->label[0] ? "-" : "",
				 shim_config()->label);

		if (attempt > 0)
			snprintf(name + n, sizeof(name) - (size_t)n, ".%d",
				 attempt);
		sanitize_name(name);
		if (mkdirat(rootfd, name, 0700) != 0) {
			if (errno == EEXIST)
				continue;
			break;
		}
		fd = openat(rootfd, name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			break;
		if (fstat(fd, &st) != 0 ||
		    strlen(root) + strlen(name) + 2 > sizeof(d->path)) {
			close(fd);
			fd = -1;
			errno = ENAMETOOLONG;
			break;
		}
		strcpy(d->path, root);
		strcat(d->path, "/");
		strcat(d->path, name);
		d->dev = st.st_dev;
		d->ino = st.st_ino;
	}
	close(rootfd);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* Opens the trace directory by its path for one operation, if it is still
 * the directory we created; -1 with errno set otherwise.  The caller
 * closes it before returning to the host. */
static int open_trace_dir(const struct trace_dir *d)
{
	struct stat st;
	int fd = trace_file_open_high(d->path,
				      O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || st.st_dev != d->dev ||
	    st.st_ino != d->ino) {
		close(fd);
		errno = ESTALE;
		return -1;
	}
	return fd;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* RATIONALE: written to a temporary name and renamed, so a reader never
 * sees half a metadata file even when versions are learned late. */
int trace_dir_write_metadata(const struct trace_dir *d, const char *text,
			     size_t len)
{
	int dirfd, fd, rc = -1, err;

	dirfd = open_trace_dir(d);
	if (dirfd < 0)
		return -1;
	unlinkat(dirfd, "metadata.tmp", 0);
	fd = openat(dirfd, "metadata.tmp",
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    0600);
	if (fd >= 0) {
		rc = write_all(fd, text, len);
		close(fd);
	}
	if (rc == 0)
		rc = renameat(dirfd, "metadata.tmp", dirfd,
			      H5SNOOP_METADATA_FILE);
	err = errno;
	close(dirfd);
	errno = err;
	return rc;
}
