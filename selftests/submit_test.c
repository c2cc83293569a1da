// SPDX-License-Identifier: GPL-2.0
/*
 * io_submit(2): results and errno order, as Linux 6.1's fs/aio.c gives
 * them, on every backend.
 *
 * The call: nr < 0 (EINVAL), then the ctx (EINVAL); nr == 0 returns 0;
 * nr is clamped to the ring; each array slot is read in turn (EFAULT).
 * The result is the number of iocbs taken if any, else the first error.
 *
 * Each iocb, in this order: copying it in (EFAULT), aio_reserved2 (EINVAL),
 * aio_nbytes negative as ssize_t (EINVAL), a ring slot (EAGAIN), aio_fildes
 * (EBADF), with IOCB_FLAG_RESFD aio_resfd (EBADF, or EINVAL if not an
 * eventfd), storing 0 into aio_key (EFAULT), then the opcode: unknown
 * ones (4, NOOP 6, ...) are EINVAL.  Reads and writes then check, still
 * failing the submission: IOCB_FLAG_IOPRIO's class (EINVAL), aio_rw_flags
 * (EOPNOTSUPP), the file mode (EBADF), ->read_iter/->write_iter (EINVAL),
 * the buffer or iovec array (EFAULT/EINVAL), the position (EINVAL).  What
 * the file itself says comes back in the event instead.
 */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/uio.h>
#include <linux/fs.h>
#include <linux/ioprio.h>

#include "aio_selftest.h"
#include "aio_test_util.h"

FIXTURE(submit) {
	struct aio_tracker t;
	aio_context_t ctx;
	long page;
	int fd;			/* tmpfs, O_RDWR, 4 KiB of 'f' */
	int rdonly, wronly;	/* the same file, opened O_RDONLY / O_WRONLY */
	void *guard;		/* PROT_NONE */
	char buf[8192];
	struct iocb cb[4];
	struct iocb *ptrs[4];
	struct io_event ev[8];
};

AIO_BACKEND_VARIANTS(submit);

FIXTURE_SETUP(submit)
{
	char data[4096];
	char proc[64];

	tracker_init(&self->t, variant->backend);
	self->page = sysconf(_SC_PAGESIZE);
	self->fd = tmp_file(0, 0);
	ASSERT_LE(0, self->fd);
	memset(data, 'f', sizeof(data));
	ASSERT_EQ((ssize_t)sizeof(data), pwrite(self->fd, data, sizeof(data), 0));
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", self->fd);
	self->rdonly = open(proc, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->rdonly);
	self->wronly = open(proc, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, self->wronly);
	self->guard = guard_page();
	ASSERT_TRUE(self->guard != NULL);
	for (int i = 0; i < 4; i++) {
		iocb_prep(&self->cb[i], IOCB_CMD_PREAD, self->fd, self->buf + i * 16, 16, 0, i + 1);
		self->ptrs[i] = &self->cb[i];
	}
}

FIXTURE_TEARDOWN(submit)
{
	TRACKER_TEARDOWN_CHECK(&self->t);
	close(self->fd);
	close(self->rdonly);
	close(self->wronly);
}

/* Every test begins with the ops it needs and a context of 8 events. */
#define SUBMIT_BEGIN() do {						\
	AIO_REQUIRE(variant->backend, AIO_OP_SETUP, AIO_OP_DESTROY,	\
		    AIO_OP_SUBMIT, AIO_OP_GETEVENTS);			\
	ASSERT_OK(variant->backend->io_setup(8, &self->ctx));		\
	track_ctx(&self->t, self->ctx);					\
} while (0)

/* The events waiting now (zero timeout): count, or -1. */
static long pending(const struct aio_backend *b, aio_context_t ctx, struct io_event *ev, long max)
{
	struct __kernel_timespec zero = { 0, 0 };

	return b->io_getevents(ctx, 0, max, ev, &zero);
}

/* Submit one iocb: the result of io_submit(ctx, 1, &cb). */
static long submit1(const struct aio_backend *b, aio_context_t ctx, struct iocb *cb)
{
	struct iocb *p = cb;

	return b->io_submit(ctx, 1, &p);
}

TEST_F(submit, nr_negative)
{
	const struct aio_backend *b = variant->backend;

	SUBMIT_BEGIN();
	ASSERT_ERRNO(EINVAL, b->io_submit(self->ctx, -1, self->ptrs));
	ASSERT_ERRNO(EINVAL, b->io_submit(self->ctx, LONG_MIN, self->ptrs));
	/* nr is checked before the array is read. */
	ASSERT_ERRNO(EINVAL, b->io_submit(self->ctx, -1, NULL));
	/* ...and before the context. */
	ASSERT_ERRNO(EINVAL, b->io_submit(0, -1, NULL));
	ASSERT_OK(pending(b, self->ctx, self->ev, 8));
}

TEST_F(submit, bad_ctx)
{
	const struct aio_backend *b = variant->backend;
	aio_context_t bad[] = {
		0, 1, 12345, ~(aio_context_t)0,
		(aio_context_t)(uintptr_t)self->guard,
		(aio_context_t)(uintptr_t)self->buf,
	};

	SUBMIT_BEGIN();
	bad[1] = self->ctx + self->page;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_ERRNO(EINVAL, b->io_submit(bad[i], 1, self->ptrs));
		/* The context is looked up before anything else is read. */
		EXPECT_ERRNO(EINVAL, b->io_submit(bad[i], 1, NULL));
		EXPECT_ERRNO(EINVAL, b->io_submit(bad[i], 0, NULL));
	}
	/* ctx + 1 reads ring->id at the wrong offset, and must not match. */
	EXPECT_ERRNO(EINVAL, b->io_submit(self->ctx + 1, 1, self->ptrs));
	EXPECT_ERRNO(EINVAL, b->io_submit(self->ctx + 4, 1, self->ptrs));
	ASSERT_OK(pending(b, self->ctx, self->ev, 8));
}

TEST_F(submit, nr_zero)
{
	const struct aio_backend *b = variant->backend;

	SUBMIT_BEGIN();
	ASSERT_OK(b->io_submit(self->ctx, 0, NULL));
	ASSERT_OK(b->io_submit(self->ctx, 0, self->guard));
	ASSERT_OK(b->io_submit(self->ctx, 0, self->ptrs));
	ASSERT_OK(pending(b, self->ctx, self->ev, 8));
}

TEST_F(submit, efault_array)
{
	const struct aio_backend *b = variant->backend;
	struct iocb *bad[2] = { NULL, (struct iocb *)self->guard };
	struct iocb **tail;
	char *two;

	SUBMIT_BEGIN();
	ASSERT_ERRNO(EFAULT, b->io_submit(self->ctx, 1, NULL));
	ASSERT_ERRNO(EFAULT, b->io_submit(self->ctx, 1, self->guard));
	ASSERT_ERRNO(EFAULT, b->io_submit(self->ctx, 1, &bad[0])); /* iocb at NULL */
	ASSERT_ERRNO(EFAULT, b->io_submit(self->ctx, 1, &bad[1])); /* iocb not readable */
	ASSERT_OK(pending(b, self->ctx, self->ev, 8));

	/* An array whose second slot is not readable: the first is taken. */
	two = mmap(NULL, 2 * self->page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(two != MAP_FAILED);
	ASSERT_OK(mprotect(two + self->page, self->page, PROT_NONE));
	tail = (struct iocb **)(two + self->page) - 1;
	tail[0] = &self->cb[0];
	ASSERT_OK_VAL(1, b->io_submit(self->ctx, 2, tail));
	/* A readable slot pointing at garbage: also taken up to there. */
	self->ptrs[1] = NULL;
	ASSERT_OK_VAL(1, b->io_submit(self->ctx, 2, self->ptrs));
	self->ptrs[1] = (struct iocb *)self->guard;
	ASSERT_OK_VAL(1, b->io_submit(self->ctx, 3, self->ptrs));
	ASSERT_OK_VAL(3, reap_events(b, self->ctx, self->ev, 3, 5000));
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(1ull, self->ev[i].data);
		ASSERT_EQ(16, self->ev[i].res);
	}
	ASSERT_OK(pending(b, self->ctx, self->ev, 8));
	munmap(two, 2 * self->page);
}

TEST_F(submit, reserved2)
{
	const struct aio_backend *b = variant->backend;

	SUBMIT_BEGIN();
	self->cb[0].aio_reserved2 = 1;
	ASSERT_ERRNO(EINVAL, submit1(b, self->ctx, &self->cb[0]));
	self->cb[0].aio_reserved2 = 1ull << 63;
	ASSERT_ERRNO(EINVAL, submit1(b, self->ctx, &self->cb[0]));
	/* Before the fd... */
	self->cb[0].aio_fildes = (__u32)-1;
	ASSERT_ERRNO(EINVAL, submit1(b, self->ctx, &self->cb[0]));
	/* ...and before the opcode. */
	self->cb[0].aio_lio_opcode = IOCB_CMD_NOOP;
	ASSERT_ERRNO(EINVAL, submit1(b, self->ctx, &self->cb[0]));
	ASSERT_OK(pending(b, self->ctx, self->ev, 8));
}

TEST_F(submit, nbytes_negative)
{
	const struct aio_backend *b = variant->backend;
	const unsigned long long bad[] = { 1ull << 63, ~0ull, (1ull << 63) + 16 };

	SUBMIT_BEGIN();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		self->cb[0].aio_nbytes = bad[i];
		self->cb[0].aio_fildes = self->fd;
		EXPECT_ERRNO(EINVAL, submit1(b, self->ctx, &self->cb[0]));
		/* Checked before the fd. */
		self->cb[0].aio_fildes = (__u32)-1;
		EXPECT_ERRNO(EINVAL, submit1(b, self->ctx, &self->cb[0]));
		/* For PREADV it is the iovec count, with the same check. */
		self->cb[0].aio_lio_opcode = IOCB_CMD_PREADV;
		EXPECT_ERRNO(EINVAL, submit1(b, self->ctx, &self->cb[0]));
		self->cb[0].aio_lio_opcode = IOCB_CMD_PREAD;
	}
	ASSERT_OK(pending(b, self->ctx, self->ev, 8));
}

/*
 * The largest positive count passes the iocb checks; the range is then
 * clamped to MAX_RW_COUNT (~2 GiB) and must lie in user space (access_ok).
 * With a buffer low in the address space that holds, and the read is just
 * short.  (A buffer near the top of a 47-bit address space, like the
 * stack, fails that check: EFAULT at submit.  Which one the stack is
 * depends on 4- or 5-level paging, so the buffer here is mapped low.)
 */
TEST_F(submit, nbytes_huge_positive)
{
	const struct aio_backend *b = variant->backend;
	char *low;

	SUBMIT_BEGIN();
	low = mmap((void *)(uintptr_t)0x10000000, 8192, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(low != MAP_FAILED);
	ASSERT_GT((uintptr_t)0x80000000u, (uintptr_t)low) {
		TH_LOG("no low mapping to be had: %p", low);
	}
	self->cb[0].aio_buf = (uintptr_t)low;
	self->cb[0].aio_nbytes = (1ull << 63) - 1;
	ASSERT_OK_VAL(1, submit1(b, self->ctx, &self->cb[0]));
	ASSERT_OK_VAL(1, reap_events(b, self->ctx, self->ev, 1, 5000));
	ASSERT_EQ(4096, self->ev[0].res);
	ASSERT_EQ('f', low[4095]);
	ASSERT_EQ(0, low[4096]);
	munmap(low, 8192);
}

TEST_F(submit, bad_fd)
{
	const struct aio_backend *b = variant->backend;
	int closed = dup(self->fd);
	const __u32 bad[] = { (__u32)-1, 99999, (__u32)closed, 0x80000000u };

	SUBMIT_BEGIN();
	ASSERT_LE(0, closed);
	close(closed);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		self->cb[0].aio_fildes = bad[i];
		EXPECT_ERRNO(EBADF, submit1(b, self->ctx, &self->cb[0]));
		/* The fd comes before the opcode... */
		self->cb[0].aio_lio_opcode = 0x4242;
		EXPECT_ERRNO(EBADF, submit1(b, self->ctx, &self->cb[0]));
		/* ...and before aio_rw_flags. */
		self->cb[0].aio_lio_opcode = IOCB_CMD_PREAD;
		self->cb[0].aio_rw_flags = 0x40000000;
		EXPECT_ERRNO(EBADF, submit1(b, self->ctx, &self->cb[0]));
		self->cb[0].aio_rw_flags = 0;
	}
	ASSERT_OK(pending(b, self->ctx, self->ev, 8));
}

TEST_F(submit, resfd)
{
	const struct aio_backend *b = variant->backend;
	int efd = eventfd(0, EFD_CLOEXEC), closed = dup(self->fd);
	uint64_t count = 0;

	SUBMIT_BEGIN();
	ASSERT_LE(0, efd);
	ASSERT_LE(0, closed);
	close(closed);

	self->cb[0].aio_flags = IOCB_FLAG_RESFD;
	self->cb[0].aio_resfd = self->fd;		/* not an eventfd */
	ASSERT_ERRNO(EINVAL, submit1(b, self->ctx, &self->cb[0]));
	self->cb[0].aio_resfd = (__u32)-1;
	ASSERT_ERRNO(EBADF, submit1(b, self->ctx, &self->cb[0]));
	self->cb[0].aio_resfd = (__u32)closed;
	ASSERT_ERRNO(EBADF, submit1(b, self->ctx, &self->cb[0]));
	/* aio_fildes is looked at first. */
	self->cb[0].aio_fildes = (__u32)-1;
	self->cb[0].aio_resfd = self->fd;
	ASSERT_ERRNO(EBADF, submit1(b, self->ctx, &self->cb[0]));
	/* The resfd comes before the opcode. */
	self->cb[0].aio_fildes = self->fd;
	self->cb[0].aio_lio_opcode = IOCB_CMD_NOOP;
	ASSERT_ERRNO(EINVAL, submit1(b, self->ctx, &self->cb[0]));
	self->cb[0].aio_resfd = (__u32)-1;
	ASSERT_ERRNO(EBADF, submit1(b, self->ctx, &self->cb[0]));
	/* Without the flag aio_resfd is not looked at. */
	self->cb[0].aio_lio_opcode = IOCB_CMD_PREAD;
	self->cb[0].aio_flags = 0;
	ASSERT_OK_VAL(1, submit1(b, self->ctx, &self->cb[0]));
	ASSERT_OK_VAL(1, reap_events(b, self->ctx, self->ev, 1, 5000));
	ASSERT_OK(pending(b, self->ctx, self->ev, 8));

	/* A real eventfd counts one per completion. */
	for (int i = 0; i < 3; i++) {
		self->cb[i].aio_flags = IOCB_FLAG_RESFD;
		self->cb[i].aio_resfd = efd;
	}
	ASSERT_OK_VAL(3, b->io_submit(self->ctx, 3, self->ptrs));
	ASSERT_OK_VAL(3, reap_events(b, self->ctx, self->ev, 3, 5000));
	ASSERT_EQ((ssize_t)sizeof(count), read(efd, &count, sizeof(count)));
	ASSERT_EQ(3u, count);
	close(efd);
}

TEST_F(submit, opcodes)
{
	const struct aio_backend *b = variant->backend;
	const unsigned int bad[] = { 4, IOCB_CMD_NOOP, 9, 10, 100, 0x8000, 0xffff };

	SUBMIT_BEGIN();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		self->cb[0].aio_lio_opcode = (__u16)bad[i];
		self->cb[0].aio_key = 0x55;
		EXPECT_ERRNO(EINVAL, submit1(b, self->ctx, &self->cb[0]));
		/* The key is stored before the opcode is looked at. */
		EXPECT_EQ(0u, self->cb[0].aio_key);
	}
	ASSERT_OK(pending(b, self->ctx, self->ev, 8));
	/* Nothing was leaked: the whole ring is still there. */
	for (int i = 0; i < 8; i++) {
		self->cb[0].aio_lio_opcode = IOCB_CMD_PREAD;
		ASSERT_OK_VAL(1, submit1(b, self->ctx, &self->cb[0]));
	}
	ASSERT_OK_VAL(8, reap_events(b, self->ctx, self->ev, 8, 5000));
}

/* io_submit stores 0 into aio_key: a read-only iocb cannot be submitted. */
TEST_F(submit, readonly_iocb)
{
	const struct aio_backend *b = variant->backend;
	struct iocb *ro;
	char *page;

	SUBMIT_BEGIN();
	/* A writable iocb's key is overwritten with 0. */
	self->cb[0].aio_key = 0x1234;
	ASSERT_OK_VAL(1, submit1(b, self->ctx, &self->cb[0]));
	ASSERT_EQ(0u, self->cb[0].aio_key);
	ASSERT_OK_VAL(1, reap_events(b, self->ctx, self->ev, 1, 5000));

	page = mmap(NULL, self->page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(page != MAP_FAILED);
	ro = (struct iocb *)page;
	iocb_prep(ro, IOCB_CMD_PREAD, self->fd, self->buf, 16, 0, 5);
	ASSERT_OK(mprotect(page, self->page, PROT_READ));
	ASSERT_ERRNO(EFAULT, submit1(b, self->ctx, ro));
	ASSERT_OK(pending(b, self->ctx, self->ev, 8));

	/* The fd and resfd are checked first, the opcode after the store. */
	ASSERT_OK(mprotect(page, self->page, PROT_READ | PROT_WRITE));
	ro->aio_fildes = (__u32)-1;
	ASSERT_OK(mprotect(page, self->page, PROT_READ));
	ASSERT_ERRNO(EBADF, submit1(b, self->ctx, ro));
	ASSERT_OK(mprotect(page, self->page, PROT_READ | PROT_WRITE));
	ro->aio_fildes = self->fd;
	ro->aio_flags = IOCB_FLAG_RESFD;
	ro->aio_resfd = self->fd;
	ASSERT_OK(mprotect(page, self->page, PROT_READ));
	ASSERT_ERRNO(EINVAL, submit1(b, self->ctx, ro));
	ASSERT_OK(mprotect(page, self->page, PROT_READ | PROT_WRITE));
	ro->aio_flags = 0;
	ro->aio_lio_opcode = IOCB_CMD_NOOP;
	ASSERT_OK(mprotect(page, self->page, PROT_READ));
	ASSERT_ERRNO(EFAULT, submit1(b, self->ctx, ro));

	/* Second of two read-only: the first is taken. */
	ASSERT_OK(mprotect(page, self->page, PROT_READ | PROT_WRITE));
	ro->aio_lio_opcode = IOCB_CMD_PREAD;
	ASSERT_OK(mprotect(page, self->page, PROT_READ));
	self->ptrs[1] = ro;
	ASSERT_OK_VAL(1, b->io_submit(self->ctx, 2, self->ptrs));
	ASSERT_OK_VAL(1, reap_events(b, self->ctx, self->ev, 1, 5000));
	ASSERT_EQ(1ull, self->ev[0].data);
	ASSERT_OK(pending(b, self->ctx, self->ev, 8));
	munmap(page, self->page);
}

TEST_F(submit, partial)
{
	const struct aio_backend *b = variant->backend;

	SUBMIT_BEGIN();
	/* Second bad: 1 taken, only its event arrives. */
	self->cb[1].aio_fildes = (__u32)-1;
	ASSERT_OK_VAL(1, b->io_submit(self->ctx, 3, self->ptrs));
	ASSERT_OK_VAL(1, reap_events(b, self->ctx, self->ev, 1, 5000));
	ASSERT_EQ(1ull, self->ev[0].data);
	ASSERT_EQ(iocb_ptr_value(&self->cb[0]), self->ev[0].obj);
	ASSERT_OK(pending(b, self->ctx, self->ev, 8));

	/* First bad: its error, nothing taken. */
	ASSERT_ERRNO(EBADF, b->io_submit(self->ctx, 3, self->ptrs + 1));
	self->cb[1].aio_fildes = self->fd;
	self->cb[1].aio_reserved2 = 7;
	ASSERT_ERRNO(EINVAL, b->io_submit(self->ctx, 3, self->ptrs + 1));
	ASSERT_OK(pending(b, self->ctx, self->ev, 8));

	/* Third bad: 2 taken. */
	self->cb[1].aio_reserved2 = 0;
	self->cb[2].aio_lio_opcode = IOCB_CMD_NOOP;
	ASSERT_OK_VAL(2, b->io_submit(self->ctx, 4, self->ptrs));
	ASSERT_OK_VAL(2, reap_events(b, self->ctx, self->ev, 2, 5000));
	ASSERT_EQ(1ull, self->ev[0].data);
	ASSERT_EQ(2ull, self->ev[1].data);
	ASSERT_OK(pending(b, self->ctx, self->ev, 8));
}

TEST_F(submit, rw_flags)
{
	const struct aio_backend *b = variant->backend;
	int zero = open("/dev/zero", O_RDONLY | O_CLOEXEC);

	SUBMIT_BEGIN();
	ASSERT_LE(0, zero);
	/* Bits 6.1 does not know: the submission fails. */
	const unsigned int unknown[] = { 0x20, 0x40, 0x80000000u, 0xffffffffu };

	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		self->cb[0].aio_rw_flags = unknown[i];
		EXPECT_ERRNO(EOPNOTSUPP, submit1(b, self->ctx, &self->cb[0]));
	}
	/* RWF_NOWAIT needs a file that supports it: tmpfs does not, /dev/zero does. */
	self->cb[0].aio_rw_flags = RWF_NOWAIT;
	ASSERT_ERRNO(EOPNOTSUPP, submit1(b, self->ctx, &self->cb[0]));
	ASSERT_OK(pending(b, self->ctx, self->ev, 8));
	self->cb[0].aio_fildes = zero;
	ASSERT_OK_VAL(1, submit1(b, self->ctx, &self->cb[0]));
	ASSERT_OK_VAL(1, reap_events(b, self->ctx, self->ev, 1, 5000));
	ASSERT_EQ(16, self->ev[0].res);

	/* Known flags on a plain read or write. */
	self->cb[0].aio_fildes = self->fd;
	self->cb[0].aio_rw_flags = RWF_HIPRI;
	ASSERT_OK_VAL(1, submit1(b, self->ctx, &self->cb[0]));
	ASSERT_OK_VAL(1, reap_events(b, self->ctx, self->ev, 1, 5000));
	ASSERT_EQ(16, self->ev[0].res);
	self->cb[0].aio_lio_opcode = IOCB_CMD_PWRITE;
	self->cb[0].aio_rw_flags = RWF_DSYNC | RWF_SYNC;
	ASSERT_OK_VAL(1, submit1(b, self->ctx, &self->cb[0]));
	ASSERT_OK_VAL(1, reap_events(b, self->ctx, self->ev, 1, 5000));
	ASSERT_EQ(16, self->ev[0].res);

	/* The flags are checked before the file mode. */
	self->cb[0].aio_lio_opcode = IOCB_CMD_PREAD;
	self->cb[0].aio_fildes = self->wronly;
	self->cb[0].aio_rw_flags = 0x40;
	ASSERT_ERRNO(EOPNOTSUPP, submit1(b, self->ctx, &self->cb[0]));
	self->cb[0].aio_rw_flags = 0;
	ASSERT_ERRNO(EBADF, submit1(b, self->ctx, &self->cb[0]));
	ASSERT_OK(pending(b, self->ctx, self->ev, 8));
	close(zero);
}

TEST_F(submit, ioprio_and_flags)
{
	const struct aio_backend *b = variant->backend;

	SUBMIT_BEGIN();
	self->cb[0].aio_flags = IOCB_FLAG_IOPRIO;
	/* Class NONE with a level, and classes past IDLE: EINVAL. */
	self->cb[0].aio_reqprio = 1;
	ASSERT_ERRNO(EINVAL, submit1(b, self->ctx, &self->cb[0]));
	self->cb[0].aio_reqprio = (__s16)(4 << IOPRIO_CLASS_SHIFT);
	ASSERT_ERRNO(EINVAL, submit1(b, self->ctx, &self->cb[0]));
	self->cb[0].aio_reqprio = (__s16)0xe000;	/* class 7 */
	ASSERT_ERRNO(EINVAL, submit1(b, self->ctx, &self->cb[0]));
	ASSERT_OK(pending(b, self->ctx, self->ev, 8));
	/* Valid classes go through. */
	self->cb[0].aio_reqprio = (__s16)((IOPRIO_CLASS_BE << IOPRIO_CLASS_SHIFT) | 3);
	ASSERT_OK_VAL(1, submit1(b, self->ctx, &self->cb[0]));
	self->cb[0].aio_reqprio = (__s16)(IOPRIO_CLASS_IDLE << IOPRIO_CLASS_SHIFT);
	ASSERT_OK_VAL(1, submit1(b, self->ctx, &self->cb[0]));
	/* Without the flag aio_reqprio is ignored. */
	self->cb[0].aio_flags = 0;
	self->cb[0].aio_reqprio = (__s16)0xe000;
	ASSERT_OK_VAL(1, submit1(b, self->ctx, &self->cb[0]));
	/* Unknown aio_flags bits are ignored. */
	self->cb[0].aio_flags = 0xfffffffcu;
	ASSERT_OK_VAL(1, submit1(b, self->ctx, &self->cb[0]));
	ASSERT_OK_VAL(4, reap_events(b, self->ctx, self->ev, 4, 5000));
	for (int i = 0; i < 4; i++)
		ASSERT_EQ(16, self->ev[i].res);
}

TEST_F(submit, file_mode_and_ops)
{
	const struct aio_backend *b = variant->backend;
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct iovec iov = { self->buf, 16 };

	SUBMIT_BEGIN();
	ASSERT_LE(0, ep);
	self->cb[0].aio_fildes = self->wronly;
	ASSERT_ERRNO(EBADF, submit1(b, self->ctx, &self->cb[0]));
	self->cb[0].aio_lio_opcode = IOCB_CMD_PREADV;
	self->cb[0].aio_buf = (uintptr_t)&iov;
	self->cb[0].aio_nbytes = 1;
	ASSERT_ERRNO(EBADF, submit1(b, self->ctx, &self->cb[0]));
	self->cb[0].aio_fildes = self->rdonly;
	self->cb[0].aio_lio_opcode = IOCB_CMD_PWRITEV;
	ASSERT_ERRNO(EBADF, submit1(b, self->ctx, &self->cb[0]));
	self->cb[0].aio_lio_opcode = IOCB_CMD_PWRITE;
	self->cb[0].aio_buf = (uintptr_t)self->buf;
	self->cb[0].aio_nbytes = 16;
	ASSERT_ERRNO(EBADF, submit1(b, self->ctx, &self->cb[0]));
	/* A file without ->read_iter / ->write_iter. */
	self->cb[0].aio_fildes = ep;
	ASSERT_ERRNO(EINVAL, submit1(b, self->ctx, &self->cb[0]));
	self->cb[0].aio_lio_opcode = IOCB_CMD_PREAD;
	ASSERT_ERRNO(EINVAL, submit1(b, self->ctx, &self->cb[0]));
	ASSERT_OK(pending(b, self->ctx, self->ev, 8));
	close(ep);
}

TEST_F(submit, fsync)
{
	const struct aio_backend *b = variant->backend;
	int pipefd[2];

	SUBMIT_BEGIN();
	ASSERT_OK(pipe2(pipefd, O_CLOEXEC));
	for (int op = IOCB_CMD_FSYNC; op <= IOCB_CMD_FDSYNC; op++) {
		iocb_prep(&self->cb[0], op, self->fd, NULL, 0, 0, 40 + op);
		self->cb[0].aio_buf = 1;
		EXPECT_ERRNO(EINVAL, submit1(b, self->ctx, &self->cb[0]));
		self->cb[0].aio_buf = 0;
		self->cb[0].aio_nbytes = 1;
		EXPECT_ERRNO(EINVAL, submit1(b, self->ctx, &self->cb[0]));
		self->cb[0].aio_nbytes = 0;
		self->cb[0].aio_offset = 1;
		EXPECT_ERRNO(EINVAL, submit1(b, self->ctx, &self->cb[0]));
		self->cb[0].aio_offset = 0;
		self->cb[0].aio_rw_flags = RWF_DSYNC;
		EXPECT_ERRNO(EINVAL, submit1(b, self->ctx, &self->cb[0]));
		self->cb[0].aio_rw_flags = 0;
		/* A pipe has no ->fsync. */
		self->cb[0].aio_fildes = pipefd[1];
		EXPECT_ERRNO(EINVAL, submit1(b, self->ctx, &self->cb[0]));
		/* No write access needed: the read-only fd works. */
		self->cb[0].aio_fildes = self->rdonly;
		ASSERT_OK_VAL(1, submit1(b, self->ctx, &self->cb[0]));
		ASSERT_OK_VAL(1, reap_events(b, self->ctx, self->ev, 1, 5000));
		ASSERT_EQ((unsigned long long)(40 + op), self->ev[0].data);
		ASSERT_EQ(0, self->ev[0].res);
	}
	close(pipefd[0]);
	close(pipefd[1]);
}

/* rw_verify_area: negative or overflowing positions fail the submission. */
TEST_F(submit, bad_position)
{
	const struct aio_backend *b = variant->backend;

	SUBMIT_BEGIN();
	self->cb[0].aio_offset = -1;
	ASSERT_ERRNO(EINVAL, submit1(b, self->ctx, &self->cb[0]));
	self->cb[0].aio_offset = LLONG_MIN;
	ASSERT_ERRNO(EINVAL, submit1(b, self->ctx, &self->cb[0]));
	self->cb[0].aio_offset = LLONG_MAX - 4;
	ASSERT_ERRNO(EINVAL, submit1(b, self->ctx, &self->cb[0]));
	self->cb[0].aio_lio_opcode = IOCB_CMD_PWRITE;
	self->cb[0].aio_offset = -4096;
	ASSERT_ERRNO(EINVAL, submit1(b, self->ctx, &self->cb[0]));
	ASSERT_OK(pending(b, self->ctx, self->ev, 8));
}

TEST_F(submit, iovec_errors)
{
	const struct aio_backend *b = variant->backend;
	struct iovec *iov = calloc(1025, sizeof(*iov));

	SUBMIT_BEGIN();
	ASSERT_TRUE(iov != NULL);
	for (int i = 0; i < 1025; i++) {
		iov[i].iov_base = self->buf;
		iov[i].iov_len = 1;
	}
	iocb_prep(&self->cb[0], IOCB_CMD_PREADV, self->fd, iov, 1025, 0, 9);
	/* More than UIO_MAXIOV (1024) segments. */
	ASSERT_ERRNO(EINVAL, submit1(b, self->ctx, &self->cb[0]));
	/* An unreadable iovec array. */
	self->cb[0].aio_buf = (uintptr_t)self->guard;
	self->cb[0].aio_nbytes = 2;
	ASSERT_ERRNO(EFAULT, submit1(b, self->ctx, &self->cb[0]));
	/* A length that is negative as ssize_t (in the caller's ABI). */
	iov[1].iov_len = (size_t)SSIZE_MAX + 1;
	self->cb[0].aio_buf = (uintptr_t)iov;
	ASSERT_ERRNO(EINVAL, submit1(b, self->ctx, &self->cb[0]));
	/* ...also behind a bad fd?  No: the fd comes first. */
	self->cb[0].aio_fildes = (__u32)-1;
	ASSERT_ERRNO(EBADF, submit1(b, self->ctx, &self->cb[0]));
	self->cb[0].aio_fildes = self->fd;
	ASSERT_OK(pending(b, self->ctx, self->ev, 8));
	/* Exactly 1024 is fine; 0 segments read nothing. */
	iov[0].iov_len = iov[1].iov_len = 1;
	self->cb[0].aio_nbytes = 1024;
	ASSERT_OK_VAL(1, submit1(b, self->ctx, &self->cb[0]));
	self->cb[0].aio_nbytes = 0;
	ASSERT_OK_VAL(1, submit1(b, self->ctx, &self->cb[0]));
	ASSERT_OK_VAL(2, reap_events(b, self->ctx, self->ev, 2, 5000));
	ASSERT_EQ(1024, self->ev[0].res);
	ASSERT_EQ(0, self->ev[1].res);
	free(iov);
}

/*
 * The ring slot is taken after the header checks and before the fd:
 * a full ring turns a bad fd into EAGAIN, but not a bad reserved2.
 * Failed submissions give their slot back.
 */
TEST_F(submit, eagain_order_and_no_slot_leak)
{
	const struct aio_backend *b = variant->backend;
	struct iocb *ptrs[64];
	cpu_set_t saved;
	long cap[2];

	AIO_REQUIRE(b, AIO_OP_SETUP, AIO_OP_DESTROY, AIO_OP_SUBMIT, AIO_OP_GETEVENTS);
	ASSERT_LE(0, pin_to_one_cpu(&saved));
	for (int i = 0; i < 64; i++)
		ptrs[i] = &self->cb[0];
	for (int round = 0; round < 2; round++) {
		aio_context_t ctx = 0;
		struct io_event ev[64];
		long n = 0, r;

		ASSERT_OK(b->io_setup(1, &ctx));
		track_ctx(&self->t, ctx);
		if (round == 1) {
			/* Hundreds of failures that each held a slot for a moment. */
			for (int i = 0; i < 300; i++) {
				self->cb[1].aio_fildes = (__u32)-1;
				ASSERT_ERRNO(EBADF, submit1(b, ctx, &self->cb[1]));
				self->cb[1].aio_fildes = self->fd;
				self->cb[1].aio_lio_opcode = IOCB_CMD_NOOP;
				ASSERT_ERRNO(EINVAL, submit1(b, ctx, &self->cb[1]));
				self->cb[1].aio_lio_opcode = IOCB_CMD_PREAD;
				self->cb[1].aio_rw_flags = 0x40;
				ASSERT_ERRNO(EOPNOTSUPP, submit1(b, ctx, &self->cb[1]));
				self->cb[1].aio_rw_flags = 0;
			}
		}
		while ((r = b->io_submit(ctx, 64, ptrs)) > 0 && n < 100000)
			n += r;
		ASSERT_EQ(-1, r);
		ASSERT_EQ(EAGAIN, errno);
		cap[round] = n;

		self->cb[1].aio_fildes = (__u32)-1;
		ASSERT_ERRNO(EAGAIN, submit1(b, ctx, &self->cb[1]));
		self->cb[1].aio_fildes = self->fd;
		self->cb[1].aio_lio_opcode = IOCB_CMD_NOOP;
		ASSERT_ERRNO(EAGAIN, submit1(b, ctx, &self->cb[1]));
		self->cb[1].aio_lio_opcode = IOCB_CMD_PREAD;
		self->cb[1].aio_reserved2 = 1;
		ASSERT_ERRNO(EINVAL, submit1(b, ctx, &self->cb[1]));
		self->cb[1].aio_reserved2 = 0;
		self->cb[1].aio_nbytes = ~0ull;
		ASSERT_ERRNO(EINVAL, submit1(b, ctx, &self->cb[1]));
		self->cb[1].aio_nbytes = 16;

		while (n > 0) {
			r = b->io_getevents(ctx, 1, 64, ev, NULL);
			ASSERT_LT(0, r);
			n -= r;
		}
		ASSERT_OK(b->io_destroy(ctx));
		untrack_ctx(&self->t, ctx);
	}
	ASSERT_EQ(cap[0], cap[1]) {
		TH_LOG("capacity %ld on a fresh ring, %ld after failed submissions",
		       cap[0], cap[1]);
	}
	sched_setaffinity(0, sizeof(saved), &saved);
}

TEST_HARNESS_MAIN
