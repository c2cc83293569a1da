// SPDX-License-Identifier: GPL-2.0
/*
 * The completion ring at the ctx address: header, sizing, slot capacity,
 * reaping from userspace, and what happens when userspace scribbles on
 * the header (Linux 6.1 fs/aio.c as the oracle).
 *
 * Sizing (aio_setup_ring): nr_events is raised to 4 per possible CPU,
 * doubled, plus 2; the ring is that many 32-byte events after a 32-byte
 * header, rounded up to whole pages; ring->nr is what fills the pages.
 *
 * Capacity (per-CPU slot batches): nr - 1 slots, handed out to a CPU
 * (nr - 1) / (4 * possible CPUs) at a time, and returned only once the
 * events are consumed (io_getevents or userspace moving ring->head).
 *
 * Header scribbles: the kernel takes head and tail from the ring page
 * and reduces both modulo nr before using them (CVE-2014-0206); ring->id
 * is only a hint that must match the ctx address (forged ids: EINVAL).
 */
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/wait.h>

#include "aio_selftest.h"
#include "aio_test_util.h"

static const unsigned int ring_sizes[] = {
	1, 2, 7, 8, 63, 64, 126, 127, 128, 255, 256, 1000, 4096, 65536,
};

/* Sizes whose capacity is measured by filling the ring (65536: ~131k I/Os, left out). */
static const unsigned int capacity_sizes[] = {
	1, 2, 7, 8, 63, 64, 126, 127, 128, 255, 256, 1000, 4096,
};

/* Fewer for the slower fill-reap-fill-reap round (the debug kernel is slow). */
static const unsigned int capacity_round_sizes[] = { 1, 8, 63, 128, 256, 1000 };

#define CHUNK 256

FIXTURE(ring) {
	struct aio_tracker t;
	long page;
	int cpus;
	int fd;			/* a 4 KiB tmpfs file */
	struct iocb cb;		/* 1-byte read of it: completes inside io_submit */
	struct iocb *cbs[CHUNK];
	struct io_event *ev;
	char sink[64];		/* where the reads land */
};

AIO_BACKEND_VARIANTS(ring);

FIXTURE_SETUP(ring)
{
	tracker_init(&self->t, variant->backend);
	self->page = sysconf(_SC_PAGESIZE);
	self->cpus = possible_cpus();
	ASSERT_LT(0, self->cpus);
	self->fd = tmp_file(4096, 0);
	ASSERT_LE(0, self->fd);
	iocb_prep(&self->cb, IOCB_CMD_PREAD, self->fd, self->sink, 1, 0, 0x5eed);
	for (int i = 0; i < CHUNK; i++)
		self->cbs[i] = &self->cb;
	/* Room for the largest ring's events. */
	self->ev = calloc(140000, sizeof(struct io_event));
	ASSERT_TRUE(self->ev != NULL);
}

FIXTURE_TEARDOWN(ring)
{
	TRACKER_TEARDOWN_CHECK(&self->t);
	if (self->fd >= 0)
		close(self->fd);
	free(self->ev);
}

/* Can this backend take io_setup(@nr) now?  Only the quota can say no. */
static bool quota_allows(const struct aio_backend *b, unsigned long nr)
{
	unsigned long max, used;

	if (b->max_nr(&max) || b->nr_in_use(&used))
		return true;	/* unknown: try it */
	return used + nr <= max;
}

/*
 * Submit the 1-byte read until io_submit refuses: the count, or -1 if it
 * failed with anything but EAGAIN (errno kept).  @limit bounds the loop.
 */
static long fill_until_eagain(const struct aio_backend *b, aio_context_t ctx,
			      struct iocb **cbs, long limit)
{
	long total = 0;

	while (total < limit) {
		long want = limit - total < CHUNK ? limit - total : CHUNK;
		long r = b->io_submit(ctx, want, cbs);

		if (r < 0)
			return errno == EAGAIN ? total : -1;
		if (r == 0)
			return -1;
		total += r;
	}
	return total;
}

TEST_F(ring, header_and_mapping)
{
	const struct aio_backend *b = variant->backend;

	AIO_REQUIRE(b, AIO_OP_SETUP, AIO_OP_DESTROY);
	for (size_t i = 0; i < sizeof(ring_sizes) / sizeof(ring_sizes[0]); i++) {
		unsigned int n = ring_sizes[i];
		struct ring_geometry g = ring_geometry(n, self->cpus, self->page);
		struct mapping_info m;
		struct kaio_ring *ring;
		aio_context_t ctx = 0;

		if (!quota_allows(b, n)) {
			TH_LOG("nr_events %u: left out, aio-max-nr too small", n);
			continue;
		}
		ASSERT_OK(b->io_setup(n, &ctx));
		track_ctx(&self->t, ctx);
		ring = aio_ring_of(ctx);

		ASSERT_EQ(0ul, (unsigned long)(ctx % (unsigned long)self->page));
		ASSERT_EQ(KAIO_RING_MAGIC, ring->magic);
		ASSERT_EQ(KAIO_RING_COMPAT_FEATURES, ring->compat_features);
		ASSERT_EQ(KAIO_RING_INCOMPAT_FEATURES, ring->incompat_features);
		ASSERT_EQ(sizeof(struct kaio_ring), ring->header_length);
		ASSERT_EQ(0u, ring->head);
		ASSERT_EQ(0u, ring->tail);
		ASSERT_EQ(g.nr, ring->nr) {
			TH_LOG("nr_events %u, %d possible CPUs: ring->nr %u, expected %u",
			       n, self->cpus, ring->nr, g.nr);
		}
		/* The only context of this process: the first table slot (native: 0). */
		ASSERT_GT(64u, ring->id);

		ASSERT_EQ(0, find_mapping(ring, &m));
		ASSERT_EQ((unsigned long)ctx, m.start);
		ASSERT_EQ(g.pages * (unsigned long)self->page, m.end - m.start) {
			TH_LOG("nr_events %u: mapping %lu bytes, expected %lu pages",
			       n, m.end - m.start, g.pages);
		}
		/* Shared, read/write, never executable. */
		ASSERT_EQ(0, strcmp(m.perms, "rw-s")) {
			TH_LOG("ring mapping perms '%s'", m.perms);
		}
		TH_LOG("nr_events %5u -> ring->nr %6u, %4lu page(s), %s", n, ring->nr, g.pages,
		       m.path);

		ASSERT_OK(b->io_destroy(ctx));
		untrack_ctx(&self->t, ctx);
		/* The ring is unmapped by io_destroy. */
		ASSERT_NE(0, find_mapping((void *)(uintptr_t)ctx, &m));
	}
}

/* Contexts alive together have distinct rings and distinct small ids. */
TEST_F(ring, ids_distinct)
{
	const struct aio_backend *b = variant->backend;
	aio_context_t ctx[8] = { 0 };
	unsigned int ids[8];

	AIO_REQUIRE(b, AIO_OP_SETUP, AIO_OP_DESTROY);
	for (int i = 0; i < 8; i++) {
		ASSERT_OK(b->io_setup(1, &ctx[i]));
		track_ctx(&self->t, ctx[i]);
		ids[i] = aio_ring_of(ctx[i])->id;
		ASSERT_GT(64u, ids[i]);
		for (int j = 0; j < i; j++) {
			ASSERT_NE(ids[j], ids[i]);
			ASSERT_NE(ctx[j], ctx[i]);
		}
	}
	/* A freed slot is handed out again (native: the lowest free index). */
	ASSERT_OK(b->io_destroy(ctx[3]));
	untrack_ctx(&self->t, ctx[3]);
	ctx[3] = 0;
	ASSERT_OK(b->io_setup(1, &ctx[3]));
	track_ctx(&self->t, ctx[3]);
	ASSERT_EQ(ids[3], aio_ring_of(ctx[3])->id) {
		TH_LOG("new context got id %u, the freed one had %u",
		       aio_ring_of(ctx[3])->id, ids[3]);
	}
}

/*
 * Without reaping, a fresh ring takes at least the nr_events asked for
 * and at most nr - 1; once everything is reaped the same holds again.
 */
TEST_F(ring, capacity_bounds)
{
	const struct aio_backend *b = variant->backend;

	AIO_REQUIRE(b, AIO_OP_SETUP, AIO_OP_DESTROY, AIO_OP_SUBMIT, AIO_OP_GETEVENTS);
	for (size_t i = 0; i < sizeof(capacity_round_sizes) / sizeof(capacity_round_sizes[0]); i++) {
		unsigned int n = capacity_round_sizes[i];
		struct ring_geometry g = ring_geometry(n, self->cpus, self->page);
		aio_context_t ctx = 0;
		long got, again, reaped;

		ASSERT_OK(b->io_setup(n, &ctx));
		track_ctx(&self->t, ctx);
		got = fill_until_eagain(b, ctx, self->cbs, g.nr + 10);
		ASSERT_LE((long)n, got) {
			TH_LOG("nr_events %u: only %ld submitted before EAGAIN", n, got);
		}
		ASSERT_GE((long)g.slots, got);
		ASSERT_EQ(got, (long)aio_ring_of(ctx)->tail);

		reaped = reap_events(b, ctx, self->ev, got, 5000);
		ASSERT_EQ(got, reaped);
		for (long k = 0; k < got; k++) {
			ASSERT_EQ(1, self->ev[k].res);
			ASSERT_EQ(0x5eedull, self->ev[k].data);
		}
		/* Nothing left, nothing more to reap. */
		struct __kernel_timespec zero = { 0, 0 };
		ASSERT_OK(b->io_getevents(ctx, 0, 1, self->ev, &zero));

		again = fill_until_eagain(b, ctx, self->cbs, g.nr + 10);
		ASSERT_LE((long)n, again);
		ASSERT_GE((long)g.slots, again);
		TH_LOG("nr_events %5u: ring->nr %6u, %ld then %ld submits before EAGAIN",
		       n, g.nr, got, again);
		ASSERT_EQ(again, reap_events(b, ctx, self->ev, again, 5000));

		ASSERT_OK(b->io_destroy(ctx));
		untrack_ctx(&self->t, ctx);
	}
}

/*
 * Native's exact figure, deterministic on a single CPU with a fresh
 * context: whole batches of (nr - 1) / (4 * CPUs) slots are taken from the
 * pool while it still holds a batch, so floor((nr-1)/batch)*batch iocbs go
 * in before EAGAIN.
 */
TEST_F(ring, capacity_pinned_exact)
{
	const struct aio_backend *b = variant->backend;
	cpu_set_t saved;

	AIO_REQUIRE(b, AIO_OP_SETUP, AIO_OP_DESTROY, AIO_OP_SUBMIT, AIO_OP_GETEVENTS);
	ASSERT_LE(0, pin_to_one_cpu(&saved));
	for (size_t i = 0; i < sizeof(capacity_sizes) / sizeof(capacity_sizes[0]); i++) {
		unsigned int n = capacity_sizes[i];
		struct ring_geometry g = ring_geometry(n, self->cpus, self->page);
		aio_context_t ctx = 0;
		long got;

		ASSERT_OK(b->io_setup(n, &ctx));
		track_ctx(&self->t, ctx);
		got = fill_until_eagain(b, ctx, self->cbs, g.nr + 10);
		ASSERT_EQ((long)g.pinned_capacity, got) {
			TH_LOG("nr_events %u: ring->nr %u, batch %u: %ld submits before EAGAIN, expected %u",
			       n, g.nr, g.batch, got, g.pinned_capacity);
		}
		ASSERT_OK(b->io_destroy(ctx));
		untrack_ctx(&self->t, ctx);
	}
	sched_setaffinity(0, sizeof(saved), &saved);
}

/* io_submit's nr is clamped to the ring: a huge nr is not an error. */
TEST_F(ring, submit_nr_clamped)
{
	const struct aio_backend *b = variant->backend;
	struct ring_geometry g = ring_geometry(1, self->cpus, self->page);
	struct iocb **many;
	aio_context_t ctx = 0;
	long r;

	AIO_REQUIRE(b, AIO_OP_SETUP, AIO_OP_DESTROY, AIO_OP_SUBMIT, AIO_OP_GETEVENTS);
	many = calloc(g.nr + 64, sizeof(*many));
	ASSERT_TRUE(many != NULL);
	for (unsigned int i = 0; i < g.nr + 64; i++)
		many[i] = &self->cb;
	ASSERT_OK(b->io_setup(1, &ctx));
	track_ctx(&self->t, ctx);
	r = b->io_submit(ctx, LONG_MAX, many);
	ASSERT_LE(1L, r);
	ASSERT_GE((long)g.slots, r);
	ASSERT_EQ(r, reap_events(b, ctx, self->ev, r, 5000));
	free(many);
}

/*
 * Reap only from userspace (head, tail and the slots, as libaio and fio's
 * userspace_reap do) while pushing ten rings' worth of tagged writes
 * through: fill the ring until io_submit says EAGAIN, empty it by moving
 * head, repeat.  Every event arrives once, and io_submit never says
 * EAGAIN once the ring has been emptied that way (the kernel takes the
 * slots back when it sees head move).
 */
/*
 * Batches of reads that complete inside io_submit, each with its own tag
 * and an eventfd: every event arrives once, in submission order, with its
 * iocb, tag and result, across event-page boundaries and ring wraps, and
 * the eventfd counts every one.
 */
TEST_F(ring, inline_batches_in_order)
{
	const struct aio_backend *b = variant->backend;
	enum { NR_EVENTS = 300, BATCH = 37, ROUNDS = 40 };
	struct iocb cbs[BATCH], *ptrs[BATCH];
	struct io_event ev[BATCH];
	aio_context_t ctx = 0;
	unsigned long long tag = 1;
	uint64_t count;
	int efd;

	AIO_REQUIRE(b, AIO_OP_SETUP, AIO_OP_DESTROY, AIO_OP_SUBMIT, AIO_OP_GETEVENTS);
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, efd);
	ASSERT_OK(b->io_setup(NR_EVENTS, &ctx));
	track_ctx(&self->t, ctx);
	for (int r = 0; r < ROUNDS; r++) {
		const unsigned long long first = tag;

		for (int i = 0; i < BATCH; i++) {
			iocb_prep(&cbs[i], IOCB_CMD_PREAD, self->fd, self->sink + i % 16, 1 + i % 3, 0,
				  tag++);
			cbs[i].aio_flags = IOCB_FLAG_RESFD;
			cbs[i].aio_resfd = (__u32)efd;
			ptrs[i] = &cbs[i];
		}
		ASSERT_OK_VAL(BATCH, b->io_submit(ctx, BATCH, ptrs));
		ASSERT_EQ(BATCH, b->io_getevents(ctx, BATCH, BATCH, ev, NULL));
		for (int i = 0; i < BATCH; i++) {
			ASSERT_EQ(first + (unsigned long long)i, ev[i].data) {
				TH_LOG("round %d: event %d out of order", r, i);
			}
			ASSERT_EQ(iocb_ptr_value(&cbs[i]), ev[i].obj);
			ASSERT_EQ(1 + i % 3, ev[i].res);
			ASSERT_EQ(0, ev[i].res2);
		}
		ASSERT_EQ((ssize_t)sizeof(count), read(efd, &count, sizeof(count)));
		ASSERT_EQ((uint64_t)BATCH, count);
	}
	close(efd);
}

/*
 * An event is posted (and its eventfd signalled) when its operation
 * completes, not when the io_submit() that started it returns: here the
 * second iocb, a read of an empty pipe, blocks io_submit() until a child
 * that waits for the first one's eventfd writes to the pipe.  A kaio that
 * held inline completions back until the end of the call would leave the
 * child waiting (it then unblocks the parent anyway, and fails).
 */
TEST_F(ring, event_posted_before_submit_returns)
{
	const struct aio_backend *b = variant->backend;
	struct iocb cbs[2], *ptrs[2] = { &cbs[0], &cbs[1] };
	struct io_event ev[2];
	char pipe_buf[1];
	aio_context_t ctx = 0;
	int efd, p[2], status;
	pid_t child;

	AIO_REQUIRE(b, AIO_OP_SETUP, AIO_OP_DESTROY, AIO_OP_SUBMIT, AIO_OP_GETEVENTS);
	efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	ASSERT_OK(b->io_setup(8, &ctx));
	track_ctx(&self->t, ctx);
	iocb_prep(&cbs[0], IOCB_CMD_PREAD, self->fd, self->sink, 1, 0, 1);
	cbs[0].aio_flags = IOCB_FLAG_RESFD;
	cbs[0].aio_resfd = (__u32)efd;
	iocb_prep(&cbs[1], IOCB_CMD_PREAD, p[0], pipe_buf, 1, 0, 2);

	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		struct pollfd pfd = { .fd = efd, .events = POLLIN };
		int seen = poll(&pfd, 1, 5000) == 1;

		/* Unblock the parent either way; report what was seen. */
		if (write(p[1], "x", 1) != 1)
			_exit(2);
		_exit(seen ? 0 : 1);
	}
	EXPECT_EQ(2, b->io_submit(ctx, 2, ptrs));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		TH_LOG("the first iocb's eventfd was not signalled while io_submit() was blocked");
	}
	EXPECT_EQ(2, reap_events(b, ctx, ev, 2, 5000));
	close(efd);
	close(p[0]);
	close(p[1]);
}

TEST_F(ring, user_reap_loop)
{
	const struct aio_backend *b = variant->backend;
	enum { NR_EVENTS = 8, BATCH = 32 };
	struct ring_geometry g = ring_geometry(NR_EVENTS, self->cpus, self->page);
	const unsigned int total = 10 * g.nr;
	struct iocb cbs[BATCH], *ptrs[BATCH];
	struct io_event ev[BATCH * 2];
	unsigned char *seen, data[16];
	unsigned int next = 0, done = 0, loops = 0, fills = 0;
	aio_context_t ctx = 0;
	struct kaio_ring *ring;
	int fd;

	AIO_REQUIRE(b, AIO_OP_SETUP, AIO_OP_DESTROY, AIO_OP_SUBMIT);
	fd = tmp_file(0, 0);
	ASSERT_LE(0, fd);
	seen = calloc(total, 1);
	ASSERT_TRUE(seen != NULL);
	memset(data, 'u', sizeof(data));
	ASSERT_OK(b->io_setup(NR_EVENTS, &ctx));
	track_ctx(&self->t, ctx);
	ring = aio_ring_of(ctx);
	ASSERT_EQ(g.nr, ring->nr);

	while (done < total) {
		unsigned int want = total - next < BATCH ? total - next : BATCH;
		bool ring_was_empty = ring_load(&ring->head) == ring_load(&ring->tail);
		long r = 0;
		unsigned int got;

		ASSERT_GT(100000u, ++loops) {
			TH_LOG("no progress: %u of %u reaped", done, total);
		}
		for (unsigned int i = 0; i < want; i++) {
			iocb_prep(&cbs[i], IOCB_CMD_PWRITE, fd, data, sizeof(data),
				  (long long)(next + i) * 16, next + i);
			ptrs[i] = &cbs[i];
		}
		if (want) {
			r = b->io_submit(ctx, want, ptrs);
			if (r < 0) {
				ASSERT_EQ(EAGAIN, errno);
				/* tmpfs writes are done inside io_submit: nothing in flight. */
				ASSERT_FALSE(ring_was_empty) {
					TH_LOG("EAGAIN with an empty ring after %u events", done);
				}
				fills++;
				r = 0;
			}
			next += (unsigned int)r;
			/* Keep filling while the ring takes any. */
			if (r > 0)
				continue;
		}
		/* Full (or done): empty it, straight from the ring. */
		while ((got = ring_user_reap(ctx, ev, BATCH * 2)) > 0) {
			for (unsigned int k = 0; k < got; k++) {
				unsigned long long tag = ev[k].data;

				ASSERT_GT((unsigned long long)next, tag);
				ASSERT_EQ(0, seen[tag]) {
					TH_LOG("event %llu reaped twice", tag);
				}
				seen[tag] = 1;
				ASSERT_EQ((long long)sizeof(data), ev[k].res);
				ASSERT_EQ(0, ev[k].res2);
				/* obj is one of our iocbs. */
				ASSERT_LE(iocb_ptr_value(&cbs[0]), ev[k].obj);
				ASSERT_GE(iocb_ptr_value(&cbs[BATCH - 1]), ev[k].obj);
				ASSERT_EQ(0ull, (ev[k].obj - iocb_ptr_value(&cbs[0])) % sizeof(struct iocb));
				done++;
			}
		}
	}
	ASSERT_EQ(total, done);
	/* The ring was full, and emptied from userspace, time after time. */
	ASSERT_LE(9u, fills);
	/* The kernel saw nothing of this through io_getevents: the ring is empty. */
	ASSERT_EQ(ring_load(&ring->head), ring_load(&ring->tail));
	TH_LOG("%u events through a %u-slot ring, %u times full, in %u rounds",
	       total, g.nr, fills, loops);
	free(seen);
	close(fd);
}

/* Userspace and io_getevents take turns on the same ring. */
TEST_F(ring, user_reap_mixed_with_getevents)
{
	const struct aio_backend *b = variant->backend;
	struct iocb cbs[6], *ptrs[6];
	struct io_event ev[8];
	aio_context_t ctx = 0;
	struct kaio_ring *ring;

	AIO_REQUIRE(b, AIO_OP_SETUP, AIO_OP_DESTROY, AIO_OP_SUBMIT, AIO_OP_GETEVENTS);
	ASSERT_OK(b->io_setup(4, &ctx));
	track_ctx(&self->t, ctx);
	ring = aio_ring_of(ctx);
	for (unsigned int round = 0; round < 3 * ring->nr / 6 + 3; round++) {
		for (int i = 0; i < 6; i++) {
			iocb_prep(&cbs[i], IOCB_CMD_PREAD, self->fd, ev, 1, 0, round * 6 + i);
			ptrs[i] = &cbs[i];
		}
		ASSERT_OK_VAL(6, b->io_submit(ctx, 6, ptrs));
		/* Three from the ring, three through the kernel, in order. */
		ASSERT_EQ(3u, ring_user_reap(ctx, ev, 3));
		ASSERT_OK_VAL(3, b->io_getevents(ctx, 3, 8, ev + 3, NULL));
		for (int i = 0; i < 6; i++) {
			ASSERT_EQ((unsigned long long)(round * 6 + i), ev[i].data);
			ASSERT_EQ(iocb_ptr_value(&cbs[i]), ev[i].obj);
		}
		ASSERT_EQ(ring_load(&ring->head), ring_load(&ring->tail));
		ASSERT_GT(ring->nr, ring_load(&ring->head));
	}
}

/* Native's reading of a scribbled ring: both indexes taken modulo nr. */
static long expected_ring_read(unsigned int head, unsigned int tail, unsigned int nr, long max)
{
	long avail;

	if (head == tail)
		return 0;
	head %= nr;
	tail %= nr;
	avail = head <= tail ? (long)(tail - head) : (long)(nr - head + tail);
	return avail < max ? avail : max;
}

/*
 * CVE-2014-0206: a garbage ring->head must not make io_getevents read
 * outside the ring.  The kernel reduces head (and tail) modulo nr and
 * hands out the slots in between, whatever they hold; it then stores the
 * new head, again below nr.
 */
TEST_F(ring, garbage_head)
{
	const struct aio_backend *b = variant->backend;
	struct iocb cbs[3], *ptrs[3];
	struct io_event *snapshot;
	aio_context_t ctx = 0;
	struct kaio_ring *ring;
	unsigned int nr, tail;
	char byte;

	AIO_REQUIRE(b, AIO_OP_SETUP, AIO_OP_DESTROY, AIO_OP_SUBMIT, AIO_OP_GETEVENTS);
	ASSERT_OK(b->io_setup(1, &ctx));
	track_ctx(&self->t, ctx);
	ring = aio_ring_of(ctx);
	nr = ring->nr;
	for (int i = 0; i < 3; i++) {
		iocb_prep(&cbs[i], IOCB_CMD_PREAD, self->fd, &byte, 1, 0, 100 + i);
		ptrs[i] = &cbs[i];
	}
	ASSERT_OK_VAL(3, b->io_submit(ctx, 3, ptrs));
	tail = ring->tail;
	ASSERT_EQ(3u, tail);
	snapshot = malloc(nr * sizeof(*snapshot));
	ASSERT_TRUE(snapshot != NULL);
	memcpy(snapshot, aio_ring_events(ring), nr * sizeof(*snapshot));

	const unsigned int heads[] = { 0xffffffffu, nr + 5, nr, nr + 3, 2 * nr + 1, 0x80000000u,
				       tail + 1, nr - 1 };
	const long limits[] = { 100000, 4 };

	for (size_t l = 0; l < 2; l++) {
		for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
			struct __kernel_timespec zero = { 0, 0 };
			long lim = limits[l] < (long)nr ? limits[l] : (long)nr;
			long want = expected_ring_read(heads[i], tail, nr, lim);
			long r;

			ring_store(&ring->head, heads[i]);
			r = b->io_getevents(ctx, 0, lim, self->ev, &zero);
			ASSERT_EQ(want, r) {
				TH_LOG("head %#x tail %u nr %u: got %ld events, native gives %ld",
				       heads[i], tail, nr, r, want);
			}
			for (long k = 0; k < r; k++) {
				unsigned int slot = (heads[i] % nr + (unsigned int)k) % nr;

				ASSERT_EQ(0, memcmp(&snapshot[slot], &self->ev[k], sizeof(self->ev[k]))) {
					TH_LOG("head %#x: event %ld is not ring slot %u", heads[i], k, slot);
				}
			}
			ASSERT_EQ((heads[i] % nr + (unsigned int)r) % nr, ring->head) {
				TH_LOG("head %#x: ring->head %u afterwards", heads[i], ring->head);
			}
			ASSERT_EQ(tail, ring->tail);
		}
	}

	/* Consumed for real: everything the ring holds comes back as slots. */
	ring_store(&ring->head, tail);
	struct ring_geometry g = ring_geometry(1, self->cpus, self->page);
	long got = fill_until_eagain(b, ctx, self->cbs, g.nr + 10);

	ASSERT_LE(1L, got);
	ASSERT_GE((long)g.slots, got);
	ASSERT_EQ(got, reap_events(b, ctx, self->ev, got, 5000));
	for (long k = 0; k < got; k++)
		ASSERT_EQ(0x5eedull, self->ev[k].data);
	free(snapshot);
}

/* The same for ring->tail, which io_getevents also takes from the ring. */
TEST_F(ring, garbage_tail)
{
	const struct aio_backend *b = variant->backend;
	struct iocb cbs[3], *ptrs[3];
	struct io_event *snapshot;
	aio_context_t ctx = 0;
	struct kaio_ring *ring;
	unsigned int nr;
	char byte;

	AIO_REQUIRE(b, AIO_OP_SETUP, AIO_OP_DESTROY, AIO_OP_SUBMIT, AIO_OP_GETEVENTS);
	ASSERT_OK(b->io_setup(1, &ctx));
	track_ctx(&self->t, ctx);
	ring = aio_ring_of(ctx);
	nr = ring->nr;
	for (int i = 0; i < 3; i++) {
		iocb_prep(&cbs[i], IOCB_CMD_PREAD, self->fd, &byte, 1, 0, 200 + i);
		ptrs[i] = &cbs[i];
	}
	ASSERT_OK_VAL(3, b->io_submit(ctx, 3, ptrs));
	snapshot = malloc(nr * sizeof(*snapshot));
	ASSERT_TRUE(snapshot != NULL);
	memcpy(snapshot, aio_ring_events(ring), nr * sizeof(*snapshot));

	const unsigned int tails[] = { 0xffffffffu, nr + 5, nr, 2 * nr + 3, 0x80000000u, 1 };

	for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		struct __kernel_timespec zero = { 0, 0 };
		long want = expected_ring_read(0, tails[i], nr, nr);
		long r;

		ring_store(&ring->head, 0);
		ring_store(&ring->tail, tails[i]);
		r = b->io_getevents(ctx, 0, nr, self->ev, &zero);
		ASSERT_EQ(want, r) {
			TH_LOG("tail %#x nr %u: got %ld events, native gives %ld",
			       tails[i], nr, r, want);
		}
		for (long k = 0; k < r; k++)
			ASSERT_EQ(0, memcmp(&snapshot[k], &self->ev[k], sizeof(self->ev[k])));
		ASSERT_EQ((unsigned int)r % nr, ring->head);
	}

	/*
	 * The next completion goes to the kernel's own tail (3), and
	 * rewrites ring->tail from it.
	 */
	ring_store(&ring->head, 3);
	ring_store(&ring->tail, 3);
	iocb_prep(&cbs[0], IOCB_CMD_PREAD, self->fd, &byte, 1, 0, 999);
	ASSERT_OK_VAL(1, b->io_submit(ctx, 1, ptrs));
	ASSERT_EQ(4u, ring->tail);
	ASSERT_OK_VAL(1, b->io_getevents(ctx, 1, 1, self->ev, NULL));
	ASSERT_EQ(999ull, self->ev[0].data);
	free(snapshot);
}

/*
 * ring->id is userspace's to scribble on, but only selects a table slot:
 * the slot's context must also live at this address.  A forged id never
 * reaches another context, and restoring it makes the ring work again.
 */
TEST_F(ring, forged_id)
{
	const struct aio_backend *b = variant->backend;
	aio_context_t a = 0, other = 0;
	struct kaio_ring *ra, *rb;
	struct iocb cb, *ptr = &cb;
	struct io_event ev[2];
	unsigned int id_a, id_b;
	char byte;

	AIO_REQUIRE(b, AIO_OP_SETUP, AIO_OP_DESTROY, AIO_OP_SUBMIT, AIO_OP_GETEVENTS,
		    AIO_OP_PGETEVENTS);
	ASSERT_OK(b->io_setup(1, &a));
	track_ctx(&self->t, a);
	ASSERT_OK(b->io_setup(1, &other));
	track_ctx(&self->t, other);
	ra = aio_ring_of(a);
	rb = aio_ring_of(other);
	id_a = ra->id;
	id_b = rb->id;
	ASSERT_NE(id_a, id_b);

	/* One event waiting in the other context. */
	iocb_prep(&cb, IOCB_CMD_PREAD, self->fd, &byte, 1, 0, 77);
	ASSERT_OK_VAL(1, b->io_submit(other, 1, &ptr));
	ASSERT_EQ(1u, rb->tail);

	const unsigned int forged[] = { id_b, 12345, 0xffffffffu, id_b + 1, 0x80000000u };

	for (size_t i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
		struct __kernel_timespec zero = { 0, 0 };

		ra->id = forged[i];
		iocb_prep(&cb, IOCB_CMD_PREAD, self->fd, &byte, 1, 0, 1000 + i);
		EXPECT_ERRNO(EINVAL, b->io_submit(a, 1, &ptr));
		EXPECT_ERRNO(EINVAL, b->io_getevents(a, 0, 2, ev, &zero));
		EXPECT_ERRNO(EINVAL, b->io_pgetevents(a, 0, 2, ev, &zero, NULL));
		EXPECT_ERRNO(EINVAL, b->io_destroy(a));
		/* The other context saw none of it. */
		ASSERT_EQ(0u, rb->head);
		ASSERT_EQ(1u, rb->tail);
		ASSERT_EQ(id_b, rb->id);
	}
	ra->id = id_a;

	ASSERT_OK_VAL(1, b->io_getevents(other, 1, 2, ev, NULL));
	ASSERT_EQ(77ull, ev[0].data);
	iocb_prep(&cb, IOCB_CMD_PREAD, self->fd, &byte, 1, 0, 78);
	ASSERT_OK_VAL(1, b->io_submit(a, 1, &ptr));
	ASSERT_OK_VAL(1, b->io_getevents(a, 1, 2, ev, NULL));
	ASSERT_EQ(78ull, ev[0].data);
	ASSERT_OK(b->io_destroy(a));
	untrack_ctx(&self->t, a);
	ASSERT_OK(b->io_destroy(other));
	untrack_ctx(&self->t, other);
}

TEST_HARNESS_MAIN
