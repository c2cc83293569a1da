// SPDX-License-Identifier: GPL-2.0
/*
 * Reads and writes through AIO: what the completion events carry, on
 * tmpfs (buffered, completes inside io_submit), on a null_blk device with
 * O_DIRECT (really asynchronous), and on ext4 with O_DIRECT.
 *
 * An event carries aio_data as data, the iocb's user address as obj, the
 * result as res (bytes, or a negative errno from the file: a submission
 * the file refuses still counts as submitted), and res2 = 0.
 */
#include <sys/uio.h>
#include <linux/fs.h>

#include "aio_selftest.h"
#include "aio_test_util.h"

#define BLK 4096

FIXTURE(rw) {
	struct aio_tracker t;
	aio_context_t ctx;
	struct nullb_dev nb;
	struct scratch_ext4 ext4;
	struct io_event ev[64];
};

AIO_BACKEND_VARIANTS(rw);

FIXTURE_SETUP(rw)
{
	tracker_init(&self->t, variant->backend);
}

FIXTURE_TEARDOWN(rw)
{
	TRACKER_TEARDOWN_CHECK(&self->t);
	scratch_ext4_remove(&self->ext4);
	nullb_remove(&self->nb);
}

#define RW_BEGIN(nr) do {						\
	AIO_REQUIRE(variant->backend, AIO_OP_SETUP, AIO_OP_DESTROY,	\
		    AIO_OP_SUBMIT, AIO_OP_GETEVENTS);			\
	ASSERT_OK(variant->backend->io_setup(nr, &self->ctx));		\
	track_ctx(&self->t, self->ctx);					\
} while (0)

/* Make a null_blk device, or SKIP the test. */
#define NULLB_OR_SKIP(params) do {					\
	char __why[200];						\
	if (nullb_create(&self->nb, (params), __why, sizeof(__why)))	\
		SKIP(return, "%s", __why);				\
} while (0)

/* The event for @cb among @ev[0..n): its index, or -1. */
static int event_for(const struct io_event *ev, int n, const struct iocb *cb)
{
	for (int i = 0; i < n; i++)
		if (ev[i].obj == iocb_ptr_value(cb))
			return i;
	return -1;
}

TEST_F(rw, tmpfs_write_then_read)
{
	const struct aio_backend *b = variant->backend;
	unsigned char out[3][1000], in[3][1000];
	struct iocb cb[3], *p[3];
	int fd;

	RW_BEGIN(8);
	fd = tmp_file(0, 0);
	ASSERT_LE(0, fd);
	for (int i = 0; i < 3; i++) {
		fill_pattern(out[i], sizeof(out[i]), i + 1);
		iocb_prep(&cb[i], IOCB_CMD_PWRITE, fd, out[i], sizeof(out[i]), i * 1000,
			  0xabcdef0000000000ull | i);
		p[i] = &cb[i];
	}
	ASSERT_OK_VAL(3, b->io_submit(self->ctx, 3, p));
	ASSERT_OK_VAL(3, reap_events(b, self->ctx, self->ev, 3, 5000));
	/* Buffered tmpfs I/O completes in submission order. */
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(0xabcdef0000000000ull | i, self->ev[i].data);
		ASSERT_EQ(iocb_ptr_value(&cb[i]), self->ev[i].obj);
		ASSERT_EQ(1000, self->ev[i].res);
		ASSERT_EQ(0, self->ev[i].res2);
	}
	struct stat st;

	ASSERT_OK(fstat(fd, &st));
	ASSERT_EQ(3000, st.st_size);

	memset(in, 0, sizeof(in));
	for (int i = 0; i < 3; i++) {
		/* Read them back in the other order. */
		iocb_prep(&cb[i], IOCB_CMD_PREAD, fd, in[i], sizeof(in[i]), (2 - i) * 1000, 100 + i);
	}
	ASSERT_OK_VAL(3, b->io_submit(self->ctx, 3, p));
	ASSERT_OK_VAL(3, reap_events(b, self->ctx, self->ev, 3, 5000));
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ((unsigned long long)(100 + i), self->ev[i].data);
		ASSERT_EQ(iocb_ptr_value(&cb[i]), self->ev[i].obj);
		ASSERT_EQ(1000, self->ev[i].res);
		ASSERT_EQ(0, self->ev[i].res2);
		ASSERT_TRUE(check_pattern(in[i], sizeof(in[i]), 3 - i));
	}
	close(fd);
}

TEST_F(rw, short_read_and_file_errors)
{
	const struct aio_backend *b = variant->backend;
	char data[100], buf[4096];
	struct iocb cb[4], *p[4];
	void *guard = guard_page();
	int fd;

	RW_BEGIN(8);
	ASSERT_TRUE(guard != NULL);
	fd = tmp_file(0, 0);
	ASSERT_LE(0, fd);
	memset(data, 'd', sizeof(data));
	ASSERT_EQ(100, pwrite(fd, data, sizeof(data), 0));

	iocb_prep(&cb[0], IOCB_CMD_PREAD, fd, buf, sizeof(buf), 0, 1);	/* short: 100 */
	iocb_prep(&cb[1], IOCB_CMD_PREAD, fd, buf, sizeof(buf), 60, 2);	/* short: 40 */
	iocb_prep(&cb[2], IOCB_CMD_PREAD, fd, buf, sizeof(buf), 100, 3);	/* at EOF: 0 */
	iocb_prep(&cb[3], IOCB_CMD_PREAD, fd, buf, sizeof(buf), 1 << 20, 4);	/* past it: 0 */
	for (int i = 0; i < 4; i++)
		p[i] = &cb[i];
	ASSERT_OK_VAL(4, b->io_submit(self->ctx, 4, p));
	ASSERT_OK_VAL(4, reap_events(b, self->ctx, self->ev, 4, 5000));
	ASSERT_EQ(100, self->ev[0].res);
	ASSERT_EQ(40, self->ev[1].res);
	ASSERT_EQ(0, self->ev[2].res);
	ASSERT_EQ(0, self->ev[3].res);
	for (int i = 0; i < 4; i++)
		ASSERT_EQ((unsigned long long)(i + 1), self->ev[i].data);

	/*
	 * A buffer the copy cannot reach is the file's failure, not
	 * io_submit's: submitted, and -EFAULT in the event.
	 */
	iocb_prep(&cb[0], IOCB_CMD_PREAD, fd, guard, 100, 0, 10);
	iocb_prep(&cb[1], IOCB_CMD_PWRITE, fd, guard, 100, 0, 11);
	ASSERT_OK_VAL(2, b->io_submit(self->ctx, 2, p));
	ASSERT_OK_VAL(2, reap_events(b, self->ctx, self->ev, 2, 5000));
	ASSERT_EQ(10ull, self->ev[0].data);
	ASSERT_EQ(-EFAULT, self->ev[0].res);
	ASSERT_EQ(0, self->ev[0].res2);
	ASSERT_EQ(11ull, self->ev[1].data);
	ASSERT_EQ(-EFAULT, self->ev[1].res);
	/* The file is untouched by the failed write. */
	ASSERT_EQ(100, pread(fd, buf, sizeof(buf), 0));
	ASSERT_EQ(0, memcmp(buf, data, 100));
	close(fd);
}

TEST_F(rw, vectored)
{
	const struct aio_backend *b = variant->backend;
	unsigned char src[3000], dst[3000];
	struct iovec wv[3] = {
		{ src, 1 }, { src + 1, 2047 }, { src + 2048, 952 },
	};
	struct iovec rv[4] = {
		{ dst, 1000 }, { dst + 1000, 0 }, { dst + 1000, 1500 }, { dst + 2500, 500 },
	};
	struct iocb cb, *p = &cb;
	int fd;

	RW_BEGIN(8);
	fd = tmp_file(0, 0);
	ASSERT_LE(0, fd);
	fill_pattern(src, sizeof(src), 42);
	memset(dst, 0, sizeof(dst));

	iocb_prep(&cb, IOCB_CMD_PWRITEV, fd, wv, 3, 4096, 1);
	ASSERT_OK_VAL(1, b->io_submit(self->ctx, 1, &p));
	ASSERT_OK_VAL(1, reap_events(b, self->ctx, self->ev, 1, 5000));
	ASSERT_EQ(3000, self->ev[0].res);
	ASSERT_EQ(iocb_ptr_value(&cb), self->ev[0].obj);

	iocb_prep(&cb, IOCB_CMD_PREADV, fd, rv, 4, 4096, 2);
	ASSERT_OK_VAL(1, b->io_submit(self->ctx, 1, &p));
	ASSERT_OK_VAL(1, reap_events(b, self->ctx, self->ev, 1, 5000));
	ASSERT_EQ(3000, self->ev[0].res);
	ASSERT_EQ(2ull, self->ev[0].data);
	ASSERT_EQ(0, memcmp(src, dst, sizeof(src)));

	/* Short at EOF, vectored too. */
	iocb_prep(&cb, IOCB_CMD_PREADV, fd, rv, 4, 4096 + 2900, 3);
	ASSERT_OK_VAL(1, b->io_submit(self->ctx, 1, &p));
	ASSERT_OK_VAL(1, reap_events(b, self->ctx, self->ev, 1, 5000));
	ASSERT_EQ(100, self->ev[0].res);
	close(fd);
}

/* O_APPEND and RWF_APPEND write at the end, whatever aio_offset says. */
TEST_F(rw, append)
{
	const struct aio_backend *b = variant->backend;
	char proc[64], buf[64];
	struct iocb cb, *p = &cb;
	int fd, afd;
	struct stat st;

	RW_BEGIN(8);
	fd = tmp_file(0, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(10, pwrite(fd, "0123456789", 10, 0));
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	afd = open(proc, O_WRONLY | O_APPEND | O_CLOEXEC);
	ASSERT_LE(0, afd);

	iocb_prep(&cb, IOCB_CMD_PWRITE, afd, "abc", 3, 0, 1);
	ASSERT_OK_VAL(1, b->io_submit(self->ctx, 1, &p));
	ASSERT_OK_VAL(1, reap_events(b, self->ctx, self->ev, 1, 5000));
	ASSERT_EQ(3, self->ev[0].res);
	iocb_prep(&cb, IOCB_CMD_PWRITE, fd, "XY", 2, 2, 2);
	cb.aio_rw_flags = RWF_APPEND;
	ASSERT_OK_VAL(1, b->io_submit(self->ctx, 1, &p));
	ASSERT_OK_VAL(1, reap_events(b, self->ctx, self->ev, 1, 5000));
	ASSERT_EQ(2, self->ev[0].res);
	/* A plain write past the end extends the file. */
	iocb_prep(&cb, IOCB_CMD_PWRITE, fd, "Z", 1, 20, 3);
	ASSERT_OK_VAL(1, b->io_submit(self->ctx, 1, &p));
	ASSERT_OK_VAL(1, reap_events(b, self->ctx, self->ev, 1, 5000));
	ASSERT_EQ(1, self->ev[0].res);

	ASSERT_OK(fstat(fd, &st));
	ASSERT_EQ(21, st.st_size);
	ASSERT_EQ(21, pread(fd, buf, sizeof(buf), 0));
	ASSERT_EQ(0, memcmp(buf, "0123456789abcXY\0\0\0\0\0Z", 21));
	close(afd);
	close(fd);
}

/* O_DIRECT on a memory-backed null_blk device: data goes round. */
TEST_F(rw, nullb_direct_roundtrip)
{
	const struct aio_backend *b = variant->backend;
	struct nullb_params np = { .size_mb = 16, .blocksize = BLK, .memory_backed = true };
	enum { N = 16 };
	unsigned char *wbuf[N], *rbuf[N], *big;
	struct iocb cb[N], *p[N];
	int fd;

	RW_BEGIN(N);
	NULLB_OR_SKIP(&np);
	fd = open(self->nb.path, O_RDWR | O_DIRECT | O_CLOEXEC);
	ASSERT_LE(0, fd);
	for (int i = 0; i < N; i++) {
		wbuf[i] = dio_buffer(BLK, 0);
		rbuf[i] = dio_buffer(BLK, 0xee);
		ASSERT_TRUE(wbuf[i] && rbuf[i]);
		fill_pattern(wbuf[i], BLK, 1000 + i);
		/* Every other block, backwards. */
		iocb_prep(&cb[i], IOCB_CMD_PWRITE, fd, wbuf[i], BLK, (long long)(2 * (N - i)) * BLK, i);
		p[i] = &cb[i];
	}
	ASSERT_OK_VAL(N, b->io_submit(self->ctx, N, p));
	ASSERT_OK_VAL(N, reap_events(b, self->ctx, self->ev, N, 10000));
	for (int i = 0; i < N; i++) {
		int k = event_for(self->ev, N, &cb[i]);

		ASSERT_LE(0, k);
		ASSERT_EQ((unsigned long long)i, self->ev[k].data);
		ASSERT_EQ(BLK, self->ev[k].res);
		ASSERT_EQ(0, self->ev[k].res2);
	}
	for (int i = 0; i < N; i++) {
		iocb_prep(&cb[i], IOCB_CMD_PREAD, fd, rbuf[i], BLK, (long long)(2 * (N - i)) * BLK,
			  100 + i);
	}
	ASSERT_OK_VAL(N, b->io_submit(self->ctx, N, p));
	ASSERT_OK_VAL(N, reap_events(b, self->ctx, self->ev, N, 10000));
	for (int i = 0; i < N; i++) {
		int k = event_for(self->ev, N, &cb[i]);

		ASSERT_LE(0, k);
		ASSERT_EQ((unsigned long long)(100 + i), self->ev[k].data);
		ASSERT_EQ(BLK, self->ev[k].res);
		ASSERT_TRUE(check_pattern(rbuf[i], BLK, 1000 + i)) {
			TH_LOG("block %d did not come back", i);
		}
	}

	/* One large vectored read of blocks 2..5 (written by i = 15..12). */
	big = dio_buffer(4 * BLK, 0);
	ASSERT_TRUE(big != NULL);
	struct iovec iov[2] = { { big, BLK }, { big + BLK, 3 * BLK } };

	iocb_prep(&cb[0], IOCB_CMD_PREADV, fd, iov, 2, 2 * BLK, 7);
	ASSERT_OK_VAL(1, b->io_submit(self->ctx, 1, p));
	ASSERT_OK_VAL(1, reap_events(b, self->ctx, self->ev, 1, 10000));
	ASSERT_EQ(4 * BLK, self->ev[0].res);
	ASSERT_TRUE(check_pattern(big, BLK, 1000 + 15));
	ASSERT_TRUE(check_pattern(big + 2 * BLK, BLK, 1000 + 14));
	/* Blocks 3 and 5 were never written: zeroes. */
	for (int i = 0; i < BLK; i++)
		ASSERT_EQ(0, big[BLK + i] | big[3 * BLK + i]);
	close(fd);
}

/*
 * Misaligned O_DIRECT: the block layer refuses it, as the I/O's result,
 * not as io_submit's: the iocb is submitted and the event says -EINVAL.
 */
TEST_F(rw, nullb_direct_misaligned)
{
	const struct aio_backend *b = variant->backend;
	struct nullb_params np = { .size_mb = 16, .blocksize = BLK, .memory_backed = true };
	unsigned char *buf = dio_buffer(3 * BLK, 0);
	struct iocb cb[4], *p[4];
	char *ro;
	int fd;

	RW_BEGIN(8);
	NULLB_OR_SKIP(&np);
	ASSERT_TRUE(buf != NULL);
	fd = open(self->nb.path, O_RDWR | O_DIRECT | O_CLOEXEC);
	ASSERT_LE(0, fd);
	iocb_prep(&cb[0], IOCB_CMD_PREAD, fd, buf + 1, BLK, 0, 1);	/* buffer */
	iocb_prep(&cb[1], IOCB_CMD_PREAD, fd, buf, BLK, 512, 2);	/* offset */
	iocb_prep(&cb[2], IOCB_CMD_PWRITE, fd, buf, 100, 0, 3);		/* length */
	iocb_prep(&cb[3], IOCB_CMD_PWRITE, fd, buf + 8, BLK, BLK, 4);	/* buffer */
	for (int i = 0; i < 4; i++)
		p[i] = &cb[i];
	ASSERT_OK_VAL(4, b->io_submit(self->ctx, 4, p));
	ASSERT_OK_VAL(4, reap_events(b, self->ctx, self->ev, 4, 10000));
	for (int i = 0; i < 4; i++) {
		int k = event_for(self->ev, 4, &cb[i]);

		ASSERT_LE(0, k);
		ASSERT_EQ((unsigned long long)(i + 1), self->ev[k].data);
		ASSERT_EQ(-EINVAL, self->ev[k].res) {
			TH_LOG("iocb %d: res %lld", i, (long long)self->ev[k].res);
		}
	}

	/* A direct read into memory it may not write: -EFAULT in the event. */
	ro = mmap(NULL, BLK, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(ro != MAP_FAILED);
	iocb_prep(&cb[0], IOCB_CMD_PREAD, fd, ro, BLK, 0, 9);
	ASSERT_OK_VAL(1, b->io_submit(self->ctx, 1, p));
	ASSERT_OK_VAL(1, reap_events(b, self->ctx, self->ev, 1, 10000));
	ASSERT_EQ(-EFAULT, self->ev[0].res);
	/* Past the end of the device: a short (empty) read. */
	iocb_prep(&cb[0], IOCB_CMD_PREAD, fd, buf, BLK, 16ll << 20, 10);
	ASSERT_OK_VAL(1, b->io_submit(self->ctx, 1, p));
	ASSERT_OK_VAL(1, reap_events(b, self->ctx, self->ev, 1, 10000));
	ASSERT_EQ(0, self->ev[0].res);
	munmap(ro, BLK);
	close(fd);
}

/*
 * With completions on a 200 ms timer the I/O is really in flight after
 * io_submit returns; min_nr = all waits for every one of them.
 */
TEST_F(rw, nullb_direct_in_flight)
{
	const struct aio_backend *b = variant->backend;
	struct nullb_params np = { .size_mb = 16, .blocksize = BLK, .memory_backed = true,
				   .completion_nsec = 200000000 };
	enum { N = 24 };
	unsigned char *buf = dio_buffer(N * BLK, 0);
	struct iocb cb[N], *p[N];
	bool seen[N] = { false };
	long long start;
	int fd;

	RW_BEGIN(N);
	NULLB_OR_SKIP(&np);
	ASSERT_TRUE(buf != NULL);
	fd = open(self->nb.path, O_RDWR | O_DIRECT | O_CLOEXEC);
	ASSERT_LE(0, fd);
	for (int i = 0; i < N; i++) {
		fill_pattern(buf + i * BLK, BLK, 7 * i);
		iocb_prep(&cb[i], IOCB_CMD_PWRITE, fd, buf + i * BLK, BLK, (long long)i * BLK, i);
		p[i] = &cb[i];
	}
	start = now_ns();
	ASSERT_OK_VAL(N, b->io_submit(self->ctx, N, p));
	ASSERT_OK_VAL(N, b->io_getevents(self->ctx, N, N, self->ev, NULL));
	ASSERT_LE(180, ms_since(start));
	for (int i = 0; i < N; i++) {
		unsigned long long tag = self->ev[i].data;

		ASSERT_GT((unsigned long long)N, tag);
		ASSERT_FALSE(seen[tag]);
		seen[tag] = true;
		ASSERT_EQ(iocb_ptr_value(&cb[tag]), self->ev[i].obj);
		ASSERT_EQ(BLK, self->ev[i].res);
	}
	/* And the data is on the device. */
	memset(buf, 0, N * BLK);
	ASSERT_EQ((ssize_t)(N * BLK), pread(fd, buf, N * BLK, 0));
	for (int i = 0; i < N; i++)
		ASSERT_TRUE(check_pattern(buf + i * BLK, BLK, 7 * i));
	close(fd);
}

/* ext4 with O_DIRECT: allocation, round trip, misalignment, fsync. */
TEST_F(rw, ext4_direct)
{
	const struct aio_backend *b = variant->backend;
	enum { N = 8 };
	unsigned char *wbuf = dio_buffer(N * BLK, 0), *rbuf = dio_buffer(N * BLK, 0);
	struct iocb cb[N], *p[N];
	char why[200], path[128];
	int fd, bfd;

	RW_BEGIN(N);
	if (scratch_ext4_make(&self->ext4, why, sizeof(why)))
		SKIP(return, "%s", why);
	ASSERT_TRUE(wbuf && rbuf);
	snprintf(path, sizeof(path), "%s/file", self->ext4.mnt);
	fd = open(path, O_RDWR | O_CREAT | O_DIRECT | O_CLOEXEC, 0600);
	ASSERT_LE(0, fd);

	/* Extending writes into a new file. */
	for (int i = 0; i < N; i++) {
		fill_pattern(wbuf + i * BLK, BLK, 300 + i);
		iocb_prep(&cb[i], IOCB_CMD_PWRITE, fd, wbuf + i * BLK, BLK, (long long)i * BLK, i);
		p[i] = &cb[i];
	}
	/* One at a time: each extends the file past the last. */
	for (int i = 0; i < N; i++) {
		ASSERT_OK_VAL(1, b->io_submit(self->ctx, 1, &p[i]));
		ASSERT_OK_VAL(1, reap_events(b, self->ctx, self->ev, 1, 10000));
		ASSERT_EQ(BLK, self->ev[0].res);
		ASSERT_EQ((unsigned long long)i, self->ev[0].data);
	}
	/* Overwrites, all at once. */
	for (int i = 0; i < N; i++)
		fill_pattern(wbuf + i * BLK, BLK, 500 + i);
	ASSERT_OK_VAL(N, b->io_submit(self->ctx, N, p));
	ASSERT_OK_VAL(N, reap_events(b, self->ctx, self->ev, N, 10000));
	for (int i = 0; i < N; i++)
		ASSERT_EQ(BLK, self->ev[i].res);

	for (int i = 0; i < N; i++)
		iocb_prep(&cb[i], IOCB_CMD_PREAD, fd, rbuf + i * BLK, BLK, (long long)i * BLK,
			  50 + i);
	ASSERT_OK_VAL(N, b->io_submit(self->ctx, N, p));
	ASSERT_OK_VAL(N, reap_events(b, self->ctx, self->ev, N, 10000));
	for (int i = 0; i < N; i++) {
		ASSERT_EQ(BLK, self->ev[i].res);
		ASSERT_TRUE(check_pattern(rbuf + i * BLK, BLK, 500 + i));
	}
	/* A buffered descriptor sees the same data. */
	bfd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, bfd);
	memset(rbuf, 0, N * BLK);
	ASSERT_EQ((ssize_t)(N * BLK), pread(bfd, rbuf, N * BLK, 0));
	for (int i = 0; i < N; i++)
		ASSERT_TRUE(check_pattern(rbuf + i * BLK, BLK, 500 + i));

	/* Misaligned buffer: submitted, -EINVAL in the event. */
	iocb_prep(&cb[0], IOCB_CMD_PREAD, fd, rbuf + 3, BLK, 0, 90);
	iocb_prep(&cb[1], IOCB_CMD_PWRITE, fd, wbuf + 5, BLK, 0, 91);
	ASSERT_OK_VAL(2, b->io_submit(self->ctx, 2, p));
	ASSERT_OK_VAL(2, reap_events(b, self->ctx, self->ev, 2, 10000));
	for (int i = 0; i < 2; i++) {
		int k = event_for(self->ev, 2, &cb[i]);

		ASSERT_LE(0, k);
		ASSERT_EQ(-EINVAL, self->ev[k].res);
	}
	/* Short read at EOF. */
	iocb_prep(&cb[0], IOCB_CMD_PREAD, fd, rbuf, 2 * BLK, (N - 1) * BLK, 92);
	ASSERT_OK_VAL(1, b->io_submit(self->ctx, 1, p));
	ASSERT_OK_VAL(1, reap_events(b, self->ctx, self->ev, 1, 10000));
	ASSERT_EQ(BLK, self->ev[0].res);
	/* fsync and fdatasync through AIO. */
	iocb_prep(&cb[0], IOCB_CMD_FSYNC, fd, NULL, 0, 0, 93);
	iocb_prep(&cb[1], IOCB_CMD_FDSYNC, fd, NULL, 0, 0, 94);
	ASSERT_OK_VAL(2, b->io_submit(self->ctx, 2, p));
	ASSERT_OK_VAL(2, reap_events(b, self->ctx, self->ev, 2, 10000));
	ASSERT_EQ(0, self->ev[0].res);
	ASSERT_EQ(0, self->ev[1].res);
	close(bfd);
	close(fd);
}

TEST_HARNESS_MAIN
