// SPDX-License-Identifier: GPL-2.0
/*
 * idle_users: what idle former AIO users cost everybody else's lookups.
 *
 * kaio finds the caller's per-mm state on every call that names a context;
 * the state of an mm that once called io_setup lives until that mm exits.
 * This program measures the per-call cost of two cheap calls that must look
 * the context up, on both backends:
 *
 *   getevents  io_getevents(ctx, 0, 1, ev, &{0, 0}) on an empty ring: 0
 *   submit     io_submit(ctx, 1, {iocb with aio_fildes = -1}): EBADF, i.e.
 *              after the lookup and a request allocation, before any I/O
 *
 *   native  the system calls (syscall(2))
 *   kaio    the same as ioctls on /dev/kaio (uapi/linux/kaio.h)
 *
 * in four phases:
 *
 *   0        no idle users (this process's contexts were set up first)
 *   N        after forking N idle processes, each of which did io_setup(1) +
 *            io_destroy on both backends and then blocks in read(2) on a
 *            pipe, keeping its mm (and kaio's per-mm state) alive
 *   N,new    still with the N idle users, measured by a process forked and
 *            set up after them
 *   0,after  after releasing and reaping the idle users
 *
 * Each phase runs B rounds; a round times one batch of R calls of every
 * (backend, call) pair with CLOCK_MONOTONIC, the two backends of a call
 * back to back (which goes first alternates), so each round also gives a
 * paired kaio/native ratio.  The N and N,new phases run in lockstep, round
 * by round, so they see the same machine.  A series is reported as the
 * median and the minimum of its batches' ns per call; kaio/native as the
 * median of the rounds' paired ratios.  Absolute times mean little on a
 * shared, emulated machine: read the ratios measured in one run, above all
 *
 *   kaio N/0 over native N/0 = (kaio/native at N) / (kaio/native at 0)
 *
 * the slowdown idle users cause kaio, with the machine's drift between the
 * phases (which native, whose lookup does not depend on them, shows)
 * divided out.
 *
 * Lines starting with "RESULT" and "RATIO" are for bench/run:
 *   RESULT <phase> <backend> <call> <median ns> <min ns> <max ns>
 *   RATIO <phase> <call> <median kaio/native> <1st quartile> <3rd quartile>
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/aio_abi.h>
#include <linux/time_types.h>
#include <linux/kaio.h>

#if !defined(__x86_64__) || defined(__ILP32__)
#error "idle_users is a 64-bit x86-64 program"
#endif

#define PTR64(p)	((__u64)(uintptr_t)(p))

enum backend { B_NATIVE, B_KAIO, NR_BACKENDS };
enum call { C_GETEVENTS, C_SUBMIT, NR_CALLS };
enum phase { P_ZERO, P_LOADED, P_NEW, P_AFTER, NR_PHASES };

static const char *const backend_name[NR_BACKENDS] = { "native", "kaio" };
static const char *const call_name[NR_CALLS] = { "getevents", "submit" };
static const char *const phase_name[NR_PHASES] = { "0", "N", "N,new", "0,after" };

#define MAX_BATCHES	2001

struct phase_result {
	int done;
	int bad;	/* calls that returned something unexpected */
	double ns[NR_BACKENDS][NR_CALLS][MAX_BATCHES];
};

static struct {
	long idle;
	int batches;
	long reps;
	int warmup;
	int new_user;
	int cpu;
} opt = {
	.idle = 10000,
	.batches = 401,
	.reps = 250,
	.warmup = 5,
	.new_user = 1,
	.cpu = 0,
};

/* The affinity we started with: forking and reaping the idle users use it. */
static cpu_set_t start_cpus;

static int kaio_fd = -1;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* The idle users, so that any exit path can end them. */
static pid_t *idle_pids;
static long idle_nr;
static int release_wfd = -1;

static void kill_idle_users(void)
{
	for (long i = 0; i < idle_nr; i++)
		kill(idle_pids[i], SIGKILL);
	for (long i = 0; i < idle_nr; i++)
		while (waitpid(idle_pids[i], NULL, 0) < 0 && errno == EINTR)
			;
	idle_nr = 0;
}

static void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "idle_users: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	kill_idle_users();
	exit(1);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* ------------------------------------------------------------------ */
/* The two backends' calls, with the arguments the benchmark uses.      */

static long native_setup(aio_context_t *ctx)
{
	return syscall(__NR_io_setup, 1u, ctx);
}

static long native_destroy(aio_context_t ctx)
{
	return syscall(__NR_io_destroy, ctx);
}

static long kaio_setup(aio_context_t *ctx)
{
	struct kaio_setup_args a = { .nr_events = 1, .ctxp = PTR64(ctx) };

	return ioctl(kaio_fd, KAIO_IOC_SETUP, &a);
}

static long kaio_destroy(aio_context_t ctx)
{
	struct kaio_destroy_args a = { .ctx = ctx };

	return ioctl(kaio_fd, KAIO_IOC_DESTROY, &a);
}

/* One process's contexts and prepared arguments. */
struct user {
	aio_context_t ctx[NR_BACKENDS];
	struct io_event ev;
	struct __kernel_timespec zero;
	struct iocb cb;
	struct iocb *cbp[1];
	struct kaio_getevents_args kget;
	struct kaio_submit_args ksub;
};

static void user_setup(struct user *u)
{
	memset(u, 0, sizeof(*u));
	if (native_setup(&u->ctx[B_NATIVE]))
		die("native io_setup: %s", strerror(errno));
	if (kaio_setup(&u->ctx[B_KAIO]))
		die("kaio io_setup: %s", strerror(errno));
	u->cb.aio_lio_opcode = IOCB_CMD_PREAD;
	u->cb.aio_fildes = (__u32)-1;	/* EBADF once the request exists */
	u->cbp[0] = &u->cb;
	u->kget = (struct kaio_getevents_args){
		.ctx = u->ctx[B_KAIO], .min_nr = 0, .nr = 1,
		.events = PTR64(&u->ev), .timeout = PTR64(&u->zero),
	};
	u->ksub = (struct kaio_submit_args){
		.ctx = u->ctx[B_KAIO], .nr = 1, .iocbpp = PTR64(u->cbp),
	};
}

static void user_teardown(struct user *u)
{
	if (native_destroy(u->ctx[B_NATIVE]))
		die("native io_destroy: %s", strerror(errno));
	if (kaio_destroy(u->ctx[B_KAIO]))
		die("kaio io_destroy: %s", strerror(errno));
}

/*
 * R calls of one (backend, call): ns per call.  Every call must return what
 * it returns after a successful lookup (getevents 0, submit EBADF), or the
 * batch counts in *bad.
 */
static double run_batch(struct user *u, enum backend b, enum call c, long reps, int *bad)
{
	long wrong = 0;
	double t0, t1;

	t0 = now_ns();
	switch (b * NR_CALLS + c) {
	case B_NATIVE * NR_CALLS + C_GETEVENTS:
		for (long i = 0; i < reps; i++)
			wrong += syscall(__NR_io_getevents, u->ctx[B_NATIVE], 0L, 1L,
					 &u->ev, &u->zero) != 0;
		break;
	case B_NATIVE * NR_CALLS + C_SUBMIT:
		for (long i = 0; i < reps; i++)
			wrong += syscall(__NR_io_submit, u->ctx[B_NATIVE], 1L, u->cbp) != -1 ||
				 errno != EBADF;
		break;
	case B_KAIO * NR_CALLS + C_GETEVENTS:
		for (long i = 0; i < reps; i++)
			wrong += ioctl(kaio_fd, KAIO_IOC_GETEVENTS, &u->kget) != 0;
		break;
	case B_KAIO * NR_CALLS + C_SUBMIT:
		for (long i = 0; i < reps; i++)
			wrong += ioctl(kaio_fd, KAIO_IOC_SUBMIT, &u->ksub) != -1 || errno != EBADF;
		break;
	}
	t1 = now_ns();
	if (wrong)
		*bad += 1;
	return (t1 - t0) / (double)reps;
}

/*
 * Two processes measuring in lockstep: before each round, wait for a byte
 * on wait_before; after it, write one to pass_after and wait for one on
 * wait_after.  -1: no such step.
 */
struct lockstep {
	int wait_before, pass_after, wait_after;
};

static const struct lockstep alone = { -1, -1, -1 };

static void wait_turn(int fd)
{
	char c;
	ssize_t n;

	if (fd < 0)
		return;
	do
		n = read(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		die("lockstep: the other measuring process is gone");
}

static void pass_turn(int fd)
{
	if (fd >= 0 && write(fd, "t", 1) != 1)
		die("lockstep: write: %s", strerror(errno));
}

/*
 * opt.warmup unrecorded rounds, then opt.batches recorded ones.  A round
 * runs both calls (which first alternates), and each call on both backends
 * back to back (which first alternates too).
 */
static void measure(struct user *u, struct phase_result *res, const struct lockstep *ls)
{
	for (int round = -opt.warmup; round < opt.batches; round++) {
		const unsigned int r = (unsigned int)(round + opt.warmup);

		wait_turn(ls->wait_before);
		for (int k = 0; k < NR_CALLS; k++) {
			enum call c = (enum call)((k + (int)(r / 2)) % NR_CALLS);

			for (int j = 0; j < NR_BACKENDS; j++) {
				enum backend b = (enum backend)((j + (int)r) % NR_BACKENDS);
				double ns = run_batch(u, b, c, opt.reps, &res->bad);

				if (round >= 0)
					res->ns[b][c][round] = ns;
			}
		}
		pass_turn(ls->pass_after);
		wait_turn(ls->wait_after);
	}
	res->done = 1;
}

/* ------------------------------------------------------------------ */
/* Statistics.                                                          */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct stat3 {
	double median, min, max, q1, q3;
};

static struct stat3 stats(const double *v, int n)
{
	double s[MAX_BATCHES];
	struct stat3 r;

	memcpy(s, v, sizeof(*v) * (size_t)n);
	qsort(s, (size_t)n, sizeof(*s), cmp_double);
	r.min = s[0];
	r.max = s[n - 1];
	r.median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	r.q1 = s[n / 4];
	r.q3 = s[(3 * n) / 4 < n ? (3 * n) / 4 : n - 1];
	return r;
}

/*
 * Every measuring process on one CPU (the same vCPU, so the same host
 * thread), or back to the starting affinity (forking and reaping the idle
 * users use every CPU).
 */
static void pin(int on)
{
	cpu_set_t one;

	if (opt.cpu < 0)
		return;
	CPU_ZERO(&one);
	CPU_SET(opt.cpu, &one);
	if (sched_setaffinity(0, sizeof(cpu_set_t), on ? &one : &start_cpus))
		die("cannot %s CPU %d: %s", on ? "pin to" : "unpin from", opt.cpu, strerror(errno));
}

/* ------------------------------------------------------------------ */
/* The idle users.                                                      */

struct ready_msg {
	int status;	/* 0: ready; else which step failed (1..4) */
	int err;
};

static const char *const step_name[] = {
	"ready", "native io_setup", "native io_destroy", "kaio io_setup", "kaio io_destroy",
};

static void __attribute__((noreturn)) idle_user(int release_rfd, int ready_wfd)
{
	struct ready_msg m = { 0, 0 };
	aio_context_t ctx = 0;
	char c;

	/* Die with the benchmark, whatever happens to it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(1);

	if (native_setup(&ctx))
		m = (struct ready_msg){ 1, errno };
	else if (native_destroy(ctx))
		m = (struct ready_msg){ 2, errno };
	else if (ctx = 0, kaio_setup(&ctx))
		m = (struct ready_msg){ 3, errno };
	else if (kaio_destroy(ctx))
		m = (struct ready_msg){ 4, errno };
	if (write(ready_wfd, &m, sizeof(m)) != sizeof(m) || m.status)
		_exit(1);
	close(ready_wfd);

	/* Idle until released: EOF once the benchmark closes the write end. */
	while (read(release_rfd, &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

/*
 * Our copy of the ready pipe's write end stays open while we fork, so a
 * user that dies silently shows up as a reaped child, not as EOF.
 */
static void check_none_died(void)
{
	int st;
	pid_t pid = waitpid(-1, &st, WNOHANG);

	if (pid > 0)
		die("idle user %d died before it was ready (status 0x%x)", (int)pid, st);
}

static void read_ready(int ready_rfd, long count)
{
	for (long i = 0; i < count; i++) {
		struct pollfd pfd = { .fd = ready_rfd, .events = POLLIN };
		struct ready_msg m;
		ssize_t n;
		int ret;

		while ((ret = poll(&pfd, 1, 1000)) <= 0) {
			if (ret < 0 && errno != EINTR)
				die("poll: %s", strerror(errno));
			check_none_died();
		}
		do
			n = read(ready_rfd, &m, sizeof(m));
		while (n < 0 && errno == EINTR);
		if (n != sizeof(m))
			die("reading the ready pipe: %s", n < 0 ? strerror(errno) : "short read");
		if (m.status)
			die("an idle user's %s failed: %s", step_name[m.status], strerror(m.err));
	}
}

/* Fork opt.idle idle users; returns once each has set up and destroyed. */
static void spawn_idle_users(void)
{
	const long chunk = 256;	/* bounds the ready pipe's fill and the burst */
	int release[2], ready[2];
	long acked = 0;

	idle_pids = calloc((size_t)(opt.idle ? opt.idle : 1), sizeof(*idle_pids));
	if (!idle_pids)
		die("out of memory");
	if (pipe2(release, O_CLOEXEC) || pipe2(ready, O_CLOEXEC))
		die("pipe: %s", strerror(errno));
	fflush(stdout);
	fflush(stderr);
	while (idle_nr < opt.idle) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork of idle user %ld failed: %s", idle_nr + 1, strerror(errno));
		if (pid == 0) {
			close(release[1]);
			close(ready[0]);
			idle_user(release[0], ready[1]);
		}
		idle_pids[idle_nr++] = pid;
		if (idle_nr - acked >= chunk) {
			read_ready(ready[0], chunk);
			acked += chunk;
		}
	}
	read_ready(ready[0], idle_nr - acked);
	close(release[0]);
	close(ready[0]);
	close(ready[1]);
	release_wfd = release[1];
}

static void release_idle_users(void)
{
	close(release_wfd);
	release_wfd = -1;
	for (long i = 0; i < idle_nr; i++) {
		int st;

		while (waitpid(idle_pids[i], &st, 0) < 0)
			if (errno != EINTR)
				die("waitpid: %s", strerror(errno));
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			fprintf(stderr, "idle_users: idle user %d ended with status 0x%x\n",
				(int)idle_pids[i], st);
	}
	idle_nr = 0;
}

/* ------------------------------------------------------------------ */
/* The environment.                                                     */

static long read_long(const char *path)
{
	char buf[64];
	long v = -1;
	FILE *f = fopen(path, "re");

	if (f && fgets(buf, sizeof(buf), f))
		v = strtol(buf, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

/* A /proc/meminfo field, in KiB, or -1. */
static long meminfo_kb(const char *field)
{
	char line[256];
	size_t len = strlen(field);
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "re");

	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, len) && line[len] == ':') {
			v = strtol(line + len + 1, NULL, 10);
			break;
		}
	}
	if (f)
		fclose(f);
	return v;
}

/*
 * Refuse up front what the guest cannot hold.  An idle user costs about
 * 110-120 KiB here (kernel stack, page tables, task and mm structures);
 * ask for 160 and 64 MiB to spare.
 */
static void check_limits(void)
{
	long pid_max = read_long("/proc/sys/kernel/pid_max");
	long threads_max = read_long("/proc/sys/kernel/threads-max");
	long nr_threads = 0;
	const long margin = 200;	/* the runner, the shell, kernel threads */
	struct rlimit rl;

	/* Field 4 of /proc/loadavg: running/total scheduling entities. */
	FILE *f = fopen("/proc/loadavg", "re");
	if (f) {
		double a, b, c;
		long run;

		if (fscanf(f, "%lf %lf %lf %ld/%ld", &a, &b, &c, &run, &nr_threads) != 5)
			nr_threads = 0;
		fclose(f);
	}
	printf("# limits: pid_max %ld, threads-max %ld, tasks now %ld, RLIMIT_NPROC ",
	       pid_max, threads_max, nr_threads);
	if (getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		printf("%llu%s\n", (unsigned long long)rl.rlim_cur,
		       geteuid() == 0 ? " (root: not enforced)" : "");
	else
		printf("unlimited\n");
	if (pid_max > 0 && opt.idle + nr_threads + margin > pid_max)
		die("%ld idle users do not fit under kernel.pid_max=%ld", opt.idle, pid_max);
	if (threads_max > 0 && opt.idle + nr_threads + margin > threads_max)
		die("%ld idle users do not fit under kernel.threads-max=%ld (more guest memory?)",
		    opt.idle, threads_max);
	const long avail = meminfo_kb("MemAvailable"), need = opt.idle * 160 + 64 * 1024;
	if (avail >= 0 && avail < need)
		die("%ld idle users need about %ld MiB, MemAvailable is %ld MiB (raise --mem)",
		    opt.idle, need / 1024, avail / 1024);
	if (geteuid() != 0 && getrlimit(RLIMIT_NPROC, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && (rlim_t)(opt.idle + margin) > rl.rlim_cur)
		die("%ld idle users do not fit under RLIMIT_NPROC=%llu", opt.idle,
		    (unsigned long long)rl.rlim_cur);
}

static void open_kaio(void)
{
	struct kaio_version v;

	kaio_fd = open("/dev/" KAIO_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (kaio_fd < 0)
		die("cannot open /dev/%s: %s (is kaio.ko loaded?)", KAIO_DEVICE_NAME,
		    strerror(errno));
	if (ioctl(kaio_fd, KAIO_IOC_VERSION, &v))
		die("KAIO_IOC_VERSION: %s", strerror(errno));
	if (v.abi_version != KAIO_ABI_VERSION)
		die("module ABI %u, built for %u", v.abi_version, KAIO_ABI_VERSION);
	const __u64 need = KAIO_FEAT_SETUP | KAIO_FEAT_DESTROY | KAIO_FEAT_SUBMIT |
			   KAIO_FEAT_GETEVENTS;
	if ((v.features & need) != need)
		die("module does not serve setup/destroy/submit/getevents (features 0x%llx)",
		    (unsigned long long)v.features);
}

/* ------------------------------------------------------------------ */
/* Output.                                                              */

static void print_results(struct phase_result res[NR_PHASES])
{
	struct stat3 st[NR_PHASES][NR_BACKENDS][NR_CALLS];
	struct stat3 ratio[NR_PHASES][NR_CALLS];
	static const enum phase cols[] = { P_ZERO, P_LOADED, P_NEW, P_AFTER };
	char head[NR_PHASES][40];

	for (int p = 0; p < NR_PHASES; p++) {
		if (!res[p].done)
			continue;
		for (int c = 0; c < NR_CALLS; c++) {
			double q[MAX_BATCHES];

			for (int b = 0; b < NR_BACKENDS; b++)
				st[p][b][c] = stats(res[p].ns[b][c], opt.batches);
			for (int i = 0; i < opt.batches; i++)
				q[i] = res[p].ns[B_KAIO][c][i] / res[p].ns[B_NATIVE][c][i];
			ratio[p][c] = stats(q, opt.batches);
		}
	}

	for (int p = 0; p < NR_PHASES; p++) {
		if (!res[p].done)
			continue;
		for (int c = 0; c < NR_CALLS; c++) {
			for (int b = 0; b < NR_BACKENDS; b++)
				printf("RESULT %s %s %s %.1f %.1f %.1f\n", phase_name[p],
				       backend_name[b], call_name[c], st[p][b][c].median,
				       st[p][b][c].min, st[p][b][c].max);
			printf("RATIO %s %s %.3f %.3f %.3f\n", phase_name[p], call_name[c],
			       ratio[p][c].median, ratio[p][c].q1, ratio[p][c].q3);
		}
	}

	snprintf(head[P_ZERO], sizeof(head[0]), "0 idle");
	snprintf(head[P_LOADED], sizeof(head[0]), "%ld idle", opt.idle);
	snprintf(head[P_NEW], sizeof(head[0]), "%ld idle, new user", opt.idle);
	snprintf(head[P_AFTER], sizeof(head[0]), "0 idle, after");
	printf("\nns per call: median [min] of %d batches of %ld calls; x/0: ratio of medians to\n"
	       "the 0-idle column.  kaio/native: median of the %d paired per-round ratios\n"
	       "(quartiles); its x/0 is kaio's x/0 with native's drift divided out.\n",
	       opt.batches, opt.reps, opt.batches);
	for (int c = 0; c < NR_CALLS; c++) {
		printf("\n%s\n  %-11s", c == C_GETEVENTS ?
		       "io_getevents(ctx, 0, 1, ev, {0,0}) on an empty ring -> 0" :
		       "io_submit(ctx, 1, {iocb with aio_fildes -1}) -> EBADF", "");
		for (unsigned int k = 0; k < sizeof(cols) / sizeof(cols[0]); k++) {
			if (!res[cols[k]].done)
				continue;
			printf(" %20s", head[cols[k]]);
			if (cols[k] != P_ZERO)
				printf(" %6s", "x/0");
		}
		printf("\n");
		for (int b = 0; b < NR_BACKENDS; b++) {
			printf("  %-11s", backend_name[b]);
			for (unsigned int k = 0; k < sizeof(cols) / sizeof(cols[0]); k++) {
				const struct stat3 *x = &st[cols[k]][b][c];

				if (!res[cols[k]].done)
					continue;
				printf(" %12.0f [%5.0f]", x->median, x->min);
				if (cols[k] != P_ZERO)
					printf(" %6.2f", x->median / st[P_ZERO][b][c].median);
			}
			printf("\n");
		}
		printf("  %-11s", "kaio/native");
		for (unsigned int k = 0; k < sizeof(cols) / sizeof(cols[0]); k++) {
			const struct stat3 *x = &ratio[cols[k]][c];

			if (!res[cols[k]].done)
				continue;
			printf("    %5.2f (%4.2f-%4.2f)", x->median, x->q1, x->q3);
			if (cols[k] != P_ZERO)
				printf(" %6.2f", x->median / ratio[P_ZERO][c].median);
		}
		printf("\n");
	}
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: idle_users [-n N] [-b ROUNDS] [-r REPS] [-w WARMUP] [-c CPU] [--no-new-user]\n"
		"\n"
		"Per-call cost of io_getevents (empty ring, zero timeout) and of io_submit\n"
		"failing with EBADF, on the native system calls and on /dev/kaio, with no\n"
		"idle AIO users and with N idle processes that each did io_setup(1) +\n"
		"io_destroy on both backends and keep their mm alive.\n"
		"\n"
		"  -n, --idle N        idle users (default %ld)\n"
		"  -b, --batches B     recorded rounds per phase: batches per series (default %d,\n"
		"                      max %d)\n"
		"  -r, --reps R        calls per batch (default %ld)\n"
		"  -w, --warmup W      unrecorded rounds before each phase (default %d)\n"
		"  -c, --cpu CPU       pin the measuring processes to CPU (default %d; -1: no)\n"
		"      --no-new-user   skip the phase measured, in lockstep with the N phase,\n"
		"                      by a process set up after the idle users\n"
		"  -h, --help          this text\n"
		"\n"
		"Needs /dev/kaio (kaio.ko loaded); run it in the VM through bench/run.\n",
		opt.idle, opt.batches, MAX_BATCHES, opt.reps, opt.warmup, opt.cpu);
}

static long parse_long(const char *s, const char *what, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		fprintf(stderr, "idle_users: bad %s '%s' (%ld..%ld)\n", what, s, min, max);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "idle", required_argument, NULL, 'n' },
		{ "batches", required_argument, NULL, 'b' },
		{ "reps", required_argument, NULL, 'r' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "no-new-user", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct phase_result *res;
	struct user me;
	struct utsname uts;
	double t0, t_spawn, t_release;
	long avail0, avail1;
	int o;

	while ((o = getopt_long(argc, argv, "n:b:r:w:c:h", longopts, NULL)) != -1) {
		switch (o) {
		case 'n': opt.idle = parse_long(optarg, "idle count", 0, 4000000); break;
		case 'b': opt.batches = (int)parse_long(optarg, "batch count", 1, MAX_BATCHES); break;
		case 'r': opt.reps = parse_long(optarg, "calls per batch", 1, 1000000000); break;
		case 'w': opt.warmup = (int)parse_long(optarg, "warmup rounds", 0, 1000); break;
		case 'c': opt.cpu = (int)parse_long(optarg, "cpu", -1, CPU_SETSIZE - 1); break;
		case 'N': opt.new_user = 0; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* Shared with the new-user child, which measures into it. */
	res = mmap(NULL, sizeof(*res) * NR_PHASES, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED)
		die("mmap: %s", strerror(errno));

	uname(&uts);
	printf("# idle_users: kernel %s, %ld CPUs online, %ld idle users, "
	       "%d batches x %ld calls (+%d warmup rounds)\n", uts.release,
	       sysconf(_SC_NPROCESSORS_ONLN), opt.idle, opt.batches, opt.reps, opt.warmup);
	check_limits();
	open_kaio();

	if (sched_getaffinity(0, sizeof(start_cpus), &start_cpus))
		die("sched_getaffinity: %s", strerror(errno));
	pin(1);
	if (opt.cpu >= 0)
		printf("# measuring on CPU %d\n", opt.cpu);

	/* Our contexts first: our kaio state is hashed before any idle user's. */
	user_setup(&me);

	t0 = now_ns();
	measure(&me, &res[P_ZERO], &alone);
	printf("# phase 0: %.1f s\n", (now_ns() - t0) / 1e9);

	avail0 = meminfo_kb("MemAvailable");
	t0 = now_ns();
	pin(0);
	spawn_idle_users();
	pin(1);
	t_spawn = (now_ns() - t0) / 1e9;
	avail1 = meminfo_kb("MemAvailable");
	printf("# spawned %ld idle users in %.1f s; MemAvailable %ld -> %ld MiB "
	       "(%.0f KiB per idle user)\n", idle_nr, t_spawn, avail0 / 1024, avail1 / 1024,
	       idle_nr ? (double)(avail0 - avail1) / (double)idle_nr : 0.0);

	/*
	 * With the idle users: this process (set up before them) and, in
	 * lockstep with it, a new one set up after them.
	 */
	t0 = now_ns();
	if (opt.new_user) {
		int p2c[2], c2p[2];
		pid_t pid;
		int st;

		if (pipe2(p2c, O_CLOEXEC) || pipe2(c2p, O_CLOEXEC))
			die("pipe: %s", strerror(errno));
		fflush(stdout);
		pid = fork();
		if (pid < 0)
			die("fork: %s", strerror(errno));
		if (pid == 0) {
			const struct lockstep ls = { p2c[0], c2p[1], -1 };
			struct user u;

			idle_nr = 0;	/* the idle users are not ours to end */
			close(release_wfd);
			close(p2c[1]);
			close(c2p[0]);
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			/* A fresh mm: its kaio state is hashed after every idle user's. */
			user_setup(&u);
			measure(&u, &res[P_NEW], &ls);
			user_teardown(&u);
			_exit(0);
		}
		close(p2c[0]);
		close(c2p[1]);
		const struct lockstep ls = { -1, p2c[1], c2p[0] };
		measure(&me, &res[P_LOADED], &ls);
		close(p2c[1]);
		close(c2p[0]);
		while (waitpid(pid, &st, 0) < 0)
			if (errno != EINTR)
				die("waitpid: %s", strerror(errno));
		if (!WIFEXITED(st) || WEXITSTATUS(st) || !res[P_NEW].done)
			die("the new user's measurement failed (status 0x%x)", st);
	} else {
		measure(&me, &res[P_LOADED], &alone);
	}
	printf("# phase N%s: %.1f s\n", opt.new_user ? " and N,new" : "", (now_ns() - t0) / 1e9);

	t0 = now_ns();
	pin(0);
	release_idle_users();
	pin(1);
	t_release = (now_ns() - t0) / 1e9;
	printf("# released and reaped the idle users in %.1f s; MemAvailable %ld MiB\n",
	       t_release, meminfo_kb("MemAvailable") / 1024);

	t0 = now_ns();
	measure(&me, &res[P_AFTER], &alone);
	printf("# phase 0,after: %.1f s\n", (now_ns() - t0) / 1e9);

	user_teardown(&me);

	for (int p = 0; p < NR_PHASES; p++) {
		if (res[p].bad)
			die("phase %s: %d batches had calls with unexpected results "
			    "(a failed lookup?)", phase_name[p], res[p].bad);
	}
	print_results(res);
	return 0;
}
