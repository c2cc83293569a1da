// SPDX-License-Identifier: GPL-2.0
/*
 * IOCB_CMD_POLL and io_cancel(2), as Linux 6.1's fs/aio.c gives them, on
 * every backend.
 *
 * A poll's aio_buf is a 16-bit POLL* mask (higher bits: EINVAL); aio_offset,
 * aio_nbytes and aio_rw_flags must be 0 (EINVAL).  POLLERR and POLLHUP are
 * always wanted.  A file that is ready completes the poll inside io_submit
 * (res: what it has of the wanted events); a wake-up that names its events
 * completes a waiting poll with those events (res: all the waker named);
 * a file without a poll method reports POLLIN|POLLOUT|POLLRDNORM|POLLWRNORM
 * and, asked for anything else only, cannot wait (EINVAL).  One event per
 * poll: res is the POLL* mask of what was seen.  A pending poll is the one
 * request io_cancel() cancels: EINPROGRESS, result untouched, the event
 * (res 0) through the ring; anything else is EINVAL.  io_destroy and exit
 * cancel pending polls instead of waiting for them.
 */
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#include "aio_selftest.h"
#include "aio_test_util.h"

#define NCB 8

FIXTURE(poll) {
	struct aio_tracker t;
	aio_context_t ctx;
	int pipe[2];
	struct iocb cb[NCB];
	struct iocb *ptrs[NCB];
	struct io_event ev[NCB];
};

AIO_BACKEND_VARIANTS(poll);

FIXTURE_SETUP(poll)
{
	tracker_init(&self->t, variant->backend);
	ASSERT_EQ(0, pipe2(self->pipe, O_CLOEXEC));
	for (int i = 0; i < NCB; i++)
		self->ptrs[i] = &self->cb[i];
}

FIXTURE_TEARDOWN(poll)
{
	TRACKER_TEARDOWN_CHECK(&self->t);
	if (self->pipe[0] >= 0)
		close(self->pipe[0]);
	if (self->pipe[1] >= 0)
		close(self->pipe[1]);
}

#define POLL_BEGIN(...) do {						\
	AIO_REQUIRE(variant->backend, AIO_OP_SETUP, AIO_OP_DESTROY,	\
		    AIO_OP_SUBMIT, AIO_OP_GETEVENTS, ##__VA_ARGS__);	\
	ASSERT_OK(variant->backend->io_setup(NCB, &self->ctx));		\
	track_ctx(&self->t, self->ctx);					\
} while (0)

static void poll_prep(struct iocb *cb, int fd, unsigned long long events, unsigned long long tag)
{
	iocb_prep(cb, IOCB_CMD_POLL, fd, NULL, 0, 0, tag);
	cb->aio_buf = events;
}

/* Nothing in the ring right now. */
static long ring_empty(const struct aio_backend *b, aio_context_t ctx)
{
	struct __kernel_timespec zero = { 0, 0 };
	struct io_event ev;

	return b->io_getevents(ctx, 0, 1, &ev, &zero);
}

TEST_F(poll, fields)
{
	const struct aio_backend *b = variant->backend;
	struct iocb *cb = &self->cb[0];

	POLL_BEGIN();
	/* Events beyond 16 bits, and every field a poll does not use. */
	poll_prep(cb, self->pipe[0], 0x10000 | POLLIN, 1);
	EXPECT_ERRNO(EINVAL, b->io_submit(self->ctx, 1, self->ptrs));
	poll_prep(cb, self->pipe[0], POLLIN, 1);
	cb->aio_offset = 1;
	EXPECT_ERRNO(EINVAL, b->io_submit(self->ctx, 1, self->ptrs));
	poll_prep(cb, self->pipe[0], POLLIN, 1);
	cb->aio_nbytes = 1;
	EXPECT_ERRNO(EINVAL, b->io_submit(self->ctx, 1, self->ptrs));
	poll_prep(cb, self->pipe[0], POLLIN, 1);
	cb->aio_rw_flags = 1;
	EXPECT_ERRNO(EINVAL, b->io_submit(self->ctx, 1, self->ptrs));
	/* A bad fd is EBADF, as for every opcode, and comes before the poll's fields. */
	poll_prep(cb, 1000000, POLLIN, 1);
	EXPECT_ERRNO(EBADF, b->io_submit(self->ctx, 1, self->ptrs));
	poll_prep(cb, 1000000, 0x10000 | POLLIN, 1);
	EXPECT_ERRNO(EBADF, b->io_submit(self->ctx, 1, self->ptrs));
	EXPECT_EQ(0, ring_empty(b, self->ctx));
}

TEST_F(poll, ready_at_once)
{
	const struct aio_backend *b = variant->backend;
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	int reg = tmp_file(4096, 0);

	POLL_BEGIN();
	ASSERT_LE(0, devnull);
	ASSERT_LE(0, reg);
	ASSERT_EQ(1, write(self->pipe[1], "x", 1));
	poll_prep(&self->cb[0], self->pipe[0], POLLIN, 1);		/* data to read */
	poll_prep(&self->cb[1], self->pipe[1], POLLOUT, 2);		/* room to write */
	poll_prep(&self->cb[2], devnull, POLLIN | POLLOUT, 3);		/* no poll method */
	poll_prep(&self->cb[3], reg, POLLIN | POLLOUT | POLLPRI, 4);	/* no poll method either */
	poll_prep(&self->cb[4], self->pipe[0], 0, 5);			/* only ERR|HUP: not ready */
	ASSERT_OK_VAL(5, b->io_submit(self->ctx, 5, self->ptrs));
	ASSERT_EQ(4, reap_events(b, self->ctx, self->ev, 4, 2000));
	for (int i = 0; i < 4; i++) {
		const struct io_event *e = &self->ev[i];
		long want = e->data == 1 ? POLLIN : e->data == 2 ? POLLOUT :
			    e->data == 3 ? (POLLIN | POLLOUT) : (POLLIN | POLLOUT);

		EXPECT_EQ(want, e->res) {
			TH_LOG("%s: poll %llu res %#llx", b->name, (unsigned long long)e->data,
			       (unsigned long long)e->res);
		}
		EXPECT_EQ(0, e->res2);
		EXPECT_EQ(iocb_ptr_value(&self->cb[e->data - 1]), e->obj);
	}
	/* The fifth waits for an error or a hang-up: closing the write end. */
	EXPECT_EQ(0, ring_empty(b, self->ctx));
	close(self->pipe[1]);
	self->pipe[1] = -1;
	ASSERT_EQ(1, reap_events(b, self->ctx, self->ev, 1, 2000));
	EXPECT_EQ(5ull, self->ev[0].data);
	EXPECT_EQ(POLLHUP, self->ev[0].res);
	close(devnull);
	close(reg);
}

/* A file without a poll method cannot wait: asked only for what it never reports. */
TEST_F(poll, no_poll_method_cannot_wait)
{
	const struct aio_backend *b = variant->backend;
	int reg = tmp_file(4096, 0);

	POLL_BEGIN();
	ASSERT_LE(0, reg);
	poll_prep(&self->cb[0], reg, POLLPRI, 1);
	EXPECT_ERRNO(EINVAL, b->io_submit(self->ctx, 1, self->ptrs));
	EXPECT_EQ(0, ring_empty(b, self->ctx));
	close(reg);
}

TEST_F(poll, later_ready_one_shot)
{
	const struct aio_backend *b = variant->backend;
	int sv[2];

	POLL_BEGIN();
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	poll_prep(&self->cb[0], self->pipe[0], POLLIN, 1);
	poll_prep(&self->cb[1], sv[0], POLLIN, 2);
	ASSERT_OK_VAL(2, b->io_submit(self->ctx, 2, self->ptrs));
	msleep(20);
	EXPECT_EQ(0, ring_empty(b, self->ctx));

	/*
	 * Completed from the wake-up: res is what the waker announced, not
	 * only what was asked (a pipe says IN|RDNORM, a socket IN|PRI|RDNORM|RDBAND).
	 */
	ASSERT_EQ(1, write(self->pipe[1], "x", 1));
	ASSERT_EQ(1, reap_events(b, self->ctx, self->ev, 1, 2000));
	EXPECT_EQ(1ull, self->ev[0].data);
	EXPECT_EQ(POLLIN | POLLRDNORM, self->ev[0].res);

	ASSERT_EQ(1, write(sv[1], "y", 1));
	ASSERT_EQ(1, reap_events(b, self->ctx, self->ev, 1, 2000));
	EXPECT_EQ(2ull, self->ev[0].data);
	EXPECT_EQ(POLLIN | POLLPRI | POLLRDNORM | POLLRDBAND, self->ev[0].res);

	/* One shot: more data, no more events. */
	ASSERT_EQ(1, write(self->pipe[1], "x", 1));
	ASSERT_EQ(1, write(sv[1], "y", 1));
	msleep(20);
	EXPECT_EQ(0, ring_empty(b, self->ctx));
	close(sv[0]);
	close(sv[1]);
}

TEST_F(poll, eventfd_timerfd_signalfd)
{
	const struct aio_backend *b = variant->backend;
	int efd = eventfd(0, EFD_CLOEXEC);
	int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	struct itimerspec its = { .it_value = { 0, 20 * 1000 * 1000 } };
	sigset_t mask, old;
	int sfd;

	POLL_BEGIN();
	ASSERT_LE(0, efd);
	ASSERT_LE(0, tfd);
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR2);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &mask, &old));
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	ASSERT_LE(0, sfd);

	/*
	 * A signalfd answers for the task that asks: a completion off the
	 * wake-up asks from a worker, which has no signal pending, so (natively
	 * too) only a signal already pending at submission is seen.
	 */
	ASSERT_EQ(0, kill(getpid(), SIGUSR2));
	poll_prep(&self->cb[0], efd, POLLIN, 1);
	poll_prep(&self->cb[1], tfd, POLLIN, 2);
	poll_prep(&self->cb[2], sfd, POLLIN, 3);	/* the signal is pending */
	poll_prep(&self->cb[3], efd, POLLOUT, 4);	/* an eventfd is writable at once */
	ASSERT_OK_VAL(4, b->io_submit(self->ctx, 4, self->ptrs));
	ASSERT_EQ(2, reap_events(b, self->ctx, self->ev, 2, 2000));
	for (int i = 0; i < 2; i++) {
		EXPECT_EQ(self->ev[i].data == 3 ? POLLIN : POLLOUT, self->ev[i].res);
		EXPECT_TRUE(self->ev[i].data == 3 || self->ev[i].data == 4);
	}

	/* Both wake their waiters with POLLIN. */
	ASSERT_EQ(0, timerfd_settime(tfd, 0, &its, NULL));
	ASSERT_EQ(8, write(efd, &(uint64_t){ 1 }, 8));
	ASSERT_EQ(2, reap_events(b, self->ctx, self->ev, 2, 3000));
	for (int i = 0; i < 2; i++)
		EXPECT_EQ(POLLIN, self->ev[i].res);
	{
		struct signalfd_siginfo si;

		ASSERT_EQ((ssize_t)sizeof(si), read(sfd, &si, sizeof(si)));
	}

	ASSERT_EQ(0, sigprocmask(SIG_SETMASK, &old, NULL));
	close(sfd);
	close(tfd);
	close(efd);
}

TEST_F(poll, resfd_signalled)
{
	const struct aio_backend *b = variant->backend;
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	uint64_t n = 0;

	POLL_BEGIN();
	ASSERT_LE(0, efd);
	poll_prep(&self->cb[0], self->pipe[0], POLLIN, 1);
	self->cb[0].aio_flags = IOCB_FLAG_RESFD;
	self->cb[0].aio_resfd = efd;
	ASSERT_OK_VAL(1, b->io_submit(self->ctx, 1, self->ptrs));
	EXPECT_EQ(-1, read(efd, &n, 8));
	ASSERT_EQ(1, write(self->pipe[1], "x", 1));
	ASSERT_EQ(1, reap_events(b, self->ctx, self->ev, 1, 2000));
	ASSERT_EQ(8, read(efd, &n, 8));
	EXPECT_EQ(1ull, n);
	close(efd);
}

/*
 * An eventfd polled with its own eventfd as RESFD: the poll wakes inside
 * the eventfd's signal, where signalling it again would recurse (the 5.16
 * fix defers that completion).  One event; the counter shows the write and
 * the completion's signal; the kernel log gate catches a recursion WARN.
 */
TEST_F(poll, eventfd_resfd_recursion)
{
	const struct aio_backend *b = variant->backend;
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	uint64_t n = 0;

	POLL_BEGIN();
	ASSERT_LE(0, efd);
	poll_prep(&self->cb[0], efd, POLLIN, 1);
	self->cb[0].aio_flags = IOCB_FLAG_RESFD;
	self->cb[0].aio_resfd = efd;
	ASSERT_OK_VAL(1, b->io_submit(self->ctx, 1, self->ptrs));
	ASSERT_EQ(8, write(efd, &(uint64_t){ 1 }, 8));
	ASSERT_EQ(1, reap_events(b, self->ctx, self->ev, 1, 2000));
	EXPECT_EQ(POLLIN, self->ev[0].res);
	msleep(20);
	ASSERT_EQ(8, read(efd, &n, 8));
	EXPECT_EQ(2ull, n);
	close(efd);
}

TEST_F(poll, cancel)
{
	const struct aio_backend *b = variant->backend;
	struct io_event result;
	int reg = tmp_file(4096, 0);
	char buf[8];

	POLL_BEGIN(AIO_OP_CANCEL);
	ASSERT_LE(0, reg);
	poll_prep(&self->cb[0], self->pipe[0], POLLIN, 1);
	ASSERT_OK_VAL(1, b->io_submit(self->ctx, 1, self->ptrs));

	/* A pending poll: EINPROGRESS, result never written, event res 0. */
	memset(&result, 0xa5, sizeof(result));
	EXPECT_ERRNO(EINPROGRESS, b->io_cancel(self->ctx, &self->cb[0], &result));
	for (size_t i = 0; i < sizeof(result); i++)
		ASSERT_EQ(0xa5, ((unsigned char *)&result)[i]);
	ASSERT_EQ(1, reap_events(b, self->ctx, self->ev, 1, 2000));
	EXPECT_EQ(1ull, self->ev[0].data);
	EXPECT_EQ(0, self->ev[0].res);
	EXPECT_EQ(iocb_ptr_value(&self->cb[0]), self->ev[0].obj);

	/* Cancelled, then completed: nothing left to cancel. */
	EXPECT_ERRNO(EINVAL, b->io_cancel(self->ctx, &self->cb[0], &result));

	/* Completed at once: not cancellable. */
	ASSERT_EQ(1, write(self->pipe[1], "x", 1));
	ASSERT_OK_VAL(1, b->io_submit(self->ctx, 1, self->ptrs));
	ASSERT_EQ(1, reap_events(b, self->ctx, self->ev, 1, 2000));
	EXPECT_ERRNO(EINVAL, b->io_cancel(self->ctx, &self->cb[0], &result));

	/*
	 * Nor is a read (this one, buffered, completed inside io_submit, so
	 * this only shows that a completed read is not found).
	 */
	iocb_prep(&self->cb[1], IOCB_CMD_PREAD, reg, buf, sizeof(buf), 0, 2);
	ASSERT_OK_VAL(1, b->io_submit(self->ctx, 1, &self->ptrs[1]));
	EXPECT_ERRNO(EINVAL, b->io_cancel(self->ctx, &self->cb[1], &result));
	ASSERT_EQ(1, reap_events(b, self->ctx, self->ev, 1, 2000));

	/* A pending poll, cancelled with a wrong key, then a wrong context. */
	ASSERT_EQ(1, read(self->pipe[0], buf, 1));
	poll_prep(&self->cb[2], self->pipe[0], POLLIN, 3);
	ASSERT_OK_VAL(1, b->io_submit(self->ctx, 1, &self->ptrs[2]));
	self->cb[2].aio_key = 1;
	EXPECT_ERRNO(EINVAL, b->io_cancel(self->ctx, &self->cb[2], &result));
	self->cb[2].aio_key = 0;
	EXPECT_ERRNO(EINVAL, b->io_cancel(self->ctx + 4096, &self->cb[2], &result));
	EXPECT_ERRNO(EINPROGRESS, b->io_cancel(self->ctx, &self->cb[2], &result));
	ASSERT_EQ(1, reap_events(b, self->ctx, self->ev, 1, 2000));
	EXPECT_EQ(3ull, self->ev[0].data);
	EXPECT_EQ(0, self->ev[0].res);
	close(reg);
}

/* io_destroy with polls that would never complete: cancelled, not waited for. */
TEST_F(poll, destroy_cancels_pending)
{
	const struct aio_backend *b = variant->backend;
	long long start;

	POLL_BEGIN();
	for (int i = 0; i < NCB; i++)
		poll_prep(&self->cb[i], self->pipe[0], POLLIN, i + 1);
	ASSERT_OK_VAL(NCB, b->io_submit(self->ctx, NCB, self->ptrs));
	start = now_ns();
	ASSERT_OK(b->io_destroy(self->ctx));
	untrack_ctx(&self->t, self->ctx);
	EXPECT_GT(1000, ms_since(start));
}

/*
 * io_destroy while another thread wakes the pending polls: each poll is
 * completed by its wake-up or cancelled by the destroy, never both, and the
 * destroy returns (KASAN and the log gate watch the rest).
 */
struct waker_all {
	int (*pipes)[2];
	int n;
	pthread_barrier_t *go;
};

static void *write_all(void *arg)
{
	struct waker_all *w = arg;

	pthread_barrier_wait(w->go);
	for (int i = 0; i < w->n; i++)
		if (write(w->pipes[i][1], "x", 1) != 1)
			return (void *)1;
	return NULL;
}

TEST_F(poll, destroy_races_wakeups)
{
	const struct aio_backend *b = variant->backend;
	int pipes[NCB][2];
	pthread_barrier_t go;
	char why[128];

	AIO_REQUIRE(b, AIO_OP_SETUP, AIO_OP_DESTROY, AIO_OP_SUBMIT);
	if (!threads_usable(why, sizeof(why)))
		SKIP(return, "%s", why);
	ASSERT_EQ(0, pthread_barrier_init(&go, NULL, 2));
	for (int round = 0; round < 100; round++) {
		struct waker_all w = { .pipes = pipes, .n = NCB, .go = &go };
		aio_context_t ctx = 0;
		pthread_t t;
		void *ret;

		for (int i = 0; i < NCB; i++) {
			ASSERT_EQ(0, pipe2(pipes[i], O_CLOEXEC));
			poll_prep(&self->cb[i], pipes[i][0], POLLIN, i + 1);
		}
		ASSERT_OK(b->io_setup(NCB, &ctx));
		track_ctx(&self->t, ctx);
		ASSERT_OK_VAL(NCB, b->io_submit(ctx, NCB, self->ptrs));
		ASSERT_EQ(0, pthread_create(&t, NULL, write_all, &w));
		pthread_barrier_wait(&go);
		ASSERT_OK(b->io_destroy(ctx));
		untrack_ctx(&self->t, ctx);
		ASSERT_EQ(0, pthread_join(t, &ret));
		ASSERT_TRUE(ret == NULL);
		for (int i = 0; i < NCB; i++) {
			close(pipes[i][0]);
			close(pipes[i][1]);
		}
	}
	pthread_barrier_destroy(&go);
}

/* Exit with polls pending on a pipe nobody writes: the exit does not hang. */
TEST_F(poll, exit_cancels_pending)
{
	const struct aio_backend *b = variant->backend;
	long long start;
	pid_t pid;
	int status;

	AIO_REQUIRE(b, AIO_OP_SETUP, AIO_OP_SUBMIT);
	start = now_ns();
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		aio_context_t ctx = 0;

		if (b->io_setup(NCB, &ctx))
			_exit(1);
		for (int i = 0; i < NCB; i++)
			poll_prep(&self->cb[i], self->pipe[0], POLLIN, i + 1);
		_exit(b->io_submit(ctx, NCB, self->ptrs) == NCB ? 0 : 2);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_GT(2000, ms_since(start));
}

/*
 * CVE-2019-10125's shape: a poll on a pipe while another thread writes to
 * it and closes its write end, released together with the submission and
 * after a spin of a varying length, so that the wake-up lands anywhere
 * from before the file is asked to after the poll waits.  Every poll
 * completes exactly once, with POLLIN (the data is there, whatever else
 * happened).
 */
struct racer {
	int fd[2];
	int spin;
	pthread_barrier_t *go;
};

static void *write_and_close(void *arg)
{
	struct racer *r = arg;

	pthread_barrier_wait(r->go);
	for (volatile int i = 0; i < r->spin; i++)
		;
	if (write(r->fd[1], "x", 1) != 1)
		return (void *)1;
	close(r->fd[1]);
	return NULL;
}

TEST_F(poll, racing_writer_and_closer)
{
	const struct aio_backend *b = variant->backend;
	const char *env = getenv("KAIO_POLL_RACE_ROUNDS");
	const int rounds = env ? atoi(env) : 300;
	pthread_barrier_t go;
	char why[128];

	POLL_BEGIN();
	if (!threads_usable(why, sizeof(why)))
		SKIP(return, "%s", why);
	ASSERT_EQ(0, pthread_barrier_init(&go, NULL, 2));
	for (int round = 0; round < rounds; round++) {
		struct racer r = { .go = &go, .spin = (round * 37) % 2000 };
		pthread_t t;
		void *ret;

		ASSERT_EQ(0, pipe2(r.fd, O_CLOEXEC));
		poll_prep(&self->cb[0], r.fd[0], POLLIN, round + 1);
		ASSERT_EQ(0, pthread_create(&t, NULL, write_and_close, &r));
		pthread_barrier_wait(&go);
		ASSERT_OK_VAL(1, b->io_submit(self->ctx, 1, self->ptrs));
		ASSERT_EQ(0, pthread_join(t, &ret));
		ASSERT_TRUE(ret == NULL);
		close(r.fd[0]);
		ASSERT_EQ(1, reap_events(b, self->ctx, self->ev, 1, 2000));
		ASSERT_EQ((unsigned long long)round + 1, self->ev[0].data);
		ASSERT_TRUE(self->ev[0].res & POLLIN) {
			TH_LOG("round %d: res %#llx", round, (unsigned long long)self->ev[0].res);
		}
	}
	pthread_barrier_destroy(&go);
	EXPECT_EQ(0, ring_empty(b, self->ctx));
	TH_LOG("%s: %d rounds", b->name, rounds);
}

/*
 * POLLFREE (CVE-2021-47505): a signalfd polls on its poller's signal
 * handlers' wait queue.  A child sharing our memory but with its own
 * handlers submits the poll to our context and exits; when it is reaped,
 * its handlers go and their queue is freed under the pending poll, which
 * must complete without a use-after-free (KASAN) or a poll left on the
 * freed queue (wake_up_pollfree() warns).  Completed from that wake-up it
 * says POLLHUP; if the context's cancel lock was busy, the poll is detached
 * and completed as a cancel (res 0).  A thread calling io_cancel in a loop
 * keeps the lock busy, so that both ways are taken over the rounds.
 */
struct pollfree_child {
	const struct aio_backend *b;
	aio_context_t ctx;
	struct iocb *cb;
	long ret;
};

static int pollfree_child_fn(void *arg)
{
	struct pollfree_child *c = arg;
	struct iocb *ptr = c->cb;

	c->ret = c->b->io_submit(c->ctx, 1, &ptr);
	return 0;
}

struct lock_hammer {
	const struct aio_backend *b;
	aio_context_t ctx;
	struct iocb idle;	/* never submitted: io_cancel searches and finds nothing */
	atomic_int stop;
};

static void *hammer_cancel_lock(void *arg)
{
	struct lock_hammer *h = arg;
	struct io_event unused;

	while (!atomic_load(&h->stop))
		h->b->io_cancel(h->ctx, &h->idle, &unused);
	return NULL;
}

TEST_F(poll, pollfree_signalfd)
{
	const struct aio_backend *b = variant->backend;
	static char stack[64 * 1024] __attribute__((aligned(16)));
	const char *env = getenv("KAIO_POLLFREE_ROUNDS");
	const int rounds = env ? atoi(env) : 100;
	struct pollfree_child c = { .b = b };
	struct lock_hammer h = { .b = b };
	bool hammer;
	int hup = 0, cancelled = 0, sfd;
	sigset_t mask;
	pthread_t t;
	char why[128];

	POLL_BEGIN(AIO_OP_CANCEL);
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR2);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	ASSERT_LE(0, sfd);
	c.ctx = h.ctx = self->ctx;
	c.cb = &self->cb[0];
	hammer = threads_usable(why, sizeof(why));
	if (hammer)
		ASSERT_EQ(0, pthread_create(&t, NULL, hammer_cancel_lock, &h));
	for (int round = 0; round < rounds; round++) {
		pid_t pid;

		c.ret = -2;
		poll_prep(&self->cb[0], sfd, POLLIN, round + 1);
		/* Shared memory (and so the context), handlers of its own. */
		pid = clone(pollfree_child_fn, stack + sizeof(stack), CLONE_VM | SIGCHLD, &c);
		ASSERT_LT(0, pid);
		ASSERT_EQ(pid, waitpid(pid, NULL, 0));
		ASSERT_EQ(1, c.ret);
		ASSERT_EQ(1, reap_events(b, self->ctx, self->ev, 1, 3000));
		ASSERT_EQ((unsigned long long)round + 1, self->ev[0].data);
		ASSERT_TRUE(self->ev[0].res == POLLHUP || self->ev[0].res == 0) {
			TH_LOG("%s: res %#llx", b->name, (unsigned long long)self->ev[0].res);
		}
		if (self->ev[0].res)
			hup++;
		else
			cancelled++;
	}
	if (hammer) {
		atomic_store(&h.stop, 1);
		pthread_join(t, NULL);
	}
	EXPECT_EQ(0, ring_empty(b, self->ctx));
	TH_LOG("%s: %d rounds: %d completed by the freeing wake-up, %d detached and cancelled%s",
	       b->name, rounds, hup, cancelled, hammer ? "" : " (no lock hammer: no threads)");
	close(sfd);
}

/*
 * libaio's pgetevents-with-a-signal shape: a thread waits in io_pgetevents
 * with a mask that lets SIGUSR1 in, for a poll on a pipe; another thread
 * writes to the pipe and sends the signal.  The handler runs exactly once
 * (in the wait, or once the thread's mask lets the signal in) and the
 * poll's event is neither lost nor doubled: returned by the wait, or (if
 * the signal ended it first, EINTR) left in the ring.
 */
static volatile sig_atomic_t usr1_handled;

static void on_usr1(int sig)
{
	usr1_handled++;
}

struct waker {
	int fd;
	pthread_t target;
	pthread_barrier_t *go;
};

static void *write_and_signal(void *arg)
{
	struct waker *w = arg;

	pthread_barrier_wait(w->go);
	msleep(10);
	if (write(w->fd, "x", 1) != 1)
		return (void *)1;
	pthread_kill(w->target, SIGUSR1);
	return NULL;
}

TEST_F(poll, pgetevents_signal_and_poll)
{
	const struct aio_backend *b = variant->backend;
	struct sigaction sa = { .sa_handler = on_usr1 }, old_sa;
	sigset_t block, wait_mask, old;
	struct kaio_sigset usig = { .sigmask = &wait_mask, .sigsetsize = AIO_KERNEL_SIGSET_SIZE };
	struct __kernel_timespec ts = ts_ms(3000);
	pthread_barrier_t go;
	struct waker w;
	pthread_t t;
	long got, more = 0;
	char why[128];

	POLL_BEGIN(AIO_OP_PGETEVENTS);
	if (!threads_usable(why, sizeof(why)))
		SKIP(return, "%s", why);
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, &old_sa));
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	ASSERT_EQ(0, pthread_sigmask(SIG_BLOCK, &block, &old));
	sigemptyset(&wait_mask);
	usr1_handled = 0;

	poll_prep(&self->cb[0], self->pipe[0], POLLIN, 9);
	ASSERT_OK_VAL(1, b->io_submit(self->ctx, 1, self->ptrs));
	ASSERT_EQ(0, pthread_barrier_init(&go, NULL, 2));
	w = (struct waker){ .fd = self->pipe[1], .target = pthread_self(), .go = &go };
	ASSERT_EQ(0, pthread_create(&t, NULL, write_and_signal, &w));
	pthread_barrier_wait(&go);
	got = b->io_pgetevents(self->ctx, 1, 1, self->ev, &ts, &usig);
	if (got < 0)
		ASSERT_EQ(EINTR, errno);
	ASSERT_EQ(0, pthread_join(t, NULL));
	if (got <= 0)
		more = reap_events(b, self->ctx, self->ev, 1, 2000);
	EXPECT_EQ(1, (got > 0 ? got : 0) + more);
	EXPECT_EQ(9ull, self->ev[0].data);
	EXPECT_TRUE(self->ev[0].res & POLLIN);
	EXPECT_EQ(0, ring_empty(b, self->ctx));
	pthread_barrier_destroy(&go);
	/*
	 * A signal that came during the wait ran the handler then; one that
	 * came after the event ended it stayed pending under the thread's own
	 * mask and runs now.  Never lost, never twice.
	 */
	ASSERT_EQ(0, pthread_sigmask(SIG_SETMASK, &old, NULL));
	EXPECT_EQ(1, usr1_handled) {
		TH_LOG("%s: pgetevents gave %ld", b->name, got);
	}
	ASSERT_EQ(0, sigaction(SIGUSR1, &old_sa, NULL));
}

TEST_HARNESS_MAIN
