// SPDX-License-Identifier: GPL-2.0
/*
 * aio-errno: a walk through the AIO system calls, called the way most
 * programs call them (glibc's syscall()), printing every result and errno
 * and nothing that differs between two correct runs (no addresses, no
 * times).  Run natively and under libkaio-preload.so (libkaio/kaio-diff),
 * the two outputs must be identical.  Exit status 0 unless the program
 * could not set itself up.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/aio_abi.h>
#include <linux/kaio.h>		/* struct kaio_sigset */

#define BLK 4096

static long r_setup(unsigned int nr, aio_context_t *ctxp)
{
	return syscall(SYS_io_setup, nr, ctxp);
}

static long r_destroy(aio_context_t ctx)
{
	return syscall(SYS_io_destroy, ctx);
}

static long r_submit(aio_context_t ctx, long nr, struct iocb **iocbpp)
{
	return syscall(SYS_io_submit, ctx, nr, iocbpp);
}

static long r_cancel(aio_context_t ctx, struct iocb *iocb, struct io_event *ev)
{
	return syscall(SYS_io_cancel, ctx, iocb, ev);
}

static long r_getevents(aio_context_t ctx, long min_nr, long nr, struct io_event *ev,
			struct timespec *ts)
{
	return syscall(SYS_io_getevents, ctx, min_nr, nr, ev, ts);
}

static long r_pgetevents(aio_context_t ctx, long min_nr, long nr, struct io_event *ev,
			 struct timespec *ts, struct kaio_sigset *usig)
{
	return syscall(SYS_io_pgetevents, ctx, min_nr, nr, ev, ts, usig);
}

static void show(const char *what, long ret)
{
	if (ret < 0)
		printf("%-48s -1 %s\n", what, strerrorname_np(errno));
	else
		printf("%-48s %ld\n", what, ret);
	fflush(stdout);
}

#define SHOW(what, expr)			\
	do {					\
		errno = 0;			\
		show(what, (long)(expr));	\
	} while (0)

static void prep(struct iocb *cb, int op, int fd, void *buf, size_t len, long long off,
		 uint64_t data)
{
	memset(cb, 0, sizeof(*cb));
	cb->aio_lio_opcode = (uint16_t)op;
	cb->aio_fildes = (uint32_t)fd;
	cb->aio_buf = (uint64_t)(uintptr_t)buf;
	cb->aio_nbytes = len;
	cb->aio_offset = off;
	cb->aio_data = data;
}

static void show_events(const char *what, struct io_event *ev, long n, struct iocb **cbs)
{
	for (long i = 0; i < n; i++) {
		long idx = -1;

		for (int j = 0; cbs && cbs[j]; j++)
			if (ev[i].obj == (uint64_t)(uintptr_t)cbs[j])
				idx = j;
		printf("%s event: data=%llu obj=iocb[%ld] res=%lld res2=%lld\n", what,
		       (unsigned long long)ev[i].data, idx, (long long)ev[i].res,
		       (long long)ev[i].res2);
	}
	fflush(stdout);
}

/* Events come in completion order; sort by data for a stable listing. */
static int by_data(const void *a, const void *b)
{
	const struct io_event *x = a, *y = b;

	return x->data < y->data ? -1 : x->data > y->data;
}

static void on_alarm(int sig)
{
	(void)sig;
}

int main(void)
{
	static char buf[8][BLK] __attribute__((aligned(BLK)));
	const char *tmpdir = getenv("TMPDIR");
	struct io_event ev[16];
	struct iocb cb[8], *cbs[9] = { 0 };
	aio_context_t ctx = 0, ctx2;
	struct timespec ts;
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/aio-errno-XXXXXX", tmpdir ? tmpdir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0) {
		perror("mkstemp");
		return 1;
	}
	unlink(path);

	puts("== other system calls pass through");
	SHOW("syscall(getppid) == getppid()", syscall(SYS_getppid) == getppid());
	SHOW("syscall(close, -1)", syscall(SYS_close, -1));
	SHOW("syscall(99999)", syscall(99999, 1, 2, 3, 4, 5, 6));

	puts("== io_setup");
	SHOW("setup(0)", r_setup(0, &ctx));
	SHOW("setup(1, NULL)", r_setup(1, NULL));
	ctx = 1;
	SHOW("setup(1, &nonzero)", r_setup(1, &ctx));
	ctx = 0;
	SHOW("setup(-1)", r_setup(~0u, &ctx));
	SHOW("setup(0x80000000)", r_setup(0x80000000u, &ctx));
	SHOW("setup(4194305)", r_setup(4194305, &ctx));
	SHOW("setup(bad pointer)", r_setup(1, (aio_context_t *)8));
	SHOW("setup(32)", r_setup(32, &ctx));
	if (!ctx) {
		puts("no context: stopping here");
		return 1;
	}
	{
		const volatile unsigned int *ring = (const volatile unsigned int *)ctx;

		printf("ring: nr=%u head=%u tail=%u magic=%#x compat=%u incompat=%u hdr=%u\n",
		       ring[1], ring[2], ring[3], ring[4], ring[5], ring[6], ring[7]);
	}
	ctx2 = 0;
	SHOW("setup(1) second context", r_setup(1, &ctx2));
	SHOW("two contexts differ", ctx2 != ctx);

	puts("== io_submit checks");
	SHOW("submit(nr=-1)", r_submit(ctx, -1, cbs));
	SHOW("submit(ctx=0)", r_submit(0, 1, cbs));
	SHOW("submit(garbage ctx)", r_submit(ctx + 4096 * 7, 1, cbs));
	SHOW("submit(nr=0, NULL)", r_submit(ctx, 0, NULL));
	SHOW("submit(NULL array)", r_submit(ctx, 1, NULL));
	cbs[0] = NULL;
	SHOW("submit(NULL iocb)", r_submit(ctx, 1, cbs));
	cbs[0] = (struct iocb *)16;
	SHOW("submit(bad iocb pointer)", r_submit(ctx, 1, cbs));
	cbs[0] = &cb[0];
	prep(&cb[0], IOCB_CMD_PWRITE, 12345, buf[0], BLK, 0, 1);
	SHOW("submit(bad fd)", r_submit(ctx, 1, cbs));
	prep(&cb[0], 99, fd, buf[0], BLK, 0, 1);
	SHOW("submit(bad opcode)", r_submit(ctx, 1, cbs));
	prep(&cb[0], IOCB_CMD_PWRITE, fd, buf[0], BLK, 0, 1);
	cb[0].aio_reserved2 = 1;
	SHOW("submit(reserved2)", r_submit(ctx, 1, cbs));
	prep(&cb[0], IOCB_CMD_PWRITE, fd, buf[0], (size_t)-1, 0, 1);
	SHOW("submit(negative nbytes)", r_submit(ctx, 1, cbs));
	prep(&cb[0], IOCB_CMD_PWRITE, fd, buf[0], BLK, 0, 1);
	cb[0].aio_rw_flags = 0x80000;
	SHOW("submit(unknown rw flag)", r_submit(ctx, 1, cbs));
	prep(&cb[0], IOCB_CMD_PWRITE, fd, buf[0], BLK, 0, 1);
	cb[0].aio_flags = IOCB_FLAG_RESFD;
	cb[0].aio_resfd = 12345;
	SHOW("submit(bad resfd)", r_submit(ctx, 1, cbs));

	puts("== writes and reads");
	for (int i = 0; i < 4; i++) {
		memset(buf[i], 'a' + i, BLK);
		prep(&cb[i], IOCB_CMD_PWRITE, fd, buf[i], BLK, (long long)i * BLK, 100 + i);
		cbs[i] = &cb[i];
	}
	cbs[4] = NULL;
	SHOW("submit(4 pwrite)", r_submit(ctx, 4, cbs));
	errno = 0;
	long n = r_getevents(ctx, 4, 16, ev, NULL);
	show("getevents(4, 16, NULL)", n);
	if (n > 0) {
		qsort(ev, (size_t)n, sizeof(ev[0]), by_data);
		show_events("pwrite", ev, n, cbs);
	}
	for (int i = 0; i < 4; i++) {
		memset(buf[4 + i % 4], 0, BLK);
		prep(&cb[i], IOCB_CMD_PREAD, fd, buf[4 + i], BLK, (long long)(3 - i) * BLK,
		     200 + i);
	}
	prep(&cb[3], IOCB_CMD_PREAD, fd, buf[7], BLK, 3 * BLK + 100, 203);
	SHOW("submit(4 pread, one short)", r_submit(ctx, 4, cbs));
	n = r_getevents(ctx, 4, 16, ev, NULL);
	show("getevents", n);
	if (n > 0) {
		qsort(ev, (size_t)n, sizeof(ev[0]), by_data);
		show_events("pread", ev, n, cbs);
	}
	printf("read back: %c %c %c %c\n", buf[4][0], buf[5][0], buf[6][0], buf[7][0]);

	{
		struct iovec iov[2] = { { buf[0], 100 }, { buf[1], 200 } };

		prep(&cb[0], IOCB_CMD_PWRITEV, fd, iov, 2, 5 * BLK, 300);
		prep(&cb[1], IOCB_CMD_FSYNC, fd, NULL, 0, 0, 301);
		prep(&cb[2], IOCB_CMD_FDSYNC, fd, NULL, 0, 0, 302);
		cbs[3] = NULL;
		SHOW("submit(pwritev, fsync, fdsync)", r_submit(ctx, 3, cbs));
		n = r_getevents(ctx, 3, 3, ev, NULL);
		show("getevents", n);
		if (n > 0) {
			qsort(ev, (size_t)n, sizeof(ev[0]), by_data);
			show_events("vec/sync", ev, n, cbs);
		}
		prep(&cb[0], IOCB_CMD_PREADV, fd, iov, 2, 5 * BLK + 50, 303);
		SHOW("submit(preadv at the end)", r_submit(ctx, 1, cbs));
		n = r_getevents(ctx, 1, 1, ev, NULL);
		show("getevents", n);
		show_events("preadv", ev, n > 0 ? n : 0, cbs);
	}

	puts("== eventfd");
	{
		int efd = eventfd(0, EFD_CLOEXEC);
		uint64_t count = 0;

		prep(&cb[0], IOCB_CMD_PREAD, fd, buf[0], BLK, 0, 400);
		cb[0].aio_flags = IOCB_FLAG_RESFD;
		cb[0].aio_resfd = (uint32_t)efd;
		prep(&cb[1], IOCB_CMD_PREAD, fd, buf[1], BLK, BLK, 401);
		cb[1].aio_flags = IOCB_FLAG_RESFD;
		cb[1].aio_resfd = (uint32_t)efd;
		cbs[2] = NULL;
		SHOW("submit(2 with resfd)", r_submit(ctx, 2, cbs));
		n = r_getevents(ctx, 2, 2, ev, NULL);
		show("getevents", n);
		SHOW("eventfd read", read(efd, &count, sizeof(count)));
		printf("eventfd count: %llu\n", (unsigned long long)count);
		close(efd);
	}

	puts("== io_getevents checks");
	SHOW("getevents(min > nr)", r_getevents(ctx, 2, 1, ev, NULL));
	SHOW("getevents(nr < 0)", r_getevents(ctx, 0, -1, ev, NULL));
	SHOW("getevents(min < 0)", r_getevents(ctx, -1, 1, ev, NULL));
	SHOW("getevents(ctx 0)", r_getevents(0, 0, 1, ev, NULL));
	ts.tv_sec = 0;
	ts.tv_nsec = 0;
	SHOW("getevents(poll, empty)", r_getevents(ctx, 0, 1, ev, &ts));
	ts.tv_nsec = 1000000;
	SHOW("getevents(1 ms, empty)", r_getevents(ctx, 1, 1, ev, &ts));
	SHOW("getevents(bad timeout)", r_getevents(ctx, 1, 1, ev, (struct timespec *)8));
	prep(&cb[0], IOCB_CMD_PREAD, fd, buf[0], BLK, 0, 500);
	cbs[1] = NULL;
	SHOW("submit(1 pread)", r_submit(ctx, 1, cbs));
	ts.tv_sec = 5;
	ts.tv_nsec = 0;
	SHOW("getevents(bad events array)", r_getevents(ctx, 1, 1, (struct io_event *)8, &ts));
	SHOW("getevents(the event is still there)", r_getevents(ctx, 1, 1, ev, &ts));

	puts("== io_pgetevents");
	{
		sigset_t mask;
		struct kaio_sigset u = { &mask, 8 };

		sigemptyset(&mask);
		ts.tv_sec = 0;
		ts.tv_nsec = 0;
		SHOW("pgetevents(poll, mask)", r_pgetevents(ctx, 0, 1, ev, &ts, &u));
		u.sigsetsize = 4;
		SHOW("pgetevents(bad sigsetsize)", r_pgetevents(ctx, 0, 1, ev, &ts, &u));
		SHOW("pgetevents(bad usig)", r_pgetevents(ctx, 0, 1, ev, &ts, (struct kaio_sigset *)8));
		SHOW("pgetevents(no usig)", r_pgetevents(ctx, 0, 1, ev, &ts, NULL));
	}

	puts("== signals");
	{
		struct sigaction sa;
		struct itimerspec it = { .it_value = { 0, 20 * 1000000 } };
		timer_t t;
		struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGALRM };

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_alarm;
		sigaction(SIGALRM, &sa, NULL);
		timer_create(CLOCK_MONOTONIC, &sev, &t);
		timer_settime(t, 0, &it, NULL);
		SHOW("getevents(interrupted by a handler)", r_getevents(ctx, 1, 1, ev, NULL));
		timer_delete(t);
	}

	puts("== io_cancel");
	prep(&cb[0], IOCB_CMD_PREAD, fd, buf[0], BLK, 0, 600);
	SHOW("submit(1 pread)", r_submit(ctx, 1, cbs));
	SHOW("cancel(completed pread)", r_cancel(ctx, &cb[0], ev));
	SHOW("cancel(NULL iocb)", r_cancel(ctx, NULL, ev));
	SHOW("cancel(ctx 0)", r_cancel(0, &cb[0], ev));
	SHOW("getevents", r_getevents(ctx, 1, 1, ev, NULL));

	puts("== fork");
	fflush(stdout);
	{
		pid_t pid = fork();

		if (pid == 0) {
			aio_context_t own = 0;

			SHOW("child: submit on the parent's context", r_submit(ctx, 1, cbs));
			SHOW("child: destroy the parent's context", r_destroy(ctx));
			SHOW("child: setup(8)", r_setup(8, &own));
			prep(&cb[0], IOCB_CMD_PREAD, fd, buf[0], BLK, BLK, 700);
			SHOW("child: submit", r_submit(own, 1, cbs));
			SHOW("child: getevents", r_getevents(own, 1, 1, ev, NULL));
			show_events("child", ev, 1, cbs);
			SHOW("child: destroy", r_destroy(own));
			_exit(0);
		}
		int status = 0;

		waitpid(pid, &status, 0);
		printf("child exit status %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	}

	puts("== io_destroy");
	SHOW("destroy(second)", r_destroy(ctx2));
	SHOW("destroy", r_destroy(ctx));
	SHOW("destroy again", r_destroy(ctx));
	SHOW("getevents(destroyed)", r_getevents(ctx, 0, 1, ev, NULL));
	SHOW("submit(destroyed)", r_submit(ctx, 1, cbs));
	SHOW("destroy(0)", r_destroy(0));
	close(fd);
	return 0;
}
