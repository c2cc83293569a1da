// SPDX-License-Identifier: GPL-2.0
/*
 * Races from fs/aio.c's history (RELIABILITY.md, "Races"), each
 * run for many rounds on every backend:
 *
 *   destroy_vs_users        io_destroy while other threads submit, reap and
 *                           cancel on the same context (baf10564fbb6)
 *   exit_vs_irq_completion  a process exits while its reads complete from
 *                           null_blk's timer interrupt (exit_aio draining)
 *   mremap_vs_destroy       the ring moves (mremap) while another thread
 *                           destroys the context (e4a0d3e720e7, CVE-2023-52646)
 *   poll_wake_vs_cancel     a poll is woken by a write while io_cancel runs
 *                           (CVE-2019-10125)
 *   user_reap_vs_refill     one thread reaps from the ring in userspace while
 *                           another refills the freed slots (f8567a3845ac)
 *
 * Migration against completions (move_pages, compaction) is migrate_test's,
 * POLLFREE is poll_test's pollfree_signalfd and double destroy is
 * lifetime_test's concurrent_destroy.
 *
 * Every round checks what can be checked exactly: each call returns a
 * result native gives at that point of the race, every event that must
 * arrive arrives once, and fs.aio-nr returns to its baseline.  Memory
 * errors show up as reports in the debug kernel's log, which fail the run.
 * KAIO_RACE_ROUNDS sets the number of rounds (default 30, what make check
 * runs; `make races ROUNDS=n` runs more).
 */
#include <poll.h>
#include <pthread.h>
#include <sys/mman.h>

#include "aio_selftest.h"
#include "aio_test_util.h"

/* make races runs thousands of rounds: far beyond the harness's 30 s default. */
#define RACE_TIMEOUT 7200

FIXTURE(race) {
	struct aio_tracker t;
	struct nullb_dev nb;
	int rounds;
};

AIO_BACKEND_VARIANTS(race);

FIXTURE_SETUP(race)
{
	const char *env = getenv("KAIO_RACE_ROUNDS");

	tracker_init(&self->t, variant->backend);
	self->rounds = env ? atoi(env) : 30;
	if (self->rounds < 1)
		self->rounds = 1;
}

FIXTURE_TEARDOWN(race)
{
	TRACKER_TEARDOWN_CHECK(&self->t);
	nullb_remove(&self->nb);
}

#define RACE_BEGIN() do {						\
	AIO_REQUIRE(variant->backend, AIO_OP_SETUP, AIO_OP_DESTROY,	\
		    AIO_OP_SUBMIT, AIO_OP_CANCEL, AIO_OP_GETEVENTS);	\
} while (0)

/* A small pseudo-random number for jitter: xorshift on @state. */
static unsigned int jitter(unsigned int *state)
{
	unsigned int x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

/* Spin for a few microseconds at most: shifts the threads against each other. */
static void spin(unsigned int n)
{
	for (volatile unsigned int i = 0; i < n; i++)
		;
}

/* ------------------------------------------------------------------ */

enum user_kind { USER_SUBMIT, USER_REAP, USER_CANCEL, NR_USERS };

struct user {
	const struct aio_backend *b;
	aio_context_t ctx;
	enum user_kind kind;
	int file, pipe_rd;
	pthread_barrier_t *start;
	struct iocb cb[8];	/* a submitter's iocbs: their addresses are the requests' keys */
	struct iocb *targets;	/* a canceller's: its submitter's cb[] */
	long calls;
	long bad_ret;		/* the first result outside the allowed set, or 0 */
	int bad_err;
	char buf[8][16];
};

/* Until the context is gone (EINVAL): submit, reap or cancel on it. */
static void *user_main(void *arg)
{
	struct user *u = arg;
	struct iocb *cb = u->cb, *p[8];
	struct io_event ev[8];
	unsigned int pick = 1;
	long r;

	pthread_barrier_wait(u->start);
	for (;;) {
		struct __kernel_timespec ts = { 0, 200000 };

		u->calls++;
		switch (u->kind) {
		case USER_SUBMIT:
			for (int i = 0; i < 8; i++) {
				if (i & 1) {
					iocb_prep(&cb[i], IOCB_CMD_POLL, u->pipe_rd, NULL, 0, 0, i);
					cb[i].aio_buf = POLLIN;
				} else {
					iocb_prep(&cb[i], IOCB_CMD_PREAD, u->file, u->buf[i], 16, 0, i);
				}
				p[i] = &cb[i];
			}
			r = u->b->io_submit(u->ctx, 8, p);
			/* Full: the reaper frees slots.  */
			if (r >= 0 || errno == EAGAIN)
				continue;
			break;
		case USER_REAP:
			r = u->b->io_getevents(u->ctx, 0, 8, ev, &ts);
			if (r >= 0)
				continue;
			break;
		default:
			/*
			 * The polls never complete on their own: cancel one
			 * the submitter may have in flight.
			 */
			pick = (pick + 2) % 8;
			r = u->b->io_cancel(u->ctx, &u->targets[pick], ev);
			/* Not in flight (EINVAL on a live ctx): try again. */
			if (r == -1 && errno == EINVAL) {
				if (u->b->io_getevents(u->ctx, 0, 0, ev, &ts) == 0)
					continue;
				r = -1;
				errno = EINVAL;
			}
			if (r == 0 || errno == EINPROGRESS)
				continue;
			break;
		}
		if (errno != EINVAL) {
			u->bad_ret = r;
			u->bad_err = errno;
		}
		return NULL;
	}
}

TEST_F_TIMEOUT(race, destroy_vs_users, RACE_TIMEOUT)
{
	const struct aio_backend *b = variant->backend;
	int file = tmp_file(4096, 0), pipefd[2];
	unsigned int seed = 0x2545f491;
	long calls = 0;

	RACE_BEGIN();
	THREADS_OR_SKIP();
	ASSERT_LE(0, file);
	ASSERT_OK(pipe2(pipefd, O_CLOEXEC));
	for (int round = 0; round < self->rounds; round++) {
		struct user u[NR_USERS * 2];
		pthread_t th[NR_USERS * 2];
		pthread_barrier_t start;
		aio_context_t ctx = 0;

		ASSERT_OK(b->io_setup(32, &ctx));
		track_ctx(&self->t, ctx);
		ASSERT_OK(pthread_barrier_init(&start, NULL, NR_USERS * 2 + 1));
		for (int i = 0; i < NR_USERS * 2; i++) {
			u[i] = (struct user){ .b = b, .ctx = ctx, .kind = i % NR_USERS,
					      .file = file, .pipe_rd = pipefd[0], .start = &start };
			u[i].targets = u[i - i % NR_USERS].cb;
		}
		for (int i = 0; i < NR_USERS * 2; i++) {
			ASSERT_OK(pthread_create(&th[i], NULL, user_main, &u[i]));
		}
		pthread_barrier_wait(&start);
		spin(jitter(&seed) % 200000);
		ASSERT_OK(b->io_destroy(ctx));
		untrack_ctx(&self->t, ctx);
		for (int i = 0; i < NR_USERS * 2; i++) {
			ASSERT_OK(pthread_join(th[i], NULL));
			calls += u[i].calls;
			ASSERT_EQ(0, u[i].bad_ret) {
				TH_LOG("round %d, user %d: %ld (%s) racing io_destroy", round, i,
				       u[i].bad_ret, strerrorname_np(u[i].bad_err) ?: "?");
			}
		}
		pthread_barrier_destroy(&start);
		/* Gone for good: the id is refused, the ring unmapped. */
		ASSERT_EQ(-1, b->io_destroy(ctx));
		ASSERT_EQ(EINVAL, errno);
	}
	TH_LOG("%s: %d rounds, %ld calls raced io_destroy", b->name, self->rounds, calls);
	close(file);
	close(pipefd[0]);
	close(pipefd[1]);
}

/* ------------------------------------------------------------------ */

TEST_F_TIMEOUT(race, exit_vs_irq_completion, RACE_TIMEOUT)
{
	const struct aio_backend *b = variant->backend;
	struct nullb_params np = { .size_mb = 16, .blocksize = 4096, .memory_backed = true,
				   .completion_nsec = 50000 };
	unsigned int seed = 0x9e3779b9;
	char why[200];

	RACE_BEGIN();
	if (nullb_create(&self->nb, &np, why, sizeof(why)))
		SKIP(return, "%s", why);
	for (int round = 0; round < self->rounds; round++) {
		unsigned int delay = jitter(&seed) % 300000;
		unsigned long now = 0;
		pid_t pid = fork();
		int status;

		ASSERT_LE(0, pid);
		if (pid == 0) {
			enum { N = 16 };
			unsigned char *buf = dio_buffer(N * 4096, 0);
			int fd = open(self->nb.path, O_RDWR | O_DIRECT | O_CLOEXEC);
			struct iocb cb[N], *p[N];
			aio_context_t ctx = 0;

			if (!buf || fd < 0 || b->io_setup(N, &ctx))
				_exit(1);
			for (int i = 0; i < N; i++) {
				iocb_prep(&cb[i], i & 1 ? IOCB_CMD_PWRITE : IOCB_CMD_PREAD, fd,
					  buf + i * 4096, 4096, (long long)i * 4096, i);
				p[i] = &cb[i];
			}
			if (b->io_submit(ctx, N, p) != N)
				_exit(2);
			/* Exit as the timer completes them: before, during or after. */
			spin(delay);
			_exit(0);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			TH_LOG("round %d: child status 0x%x", round, status);
		}
		if (!self->t.have_nr)
			continue;
		for (int i = 0; i < 500 && !nr_at_baseline(&self->t, &now); i++)
			msleep(10);
		ASSERT_EQ(self->t.nr_before, now) {
			TH_LOG("round %d: aio-nr %lu after the exit, %lu before", round, now,
			       self->t.nr_before);
		}
	}
}

/* ------------------------------------------------------------------ */

struct mover {
	aio_context_t ctx;
	size_t len;
	void *spare;		/* a reserved range the ring moves into and back */
	pthread_barrier_t *start;
	volatile aio_context_t current;
	volatile int stop;
	long moves;
	int bad_err;
};

/* Move the ring between its place and the spare range until told to stop or it is gone. */
static void *mover_main(void *arg)
{
	struct mover *m = arg;
	void *at = (void *)(uintptr_t)m->ctx, *other = m->spare;

	pthread_barrier_wait(m->start);
	while (!m->stop) {
		void *r = mremap(at, m->len, m->len, MREMAP_MAYMOVE | MREMAP_FIXED, other);

		if (r == MAP_FAILED) {
			/* Destroyed (unmapped): EFAULT, nothing there any more. */
			if (errno != EFAULT && errno != EINVAL)
				m->bad_err = errno;
			break;
		}
		m->moves++;
		m->current = (aio_context_t)(uintptr_t)r;
		other = at;
		at = r;
	}
	return NULL;
}

TEST_F_TIMEOUT(race, mremap_vs_destroy, RACE_TIMEOUT)
{
	const struct aio_backend *b = variant->backend;
	unsigned int seed = 0x1234567;
	long moves = 0, stale = 0;

	RACE_BEGIN();
	THREADS_OR_SKIP();
	for (int round = 0; round < self->rounds; round++) {
		aio_context_t ctx = 0;
		struct mapping_info mi;
		pthread_barrier_t start;
		struct mover m;
		pthread_t th;
		int destroyed = 0;

		ASSERT_OK(b->io_setup(64, &ctx));
		track_ctx(&self->t, ctx);
		ASSERT_OK(find_mapping((void *)(uintptr_t)ctx, &mi));
		m = (struct mover){ .ctx = ctx, .len = mi.end - mi.start, .current = ctx };
		m.spare = mmap(NULL, m.len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT_TRUE(m.spare != MAP_FAILED);
		m.start = &start;
		ASSERT_OK(pthread_barrier_init(&start, NULL, 2));
		ASSERT_OK(pthread_create(&th, NULL, mover_main, &m));
		pthread_barrier_wait(&start);
		spin(jitter(&seed) % 100000);
		/*
		 * The id is the ring's address: a destroy racing a move may
		 * name the old place (EINVAL), or win (0).  A few tries race
		 * the mover; then it stops, and the id it left must work.
		 */
		for (int tries = 0; tries < 10 && !destroyed; tries++) {
			if (b->io_destroy(m.current) == 0) {
				destroyed = 1;
				break;
			}
			ASSERT_EQ(EINVAL, errno);
			stale++;
		}
		m.stop = 1;
		ASSERT_OK(pthread_join(th, NULL));
		pthread_barrier_destroy(&start);
		if (!destroyed) {
			ASSERT_EQ(0, b->io_destroy(m.current)) {
				TH_LOG("round %d: the ring's last place %#lx is not its id (%s)", round,
				       (unsigned long)m.current, strerrorname_np(errno) ?: "?");
			}
		}
		untrack_ctx(&self->t, ctx);
		ASSERT_EQ(0, m.bad_err) {
			TH_LOG("round %d: mremap failed with %s", round,
			       strerrorname_np(m.bad_err) ?: "?");
		}
		/* The ring is gone from wherever it was last. */
		ASSERT_FALSE(find_mapping((void *)(uintptr_t)m.current, &mi) == 0 &&
			     strstr(mi.path, "aio")) {
			TH_LOG("round %d: a ring is still mapped at %#lx", round,
			       (unsigned long)m.current);
		}
		moves += m.moves;
		/* Neither place holds a ring any more. */
		munmap(m.spare, m.len);
		munmap((void *)(uintptr_t)ctx, m.len);
	}
	TH_LOG("%s: %d rounds, %ld moves, %ld destroys named a stale id", b->name, self->rounds,
	       moves, stale);
}

/* ------------------------------------------------------------------ */

struct waker {
	int fd;
	pthread_barrier_t *start;
	unsigned int delay;
};

static void *waker_main(void *arg)
{
	struct waker *w = arg;

	pthread_barrier_wait(w->start);
	spin(w->delay);
	if (write(w->fd, "w", 1) != 1)
		return (void *)1;
	return NULL;
}

TEST_F_TIMEOUT(race, poll_wake_vs_cancel, RACE_TIMEOUT)
{
	const struct aio_backend *b = variant->backend;
	unsigned int seed = 0xdeadbeef;
	int cancelled = 0, woken = 0;
	aio_context_t ctx = 0;

	RACE_BEGIN();
	THREADS_OR_SKIP();
	ASSERT_OK(b->io_setup(8, &ctx));
	track_ctx(&self->t, ctx);
	for (int round = 0; round < self->rounds; round++) {
		struct iocb cb, *p = &cb;
		struct io_event ev[2], res;
		pthread_barrier_t start;
		struct waker w;
		pthread_t th;
		void *thret;
		int pipefd[2];
		char c;
		long r;

		ASSERT_OK(pipe2(pipefd, O_CLOEXEC | O_NONBLOCK));
		iocb_prep(&cb, IOCB_CMD_POLL, pipefd[0], NULL, 0, 0, round);
		cb.aio_buf = POLLIN;
		ASSERT_OK_VAL(1, b->io_submit(ctx, 1, &p));
		ASSERT_OK(pthread_barrier_init(&start, NULL, 2));
		w = (struct waker){ .fd = pipefd[1], .start = &start,
				    .delay = jitter(&seed) % 20000 };
		ASSERT_OK(pthread_create(&th, NULL, waker_main, &w));
		pthread_barrier_wait(&start);
		spin(jitter(&seed) % 20000);
		r = b->io_cancel(ctx, &cb, &res);
		/* Cancelled in time (EINPROGRESS), or already completed and gone (EINVAL). */
		ASSERT_EQ(-1, r);
		ASSERT_TRUE(errno == EINPROGRESS || errno == EINVAL) {
			TH_LOG("round %d: io_cancel: %s", round, strerrorname_np(errno) ?: "?");
		}
		ASSERT_OK(pthread_join(th, &thret));
		ASSERT_TRUE(thret == NULL);
		pthread_barrier_destroy(&start);
		/* Exactly one event, either way. */
		ASSERT_EQ(1, reap_events(b, ctx, ev, 1, 5000));
		ASSERT_EQ((__u64)round, ev[0].data);
		ASSERT_EQ((__u64)(uintptr_t)&cb, ev[0].obj);
		if (ev[0].res == 0) {
			cancelled++;
		} else {
			ASSERT_TRUE(ev[0].res & POLLIN) {
				TH_LOG("round %d: poll result %#llx", round,
				       (unsigned long long)ev[0].res);
			}
			woken++;
		}
		{
			struct __kernel_timespec zero = { 0, 0 };

			ASSERT_EQ(0, b->io_getevents(ctx, 0, 2, ev, &zero));
		}
		ASSERT_EQ(1, read(pipefd[0], &c, 1));
		close(pipefd[0]);
		close(pipefd[1]);
	}
	TH_LOG("%s: %d rounds, %d cancelled, %d woken first", b->name, self->rounds, cancelled,
	       woken);
}

/* ------------------------------------------------------------------ */

struct reaper {
	aio_context_t ctx;
	long want;
	long got;
	long dup;
	unsigned char *seen;
};

/* Reap from the ring in userspace until @want events came, or a minute passes with none. */
static void *reaper_main(void *arg)
{
	struct reaper *r = arg;
	struct kaio_ring *ring = aio_ring_of(r->ctx);
	long long idle_since = now_ns(), waiting_since = now_ns();
	unsigned int last_queued = 0;

	while (r->got < r->want) {
		struct io_event ev[128];
		unsigned int n, nr = ring->nr;
		unsigned int queued = (ring_load(&ring->tail) + nr - ring_load(&ring->head)) % nr;

		/*
		 * Let the ring fill until the submitter stops (it found no free
		 * slot, or it is done) before each pass: then only the slots
		 * this thread frees in userspace can let it go on.
		 */
		if (queued != last_queued) {
			last_queued = queued;
			waiting_since = now_ns();
		}
		if (ms_since(waiting_since) < 3) {
			msleep(1);
			continue;
		}
		waiting_since = now_ns();
		n = ring_user_reap(r->ctx, ev, 128);
		if (!n) {
			if (ms_since(idle_since) > 60000)
				break;
			continue;
		}
		idle_since = now_ns();
		for (unsigned int i = 0; i < n; i++) {
			unsigned long long tag = ev[i].data;

			if (tag >= (unsigned long long)r->want || r->seen[tag]++)
				r->dup++;
		}
		r->got += n;
	}
	return NULL;
}

TEST_F_TIMEOUT(race, user_reap_vs_refill, RACE_TIMEOUT)
{
	const struct aio_backend *b = variant->backend;
	/* At least a few times what the ring holds, so that it fills. */
	long total = self->rounds * 50L < 1000 ? 1000 : self->rounds * 50L;
	long submitted = 0, eagain = 0;
	int file = tmp_file(4096, 0);
	struct reaper r = { .want = total };
	long long idle_since;
	aio_context_t ctx = 0;
	pthread_t th;
	char sink[8];

	RACE_BEGIN();
	THREADS_OR_SKIP();
	ASSERT_LE(0, file);
	r.seen = calloc((size_t)total, 1);
	ASSERT_TRUE(r.seen != NULL);
	ASSERT_OK(b->io_setup(16, &ctx));
	track_ctx(&self->t, ctx);
	r.ctx = ctx;
	ASSERT_OK(pthread_create(&th, NULL, reaper_main, &r));
	/* Keep the ring full: every slot the reaper frees is taken again. */
	idle_since = now_ns();
	while (submitted < total) {
		struct iocb cb[4], *p[4];
		int n = total - submitted < 4 ? (int)(total - submitted) : 4;
		long got;

		for (int i = 0; i < n; i++) {
			iocb_prep(&cb[i], IOCB_CMD_PREAD, file, sink, 8, 0,
				  (unsigned long long)(submitted + i));
			p[i] = &cb[i];
		}
		got = b->io_submit(ctx, n, p);
		if (got < 0) {
			ASSERT_EQ(EAGAIN, errno);
			eagain++;
			/*
			 * Slots freed by the reaper must come back: a minute
			 * of EAGAIN is starvation (a hang guard, not a time
			 * measurement).
			 */
			ASSERT_GT(60000, ms_since(idle_since)) {
				TH_LOG("EAGAIN for 60 s with %ld of %ld submitted, %ld reaped",
				       submitted, total, r.got);
			}
			sched_yield();
			continue;
		}
		idle_since = now_ns();
		submitted += got;
	}
	ASSERT_OK(pthread_join(th, NULL));
	ASSERT_EQ(total, r.got);
	ASSERT_EQ(0, r.dup);
	/* The refill path ran: the submitter found the ring full. */
	ASSERT_LT(0, eagain);
	TH_LOG("%s: %ld reads through a 16-event ring, %ld EAGAINs on the way", b->name, total,
	       eagain);
	free(r.seen);
	close(file);
}

TEST_HARNESS_MAIN
