// SPDX-License-Identifier: GPL-2.0
/*
 * kaio-churn: many short-lived processes using /dev/kaio, on every CPU,
 * for selftests/reload-stress.
 *
 *	kaio-churn [-n PROCS] [-f FILE]
 *	kaio-churn -s [-n PROCS] [-H MS]
 *	kaio-churn -k FLAG
 *
 * Forks PROCS children (default 64), spread over the online CPUs.  Each
 * opens /dev/kaio, sets up a context (registering an mmu notifier for its
 * mm), and either destroys it or exits with it alive; with -f, half of
 * them first start an O_DIRECT write into a preallocated (unwritten) extent
 * of FILE, whose completion converts the extent in a workqueue, in process
 * context, and exit with it in flight.
 *
 * With -s the children set up and destroy a context (so nothing pins the
 * module), wait until all are ready and exit together: each exit queues
 * the free of its mm's notifier state (call_srcu()) on its CPU.  With -H,
 * a real-time task spins for MS milliseconds on the last CPU from just
 * before the exits, and the children pinned there run at a higher
 * real-time priority: they exit at once, while the work that runs the frees
 * they queued waits behind the spinning task.  Module unload must wait for
 * those frees.
 *
 * With -k, one process keeps a context with a poll pending and closes its
 * descriptor of /dev/kaio, creates the file FLAG and exits once FLAG is
 * gone: meanwhile the module must refuse to unload.
 *
 * Waits for the children and exits 0 if every one did its part, 1
 * otherwise (the spinning task, if any, is left to finish on its own).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <linux/aio_abi.h>
#include <linux/kaio.h>

#define BLOCK 4096

/* Open /dev/kaio into *@dev and set up a context of @nr events: 0 or an exit status. */
static int setup(int *dev, unsigned int nr, aio_context_t *ctx)
{
	struct kaio_setup_args args = { .nr_events = nr, .ctxp = (uintptr_t)ctx };

	*ctx = 0;
	*dev = open("/dev/" KAIO_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (*dev < 0)
		return 10;
	return ioctl(*dev, KAIO_IOC_SETUP, &args) ? 11 : 0;
}

/* -s: set up and destroy a context, then exit when @go is closed. */
static int sleeper(int go, int rt)
{
	struct kaio_destroy_args destroy;
	aio_context_t ctx;
	int dev, err;
	char c;

	err = setup(&dev, 1, &ctx);
	if (err)
		return err;
	destroy.ctx = ctx;
	if (ioctl(dev, KAIO_IOC_DESTROY, &destroy))
		return 15;
	if (rt) {
		struct sched_param prio = { .sched_priority = 2 };

		if (sched_setscheduler(0, SCHED_FIFO, &prio))
			return 17;
	}
	if (read(go, &c, 1) != 0)
		return 16;
	return 0;
}

/* -k: hold a context with a poll pending, the device closed, while @flag exists. */
static int keeper(const char *flag)
{
	struct iocb cb = { .aio_lio_opcode = IOCB_CMD_POLL, .aio_buf = POLLIN };
	struct iocb *list[1] = { &cb };
	struct kaio_submit_args submit = { .nr = 1, .iocbpp = (uintptr_t)list };
	aio_context_t ctx;
	int dev, err, fd, pipefd[2];

	err = setup(&dev, 4, &ctx);
	if (err)
		return err;
	if (pipe(pipefd))
		return 30;
	cb.aio_fildes = (unsigned int)pipefd[0];
	submit.ctx = ctx;
	if (ioctl(dev, KAIO_IOC_SUBMIT, &submit) != 1)
		return 31;
	close(dev);
	fd = open(flag, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0)
		return 32;
	close(fd);
	while (access(flag, F_OK) == 0)
		usleep(10000);
	return 0;	/* the context and its poll die with the mm */
}

/* -H: spin at real-time priority on @cpu for @ms once @start is written. */
static void hog(int cpu, int start, long ms)
{
	struct sched_param prio = { .sched_priority = 1 };
	struct timespec t0, t;
	cpu_set_t set;
	char c;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) || sched_setscheduler(0, SCHED_FIFO, &prio))
		_exit(20);
	if (read(start, &c, 1) != 1)
		_exit(0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < ms);
	_exit(0);
}

static int child(int index, const char *file)
{
	aio_context_t ctx;
	int dev, fd, err;

	err = setup(&dev, 4, &ctx);
	if (err)
		return err;

	if (file && (index & 1)) {
		static char buf[BLOCK] __attribute__((aligned(BLOCK)));
		struct iocb cb = { .aio_lio_opcode = IOCB_CMD_PWRITE };
		struct iocb *list[1] = { &cb };
		struct kaio_submit_args submit = { .ctx = ctx, .nr = 1,
						   .iocbpp = (uintptr_t)list };
		off_t at = (off_t)index * BLOCK;

		fd = open(file, O_RDWR | O_DIRECT | O_CLOEXEC);
		if (fd < 0)
			return 12;
		if (fallocate(fd, 0, at, BLOCK))
			return 13;
		memset(buf, index, sizeof(buf));
		cb.aio_fildes = (unsigned int)fd;
		cb.aio_buf = (uintptr_t)buf;
		cb.aio_nbytes = BLOCK;
		cb.aio_offset = at;
		if (ioctl(dev, KAIO_IOC_SUBMIT, &submit) != 1)
			return 14;
		return 0;	/* exit with the write in flight */
	}
	if (index % 4 == 0) {
		struct kaio_destroy_args destroy = { .ctx = ctx };

		if (ioctl(dev, KAIO_IOC_DESTROY, &destroy))
			return 15;
	}
	return 0;	/* the context, if alive, dies with the mm */
}

int main(int argc, char **argv)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	const char *file = NULL, *flag = NULL;
	int procs = 64, opt, bad = 0, sleepers = 0, started = 0;
	int go[2] = { -1, -1 }, start[2] = { -1, -1 };
	long hog_ms = 0;

	while ((opt = getopt(argc, argv, "n:f:sH:k:")) != -1) {
		switch (opt) {
		case 'n':
			procs = atoi(optarg);
			break;
		case 'f':
			file = optarg;
			break;
		case 's':
			sleepers = 1;
			break;
		case 'H':
			hog_ms = atol(optarg);
			break;
		case 'k':
			flag = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [-n PROCS] [-f FILE] | -s [-n PROCS] [-H MS] | -k FLAG\n",
				argv[0]);
			return 2;
		}
	}
	if (flag)
		return keeper(flag);
	if (cpus < 1)
		cpus = 1;
	if (sleepers && (pipe(go) || pipe(start))) {
		perror("pipe");
		return 1;
	}
	if (sleepers && hog_ms > 0) {
		if (fork() == 0) {
			/* Only the parent may hold go's write end: its close is the signal. */
			close(go[0]);
			close(go[1]);
			close(start[1]);
			hog((int)cpus - 1, start[0], hog_ms);
		}
	}
	if (sleepers)
		close(start[0]);

	for (int i = 0; i < procs; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			bad = 1;
			break;
		}
		if (pid == 0) {
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET(i % cpus, &set);
			sched_setaffinity(0, sizeof(set), &set);
			if (sleepers) {
				close(go[1]);
				_exit(sleeper(go[0], hog_ms > 0 && i % cpus == cpus - 1));
			}
			_exit(child(i, file));
		}
		started++;
	}
	if (sleepers) {
		/* Time for each to set up and destroy its context; then all go at once. */
		usleep(200000 + procs * 5000);
		if (hog_ms > 0 && write(start[1], "g", 1) != 1)
			bad = 1;
		close(go[1]);
	}
	/* The children that used the device (not the spinning task, still waiting). */
	while (started > 0) {
		int status;
		pid_t pid = wait(&status);

		if (pid < 0)
			break;
		started--;
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "kaio-churn: child %d: status %#x\n", (int)pid, status);
			bad = 1;
		}
	}
	/* The spinning task is left to finish on its own. */
	return bad;
}
