// SPDX-License-Identifier: GPL-2.0
/*
 * The backend layer itself: each of the six calls once, through each
 * backend, in both ABIs.  What a wrapper can get wrong is checked here:
 * pointer and context widths (io_submit's pointer array, io_event.obj),
 * the 64-bit timeout (the 32-bit native backend goes through
 * io_pgetevents_time64), and struct kaio_sigset's layout.
 */
#include <sys/stat.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "aio_selftest.h"

#define PATTERN		"kaio backend test data\n"

FIXTURE(backend) {
	const struct aio_backend *b;
	aio_context_t ctx;
	char path[64];
	int fd;
};

AIO_BACKEND_VARIANTS(backend);

FIXTURE_SETUP(backend)
{
	self->b = variant->backend;
	self->fd = -1;
	strcpy(self->path, "/tmp/kaio-backend-test.XXXXXX");
	self->fd = mkstemp(self->path);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ((ssize_t)strlen(PATTERN), write(self->fd, PATTERN, strlen(PATTERN)));
}

FIXTURE_TEARDOWN(backend)
{
	if (self->ctx)
		self->b->io_destroy(self->ctx);
	if (self->fd >= 0) {
		close(self->fd);
		unlink(self->path);
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void prep_pread(struct iocb *cb, int fd, void *buf, size_t len, __u64 data)
{
	memset(cb, 0, sizeof(*cb));
	cb->aio_data = data;
	cb->aio_lio_opcode = IOCB_CMD_PREAD;
	cb->aio_fildes = fd;
	cb->aio_buf = KAIO_PTR(buf);
	cb->aio_nbytes = len;
	cb->aio_offset = 0;
}

/* io_submit + io_getevents: the event names our iocb and carries our data. */
TEST_F(backend, submit_getevents)
{
	struct __kernel_timespec ts = { .tv_sec = 5 };
	char buf[64] = { 0 };
	struct io_event ev[2];
	struct iocb cb, *cbs[1] = { &cb };

	AIO_REQUIRE(self->b, AIO_OP_SETUP, AIO_OP_SUBMIT, AIO_OP_GETEVENTS, AIO_OP_DESTROY);
	ASSERT_OK(self->b->io_setup(4, &self->ctx));
	prep_pread(&cb, self->fd, buf, sizeof(buf), 0x0123456789abcdefull);
	ASSERT_OK_VAL(1, self->b->io_submit(self->ctx, 1, cbs));

	memset(ev, 0xff, sizeof(ev));
	ASSERT_OK_VAL(1, self->b->io_getevents(self->ctx, 1, 2, ev, &ts));
	ASSERT_EQ(0x0123456789abcdefull, ev[0].data);
	ASSERT_EQ(KAIO_PTR(&cb), ev[0].obj);
	ASSERT_EQ((__s64)strlen(PATTERN), ev[0].res);
	ASSERT_EQ(0, ev[0].res2);
	ASSERT_STREQ(PATTERN, buf);
}

/* A {0, 0} timeout polls; NULL waits; a relative timeout is honoured. */
TEST_F(backend, getevents_timeouts)
{
	struct __kernel_timespec zero = { 0, 0 };
	struct __kernel_timespec t50ms = { .tv_sec = 0, .tv_nsec = 50 * 1000 * 1000 };
	struct io_event ev;
	double start, took;

	AIO_REQUIRE(self->b, AIO_OP_SETUP, AIO_OP_GETEVENTS, AIO_OP_DESTROY);
	ASSERT_OK(self->b->io_setup(1, &self->ctx));

	ASSERT_OK_VAL(0, self->b->io_getevents(self->ctx, 1, 1, &ev, &zero));

	/* Misread as a 32-bit timespec, this would be {0, 0}: no wait at all. */
	start = now();
	ASSERT_OK_VAL(0, self->b->io_getevents(self->ctx, 1, 1, &ev, &t50ms));
	took = now() - start;
	ASSERT_LE(0.045, took) {
		TH_LOG("a 50 ms timeout returned after %.3f s", took);
	}

	/* The same through io_pgetevents, without a signal argument. */
	start = now();
	ASSERT_OK_VAL(0, self->b->io_pgetevents(self->ctx, 1, 1, &ev, &t50ms, NULL));
	took = now() - start;
	ASSERT_LE(0.045, took) {
		TH_LOG("a 50 ms timeout returned after %.3f s", took);
	}

	/* Seconds count too: tv_sec = 1 is not 1 ns. */
	{
		struct __kernel_timespec t1s = { .tv_sec = 1, .tv_nsec = 0 };

		start = now();
		ASSERT_OK_VAL(0, self->b->io_getevents(self->ctx, 1, 1, &ev, &t1s));
		took = now() - start;
		ASSERT_LE(0.95, took) {
			TH_LOG("a 1 s timeout returned after %.3f s", took);
		}
	}
}

/* struct kaio_sigset as the kernel reads it: {mask, kernel sigset size}. */
TEST_F(backend, pgetevents_sigset)
{
	struct __kernel_timespec zero = { 0, 0 };
	struct kaio_sigset sig;
	struct io_event ev;
	sigset_t mask;

	AIO_REQUIRE(self->b, AIO_OP_SETUP, AIO_OP_PGETEVENTS, AIO_OP_DESTROY);
	ASSERT_OK(self->b->io_setup(1, &self->ctx));
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);

	sig.sigmask = &mask;
	sig.sigsetsize = AIO_KERNEL_SIGSET_SIZE;
	ASSERT_OK_VAL(0, self->b->io_pgetevents(self->ctx, 1, 1, &ev, &zero, &sig));

	sig.sigsetsize = AIO_KERNEL_SIGSET_SIZE * 2;
	ASSERT_ERRNO(EINVAL, self->b->io_pgetevents(self->ctx, 1, 1, &ev, &zero, &sig));

	/* No mask: no size check. */
	sig.sigmask = NULL;
	ASSERT_OK_VAL(0, self->b->io_pgetevents(self->ctx, 1, 1, &ev, &zero, &sig));
}

/* io_cancel of a request that is not in flight: EINVAL. */
TEST_F(backend, cancel_not_in_flight)
{
	char buf[64];
	struct io_event ev;
	struct iocb cb;

	AIO_REQUIRE(self->b, AIO_OP_SETUP, AIO_OP_CANCEL, AIO_OP_DESTROY);
	ASSERT_OK(self->b->io_setup(1, &self->ctx));
	prep_pread(&cb, self->fd, buf, sizeof(buf), 1);
	ASSERT_ERRNO(EINVAL, self->b->io_cancel(self->ctx, &cb, &ev));
	ASSERT_ERRNO(EFAULT, self->b->io_cancel(self->ctx, NULL, &ev));
}

/* Negative counts arrive negative (a 32-bit long is sign-extended). */
TEST_F(backend, negative_counts)
{
	struct __kernel_timespec zero = { 0, 0 };
	struct io_event ev;
	struct iocb *cbs[1] = { NULL };

	AIO_REQUIRE(self->b, AIO_OP_SETUP, AIO_OP_SUBMIT, AIO_OP_GETEVENTS, AIO_OP_DESTROY);
	ASSERT_OK(self->b->io_setup(1, &self->ctx));
	ASSERT_ERRNO(EINVAL, self->b->io_submit(self->ctx, -1, cbs));
	ASSERT_ERRNO(EINVAL, self->b->io_getevents(self->ctx, -1, 1, &ev, &zero));
	ASSERT_ERRNO(EINVAL, self->b->io_getevents(self->ctx, 0, -1, &ev, &zero));
	/* nr == 0 submits nothing. */
	ASSERT_OK_VAL(0, self->b->io_submit(self->ctx, 0, cbs));
}

TEST_HARNESS_MAIN
