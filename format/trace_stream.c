/*
 * trace_stream.c - packets of one CTF stream file (see trace_stream.h).
 *
 * Must never: raise a signal in the host (no write into a mapping whose
 * disk blocks are not reserved, no SIGXFSZ from a write past RLIMIT_FSIZE),
 * write through a file descriptor it did not just open and check, keep a
 * file descriptor between packets, allocate, let a thread be cancelled
 * inside a packet boundary, or block on anything but the file system and
 * the packet lock.
 */
#include "trace_stream.h"

#include "trace_ring.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* After a failed packet allocation, drop this many events before asking
 * the disk again, so a full disk costs one syscall per many events. */
#define RETRY_AFTER_EVENTS 1024u
/* The smallest packet: when the file size limit leaves no room for a
 * full one, a page still carries the loss counts. */
#define PACKET_BYTES_MIN 4096u
/* Where the shim's fds go: this far below the fd limit (capped), so that
 * the host's opens, which take the lowest free number, never meet them. */
#define FD_FLOOR_CAP 1024
#define FD_FLOOR_MARGIN 64

static pthread_mutex_t packet_lock = PTHREAD_MUTEX_INITIALIZER;
/* Writes what a new ring chunk restates (trace_stream_set_chunk_hook). */
static void (*chunk_hook)(struct trace_stream *s, uint64_t ts,
			  size_t keep_bytes);
/* Bytes packets may still take (H5SNOOP_MAX_SIZE); under packet_lock. */
static uint64_t bound_left = UINT64_MAX;

void trace_stream_set_chunk_hook(void (*hook)(struct trace_stream *s,
					      uint64_t ts,
					      size_t keep_bytes))
{
	chunk_hook = hook;
}

void trace_stream_set_bound(uint64_t bytes, int ring)
{
	pthread_mutex_lock(&packet_lock);
	bound_left = bytes ? bytes : UINT64_MAX;
	trace_ring_configure(ring ? bytes : 0);
	pthread_mutex_unlock(&packet_lock);
}

int trace_file_open_high(const char *path, int flags, mode_t mode)
{
	struct rlimit rl;
	int fd = open(path, flags | O_CLOEXEC, mode), high, floor = 3;

	if (fd < 0)
		return -1;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rlim_t cap = rl.rlim_cur < FD_FLOOR_CAP ? rl.rlim_cur
							 : FD_FLOOR_CAP;

		if (cap > FD_FLOOR_MARGIN + 3)
			floor = (int)cap - FD_FLOOR_MARGIN;
	}
	if (fd >= floor)
		return fd;
	/* NOTE: when nothing is free above the floor, the low fd serves:
	 * it is closed again before the shim returns to the host. */
	high = fcntl(fd, F_DUPFD_CLOEXEC, floor);
	if (high < 0)
		return fd;
	close(fd);
	return high;
}

int trace_stream_create_file(const char *path, dev_t *dev, ino_t *ino)
{
	struct stat st;
	int fd = trace_file_open_high(path,
				      O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW,
				      0600);

	if (fd < 0 || fstat(fd, &st) != 0) {
		int err = errno;

		if (fd >= 0)
			close(fd);
		errno = err;
		return -1;
	}
	close(fd);
	*dev = st.st_dev;
	*ino = st.st_ino;
	return 0;
}

int trace_stream_open(struct trace_stream *s, const char *dir,
		      const char *name, const uint8_t uuid[16], uint32_t tid,
		      size_t packet_bytes)
{
	int n;

	memset(s, 0, sizeof(*s));
	n = snprintf(s->path, sizeof(s->path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(s->path) ||
	    trace_stream_create_file(s->path, &s->dev, &s->ino) != 0) {
		if (n >= 0 && (size_t)n >= sizeof(s->path))
			errno = ENAMETOOLONG;
		s->path[0] = '\0';
		return -1;
	}
	s->base_len = (size_t)n;
	s->tid = tid;
	memcpy(s->uuid, uuid, sizeof(s->uuid));
	s->packet_bytes = packet_bytes;
	s->restate_due = trace_ring_chunk_bytes() != 0;
	return 0;
}

/*
 * Opens the stream file for one packet boundary: by path, never through a
 * symlink, and only if it is still the file we created.  Returns the fd,
 * or -1 with the loss reason in *why.
 */
static int open_stream_file(const struct trace_stream *s,
			    enum h5snoop_loss *why)
{
	struct stat st;
	int fd = trace_file_open_high(s->path, O_RDWR | O_NOFOLLOW, 0);

	if (fd < 0) {
		*why = errno == EMFILE || errno == ENFILE
			       ? H5SNOOP_LOSS_fd_limit
			       : H5SNOOP_LOSS_stream_failure;
		return -1;
	}
	if (fstat(fd, &st) != 0 || st.st_dev != s->dev ||
	    st.st_ino != s->ino || !S_ISREG(st.st_mode)) {
		close(fd);
		*why = H5SNOOP_LOSS_stream_failure;
		return -1;
	}
	return fd;
}

/* Room left under RLIMIT_FSIZE after `off` bytes (UINT64_MAX: none). */
static uint64_t size_limit_room(uint64_t off)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_FSIZE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		return UINT64_MAX;
	return rl.rlim_cur > off ? (uint64_t)rl.rlim_cur - off : 0;
}

/*
 * Fills [off, off+len) of the file with zeros through write(2).
 * RATIONALE: a hole in a MAP_SHARED file raises SIGBUS when the disk is
 * full; writing first turns that into an error code here.  It also leaves
 * the pages in the page cache, so MAP_POPULATE can map them at once: the
 * event path then takes only the write-protect fault per page, not a
 * page-cache miss (about half the cost per event of fallocate here).
 * SIGXFSZ is blocked meanwhile: a limit lowered since the caller's check
 * fails the write with EFBIG, and the signal it left pending (unless the
 * host had one pending already) is taken back before unblocking.
 */
static int reserve_blocks(int fd, off_t off, size_t len)
{
	static const uint8_t zeros[16384];
	sigset_t xfsz, old, pending;
	size_t done = 0;
	int was_pending, rc = 0, err = 0;

	sigemptyset(&xfsz);
	sigaddset(&xfsz, SIGXFSZ);
	pthread_sigmask(SIG_BLOCK, &xfsz, &old);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGXFSZ);
	while (done < len) {
		size_t n = len - done < sizeof(zeros) ? len - done
						      : sizeof(zeros);
		ssize_t w = pwrite(fd, zeros, n, off + (off_t)done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			err = w < 0 ? errno : ENOSPC;
			rc = -1;
			break;
		}
		done += (size_t)w;
	}
	if (rc != 0 && !was_pending) {
		struct timespec zero = {0, 0};

		sigpending(&pending);
		if (sigismember(&pending, SIGXFSZ))
			sigtimedwait(&xfsz, NULL, &zero);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = err;
	return rc;
}

/* The counts a packet of the current chunk carries: the stream's, less
 * what earlier chunks counted (ring mode; the bases are 0 otherwise). */
static void chunk_counts(const struct trace_stream *s, uint64_t *discarded,
			 uint64_t lost[H5SNOOP_LOSS_COUNT])
{
	*discarded = s->discarded - s->chunk_discarded;
	for (int i = 0; i < H5SNOOP_LOSS_COUNT; i++)
		lost[i] = s->lost[i] - s->chunk_lost[i];
}

/*
 * Ring mode: a packet of at most a chunk; a new chunk file when this one
 * is full; the oldest chunks deleted until the packet fits the bound.
 * Returns 0, or -1 with the loss reason in *why.  Under packet_lock.
 */
static int make_ring_room(struct trace_stream *s, size_t *bytes,
			  enum h5snoop_loss *why)
{
	uint64_t chunk = trace_ring_chunk_bytes();

	if (*bytes > chunk)
		*bytes = (size_t)chunk;
	if (s->file_bytes > 0 && s->file_bytes + *bytes > chunk &&
	    trace_ring_next_chunk(s, &bound_left) != 0) {
		*why = errno == EMFILE || errno == ENFILE
			       ? H5SNOOP_LOSS_fd_limit
			       : H5SNOOP_LOSS_stream_failure;
		return -1;
	}
	while (bound_left < *bytes && trace_ring_delete_oldest(s, &bound_left))
		;
	return 0;
}

static void unmap_packet(struct trace_stream *s)
{
	if (s->packet)
		munmap(s->packet, s->packet_bytes);
	s->packet = NULL;
}

/*
 * Maps a new packet of `*bytes` (or less, down to a page, when the file
 * size limit leaves less) after the last one; returns it or NULL with the
 * loss reason in *why, leaving the file as it was.  Under packet_lock.
 */
static uint8_t *map_packet(struct trace_stream *s, size_t *bytes,
			   uint64_t ts, enum h5snoop_loss *why)
{
	struct h5snoop_packet_header h;
	off_t off;
	uint64_t room;
	void *p = MAP_FAILED;
	int fd;

	if (trace_ring_chunk_bytes() && make_ring_room(s, bytes, why) != 0)
		return NULL;
	off = (off_t)s->file_bytes;
	room = size_limit_room(s->file_bytes);
	if (room < *bytes)
		*bytes = PACKET_BYTES_MIN;
	if (room < *bytes) {
		*why = H5SNOOP_LOSS_file_size_limit;
		return NULL;
	}
	/* Near the bound, a smaller packet takes what is left. */
	if (bound_left < *bytes && bound_left >= PACKET_BYTES_MIN &&
	    (s->packet_seq > 0 || s->packet))
		*bytes = (size_t)(bound_left / PACKET_BYTES_MIN *
				  PACKET_BYTES_MIN);
	if (bound_left < *bytes) {
		/* RATIONALE: a stream that never had a packet gets one page
		 * anyway, holding no event: without it, what it lost would
		 * be in no file. */
		if (s->packet_seq > 0 || s->packet) {
			*why = H5SNOOP_LOSS_size_bound;
			return NULL;
		}
		*bytes = PACKET_BYTES_MIN;
		s->bound_reached = 1;
	} else {
		s->bound_reached = 0; /* the ring made room again */
		if (bound_left != UINT64_MAX)
			bound_left -= *bytes;
	}
	fd = open_stream_file(s, why);
	if (fd < 0)
		return NULL;
	if (reserve_blocks(fd, off, *bytes) == 0)
		p = mmap(NULL, *bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			 off);
	if (p == MAP_FAILED) {
		*why = errno == EFBIG ? H5SNOOP_LOSS_file_size_limit
				      : H5SNOOP_LOSS_stream_failure;
		/* No half packet of zeros may stay behind the last one; if
		 * even that fails, readers report a truncated stream. */
		if (ftruncate(fd, off) != 0)
			errno = EIO;
		close(fd);
		return NULL;
	}
	close(fd);
	/* RATIONALE: MAP_POPULATE maps a shared file read-only, so each page
	 * would still take a write fault on the event path; this takes them
	 * all here, in one call (Linux 5.14+; older kernels fault lazily). */
	madvise(p, *bytes, MADV_POPULATE_WRITE);
	memset(&h, 0, sizeof(h));
	h.magic = H5SNOOP_CTF_MAGIC;
	memcpy(h.uuid, s->uuid, sizeof(h.uuid));
	h.stream_id = 0;
	h.timestamp_begin = ts;
	h.timestamp_end = ts;
	h.content_size = (uint64_t)sizeof(h) * 8u;
	h.packet_size = (uint64_t)*bytes * 8u;
	h.packet_seq_num = s->packet_seq;
	h.tid = s->tid;
	{
		uint64_t discarded, lost[H5SNOOP_LOSS_COUNT];

		chunk_counts(s, &discarded, lost);
		h.events_discarded = discarded;
		memcpy(h.lost, lost, sizeof(h.lost));
	}
	memcpy(p, &h, sizeof(h));
	return p;
}

/* Copies the running counts into the packet still mapped, so that losses
 * after the last packet are not lost to readers. */
static void publish_counts(struct trace_stream *s)
{
	uint64_t discarded, lost[H5SNOOP_LOSS_COUNT];

	if (!s->packet)
		return;
	chunk_counts(s, &discarded, lost);
	memcpy(s->packet + offsetof(struct h5snoop_packet_header,
				    events_discarded),
	       &discarded, sizeof(discarded));
	memcpy(s->packet + offsetof(struct h5snoop_packet_header, lost),
	       lost, sizeof(lost));
}

static void *drop_event(struct trace_stream *s, enum h5snoop_loss why)
{
	s->discarded++;
	s->lost[why]++;
	publish_counts(s);
	return NULL;
}

/*
 * Starts a new packet.  Returns 0, or -1 with the loss reason in *why.
 * RATIONALE: cancellation is off inside (open, pwrite and close are
 * cancellation points): a thread cancelled here would leave the packet
 * lock held and every other thread's next packet hung.
 */
static int start_packet(struct trace_stream *s, uint64_t ts,
			size_t keep_bytes, enum h5snoop_loss *why)
{
	size_t bytes = s->packet_bytes;
	int saved_errno = errno, cancel_state;
	uint8_t *p;

	/* Packets double in size up to a cap: a thread with one event costs
	 * one small packet, a busy one rotates rarely. */
	if (s->packet_seq > 0 && bytes < TRACE_STREAM_PACKET_BYTES_MAX)
		bytes *= 2;
	if (bytes < TRACE_STREAM_PACKET_BYTES_DEFAULT && s->packet_seq > 0)
		bytes = TRACE_STREAM_PACKET_BYTES_DEFAULT;
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel_state);
	pthread_mutex_lock(&packet_lock);
	p = map_packet(s, &bytes, ts, why);
	pthread_mutex_unlock(&packet_lock);
	pthread_setcancelstate(cancel_state, NULL);
	if (p)
		unmap_packet(s);
	/* NOTE: after every call: the driver read's path relies on this
	 * to keep the host's errno (trace_op_end_direct). */
	errno = saved_errno;
	if (!p)
		return -1;
	s->packet = p;
	s->packet_bytes = bytes;
	s->used_bytes = sizeof(struct h5snoop_packet_header);
	s->packet_seq++;
	s->file_bytes += bytes;
	/* RATIONALE: in a ring, the chunk holding a definition (a file's
	 * open, a stack) may be deleted while later chunks still name it:
	 * each chunk restates what is still defined, first of all. */
	if (__builtin_expect(s->restate_due, 0) && !s->bound_reached) {
		s->restate_due = 0;
		if (chunk_hook)
			chunk_hook(s, ts > s->last_ts ? ts : s->last_ts,
				   keep_bytes);
	}
	return 0;
}

int trace_stream_put_restated(struct trace_stream *s, const void *ev,
			      size_t len, uint64_t ts, size_t keep_bytes)
{
	if (!s->packet || s->used_bytes + len + keep_bytes > s->packet_bytes)
		return -1;
	memcpy(s->packet + s->used_bytes, ev, len);
	memcpy(s->packet + s->used_bytes +
		       offsetof(struct h5snoop_event_header, timestamp),
	       &ts, sizeof(ts));
	trace_stream_commit(s, len, ts);
	s->events--; /* not the program's: see trace_stream.h */
	return 0;
}

void *trace_stream_reserve_slow(struct trace_stream *s, size_t len,
				uint64_t ts)
{
	enum h5snoop_loss why;

	if (s->path[0] == '\0')
		return drop_event(s, H5SNOOP_LOSS_stream_failure);
	if (len > TRACE_STREAM_PACKET_BYTES_DEFAULT -
			  sizeof(struct h5snoop_packet_header))
		return drop_event(s, H5SNOOP_LOSS_too_large);
	if (s->retry_countdown > 0) {
		s->retry_countdown--;
		return drop_event(s, s->retry_why);
	}
	if (start_packet(s, ts, len, &why) != 0) {
		s->retry_countdown = RETRY_AFTER_EVENTS;
		s->retry_why = why;
		return drop_event(s, why);
	}
	if (s->bound_reached) {
		s->retry_countdown = RETRY_AFTER_EVENTS;
		s->retry_why = H5SNOOP_LOSS_size_bound;
		return drop_event(s, H5SNOOP_LOSS_size_bound);
	}
	/* Only a packet cut down to a page by the size limit is too small. */
	if (s->used_bytes + len > s->packet_bytes)
		return drop_event(s, H5SNOOP_LOSS_file_size_limit);
	return s->packet + s->used_bytes;
}

void trace_stream_count_loss(struct trace_stream *s, enum h5snoop_loss why,
			     uint64_t n, uint64_t ts)
{
	enum h5snoop_loss failed;

	if ((unsigned)why >= H5SNOOP_LOSS_COUNT)
		return;
	if (h5snoop_loss_drops[why])
		s->discarded += n;
	s->lost[why] += n;
	if (!s->packet && s->path[0] && s->retry_countdown == 0 &&
	    start_packet(s, ts, 0, &failed) != 0) {
		s->retry_countdown = RETRY_AFTER_EVENTS;
		s->retry_why = failed;
	}
	publish_counts(s);
}

/* Writes `bytes` as the current packet's packet_size. */
static void set_packet_size(struct trace_stream *s, uint64_t bytes)
{
	uint64_t bits = bytes * 8u;

	memcpy(s->packet + offsetof(struct h5snoop_packet_header,
				    packet_size),
	       &bits, sizeof(bits));
}

void trace_stream_trim(struct trace_stream *s)
{
	static const uint64_t page = 4096u;
	uint64_t keep, hole_off, hole_len;
	enum h5snoop_loss why;
	int fd, cancel_state, saved_errno = errno;

	if (!s->packet || s->path[0] == '\0')
		return;
	keep = (s->used_bytes + page - 1) / page * page;
	if (keep >= s->packet_bytes)
		return;
	/* RATIONALE: the last packet's unused tail is cut off the file, and
	 * its packet_size says so first: a trace of 200,000 reads was 10%
	 * larger with the tail left in (as a hole, it took no blocks but
	 * counted in the file's size).  Readers only ever touch a packet's
	 * content, which stays; a reader following the file (h5snoop top)
	 * takes the new packet_size at its next look.  The mapping of the
	 * tail goes first, so nothing writes there again.  Events written
	 * later go to the page-rounded room left, then to new packets. */
	hole_off = s->file_bytes - s->packet_bytes + keep;
	hole_len = s->packet_bytes - keep;
	munmap(s->packet + keep, (size_t)hole_len);
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel_state);
	pthread_mutex_lock(&packet_lock);
	fd = open_stream_file(s, &why);
	if (fd >= 0) {
		set_packet_size(s, keep);
		if (ftruncate(fd, (off_t)hole_off) == 0) {
			s->file_bytes = hole_off;
			if (bound_left != UINT64_MAX)
				bound_left += hole_len;
		} else {
			/* The packet keeps its size; its tail becomes a
			 * hole where the file system has them. */
			set_packet_size(s, s->packet_bytes);
			(void)fallocate(fd,
					FALLOC_FL_PUNCH_HOLE |
						FALLOC_FL_KEEP_SIZE,
					(off_t)hole_off, (off_t)hole_len);
		}
		close(fd);
	}
	s->packet_bytes = (size_t)keep;
	pthread_mutex_unlock(&packet_lock);
	pthread_setcancelstate(cancel_state, NULL);
	errno = saved_errno;
}

void trace_stream_retire(struct trace_stream *s)
{
	int cancel_state;

	if (!trace_ring_chunk_bytes())
		return;
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel_state);
	pthread_mutex_lock(&packet_lock);
	trace_ring_retire(s, &bound_left);
	pthread_mutex_unlock(&packet_lock);
	pthread_setcancelstate(cancel_state, NULL);
}

void trace_stream_close(struct trace_stream *s)
{
	unmap_packet(s);
	s->path[0] = '\0';
}

void trace_stream_child_after_fork(void)
{
	pthread_mutex_init(&packet_lock, NULL);
	trace_ring_child_after_fork();
}
