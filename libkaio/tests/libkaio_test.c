// SPDX-License-Identifier: GPL-2.0
/*
 * libkaio_test: the library's own promises (libkaio.h), checked against the
 * native system calls where there is something to compare: the -1/errno
 * convention, one close-on-exec descriptor per process however many
 * threads race to open it, forked children, a descriptor the program
 * closed or replaced behind the library's back, a missing device, and the
 * 32-bit timeout conversion.  Built 64- and 32-bit.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "libkaio.h"

#define BLK 4096

/* ret and errno of one call, for comparing the two backends. */
struct outcome {
	long ret;
	int err;
};

#define OUTCOME(expr)						\
	({							\
		struct outcome o_;				\
		errno = 0;					\
		o_.ret = (long)(expr);				\
		o_.err = o_.ret < 0 ? errno : 0;		\
		o_;						\
	})

#define ASSERT_SAME(native, kaio)					\
	do {								\
		struct outcome n_ = (native), k_ = (kaio);		\
		ASSERT_EQ(n_.ret, k_.ret);				\
		ASSERT_EQ(n_.err, k_.err);				\
	} while (0)

static int tmpfile_fd(void)
{
	char path[] = "/tmp/libkaio-test-XXXXXX";
	int fd = mkstemp(path);

	if (fd >= 0)
		unlink(path);
	return fd;
}

/* How many of this process's descriptors are the kaio device. */
static int count_device_fds(void)
{
	struct stat dev, st;
	struct dirent *d;
	DIR *dir;
	int n = 0;

	if (fstat(kaio_fd(), &dev))
		return -1;
	dir = opendir("/proc/self/fd");
	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		if (d->d_name[0] != '.' && fstatat(dirfd(dir), d->d_name, &st, 0) == 0 &&
		    S_ISCHR(st.st_mode) &&
		    st.st_rdev == dev.st_rdev)
			n++;
	}
	closedir(dir);
	return n;
}

/* One write and its event through the library: 0 when all went as expected. */
static int one_io(int fd, unsigned int nr)
{
	static __thread char buf[BLK];
	aio_context_t ctx = 0;
	struct iocb cb = {
		.aio_lio_opcode = IOCB_CMD_PWRITE, .aio_fildes = (uint32_t)fd,
		.aio_buf = (uint64_t)(uintptr_t)buf, .aio_nbytes = BLK, .aio_data = 7,
	};
	struct iocb *cbs[1] = { &cb };
	struct io_event ev;
	int bad = 0;

	if (kaio_io_setup(nr, &ctx))
		return 1;
	if (kaio_io_submit(ctx, 1, cbs) != 1 || kaio_io_getevents(ctx, 1, 1, &ev, NULL) != 1 ||
	    ev.data != 7 || ev.res != BLK || ev.obj != (uint64_t)(uintptr_t)&cb)
		bad = 2;
	if (kaio_io_destroy(ctx))
		bad = 3;
	return bad;
}

TEST(probe_and_descriptor)
{
	int fd, flags;

	ASSERT_EQ(0, kaio_probe());
	fd = kaio_fd();
	ASSERT_LE(0, fd);
	ASSERT_EQ(fd, kaio_fd());
	flags = fcntl(fd, F_GETFD);
	ASSERT_NE(-1, flags);
	ASSERT_TRUE(flags & FD_CLOEXEC);
}

/* Bad input gets what the system call gives, as -1/errno. */
TEST(errors_as_native)
{
	aio_context_t ctx = 0, nctx = 0, kctx = 0, nonzero = 1;
	struct iocb *null_cb[1] = { NULL };
	struct io_event ev;
	struct timespec zero = { 0, 0 };
	struct kaio_sigset bad_size = { NULL, 3 };

	ASSERT_SAME(OUTCOME(syscall(SYS_io_setup, 0u, &ctx)), OUTCOME(kaio_io_setup(0, &ctx)));
	ASSERT_SAME(OUTCOME(syscall(SYS_io_setup, 1u, NULL)), OUTCOME(kaio_io_setup(1, NULL)));
	ASSERT_SAME(OUTCOME(syscall(SYS_io_setup, 1u, &nonzero)),
		    OUTCOME(kaio_io_setup(1, &nonzero)));
	ASSERT_SAME(OUTCOME(syscall(SYS_io_setup, 0x80000000u, &ctx)),
		    OUTCOME(kaio_io_setup(0x80000000u, &ctx)));
	ASSERT_SAME(OUTCOME(syscall(SYS_io_destroy, 0UL)), OUTCOME(kaio_io_destroy(0)));

	/* syscall() reads longs: every count below is passed as one. */
	ASSERT_EQ(0, syscall(SYS_io_setup, 4u, &nctx));
	ASSERT_EQ(0, kaio_io_setup(4, &kctx));
	ASSERT_SAME(OUTCOME(syscall(SYS_io_submit, nctx, -1L, null_cb)),
		    OUTCOME(kaio_io_submit(kctx, -1, null_cb)));
	ASSERT_SAME(OUTCOME(syscall(SYS_io_submit, nctx, 1L, null_cb)),
		    OUTCOME(kaio_io_submit(kctx, 1, null_cb)));
	ASSERT_SAME(OUTCOME(syscall(SYS_io_submit, nctx, 1L, NULL)),
		    OUTCOME(kaio_io_submit(kctx, 1, NULL)));
	ASSERT_SAME(OUTCOME(syscall(SYS_io_cancel, nctx, NULL, &ev)),
		    OUTCOME(kaio_io_cancel(kctx, NULL, &ev)));
	ASSERT_SAME(OUTCOME(syscall(SYS_io_getevents, nctx, 2L, 1L, &ev, NULL)),
		    OUTCOME(kaio_io_getevents(kctx, 2, 1, &ev, NULL)));
	ASSERT_SAME(OUTCOME(syscall(SYS_io_getevents, nctx, 0L, 1L, &ev, &zero)),
		    OUTCOME(kaio_io_getevents(kctx, 0, 1, &ev, &zero)));
	ASSERT_SAME(OUTCOME(syscall(SYS_io_getevents, nctx, 0L, 1L, &ev, (void *)8)),
		    OUTCOME(kaio_io_getevents(kctx, 0, 1, &ev, (void *)8)));
	ASSERT_SAME(OUTCOME(syscall(SYS_io_pgetevents, nctx, 0L, 1L, &ev, &zero, &bad_size)),
		    OUTCOME(kaio_io_pgetevents(kctx, 0, 1, &ev, &zero, &bad_size)));
	ASSERT_SAME(OUTCOME(syscall(SYS_io_pgetevents, nctx, 0L, 1L, &ev, (void *)8, NULL)),
		    OUTCOME(kaio_io_pgetevents(kctx, 0, 1, &ev, (void *)8, NULL)));
	/* Each backend's context is unknown to the other. */
	ASSERT_SAME(OUTCOME(syscall(SYS_io_destroy, kctx)), OUTCOME(kaio_io_destroy(nctx)));
	ASSERT_EQ(0, syscall(SYS_io_destroy, nctx));
	ASSERT_EQ(0, kaio_io_destroy(kctx));
	ASSERT_SAME(OUTCOME(syscall(SYS_io_destroy, nctx)), OUTCOME(kaio_io_destroy(kctx)));
}

TEST(roundtrip)
{
	int fd = tmpfile_fd();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, one_io(fd, 8));
	close(fd);
}

/* A child uses the inherited descriptor, cannot use its parent's context, makes its own. */
/* kaio_io_submit_wait(): submitted and reaped in one call; the count reported. */
TEST(submit_wait)
{
	static char buf[4][BLK];
	struct iocb cbs[4], *ptrs[4];
	struct io_event ev[4];
	aio_context_t ctx = 0;
	long submitted = -1;
	int fd = tmpfile_fd();

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, BLK));	/* every read gets a whole block */
	ASSERT_EQ(0, kaio_io_setup(8, &ctx));
	for (int i = 0; i < 4; i++) {
		memset(&cbs[i], 0, sizeof(cbs[i]));
		cbs[i].aio_lio_opcode = IOCB_CMD_PREAD;
		cbs[i].aio_fildes = (uint32_t)fd;
		cbs[i].aio_buf = (uint64_t)(uintptr_t)buf[i];
		cbs[i].aio_nbytes = BLK;
		cbs[i].aio_data = (uint64_t)i + 100;
		ptrs[i] = &cbs[i];
	}
	ASSERT_EQ(4, kaio_io_submit_wait(ctx, 4, ptrs, 4, 4, ev, NULL, &submitted));
	EXPECT_EQ(4, submitted);
	for (int i = 0; i < 4; i++) {
		EXPECT_EQ(BLK, ev[i].res);
		EXPECT_EQ((uint64_t)(uintptr_t)&cbs[ev[i].data - 100], ev[i].obj);
	}
	/* A bad wait argument: nothing submitted, submitted 0, EINVAL. */
	submitted = -1;
	errno = 0;
	ASSERT_EQ(-1, kaio_io_submit_wait(ctx, 1, ptrs, 2, 1, ev, NULL, &submitted));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, submitted);
	/* submitted may be NULL. */
	ASSERT_EQ(1, kaio_io_submit_wait(ctx, 1, ptrs, 1, 1, ev, NULL, NULL));
	ASSERT_EQ(0, kaio_io_destroy(ctx));
	close(fd);
}

TEST(forked_child)
{
	aio_context_t ctx = 0;
	int fd = tmpfile_fd(), status;
	pid_t pid;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, kaio_io_setup(8, &ctx));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct io_event ev;
		struct timespec zero = { 0, 0 };

		if (kaio_io_getevents(ctx, 0, 1, &ev, &zero) != -1 || errno != EINVAL)
			_exit(10);
		if (kaio_io_destroy(ctx) != -1 || errno != EINVAL)
			_exit(11);
		_exit(one_io(fd, 4) ? 12 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, kaio_io_destroy(ctx));
	close(fd);
}

struct racer {
	pthread_barrier_t *start;
	int fd;
	int bad;
};

static void *race(void *arg)
{
	struct racer *r = arg;

	pthread_barrier_wait(r->start);
	for (int i = 0; i < 20 && !r->bad; i++)
		r->bad = one_io(r->fd, 4);
	return NULL;
}

/* Threads racing to the first call end up sharing one descriptor. */
TEST(threads_race_to_open)
{
	enum { N = 8 };
	pthread_barrier_t start;
	pthread_t t[N];
	struct racer r[N];
	int fd = tmpfile_fd();

	ASSERT_LE(0, fd);
	kaio_close();
	ASSERT_EQ(0, pthread_barrier_init(&start, NULL, N));
	for (int i = 0; i < N; i++) {
		r[i] = (struct racer){ .start = &start, .fd = fd };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, race, &r[i]));
	}
	for (int i = 0; i < N; i++) {
		ASSERT_EQ(0, pthread_join(t[i], NULL));
		EXPECT_EQ(0, r[i].bad);
	}
	ASSERT_EQ(1, count_device_fds());
	pthread_barrier_destroy(&start);
	close(fd);
}

/* The program closes the library's descriptor and the number is reused. */
TEST(descriptor_closed_behind_our_back)
{
	int kfd = kaio_fd(), other, fd = tmpfile_fd();
	struct stat st;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, kfd);
	ASSERT_EQ(0, close(kfd));
	other = open("/dev/null", O_RDWR);
	ASSERT_EQ(kfd, other);
	ASSERT_EQ(0, one_io(fd, 4));
	ASSERT_NE(other, kaio_fd());
	/* The reused number still is what the program opened. */
	ASSERT_EQ(0, fstat(other, &st));
	ASSERT_EQ(makedev(1, 3), st.st_rdev);
	close(other);

	/* dup2() of a pipe over it: ioctl says ENOTTY, and the library reopens. */
	int p[2];

	kfd = kaio_fd();
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(kfd, dup2(p[0], kfd));
	ASSERT_EQ(0, one_io(fd, 4));
	ASSERT_NE(kfd, kaio_fd());
	ASSERT_EQ(0, fstat(kfd, &st));
	ASSERT_TRUE(S_ISFIFO(st.st_mode));
	close(kfd);
	close(p[0]);
	close(p[1]);
	ASSERT_EQ(1, count_device_fds());
	close(fd);
}

/* No usable device: kaio_probe says why, every call fails with ENOSYS. */
TEST(missing_device)
{
	aio_context_t ctx = 0;
	int status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		kaio_close();
		setenv("KAIO_DEVICE", "/nonexistent/kaio", 1);
		if (kaio_probe() != -1 || errno != ENOENT)
			_exit(10);
		if (kaio_io_setup(1, &ctx) != -1 || errno != ENOSYS || ctx != 0)
			_exit(11);
		if (kaio_io_destroy(1) != -1 || errno != ENOSYS)
			_exit(12);
		/* A character device that is not kaio. */
		setenv("KAIO_DEVICE", "/dev/null", 1);
		if (kaio_probe() != -1 || errno != EPROTO)
			_exit(13);
		/* A file that is not a device at all. */
		setenv("KAIO_DEVICE", "/proc/self/status", 1);
		if (kaio_probe() != -1 || errno != ENODEV)
			_exit(14);
		if (kaio_fd() != -1)
			_exit(15);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
}

static long long now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

#ifndef __LP64__
long kaio_io_getevents_time64(aio_context_t ctx, long min_nr, long nr, struct io_event *events,
			      void *timeout);

/* A _TIME_BITS=64 program's call: the timespec goes to the module as it is. */
static long getevents_time64(aio_context_t ctx, struct io_event *ev, int64_t nsec)
{
	struct { int64_t sec, nsec; } ts64 = { 0, nsec };

	return kaio_io_getevents_time64(ctx, 1, 1, ev, &ts64);
}
#endif

/* The timeout is honoured (not taken as zero or forever) on both word sizes. */
TEST(timeout_waits)
{
	aio_context_t ctx = 0;
	struct io_event ev;
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	long long t0;

	ASSERT_EQ(0, kaio_io_setup(1, &ctx));
	t0 = now_us();
	ASSERT_EQ(0, kaio_io_getevents(ctx, 1, 1, &ev, &ts));
	ASSERT_LE(20000, now_us() - t0);
	t0 = now_us();
	ASSERT_EQ(0, kaio_io_pgetevents(ctx, 1, 1, &ev, &ts, NULL));
	ASSERT_LE(20000, now_us() - t0);
#ifndef __LP64__
	t0 = now_us();
	ASSERT_EQ(0, getevents_time64(ctx, &ev, 20 * 1000 * 1000));
	ASSERT_LE(20000, now_us() - t0);
#endif
	ASSERT_EQ(0, kaio_io_destroy(ctx));
}

/* kaio_close() leaves contexts alone: they belong to the address space. */
TEST(close_keeps_contexts)
{
	aio_context_t ctx = 0;
	struct io_event ev;
	struct timespec zero = { 0, 0 };

	ASSERT_EQ(0, kaio_io_setup(2, &ctx));
	kaio_close();
	ASSERT_EQ(0, kaio_io_getevents(ctx, 0, 1, &ev, &zero));
	ASSERT_EQ(0, kaio_io_destroy(ctx));
}

TEST_HARNESS_MAIN
