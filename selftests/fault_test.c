// SPDX-License-Identifier: GPL-2.0
/*
 * Every allocation of io_setup and io_submit fails in turn, on every
 * backend: the call fails with the native errno (ENOMEM from io_setup;
 * EAGAIN or ENOMEM from io_submit, or a completion with the error) and
 * leaves nothing behind: fs.aio-nr back at its baseline, the next call
 * works, nothing leaked (the debug kernel's kmemleak scan after the run)
 * and the module unloads (the VM runner's rmmod).
 *
 * The n-th fault point a task reaches fails when n is written to
 * /proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION); slab and page
 * allocations that may sleep are made eligible through debugfs for the
 * duration of the test.  n grows until a call gets through without
 * reaching its n-th fault point.  SKIPs on kernels without fault injection
 * (Debian's stock kernel).
 */
#include <sys/eventfd.h>
#include <sys/uio.h>

#include "aio_selftest.h"
#include "aio_test_util.h"

#define FAULT_DEBUGFS	"/sys/kernel/debug"
#define MAX_FAULT_POINTS 600

/* The debugfs knobs this test changes, and their old values. */
static const char *const knobs[][2] = {
	{ FAULT_DEBUGFS "/failslab/ignore-gfp-wait", "N" },
	{ FAULT_DEBUGFS "/failslab/verbose", "0" },
	{ FAULT_DEBUGFS "/fail_page_alloc/ignore-gfp-wait", "N" },
	{ FAULT_DEBUGFS "/fail_page_alloc/ignore-gfp-highmem", "N" },
	{ FAULT_DEBUGFS "/fail_page_alloc/min-order", "0" },
	{ FAULT_DEBUGFS "/fail_page_alloc/verbose", "0" },
};
#define NR_KNOBS (sizeof(knobs) / sizeof(knobs[0]))

FIXTURE(fault) {
	struct aio_tracker t;
	char saved[NR_KNOBS][32];
	bool changed[NR_KNOBS];
	char why[200];
	bool usable;
};

AIO_BACKEND_VARIANTS(fault);

static int read_str(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

FIXTURE_SETUP(fault)
{
	tracker_init(&self->t, variant->backend);
	if (access("/proc/thread-self/fail-nth", W_OK)) {
		snprintf(self->why, sizeof(self->why),
			 "no /proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION) or not root");
		return;
	}
	for (size_t i = 0; i < NR_KNOBS; i++) {
		if (read_str(knobs[i][0], self->saved[i], sizeof(self->saved[i]))) {
			snprintf(self->why, sizeof(self->why), "no %s (FAILSLAB, FAIL_PAGE_ALLOC, debugfs)",
				 knobs[i][0]);
			return;
		}
	}
	for (size_t i = 0; i < NR_KNOBS; i++) {
		ASSERT_OK(write_str(knobs[i][0], knobs[i][1]));
		self->changed[i] = true;
	}
	self->usable = true;
}

FIXTURE_TEARDOWN(fault)
{
	for (size_t i = 0; i < NR_KNOBS; i++)
		if (self->changed[i])
			EXPECT_EQ(0, write_str(knobs[i][0], self->saved[i]));
	TRACKER_TEARDOWN_CHECK(&self->t);
}

#define FAULT_BEGIN() do {						\
	AIO_REQUIRE(variant->backend, AIO_OP_SETUP, AIO_OP_DESTROY,	\
		    AIO_OP_SUBMIT, AIO_OP_GETEVENTS);			\
	if (!self->usable)						\
		SKIP(return, "%s", self->why);				\
} while (0)

/* What a child reports: the call's result and errno, and whether its fault fired. */
struct outcome {
	long ret;
	int err;
	bool injected;
	int bad;	/* a later step that should have worked did not */
};

/* Arm fail-nth with @n through @fd (this thread's file); 0 or -1. */
static int arm(int fd, int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", n);

	return pwrite(fd, buf, (size_t)len, 0) == len ? 0 : -1;
}

/* Disarm; true if the armed fault fired (the count ran down to zero). */
static bool disarm(int fd)
{
	char buf[16] = "";
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	bool fired = n > 0 && atoi(buf) == 0;

	arm(fd, 0);
	return fired;
}

/* Run @fn in a child with its @n-th fault point failing; its outcome through a pipe. */
static int run_faulted(struct outcome *out, int n,
		       void (*fn)(const struct aio_backend *b, int fd, int n, struct outcome *o),
		       const struct aio_backend *b)
{
	int pipefd[2], status;
	pid_t pid;

	if (pipe(pipefd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct outcome o = { .bad = 0 };
		int fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);

		if (fd < 0)
			_exit(1);
		fn(b, fd, n, &o);
		if (write(pipefd[1], &o, sizeof(o)) != sizeof(o))
			_exit(2);
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], out, sizeof(*out)) != sizeof(*out))
		out->bad = -1;
	close(pipefd[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	return 0;
}

/* The first io_setup of a fresh process (its mm's state made too), n-th fault failing. */
static void setup_faulted(const struct aio_backend *b, int fd, int n, struct outcome *o)
{
	aio_context_t ctx = 0;

	if (arm(fd, n)) {
		o->bad = 1;
		return;
	}
	o->ret = b->io_setup(8, &ctx);
	o->err = errno;
	o->injected = disarm(fd);
	if (o->ret == 0 && (ctx == 0 || b->io_destroy(ctx)))
		o->bad = 2;
	/* Whatever failed, the next one works. */
	ctx = 0;
	if (b->io_setup(8, &ctx) || b->io_destroy(ctx))
		o->bad = 3;
}

TEST_F(fault, setup_everything_fails_once)
{
	const struct aio_backend *b = variant->backend;
	int n, failures = 0;

	FAULT_BEGIN();
	for (n = 1; n <= MAX_FAULT_POINTS; n++) {
		struct outcome o = { 0 };
		unsigned long now;

		ASSERT_OK(run_faulted(&o, n, setup_faulted, b));
		ASSERT_EQ(0, o.bad) {
			TH_LOG("fault point %d: step %d after the faulted io_setup failed", n, o.bad);
		}
		if (o.ret) {
			failures++;
			ASSERT_EQ(ENOMEM, o.err) {
				TH_LOG("fault point %d: io_setup failed with %s", n,
				       strerrorname_np(o.err) ?: "?");
			}
		}
		if (self->t.have_nr) {
			ASSERT_OK(b->nr_in_use(&now));
			ASSERT_EQ(self->t.nr_before, now) {
				TH_LOG("fault point %d: aio-nr %lu, %lu before", n, now,
				       self->t.nr_before);
			}
		}
		if (!o.injected)
			break;
	}
	ASSERT_GT(MAX_FAULT_POINTS, n);
	TH_LOG("%s: io_setup passed %d fault points, %d of them failed the call", b->name,
	       n - 1, failures);
}

/*
 * One io_submit of a mixed batch: a read, a vectored write with more
 * iovecs than fit on the stack, an fsync (credentials copied) and a read
 * that signals an eventfd; n-th fault failing.  Every submitted request
 * completes.
 */
static void submit_faulted(const struct aio_backend *b, int fd, int n, struct outcome *o)
{
	enum { IOVS = 12 };
	static char data[IOVS][64];
	struct iovec iov[IOVS];
	struct iocb cb[4], *p[4];
	struct io_event ev[4];
	aio_context_t ctx = 0;
	int file = tmp_file(4096, 0), efd = eventfd(0, EFD_CLOEXEC);
	long got = 0;

	if (file < 0 || efd < 0 || b->io_setup(8, &ctx)) {
		o->bad = 1;
		return;
	}
	for (int i = 0; i < IOVS; i++)
		iov[i] = (struct iovec){ data[i], sizeof(data[i]) };
	iocb_prep(&cb[0], IOCB_CMD_PREAD, file, data[0], 64, 0, 1);
	iocb_prep(&cb[1], IOCB_CMD_PWRITEV, file, iov, IOVS, 0, 2);
	iocb_prep(&cb[2], IOCB_CMD_FSYNC, file, NULL, 0, 0, 3);
	iocb_prep(&cb[3], IOCB_CMD_PREAD, file, data[1], 64, 64, 4);
	cb[3].aio_flags = IOCB_FLAG_RESFD;
	cb[3].aio_resfd = (unsigned int)efd;
	for (int i = 0; i < 4; i++)
		p[i] = &cb[i];
	/*
	 * Fault the ring's header page in now: the lookup reads it, and a
	 * page-table allocation failing there would be EINVAL, natively too.
	 */
	if (aio_ring_of(ctx)->magic != KAIO_RING_MAGIC) {
		o->bad = 5;
		return;
	}

	if (arm(fd, n)) {
		o->bad = 2;
		return;
	}
	o->ret = b->io_submit(ctx, 4, p);
	o->err = errno;
	o->injected = disarm(fd);
	while (o->ret > 0 && got < o->ret) {
		struct __kernel_timespec ts = { 5, 0 };
		long r = b->io_getevents(ctx, 1, 4, ev, &ts);

		if (r <= 0) {
			o->bad = 3;
			break;
		}
		got += r;
	}
	if (b->io_destroy(ctx))
		o->bad = 4;
	close(file);
	close(efd);
}

TEST_F(fault, submit_everything_fails_once)
{
	const struct aio_backend *b = variant->backend;
	int n, failures = 0;

	FAULT_BEGIN();
	for (n = 1; n <= MAX_FAULT_POINTS; n++) {
		struct outcome o = { 0 };

		ASSERT_OK(run_faulted(&o, n, submit_faulted, b));
		ASSERT_EQ(0, o.bad) {
			TH_LOG("fault point %d: step %d failed", n, o.bad);
		}
		if (o.ret < 0) {
			failures++;
			ASSERT_TRUE(o.err == EAGAIN || o.err == ENOMEM) {
				TH_LOG("fault point %d: io_submit failed with %s", n,
				       strerrorname_np(o.err) ?: "?");
			}
		}
		if (!o.injected)
			break;
	}
	ASSERT_GT(MAX_FAULT_POINTS, n);
	TH_LOG("%s: io_submit passed %d fault points, %d of them failed the call", b->name,
	       n - 1, failures);
}

TEST_HARNESS_MAIN
