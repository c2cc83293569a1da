// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile use by an unprivileged user, on every backend.  A child drops to
 * uid/gid 65534 (nobody) and then:
 *
 *   stranger             cannot submit to, reap from, cancel in or destroy
 *                        a context root's process made (EINVAL each), and
 *                        root's context keeps working;
 *   quota                cannot set up more than the system-wide limit
 *                        (aio-max-nr, lowered for the test) allows: exactly
 *                        limit / per-context charge contexts, then EAGAIN;
 *   memory_bounded       pins a bounded amount of kernel memory: per
 *                        context and per in-flight request, measured as
 *                        the drop of MemFree (and growth of Slab) over many
 *                        of them, logged for the comparison with native in
 *                        RELIABILITY.md and held to generous bounds (64 KiB
 *                        per context of 64 events, 2 KiB per request).
 *
 * Everything the child made dies with it: fs.aio-nr back at its baseline.
 * Needs root (to drop privileges and lower the limit); SKIPs otherwise.
 */
#include <poll.h>
#include <grp.h>
#include <sys/wait.h>

#include "aio_selftest.h"
#include "aio_test_util.h"

#define NOBODY 65534

FIXTURE(hostile) {
	struct aio_tracker t;
	char limit_path[64];
	char saved_limit[32];
	bool limit_changed;
};

AIO_BACKEND_VARIANTS(hostile);

FIXTURE_SETUP(hostile)
{
	tracker_init(&self->t, variant->backend);
	snprintf(self->limit_path, sizeof(self->limit_path), "%s",
		 strcmp(variant->backend->name, "kaio") ? "/proc/sys/fs/aio-max-nr" :
		 "/proc/sys/fs/kaio/aio-max-nr");
}

FIXTURE_TEARDOWN(hostile)
{
	if (self->limit_changed)
		EXPECT_EQ(0, write_str(self->limit_path, self->saved_limit));
	TRACKER_TEARDOWN_CHECK(&self->t);
}

#define HOSTILE_BEGIN() do {						\
	AIO_REQUIRE(variant->backend, AIO_OP_SETUP, AIO_OP_DESTROY,	\
		    AIO_OP_SUBMIT, AIO_OP_CANCEL, AIO_OP_GETEVENTS);	\
	if (geteuid() != 0)						\
		SKIP(return, "needs root to drop privileges");		\
} while (0)

/* Lower the backend's aio-max-nr to @limit for the test (restored by teardown). */
static int set_limit(FIXTURE_DATA(hostile) *self, unsigned long limit)
{
	char buf[32];
	int fd = open(self->limit_path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, self->saved_limit, sizeof(self->saved_limit) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	self->saved_limit[n] = '\0';
	self->saved_limit[strcspn(self->saved_limit, "\n")] = '\0';
	snprintf(buf, sizeof(buf), "%lu", limit);
	if (write_str(self->limit_path, buf))
		return -1;
	self->limit_changed = true;
	return 0;
}

/* Become nobody: 0, or -1. */
static int drop_privileges(void)
{
	if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
		return -1;
	return getuid() == NOBODY && geteuid() == NOBODY ? 0 : -1;
}

/* A /proc/meminfo field in kB, or -1. */
static long meminfo_kb(const char *field)
{
	char line[128];
	size_t len = strlen(field);
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, len) && line[len] == ':') {
			kb = atol(line + len + 1);
			break;
		}
	fclose(f);
	return kb;
}

/* What the unprivileged child reports back. */
struct report {
	int step;		/* 0, or the number of the step that went wrong */
	int err;		/* its errno */
	long ret;		/* its result */
	long count;		/* contexts (quota) */
	long ctx_bytes;		/* MemFree drop per context (memory_bounded) */
	long ctx_slab;		/* Slab growth per context */
	long reqs;		/* requests in flight at EAGAIN */
	long req_bytes;		/* MemFree drop per request */
	long req_slab;		/* Slab growth per request */
	unsigned long charge;	/* aio-nr charged for one context */
};

/* Run @fn as nobody in a child; its report through a pipe.  0, or -1. */
static int as_nobody(struct report *r, void (*fn)(const struct aio_backend *b, void *arg,
						  struct report *r),
		     const struct aio_backend *b, void *arg)
{
	int pipefd[2], status;
	pid_t pid;

	if (pipe(pipefd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct report mine = { 0 };

		close(pipefd[0]);
		if (drop_privileges())
			mine.step = 99;
		else
			fn(b, arg, &mine);
		if (write(pipefd[1], &mine, sizeof(mine)) != sizeof(mine))
			_exit(2);
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], r, sizeof(*r)) != sizeof(*r))
		r->step = 98;
	close(pipefd[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	return 0;
}

/* ------------------------------------------------------------------ */

/* A context of root's process: its id, and an iocb in flight on it. */
struct target {
	aio_context_t ctx;
	struct iocb *cb;
};

#define FAIL_STEP(r, n, call) do {					\
	long __ret = (call);						\
	if (__ret != -1 || errno != EINVAL) {				\
		(r)->step = (n);					\
		(r)->ret = __ret;					\
		(r)->err = errno;					\
		return;							\
	}								\
} while (0)

static void stranger(const struct aio_backend *b, void *arg, struct report *r)
{
	struct target *t = arg;
	struct io_event ev[2];
	struct __kernel_timespec zero = { 0, 0 };
	struct iocb cb, *p = &cb;
	int pipefd[2];

	if (pipe(pipefd)) {
		r->step = 1;
		return;
	}
	iocb_prep(&cb, IOCB_CMD_POLL, pipefd[0], NULL, 0, 0, 7);
	cb.aio_buf = POLLIN;
	FAIL_STEP(r, 2, b->io_submit(t->ctx, 1, &p));
	FAIL_STEP(r, 3, b->io_getevents(t->ctx, 0, 2, ev, &zero));
	FAIL_STEP(r, 4, b->io_cancel(t->ctx, t->cb, ev));
	FAIL_STEP(r, 5, b->io_destroy(t->ctx));
}

TEST_F(hostile, stranger)
{
	const struct aio_backend *b = variant->backend;
	struct iocb cb, *p = &cb;
	struct io_event ev[2];
	struct report r = { 0 };
	struct target t;
	int pipefd[2];

	HOSTILE_BEGIN();
	ASSERT_OK(pipe2(pipefd, O_CLOEXEC));
	ASSERT_OK(b->io_setup(8, &t.ctx));
	track_ctx(&self->t, t.ctx);
	iocb_prep(&cb, IOCB_CMD_POLL, pipefd[0], NULL, 0, 0, 42);
	cb.aio_buf = POLLIN;
	ASSERT_OK_VAL(1, b->io_submit(t.ctx, 1, &p));
	t.cb = &cb;
	ASSERT_OK(as_nobody(&r, stranger, b, &t));
	ASSERT_EQ(0, r.step) {
		TH_LOG("nobody's step %d returned %ld (%s), not EINVAL", r.step, r.ret,
		       strerrorname_np(r.err) ?: "?");
	}
	/* Root's context is untouched: its poll is still there to complete. */
	ASSERT_EQ(1, write(pipefd[1], "x", 1));
	ASSERT_EQ(1, reap_events(b, t.ctx, ev, 1, 5000));
	ASSERT_EQ(42u, ev[0].data);
	ASSERT_TRUE(ev[0].res & POLLIN);
	close(pipefd[0]);
	close(pipefd[1]);
}

/* ------------------------------------------------------------------ */

#define QUOTA_LIMIT 2048
#define QUOTA_EVENTS 64

static void fill_quota(const struct aio_backend *b, void *arg, struct report *r)
{
	unsigned long before, after;
	aio_context_t ctx = 0;

	(void)arg;
	if (b->nr_in_use(&before) || b->io_setup(QUOTA_EVENTS, &ctx) || b->nr_in_use(&after)) {
		r->step = 1;
		r->err = errno;
		return;
	}
	r->charge = after - before;
	r->count = 1;
	for (int i = 0; i < QUOTA_LIMIT; i++) {
		ctx = 0;
		if (b->io_setup(QUOTA_EVENTS, &ctx)) {
			if (errno != EAGAIN) {
				r->step = 2;
				r->err = errno;
			}
			return;
		}
		r->count++;
	}
	r->step = 3;	/* never refused */
}

TEST_F(hostile, quota)
{
	const struct aio_backend *b = variant->backend;
	struct report r = { 0 };
	unsigned long now = 0;

	HOSTILE_BEGIN();
	if (!self->t.have_nr)
		SKIP(return, "cannot read %s's aio-nr", b->name);
	ASSERT_EQ(0, set_limit(self, self->t.nr_before + QUOTA_LIMIT)) {
		TH_LOG("cannot lower %s", self->limit_path);
	}
	ASSERT_OK(as_nobody(&r, fill_quota, b, NULL));
	ASSERT_EQ(0, r.step) {
		TH_LOG("step %d: %s after %ld contexts", r.step, strerrorname_np(r.err) ?: "?",
		       r.count);
	}
	ASSERT_LT(0ul, r.charge);
	/* Exactly as many as fit, not one more. */
	ASSERT_EQ((long)(QUOTA_LIMIT / r.charge), r.count);
	for (int i = 0; i < 500 && !nr_at_baseline(&self->t, &now); i++)
		msleep(10);
	ASSERT_EQ(self->t.nr_before, now);
	TH_LOG("%s: nobody got %ld contexts of %lu charged events under a limit of %d", b->name,
	       r.count, r.charge, QUOTA_LIMIT);
}

/* ------------------------------------------------------------------ */

#define MEM_CTXS 256
#define MEM_REQ_EVENTS 4096

static void measure(const struct aio_backend *b, void *arg, struct report *r)
{
	static aio_context_t ctxs[MEM_CTXS];
	long free0, slab0, free1, slab1;
	aio_context_t big = 0;
	struct iocb *cbs;
	int pipefd[2];

	(void)arg;
	/* Contexts: many, so that the per-context figure is an average. */
	free0 = meminfo_kb("MemFree");
	slab0 = meminfo_kb("Slab");
	for (int i = 0; i < MEM_CTXS; i++)
		if (b->io_setup(QUOTA_EVENTS, &ctxs[i])) {
			r->step = 1;
			r->err = errno;
			return;
		}
	free1 = meminfo_kb("MemFree");
	slab1 = meminfo_kb("Slab");
	r->ctx_bytes = (free0 - free1) * 1024 / MEM_CTXS;
	r->ctx_slab = (slab1 - slab0) * 1024 / MEM_CTXS;
	/* They stay: destroying each would wait for grace periods, exit frees them at once. */

	/* Requests: polls on a pipe that never becomes ready, until the ring is full. */
	cbs = calloc(MEM_REQ_EVENTS * 4, sizeof(*cbs));
	if (!cbs || pipe(pipefd) || b->io_setup(MEM_REQ_EVENTS, &big)) {
		r->step = 3;
		r->err = errno;
		return;
	}
	free0 = meminfo_kb("MemFree");
	slab0 = meminfo_kb("Slab");
	for (;;) {
		struct iocb *p = &cbs[r->reqs];
		long got;

		iocb_prep(p, IOCB_CMD_POLL, pipefd[0], NULL, 0, 0, (unsigned long long)r->reqs);
		p->aio_buf = POLLIN;
		got = b->io_submit(big, 1, &p);
		if (got != 1) {
			if (errno != EAGAIN) {
				r->step = 4;
				r->err = errno;
			}
			break;
		}
		if (++r->reqs == MEM_REQ_EVENTS * 4) {
			r->step = 5;	/* the ring never filled */
			return;
		}
	}
	free1 = meminfo_kb("MemFree");
	slab1 = meminfo_kb("Slab");
	if (r->reqs) {
		r->req_bytes = (free0 - free1) * 1024 / r->reqs;
		r->req_slab = (slab1 - slab0) * 1024 / r->reqs;
	}
	/* The polls and the context go with the process. */
}

TEST_F(hostile, memory_bounded)
{
	const struct aio_backend *b = variant->backend;
	struct report r = { 0 };
	unsigned long now = 0;

	HOSTILE_BEGIN();
	if (meminfo_kb("MemFree") < 0 || meminfo_kb("Slab") < 0)
		SKIP(return, "no MemFree/Slab in /proc/meminfo");
	if (self->t.have_nr)
		ASSERT_OK(set_limit(self, self->t.nr_before + 1024 * 1024));
	ASSERT_OK(as_nobody(&r, measure, b, NULL));
	ASSERT_EQ(0, r.step) {
		TH_LOG("step %d: %s", r.step, strerrorname_np(r.err) ?: "?");
	}
	TH_LOG("%s: per context of %d events: %ld bytes (slab %ld); per in-flight request: %ld bytes (slab %ld), %ld requests",
	       b->name, QUOTA_EVENTS, r.ctx_bytes, r.ctx_slab, r.req_bytes, r.req_slab, r.reqs);
	ASSERT_LT(0, r.reqs);
	ASSERT_GT(64 * 1024, r.ctx_bytes);
	ASSERT_GT(2048, r.req_bytes);
	for (int i = 0; i < 500 && self->t.have_nr && !nr_at_baseline(&self->t, &now); i++)
		msleep(10);
	if (self->t.have_nr)
		ASSERT_EQ(self->t.nr_before, now);
}

TEST_HARNESS_MAIN
