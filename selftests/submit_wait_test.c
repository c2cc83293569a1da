// SPDX-License-Identifier: GPL-2.0
/*
 * KAIO_IOC_SUBMIT_WAIT: io_submit() then io_getevents() in one ioctl.
 *
 * Not a system call, so the oracle is its definition (uapi/linux/kaio.h):
 * the native variant runs the same sequence with the two system calls
 * (checking the wait's arguments first, as the ioctl does), and both
 * variants must give the same results.  The kaio variant is the ioctl.
 */
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>

#include "aio_selftest.h"
#include "aio_test_util.h"

#define PTR(p) ((__u64)(uintptr_t)(p))

/* submitted as -1 until the call says otherwise: tells "not written" apart. */
static long submit_wait(const struct aio_backend *b, struct kaio_submit_wait_args *a)
{
	if (b == &aio_backend_kaio)
		return ioctl(kaio_device_fd(), KAIO_IOC_SUBMIT_WAIT, a);

	/* The definition, with the system calls. */
	struct __kernel_timespec ts;
	long n;

	a->submitted = 0;
	if (a->nr < 0 || a->min_nr < 0 || a->min_nr > a->nr_events) {
		errno = EINVAL;
		return -1;
	}
	if (a->timeout) {
		/* The kernel reads it before the lookup: EFAULT first. */
		memcpy(&ts, (void *)(uintptr_t)a->timeout, sizeof(ts));
	}
	n = native_io_submit(a->ctx, (long)a->nr, (struct iocb **)(uintptr_t)a->iocbpp);
	if (n < 0)
		return -1;
	a->submitted = n;
	if (n < a->nr || a->nr_events == 0)
		return 0;
	return native_io_getevents(a->ctx, (long)a->min_nr, (long)a->nr_events,
				   (struct io_event *)(uintptr_t)a->events,
				   a->timeout ? &ts : NULL);
}

FIXTURE(sw) {
	struct aio_tracker t;
	aio_context_t ctx;
	int fd;
	int pipe[2];
	char sink[8][16];
	struct iocb cb[8];
	struct iocb *ptrs[8];
	struct io_event ev[16];
};

AIO_BACKEND_VARIANTS(sw);

FIXTURE_SETUP(sw)
{
	tracker_init(&self->t, variant->backend);
	self->fd = tmp_file(4096, 0);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, pipe2(self->pipe, O_CLOEXEC));
	for (int i = 0; i < 8; i++) {
		iocb_prep(&self->cb[i], IOCB_CMD_PREAD, self->fd, self->sink[i], 16, 0, i + 1);
		self->ptrs[i] = &self->cb[i];
	}
}

FIXTURE_TEARDOWN(sw)
{
	TRACKER_TEARDOWN_CHECK(&self->t);
	close(self->fd);
	close(self->pipe[0]);
	close(self->pipe[1]);
}

#define SW_BEGIN() do {							\
	const struct aio_backend *b_ = variant->backend;		\
	struct kaio_version v_;						\
	AIO_REQUIRE(b_, AIO_OP_SETUP, AIO_OP_DESTROY, AIO_OP_SUBMIT,	\
		    AIO_OP_GETEVENTS);					\
	ASSERT_EQ(0, kaio_get_version(&v_));				\
	if (!(v_.features & KAIO_FEAT_SUBMIT_WAIT))			\
		SKIP(return, "the module has no KAIO_FEAT_SUBMIT_WAIT");\
	ASSERT_OK(b_->io_setup(8, &self->ctx));				\
	track_ctx(&self->t, self->ctx);					\
} while (0)

static struct kaio_submit_wait_args args(aio_context_t ctx, long nr, struct iocb **ptrs,
					 long min_nr, long nr_events, struct io_event *ev,
					 const struct __kernel_timespec *ts)
{
	struct kaio_submit_wait_args a = {
		.ctx = ctx, .nr = nr, .iocbpp = PTR(ptrs), .min_nr = min_nr,
		.nr_events = nr_events, .events = PTR(ev), .timeout = PTR(ts),
		.submitted = -1,
	};
	return a;
}

/* Events in the ring without a reap: the ring's tail minus its head. */
static unsigned int ring_pending(aio_context_t ctx)
{
	struct kaio_ring *r = aio_ring_of(ctx);
	unsigned int head = ring_load(&r->head), tail = ring_load(&r->tail);

	return (tail + r->nr - head) % r->nr;
}

/* One and eight reads, submitted and reaped in one call each. */
TEST_F(sw, submit_and_reap)
{
	const struct aio_backend *b = variant->backend;
	struct kaio_submit_wait_args a;

	SW_BEGIN();
	a = args(self->ctx, 1, self->ptrs, 1, 1, self->ev, NULL);
	ASSERT_EQ(1, submit_wait(b, &a));
	EXPECT_EQ(1, a.submitted);
	EXPECT_EQ(PTR(&self->cb[0]), self->ev[0].obj);
	EXPECT_EQ(1u, self->ev[0].data);
	EXPECT_EQ(16, self->ev[0].res);

	a = args(self->ctx, 8, self->ptrs, 8, 16, self->ev, NULL);
	ASSERT_EQ(8, submit_wait(b, &a));
	EXPECT_EQ(8, a.submitted);
	for (int i = 0; i < 8; i++) {
		EXPECT_EQ(16, self->ev[i].res);
		EXPECT_EQ(self->ev[i].obj, PTR(self->ptrs[self->ev[i].data - 1]));
	}
	EXPECT_EQ(0u, ring_pending(self->ctx));
}

/* min_nr 0 takes what is there; nr_events 0 does not wait or read. */
TEST_F(sw, no_wait)
{
	const struct aio_backend *b = variant->backend;
	struct kaio_submit_wait_args a;

	SW_BEGIN();
	a = args(self->ctx, 2, self->ptrs, 0, 0, self->ev, NULL);
	ASSERT_EQ(0, submit_wait(b, &a));
	EXPECT_EQ(2, a.submitted);
	EXPECT_EQ(2u, ring_pending(self->ctx));

	a = args(self->ctx, 1, self->ptrs + 2, 0, 8, self->ev, NULL);
	ASSERT_EQ(3, submit_wait(b, &a));
	EXPECT_EQ(1, a.submitted);
	EXPECT_EQ(0u, ring_pending(self->ctx));
}

/* The wait's arguments are checked before anything is submitted. */
TEST_F(sw, bad_wait_args_submit_nothing)
{
	const struct aio_backend *b = variant->backend;
	struct kaio_submit_wait_args a;
	void *guard = guard_page();

	SW_BEGIN();
	ASSERT_TRUE(guard != NULL);
	a = args(self->ctx, 1, self->ptrs, 2, 1, self->ev, NULL);
	EXPECT_ERRNO(EINVAL, submit_wait(b, &a));
	EXPECT_EQ(0, a.submitted);
	a = args(self->ctx, 1, self->ptrs, -1, 1, self->ev, NULL);
	EXPECT_ERRNO(EINVAL, submit_wait(b, &a));
	a = args(self->ctx, -1, self->ptrs, 0, 1, self->ev, NULL);
	EXPECT_ERRNO(EINVAL, submit_wait(b, &a));
	if (b == &aio_backend_kaio) {
		/* (The native sequence would fault reading it in the test itself.) */
		a = args(self->ctx, 1, self->ptrs, 1, 1, self->ev, guard);
		EXPECT_ERRNO(EFAULT, submit_wait(b, &a));
		EXPECT_EQ(0, a.submitted);
	}
	EXPECT_EQ(0u, ring_pending(self->ctx));
	/* Nothing went in: no event comes. */
	struct __kernel_timespec zero = { 0, 0 };
	EXPECT_EQ(0, b->io_getevents(self->ctx, 0, 8, self->ev, &zero));
}

/* The submission's own errors and short counts. */
TEST_F(sw, submit_errors)
{
	const struct aio_backend *b = variant->backend;
	struct kaio_submit_wait_args a;
	struct iocb bad;

	SW_BEGIN();
	iocb_prep(&bad, IOCB_CMD_PREAD, -1, self->sink[0], 16, 0, 99);

	/* The first iocb fails: its error, nothing submitted, no wait. */
	struct iocb *first_bad[2] = { &bad, &self->cb[0] };
	a = args(self->ctx, 2, first_bad, 1, 1, self->ev, NULL);
	EXPECT_ERRNO(EBADF, submit_wait(b, &a));
	EXPECT_EQ(0, a.submitted);

	/* The second fails: one submitted, and no wait (it may never come). */
	struct iocb *second_bad[2] = { &self->cb[0], &bad };
	a = args(self->ctx, 2, second_bad, 2, 2, self->ev, NULL);
	EXPECT_EQ(0, submit_wait(b, &a));
	EXPECT_EQ(1, a.submitted);
	EXPECT_EQ(1u, ring_pending(self->ctx));

	/* A context that is not one: EINVAL. */
	a = args(self->ctx + 4096, 1, self->ptrs, 1, 1, self->ev, NULL);
	EXPECT_ERRNO(EINVAL, submit_wait(b, &a));
	EXPECT_EQ(0, a.submitted);
}

/* A wait that times out returns what it has (0), the iocbs stay in. */
TEST_F(sw, timeout)
{
	const struct aio_backend *b = variant->backend;
	struct __kernel_timespec ts = ts_ms(100);
	struct kaio_submit_wait_args a;
	struct iocb poll_cb;
	struct iocb *ptr = &poll_cb;
	long long start;

	SW_BEGIN();
	iocb_prep(&poll_cb, IOCB_CMD_POLL, self->pipe[0], NULL, 0, 0, 7);
	poll_cb.aio_buf = POLLIN;
	start = now_ns();
	a = args(self->ctx, 1, &ptr, 1, 1, self->ev, &ts);
	EXPECT_EQ(0, submit_wait(b, &a));
	EXPECT_EQ(1, a.submitted);
	EXPECT_LE(90, ms_since(start));

	/* The poll is pending: a byte in the pipe completes it. */
	ASSERT_EQ(1, write(self->pipe[1], "x", 1));
	ts = ts_ms(5000);
	ASSERT_EQ(1, b->io_getevents(self->ctx, 1, 1, self->ev, &ts));
	EXPECT_EQ(7u, self->ev[0].data);
	EXPECT_EQ(POLLIN | POLLRDNORM, self->ev[0].res);
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* A signal ends a wait that read nothing: EINTR, submitted says 1; not restarted. */
TEST_F(sw, eintr)
{
	const struct aio_backend *b = variant->backend;
	const int flags[] = { 0, SA_RESTART };
	struct iocb poll_cb[2];

	SW_BEGIN();
	for (int f = 0; f < 2; f++) {
		struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = flags[f] };
		struct itimerval it = { .it_value = { 0, 100000 } };
		struct kaio_submit_wait_args a;
		struct iocb *ptr = &poll_cb[f];

		ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
		iocb_prep(&poll_cb[f], IOCB_CMD_POLL, self->pipe[0], NULL, 0, 0, 7 + f);
		poll_cb[f].aio_buf = POLLIN;
		alarms = 0;
		ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
		a = args(self->ctx, 1, &ptr, 1, 1, self->ev, NULL);
		EXPECT_ERRNO(EINTR, submit_wait(b, &a));
		EXPECT_EQ(1, a.submitted);
		EXPECT_EQ(1, alarms);
	}
	signal(SIGALRM, SIG_DFL);
	/* Both polls are in: one byte completes both. */
	ASSERT_EQ(1, write(self->pipe[1], "x", 1));
	EXPECT_EQ(2, reap_events(b, self->ctx, self->ev, 2, 5000));
}

/* The argument block: unreadable, or readable but not writable. */
TEST_F(sw, bad_arg_block)
{
	const struct aio_backend *b = variant->backend;
	long page = sysconf(_SC_PAGESIZE);
	struct kaio_submit_wait_args *ro;

	SW_BEGIN();
	if (b != &aio_backend_kaio)
		SKIP(return, "the argument block is the ioctl's");
	EXPECT_ERRNO(EFAULT, ioctl(kaio_device_fd(), KAIO_IOC_SUBMIT_WAIT, NULL));
	ro = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(ro != MAP_FAILED);
	*ro = args(self->ctx, 1, self->ptrs, 1, 1, self->ev, NULL);
	ASSERT_EQ(0, mprotect(ro, (size_t)page, PROT_READ));
	EXPECT_ERRNO(EFAULT, ioctl(kaio_device_fd(), KAIO_IOC_SUBMIT_WAIT, ro));
	munmap(ro, (size_t)page);
	/* Nothing went in. */
	EXPECT_EQ(0u, ring_pending(self->ctx));
	struct __kernel_timespec zero = { 0, 0 };
	EXPECT_EQ(0, b->io_getevents(self->ctx, 0, 8, self->ev, &zero));
}

TEST_HARNESS_MAIN
