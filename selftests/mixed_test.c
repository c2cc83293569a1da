// SPDX-License-Identifier: GPL-2.0
/*
 * A mixed workload, checked event by event, on every backend: submitter
 * threads issue reads, writes, vectored reads and writes, fsyncs and polls
 * (some completed by a write to their pipe, some cancelled, some both at
 * once) on one shared
 * context or on one context each, while a reaper thread per context
 * collects the events.  Every request carries a tag (thread, slot,
 * generation); every event must match exactly one request in flight, with
 * the result its operation gives (a read must return what the slot's last
 * write put there), and nothing may be lost, duplicated or left in the
 * ring.  At most as many requests are in flight as the contexts were made
 * for, so the ring never overflows.
 *
 * Bounded for make check (KAIO_MIXED_OPS operations per thread, default
 * 300); set it higher for a longer run.
 */
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/uio.h>

#include "aio_selftest.h"
#include "aio_test_util.h"

enum { THREADS = 4, SLOTS = 8, BLOCK = 4096 };
enum kind {
	K_PWRITE, K_PREAD, K_PWRITEV, K_PREADV, K_FSYNC,
	K_POLL_WRITE,	/* completed by a write to its pipe */
	K_POLL_CANCEL,	/* cancelled while surely pending */
	K_POLL_RACE,	/* a write and a cancel racing its wake-up: either may win */
	K_NR
};

struct slot {
	atomic_int busy;		/* 1 while its request is in flight */
	unsigned int gen;		/* generation of the request in flight */
	enum kind kind;
	unsigned int written_tag;	/* what the file block holds (0: nothing yet) */
	unsigned int read_tag;		/* what a read in flight must find */
	struct iocb cb;
	struct iovec iov[2];
	int pipe[2];
	unsigned char *buf;
};

struct worker;

struct mixed {
	const struct aio_backend *b;
	aio_context_t ctx[THREADS];
	int nctx;
	long ops;
	atomic_long submitted, completed, failures;
	atomic_long last_progress_ms;	/* the last submission or event (now_ms()) */
	char first_failure[256];
	pthread_mutex_t failure_lock;
	struct worker *workers;
	atomic_int submitters_done;
};

struct worker {
	struct mixed *m;
	int id;
	int fd;
	aio_context_t ctx;
	struct slot slots[SLOTS];
};

struct reaper {
	struct mixed *m;
	aio_context_t ctx;
};

static void fail(struct mixed *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct mixed *m, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&m->failure_lock);
	if (atomic_fetch_add(&m->failures, 1) == 0) {
		va_start(ap, fmt);
		vsnprintf(m->first_failure, sizeof(m->first_failure), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&m->failure_lock);
}

/* CLOCK_MONOTONIC in ms: fits a long, which is atomic on both ABIs. */
static long now_ms(void)
{
	return (long)(now_ns() / 1000000);
}

static unsigned long long tag_of(int thread, int slot, unsigned int gen)
{
	return ((unsigned long long)gen << 32) | ((unsigned long long)thread << 16) | (unsigned int)slot;
}

/* One event: find its request, check the result, free the slot. */
static void check_event(struct mixed *m, const struct io_event *e)
{
	const int thread = (int)((e->data >> 16) & 0xffff), idx = (int)(e->data & 0xffff);
	const unsigned int gen = (unsigned int)(e->data >> 32);
	struct slot *s;
	long want;

	if (thread >= THREADS || idx >= SLOTS) {
		fail(m, "event with a tag nobody issued: %#llx", (unsigned long long)e->data);
		return;
	}
	s = &m->workers[thread].slots[idx];
	if (!atomic_load_explicit(&s->busy, memory_order_acquire) || s->gen != gen) {
		fail(m, "event %#llx matches no request in flight (lost or duplicated)",
		     (unsigned long long)e->data);
		return;
	}
	if (e->obj != iocb_ptr_value(&s->cb))
		fail(m, "event %#llx: obj %#llx is not its iocb", (unsigned long long)e->data,
		     (unsigned long long)e->obj);
	switch (s->kind) {
	case K_PWRITE: case K_PREAD: case K_PWRITEV: case K_PREADV:
		want = BLOCK;
		break;
	default:
		want = 0;
	}
	if (s->kind == K_POLL_RACE) {
		if (e->res != 0 && !(e->res & POLLIN))
			fail(m, "raced poll %#llx: res %#llx, neither a cancel nor POLLIN",
			     (unsigned long long)e->data, (unsigned long long)e->res);
	} else if (s->kind == K_POLL_WRITE) {
		if (!(e->res & POLLIN))
			fail(m, "poll %#llx: res %#llx without POLLIN", (unsigned long long)e->data,
			     (unsigned long long)e->res);
	} else if (e->res != want) {
		fail(m, "request %#llx (kind %d): res %lld, expected %ld", (unsigned long long)e->data,
		     s->kind, (long long)e->res, want);
	} else if ((s->kind == K_PREAD || s->kind == K_PREADV) &&
		   !check_pattern(s->buf, BLOCK, s->read_tag)) {
		fail(m, "read %#llx: data is not write %u's", (unsigned long long)e->data, s->read_tag);
	}
	atomic_fetch_add(&m->completed, 1);
	atomic_store_explicit(&s->busy, 0, memory_order_release);
}

static void *reap(void *arg)
{
	struct reaper *r = arg;
	struct mixed *m = r->m;
	struct io_event ev[64];

	for (;;) {
		struct __kernel_timespec ts = ts_ms(50);
		long n = m->b->io_getevents(r->ctx, 1, 64, ev, &ts);

		if (n < 0 && errno != EINTR) {
			fail(m, "io_getevents: %s", strerror(errno));
			return NULL;
		}
		for (long i = 0; i < n; i++)
			check_event(m, &ev[i]);
		if (n > 0)
			atomic_store(&m->last_progress_ms, now_ms());
		if (atomic_load(&m->submitters_done) == THREADS &&
		    atomic_load(&m->completed) == atomic_load(&m->submitted))
			return NULL;
		if (atomic_load(&m->submitted) != atomic_load(&m->completed) &&
		    now_ms() - atomic_load(&m->last_progress_ms) > 10000) {
			fail(m, "no progress for 10 s with %ld requests in flight",
			     atomic_load(&m->submitted) - atomic_load(&m->completed));
			return NULL;
		}
	}
}

/* Wait until the slot's last request is done (the reaper frees it). */
static bool slot_wait(struct mixed *m, struct slot *s)
{
	long long start = now_ns();

	while (atomic_load_explicit(&s->busy, memory_order_acquire)) {
		if (ms_since(start) > 10000) {
			fail(m, "a request was never completed");
			return false;
		}
		sched_yield();
	}
	return true;
}

static void *submit_loop(void *arg)
{
	struct worker *w = arg;
	struct mixed *m = w->m;
	unsigned int next_tag = (unsigned int)w->id * 1000003u + 1;

	for (long op = 0; op < m->ops && !atomic_load(&m->failures); op++) {
		const int idx = (int)(op % SLOTS);
		struct slot *s = &w->slots[idx];
		struct iocb *cbp = &s->cb;
		const off_t off = (off_t)idx * BLOCK;
		char byte;
		long r;

		if (!slot_wait(m, s))
			break;
		while (read(s->pipe[0], &byte, 1) == 1)
			;	/* a poll's wake-up byte */
		s->kind = (enum kind)((op / SLOTS + idx) % K_NR);
		if ((s->kind == K_PREAD || s->kind == K_PREADV) && !s->written_tag)
			s->kind = K_PWRITE;
		s->gen++;
		switch (s->kind) {
		case K_PWRITE:
		case K_PWRITEV:
			s->written_tag = next_tag++;
			fill_pattern(s->buf, BLOCK, s->written_tag);
			if (s->kind == K_PWRITE) {
				iocb_prep(cbp, IOCB_CMD_PWRITE, w->fd, s->buf, BLOCK, off, 0);
			} else {
				s->iov[0] = (struct iovec){ s->buf, BLOCK / 2 };
				s->iov[1] = (struct iovec){ s->buf + BLOCK / 2, BLOCK / 2 };
				iocb_prep(cbp, IOCB_CMD_PWRITEV, w->fd, s->iov, 2, off, 0);
			}
			break;
		case K_PREAD:
		case K_PREADV:
			s->read_tag = s->written_tag;
			memset(s->buf, 0, BLOCK);
			if (s->kind == K_PREAD) {
				iocb_prep(cbp, IOCB_CMD_PREAD, w->fd, s->buf, BLOCK, off, 0);
			} else {
				s->iov[0] = (struct iovec){ s->buf, BLOCK / 2 };
				s->iov[1] = (struct iovec){ s->buf + BLOCK / 2, BLOCK / 2 };
				iocb_prep(cbp, IOCB_CMD_PREADV, w->fd, s->iov, 2, off, 0);
			}
			break;
		case K_FSYNC:
			iocb_prep(cbp, IOCB_CMD_FSYNC, w->fd, NULL, 0, 0, 0);
			break;
		default:
			iocb_prep(cbp, IOCB_CMD_POLL, s->pipe[0], NULL, 0, 0, 0);
			cbp->aio_buf = POLLIN;
			break;
		}
		cbp->aio_data = tag_of(w->id, idx, s->gen);
		atomic_store_explicit(&s->busy, 1, memory_order_release);
		r = m->b->io_submit(w->ctx, 1, &cbp);
		if (r != 1) {
			fail(m, "io_submit of kind %d: %ld (%s)", s->kind, r, strerror(errno));
			atomic_store(&s->busy, 0);
			break;
		}
		atomic_fetch_add(&m->submitted, 1);
		atomic_store(&m->last_progress_ms, now_ms());
		if (s->kind == K_POLL_WRITE || s->kind == K_POLL_RACE) {
			if (write(s->pipe[1], "x", 1) != 1)
				fail(m, "pipe write: %s", strerror(errno));
		}
		if (s->kind == K_POLL_RACE) {
			struct io_event unused;

			/* Cancelled (EINPROGRESS, res 0) or already completed (EINVAL). */
			r = m->b->io_cancel(w->ctx, cbp, &unused);
			if (r != -1 || (errno != EINPROGRESS && errno != EINVAL))
				fail(m, "io_cancel racing a wake-up: %ld (%s)", r, strerror(errno));
		} else if (s->kind == K_POLL_CANCEL) {
			struct io_event unused;

			/* Nobody writes to its pipe: it is pending, and cancellable. */
			r = m->b->io_cancel(w->ctx, cbp, &unused);
			if (r != -1 || errno != EINPROGRESS)
				fail(m, "io_cancel of a pending poll: %ld (%s)", r, strerror(errno));
		}
	}
	for (int i = 0; i < SLOTS; i++)
		slot_wait(m, &w->slots[i]);
	atomic_fetch_add(&m->submitters_done, 1);
	return NULL;
}

static void run_mixed(struct __test_metadata *_metadata, const struct aio_backend *b,
		      struct aio_tracker *t, int nctx)
{
	struct worker workers[THREADS];
	struct reaper reapers[THREADS];
	pthread_t sub[THREADS], rea[THREADS];
	struct mixed m = { .b = b, .nctx = nctx, .workers = workers };
	const char *env = getenv("KAIO_MIXED_OPS");
	char why[128];

	if (!threads_usable(why, sizeof(why)))
		SKIP(return, "%s", why);
	m.ops = env ? atol(env) : 300;
	atomic_store(&m.last_progress_ms, now_ms());
	pthread_mutex_init(&m.failure_lock, NULL);
	for (int c = 0; c < nctx; c++) {
		ASSERT_OK(b->io_setup(THREADS * SLOTS, &m.ctx[c]));
		track_ctx(t, m.ctx[c]);
	}
	memset(workers, 0, sizeof(workers));
	for (int i = 0; i < THREADS; i++) {
		struct worker *w = &workers[i];

		w->m = &m;
		w->id = i;
		w->ctx = m.ctx[i % nctx];
		w->fd = tmp_file((size_t)SLOTS * BLOCK, 0);
		ASSERT_LE(0, w->fd);
		for (int j = 0; j < SLOTS; j++) {
			ASSERT_EQ(0, pipe2(w->slots[j].pipe, O_CLOEXEC | O_NONBLOCK));
			w->slots[j].buf = dio_buffer(BLOCK, 0);
			ASSERT_TRUE(w->slots[j].buf != NULL);
		}
	}
	for (int c = 0; c < nctx; c++) {
		reapers[c] = (struct reaper){ .m = &m, .ctx = m.ctx[c] };
		ASSERT_EQ(0, pthread_create(&rea[c], NULL, reap, &reapers[c]));
	}
	for (int i = 0; i < THREADS; i++)
		ASSERT_EQ(0, pthread_create(&sub[i], NULL, submit_loop, &workers[i]));
	for (int i = 0; i < THREADS; i++)
		pthread_join(sub[i], NULL);
	for (int c = 0; c < nctx; c++)
		pthread_join(rea[c], NULL);

	EXPECT_EQ(0, atomic_load(&m.failures)) {
		TH_LOG("%s: %ld failures, the first: %s", b->name, atomic_load(&m.failures),
		       m.first_failure);
	}
	EXPECT_EQ(atomic_load(&m.submitted), atomic_load(&m.completed));
	EXPECT_EQ((long)THREADS * m.ops, atomic_load(&m.submitted));
	for (int c = 0; c < nctx; c++) {
		struct __kernel_timespec zero = { 0, 0 };
		struct io_event ev;

		EXPECT_EQ(0, b->io_getevents(m.ctx[c], 0, 1, &ev, &zero));
	}
	TH_LOG("%s: %ld requests on %d context(s), all accounted for", b->name,
	       atomic_load(&m.completed), nctx);
	for (int i = 0; i < THREADS; i++) {
		close(workers[i].fd);
		for (int j = 0; j < SLOTS; j++) {
			close(workers[i].slots[j].pipe[0]);
			close(workers[i].slots[j].pipe[1]);
			free(workers[i].slots[j].buf);
		}
	}
}

FIXTURE(mixed) {
	struct aio_tracker t;
};

AIO_BACKEND_VARIANTS(mixed);

FIXTURE_SETUP(mixed)
{
	tracker_init(&self->t, variant->backend);
}

FIXTURE_TEARDOWN(mixed)
{
	TRACKER_TEARDOWN_CHECK(&self->t);
}

TEST_F_TIMEOUT(mixed, one_context, 120)
{
	AIO_REQUIRE(variant->backend, AIO_OP_SETUP, AIO_OP_DESTROY, AIO_OP_SUBMIT,
		    AIO_OP_GETEVENTS, AIO_OP_CANCEL);
	run_mixed(_metadata, variant->backend, &self->t, 1);
}

TEST_F_TIMEOUT(mixed, context_per_thread, 120)
{
	AIO_REQUIRE(variant->backend, AIO_OP_SETUP, AIO_OP_DESTROY, AIO_OP_SUBMIT,
		    AIO_OP_GETEVENTS, AIO_OP_CANCEL);
	run_mixed(_metadata, variant->backend, &self->t, THREADS);
}

TEST_HARNESS_MAIN
