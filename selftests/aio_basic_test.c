// SPDX-License-Identifier: GPL-2.0
/*
 * io_setup(2) and io_destroy(2): results and errno order, as Linux 6.1's
 * fs/aio.c gives them, on every backend (aio_backend.h).
 *
 * io_setup checks, in this order: reading *ctxp (EFAULT); *ctxp != 0 or
 * nr_events == 0 (EINVAL); nr_events doubled above 0x10000000 / 32
 * (EINVAL); the doubled value wrapping to 0, or nr_events above
 * fs.aio-max-nr (EAGAIN); then writing *ctxp (EFAULT, and the new context
 * is destroyed again).  io_destroy fails with EINVAL for anything that is
 * not a live context of the calling process.
 */
#include <sys/mman.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "aio_selftest.h"
#include "aio_test_util.h"

#define MAX_CTX 16

/* io_setup's largest nr_events before the doubled count exceeds 0x10000000 / 32. */
#define AIO_NR_EVENTS_LIMIT	(0x10000000u / sizeof(struct io_event) / 2)

FIXTURE(aio_basic) {
	/* Contexts a test created and has not destroyed: teardown's job. */
	aio_context_t ctx[MAX_CTX];
	const struct aio_backend *b;
	long page;
};

AIO_BACKEND_VARIANTS(aio_basic);

FIXTURE_SETUP(aio_basic)
{
	self->b = variant->backend;
	self->page = sysconf(_SC_PAGESIZE);
}

FIXTURE_TEARDOWN(aio_basic)
{
	for (int i = 0; i < MAX_CTX; i++)
		if (self->ctx[i])
			self->b->io_destroy(self->ctx[i]);
}

/* Remember a context for teardown. */
static void track(FIXTURE_DATA(aio_basic) *self, aio_context_t ctx)
{
	for (int i = 0; i < MAX_CTX; i++) {
		if (!self->ctx[i]) {
			self->ctx[i] = ctx;
			return;
		}
	}
}

static void untrack(FIXTURE_DATA(aio_basic) *self, aio_context_t ctx)
{
	for (int i = 0; i < MAX_CTX; i++)
		if (self->ctx[i] == ctx)
			self->ctx[i] = 0;
}

/* A fresh anonymous mapping of one page with @prot, or MAP_FAILED. */
static void *map_page(long page, int prot)
{
	return mmap(NULL, page, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

/*
 * An address with nothing mapped at it, until the next mmap: io_setup's
 * ring may well land there.
 */
static void *unmapped_address(long page)
{
	void *p = map_page(page, PROT_READ | PROT_WRITE);

	if (p == MAP_FAILED || munmap(p, page))
		return NULL;
	return p;
}

TEST_F(aio_basic, setup_destroy)
{
	aio_context_t ctx = 0;

	AIO_REQUIRE(self->b, AIO_OP_SETUP, AIO_OP_DESTROY);
	ASSERT_OK(self->b->io_setup(1, &ctx));
	track(self, ctx);
	ASSERT_NE((aio_context_t)0, ctx);
	ASSERT_OK(self->b->io_destroy(ctx));
	untrack(self, ctx);
}

/* Contexts are distinct and independent: destroying one leaves the others. */
TEST_F(aio_basic, setup_many)
{
	aio_context_t ctx[MAX_CTX] = { 0 };

	AIO_REQUIRE(self->b, AIO_OP_SETUP, AIO_OP_DESTROY);
	for (int i = 0; i < MAX_CTX; i++) {
		ASSERT_OK(self->b->io_setup(1 + i, &ctx[i]));
		track(self, ctx[i]);
		ASSERT_NE((aio_context_t)0, ctx[i]);
		for (int j = 0; j < i; j++)
			ASSERT_NE(ctx[j], ctx[i]);
	}
	/* Every other one first, then the rest. */
	for (int i = 0; i < MAX_CTX; i += 2) {
		ASSERT_OK(self->b->io_destroy(ctx[i]));
		untrack(self, ctx[i]);
	}
	for (int i = 0; i < MAX_CTX; i += 2)
		ASSERT_ERRNO(EINVAL, self->b->io_destroy(ctx[i]));
	for (int i = 1; i < MAX_CTX; i += 2) {
		ASSERT_OK(self->b->io_destroy(ctx[i]));
		untrack(self, ctx[i]);
	}
}

TEST_F(aio_basic, setup_nr_zero)
{
	aio_context_t ctx = 0;

	AIO_REQUIRE(self->b, AIO_OP_SETUP);
	ASSERT_ERRNO(EINVAL, self->b->io_setup(0, &ctx));
	ASSERT_EQ((aio_context_t)0, ctx);
}

/* *ctxp must be 0 on entry, and is left alone when it is not. */
TEST_F(aio_basic, setup_ctx_nonzero)
{
	aio_context_t ctx = 0x1234, live = 0, again;

	AIO_REQUIRE(self->b, AIO_OP_SETUP, AIO_OP_DESTROY);
	ASSERT_ERRNO(EINVAL, self->b->io_setup(1, &ctx));
	ASSERT_EQ((aio_context_t)0x1234, ctx);
	ctx = ~(aio_context_t)0;
	ASSERT_ERRNO(EINVAL, self->b->io_setup(1, &ctx));
	ASSERT_EQ(~(aio_context_t)0, ctx);

	/* A live context's handle is not 0 either; the context survives. */
	ASSERT_OK(self->b->io_setup(1, &live));
	track(self, live);
	again = live;
	ASSERT_ERRNO(EINVAL, self->b->io_setup(1, &again));
	ASSERT_EQ(live, again);
	ASSERT_OK(self->b->io_destroy(live));
	untrack(self, live);
}

TEST_F(aio_basic, setup_ctxp_null)
{
	AIO_REQUIRE(self->b, AIO_OP_SETUP);
	ASSERT_ERRNO(EFAULT, self->b->io_setup(1, NULL));
}

/* Reading *ctxp comes before the nr_events check. */
TEST_F(aio_basic, setup_ctxp_null_nr_zero)
{
	AIO_REQUIRE(self->b, AIO_OP_SETUP);
	ASSERT_ERRNO(EFAULT, self->b->io_setup(0, NULL));
	ASSERT_ERRNO(EFAULT, self->b->io_setup(0xffffffffu, NULL));
}

TEST_F(aio_basic, setup_ctxp_unmapped)
{
	aio_context_t *ctxp = unmapped_address(self->page);

	AIO_REQUIRE(self->b, AIO_OP_SETUP);
	ASSERT_TRUE(ctxp != NULL);
	ASSERT_ERRNO(EFAULT, self->b->io_setup(1, ctxp));
	ASSERT_ERRNO(EFAULT, self->b->io_setup(0, ctxp));
}

/*
 * A read-only *ctxp reads as 0, so the context is created; writing the
 * handle back fails, and the context must be gone again: no mapping and
 * no fs.aio-nr charge left behind (xfstests generic/212).
 */
TEST_F(aio_basic, setup_ctxp_readonly)
{
	unsigned long nr_before = 0, nr_after = 0;
	int maps_before, maps_after;
	bool have_nr;
	aio_context_t *ctxp;

	AIO_REQUIRE(self->b, AIO_OP_SETUP);
	ctxp = map_page(self->page, PROT_READ);
	ASSERT_TRUE(ctxp != MAP_FAILED);

	have_nr = self->b->nr_in_use(&nr_before) == 0;
	maps_before = count_mappings();
	ASSERT_LT(0, maps_before);

	ASSERT_ERRNO(EFAULT, self->b->io_setup(1, ctxp));
	ASSERT_EQ((aio_context_t)0, *ctxp);

	maps_after = count_mappings();
	ASSERT_EQ(maps_before, maps_after) {
		TH_LOG("the failed io_setup left a mapping behind");
	}
	if (have_nr) {
		ASSERT_EQ(0, self->b->nr_in_use(&nr_after));
		ASSERT_EQ(nr_before, nr_after) {
			TH_LOG("the failed io_setup left its charge in aio-nr");
		}
	}
	munmap(ctxp, self->page);
}

/* Doubled, 0xffffffff exceeds the ring size limit: EINVAL, not EAGAIN. */
TEST_F(aio_basic, setup_nr_u32_max)
{
	aio_context_t ctx = 0;

	AIO_REQUIRE(self->b, AIO_OP_SETUP);
	ASSERT_ERRNO(EINVAL, self->b->io_setup(0xffffffffu, &ctx));
	ASSERT_EQ((aio_context_t)0, ctx);
	ASSERT_ERRNO(EINVAL, self->b->io_setup(0x7fffffffu, &ctx));
	ASSERT_EQ((aio_context_t)0, ctx);
}

/* The first nr_events whose doubled count exceeds the ring limit. */
TEST_F(aio_basic, setup_nr_above_ring_limit)
{
	aio_context_t ctx = 0;

	AIO_REQUIRE(self->b, AIO_OP_SETUP);
	ASSERT_ERRNO(EINVAL, self->b->io_setup(AIO_NR_EVENTS_LIMIT + 1, &ctx));
	ASSERT_EQ((aio_context_t)0, ctx);
}

/*
 * At the ring limit itself the size check passes and the quota decides:
 * EAGAIN while fs.aio-max-nr is below it (the default is 65536).
 */
TEST_F(aio_basic, setup_nr_at_ring_limit)
{
	aio_context_t ctx = 0;
	unsigned long max;

	AIO_REQUIRE(self->b, AIO_OP_SETUP);
	if (self->b->max_nr(&max))
		SKIP(return, "%s: no aio-max-nr: %s", self->b->name, strerror(errno));
	if (max >= AIO_NR_EVENTS_LIMIT)
		SKIP(return, "aio-max-nr %lu is not below %zu", max, AIO_NR_EVENTS_LIMIT);
	ASSERT_ERRNO(EAGAIN, self->b->io_setup(AIO_NR_EVENTS_LIMIT, &ctx));
	ASSERT_EQ((aio_context_t)0, ctx);
}

/*
 * 0x80000000 doubles to 0 in 32 bits, which slips past the size check and
 * is refused as EAGAIN, whatever aio-max-nr says.
 */
TEST_F(aio_basic, setup_nr_doubling_wraps)
{
	aio_context_t ctx = 0;

	AIO_REQUIRE(self->b, AIO_OP_SETUP);
	ASSERT_ERRNO(EAGAIN, self->b->io_setup(0x80000000u, &ctx));
	ASSERT_EQ((aio_context_t)0, ctx);
}

TEST_F(aio_basic, setup_over_aio_max_nr)
{
	aio_context_t ctx = 0;
	unsigned long max;

	AIO_REQUIRE(self->b, AIO_OP_SETUP);
	if (self->b->max_nr(&max))
		SKIP(return, "%s: no aio-max-nr: %s", self->b->name, strerror(errno));
	if (max + 1 > AIO_NR_EVENTS_LIMIT)
		SKIP(return, "aio-max-nr %lu: nr_events %lu is refused by the ring size check first",
		     max, max + 1);
	ASSERT_ERRNO(EAGAIN, self->b->io_setup(max + 1, &ctx));
	ASSERT_EQ((aio_context_t)0, ctx);
}

/* Exactly aio-max-nr fits when nothing else uses AIO. */
TEST_F(aio_basic, setup_at_aio_max_nr)
{
	unsigned long max, used, used_during;
	aio_context_t ctx = 0;

	AIO_REQUIRE(self->b, AIO_OP_SETUP, AIO_OP_DESTROY);
	if (self->b->max_nr(&max) || self->b->nr_in_use(&used))
		SKIP(return, "%s: no aio-max-nr/aio-nr: %s", self->b->name, strerror(errno));
	if (used)
		SKIP(return, "aio-nr is %lu: another process uses AIO", used);
	if (max > AIO_NR_EVENTS_LIMIT)
		SKIP(return, "aio-max-nr %lu is above the ring size limit", max);
	ASSERT_OK(self->b->io_setup(max, &ctx));
	track(self, ctx);
	ASSERT_EQ(0, self->b->nr_in_use(&used_during));
	ASSERT_EQ(max, used_during);
	/* The quota is full now. */
	aio_context_t ctx2 = 0;
	ASSERT_ERRNO(EAGAIN, self->b->io_setup(1, &ctx2));
	ASSERT_OK(self->b->io_destroy(ctx));
	untrack(self, ctx);
	/* ...and free again as soon as io_destroy returns. */
	ASSERT_EQ(0, self->b->nr_in_use(&used));
	ASSERT_EQ(0ul, used);
}

TEST_F(aio_basic, destroy_zero)
{
	AIO_REQUIRE(self->b, AIO_OP_DESTROY);
	ASSERT_ERRNO(EINVAL, self->b->io_destroy(0));
}

TEST_F(aio_basic, destroy_twice)
{
	aio_context_t ctx = 0;

	AIO_REQUIRE(self->b, AIO_OP_SETUP, AIO_OP_DESTROY);
	ASSERT_OK(self->b->io_setup(1, &ctx));
	track(self, ctx);
	ASSERT_OK(self->b->io_destroy(ctx));
	untrack(self, ctx);
	ASSERT_ERRNO(EINVAL, self->b->io_destroy(ctx));
}

/* Handles that are not a context: EINVAL, and the real context is unharmed. */
TEST_F(aio_basic, destroy_bogus)
{
	aio_context_t ctx = 0;
	void *hole, *guard;

	AIO_REQUIRE(self->b, AIO_OP_SETUP, AIO_OP_DESTROY);
	ASSERT_OK(self->b->io_setup(1, &ctx));
	track(self, ctx);
	hole = unmapped_address(self->page);
	ASSERT_TRUE(hole != NULL);
	guard = map_page(self->page, PROT_NONE);
	ASSERT_TRUE(guard != MAP_FAILED);

	EXPECT_ERRNO(EINVAL, self->b->io_destroy(1));
	EXPECT_ERRNO(EINVAL, self->b->io_destroy(~(aio_context_t)0));
	EXPECT_ERRNO(EINVAL, self->b->io_destroy((aio_context_t)(uintptr_t)hole));
	EXPECT_ERRNO(EINVAL, self->b->io_destroy((aio_context_t)(uintptr_t)guard));
	EXPECT_ERRNO(EINVAL, self->b->io_destroy(ctx + 1));
	EXPECT_ERRNO(EINVAL, self->b->io_destroy(ctx - 1));
	EXPECT_ERRNO(EINVAL, self->b->io_destroy(ctx + self->page));

	ASSERT_OK(self->b->io_destroy(ctx));
	untrack(self, ctx);
	munmap(guard, self->page);
}

/*
 * A page of zeroes looks like a ring whose id is 0, the slot of the first
 * live context: the handle must still be refused.
 */
TEST_F(aio_basic, destroy_forged_ring)
{
	aio_context_t ctx = 0;
	void *fake;

	AIO_REQUIRE(self->b, AIO_OP_SETUP, AIO_OP_DESTROY);
	ASSERT_OK(self->b->io_setup(1, &ctx));
	track(self, ctx);
	fake = map_page(self->page, PROT_READ | PROT_WRITE);
	ASSERT_TRUE(fake != MAP_FAILED);

	ASSERT_ERRNO(EINVAL, self->b->io_destroy((aio_context_t)(uintptr_t)fake));
	ASSERT_OK(self->b->io_destroy(ctx));
	untrack(self, ctx);
	munmap(fake, self->page);
}

/* Contexts belong to the process that made them, not to its children. */
TEST_F(aio_basic, destroy_in_child)
{
	aio_context_t ctx = 0;
	int status;
	pid_t pid;

	AIO_REQUIRE(self->b, AIO_OP_SETUP, AIO_OP_DESTROY);
	ASSERT_OK(self->b->io_setup(1, &ctx));
	track(self, ctx);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* 1: destroyed the parent's context, 2: other error, 0: EINVAL */
		long ret = self->b->io_destroy(ctx);

		_exit(ret == 0 ? 1 : errno == EINVAL ? 0 : 2);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status)) {
		TH_LOG("child's io_destroy of the parent's context: %s",
		       WEXITSTATUS(status) == 1 ? "succeeded" : "failed, not with EINVAL");
	}
	ASSERT_OK(self->b->io_destroy(ctx));
	untrack(self, ctx);
}

TEST_HARNESS_MAIN
