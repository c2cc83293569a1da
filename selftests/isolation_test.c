// SPDX-License-Identifier: GPL-2.0
/*
 * Contexts belong to the address space that made them, on every backend.
 *
 * Another process, even one handed kaio's /dev/kaio descriptor over a Unix
 * socket, cannot submit to, reap from, cancel in or destroy a context it
 * did not make: it names the context by an address that is not a ring in
 * its own memory, and gets EINVAL.  The owner's context is untouched.
 * A ring made unreadable (PROT_NONE) or unmapped makes every call on the
 * context EINVAL, never a fault; an unmapped ring's context is freed when
 * its process exits (aio-nr back to its baseline).
 */
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "aio_selftest.h"
#include "aio_test_util.h"

FIXTURE(iso) {
	struct aio_tracker t;
	aio_context_t ctx;
	int pipe[2];
	struct iocb cb;
	struct iocb *ptr;
};

AIO_BACKEND_VARIANTS(iso);

FIXTURE_SETUP(iso)
{
	tracker_init(&self->t, variant->backend);
	ASSERT_EQ(0, pipe2(self->pipe, O_CLOEXEC));
	self->ptr = &self->cb;
}

FIXTURE_TEARDOWN(iso)
{
	TRACKER_TEARDOWN_CHECK(&self->t);
	close(self->pipe[0]);
	close(self->pipe[1]);
}

/* Send @fd (or, if negative, nothing but the data) and @ctx over @sock. */
static int send_ctx(int sock, aio_context_t ctx, int fd)
{
	char cmsgbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { &ctx, sizeof(ctx) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		struct cmsghdr *c;

		msg.msg_control = cmsgbuf;
		msg.msg_controllen = sizeof(cmsgbuf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	return sendmsg(sock, &msg, 0) == sizeof(ctx) ? 0 : -1;
}

static int recv_ctx(int sock, aio_context_t *ctx, int *fd)
{
	char cmsgbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { ctx, sizeof(*ctx) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cmsgbuf, .msg_controllen = sizeof(cmsgbuf) };
	struct cmsghdr *c;

	*fd = -1;
	if (recvmsg(sock, &msg, 0) != sizeof(*ctx))
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(c), sizeof(int));
	return 0;
}

/*
 * The stranger: made before the context (so it never had the ring in its
 * memory), it gets the context id, and for kaio the parent's /dev/kaio
 * descriptor, and tries every call.  Exit status: which call did not get
 * EINVAL (0: none).
 */
static int stranger(const struct aio_backend *b, int sock, int pipe_rd)
{
	struct __kernel_timespec zero = { 0, 0 };
	struct io_event ev;
	struct iocb cb, *ptr = &cb;
	aio_context_t ctx;
	int fd;

	if (recv_ctx(sock, &ctx, &fd))
		return 10;
	iocb_prep(&cb, IOCB_CMD_POLL, pipe_rd, NULL, 0, 0, 1);
	cb.aio_buf = POLLIN;
	if (fd >= 0) {
		/* The descriptor the parent used: the calls go through it. */
		struct kaio_submit_args s = { .ctx = ctx, .nr = 1, .iocbpp = (uintptr_t)&ptr };
		struct kaio_getevents_args g = { .ctx = ctx, .min_nr = 0, .nr = 1,
						 .events = (uintptr_t)&ev, .timeout = (uintptr_t)&zero };
		struct kaio_cancel_args c = { .ctx = ctx, .iocb = (uintptr_t)&cb,
					      .result = (uintptr_t)&ev };
		struct kaio_destroy_args d = { .ctx = ctx };

		if (ioctl(fd, KAIO_IOC_SUBMIT, &s) != -1 || errno != EINVAL)
			return 1;
		if (ioctl(fd, KAIO_IOC_GETEVENTS, &g) != -1 || errno != EINVAL)
			return 2;
		if (ioctl(fd, KAIO_IOC_CANCEL, &c) != -1 || errno != EINVAL)
			return 3;
		if (ioctl(fd, KAIO_IOC_DESTROY, &d) != -1 || errno != EINVAL)
			return 4;
		return 0;
	}
	if (b->io_submit(ctx, 1, &ptr) != -1 || errno != EINVAL)
		return 1;
	if (b->io_getevents(ctx, 0, 1, &ev, &zero) != -1 || errno != EINVAL)
		return 2;
	if (b->io_cancel(ctx, &cb, &ev) != -1 || errno != EINVAL)
		return 3;
	if (b->io_destroy(ctx) != -1 || errno != EINVAL)
		return 4;
	return 0;
}

TEST_F(iso, stranger_with_the_descriptor)
{
	const struct aio_backend *b = variant->backend;
	struct io_event result;
	int sv[2], status;
	pid_t pid;

	AIO_REQUIRE(b, AIO_OP_SETUP, AIO_OP_DESTROY, AIO_OP_SUBMIT, AIO_OP_GETEVENTS,
		    AIO_OP_CANCEL);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(sv[0]);
		_exit(stranger(b, sv[1], self->pipe[0]));
	}
	close(sv[1]);
	ASSERT_OK(b->io_setup(8, &self->ctx));
	track_ctx(&self->t, self->ctx);
	/* A pending poll: what the stranger might cancel or destroy. */
	iocb_prep(&self->cb, IOCB_CMD_POLL, self->pipe[0], NULL, 0, 0, 7);
	self->cb.aio_buf = POLLIN;
	ASSERT_OK_VAL(1, b->io_submit(self->ctx, 1, &self->ptr));
	ASSERT_EQ(0, send_ctx(sv[0], self->ctx, strcmp(b->name, "kaio") ? -1 : kaio_device_fd()));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("%s: the stranger's call %d did not fail with EINVAL", b->name,
		       WEXITSTATUS(status));
	}
	close(sv[0]);
	/* The owner's context and its poll are as they were. */
	EXPECT_ERRNO(EINPROGRESS, b->io_cancel(self->ctx, &self->cb, &result));
	ASSERT_EQ(1, reap_events(b, self->ctx, &result, 1, 2000));
	EXPECT_EQ(7ull, result.data);
	EXPECT_EQ(0, result.res);
}

TEST_F(iso, ring_prot_none)
{
	const struct aio_backend *b = variant->backend;
	struct __kernel_timespec zero = { 0, 0 };
	struct io_event ev;
	long page = sysconf(_SC_PAGESIZE);

	AIO_REQUIRE(b, AIO_OP_SETUP, AIO_OP_DESTROY, AIO_OP_SUBMIT, AIO_OP_GETEVENTS);
	ASSERT_OK(b->io_setup(8, &self->ctx));
	track_ctx(&self->t, self->ctx);
	iocb_prep(&self->cb, IOCB_CMD_POLL, self->pipe[1], NULL, 0, 0, 1);
	self->cb.aio_buf = POLLOUT;
	ASSERT_EQ(0, mprotect((void *)(uintptr_t)self->ctx, (size_t)page, PROT_NONE));
	/* The id cannot be read: no context by that name. */
	EXPECT_ERRNO(EINVAL, b->io_submit(self->ctx, 1, &self->ptr));
	EXPECT_ERRNO(EINVAL, b->io_getevents(self->ctx, 0, 1, &ev, &zero));
	EXPECT_ERRNO(EINVAL, b->io_destroy(self->ctx));
	/* Readable again: the context is back, whole. */
	ASSERT_EQ(0, mprotect((void *)(uintptr_t)self->ctx, (size_t)page, PROT_READ | PROT_WRITE));
	ASSERT_OK_VAL(1, b->io_submit(self->ctx, 1, &self->ptr));
	ASSERT_EQ(1, reap_events(b, self->ctx, &ev, 1, 2000));
	EXPECT_EQ(POLLOUT, ev.res);
}

/* An unmapped ring: every call EINVAL; the context goes with its process. */
TEST_F(iso, ring_unmapped_freed_at_exit)
{
	const struct aio_backend *b = variant->backend;
	unsigned long before, after;
	int status;
	pid_t pid;

	AIO_REQUIRE(b, AIO_OP_SETUP, AIO_OP_DESTROY, AIO_OP_SUBMIT, AIO_OP_GETEVENTS);
	if (b->nr_in_use(&before))
		SKIP(return, "%s: aio-nr cannot be read", b->name);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct __kernel_timespec zero = { 0, 0 };
		struct io_event ev;
		aio_context_t ctx = 0;
		struct iocb cb, *ptr = &cb;

		if (b->io_setup(64, &ctx))
			_exit(1);
		if (munmap((void *)(uintptr_t)ctx, (size_t)sysconf(_SC_PAGESIZE)))
			_exit(2);
		iocb_prep(&cb, IOCB_CMD_POLL, self->pipe[1], NULL, 0, 0, 1);
		cb.aio_buf = POLLOUT;
		if (b->io_submit(ctx, 1, &ptr) != -1 || errno != EINVAL)
			_exit(3);
		if (b->io_getevents(ctx, 0, 1, &ev, &zero) != -1 || errno != EINVAL)
			_exit(4);
		if (b->io_destroy(ctx) != -1 || errno != EINVAL)
			_exit(5);
		_exit(0);	/* the context is still charged: exit must free it */
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, b->nr_in_use(&after));
	EXPECT_EQ(before, after);
}

TEST_HARNESS_MAIN
