// SPDX-License-Identifier: GPL-2.0
/*
 * aio-libaio: a program written against libaio's API (io_queue_init,
 * io_prep_* (poll included), io_submit, io_getevents, io_queue_run with
 * callbacks, io_pgetevents, io_cancel, io_destroy), printing each result and nothing
 * that differs between two correct runs.  Built twice: linked with
 * libaio.so.1 (run natively and under libkaio-preload.so) and statically
 * with libaio-kaio.a; every run must print the same.
 */
#include <errno.h>
#include <fcntl.h>
#include <libaio.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/kaio.h>		/* struct kaio_ring: the context id is its address */

#define BLK 4096
#define NR 8

static void show(const char *what, int ret)
{
	if (ret < 0)
		printf("%-44s -%s\n", what, strerrorname_np(-ret));
	else
		printf("%-44s %d\n", what, ret);
	fflush(stdout);
}

/* The events got, in the order the ring gave them. */
static void show_events(const struct io_event *ev, int n)
{
	for (int i = 0; i < n; i++)
		printf("event: data=%lu res=%#lx\n", (unsigned long)(uintptr_t)ev[i].data,
		       (unsigned long)ev[i].res);
}

static int callbacks, callback_bytes;
static struct iocb *cbs_base;

static void done(io_context_t ctx, struct iocb *iocb, long res, long res2)
{
	(void)ctx;
	(void)res2;
	callbacks++;
	callback_bytes += (int)res;
	printf("callback: iocb %ld res=%ld\n", (long)(iocb - cbs_base), res);
}

static int by_data(const void *a, const void *b)
{
	const struct io_event *x = a, *y = b;

	return x->data < y->data ? -1 : x->data > y->data;
}

int main(void)
{
	static char buf[NR][BLK] __attribute__((aligned(BLK)));
	const char *tmpdir = getenv("TMPDIR");
	struct iocb cb[NR], *cbs[NR];
	struct io_event ev[NR];
	struct timespec ts = { 0, 0 };
	io_context_t ctx = 0, bad;
	char path[256];
	int fd, n;

	snprintf(path, sizeof(path), "%s/aio-libaio-XXXXXX", tmpdir ? tmpdir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0) {
		perror("mkstemp");
		return 1;
	}
	unlink(path);

	show("io_queue_init(0)", io_queue_init(0, &ctx));
	show("io_setup(0)", io_setup(0, &ctx));
	errno = EBADMSG;
	show("io_setup(0) again", io_setup(0, &ctx));
	show("errno is left alone", errno == EBADMSG);
	show("io_queue_init(NR)", io_queue_init(NR, &ctx));
	show("context is the ring", ((struct kaio_ring *)ctx)->magic == KAIO_RING_MAGIC);

	/* An empty ring, polled: libaio answers without the kernel. */
	show("io_getevents(poll, empty)", io_getevents(ctx, 0, NR, ev, &ts));
	show("io_getevents(min > nr)", io_getevents(ctx, 2, 1, ev, NULL));

	for (int i = 0; i < NR; i++) {
		memset(buf[i], 'A' + i, BLK);
		io_prep_pwrite(&cb[i], fd, buf[i], BLK, (long long)i * BLK);
		cb[i].data = (void *)(uintptr_t)(i + 1);
		cbs[i] = &cb[i];
	}
	show("io_submit(NR pwrite)", io_submit(ctx, NR, cbs));
	n = io_getevents(ctx, NR, NR, ev, NULL);
	show("io_getevents(NR)", n);
	qsort(ev, n > 0 ? (size_t)n : 0, sizeof(ev[0]), by_data);
	for (int i = 0; i < n; i++)
		printf("event: data=%lu res=%ld res2=%ld own iocb=%d\n",
		       (unsigned long)(uintptr_t)ev[i].data, (long)ev[i].res, (long)ev[i].res2,
		       ev[i].obj == &cb[(uintptr_t)ev[i].data - 1]);

	/* Reads with callbacks, reaped by io_queue_run. */
	for (int i = 0; i < NR; i++) {
		memset(buf[i], 0, BLK);
		io_prep_pread(&cb[i], fd, buf[i], BLK, (long long)(NR - 1 - i) * BLK);
		io_set_callback(&cb[i], done);
	}
	cbs_base = cb;
	show("io_submit(NR pread with callbacks)", io_submit(ctx, NR, cbs));
	while (callbacks < NR) {
		int r = io_queue_run(ctx);

		if (r < 0) {
			show("io_queue_run", r);
			break;
		}
		if (callbacks < NR)
			usleep(1000);
	}
	printf("callbacks=%d bytes=%d first=%c last=%c\n", callbacks, callback_bytes, buf[0][0],
	       buf[NR - 1][0]);

	/* io_pgetevents with a signal mask. */
	{
		sigset_t mask;

		sigemptyset(&mask);
		sigaddset(&mask, SIGUSR1);
		io_prep_fsync(&cb[0], fd);
		cb[0].data = (void *)99;
		show("io_submit(fsync)", io_submit(ctx, 1, cbs));
		n = io_pgetevents(ctx, 1, 1, ev, NULL, &mask);
		show("io_pgetevents(1, mask)", n);
		if (n == 1)
			printf("event: data=%lu res=%ld\n", (unsigned long)(uintptr_t)ev[0].data,
			       (long)ev[0].res);
	}

	show("io_cancel(completed)", io_cancel(ctx, &cb[0], ev));

	/* IOCB_CMD_POLL: ready at once, later, and cancelled while pending. */
	{
		int p[2];
		char c;

		if (pipe(p))
			return 1;
		io_prep_poll(&cb[0], p[1], POLLOUT);
		cb[0].data = (void *)201;
		io_prep_poll(&cb[1], p[0], POLLIN);
		cb[1].data = (void *)202;
		io_prep_poll(&cb[2], p[0], POLLPRI);
		cb[2].data = (void *)203;
		show("io_submit(3 polls)", io_submit(ctx, 3, cbs));
		n = io_getevents(ctx, 1, NR, ev, NULL);
		show("io_getevents(ready at once)", n);
		show_events(ev, n);
		if (write(p[1], "x", 1) != 1 || read(p[0], &c, 1) != 1)
			return 1;
		n = io_getevents(ctx, 1, NR, ev, NULL);
		show("io_getevents(after a write)", n);
		show_events(ev, n);
		show("io_cancel(pending poll)", io_cancel(ctx, &cb[2], ev));
		n = io_getevents(ctx, 1, NR, ev, NULL);
		show("io_getevents(cancelled)", n);
		show_events(ev, n);
		show("io_cancel(again)", io_cancel(ctx, &cb[2], ev));
		close(p[0]);
		close(p[1]);
	}

	bad = (io_context_t)((uintptr_t)ctx + 4096 * 3);
	show("io_submit(foreign context)", io_submit(bad, 1, cbs));
	show("io_submit(nr -1)", io_submit(ctx, -1, cbs));
	show("io_destroy", io_destroy(ctx));
	show("io_queue_release(destroyed)", io_queue_release(ctx));
	close(fd);
	return 0;
}
