// SPDX-License-Identifier: GPL-2.0
/*
 * Migration of the ring's pages (Linux 6.1 fs/aio.c aio_migrate_folio):
 * the ring pages are movable page-cache pages, so move_pages(2) and memory
 * compaction can move them while completions stream in.  Events written
 * before, during and after a move must all arrive exactly once, whether
 * reaped with io_getevents or straight from the (remapped) ring.
 *
 * Needs two NUMA nodes with memory (the test VM has 0 and 1).
 */
#include <pthread.h>
#include <stdarg.h>

#include "aio_selftest.h"
#include "aio_test_util.h"

#ifndef MPOL_MF_MOVE
#define MPOL_MF_MOVE	(1 << 1)
#endif

#define RING_EVENTS	1000	/* a 16-page ring on 2 CPUs */
#define MAX_PAGES	64

FIXTURE(migrate) {
	struct aio_tracker t;
	aio_context_t ctx;
	long page;
	unsigned long npages;
	void *pages[MAX_PAGES];
	int fd;
};

AIO_BACKEND_VARIANTS(migrate);

FIXTURE_SETUP(migrate)
{
	tracker_init(&self->t, variant->backend);
	self->page = sysconf(_SC_PAGESIZE);
	self->fd = tmp_file(0, 0);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(migrate)
{
	TRACKER_TEARDOWN_CHECK(&self->t);
	close(self->fd);
}

static long sys_move_pages(unsigned long count, void **pages, const int *nodes, int *status,
			   int flags)
{
	return syscall(__NR_move_pages, 0, count, pages, nodes, status, flags);
}

/*
 * Move every ring page to @node, retrying those that were busy (the ring
 * lock held by a reader makes a migration attempt fail for the moment):
 * 0 once move_pages reports all of them on @node, or -1.
 */
static int move_ring(FIXTURE_DATA(migrate) *self, int node, int *attempts)
{
	int nodes[MAX_PAGES], status[MAX_PAGES];

	for (unsigned long i = 0; i < self->npages; i++)
		nodes[i] = node;
	for (*attempts = 1; *attempts <= 50; (*attempts)++) {
		bool all = true;

		if (sys_move_pages(self->npages, self->pages, nodes, status, MPOL_MF_MOVE) < 0)
			return -1;
		for (unsigned long i = 0; i < self->npages; i++)
			all &= status[i] == node;
		if (all)
			return 0;
		msleep(1);
	}
	return -1;
}

/*
 * The node each ring page is on (queried): 0, or -1.  move_pages() answers
 * -ENOENT for a page with no page-table entry at that moment (a migration
 * or compaction may just have left it unmapped until the next access), so
 * each page is read first: the query is about where the page is, not
 * whether it happens to be mapped.
 */
static int ring_nodes(FIXTURE_DATA(migrate) *self, int *status)
{
	for (unsigned long i = 0; i < self->npages; i++)
		(void)*(volatile const char *)self->pages[i];
	return sys_move_pages(self->npages, self->pages, NULL, status, 0) < 0 ? -1 : 0;
}

/* The page frame of each ring page (0 if unknown: /proc/self/pagemap hides them from non-root). */
static void ring_pfns(FIXTURE_DATA(migrate) *self, unsigned long long *pfn)
{
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	for (unsigned long i = 0; i < self->npages; i++) {
		unsigned long long entry = 0;
		off_t off = (off_t)((uintptr_t)self->pages[i] / (unsigned long)self->page) * 8;

		pfn[i] = 0;
		if (fd >= 0 && pread(fd, &entry, sizeof(entry), off) == sizeof(entry) &&
		    (entry >> 63))
			pfn[i] = entry & ((1ull << 55) - 1);
	}
	if (fd >= 0)
		close(fd);
}

/* Make the ring, fault all its pages in, and collect their addresses. */
#define MIGRATE_BEGIN() do {						\
	struct mapping_info __m;					\
	AIO_REQUIRE(variant->backend, AIO_OP_SETUP, AIO_OP_DESTROY,	\
		    AIO_OP_SUBMIT, AIO_OP_GETEVENTS);			\
	if (!have_two_nodes())						\
		SKIP(return, "needs NUMA nodes 0 and 1 with memory");	\
	ASSERT_OK(variant->backend->io_setup(RING_EVENTS, &self->ctx));	\
	track_ctx(&self->t, self->ctx);					\
	ASSERT_EQ(0, find_mapping(aio_ring_of(self->ctx), &__m));	\
	self->npages = (__m.end - __m.start) / self->page;		\
	ASSERT_GE((unsigned long)MAX_PAGES, self->npages);		\
	for (unsigned long __i = 0; __i < self->npages; __i++) {	\
		self->pages[__i] = (char *)aio_ring_of(self->ctx) + __i * self->page; \
		(void)*(volatile char *)self->pages[__i];		\
	}								\
} while (0)

/* ------------------------------------------------------------------ */
/* A thread streaming tagged tmpfs writes through the ring              */

struct stream {
	const struct aio_backend *b;
	aio_context_t ctx;
	int fd;
	bool user_reap;
	volatile int stop;
	unsigned int max;
	unsigned int submitted, reaped;
	unsigned char *seen;
	char error[160];
};

static void __attribute__((format(printf, 2, 3))) stream_fail(struct stream *s,
								const char *fmt, ...)
{
	va_list ap;

	if (s->error[0])
		return;
	va_start(ap, fmt);
	vsnprintf(s->error, sizeof(s->error), fmt, ap);
	va_end(ap);
}

static void stream_take(struct stream *s, const struct io_event *ev, unsigned int n)
{
	for (unsigned int k = 0; k < n; k++) {
		unsigned long long tag = ev[k].data;

		if (tag >= s->submitted) {
			stream_fail(s, "event %llu never submitted (%u so far)", tag, s->submitted);
			continue;
		}
		if (s->seen[tag])
			stream_fail(s, "event %llu reaped twice", tag);
		s->seen[tag] = 1;
		if (ev[k].res != 16)
			stream_fail(s, "event %llu: res %lld", tag, (long long)ev[k].res);
		s->reaped++;
	}
}

static void stream_reap(struct stream *s)
{
	struct io_event ev[64];
	long got;

	if (s->user_reap) {
		got = ring_user_reap(s->ctx, ev, 64);
	} else {
		struct __kernel_timespec zero = { 0, 0 };

		got = s->b->io_getevents(s->ctx, 0, 64, ev, &zero);
		if (got < 0) {
			stream_fail(s, "io_getevents: %s", strerror(errno));
			return;
		}
	}
	stream_take(s, ev, (unsigned int)got);
}

static void *stream_main(void *arg)
{
	struct stream *s = arg;
	static const char data[16] = "0123456789abcdef";
	struct iocb cbs[16], *ptrs[16];
	long long deadline;

	while (!s->stop && s->submitted < s->max && !s->error[0]) {
		unsigned int n = s->max - s->submitted < 16 ? s->max - s->submitted : 16;
		long r;

		for (unsigned int i = 0; i < n; i++) {
			iocb_prep(&cbs[i], IOCB_CMD_PWRITE, s->fd, data, sizeof(data),
				  (long long)((s->submitted + i) % 256) * 16, s->submitted + i);
			ptrs[i] = &cbs[i];
		}
		r = s->b->io_submit(s->ctx, n, ptrs);
		if (r < 0 && errno != EAGAIN) {
			stream_fail(s, "io_submit: %s", strerror(errno));
			break;
		}
		if (r > 0)
			s->submitted += (unsigned int)r;
		stream_reap(s);
	}
	/* Drain: everything submitted has completed (tmpfs writes are synchronous). */
	deadline = now_ns() + 5000000000LL;
	while (s->reaped < s->submitted && !s->error[0] && now_ns() < deadline)
		stream_reap(s);
	if (s->reaped != s->submitted)
		stream_fail(s, "%u events submitted, %u reaped", s->submitted, s->reaped);
	return NULL;
}

static int stream_start(struct stream *s, pthread_t *th, const struct aio_backend *b,
			aio_context_t ctx, int fd, bool user_reap)
{
	memset(s, 0, sizeof(*s));
	s->b = b;
	s->ctx = ctx;
	s->fd = fd;
	s->user_reap = user_reap;
	s->max = 2000000;
	s->seen = calloc(s->max, 1);
	if (!s->seen)
		return -1;
	return pthread_create(th, NULL, stream_main, s);
}

/* ------------------------------------------------------------------ */

/*
 * Idle ring: move all pages back and forth; events completed before a
 * move are read after it, from the ring and through the kernel.
 */
TEST_F(migrate, move_pages_idle)
{
	const struct aio_backend *b = variant->backend;
	int status[MAX_PAGES], node, attempts;
	struct iocb cb[40], *p[40];
	struct io_event ev[40];
	char data[8] = "migrate";

	MIGRATE_BEGIN();
	ASSERT_OK(ring_nodes(self, status));
	node = status[0];
	ASSERT_TRUE(node == 0 || node == 1) {
		TH_LOG("ring page 0: status %d", status[0]);
	}
	for (int round = 0; round < 10; round++) {
		for (int i = 0; i < 40; i++) {
			iocb_prep(&cb[i], IOCB_CMD_PWRITE, self->fd, data, sizeof(data),
				  i * 8, round * 100 + i);
			p[i] = &cb[i];
		}
		ASSERT_OK_VAL(40, b->io_submit(self->ctx, 40, p));

		node = 1 - node;
		ASSERT_EQ(0, move_ring(self, node, &attempts)) {
			TH_LOG("round %d: ring pages not all moved to node %d", round, node);
		}
		ASSERT_OK(ring_nodes(self, status));
		for (unsigned long i = 0; i < self->npages; i++)
			ASSERT_EQ(node, status[i]);

		/* Half from the ring, half through the kernel. */
		ASSERT_EQ(20u, ring_user_reap(self->ctx, ev, 20));
		ASSERT_OK_VAL(20, b->io_getevents(self->ctx, 20, 40, ev + 20, NULL));
		for (int i = 0; i < 40; i++) {
			ASSERT_EQ((unsigned long long)(round * 100 + i), ev[i].data);
			ASSERT_EQ(iocb_ptr_value(&cb[i]), ev[i].obj);
			ASSERT_EQ((long long)sizeof(data), ev[i].res);
		}
		ASSERT_EQ(KAIO_RING_MAGIC, aio_ring_of(self->ctx)->magic);
	}
}

static void streaming_moves(struct __test_metadata *_metadata,
			    FIXTURE_DATA(migrate) *self, const struct aio_backend *b,
			    bool user_reap)
{
	int status[MAX_PAGES], node, attempts, max_attempts = 0, full_moves = 0;
	struct stream s;
	pthread_t th;

	THREADS_OR_SKIP();
	ASSERT_OK(ring_nodes(self, status));
	node = status[0];
	ASSERT_OK(stream_start(&s, &th, b, self->ctx, self->fd, user_reap));
	/*
	 * Natively too, a move can keep failing for a while under load (a page
	 * busy, or waiting in another CPU's LRU cache): what must hold is that
	 * moves do happen, and that no event is lost or duplicated meanwhile.
	 */
	for (int round = 0; round < 40 && !s.error[0]; round++) {
		node = 1 - node;
		if (move_ring(self, node, &attempts) == 0) {
			full_moves++;
			if (attempts > max_attempts)
				max_attempts = attempts;
		}
		msleep(2);
	}
	s.stop = 1;
	ASSERT_OK(pthread_join(th, NULL));
	ASSERT_EQ(0, s.error[0]) {
		TH_LOG("%s", s.error);
	}
	ASSERT_LT(0u, s.submitted);
	ASSERT_EQ(s.submitted, s.reaped);
	for (unsigned int i = 0; i < s.submitted; i++)
		ASSERT_EQ(1, s.seen[i]);
	ASSERT_LT(0, full_moves) {
		TH_LOG("the ring's pages never all moved in 40 rounds");
	}
	TH_LOG("%u events across %d complete moves of 40 (at most %d move_pages calls per move)",
	       s.submitted, full_moves, max_attempts);
	free(s.seen);
}

TEST_F(migrate, move_pages_while_streaming)
{
	MIGRATE_BEGIN();
	streaming_moves(_metadata, self, variant->backend, false);
}

TEST_F(migrate, move_pages_while_streaming_user_reap)
{
	MIGRATE_BEGIN();
	streaming_moves(_metadata, self, variant->backend, true);
}

/* Compaction may move the ring pages at any moment: nothing is lost. */
TEST_F(migrate, compaction_while_streaming)
{
	const struct aio_backend *b = variant->backend;
	int status[MAX_PAGES], moved = 0;
	struct stream s;
	pthread_t th;

	MIGRATE_BEGIN();
	THREADS_OR_SKIP();
	if (access("/proc/sys/vm/compact_memory", W_OK))
		SKIP(return, "cannot write /proc/sys/vm/compact_memory");
	for (int pass = 0; pass < 2; pass++) {
		unsigned long long before[MAX_PAGES], after[MAX_PAGES];

		ring_pfns(self, before);
		ASSERT_OK(stream_start(&s, &th, b, self->ctx, self->fd, pass == 1));
		for (int i = 0; i < 2; i++)
			ASSERT_OK(write_str("/proc/sys/vm/compact_memory", "1"));
		s.stop = 1;
		ASSERT_OK(pthread_join(th, NULL));
		ASSERT_EQ(0, s.error[0]) {
			TH_LOG("%s", s.error);
		}
		ASSERT_EQ(s.submitted, s.reaped);
		for (unsigned int i = 0; i < s.submitted; i++)
			ASSERT_EQ(1, s.seen[i]);
		ASSERT_OK(ring_nodes(self, status));
		ring_pfns(self, after);
		for (unsigned long i = 0; i < self->npages; i++) {
			ASSERT_LE(0, status[i]);
			moved += before[i] != after[i];
		}
		free(s.seen);
	}
	/* Whether compaction chose to move them is up to it: logged only. */
	TH_LOG("compaction moved %d of %lu ring page(s) twice over", moved, self->npages);
	ASSERT_EQ(KAIO_RING_MAGIC, aio_ring_of(self->ctx)->magic);
}

TEST_HARNESS_MAIN
