// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetimes of a context and its ring mapping, as Linux 6.1's fs/aio.c
 * gives them, on every backend.
 *
 * Contexts belong to the address space that made them: a forked child
 * inherits the ring mapping but not the context (EINVAL for every call;
 * mremap of the ring fails, CVE-2023-52646).  The ctx is the ring's
 * address: mremap moves the context with it, unmapping the ring makes it
 * unreachable.  The ring can never be executable (CVE-2016-10044) nor grow.
 * io_destroy and process exit wait for in-flight I/O; of two concurrent
 * io_destroy calls exactly one succeeds; waiters are woken with EINVAL.
 */
#include <pthread.h>
#include <sched.h>
#include <sys/personality.h>
#include <sys/syscall.h>

#include "aio_selftest.h"
#include "aio_test_util.h"

FIXTURE(life) {
	struct aio_tracker t;
	aio_context_t ctx;
	int fd;
	char sink[64];
	struct iocb cb[8];
	struct iocb *ptrs[8];
	struct io_event ev[16];
	struct nullb_dev nb;
	long page;
};

AIO_BACKEND_VARIANTS(life);

FIXTURE_SETUP(life)
{
	tracker_init(&self->t, variant->backend);
	self->page = sysconf(_SC_PAGESIZE);
	self->fd = tmp_file(4096, 0);
	ASSERT_LE(0, self->fd);
	for (int i = 0; i < 8; i++) {
		iocb_prep(&self->cb[i], IOCB_CMD_PREAD, self->fd, self->sink + i, 1, 0, i + 1);
		self->ptrs[i] = &self->cb[i];
	}
}

FIXTURE_TEARDOWN(life)
{
	TRACKER_TEARDOWN_CHECK(&self->t);
	close(self->fd);
	nullb_remove(&self->nb);
}

#define LIFE_BEGIN(nr, ...) do {					\
	AIO_REQUIRE(variant->backend, AIO_OP_SETUP, AIO_OP_DESTROY,	\
		    AIO_OP_SUBMIT, AIO_OP_GETEVENTS, ##__VA_ARGS__);	\
	ASSERT_OK(variant->backend->io_setup(nr, &self->ctx));		\
	track_ctx(&self->t, self->ctx);					\
} while (0)

/* The size of the ring mapping at @ctx, or 0. */
static unsigned long ring_map_size(aio_context_t ctx)
{
	struct mapping_info m;

	if (find_mapping((void *)(uintptr_t)ctx, &m) || m.start != (unsigned long)ctx)
		return 0;
	return m.end - m.start;
}

/* Wait for @pid: its exit status, or -1 if it did not exit normally. */
static int wait_exit(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A memory-backed null_blk with completions on a @ms timer, or SKIP. */
#define SLOW_NULLB_OR_SKIP(ms) do {					\
	struct nullb_params __p = { .size_mb = 16, .blocksize = 4096,	\
		.memory_backed = true, .completion_nsec = (ms) * 1000000ul }; \
	char __why[200];						\
	if (nullb_create(&self->nb, &__p, __why, sizeof(__why)))	\
		SKIP(return, "%s", __why);				\
} while (0)

/*
 * The child sees the parent's ring (the mapping is copied), but none of
 * the calls reach the context: EINVAL each, and the parent's context is
 * unharmed by them and by the child's exit.
 */
TEST_F(life, fork_child_einval)
{
	const struct aio_backend *b = variant->backend;
	pid_t pid;

	LIFE_BEGIN(8, AIO_OP_PGETEVENTS, AIO_OP_CANCEL);
	ASSERT_OK_VAL(2, b->io_submit(self->ctx, 2, self->ptrs));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct __kernel_timespec zero = { 0, 0 };
		struct kaio_ring *ring = aio_ring_of(self->ctx);
		aio_context_t mine = 0;
		int bad = 0;

		if (ring->magic != KAIO_RING_MAGIC || ring->tail != 2)
			bad |= 1;
		if (b->io_submit(self->ctx, 1, self->ptrs) != -1 || errno != EINVAL)
			bad |= 2;
		if (b->io_getevents(self->ctx, 0, 8, self->ev, &zero) != -1 || errno != EINVAL)
			bad |= 4;
		if (b->io_pgetevents(self->ctx, 0, 8, self->ev, &zero, NULL) != -1 ||
		    errno != EINVAL)
			bad |= 8;
		if (b->io_cancel(self->ctx, &self->cb[0], self->ev) != -1 || errno != EINVAL)
			bad |= 16;
		if (b->io_destroy(self->ctx) != -1 || errno != EINVAL)
			bad |= 32;
		/* The child's own context works, and is left for exit to clean up. */
		if (b->io_setup(1, &mine) || b->io_submit(mine, 1, self->ptrs) != 1 ||
		    b->io_getevents(mine, 1, 1, self->ev, NULL) != 1)
			bad |= 64;
		_exit(bad);
	}
	ASSERT_EQ(0, wait_exit(pid));

	ASSERT_EQ(0u, aio_ring_of(self->ctx)->head);
	ASSERT_OK_VAL(2, b->io_getevents(self->ctx, 2, 8, self->ev, NULL));
	ASSERT_OK_VAL(1, b->io_submit(self->ctx, 1, self->ptrs));
	ASSERT_OK_VAL(1, b->io_getevents(self->ctx, 1, 8, self->ev, NULL));
}

/*
 * mremap moves the context with the ring: the old address is no context
 * any more, the new one is, with the events completed before the move.
 */
TEST_F(life, mremap_moves_ctx)
{
	const struct aio_backend *b = variant->backend;
	struct __kernel_timespec zero = { 0, 0 };
	unsigned long size;
	aio_context_t moved;
	void *target, *res;

	LIFE_BEGIN(1000);
	size = ring_map_size(self->ctx);
	ASSERT_LT(0ul, size);
	ASSERT_OK_VAL(3, b->io_submit(self->ctx, 3, self->ptrs));
	target = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(target != MAP_FAILED);

	res = mremap((void *)(uintptr_t)self->ctx, size, size, MREMAP_MAYMOVE | MREMAP_FIXED,
		     target);
	ASSERT_TRUE(res == target);
	moved = (aio_context_t)(uintptr_t)target;
	ASSERT_EQ(size, ring_map_size(moved));

	EXPECT_ERRNO(EINVAL, b->io_submit(self->ctx, 1, self->ptrs));
	EXPECT_ERRNO(EINVAL, b->io_getevents(self->ctx, 0, 8, self->ev, &zero));
	EXPECT_ERRNO(EINVAL, b->io_destroy(self->ctx));
	untrack_ctx(&self->t, self->ctx);
	track_ctx(&self->t, moved);

	ASSERT_EQ(KAIO_RING_MAGIC, aio_ring_of(moved)->magic);
	ASSERT_EQ(3u, aio_ring_of(moved)->tail);
	ASSERT_OK_VAL(3, b->io_getevents(moved, 3, 8, self->ev, NULL));
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ((unsigned long long)(i + 1), self->ev[i].data);
		ASSERT_EQ(iocb_ptr_value(&self->cb[i]), self->ev[i].obj);
	}
	ASSERT_OK_VAL(4, b->io_submit(moved, 4, self->ptrs));
	ASSERT_EQ(4u, ring_user_reap(moved, self->ev, 16));
	ASSERT_OK_VAL(1, b->io_submit(moved, 1, self->ptrs));
	ASSERT_OK_VAL(1, b->io_getevents(moved, 1, 8, self->ev, NULL));

	/* And once more, back over the old place. */
	target = mmap((void *)(uintptr_t)self->ctx, size, PROT_NONE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (target != MAP_FAILED) {
		res = mremap((void *)(uintptr_t)moved, size, size, MREMAP_MAYMOVE | MREMAP_FIXED,
			     target);
		ASSERT_TRUE(res == target);
		untrack_ctx(&self->t, moved);
		track_ctx(&self->t, self->ctx);
		EXPECT_ERRNO(EINVAL, b->io_destroy(moved));
		moved = self->ctx;
		ASSERT_OK_VAL(1, b->io_submit(moved, 1, self->ptrs));
		ASSERT_OK_VAL(1, b->io_getevents(moved, 1, 8, self->ev, NULL));
	}

	ASSERT_OK(b->io_destroy(moved));
	untrack_ctx(&self->t, moved);
	ASSERT_EQ(0ul, ring_map_size(moved));
}

/* The ring cannot grow (VM_DONTEXPAND): EFAULT, and it keeps working. */
TEST_F(life, mremap_grow_fails)
{
	const struct aio_backend *b = variant->backend;
	unsigned long size;
	void *res;

	LIFE_BEGIN(8);
	size = ring_map_size(self->ctx);
	ASSERT_LT(0ul, size);
	errno = 0;
	res = mremap((void *)(uintptr_t)self->ctx, size, size + self->page, MREMAP_MAYMOVE);
	ASSERT_TRUE(res == MAP_FAILED);
	ASSERT_EQ(EFAULT, errno);
	errno = 0;
	res = mremap((void *)(uintptr_t)self->ctx, size, size + self->page, 0);
	ASSERT_TRUE(res == MAP_FAILED);
	ASSERT_EQ(EFAULT, errno);
	ASSERT_EQ(size, ring_map_size(self->ctx));
	ASSERT_OK_VAL(2, b->io_submit(self->ctx, 2, self->ptrs));
	ASSERT_OK_VAL(2, b->io_getevents(self->ctx, 2, 8, self->ev, NULL));
}

/*
 * CVE-2023-52646: a forked child moving the inherited ring (its mm has no
 * contexts) must get a clean failure, and the parent is unaffected.
 */
TEST_F(life, mremap_in_child)
{
	const struct aio_backend *b = variant->backend;
	unsigned long size;
	pid_t pid;

	LIFE_BEGIN(8);
	size = ring_map_size(self->ctx);
	ASSERT_LT(0ul, size);
	ASSERT_OK_VAL(1, b->io_submit(self->ctx, 1, self->ptrs));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		void *target = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		void *res;

		if (target == MAP_FAILED)
			_exit(10);
		res = mremap((void *)(uintptr_t)self->ctx, size, size,
			     MREMAP_MAYMOVE | MREMAP_FIXED, target);
		if (res != MAP_FAILED)
			_exit(1);
		_exit(errno == EINVAL ? 0 : 2);
	}
	ASSERT_EQ(0, wait_exit(pid)) {
		TH_LOG("mremap of the ring in the child did not fail with EINVAL");
	}
	ASSERT_OK_VAL(1, b->io_getevents(self->ctx, 1, 8, self->ev, NULL));
	ASSERT_OK_VAL(1, b->io_submit(self->ctx, 1, self->ptrs));
	ASSERT_OK_VAL(1, b->io_getevents(self->ctx, 1, 8, self->ev, NULL));
}

/* CVE-2016-10044: the ring is on a noexec mount, PROT_EXEC is refused. */
TEST_F(life, mprotect_exec_refused)
{
	const struct aio_backend *b = variant->backend;
	void *ring;
	unsigned long size;
	struct mapping_info m;

	LIFE_BEGIN(8);
	ring = (void *)(uintptr_t)self->ctx;
	size = ring_map_size(self->ctx);
	ASSERT_LT(0ul, size);
	ASSERT_ERRNO(EACCES, mprotect(ring, size, PROT_READ | PROT_EXEC));
	ASSERT_ERRNO(EACCES, mprotect(ring, size, PROT_EXEC));
	ASSERT_ERRNO(EACCES, mprotect(ring, size, PROT_READ | PROT_WRITE | PROT_EXEC));
	ASSERT_ERRNO(EACCES, mprotect(ring, self->page, PROT_READ | PROT_EXEC));
	ASSERT_EQ(0, find_mapping(ring, &m));
	ASSERT_EQ(0, strcmp(m.perms, "rw-s"));

	/* Read-only is allowed, and the kernel still posts events. */
	ASSERT_OK(mprotect(ring, size, PROT_READ));
	ASSERT_OK_VAL(2, b->io_submit(self->ctx, 2, self->ptrs));
	ASSERT_EQ(2u, aio_ring_of(self->ctx)->tail);
	ASSERT_OK_VAL(2, b->io_getevents(self->ctx, 2, 8, self->ev, NULL));
	ASSERT_OK(mprotect(ring, size, PROT_READ | PROT_WRITE));
	ASSERT_EQ(2u, aio_ring_of(self->ctx)->head);
}

/* READ_IMPLIES_EXEC does not make the ring executable either. */
TEST_F(life, read_implies_exec)
{
	const struct aio_backend *b = variant->backend;
	int old = personality(0xffffffff);
	struct mapping_info m;
	aio_context_t ctx = 0;
	void *anon;

	AIO_REQUIRE(b, AIO_OP_SETUP, AIO_OP_DESTROY);
	ASSERT_LE(0, old);
	ASSERT_LE(0, personality(old | READ_IMPLIES_EXEC));
	/* The personality is in force: plain readable memory becomes executable. */
	anon = mmap(NULL, self->page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(anon != MAP_FAILED);
	ASSERT_EQ(0, find_mapping(anon, &m));
	ASSERT_EQ('x', m.perms[2]);

	ASSERT_OK(b->io_setup(8, &ctx));
	track_ctx(&self->t, ctx);
	ASSERT_EQ(0, find_mapping((void *)(uintptr_t)ctx, &m));
	ASSERT_EQ(0, strcmp(m.perms, "rw-s")) {
		TH_LOG("ring mapped '%s' under READ_IMPLIES_EXEC", m.perms);
	}
	ASSERT_ERRNO(EACCES, mprotect((void *)(uintptr_t)ctx, self->page, PROT_READ | PROT_EXEC));
	personality(old);
	munmap(anon, self->page);
}

/*
 * Unmapping the ring makes the context unreachable: every call is EINVAL,
 * and it lingers (charged) until the process exits.  Done in a child, so
 * the exit is what cleans it up.
 */
TEST_F(life, munmap_ring)
{
	const struct aio_backend *b = variant->backend;
	unsigned long now = 0;
	pid_t pid;

	AIO_REQUIRE(b, AIO_OP_SETUP, AIO_OP_DESTROY, AIO_OP_SUBMIT, AIO_OP_GETEVENTS);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct __kernel_timespec zero = { 0, 0 };
		aio_context_t ctx = 0;
		unsigned long size;
		int bad = 0;

		if (b->io_setup(8, &ctx))
			_exit(100);
		size = ring_map_size(ctx);
		if (!size || b->io_submit(ctx, 1, self->ptrs) != 1)
			_exit(101);
		if (munmap((void *)(uintptr_t)ctx, size))
			_exit(102);
		if (b->io_submit(ctx, 1, self->ptrs) != -1 || errno != EINVAL)
			bad |= 1;
		if (b->io_getevents(ctx, 0, 8, self->ev, &zero) != -1 || errno != EINVAL)
			bad |= 2;
		if (b->io_destroy(ctx) != -1 || errno != EINVAL)
			bad |= 4;
		_exit(bad);
	}
	ASSERT_EQ(0, wait_exit(pid));
	ASSERT_TRUE(nr_at_baseline(&self->t, &now)) {
		TH_LOG("aio-nr %lu after the child exited, %lu before", now, self->t.nr_before);
	}
}

/* Unmapping part of a multi-page ring: the context still works and dies. */
TEST_F(life, munmap_part_of_ring)
{
	const struct aio_backend *b = variant->backend;
	unsigned long size;

	LIFE_BEGIN(1000);
	size = ring_map_size(self->ctx);
	ASSERT_LT(2ul * self->page, size);
	ASSERT_OK(munmap((void *)(uintptr_t)(self->ctx + size - self->page), self->page));
	ASSERT_OK_VAL(3, b->io_submit(self->ctx, 3, self->ptrs));
	ASSERT_OK_VAL(3, b->io_getevents(self->ctx, 3, 8, self->ev, NULL));
	ASSERT_OK(b->io_destroy(self->ctx));
	untrack_ctx(&self->t, self->ctx);
	ASSERT_EQ(0ul, ring_map_size(self->ctx));
}

/*
 * io_destroy waits for in-flight I/O (here on a 300 ms completion timer):
 * it returns 0 once the writes are done, and they are on the device.
 */
TEST_F(life, destroy_waits_for_io)
{
	const struct aio_backend *b = variant->backend;
	enum { N = 8 };
	unsigned char *buf = dio_buffer(N * 4096, 0);
	struct __kernel_timespec zero = { 0, 0 };
	struct iocb cb[N], *p[N];
	long long start;
	int fd;

	LIFE_BEGIN(N);
	SLOW_NULLB_OR_SKIP(300);
	ASSERT_TRUE(buf != NULL);
	fd = open(self->nb.path, O_RDWR | O_DIRECT | O_CLOEXEC);
	ASSERT_LE(0, fd);
	for (int i = 0; i < N; i++) {
		fill_pattern(buf + i * 4096, 4096, 40 + i);
		iocb_prep(&cb[i], IOCB_CMD_PWRITE, fd, buf + i * 4096, 4096, i * 4096LL, i);
		p[i] = &cb[i];
	}
	start = now_ns();
	ASSERT_OK_VAL(N, b->io_submit(self->ctx, N, p));
	ASSERT_OK(b->io_destroy(self->ctx));
	ASSERT_LE(250, ms_since(start));
	untrack_ctx(&self->t, self->ctx);
	ASSERT_EQ(0ul, ring_map_size(self->ctx));
	EXPECT_ERRNO(EINVAL, b->io_getevents(self->ctx, 0, 8, self->ev, &zero));
	EXPECT_ERRNO(EINVAL, b->io_submit(self->ctx, 1, self->ptrs));
	EXPECT_ERRNO(EINVAL, b->io_destroy(self->ctx));

	memset(buf, 0, N * 4096);
	ASSERT_EQ((ssize_t)(N * 4096), pread(fd, buf, N * 4096, 0));
	for (int i = 0; i < N; i++)
		ASSERT_TRUE(check_pattern(buf + i * 4096, 4096, 40 + i));
	close(fd);
}

/* A process exiting with I/O in flight: exit waits, then the charge is gone. */
TEST_F(life, exit_with_io_in_flight)
{
	const struct aio_backend *b = variant->backend;
	enum { N = 8 };
	unsigned char *buf = dio_buffer(N * 4096, 0);
	unsigned long now = 0;
	long long start;
	pid_t pid;
	int fd;

	AIO_REQUIRE(b, AIO_OP_SETUP, AIO_OP_DESTROY, AIO_OP_SUBMIT, AIO_OP_GETEVENTS);
	SLOW_NULLB_OR_SKIP(300);
	ASSERT_TRUE(buf != NULL);
	fd = open(self->nb.path, O_RDWR | O_DIRECT | O_CLOEXEC);
	ASSERT_LE(0, fd);
	start = now_ns();
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct iocb cb[N], *p[N];
		aio_context_t ctx[2] = { 0, 0 };

		/* Two contexts, both with writes in flight. */
		if (b->io_setup(N, &ctx[0]) || b->io_setup(N, &ctx[1]))
			_exit(1);
		for (int i = 0; i < N; i++) {
			fill_pattern(buf + i * 4096, 4096, 90 + i);
			iocb_prep(&cb[i], IOCB_CMD_PWRITE, fd, buf + i * 4096, 4096,
				  i * 4096LL, i);
			p[i] = &cb[i];
		}
		if (b->io_submit(ctx[0], N / 2, p) != N / 2 ||
		    b->io_submit(ctx[1], N / 2, p + N / 2) != N / 2)
			_exit(2);
		_exit(0);
	}
	ASSERT_EQ(0, wait_exit(pid));
	ASSERT_LE(250, ms_since(start));
	ASSERT_TRUE(nr_at_baseline(&self->t, &now)) {
		TH_LOG("aio-nr %lu after the child exited, %lu before", now, self->t.nr_before);
	}
	memset(buf, 0, N * 4096);
	ASSERT_EQ((ssize_t)(N * 4096), pread(fd, buf, N * 4096, 0));
	for (int i = 0; i < N; i++)
		ASSERT_TRUE(check_pattern(buf + i * 4096, 4096, 90 + i));
	close(fd);
}

/*
 * exec with I/O in flight: as at exit, the old address space's contexts
 * are killed and the new program starts only once their I/O is done.
 */
TEST_F(life, exec_with_io_in_flight)
{
	const struct aio_backend *b = variant->backend;
	enum { LATENCY_MS = 500 };
	unsigned char *buf = dio_buffer(4096, 0);
	long long submitted = 0, started = 0;
	int sync[2], fd;
	char c;
	pid_t pid;

	AIO_REQUIRE(b, AIO_OP_SETUP, AIO_OP_DESTROY, AIO_OP_SUBMIT);
	SLOW_NULLB_OR_SKIP(LATENCY_MS);
	ASSERT_TRUE(buf != NULL);
	fd = open(self->nb.path, O_RDWR | O_DIRECT | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_OK(pipe(sync));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		aio_context_t ctx = 0;
		struct iocb cb, *p = &cb;

		close(sync[0]);
		if (b->io_setup(1, &ctx))
			_exit(1);
		fill_pattern(buf, 4096, 77);
		iocb_prep(&cb, IOCB_CMD_PWRITE, fd, buf, 4096, 0, 1);
		if (b->io_submit(ctx, 1, &p) != 1)
			_exit(2);
		if (write(sync[1], "s", 1) != 1 || dup2(sync[1], 3) != 3)
			_exit(3);
		/* The new program says it runs on fd 3. */
		execl("/bin/sh", "sh", "-c", "echo x >&3", (char *)NULL);
		_exit(4);
	}
	close(sync[1]);
	ASSERT_EQ(1, read(sync[0], &c, 1));
	submitted = now_ns();
	ASSERT_EQ(1, read(sync[0], &c, 1));
	started = now_ns();
	close(sync[0]);
	ASSERT_EQ(0, wait_exit(pid));
	ASSERT_LE(LATENCY_MS - 100, (started - submitted) / 1000000) {
		TH_LOG("the new program ran %lld ms after the write was submitted",
		       (started - submitted) / 1000000);
	}
	memset(buf, 0, 4096);
	ASSERT_EQ(4096, pread(fd, buf, 4096, 0));
	ASSERT_TRUE(check_pattern(buf, 4096, 77));
	close(fd);
}

/*
 * A process that exits with I/O in flight waits for it, but holding
 * nothing another process needs: a second process that sets up, destroys
 * and exits meanwhile is reaped at once, not when the first one's I/O
 * completes.  (kaio's mm-exit hook runs inside the SRCU read section that
 * every process with an mmu notifier waits for in its own exit: waiting
 * for I/O there stalled them all.)
 */
TEST_F(life, exit_does_not_stall_other_exits)
{
	const struct aio_backend *b = variant->backend;
	enum { LATENCY_MS = 2000 };
	unsigned char *buf = dio_buffer(4096, 0x5a);
	long long a_start, b_start, a_ms, b_ms;
	int ready[2], fd;
	pid_t a, pid_b;
	char c;

	AIO_REQUIRE(b, AIO_OP_SETUP, AIO_OP_DESTROY, AIO_OP_SUBMIT);
	SLOW_NULLB_OR_SKIP(LATENCY_MS);
	ASSERT_TRUE(buf != NULL);
	fd = open(self->nb.path, O_RDWR | O_DIRECT | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_OK(pipe(ready));
	a_start = now_ns();
	a = fork();
	ASSERT_LE(0, a);
	if (a == 0) {
		aio_context_t ctx = 0;
		struct iocb cb, *p = &cb;

		close(ready[0]);
		if (b->io_setup(1, &ctx))
			_exit(1);
		iocb_prep(&cb, IOCB_CMD_PWRITE, fd, buf, 4096, 0, 1);
		if (b->io_submit(ctx, 1, &p) != 1)
			_exit(2);
		if (write(ready[1], "s", 1) != 1)
			_exit(3);
		_exit(0);	/* the write still in flight */
	}
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	close(ready[0]);
	/* Let the first process get into its exit, where it waits for the write. */
	msleep(300);

	b_start = now_ns();
	pid_b = fork();
	ASSERT_LE(0, pid_b);
	if (pid_b == 0) {
		aio_context_t ctx = 0;

		if (b->io_setup(1, &ctx) || b->io_destroy(ctx))
			_exit(1);
		_exit(0);
	}
	ASSERT_EQ(0, wait_exit(pid_b));
	b_ms = ms_since(b_start);
	ASSERT_EQ(0, wait_exit(a));
	a_ms = ms_since(a_start);
	close(fd);

	TH_LOG("%s: the second process was reaped after %lld ms, the first after %lld ms",
	       b->name, b_ms, a_ms);
	/* The first one waited for its write, as exit_aio() does... */
	ASSERT_LE(LATENCY_MS - 200, a_ms);
	/* ...and the second one did not wait with it. */
	ASSERT_GT(LATENCY_MS / 2, b_ms) {
		TH_LOG("the second process took %lld ms to exit while the first one's %d ms write was in flight",
		       b_ms, LATENCY_MS);
	}
}

/*
 * A process that used both the native AIO and kaio exits with I/O in
 * flight on both: the kernel's exit_aio() sleeps for the native I/O first,
 * and meanwhile another process runs on the CPU (so the exiting task comes
 * back borrowing that process's address space, which is what kaio's
 * mm-exit hook once looked at).  kaio must still make the exit wait for
 * its own, slower I/O.  kaio's variant only: it mixes both backends.
 */
TEST_F(life, exit_waits_after_native_aio_slept)
{
	const struct aio_backend *b = variant->backend;
	enum { NATIVE_MS = 300, KAIO_MS = 1500 };
	struct nullb_params fast = { .size_mb = 16, .blocksize = 4096, .memory_backed = true,
				     .completion_nsec = NATIVE_MS * 1000000ul };
	unsigned char *buf = dio_buffer(4096, 0x6c);
	struct nullb_dev other;
	long long start, ms;
	int fd_kaio, fd_native;
	cpu_set_t saved;
	pid_t pid, spinner;
	char why[200];

	AIO_REQUIRE(b, AIO_OP_SETUP, AIO_OP_SUBMIT);
	if (strcmp(b->name, "kaio"))
		SKIP(return, "mixes the native and the kaio backend; runs as the kaio variant");
	AIO_REQUIRE(&aio_backend_native, AIO_OP_SETUP, AIO_OP_SUBMIT);
	SLOW_NULLB_OR_SKIP(KAIO_MS);
	if (nullb_create(&other, &fast, why, sizeof(why))) {
		nullb_remove(&other);
		SKIP(return, "%s", why);
	}
	ASSERT_TRUE(buf != NULL);
	fd_kaio = open(self->nb.path, O_RDWR | O_DIRECT | O_CLOEXEC);
	fd_native = open(other.path, O_RDWR | O_DIRECT | O_CLOEXEC);
	ASSERT_LE(0, fd_kaio);
	ASSERT_LE(0, fd_native);
	/* One CPU for all: the spinner runs while the exiting child sleeps. */
	ASSERT_LE(0, pin_to_one_cpu(&saved));
	spinner = fork();
	ASSERT_LE(0, spinner);
	if (spinner == 0) {
		for (;;)
			;
	}
	start = now_ns();
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		aio_context_t nctx = 0, kctx = 0;
		struct iocb ncb, kcb, *np = &ncb, *kp = &kcb;

		if (aio_backend_native.io_setup(1, &nctx) || b->io_setup(1, &kctx))
			_exit(1);
		iocb_prep(&kcb, IOCB_CMD_PWRITE, fd_kaio, buf, 4096, 0, 1);
		iocb_prep(&ncb, IOCB_CMD_PWRITE, fd_native, buf, 4096, 0, 2);
		if (b->io_submit(kctx, 1, &kp) != 1 ||
		    aio_backend_native.io_submit(nctx, 1, &np) != 1)
			_exit(2);
		_exit(0);	/* both writes in flight */
	}
	ASSERT_EQ(0, wait_exit(pid));
	ms = ms_since(start);
	kill(spinner, SIGKILL);
	waitpid(spinner, NULL, 0);
	sched_setaffinity(0, sizeof(saved), &saved);
	close(fd_kaio);
	close(fd_native);
	nullb_remove(&other);
	ASSERT_LE(KAIO_MS - 200, ms) {
		TH_LOG("the process was reaped after %lld ms, before its %d ms kaio write completed",
		       ms, KAIO_MS);
	}
}

/* Signal storms for first_setup_survives_signals. */
static volatile sig_atomic_t usr1_seen;

static void on_usr1(int sig)
{
	usr1_seen++;
}

struct storm {
	pid_t tid;
	volatile int stop;
};

static void *storm_main(void *arg)
{
	struct storm *s = arg;

	while (!s->stop)
		syscall(SYS_tgkill, getpid(), s->tid, SIGUSR1);
	return NULL;
}

/*
 * The first io_setup of a process does not fail because a signal arrived
 * meanwhile (natively it never does, short of a fatal one).  kaio
 * registers an mmu notifier there, which takes every lock of the address
 * space, one mapping after the other, and gives up on any pending signal:
 * with hundreds of mappings and a stream of signals that failed with
 * ENOMEM (and, restarted blindly, could go on forever).
 */
TEST_F_TIMEOUT(life, first_setup_survives_signals, 120)
{
	const struct aio_backend *b = variant->backend;
	enum { MAPPINGS = 500, RUNS = 40, MIN_RUNS = 10, BUDGET_MS = 10000 };
	long page = self->page;
	long long start = now_ns(), made_ms;
	char *area;
	int run;

	AIO_REQUIRE(b, AIO_OP_SETUP, AIO_OP_DESTROY);
	THREADS_OR_SKIP();
	/* Many mappings, inherited by every child: one VMA per page. */
	area = mmap(NULL, MAPPINGS * 2 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(area != MAP_FAILED);
	for (long i = 0; i < MAPPINGS; i++)
		ASSERT_OK(mprotect(area + 2 * i * page, page, PROT_READ));
	made_ms = ms_since(start);

	/* RUNS processes, or fewer (never below MIN_RUNS) on a slow kernel. */
	for (run = 0; run < RUNS && (run < MIN_RUNS || ms_since(start) < BUDGET_MS); run++) {
		pid_t pid = fork();

		ASSERT_LE(0, pid);
		if (pid == 0) {
			struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
			struct storm s = { .tid = (pid_t)syscall(SYS_gettid) };
			aio_context_t ctx = 0;
			pthread_t th;
			long ret;
			int err;

			if (sigaction(SIGUSR1, &sa, NULL) ||
			    pthread_create(&th, NULL, storm_main, &s))
				_exit(100);
			while (!usr1_seen)
				sched_yield();
			ret = b->io_setup(1, &ctx);
			err = errno;
			s.stop = 1;
			pthread_join(th, NULL);
			if (ret)
				_exit(err > 0 && err < 100 ? err : 99);
			_exit(b->io_destroy(ctx) ? 101 : 0);
		}
		int status = wait_exit(pid);

		ASSERT_EQ(0, status) {
			TH_LOG("run %d: the first io_setup under signals failed: %s", run,
			       status > 0 && status < 100 ? strerrorname_np(status) : "(child error)");
		}
	}
	TH_LOG("%s: %d processes with %d mappings each (made in %lld ms), %lld ms in all",
	       b->name, run, MAPPINGS, made_ms, ms_since(start));
	munmap(area, MAPPINGS * 2 * page);
}

/*
 * fsyncs that take long (a slow device here; a FUSE server that never
 * answers in real life) do not hold up other users' context frees: they
 * run on a workqueue of their own, not on the one that frees contexts,
 * whose 256 items per CPU they would otherwise fill.  Only kaio's side can
 * be observed (its object counts in debugfs): fs/aio.c runs both on the
 * system workqueue, whose frees no test can see.
 */
TEST_F(life, stuck_fsyncs_do_not_delay_frees)
{
	const struct aio_backend *b = variant->backend;
	enum { LATENCY_MS = 3000, FSYNCS = 300 };
	struct __kernel_timespec zero = { 0, 0 };
	static struct iocb cb[FSYNCS];
	static struct iocb *p[FSYNCS];
	static struct io_event ev[FSYNCS];
	unsigned char *dirty;
	long before, now = -1, got;
	cpu_set_t saved;
	pid_t pid;
	int fd;

	LIFE_BEGIN(FSYNCS + 10);
	if (strcmp(b->name, "kaio"))
		SKIP(return, "only kaio's workqueues can be observed (fs/aio.c uses the system workqueue)");
	if (kaio_live_contexts() < 0)
		SKIP(return, "cannot read %s (debugfs)", KAIO_OBJECTS);
	SLOW_NULLB_OR_SKIP(LATENCY_MS);
	/* Everything on one CPU: its share of a bound workqueue is what fills up. */
	ASSERT_LE(0, pin_to_one_cpu(&saved));

	/* Dirty page cache on the slow device: each fsync waits for its writeback. */
	fd = open(self->nb.path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	dirty = dio_buffer(1 << 20, 0x33);
	ASSERT_TRUE(dirty != NULL);
	ASSERT_EQ((ssize_t)(1 << 20), pwrite(fd, dirty, 1 << 20, 0));
	for (int i = 0; i < FSYNCS; i++) {
		iocb_prep(&cb[i], IOCB_CMD_FSYNC, fd, NULL, 0, 0, i);
		p[i] = &cb[i];
	}
	ASSERT_OK_VAL(FSYNCS, b->io_submit(self->ctx, FSYNCS, p));
	msleep(200);
	ASSERT_OK_VAL(0, b->io_getevents(self->ctx, 0, FSYNCS, ev, &zero));

	/* Another process sets up and destroys a context meanwhile... */
	before = kaio_live_contexts();
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		aio_context_t ctx = 0;

		_exit(b->io_setup(1, &ctx) || b->io_destroy(ctx));
	}
	ASSERT_EQ(0, wait_exit(pid));
	/* ...and its context is freed while the fsyncs still wait. */
	for (int i = 0; i < 1000; i++) {
		now = kaio_live_contexts();
		if (now <= before)
			break;
		msleep(10);
	}
	ASSERT_GE(before, now);
	got = b->io_getevents(self->ctx, 0, FSYNCS, ev, &zero);
	ASSERT_EQ(0, got) {
		TH_LOG("the other process's context was freed only once %ld fsyncs had completed",
		       got);
	}

	got = reap_events(b, self->ctx, ev, FSYNCS, 60000);
	ASSERT_EQ(FSYNCS, got);
	for (int i = 0; i < FSYNCS; i++)
		ASSERT_EQ(0, ev[i].res);
	close(fd);
	free(dirty);
	sched_setaffinity(0, sizeof(saved), &saved);
}

struct destroyer {
	const struct aio_backend *b;
	aio_context_t ctx;
	pthread_barrier_t *barrier;
	long ret;
	int err;
};

static void *destroyer_main(void *arg)
{
	struct destroyer *d = arg;

	pthread_barrier_wait(d->barrier);
	d->ret = d->b->io_destroy(d->ctx);
	d->err = errno;
	return NULL;
}

/* Two threads destroy one context at once: one gets 0, the other EINVAL. */
TEST_F(life, concurrent_destroy)
{
	const struct aio_backend *b = variant->backend;
	unsigned char *buf = dio_buffer(4096, 0);
	struct nullb_params np = { .size_mb = 8, .blocksize = 4096,
				   .completion_nsec = 20000000 };
	char why[200];
	int fd = -1;

	AIO_REQUIRE(b, AIO_OP_SETUP, AIO_OP_DESTROY, AIO_OP_SUBMIT);
	THREADS_OR_SKIP();
	ASSERT_TRUE(buf != NULL);
	/* With I/O in flight the winner waits, which widens the window. */
	if (nullb_create(&self->nb, &np, why, sizeof(why)) == 0)
		fd = open(self->nb.path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	else
		TH_LOG("no in-flight I/O: %s", why);

	for (int round = 0; round < 20; round++) {
		pthread_barrier_t barrier;
		struct destroyer d[2];
		pthread_t th[2];
		aio_context_t ctx = 0;
		struct iocb cb, *p = &cb;

		ASSERT_OK(b->io_setup(4, &ctx));
		track_ctx(&self->t, ctx);
		if (fd >= 0 && (round & 1)) {
			iocb_prep(&cb, IOCB_CMD_PREAD, fd, buf, 4096, 0, round);
			ASSERT_OK_VAL(1, b->io_submit(ctx, 1, &p));
		}
		ASSERT_OK(pthread_barrier_init(&barrier, NULL, 2));
		for (int i = 0; i < 2; i++) {
			d[i] = (struct destroyer){ .b = b, .ctx = ctx, .barrier = &barrier };
			ASSERT_OK(pthread_create(&th[i], NULL, destroyer_main, &d[i]));
		}
		for (int i = 0; i < 2; i++)
			ASSERT_OK(pthread_join(th[i], NULL));
		pthread_barrier_destroy(&barrier);
		untrack_ctx(&self->t, ctx);

		int winner = d[0].ret == 0 ? 0 : 1, loser = 1 - winner;

		ASSERT_EQ(0, d[winner].ret);
		ASSERT_EQ(-1, d[loser].ret) {
			TH_LOG("round %d: both io_destroy calls succeeded", round);
		}
		ASSERT_EQ(EINVAL, d[loser].err);
		ASSERT_EQ(0ul, ring_map_size(ctx));
	}
	if (fd >= 0)
		close(fd);
}

struct waiter {
	const struct aio_backend *b;
	aio_context_t ctx;
	volatile int started;
	long ret;
	int err;
	struct io_event ev[4];
};

static void *waiter_main(void *arg)
{
	struct waiter *w = arg;

	w->started = 1;
	w->ret = w->b->io_getevents(w->ctx, 1, 4, w->ev, NULL);
	w->err = errno;
	return NULL;
}

/* io_destroy wakes a thread waiting for events: it fails with EINVAL. */
TEST_F(life, destroy_wakes_waiter)
{
	const struct aio_backend *b = variant->backend;
	struct waiter w = { .b = b };
	pthread_t th;

	LIFE_BEGIN(4);
	THREADS_OR_SKIP();
	w.ctx = self->ctx;
	ASSERT_OK(pthread_create(&th, NULL, waiter_main, &w));
	while (!w.started)
		msleep(1);
	msleep(100);
	ASSERT_OK(b->io_destroy(self->ctx));
	untrack_ctx(&self->t, self->ctx);
	ASSERT_OK(pthread_join(th, NULL));
	ASSERT_EQ(-1, w.ret);
	ASSERT_EQ(EINVAL, w.err);
}

TEST_HARNESS_MAIN
