// SPDX-License-Identifier: GPL-2.0
/*
 * Every allocation of every call fails in turn, on every backend: io_setup,
 * io_submit of each opcode (and of RESFD and a mixed batch), io_cancel,
 * io_getevents (with and without a timeout running out), io_pgetevents,
 * io_destroy with requests in flight, and the exit of a process with I/O
 * in flight.  The call fails with an errno native gives (ENOMEM from
 * io_setup; EAGAIN or ENOMEM from io_submit, or a completion with the
 * error; nothing else may fail at all) and leaves nothing behind: every
 * accepted request completes once, fs.aio-nr back at its baseline, the next
 * call works, nothing leaked (the debug kernel's kmemleak scan after the
 * run) and the module unloads (the VM runner's rmmod).  Each sweep logs how
 * many fault points the call passed and how many of them failed it.
 *
 * The n-th fault point a task reaches fails when n is written to
 * /proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION); slab and page
 * allocations that may sleep are made eligible through debugfs for the
 * duration of the test.  n grows until a call gets through without
 * reaching its n-th fault point.  SKIPs on kernels without fault injection
 * (Debian's stock kernel).
 */
#include <poll.h>
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
	bool partial;	/* io_submit took only the iocbs before the one that failed */
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
 * The other calls, one scenario each.  A fresh child builds the state a
 * call needs (a context, files, requests in flight, user buffers faulted
 * in so that only the call's own allocations are counted), arms fail-nth,
 * makes the call, disarms and then checks what followed: every request the
 * call accepted completes exactly once with a result native could give,
 * and the context is destroyed.
 */
enum { IOVS = 12, MAX_CBS = 4 };

struct world {
	const struct aio_backend *b;
	aio_context_t ctx;
	int file, efd, pipefd[2];
	struct iocb cb[MAX_CBS], *p[MAX_CBS];
	int nr_cbs;		/* iocbs the call submits */
	long to_reap;		/* events owed after the call */
	struct io_event ev[MAX_CBS];
	struct iovec iov[IOVS];
	char data[IOVS][64];
};

struct scenario {
	const char *name;
	/* Before arming: 0, or the number of the step that failed. */
	int (*prep)(struct world *w);
	/* The faulted call, with the backend's convention (-1 and errno). */
	long (*call)(struct world *w);
	/* What the call returns when nothing fails. */
	long (*expected)(const struct world *w);
	/* Besides failing with one of them, the call must return expected(). */
	int errs[3];
};

static int prep_ctx(struct world *w)
{
	w->file = tmp_file(4096, 0);
	w->efd = eventfd(0, EFD_CLOEXEC);
	if (w->file < 0 || w->efd < 0 || pipe2(w->pipefd, O_CLOEXEC | O_NONBLOCK))
		return 10;
	if (w->b->io_setup(8, &w->ctx))
		return 11;
	/*
	 * Fault the ring's header page in now: the lookup reads it, and a
	 * page-table allocation failing there would be EINVAL, natively too.
	 */
	if (aio_ring_of(w->ctx)->magic != KAIO_RING_MAGIC)
		return 12;
	for (int i = 0; i < IOVS; i++)
		w->iov[i] = (struct iovec){ w->data[i], sizeof(w->data[i]) };
	memset(w->ev, 0, sizeof(w->ev));
	for (int i = 0; i < MAX_CBS; i++)
		w->p[i] = &w->cb[i];
	return 0;
}

/* One iocb of @opcode on the scratch file (or the pipe, for POLL). */
static void prep_one(struct world *w, int i, unsigned int opcode)
{
	switch (opcode) {
	case IOCB_CMD_PREADV:
	case IOCB_CMD_PWRITEV:
		/* More iovecs than fit on the stack: the array is allocated. */
		iocb_prep(&w->cb[i], opcode, w->file, w->iov, IOVS, 0, (unsigned int)i + 1);
		break;
	case IOCB_CMD_FSYNC:
	case IOCB_CMD_FDSYNC:
		iocb_prep(&w->cb[i], opcode, w->file, NULL, 0, 0, (unsigned int)i + 1);
		break;
	case IOCB_CMD_POLL:
		iocb_prep(&w->cb[i], opcode, w->pipefd[0], NULL, 0, 0, (unsigned int)i + 1);
		w->cb[i].aio_buf = POLLIN;
		break;
	default:
		iocb_prep(&w->cb[i], opcode, w->file, w->data[i], 64, 64 * i, (unsigned int)i + 1);
		break;
	}
}

/*
 * The result an event of @cb may carry: what it gives when nothing fails,
 * or, for a write (a tmpfs page to allocate), ENOMEM.  The transfers stay
 * within one page of the scratch file, which is all or nothing.
 */
static bool res_possible(const struct world *w, const struct io_event *e)
{
	const struct iocb *cb = (const struct iocb *)(uintptr_t)e->obj;
	long long res = e->res;

	if (cb < w->cb || cb >= w->cb + MAX_CBS || e->data != cb->aio_data || e->res2)
		return false;
	switch (cb->aio_lio_opcode) {
	case IOCB_CMD_PREADV:
		return res == IOVS * 64;
	case IOCB_CMD_PWRITEV:
		return res == IOVS * 64 || res == -ENOMEM;
	case IOCB_CMD_PREAD:
		return res == (long long)cb->aio_nbytes;
	case IOCB_CMD_PWRITE:
		return res == (long long)cb->aio_nbytes || res == -ENOMEM;
	case IOCB_CMD_POLL:
		/* A cancelled poll completes with no event bits. */
		return res == 0 || (res > 0 && (res & POLLIN));
	default:
		return res == 0;
	}
}

static long call_submit(struct world *w)
{
	return w->b->io_submit(w->ctx, w->nr_cbs, w->p);
}

static long expect_all(const struct world *w)
{
	return w->nr_cbs;
}

static long expect_zero(const struct world *w)
{
	(void)w;
	return 0;
}

static long expect_one(const struct world *w)
{
	(void)w;
	return 1;
}

#define PREP_SINGLE(fn, opcode)					\
static int fn(struct world *w)					\
{								\
	int bad = prep_ctx(w);					\
								\
	if (bad)						\
		return bad;					\
	prep_one(w, 0, opcode);					\
	w->nr_cbs = 1;						\
	return 0;						\
}
PREP_SINGLE(prep_pread, IOCB_CMD_PREAD)
PREP_SINGLE(prep_pwrite, IOCB_CMD_PWRITE)
PREP_SINGLE(prep_preadv, IOCB_CMD_PREADV)
PREP_SINGLE(prep_pwritev, IOCB_CMD_PWRITEV)
PREP_SINGLE(prep_fsync, IOCB_CMD_FSYNC)
PREP_SINGLE(prep_fdsync, IOCB_CMD_FDSYNC)
PREP_SINGLE(prep_poll_waits, IOCB_CMD_POLL)

/* A poll whose pipe is readable already: it completes inside io_submit. */
static int prep_poll_ready(struct world *w)
{
	int bad = prep_poll_waits(w);

	if (!bad && write(w->pipefd[1], "x", 1) != 1)
		bad = 13;
	return bad;
}

/* A read that signals an eventfd when it completes. */
static int prep_resfd(struct world *w)
{
	int bad = prep_pread(w);

	w->cb[0].aio_flags = IOCB_FLAG_RESFD;
	w->cb[0].aio_resfd = (unsigned int)w->efd;
	return bad;
}

/* A read, a vectored write, an fsync (credentials copied) and a read signalling an eventfd. */
static int prep_mixed(struct world *w)
{
	int bad = prep_ctx(w);

	if (bad)
		return bad;
	prep_one(w, 0, IOCB_CMD_PREAD);
	prep_one(w, 1, IOCB_CMD_PWRITEV);
	prep_one(w, 2, IOCB_CMD_FSYNC);
	prep_one(w, 3, IOCB_CMD_PREAD);
	w->cb[3].aio_flags = IOCB_FLAG_RESFD;
	w->cb[3].aio_resfd = (unsigned int)w->efd;
	w->nr_cbs = 4;
	return 0;
}

/* A poll waiting on an empty pipe, submitted before the call. */
static int prep_pending_poll(struct world *w)
{
	int bad = prep_poll_waits(w);

	if (bad)
		return bad;
	if (w->b->io_submit(w->ctx, 1, w->p) != 1)
		return 14;
	w->nr_cbs = 0;
	w->to_reap = 1;
	return 0;
}

/* A read that has completed: its event waits in the ring. */
static int prep_completed_read(struct world *w)
{
	int bad = prep_pread(w);

	if (bad)
		return bad;
	if (w->b->io_submit(w->ctx, 1, w->p) != 1)
		return 15;
	for (int i = 0; i < 500 && ring_load(&aio_ring_of(w->ctx)->tail) ==
			ring_load(&aio_ring_of(w->ctx)->head); i++)
		msleep(10);
	w->nr_cbs = 0;
	w->to_reap = 1;
	return 0;
}

/* io_cancel of the pending poll: -EINPROGRESS, its event in the ring. */
static long call_cancel(struct world *w)
{
	return w->b->io_cancel(w->ctx, &w->cb[0], &w->ev[0]);
}

static long expect_inprogress(const struct world *w)
{
	(void)w;
	errno = EINPROGRESS;
	return -1;
}

static long call_getevents(struct world *w)
{
	struct __kernel_timespec ts = { 5, 0 };
	long r = w->b->io_getevents(w->ctx, 1, MAX_CBS, w->ev, &ts);

	if (r > 0)
		w->to_reap -= r;
	return r;
}

/* Nothing to reap: the timeout's timer runs out. */
static long call_getevents_timeout(struct world *w)
{
	struct __kernel_timespec ts = { 0, 2000000 };

	return w->b->io_getevents(w->ctx, 1, MAX_CBS, w->ev, &ts);
}

static long call_pgetevents(struct world *w)
{
	struct __kernel_timespec ts = { 5, 0 };
	sigset_t mask;
	struct kaio_sigset ss = { 0 };
	long r;

	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	ss.sigmask = &mask;
	ss.sigsetsize = AIO_KERNEL_SIGSET_SIZE;
	r = w->b->io_pgetevents(w->ctx, 1, MAX_CBS, w->ev, &ts, &ss);
	if (r > 0)
		w->to_reap -= r;
	return r;
}

/* io_destroy with a poll pending (cancelled) and a completion unreaped. */
static int prep_destroy(struct world *w)
{
	int bad = prep_pending_poll(w);

	if (bad)
		return bad;
	prep_one(w, 1, IOCB_CMD_PREAD);
	if (w->b->io_submit(w->ctx, 1, &w->p[1]) != 1)
		return 16;
	w->to_reap = 0;
	return 0;
}

static long call_destroy(struct world *w)
{
	long r = w->b->io_destroy(w->ctx);

	if (r == 0)
		w->ctx = 0;
	return r;
}

static const struct scenario scenarios[] = {
	{ "submit_pread", prep_pread, call_submit, expect_all, { EAGAIN, ENOMEM } },
	{ "submit_pwrite", prep_pwrite, call_submit, expect_all, { EAGAIN, ENOMEM } },
	{ "submit_preadv", prep_preadv, call_submit, expect_all, { EAGAIN, ENOMEM } },
	{ "submit_pwritev", prep_pwritev, call_submit, expect_all, { EAGAIN, ENOMEM } },
	{ "submit_fsync", prep_fsync, call_submit, expect_all, { EAGAIN, ENOMEM } },
	{ "submit_fdsync", prep_fdsync, call_submit, expect_all, { EAGAIN, ENOMEM } },
	{ "submit_poll_waits", prep_poll_waits, call_submit, expect_all, { EAGAIN, ENOMEM } },
	{ "submit_poll_ready", prep_poll_ready, call_submit, expect_all, { EAGAIN, ENOMEM } },
	{ "submit_resfd", prep_resfd, call_submit, expect_all, { EAGAIN, ENOMEM } },
	{ "submit_mixed", prep_mixed, call_submit, expect_all, { EAGAIN, ENOMEM } },
	{ "cancel_poll", prep_pending_poll, call_cancel, expect_inprogress, { 0 } },
	{ "getevents", prep_completed_read, call_getevents, expect_one, { 0 } },
	{ "getevents_timeout", prep_ctx, call_getevents_timeout, expect_zero, { 0 } },
	{ "pgetevents", prep_completed_read, call_pgetevents, expect_one, { 0 } },
	{ "destroy", prep_destroy, call_destroy, expect_zero, { 0 } },
};
#define NR_SCENARIOS (sizeof(scenarios) / sizeof(scenarios[0]))

/* The scenario run_scenario() runs in the child (set before the fork). */
static const struct scenario *current;

/*
 * The outcome's steps: 1-9 what followed the call, 10+ the preparation;
 * bad = 1 the call's result, 2 an event, 3 an event missing, 4 destroy.
 */
static void run_scenario(const struct aio_backend *b, int fd, int n, struct outcome *o)
{
	struct world w = { .b = b, .file = -1, .efd = -1, .pipefd = { -1, -1 } };
	long want, got = 0;
	int want_err;

	o->bad = current->prep(&w);
	if (o->bad)
		return;
	errno = 0;
	want = current->expected(&w);
	want_err = errno;
	if (arm(fd, n)) {
		o->bad = 17;
		return;
	}
	errno = 0;
	o->ret = current->call(&w);
	o->err = errno;
	o->injected = disarm(fd);

	/* A batch may stop at the iocb that failed: the ones before it count. */
	if (current->call == call_submit && o->ret > 0 && o->ret < want)
		o->partial = true;
	else if (o->ret != want || (want < 0 && o->err != want_err)) {
		bool listed = false;

		for (int i = 0; i < 3 && current->errs[i]; i++)
			listed |= o->ret == -1 && o->err == current->errs[i];
		if (!listed) {
			o->bad = 1;
			return;
		}
	}
	if (current->call == call_submit && o->ret > 0)
		w.to_reap += o->ret;
	/* A waiting poll completes once its pipe has data. */
	if (w.pipefd[1] >= 0 && write(w.pipefd[1], "y", 1) != 1)
		o->bad = 5;
	while (w.ctx && got < w.to_reap) {
		struct __kernel_timespec ts = { 5, 0 };
		long r = b->io_getevents(w.ctx, 1, MAX_CBS, w.ev, &ts);

		if (r <= 0) {
			o->bad = 3;
			break;
		}
		for (long i = 0; i < r; i++)
			if (!res_possible(&w, &w.ev[i]))
				o->bad = 2;
		got += r;
	}
	if (w.ctx && b->io_destroy(w.ctx))
		o->bad = 4;
	close(w.file);
	close(w.efd);
	close(w.pipefd[0]);
	close(w.pipefd[1]);
}

TEST_F(fault, every_call_fails_once)
{
	const struct aio_backend *b = variant->backend;
	int total_points = 0, total_failures = 0;

	FAULT_BEGIN();
	AIO_REQUIRE(b, AIO_OP_CANCEL, AIO_OP_PGETEVENTS);
	for (size_t s = 0; s < NR_SCENARIOS; s++) {
		int n, failures = 0;

		current = &scenarios[s];
		for (n = 1; n <= MAX_FAULT_POINTS; n++) {
			struct outcome o = { 0 };
			unsigned long now;

			ASSERT_OK(run_faulted(&o, n, run_scenario, b));
			ASSERT_EQ(0, o.bad) {
				TH_LOG("%s, fault point %d: step %d failed (call returned %ld, %s)",
				       current->name, n, o.bad, o.ret,
				       o.ret < 0 ? strerrorname_np(o.err) ?: "?" : "-");
			}
			if ((o.ret < 0 && current->errs[0]) || o.partial)
				failures++;
			if (self->t.have_nr) {
				ASSERT_OK(b->nr_in_use(&now));
				ASSERT_EQ(self->t.nr_before, now) {
					TH_LOG("%s, fault point %d: aio-nr %lu, %lu before",
					       current->name, n, now, self->t.nr_before);
				}
			}
			if (!o.injected)
				break;
		}
		ASSERT_GT(MAX_FAULT_POINTS, n);
		TH_LOG("%s: %s passed %d fault points, %d of them failed the call", b->name,
		       current->name, n - 1, failures);
		total_points += n - 1;
		total_failures += failures;
	}
	TH_LOG("%s: %zu calls passed %d fault points in all, %d of them failed the call",
	       b->name, NR_SCENARIOS, total_points, total_failures);
}

/*
 * A process exits with a poll pending and a read completed but unreaped,
 * its n-th fault point after the submit failing: in the exit path, where
 * the contexts are torn down (for kaio, when its address space goes).  The
 * zombie's fail-nth, read before it is reaped, tells whether the n-th point
 * was reached; n grows until it was not.
 */
TEST_F(fault, exit_with_io_in_flight)
{
	const struct aio_backend *b = variant->backend;
	int n;

	FAULT_BEGIN();
	for (n = 1; n <= MAX_FAULT_POINTS; n++) {
		char path[64], left[16] = "";
		unsigned long now = 0;
		siginfo_t info;
		int status, fd;
		pid_t pid = fork();
		bool fired;

		ASSERT_LE(0, pid);
		if (pid == 0) {
			struct world w = { .b = b, .file = -1, .efd = -1, .pipefd = { -1, -1 } };

			fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
			if (fd < 0 || prep_destroy(&w) || arm(fd, n))
				_exit(1);
			_exit(0);
		}
		ASSERT_OK(waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT));
		snprintf(path, sizeof(path), "/proc/%d/task/%d/fail-nth", (int)pid, (int)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, fd);
		ASSERT_LT(0, read(fd, left, sizeof(left) - 1));
		close(fd);
		/* Counted down to 0 when the n-th point failed. */
		fired = atoi(left) == 0;
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			TH_LOG("fault point %d: the child failed before exiting (status 0x%x)", n,
			       status);
		}
		if (self->t.have_nr) {
			/* The last reference may go a little after the parent reaps. */
			for (int i = 0; i < 500 && !nr_at_baseline(&self->t, &now); i++)
				msleep(10);
			ASSERT_EQ(self->t.nr_before, now) {
				TH_LOG("fault point %d in the exit path: aio-nr %lu, %lu before", n,
				       now, self->t.nr_before);
			}
		}
		if (!fired)
			break;
	}
	ASSERT_GT(MAX_FAULT_POINTS, n);
	TH_LOG("%s: the exit passed %d fault points", b->name, n - 1);
}

TEST_HARNESS_MAIN
