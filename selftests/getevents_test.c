// SPDX-License-Identifier: GPL-2.0
/*
 * io_getevents(2) and io_pgetevents(2), as Linux 6.1's fs/aio.c gives
 * them, on every backend.
 *
 * Order: the timeout is read (EFAULT), for pgetevents then usig (EFAULT)
 * and its mask (sigsetsize != 8: EINVAL; unreadable: EFAULT, both only
 * when the mask pointer is not NULL), then the ctx (EINVAL), then
 * min_nr < 0 or min_nr > nr (EINVAL).  A zero timeout polls once, NULL
 * waits for min_nr events, any other timeout is relative and not written
 * back; negative or unnormalised ones are not refused.
 *
 * A fault copying the events out fails the call with EFAULT and leaves
 * every event in the ring.  A signal that runs a handler ends a wait that
 * got nothing with EINTR; a wait that got some returns them.
 * io_pgetevents installs its mask for the wait only: the thread's own mask
 * is back once the call (and any handler it let in) is done.
 */
#include <pthread.h>
#include <sys/wait.h>
#include <ucontext.h>

#include "aio_selftest.h"
#include "aio_test_util.h"

FIXTURE(getev) {
	struct aio_tracker t;
	aio_context_t ctx;
	int fd;
	char sink[64];
	struct iocb cb[8];
	struct iocb *ptrs[8];
	struct io_event ev[16];
	void *guard;
	struct nullb_dev nb;
};

AIO_BACKEND_VARIANTS(getev);

FIXTURE_SETUP(getev)
{
	tracker_init(&self->t, variant->backend);
	self->fd = tmp_file(4096, 0);
	ASSERT_LE(0, self->fd);
	for (int i = 0; i < 8; i++) {
		iocb_prep(&self->cb[i], IOCB_CMD_PREAD, self->fd, self->sink + i, 1, 0, i + 1);
		self->ptrs[i] = &self->cb[i];
	}
	self->guard = guard_page();
	ASSERT_TRUE(self->guard != NULL);
}

FIXTURE_TEARDOWN(getev)
{
	TRACKER_TEARDOWN_CHECK(&self->t);
	close(self->fd);
	nullb_remove(&self->nb);
}

#define GETEV_BEGIN(...) do {						\
	AIO_REQUIRE(variant->backend, AIO_OP_SETUP, AIO_OP_DESTROY,	\
		    AIO_OP_SUBMIT, AIO_OP_GETEVENTS, ##__VA_ARGS__);	\
	ASSERT_OK(variant->backend->io_setup(8, &self->ctx));		\
	track_ctx(&self->t, self->ctx);					\
} while (0)

/* Put @n completed events in the ring (tags 1..n). */
#define MAKE_EVENTS(n) \
	ASSERT_OK_VAL(n, variant->backend->io_submit(self->ctx, n, self->ptrs))

static const struct __kernel_timespec zero_ts = { 0, 0 };

TEST_F(getev, args)
{
	const struct aio_backend *b = variant->backend;
	struct __kernel_timespec zero = zero_ts;

	GETEV_BEGIN();
	MAKE_EVENTS(2);
	ASSERT_ERRNO(EINVAL, b->io_getevents(self->ctx, 2, 1, self->ev, &zero));
	ASSERT_ERRNO(EINVAL, b->io_getevents(self->ctx, -1, 1, self->ev, &zero));
	ASSERT_ERRNO(EINVAL, b->io_getevents(self->ctx, LONG_MIN, 1, self->ev, &zero));
	ASSERT_ERRNO(EINVAL, b->io_getevents(self->ctx, 0, -1, self->ev, &zero));
	ASSERT_ERRNO(EINVAL, b->io_getevents(self->ctx, 1, 0, self->ev, &zero));
	ASSERT_ERRNO(EINVAL, b->io_getevents(self->ctx, 2, 1, self->ev, NULL));
	/* nr == 0 is a valid, empty request. */
	ASSERT_OK(b->io_getevents(self->ctx, 0, 0, self->ev, &zero));
	ASSERT_OK(b->io_getevents(self->ctx, 0, 0, NULL, NULL));
	/* None of that consumed anything. */
	ASSERT_OK_VAL(2, b->io_getevents(self->ctx, 2, 8, self->ev, &zero));
}

TEST_F(getev, bad_ctx)
{
	const struct aio_backend *b = variant->backend;
	struct __kernel_timespec zero = zero_ts;
	aio_context_t bad[] = { 0, 1, 12345, ~(aio_context_t)0,
				(aio_context_t)(uintptr_t)self->guard, 0, 0 };

	GETEV_BEGIN();
	bad[5] = self->ctx + 1;
	bad[6] = self->ctx + 8;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_ERRNO(EINVAL, b->io_getevents(bad[i], 0, 1, self->ev, &zero));
		EXPECT_ERRNO(EINVAL, b->io_getevents(bad[i], 0, 1, self->ev, NULL));
		/* The ctx is looked up before min_nr/nr and the events buffer. */
		EXPECT_ERRNO(EINVAL, b->io_getevents(bad[i], 5, 1, NULL, &zero));
	}
	/* The timeout is read before the ctx. */
	EXPECT_ERRNO(EFAULT, b->io_getevents(0, 0, 1, self->ev, self->guard));
	EXPECT_ERRNO(EFAULT, b->io_getevents(self->ctx, 0, 1, self->ev, self->guard));
	EXPECT_ERRNO(EFAULT, b->io_getevents(self->ctx, 5, 1, self->ev, self->guard));
}

TEST_F(getev, zero_timeout_polls)
{
	const struct aio_backend *b = variant->backend;
	struct __kernel_timespec zero = zero_ts;

	GETEV_BEGIN();
	ASSERT_OK(b->io_getevents(self->ctx, 0, 8, self->ev, &zero));
	ASSERT_OK(b->io_getevents(self->ctx, 1, 8, self->ev, &zero));
	ASSERT_OK(b->io_getevents(self->ctx, 8, 8, self->ev, &zero));
	/* min_nr == 0 with no timeout does not wait either. */
	ASSERT_OK(b->io_getevents(self->ctx, 0, 8, self->ev, NULL));

	/* Fewer than min_nr: a poll returns what there is. */
	MAKE_EVENTS(3);
	ASSERT_OK_VAL(3, b->io_getevents(self->ctx, 5, 8, self->ev, &zero));
	for (int i = 0; i < 3; i++)
		ASSERT_EQ((unsigned long long)(i + 1), self->ev[i].data);
	ASSERT_OK(b->io_getevents(self->ctx, 5, 8, self->ev, &zero));

	/* nr smaller than what is there: the oldest, the rest stay. */
	MAKE_EVENTS(5);
	ASSERT_OK_VAL(2, b->io_getevents(self->ctx, 0, 2, self->ev, &zero));
	ASSERT_EQ(1ull, self->ev[0].data);
	ASSERT_EQ(2ull, self->ev[1].data);
	ASSERT_OK_VAL(3, b->io_getevents(self->ctx, 1, 8, self->ev, NULL));
	ASSERT_EQ(3ull, self->ev[0].data);
	ASSERT_EQ(5ull, self->ev[2].data);
	ASSERT_EQ(0, zero.tv_sec);
	ASSERT_EQ(0, zero.tv_nsec);
}

TEST_F(getev, timeout_expires)
{
	const struct aio_backend *b = variant->backend;
	struct __kernel_timespec ts = { 0, 50000000 };
	long long start;

	GETEV_BEGIN(AIO_OP_PGETEVENTS);
	start = now_ns();
	ASSERT_OK(b->io_getevents(self->ctx, 1, 8, self->ev, &ts));
	ASSERT_LE(40, ms_since(start));
	ASSERT_EQ(0, ts.tv_sec);
	ASSERT_EQ(50000000, ts.tv_nsec);

	start = now_ns();
	ASSERT_OK(b->io_pgetevents(self->ctx, 1, 8, self->ev, &ts, NULL));
	ASSERT_LE(40, ms_since(start));

	/* One event there, two wanted: the timeout ends it with the one. */
	MAKE_EVENTS(1);
	start = now_ns();
	ASSERT_OK_VAL(1, b->io_getevents(self->ctx, 2, 8, self->ev, &ts));
	ASSERT_LE(40, ms_since(start));
	ASSERT_EQ(1ull, self->ev[0].data);
}

/* NULL timeout: waits as long as the I/O takes (300 ms on a null_blk timer). */
TEST_F(getev, null_timeout_waits)
{
	const struct aio_backend *b = variant->backend;
	struct nullb_params np = { .size_mb = 8, .blocksize = 4096,
				   .completion_nsec = 300000000 };
	unsigned char *buf = dio_buffer(2 * 4096, 0);
	struct iocb cb[2], *p[2] = { &cb[0], &cb[1] };
	char why[200];
	long long start;
	int fd;

	GETEV_BEGIN();
	if (nullb_create(&self->nb, &np, why, sizeof(why)))
		SKIP(return, "%s", why);
	ASSERT_TRUE(buf != NULL);
	fd = open(self->nb.path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	ASSERT_LE(0, fd);
	iocb_prep(&cb[0], IOCB_CMD_PREAD, fd, buf, 4096, 0, 11);
	iocb_prep(&cb[1], IOCB_CMD_PREAD, fd, buf + 4096, 4096, 4096, 12);

	start = now_ns();
	ASSERT_OK_VAL(1, b->io_submit(self->ctx, 1, p));
	ASSERT_OK_VAL(1, b->io_getevents(self->ctx, 1, 8, self->ev, NULL));
	ASSERT_LE(250, ms_since(start));
	ASSERT_EQ(11ull, self->ev[0].data);
	ASSERT_EQ(4096, self->ev[0].res);

	start = now_ns();
	ASSERT_OK_VAL(2, b->io_submit(self->ctx, 2, p));
	ASSERT_OK_VAL(2, b->io_getevents(self->ctx, 2, 8, self->ev, NULL));
	ASSERT_LE(250, ms_since(start));
	ASSERT_EQ(4096, self->ev[0].res);
	ASSERT_EQ(4096, self->ev[1].res);
	close(fd);
}

/*
 * A fault writing the events out: EFAULT, and nothing is consumed, even
 * when part of the buffer was writable.
 */
TEST_F(getev, efault_leaves_events)
{
	const struct aio_backend *b = variant->backend;
	struct __kernel_timespec zero = zero_ts;
	long page = sysconf(_SC_PAGESIZE);
	struct kaio_ring *ring;
	struct io_event *straddle;
	char *two;

	GETEV_BEGIN(AIO_OP_PGETEVENTS);
	ring = aio_ring_of(self->ctx);
	two = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(two != MAP_FAILED);
	ASSERT_OK(mprotect(two + page, page, PROT_NONE));
	straddle = (struct io_event *)(two + page) - 2;	/* room for two events */

	MAKE_EVENTS(5);
	ASSERT_ERRNO(EFAULT, b->io_getevents(self->ctx, 1, 5, self->guard, &zero));
	ASSERT_ERRNO(EFAULT, b->io_getevents(self->ctx, 1, 5, NULL, &zero));
	ASSERT_ERRNO(EFAULT, b->io_getevents(self->ctx, 1, 5, self->guard, NULL));
	ASSERT_ERRNO(EFAULT, b->io_getevents(self->ctx, 0, 5, straddle, &zero));
	ASSERT_ERRNO(EFAULT, b->io_pgetevents(self->ctx, 1, 5, straddle, NULL, NULL));
	ASSERT_EQ(0u, ring->head);
	ASSERT_EQ(5u, ring->tail);
	/* Two fit: two are handed out, and the rest stay. */
	ASSERT_OK_VAL(2, b->io_getevents(self->ctx, 2, 2, straddle, &zero));
	ASSERT_EQ(1ull, straddle[0].data);
	ASSERT_EQ(2ull, straddle[1].data);
	ASSERT_OK_VAL(3, b->io_getevents(self->ctx, 3, 8, self->ev, &zero));
	for (int i = 0; i < 3; i++)
		ASSERT_EQ((unsigned long long)(i + 3), self->ev[i].data);
	/* Nothing pending: a bad buffer is never touched. */
	ASSERT_OK(b->io_getevents(self->ctx, 0, 5, self->guard, &zero));
	munmap(two, 2 * page);
}

TEST_F(getev, pgetevents_args)
{
	const struct aio_backend *b = variant->backend;
	struct __kernel_timespec zero = zero_ts;
	sigset_t mask, before, after;
	struct kaio_sigset usig;
	struct kaio_sigset *bad_usig = self->guard;
	unsigned char zeroes[sizeof(struct kaio_sigset)] = { 0 };

	GETEV_BEGIN(AIO_OP_PGETEVENTS);
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR2);
	ASSERT_OK(pthread_sigmask(SIG_SETMASK, NULL, &before));
	MAKE_EVENTS(1);

	usig.sigmask = &mask;
	const size_t bad_sizes[] = { 0, 4, 7, 9, 16, 128 };

	for (size_t i = 0; i < sizeof(bad_sizes) / sizeof(bad_sizes[0]); i++) {
		usig.sigsetsize = bad_sizes[i];
		EXPECT_ERRNO(EINVAL, b->io_pgetevents(self->ctx, 0, 8, self->ev, &zero, &usig));
		/* Before the ctx. */
		EXPECT_ERRNO(EINVAL, b->io_pgetevents(0, 0, 8, self->ev, &zero, &usig));
	}
	/* A NULL mask is "no change", whatever the size says. */
	usig.sigmask = NULL;
	usig.sigsetsize = 12345;
	EXPECT_ERRNO(EINVAL, b->io_pgetevents(0, 0, 8, self->ev, &zero, &usig));
	EXPECT_ERRNO(EINVAL, b->io_pgetevents(self->ctx, 2, 1, self->ev, &zero, &usig));
	/* Unreadable usig, or mask: EFAULT, before the ctx. */
	EXPECT_ERRNO(EFAULT, b->io_pgetevents(self->ctx, 0, 8, self->ev, &zero, bad_usig));
	EXPECT_ERRNO(EFAULT, b->io_pgetevents(0, 0, 8, self->ev, &zero, bad_usig));
	usig.sigmask = self->guard;
	usig.sigsetsize = AIO_KERNEL_SIGSET_SIZE;
	EXPECT_ERRNO(EFAULT, b->io_pgetevents(self->ctx, 0, 8, self->ev, &zero, &usig));
	EXPECT_ERRNO(EFAULT, b->io_pgetevents(0, 0, 8, self->ev, &zero, &usig));
	/* The timeout is read before usig. */
	EXPECT_ERRNO(EFAULT, b->io_pgetevents(self->ctx, 0, 8, self->ev, self->guard, bad_usig));
	/* A good mask does not make a bad ctx good. */
	usig.sigmask = &mask;
	EXPECT_ERRNO(EINVAL, b->io_pgetevents(0, 0, 8, self->ev, &zero, &usig));
	EXPECT_ERRNO(EINVAL, b->io_pgetevents(self->ctx, 2, 1, self->ev, &zero, &usig));
	ASSERT_OK(pthread_sigmask(SIG_SETMASK, NULL, &after));
	ASSERT_EQ(sigismember(&before, SIGUSR2), sigismember(&after, SIGUSR2));

	/* The event is still there for the good calls. */
	ASSERT_OK_VAL(1, b->io_pgetevents(self->ctx, 1, 8, self->ev, &zero, &usig));
	ASSERT_EQ(1ull, self->ev[0].data);
	MAKE_EVENTS(1);
	ASSERT_OK_VAL(1, b->io_pgetevents(self->ctx, 1, 8, self->ev, &zero, NULL));
	MAKE_EVENTS(1);
	/* A bare empty sigset_t read as usig is {NULL, 0}: fine. */
	ASSERT_OK_VAL(1, b->io_pgetevents(self->ctx, 1, 8, self->ev, &zero,
					  (struct kaio_sigset *)zeroes));
	/* NULL mask with some size: fine. */
	MAKE_EVENTS(1);
	usig.sigmask = NULL;
	usig.sigsetsize = 3;
	ASSERT_OK_VAL(1, b->io_pgetevents(self->ctx, 1, 8, self->ev, &zero, &usig));
	ASSERT_OK(pthread_sigmask(SIG_SETMASK, NULL, &after));
	ASSERT_EQ(sigismember(&before, SIGUSR2), sigismember(&after, SIGUSR2));
}

/* ------------------------------------------------------------------ */
/* Signals                                                             */

static volatile sig_atomic_t handled;
static volatile sig_atomic_t handler_saw_blocked;	/* uc_sigmask had SIGUSR1 */

static void usr1_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	(void)sig;
	(void)si;
	handled++;
	/* The mask that will be restored when the handler returns. */
	handler_saw_blocked = sigismember(&uc->uc_sigmask, SIGUSR1) == 1;
}

static void install_usr1(int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = usr1_handler;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	handled = 0;
	handler_saw_blocked = 0;
}

/*
 * A child process that signals us every 20 ms, after @delay_ms, until it
 * is stopped (at most 10 s).  A process and not a thread: the test is
 * single-threaded, so the signal is ours, and 32-bit builds need no
 * futex(2) (see threads_usable()).
 */
struct pester {
	pid_t pid;
};

static int pester_start(struct pester *p, int sig, int delay_ms)
{
	pid_t parent = getpid();

	p->pid = fork();
	if (p->pid < 0)
		return -1;
	if (p->pid == 0) {
		msleep(delay_ms);
		for (int i = 0; i < 500; i++) {
			if (kill(parent, sig))
				break;
			msleep(20);
		}
		_exit(0);
	}
	return 0;
}

static void pester_stop(struct pester *p)
{
	kill(p->pid, SIGKILL);
	waitpid(p->pid, NULL, 0);
}

/*
 * A signal with a handler ends a wait that has nothing with EINTR, even
 * with SA_RESTART: io_getevents is never restarted after a handler.
 */
TEST_F(getev, eintr)
{
	const struct aio_backend *b = variant->backend;
	struct __kernel_timespec ts = { 10, 0 };
	const int flags[] = { 0, SA_RESTART };

	GETEV_BEGIN(AIO_OP_PGETEVENTS);
	for (int f = 0; f < 2; f++) {
		struct pester p;
		long long start;

		install_usr1(flags[f]);
		ASSERT_OK(pester_start(&p, SIGUSR1, 100));
		start = now_ns();
		EXPECT_ERRNO(EINTR, b->io_getevents(self->ctx, 1, 8, self->ev, &ts));
		pester_stop(&p);
		EXPECT_LE(1, handled);
		EXPECT_GT(9000, ms_since(start));

		install_usr1(flags[f]);
		ASSERT_OK(pester_start(&p, SIGUSR1, 100));
		EXPECT_ERRNO(EINTR, b->io_getevents(self->ctx, 1, 8, self->ev, NULL));
		pester_stop(&p);
		EXPECT_LE(1, handled);

		install_usr1(flags[f]);
		ASSERT_OK(pester_start(&p, SIGUSR1, 100));
		EXPECT_ERRNO(EINTR, b->io_pgetevents(self->ctx, 1, 8, self->ev, &ts, NULL));
		pester_stop(&p);
		EXPECT_LE(1, handled);
	}
	signal(SIGUSR1, SIG_DFL);
}

/*
 * Timeouts are relative and not validated.  With events there any of them
 * returns at once; with none, an out-of-range tv_nsec is just a longer
 * wait, and a negative timeout saturates to "forever" (the hrtimer's
 * now + timeout is clamped to KTIME_MAX): it waits like NULL, here until
 * a signal ends it.
 */
TEST_F(getev, odd_timeouts)
{
	const struct aio_backend *b = variant->backend;
	struct __kernel_timespec odd[] = {
		{ -1, 0 }, { 0, -1 }, { -5, -5 }, { 0, 2000000000 }, { LLONG_MAX, 999999999 },
	};

	GETEV_BEGIN();
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		struct __kernel_timespec copy = odd[i];
		struct pester p;
		long long start;

		MAKE_EVENTS(2);
		ASSERT_OK_VAL(2, b->io_getevents(self->ctx, 2, 8, self->ev, &copy));
		/* Not written back. */
		ASSERT_EQ(odd[i].tv_sec, copy.tv_sec);
		ASSERT_EQ(odd[i].tv_nsec, copy.tv_nsec);

		install_usr1(0);
		ASSERT_OK(pester_start(&p, SIGUSR1, 300));
		start = now_ns();
		EXPECT_ERRNO(EINTR, b->io_getevents(self->ctx, 1, 8, self->ev, &copy));
		pester_stop(&p);
		EXPECT_LE(250, ms_since(start)) {
			TH_LOG("timeout {%lld, %lld} did not wait", (long long)odd[i].tv_sec,
			       (long long)odd[i].tv_nsec);
		}
	}
	signal(SIGUSR1, SIG_DFL);
}

/* Interrupted after collecting some: the events, not EINTR. */
TEST_F(getev, signal_after_some_events)
{
	const struct aio_backend *b = variant->backend;
	struct __kernel_timespec ts = { 10, 0 };
	struct pester p;

	GETEV_BEGIN();
	MAKE_EVENTS(1);
	install_usr1(0);
	ASSERT_OK(pester_start(&p, SIGUSR1, 100));
	ASSERT_OK_VAL(1, b->io_getevents(self->ctx, 2, 8, self->ev, &ts));
	pester_stop(&p);
	ASSERT_LE(1, handled);
	ASSERT_EQ(1ull, self->ev[0].data);
	signal(SIGUSR1, SIG_DFL);
}

/*
 * io_pgetevents' mask lets in a signal the thread blocks: the handler runs,
 * the call fails with EINTR, and the thread's mask (SIGUSR1 blocked) is
 * back afterwards; the handler itself sees it as the mask to return to.
 * Either with the signal already pending at the call, or arriving during
 * the wait.
 */
TEST_F(getev, pgetevents_mask_lets_signal_in)
{
	const struct aio_backend *b = variant->backend;
	struct __kernel_timespec ts = { 10, 0 };
	sigset_t block, open_mask, now;
	struct kaio_sigset usig = { &open_mask, AIO_KERNEL_SIGSET_SIZE };

	GETEV_BEGIN(AIO_OP_PGETEVENTS);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigemptyset(&open_mask);
	for (int mode = 0; mode < 2; mode++) {
		struct pester p;

		install_usr1(0);
		ASSERT_OK(pthread_sigmask(SIG_BLOCK, &block, NULL));
		if (mode == 0) {
			ASSERT_OK(pthread_kill(pthread_self(), SIGUSR1));
			ASSERT_EQ(0, handled);
		} else {
			ASSERT_OK(pester_start(&p, SIGUSR1, 100));
		}
		EXPECT_ERRNO(EINTR, b->io_pgetevents(self->ctx, 1, 8, self->ev, &ts, &usig));
		if (mode == 1)
			pester_stop(&p);
		EXPECT_EQ(1, handled);
		EXPECT_EQ(1, handler_saw_blocked);
		ASSERT_OK(pthread_sigmask(SIG_SETMASK, NULL, &now));
		EXPECT_EQ(1, sigismember(&now, SIGUSR1)) {
			TH_LOG("mode %d: the thread's mask was not restored", mode);
		}
		/* Anything the pester sent after the call stays pending: drop it. */
		signal(SIGUSR1, SIG_IGN);
		ASSERT_OK(pthread_sigmask(SIG_UNBLOCK, &block, NULL));
	}
	signal(SIGUSR1, SIG_DFL);
}

/*
 * The other way round: the thread takes SIGUSR1, the call's mask blocks
 * it.  Signals sent during the wait do not end it; they are handled
 * after the call, once the thread's mask is back.
 */
TEST_F(getev, pgetevents_mask_keeps_signal_out)
{
	const struct aio_backend *b = variant->backend;
	struct __kernel_timespec ts = { 0, 300000000 };
	sigset_t closed, now;
	struct kaio_sigset usig = { &closed, AIO_KERNEL_SIGSET_SIZE };
	struct pester p;
	long long start;
	int before;

	GETEV_BEGIN(AIO_OP_PGETEVENTS);
	sigemptyset(&closed);
	sigaddset(&closed, SIGUSR1);
	install_usr1(0);
	ASSERT_OK(pthread_sigmask(SIG_SETMASK, NULL, &now));
	ASSERT_EQ(0, sigismember(&now, SIGUSR1));

	ASSERT_OK(pester_start(&p, SIGUSR1, 0));
	msleep(50);
	before = handled;
	start = now_ns();
	ASSERT_OK(b->io_pgetevents(self->ctx, 1, 8, self->ev, &ts, &usig));
	ASSERT_LE(250, ms_since(start));
	pester_stop(&p);
	/* Those sent during the wait were held, then delivered after it. */
	ASSERT_LT(before, handled);
	ASSERT_EQ(0, handler_saw_blocked);
	ASSERT_OK(pthread_sigmask(SIG_SETMASK, NULL, &now));
	ASSERT_EQ(0, sigismember(&now, SIGUSR1));
	signal(SIGUSR1, SIG_DFL);
}

TEST_HARNESS_MAIN
