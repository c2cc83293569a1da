// SPDX-License-Identifier: GPL-2.0
/*
 * aio_bench: kaio against the kernel's own AIO, measured side by side in one
 * process, one run.
 *
 * Backends (every point is measured on each, interleaved):
 *
 *   native  the system calls through the C library's syscall(), which is
 *           what libaio and fio use (found in libc itself, so the preload
 *           shim, if loaded, does not see these calls)
 *   lib     libkaio's kaio_io_*() (linked in statically)
 *   shim    the program's syscall(): libkaio-preload.so when this program
 *           runs under LD_PRELOAD, which is what unmodified programs get;
 *           left out when the shim is not loaded
 *
 * A point is one workload (4 KiB reads of /dev/zero in batches of 8, reaped
 * with io_getevents, say).  It is calibrated on native so that one sample
 * takes about --sample-ms, warmed up once per backend, then measured
 * --reps times; in every repetition each backend takes one sample, the
 * order rotating.  Reported per backend: min/median/max operations per
 * second; per kaio backend: the ratio of its median to native's, and the
 * median of the repetitions' paired ratios.  Every event is checked (its
 * iocb, data and result), so a wrong result fails the run, not just slows
 * it.  Lines for scripts:
 *
 *   RESULT <point> <backend> <min> <median> <max>        operations per second
 *   RATIO  <point> <backend> <median/median> <median of paired ratios>
 *   MEM    <what> <backend> <bytes per object> <kind>
 *
 * --quick runs every point once with a few rounds: the smoke test in
 * make check, which checks results and never timings.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <linux/aio_abi.h>
#include <linux/kaio.h>

#include "libkaio.h"

#define MAX_BATCH	256
#define MAX_REPS	51
#define MAX_THREADS	2
#define BLOCK		4096

static struct {
	int reps;
	double sample_ms;
	bool quick;
	const char *nullb;	/* a block device for O_DIRECT reads */
	const char *tmpdir;	/* tmpfs */
	const char *ext4dir;	/* a file system on a block device */
	const char *only;	/* run only points whose name contains this */
	bool memory;
	const char *loop;	/* --loop: run one backend only, for profiling */
	double loop_seconds;
	long loop_rounds;	/* --loop B:rN: exactly N rounds instead */
} opt = { .reps = 5, .sample_ms = 100 };

static int failures;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "aio_bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* ------------------------------------------------------------------ */
/* Backends                                                            */

typedef long (*syscall_fn)(long nr, ...);
static syscall_fn libc_syscall;	/* the C library's, never the shim's */

struct backend {
	const char *name;
	long (*setup)(unsigned int nr, aio_context_t *ctxp);
	long (*destroy)(aio_context_t ctx);
	long (*submit)(aio_context_t ctx, long nr, struct iocb **iocbpp);
	long (*cancel)(aio_context_t ctx, struct iocb *iocb, struct io_event *ev);
	long (*getevents)(aio_context_t ctx, long min_nr, long nr, struct io_event *ev,
			  struct timespec *timeout);
};

static long n_setup(unsigned int nr, aio_context_t *ctxp)
{
	return libc_syscall(SYS_io_setup, nr, ctxp);
}
static long n_destroy(aio_context_t ctx)
{
	return libc_syscall(SYS_io_destroy, ctx);
}
static long n_submit(aio_context_t ctx, long nr, struct iocb **iocbpp)
{
	return libc_syscall(SYS_io_submit, ctx, nr, iocbpp);
}
static long n_cancel(aio_context_t ctx, struct iocb *iocb, struct io_event *ev)
{
	return libc_syscall(SYS_io_cancel, ctx, iocb, ev);
}
static long n_getevents(aio_context_t ctx, long min_nr, long nr, struct io_event *ev,
			struct timespec *timeout)
{
	return libc_syscall(SYS_io_getevents, ctx, min_nr, nr, ev, timeout);
}

static long s_setup(unsigned int nr, aio_context_t *ctxp)
{
	return syscall(SYS_io_setup, nr, ctxp);
}
static long s_destroy(aio_context_t ctx)
{
	return syscall(SYS_io_destroy, ctx);
}
static long s_submit(aio_context_t ctx, long nr, struct iocb **iocbpp)
{
	return syscall(SYS_io_submit, ctx, nr, iocbpp);
}
static long s_cancel(aio_context_t ctx, struct iocb *iocb, struct io_event *ev)
{
	return syscall(SYS_io_cancel, ctx, iocb, ev);
}
static long s_getevents(aio_context_t ctx, long min_nr, long nr, struct io_event *ev,
			struct timespec *timeout)
{
	return syscall(SYS_io_getevents, ctx, min_nr, nr, ev, timeout);
}

static const struct backend backends[] = {
	{ "native", n_setup, n_destroy, n_submit, n_cancel, n_getevents },
	{ "lib", kaio_io_setup, kaio_io_destroy, kaio_io_submit, kaio_io_cancel,
	  kaio_io_getevents },
	{ "shim", s_setup, s_destroy, s_submit, s_cancel, s_getevents },
};
#define NR_BACKENDS 3
static int nr_backends = NR_BACKENDS;	/* 2 without the shim */

static void find_backends(void)
{
	void *libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);

	if (!libc)
		die("cannot find the C library: %s", dlerror());
	libc_syscall = (syscall_fn)dlsym(libc, "syscall");
	if (!libc_syscall)
		die("no syscall() in the C library");
	if ((void *)libc_syscall == dlsym(RTLD_DEFAULT, "syscall"))
		nr_backends = 2;	/* syscall() is the C library's: no shim */
	if (kaio_probe())
		die("/dev/kaio cannot be used: %s", strerror(errno));
}

/* ------------------------------------------------------------------ */
/* Workloads                                                           */

/* The ring at the context's address (the same layout on both backends). */
struct ring {
	unsigned int id, nr, head, tail, magic, compat_features, incompat_features, header_length;
	struct io_event events[];
};

enum kind {
	K_RW,		/* submit a batch, reap it (reads, writes, fsync, poll) */
	K_DEPTH,	/* keep depth requests in flight, resubmit what completes */
	K_CHURN,	/* io_setup + io_destroy */
};

enum reap { REAP_GETEVENTS, REAP_USER };

struct point {
	char name[64];
	enum kind kind;
	int opcode;		/* IOCB_CMD_* */
	const char *path;	/* file to open */
	int oflags;
	off_t span;		/* reads cycle through [0, span) */
	int batch;		/* K_RW: iocbs per io_submit; K_DEPTH: depth */
	enum reap reap;
	int threads;
	unsigned int ring;	/* nr_events for io_setup */
	int extra_ctxs;		/* contexts set up before the measured one */
	short poll_events;
	long expect;		/* every event's res */
	bool submit_wait;	/* lib: kaio_io_submit_wait(); native: submit + getevents */
	const char *group;	/* for the plots: "batch-zero", "depth-nullb", ... */
	int x;			/* for the plots */
};

struct worker {
	const struct point *p;
	const struct backend *b;
	aio_context_t ctx;
	aio_context_t extra[1024];
	int nr_extra;
	int fd;
	char *buf;
	struct iocb iocbs[MAX_BATCH];
	struct iocb *ptrs[MAX_BATCH];
	struct io_event ev[MAX_BATCH];
	off_t next_off;
	long rounds;
	double elapsed_ns;
	long ops;
	pthread_t thread;
};

static void check_event(struct worker *w, const struct io_event *e)
{
	const struct iocb *cb = (const struct iocb *)(uintptr_t)e->obj;

	if (cb < w->iocbs || cb >= w->iocbs + MAX_BATCH || e->data != cb->aio_data ||
	    e->res != w->p->expect) {
		fprintf(stderr, "aio_bench: %s on %s: bad event obj %#llx data %llu res %lld (want %ld)\n",
			w->p->name, w->b->name, (unsigned long long)e->obj,
			(unsigned long long)e->data, (long long)e->res, w->p->expect);
		__atomic_fetch_add(&failures, 1, __ATOMIC_RELAXED);
		exit(1);
	}
	if (w->p->opcode == IOCB_CMD_PREAD && w->p->path && !strcmp(w->p->path, "/dev/zero")) {
		const char *b = (const char *)(uintptr_t)cb->aio_buf;

		if (b[0] || b[BLOCK - 1]) {
			fprintf(stderr, "aio_bench: %s on %s: data not read\n", w->p->name, w->b->name);
			exit(1);
		}
	}
}

static void prep(struct worker *w, struct iocb *cb)
{
	cb->aio_data = (uint64_t)(cb - w->iocbs) * 7 + 1;
	if (w->p->opcode == IOCB_CMD_PREAD && w->p->span) {
		cb->aio_offset = w->next_off;
		w->next_off += BLOCK;
		if (w->next_off >= w->p->span)
			w->next_off = 0;
	}
	if (w->p->opcode == IOCB_CMD_PREAD && w->p->path && !strcmp(w->p->path, "/dev/zero"))
		((char *)(uintptr_t)cb->aio_buf)[0] = 1;
}

static void setup_worker(struct worker *w, const struct point *p, const struct backend *b)
{
	memset(w, 0, sizeof(*w));
	w->p = p;
	w->b = b;
	w->fd = -1;
	if (p->path) {
		w->fd = open(p->path, p->oflags | O_CLOEXEC);
		if (w->fd < 0)
			die("%s: open %s: %s", p->name, p->path, strerror(errno));
	} else if (p->opcode == IOCB_CMD_POLL) {
		w->fd = eventfd(1, EFD_CLOEXEC);	/* always readable */
		if (w->fd < 0)
			die("eventfd: %s", strerror(errno));
	}
	for (int i = 0; i < p->extra_ctxs; i++) {
		if (b->setup(1, &w->extra[i]))
			die("%s: io_setup of extra context %d on %s: %s", p->name, i, b->name,
			    strerror(errno));
		w->nr_extra++;
	}
	if (p->kind != K_CHURN && b->setup(p->ring, &w->ctx))
		die("%s: io_setup(%u) on %s: %s", p->name, p->ring, b->name, strerror(errno));
	if (posix_memalign((void **)&w->buf, BLOCK, (size_t)MAX_BATCH * BLOCK))
		die("out of memory");
	memset(w->buf, 0, (size_t)MAX_BATCH * BLOCK);
	for (int i = 0; i < MAX_BATCH; i++) {
		struct iocb *cb = &w->iocbs[i];

		cb->aio_lio_opcode = (uint16_t)p->opcode;
		cb->aio_fildes = (uint32_t)w->fd;
		if (p->opcode == IOCB_CMD_PREAD) {
			cb->aio_buf = (uint64_t)(uintptr_t)(w->buf + (size_t)i * BLOCK);
			cb->aio_nbytes = BLOCK;
		} else if (p->opcode == IOCB_CMD_POLL) {
			cb->aio_buf = (uint64_t)(unsigned short)p->poll_events;
		}
		w->ptrs[i] = cb;
	}
}

static void teardown_worker(struct worker *w)
{
	if (w->p->kind != K_CHURN && w->b->destroy(w->ctx))
		die("%s: io_destroy on %s: %s", w->p->name, w->b->name, strerror(errno));
	for (int i = 0; i < w->nr_extra; i++)
		if (w->b->destroy(w->extra[i]))
			die("io_destroy: %s", strerror(errno));
	if (w->fd >= 0)
		close(w->fd);
	free(w->buf);
}

/* Take want events from the ring in userspace, waiting in the kernel if it stays empty. */
static void user_reap(struct worker *w, long want)
{
	struct ring *r = (struct ring *)(uintptr_t)w->ctx;
	long got = 0;
	unsigned long spins = 0;

	while (got < want) {
		unsigned int head = r->head;
		unsigned int tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);

		while (head != tail && got < want) {
			check_event(w, &r->events[head]);
			if (++head >= r->nr)
				head = 0;
			got++;
		}
		__atomic_store_n(&r->head, head, __ATOMIC_RELEASE);
		if (got < want && ++spins > 100000) {
			long n = w->b->getevents(w->ctx, 1, want - got, w->ev, NULL);

			if (n < 1)
				die("%s: io_getevents on %s: %s", w->p->name, w->b->name,
				    n < 0 ? strerror(errno) : "no event");
			for (long i = 0; i < n; i++)
				check_event(w, &w->ev[i]);
			got += n;
			spins = 0;
		}
	}
}

static void reap(struct worker *w, long want)
{
	if (w->p->reap == REAP_USER) {
		user_reap(w, want);
		return;
	}
	long n = w->b->getevents(w->ctx, want, want, w->ev, NULL);

	if (n != want)
		die("%s: io_getevents on %s returned %ld of %ld: %s", w->p->name, w->b->name, n,
		    want, n < 0 ? strerror(errno) : "short");
	for (long i = 0; i < n; i++)
		check_event(w, &w->ev[i]);
}

static void run_rw(struct worker *w)
{
	const int batch = w->p->batch;

	if (w->p->submit_wait && w->b->submit == kaio_io_submit) {
		for (long r = 0; r < w->rounds; r++) {
			long submitted;

			for (int i = 0; i < batch; i++)
				prep(w, &w->iocbs[i]);
			long n = kaio_io_submit_wait(w->ctx, batch, w->ptrs, batch, batch, w->ev,
						     NULL, &submitted);

			if (n != batch || submitted != batch)
				die("%s: kaio_io_submit_wait returned %ld (%ld submitted): %s",
				    w->p->name, n, submitted, n < 0 ? strerror(errno) : "short");
			for (long i = 0; i < n; i++)
				check_event(w, &w->ev[i]);
		}
		w->ops = w->rounds * batch;
		return;
	}
	for (long r = 0; r < w->rounds; r++) {
		for (int i = 0; i < batch; i++)
			prep(w, &w->iocbs[i]);
		long n = w->b->submit(w->ctx, batch, w->ptrs);

		if (n != batch)
			die("%s: io_submit on %s returned %ld: %s", w->p->name, w->b->name, n,
			    n < 0 ? strerror(errno) : "short");
		reap(w, batch);
	}
	w->ops = w->rounds * batch;
}

static void run_depth(struct worker *w)
{
	const int depth = w->p->batch;
	long done = 0, target = w->rounds * depth;
	struct iocb *again[MAX_BATCH];

	for (int i = 0; i < depth; i++)
		prep(w, &w->iocbs[i]);
	if (w->b->submit(w->ctx, depth, w->ptrs) != depth)
		die("%s: io_submit on %s: %s", w->p->name, w->b->name, strerror(errno));
	while (done < target) {
		long n = w->b->getevents(w->ctx, 1, depth, w->ev, NULL);

		if (n < 1)
			die("%s: io_getevents on %s: %s", w->p->name, w->b->name,
			    n < 0 ? strerror(errno) : "none");
		for (long i = 0; i < n; i++) {
			check_event(w, &w->ev[i]);
			again[i] = (struct iocb *)(uintptr_t)w->ev[i].obj;
			prep(w, again[i]);
		}
		done += n;
		if (w->b->submit(w->ctx, n, again) != n)
			die("%s: io_submit on %s: %s", w->p->name, w->b->name, strerror(errno));
	}
	/* Drain what is still in flight; not counted. */
	for (long left = depth; left > 0;) {
		long n = w->b->getevents(w->ctx, 1, left, w->ev, NULL);

		if (n < 1)
			die("%s: drain on %s: %s", w->p->name, w->b->name, strerror(errno));
		left -= n;
	}
	w->ops = done;
}

static void run_churn(struct worker *w)
{
	for (long r = 0; r < w->rounds; r++) {
		aio_context_t ctx = 0;

		if (w->b->setup(w->p->ring, &ctx))
			die("churn: io_setup on %s: %s", w->b->name, strerror(errno));
		if (w->b->destroy(ctx))
			die("churn: io_destroy on %s: %s", w->b->name, strerror(errno));
	}
	w->ops = w->rounds;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	double t0 = now_ns();

	switch (w->p->kind) {
	case K_RW:
		run_rw(w);
		break;
	case K_DEPTH:
		run_depth(w);
		break;
	case K_CHURN:
		run_churn(w);
		break;
	}
	w->elapsed_ns = now_ns() - t0;
	return NULL;
}

/* One sample: rounds per thread, all threads at once; operations per second. */
static double sample(struct worker ws[], int threads, long rounds)
{
	double t0 = now_ns();
	long ops = 0;

	for (int t = 0; t < threads; t++)
		ws[t].rounds = rounds;
	if (threads == 1) {
		worker_main(&ws[0]);
	} else {
		for (int t = 0; t < threads; t++)
			if (pthread_create(&ws[t].thread, NULL, worker_main, &ws[t]))
				die("pthread_create failed");
		for (int t = 0; t < threads; t++)
			pthread_join(ws[t].thread, NULL);
	}
	for (int t = 0; t < threads; t++)
		ops += ws[t].ops;
	return (double)ops / ((now_ns() - t0) / 1e9);
}

/* ------------------------------------------------------------------ */
/* Statistics and reporting                                            */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(const double *v, int n)
{
	double s[MAX_REPS];

	memcpy(s, v, sizeof(*v) * (size_t)n);
	qsort(s, (size_t)n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static double vmin(const double *v, int n)
{
	double m = v[0];

	for (int i = 1; i < n; i++)
		m = v[i] < m ? v[i] : m;
	return m;
}

static double vmax(const double *v, int n)
{
	double m = v[0];

	for (int i = 1; i < n; i++)
		m = v[i] > m ? v[i] : m;
	return m;
}

/* --only A,B,...: does @name contain one of them (or is there no --only)? */
static bool selected(const char *name)
{
	const char *s = opt.only;

	if (!s)
		return true;
	while (*s) {
		size_t n = strcspn(s, ",");

		if (n && memmem(name, strlen(name), s, n))
			return true;
		s += n + (s[n] == ',');
	}
	return false;
}

/* --loop BACKEND: that backend alone for loop_seconds, under a profiler. */
static void loop_point(const struct point *p)
{
	static struct worker ws[MAX_THREADS];
	const struct backend *b = NULL;
	double t0, ops = 0;

	for (int i = 0; i < nr_backends; i++)
		if (!strcmp(backends[i].name, opt.loop))
			b = &backends[i];
	if (!b)
		die("--loop: no backend %s here", opt.loop);
	for (int t = 0; t < p->threads; t++)
		setup_worker(&ws[t], p, b);
	if (opt.loop_rounds) {
		/*
		 * A warm-up, then exactly loop_rounds rounds between a "1" and
		 * a "0" written to $AIO_BENCH_SWITCH if set (a tracer's
		 * tracing_on: bench/calls counts the kernel functions called).
		 */
		const char *path = getenv("AIO_BENCH_SWITCH");
		int sw = path ? open(path, O_WRONLY) : -1;

		if (path && sw < 0)
			die("%s: %s", path, strerror(errno));
		sample(ws, p->threads, opt.loop_rounds);
		if (sw >= 0 && write(sw, "1", 1) != 1)
			die("%s: %s", path, strerror(errno));
		sample(ws, p->threads, opt.loop_rounds);
		if (sw >= 0 && write(sw, "0", 1) != 1)
			die("%s: %s", path, strerror(errno));
		if (sw >= 0)
			close(sw);
		printf("LOOP %s %s rounds %ld\n", p->name, b->name, opt.loop_rounds);
		goto out;
	}
	t0 = now_ns();
	while (now_ns() - t0 < opt.loop_seconds * 1e9) {
		sample(ws, p->threads, 1000);
		for (int t = 0; t < p->threads; t++)
			ops += (double)ws[t].ops;
	}
	printf("LOOP %s %s %.0f\n", p->name, b->name, ops / ((now_ns() - t0) / 1e9));
out:
	for (int t = 0; t < p->threads; t++)
		teardown_worker(&ws[t]);
	fflush(stdout);
}

static void measure(const struct point *p)
{
	static struct worker ws[NR_BACKENDS][MAX_THREADS];
	double v[NR_BACKENDS][MAX_REPS];
	const int reps = opt.quick ? 1 : opt.reps;
	/* submit-and-wait is libkaio's own call: native against lib only. */
	const int nb = p->submit_wait ? 2 : nr_backends;
	long rounds = 1;

	if (!selected(p->name))
		return;
	if (opt.loop) {
		loop_point(p);
		return;
	}
	for (int b = 0; b < nb; b++)
		for (int t = 0; t < p->threads; t++)
			setup_worker(&ws[b][t], p, &backends[b]);

	/* Calibrate on native: one sample of about sample_ms. */
	if (opt.quick) {
		rounds = p->kind == K_CHURN ? 2 : 4;
	} else {
		for (;;) {
			double t0 = now_ns();

			sample(ws[0], p->threads, rounds);
			double ms = (now_ns() - t0) / 1e6;

			if (ms >= opt.sample_ms / 4) {
				rounds = (long)((double)rounds * opt.sample_ms / ms) + 1;
				break;
			}
			rounds *= 2;
		}
		for (int b = 0; b < nb; b++)	/* warm up */
			sample(ws[b], p->threads, rounds / 4 + 1);
	}
	for (int r = 0; r < reps; r++)
		for (int i = 0; i < nb; i++) {
			int b = (i + r) % nb;

			v[b][r] = sample(ws[b], p->threads, rounds);
		}
	for (int b = 0; b < nb; b++) {
		for (int t = 0; t < p->threads; t++)
			teardown_worker(&ws[b][t]);
		printf("RESULT %s %s %.0f %.0f %.0f\n", p->name, backends[b].name, vmin(v[b], reps),
		       median(v[b], reps), vmax(v[b], reps));
	}
	for (int b = 1; b < nb; b++) {
		double paired[MAX_REPS];

		for (int r = 0; r < reps; r++)
			paired[r] = v[b][r] / v[0][r];
		printf("RATIO %s %s %.3f %.3f\n", p->name, backends[b].name,
		       median(v[b], reps) / median(v[0], reps), median(paired, reps));
	}
	if (p->group)
		printf("PLOT %s %d %s\n", p->group, p->x, p->name);
	fflush(stdout);
}

/* ------------------------------------------------------------------ */
/* The floor: an ioctl on /dev/kaio that does nothing, a trivial system call */

static void floor_point(void)
{
	const char *name = "floor";
	double v[2][MAX_REPS];
	const int reps = opt.quick ? 1 : opt.reps;
	long rounds = opt.quick ? 10 : 200000;
	int fd = kaio_fd();

	if (!selected(name))
		return;
	for (int r = 0; r < reps; r++)
		for (int i = 0; i < 2; i++) {
			int which = (i + r) % 2;
			double t0 = now_ns();

			for (long k = 0; k < rounds; k++) {
				if (which == 0) {
					libc_syscall(SYS_getppid);
				} else if (ioctl(fd, _IO(KAIO_IOC_MAGIC, 0x1f)) != -1 || errno != ENOTTY) {
					die("the empty ioctl did not fail with ENOTTY");
				}
			}
			v[which][r] = (double)rounds / ((now_ns() - t0) / 1e9);
		}
	printf("RESULT floor getppid %.0f %.0f %.0f\n", vmin(v[0], reps), median(v[0], reps),
	       vmax(v[0], reps));
	printf("RESULT floor ioctl %.0f %.0f %.0f\n", vmin(v[1], reps), median(v[1], reps),
	       vmax(v[1], reps));
	printf("RATIO floor ioctl %.3f -\n", median(v[1], reps) / median(v[0], reps));
}

/* ------------------------------------------------------------------ */
/* Memory: kernel bytes per context and per in-flight request           */

static long meminfo_kb(const char *field)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	size_t len = strlen(field);
	long v = -1;

	if (!f)
		die("/proc/meminfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, len) && line[len] == ':') {
			v = atol(line + len + 1);
			break;
		}
	fclose(f);
	if (v < 0)
		die("no %s in /proc/meminfo", field);
	return v;
}

struct memsnap {
	long slab, percpu;
};

static struct memsnap snap(void)
{
	struct memsnap s;

	/* Let deferred frees (RCU, workqueues) finish first. */
	usleep(200000);
	s.slab = meminfo_kb("Slab");
	s.percpu = meminfo_kb("Percpu");
	return s;
}

static void memory_points(void)
{
	enum { CTXS = 1000, REQS = 16000 };
	static aio_context_t ctxs[CTXS];
	static struct iocb cbs[REQS];
	static struct iocb *ptrs[REQS];

	if (!opt.memory || opt.quick)
		return;
	for (int b = 0; b < nr_backends && b < 2; b++) {
		const struct backend *be = &backends[b];
		struct memsnap s0, s1;
		int pfd[2];
		aio_context_t ctx = 0;

		memset(ctxs, 0, sizeof(ctxs));	/* io_setup wants *ctxp == 0 */
		s0 = snap();
		for (int i = 0; i < CTXS; i++)
			if (be->setup(128, &ctxs[i]))
				die("memory: io_setup on %s: %s", be->name, strerror(errno));
		s1 = snap();
		for (int i = 0; i < CTXS; i++)
			if (be->destroy(ctxs[i]))
				die("memory: io_destroy on %s: %s", be->name, strerror(errno));
		printf("MEM context %s %.0f slab\n", be->name, (s1.slab - s0.slab) * 1024.0 / CTXS);
		printf("MEM context %s %.0f percpu\n", be->name,
		       (s1.percpu - s0.percpu) * 1024.0 / CTXS);

		/* In-flight requests: polls on a pipe nobody writes to. */
		if (pipe2(pfd, O_CLOEXEC))
			die("pipe: %s", strerror(errno));
		if (be->setup(REQS, &ctx))
			die("memory: io_setup(%d) on %s: %s", REQS, be->name, strerror(errno));
		for (int i = 0; i < REQS; i++) {
			memset(&cbs[i], 0, sizeof(cbs[i]));
			cbs[i].aio_lio_opcode = IOCB_CMD_POLL;
			cbs[i].aio_fildes = (uint32_t)pfd[0];
			cbs[i].aio_buf = POLLIN;
			ptrs[i] = &cbs[i];
		}
		s0 = snap();
		for (int i = 0; i < REQS; i += 500)
			if (be->submit(ctx, 500, ptrs + i) != 500)
				die("memory: io_submit on %s: %s", be->name, strerror(errno));
		s1 = snap();
		if (be->destroy(ctx))
			die("memory: io_destroy on %s: %s", be->name, strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		printf("MEM request %s %.0f slab\n", be->name, (s1.slab - s0.slab) * 1024.0 / REQS);
		printf("MEM request %s %.0f percpu\n", be->name,
		       (s1.percpu - s0.percpu) * 1024.0 / REQS);
		fflush(stdout);
	}
}

/* ------------------------------------------------------------------ */
/* The points                                                          */

#define MAX_POINTS 96
static struct point points[MAX_POINTS];
static int nr_points;

static struct point *add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static struct point *add(const char *fmt, ...)
{
	struct point *p;
	va_list ap;

	if (nr_points == MAX_POINTS)
		die("too many points");
	p = &points[nr_points++];
	memset(p, 0, sizeof(*p));
	va_start(ap, fmt);
	vsnprintf(p->name, sizeof(p->name), fmt, ap);
	va_end(ap);
	p->kind = K_RW;
	p->threads = 1;
	p->ring = 512;
	return p;
}

static struct point *read_point(const char *fmt, const char *path, int oflags, off_t span, int batch)
{
	struct point *p = add("%s", fmt);

	p->opcode = IOCB_CMD_PREAD;
	p->path = path;
	p->oflags = oflags;
	p->span = span;
	p->batch = batch;
	p->expect = BLOCK;
	return p;
}

static off_t size_of(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	off_t end;

	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	end = lseek(fd, 0, SEEK_END);
	close(fd);
	if (end < BLOCK)
		die("%s: too small", path);
	return end;
}

static char tmp_file[256], ext4_file[256];

static void make_file(char *out, size_t n, const char *dir)
{
	char buf[BLOCK];
	int fd;

	snprintf(out, n, "%s/aio_bench.%d", dir, (int)getpid());
	fd = open(out, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		die("%s: %s", out, strerror(errno));
	memset(buf, 0, sizeof(buf));
	for (int i = 0; i < 256; i++)	/* 1 MiB */
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			die("%s: write: %s", out, strerror(errno));
	if (fsync(fd))
		die("%s: fsync: %s", out, strerror(errno));
	close(fd);
}

static void build_points(void)
{
	static const int batches[] = { 1, 8, 32, 128 };
	static const char *const reaps[] = { "getevents", "user" };
	off_t nullb_span = 0;
	struct point *p;

	for (int r = 0; r < 2; r++)
		for (size_t i = 0; i < sizeof(batches) / sizeof(batches[0]); i++) {
			p = read_point("", "/dev/zero", O_RDONLY, 0, batches[i]);
			snprintf(p->name, sizeof(p->name), "zero/b%d/%s", batches[i], reaps[r]);
			p->reap = (enum reap)r;
			p->group = r ? "batch-zero-user" : "batch-zero";
			p->x = batches[i];
		}
	if (opt.nullb) {
		nullb_span = size_of(opt.nullb);
		if (nullb_span > (64 << 20))
			nullb_span = 64 << 20;
		for (int r = 0; r < 2; r++)
			for (size_t i = 0; i < sizeof(batches) / sizeof(batches[0]); i++) {
				p = read_point("", opt.nullb, O_RDONLY | O_DIRECT, nullb_span,
					       batches[i]);
				snprintf(p->name, sizeof(p->name), "nullb/b%d/%s", batches[i],
					 reaps[r]);
				p->reap = (enum reap)r;
				p->group = r ? "batch-nullb-user" : "batch-nullb";
				p->x = batches[i];
			}
	}
	/* Two submitting threads, each with its own context. */
	for (int t = 1; t <= 2; t++) {
		p = read_point("", "/dev/zero", O_RDONLY, 0, 8);
		snprintf(p->name, sizeof(p->name), "zero/b8/threads%d", t);
		p->threads = t;
		if (opt.nullb) {
			p = read_point("", opt.nullb, O_RDONLY | O_DIRECT, nullb_span, 8);
			snprintf(p->name, sizeof(p->name), "nullb/b8/threads%d", t);
			p->threads = t;
		}
	}
	/* How cost grows: in-flight depth, ring size, live contexts. */
	for (int d = 1; d <= 256; d *= 2) {
		const char *path = opt.nullb ? opt.nullb : "/dev/zero";

		p = read_point("", path, opt.nullb ? O_RDONLY | O_DIRECT : O_RDONLY,
			       opt.nullb ? nullb_span : 0, d);
		snprintf(p->name, sizeof(p->name), "%s/depth%d", opt.nullb ? "nullb" : "zero", d);
		p->kind = K_DEPTH;
		p->ring = (unsigned int)d;
		p->group = "depth";
		p->x = d;
	}
	static const unsigned int rings[] = { 32, 1024, 32768 };
	for (size_t i = 0; i < 3; i++) {
		p = read_point("", "/dev/zero", O_RDONLY, 0, 8);
		snprintf(p->name, sizeof(p->name), "zero/b8/ring%u", rings[i]);
		p->ring = rings[i];
	}
	/*
	 * Each io_destroy() waits for an RCU grace period, tens of ms in the
	 * emulated guest: the quick mode tears down a tenth as many.
	 */
	static const int ctxs[] = { 100, 1000 };
	for (size_t i = 0; i < 2; i++) {
		const int extra = opt.quick ? ctxs[i] / 10 : ctxs[i];

		p = read_point("", "/dev/zero", O_RDONLY, 0, 8);
		snprintf(p->name, sizeof(p->name), "zero/b8/contexts%d", extra + 1);
		p->extra_ctxs = extra;
	}
	/* Other opcodes and files. */
	if (opt.tmpdir) {
		make_file(tmp_file, sizeof(tmp_file), opt.tmpdir);
		read_point("tmpfs/b8/buffered", tmp_file, O_RDONLY, 1 << 20, 8);
		p = add("tmpfs/b1/fsync");
		p->opcode = IOCB_CMD_FSYNC;
		p->path = tmp_file;
		p->oflags = O_RDWR;
		p->batch = 1;
	}
	if (opt.ext4dir) {
		make_file(ext4_file, sizeof(ext4_file), opt.ext4dir);
		p = add("ext4/b1/fsync");
		p->opcode = IOCB_CMD_FSYNC;
		p->path = ext4_file;
		p->oflags = O_RDWR;
		p->batch = 1;
		p = add("ext4/b1/fdatasync");
		p->opcode = IOCB_CMD_FDSYNC;
		p->path = ext4_file;
		p->oflags = O_RDWR;
		p->batch = 1;
	}
	/* One crossing instead of two: libkaio's submit-and-wait against native's pair. */
	for (int i = 0; i < 2; i++) {
		p = read_point("", "/dev/zero", O_RDONLY, 0, i ? 8 : 1);
		snprintf(p->name, sizeof(p->name), "zero/b%d/submit-wait", i ? 8 : 1);
		p->submit_wait = true;
		if (opt.nullb) {
			p = read_point("", opt.nullb, O_RDONLY | O_DIRECT, nullb_span, i ? 8 : 1);
			snprintf(p->name, sizeof(p->name), "nullb/b%d/submit-wait", i ? 8 : 1);
			p->submit_wait = true;
		}
	}
	p = add("eventfd/b8/poll");
	p->opcode = IOCB_CMD_POLL;
	p->poll_events = POLLIN;
	p->batch = 8;
	p->expect = POLLIN;
	p = add("churn");
	p->kind = K_CHURN;
	p->ring = 128;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: aio_bench [OPTIONS]\n"
		"  -r, --reps N        repetitions per point (default 5, at most %d)\n"
		"  -s, --sample-ms MS  length of one sample (default 100)\n"
		"  -q, --quick         every point once, a few rounds: results checked, no timing\n"
		"  -n, --nullb DEV     O_DIRECT reads from this block device too\n"
		"  -t, --tmpdir DIR    buffered reads and fsync on a file in DIR (tmpfs)\n"
		"  -e, --ext4dir DIR   fsync and fdatasync on a file in DIR\n"
		"  -m, --memory        kernel memory per context and per in-flight request\n"
		"  -o, --only TEXT,... only the points whose name contains one of them\n"
		"  -l, --loop B[:S]    each point on backend B alone for S seconds (default 10),\n"
		"                      for a profiler; prints LOOP <point> <backend> <ops/s>\n"
		"      --loop B:rN     N rounds instead, after N of warm-up (bench/calls)\n"
		"Run it under LD_PRELOAD=libkaio-preload.so to measure the shim too.\n",
		MAX_REPS);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "reps", required_argument, NULL, 'r' },
		{ "sample-ms", required_argument, NULL, 's' },
		{ "quick", no_argument, NULL, 'q' },
		{ "nullb", required_argument, NULL, 'n' },
		{ "tmpdir", required_argument, NULL, 't' },
		{ "ext4dir", required_argument, NULL, 'e' },
		{ "memory", no_argument, NULL, 'm' },
		{ "only", required_argument, NULL, 'o' },
		{ "loop", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct utsname u;
	int c;

	while ((c = getopt_long(argc, argv, "r:s:qn:t:e:mo:l:h", lo, NULL)) != -1) {
		switch (c) {
		case 'r':
			opt.reps = atoi(optarg);
			if (opt.reps < 1 || opt.reps > MAX_REPS)
				die("bad --reps");
			break;
		case 's':
			opt.sample_ms = atof(optarg);
			if (opt.sample_ms <= 0)
				die("bad --sample-ms");
			break;
		case 'q':
			opt.quick = true;
			break;
		case 'n':
			opt.nullb = optarg;
			break;
		case 't':
			opt.tmpdir = optarg;
			break;
		case 'e':
			opt.ext4dir = optarg;
			break;
		case 'm':
			opt.memory = true;
			break;
		case 'l':
			opt.loop = strtok(optarg, ":");
			{
				const char *arg = strtok(NULL, ":") ?: "10";

				if (*arg == 'r') {
					opt.loop_rounds = atol(arg + 1);
					if (opt.loop_rounds < 1)
						die("bad --loop rounds");
				} else {
					opt.loop_seconds = atof(arg);
				}
			}
			break;
		case 'o':
			opt.only = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	find_backends();
	uname(&u);
	printf("# aio_bench: %s %s, %ld CPUs, backends:", u.sysname, u.release,
	       sysconf(_SC_NPROCESSORS_ONLN));
	for (int b = 0; b < nr_backends; b++)
		printf(" %s", backends[b].name);
	printf("; %d reps of %.0f ms%s\n", opt.quick ? 1 : opt.reps, opt.sample_ms,
	       opt.quick ? " (quick: no timing)" : "");
	fflush(stdout);

	build_points();
	floor_point();
	for (int i = 0; i < nr_points; i++)
		measure(&points[i]);
	memory_points();
	if (tmp_file[0])
		unlink(tmp_file);
	if (ext4_file[0])
		unlink(ext4_file);
	printf("# aio_bench: %d points, %s\n", nr_points, failures ? "FAILED" : "all results checked");
	return failures ? 1 : 0;
}
