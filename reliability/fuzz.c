// SPDX-License-Identifier: GPL-2.0
/*
 * kaio-fuzz: a structured fuzzer of the six AIO calls on /dev/kaio (and on
 * the native system calls, the oracle), plus raw ioctls on /dev/kaio.
 *
 *   kaio-fuzz [--mode random|diff] [--backend kaio|native] [--duration SEC]
 *             [--calls N] [--seed N] [--threads N] [--replay] [--dir DIR]
 *
 * Design
 *
 * Every decision comes from a per-thread xorshift generator seeded from
 * (--seed, thread number), so a thread's call sequence is a function of the
 * seed alone (and of the results of earlier calls, which are deterministic
 * when one thread runs).  Arguments are drawn from structured pools:
 *
 *   pointers   valid, NULL, a low unmapped address, a PROT_NONE guard page,
 *              a read-only page (pre-filled with plausible objects), a
 *              kernel address, misaligned, straddling the end of a mapping,
 *              the top of the user address space, and (32-bit) a valid
 *              address with high bits set in the 64-bit iocb fields;
 *   contexts   a live one of any thread (shared table), a destroyed one, a
 *              misaligned one, 0, ~0, random;
 *   fds        regular file, O_DIRECT file (when the scratch file system
 *              takes it), read-only and write-only files, a directory, both
 *              ends of a pipe and of a socketpair, an eventfd, a sealed
 *              memfd, /dev/kaio itself, /dev/null, /dev/zero, an O_PATH fd,
 *              a closed fd, negative and huge numbers (never 0-2: the
 *              console);
 *   integers   boundary values (0, 1, -1, INT/LONG extremes, sizes around
 *              the buffers) and random ones;
 *   iocbs      every field: data, key, rw_flags (RWF_* and junk), opcode
 *              (valid and invalid), reqprio, fildes, buf/nbytes/offset,
 *              iovec arrays of odd counts, flags (RESFD, IOPRIO, junk),
 *              resfd, reserved2;
 *   rings      forged headers: head, tail, nr, magic, id, features and
 *              header_length scribbled before the next call (under a
 *              SIGSEGV guard: the ring may be gone), and userspace reaping.
 *
 * Random mode (default) runs --threads threads on one backend, plus raw
 * ioctls (random numbers around KAIO_IOC_MAGIC, wrong sizes and
 * directions, the _TIME32 requests, argument blocks of random and
 * structured bytes with non-zero pads).  Nothing may block for long: every
 * wait that could sleep gets a timeout of at most 10 ms, pipes, sockets and
 * eventfds are non-blocking, pending polls go away with their context.  A
 * thread that makes no progress for two minutes, an errno a call cannot
 * return, an impossible result, or a crash stop the run with the seed and
 * each thread's last calls.  At the end every context is destroyed and the
 * backend's aio-nr must come back to its value at the start.
 *
 * Diff mode is single-threaded and deterministic: rounds of ROUND_CALLS
 * calls, each round run twice, in a forked child on native and then in
 * another on kaio, from the same seed, with the same memory layout (the
 * arena is mapped before the forks) and an identical fresh fd pool.  Each
 * call's result is recorded as (return value, errno, digest of what the
 * call wrote into our memory) with contexts replaced by their handle
 * index; the parent compares the two records call by call and prints the
 * first divergence.  Raw ioctls have no native twin and are left out; the
 * generated waits never depend on timing (scratch files on tmpfs complete
 * inside io_submit).
 *
 * Replay
 *
 *   random:  kaio-fuzz --seed S --threads 1 --as-thread T [--calls N] [--replay]
 *            (makes the calls of thread T of a multi-threaded run; --replay
 *            also prints every call before it is made)
 *   diff:    kaio-fuzz --mode diff --seed R --calls N   (R: the round seed
 *            printed with the divergence, N: the call number + 1)
 *
 * The last line is "fuzz: mode=.. backend=.. abi=.. seconds=.. calls=..
 * divergences=..".  Exit status 0 when nothing was found, 1 otherwise, 2 for
 * usage errors, 77 when the backend is not available.
 */
#include "aio_backend.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>
#include <linux/ioprio.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#define MAX_THREADS	16
#define NSLOTS		12	/* live contexts, all threads together */
#define NDEAD		8	/* destroyed context ids remembered */
#define HIST		24	/* calls remembered per thread */
#define ROUND_CALLS	100	/* calls per diff round */
#define HANG_SEC	120	/* no progress for this long: a hang */
#define MAX_WAIT_NS	10000000LL	/* longest wait a generated call may do */
#define FSIZE_LIMIT	(4 << 20)	/* RLIMIT_FSIZE of the fuzzer */

#ifndef RWF_HIPRI
#define RWF_HIPRI	0x1
#define RWF_DSYNC	0x2
#define RWF_SYNC	0x4
#define RWF_NOWAIT	0x8
#endif
#ifndef RWF_APPEND
#define RWF_APPEND	0x10
#endif
#ifndef MFD_ALLOW_SEALING
#define MFD_ALLOW_SEALING 2U
#endif
#ifndef F_ADD_SEALS
#define F_ADD_SEALS	1033
#define F_SEAL_WRITE	0x0008
#endif

/* ------------------------------------------------------------------ */
/* options and global state                                            */

enum mode { MODE_RANDOM, MODE_DIFF };

static struct {
	enum mode mode;
	const struct aio_backend *backend;
	double duration;
	unsigned long long calls;	/* 0: no limit */
	uint64_t seed;
	int threads;
	bool replay;
	int as_thread;	/* thread 0 takes the stream of this thread number */
	const char *dir;
} opt = {
	.mode = MODE_RANDOM,
	.backend = &aio_backend_kaio,
	.threads = 4,
};

static atomic_bool stop;
static atomic_ullong total_calls;
static atomic_int failures;
static bool diff_run;		/* generating for diff mode (no raw ioctls, no races) */
static bool have_time32;	/* the module serves the _TIME32 requests */

static const char *abi_name(void)
{
	return aio_abi_is_32bit() ? "32" : "64";
}

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* ------------------------------------------------------------------ */
/* random numbers                                                      */

static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	r->s = mix64(r->s);
	return r->s;
}

static uint64_t below(struct rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

static bool chance(struct rng *r, unsigned int percent)
{
	return below(r, 100) < percent;
}

#define PICK(r, arr)	((arr)[below((r), sizeof(arr) / sizeof((arr)[0]))])

static const int64_t boundary64[] = {
	0, 1, 2, 3, 7, 8, 31, 32, 63, 64, 127, 128, 255, 256, 511, 512, 4095, 4096, 4097,
	65535, 65536, 0x7fffffff, 0x80000000LL, 0xffffffffLL, 0x100000000LL,
	0x7ffff000, 0x10000000 / 32, 0x10000000 / 32 + 1,
	-1, -2, -4096, INT_MIN, (int64_t)INT_MIN - 1, INT64_MAX, INT64_MIN, INT64_MAX - 1,
	(int64_t)0x8000000000000000ULL + 1,
};

static int64_t boundary(struct rng *r)
{
	switch (below(r, 4)) {
	case 0:
		return (int64_t)rnd(r);
	case 1:
		return (int64_t)below(r, 300);
	default:
		return PICK(r, boundary64);
	}
}

/* ------------------------------------------------------------------ */
/* memory: per-thread areas, each followed by a PROT_NONE guard page  */

enum area {
	A_IOCBPP, A_IOCB, A_EVENTS, A_IOV, A_DATA, A_TS, A_USIG, A_MASK, A_CTXP,
	A_RESULT, A_ARG, A_NR,
};

static const unsigned int area_pages[A_NR] = {
	[A_IOCBPP] = 1, [A_IOCB] = 2, [A_EVENTS] = 3, [A_IOV] = 5, [A_DATA] = 16,
	[A_TS] = 1, [A_USIG] = 1, [A_MASK] = 1, [A_CTXP] = 1, [A_RESULT] = 1, [A_ARG] = 1,
};

static long page_size;
static unsigned char *ro_page;	/* PROT_READ, plausible objects (see init_ro_page) */

/* Offsets of the objects on the read-only page. */
#define RO_TS		0	/* a 1 ms timeout */
#define RO_IOCB		64	/* a valid-looking iocb (write of /dev/null) */
#define RO_IOCBPP	192	/* pointers to that iocb */
#define RO_ZERO		512	/* zeros (a ctxp holding 0, an empty sigset) */
#define RO_USIG		1024	/* { NULL, 8 } */

struct thread {
	int id;
	pthread_t tid;
	struct rng rng;
	unsigned char *area[A_NR];
	size_t area_len[A_NR];
	unsigned long long calls;
	atomic_ullong progress;
	/* the SIGSEGV guard of ring accesses */
	sigjmp_buf jmp;
	volatile sig_atomic_t guarded;
	/* the last calls */
	struct rec {
		int op;
		int ctx_kind;	/* how the ctx argument was chosen (CTX_*) */
		int ctx_slot;
		uint64_t a[6];
		long ret;
		int err;
		uint64_t digest;
		unsigned int ncb;
		bool done;	/* false: the call was in progress */
		struct iocb cb;	/* the first iocb of a submit */
	} hist[HIST];
	unsigned int nhist;
	struct rec *cur;
};

static struct thread threads[MAX_THREADS];
static __thread struct thread *self;

static void *map_or_die(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("fuzz: mmap");
		exit(1);
	}
	return p;
}

static void thread_areas(struct thread *t)
{
	for (int a = 0; a < A_NR; a++) {
		size_t len = area_pages[a] * page_size;
		unsigned char *p = map_or_die(len + page_size, PROT_READ | PROT_WRITE);

		if (mprotect(p + len, page_size, PROT_NONE)) {
			perror("fuzz: mprotect");
			exit(1);
		}
		t->area[a] = p;
		t->area_len[a] = len;
	}
}

static void init_ro_page(void)
{
	unsigned char *p = map_or_die(page_size, PROT_READ | PROT_WRITE);
	struct __kernel_timespec ts = { 0, 1000000 };
	struct iocb cb = { 0 };
	struct kaio_sigset us = { NULL, AIO_KERNEL_SIGSET_SIZE };
	static char sink[64];
	int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);

	memcpy(p + RO_TS, &ts, sizeof(ts));
	cb.aio_data = 0x40;
	cb.aio_lio_opcode = IOCB_CMD_PWRITE;
	cb.aio_fildes = (uint32_t)devnull;	/* kept open: fd pools open after it */
	cb.aio_buf = KAIO_PTR(sink);
	cb.aio_nbytes = sizeof(sink);
	memcpy(p + RO_IOCB, &cb, sizeof(cb));
	for (int i = 0; i < 8; i++) {
		struct iocb *q = (struct iocb *)(p + RO_IOCB);

		memcpy(p + RO_IOCBPP + i * sizeof(q), &q, sizeof(q));
	}
	memcpy(p + RO_USIG, &us, sizeof(us));
	if (mprotect(p, page_size, PROT_READ)) {
		perror("fuzz: mprotect");
		exit(1);
	}
	ro_page = p;
}

/* Pointer kinds. */
enum pk {
	PK_VALID, PK_NULL, PK_LOW, PK_GUARD, PK_RO, PK_KERNEL, PK_MISALIGNED,
	PK_STRADDLE, PK_TOP, PK_HIGHBITS, PK_NR,
};

static enum pk pick_pk(struct rng *r, unsigned int valid_percent)
{
	if (chance(r, valid_percent))
		return PK_VALID;
	return (enum pk)(1 + below(r, PK_NR - 1));
}

/*
 * A kernel address.  A 32-bit caller's pointer argument (not @wide, a
 * 64-bit field) holds 32 bits: a 64-bit one would reach the kernel cut
 * down, often to NULL (an io_getevents timeout of NULL waits forever).
 */
static uint64_t kernel_address(struct rng *r, bool wide)
{
	static const uint64_t k64[] = {
		0xffff888000000000ULL, 0xffffffff81000000ULL, 0xffffc90000000000ULL,
		0xffffffffffffffffULL, 0xfffffffffffff000ULL, 0x8000000000000000ULL,
		0x0000800000000000ULL,
	};
	static const uint64_t k32[] = { 0xffffe000ULL, 0xfffff000ULL, 0xffffffffULL, 0xc0000000ULL };

	if (aio_abi_is_32bit() && (!wide || chance(r, 70)))
		return PICK(r, k32);
	return PICK(r, k64);
}

/*
 * Place @size bytes of @obj in area @a as pointer kind @k says and return
 * the address to hand to the kernel.  @ro_off: the object's offset on the
 * read-only page.  For the 64-bit iocb fields (@wide) of a 32-bit caller,
 * PK_HIGHBITS is a valid address with bit 32 set; otherwise it is "top".
 */
static uint64_t place(struct thread *t, enum area a, const void *obj, size_t size,
		      enum pk k, size_t ro_off, bool wide)
{
	unsigned char *base = t->area[a];
	size_t len = t->area_len[a];
	struct rng *r = &t->rng;
	unsigned char *p;
	size_t n;

	if (size > len)
		size = len;
	switch (k) {
	case PK_VALID:
		p = base;
		break;
	case PK_MISALIGNED:
		p = base + 1 + below(r, 7);
		break;
	case PK_STRADDLE:
		p = base + len - (size > 1 ? size - 1 - below(r, size - 1) : 0);
		break;
	case PK_NULL:
		return 0;
	case PK_LOW:
		return PICK(r, ((const uint64_t[]){ 1, 8, 0x1000, 0xfff8 }));
	case PK_GUARD:
		return KAIO_PTR(base + len + 8 * below(r, 4));
	case PK_RO:
		return KAIO_PTR(ro_page + ro_off);
	case PK_KERNEL:
		return kernel_address(r, wide);
	case PK_HIGHBITS:
		if (wide && aio_abi_is_32bit())
			return (1ULL << 32) | KAIO_PTR(base);
		/* fall through */
	case PK_TOP:
	default:
		if (aio_abi_is_32bit())
			return PICK(r, ((const uint64_t[]){ 0xffffd000ULL, 0xffffdff8ULL, 0xbffff000ULL }));
		return PICK(r, ((const uint64_t[]){ 0x7ffffffff000ULL, 0x7ffffffffff8ULL,
						    0x00007fffffffefffULL }));
	}
	n = (size_t)(base + len - p);
	if (n > size)
		n = size;
	if (obj)
		memcpy(p, obj, n);
	return KAIO_PTR(p);
}

/* ------------------------------------------------------------------ */
/* contexts                                                            */

static _Atomic aio_context_t slots[NSLOTS];
static struct kaio_ring snap[NSLOTS];	/* each slot's ring header as io_setup made it */
static _Atomic aio_context_t dead[NDEAD];
/*
 * io_setup may hand out the address of a ring io_destroy just unmapped, so
 * a destroy's bookkeeping must not clear the slot of a new context that got
 * the same id: each adoption takes a sequence number, and a destroy forgets
 * only slots adopted before it began.  book_lock covers the slots' updates
 * (not the calls); readers take a slot's value without it.
 */
static pthread_mutex_t book_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_ulong adopt_seq = 1;
static unsigned long slot_seq[NSLOTS];
static atomic_uint dead_next;

enum ctx_kind { CTX_SLOT, CTX_DEAD, CTX_ZERO, CTX_ONES, CTX_RANDOM, CTX_MISALIGNED, CTX_NR };

static const char *const ctx_kind_name[CTX_NR] = {
	"slot", "dead", "0", "~0", "random", "slot+1",
};

static int slot_of(aio_context_t ctx)
{
	if (!ctx)
		return -1;
	for (int i = 0; i < NSLOTS; i++)
		if (atomic_load(&slots[i]) == ctx)
			return i;
	return -1;
}

/* A context id for a call; the choice goes into the current record. */
static aio_context_t pick_ctx(struct thread *t)
{
	struct rng *r = &t->rng;
	unsigned int k = (unsigned int)below(r, 100);
	int slot = (int)below(r, NSLOTS);
	aio_context_t ctx;

	if (diff_run)
		slot = (int)below(r, 4);	/* fewer slots: more hits */
	t->cur->ctx_slot = slot;
	if (k < 75) {
		t->cur->ctx_kind = CTX_SLOT;
		return atomic_load(&slots[slot]);
	}
	if (k < 83) {
		t->cur->ctx_kind = CTX_DEAD;
		ctx = atomic_load(&dead[below(r, NDEAD)]);
		/* In diff mode a reused ring address would make the runs differ. */
		if (diff_run && slot_of(ctx) >= 0)
			ctx = 0;
		return ctx;
	}
	if (k < 87) {
		t->cur->ctx_kind = CTX_ZERO;
		return 0;
	}
	if (k < 90) {
		t->cur->ctx_kind = CTX_ONES;
		return (aio_context_t)~0ULL;
	}
	if (k < 95) {
		t->cur->ctx_kind = CTX_RANDOM;
		return (aio_context_t)rnd(r);
	}
	t->cur->ctx_kind = CTX_MISALIGNED;
	ctx = atomic_load(&slots[slot]);
	return ctx ? ctx + 1 + below(r, 7) : 0;
}

static void remember_dead(aio_context_t ctx)
{
	atomic_store(&dead[atomic_fetch_add(&dead_next, 1) % NDEAD], ctx);
}

static bool ring_copy(void *dst, const void *src, size_t len);

/* A new context: into a free slot, else destroyed at once.  The slot index, or -1. */
static int adopt_ctx(aio_context_t ctx)
{
	pthread_mutex_lock(&book_lock);
	for (int i = 0; i < (diff_run ? 4 : NSLOTS); i++) {
		if (atomic_load(&slots[i]))
			continue;
		slot_seq[i] = atomic_fetch_add(&adopt_seq, 1);
		if (!ring_copy(&snap[i], (void *)(uintptr_t)ctx, sizeof(snap[i])))
			memset(&snap[i], 0, sizeof(snap[i]));
		atomic_store(&slots[i], ctx);
		pthread_mutex_unlock(&book_lock);
		return i;
	}
	pthread_mutex_unlock(&book_lock);
	opt.backend->io_destroy(ctx);
	remember_dead(ctx);
	return -1;
}

/* After a successful io_destroy of @ctx, which began when adopt_seq was @seq. */
static void forget_ctx(aio_context_t ctx, unsigned long seq)
{
	pthread_mutex_lock(&book_lock);
	for (int i = 0; i < NSLOTS; i++) {
		if (ctx && atomic_load(&slots[i]) == ctx && slot_seq[i] < seq) {
			atomic_store(&slots[i], 0);
			remember_dead(ctx);
		}
	}
	pthread_mutex_unlock(&book_lock);
}

/* Undo forged header fields (not head and tail) so that the context can be found again. */
static void ring_restore(int slot, aio_context_t ctx)
{
	struct kaio_ring h;

	if (!snap[slot].magic || !ring_copy(&h, (void *)(uintptr_t)ctx, sizeof(h)))
		return;
	snap[slot].head = h.head;
	snap[slot].tail = h.tail;
	ring_copy((void *)(uintptr_t)ctx, &snap[slot], sizeof(h));
}

static void destroy_all(void)
{
	for (int i = 0; i < NSLOTS; i++) {
		aio_context_t ctx = atomic_exchange(&slots[i], 0);

		if (ctx) {
			ring_restore(i, ctx);
			/* EINVAL: a stale slot (destroyed by a raw ioctl) */
			if (opt.backend->io_destroy(ctx) && errno != EINVAL)
				fprintf(stderr, "fuzz: io_destroy of slot %d at the end: %s\n", i,
					strerror(errno));
		}
	}
}

/* ------------------------------------------------------------------ */
/* the fd pool                                                         */

enum {
	FD_FILE, FD_FILE2, FD_DIRECT, FD_RDONLY, FD_WRONLY, FD_DIR, FD_PIPE_R, FD_PIPE_W,
	FD_SOCK0, FD_SOCK1, FD_EVENTFD, FD_MEMFD, FD_KAIO, FD_NULL, FD_ZERO, FD_OPATH, FD_NR,
};

static const char *const fd_name[FD_NR] = {
	"file", "file2", "direct", "rdonly", "wronly", "dir", "pipe-r", "pipe-w", "sock0",
	"sock1", "eventfd", "memfd-sealed", "kaio", "null", "zero", "opath",
};

static int pool[FD_NR];
static int closed_fd = -1;
static char scratch[PATH_MAX];

static int must(int fd, const char *what)
{
	if (fd < 0) {
		fprintf(stderr, "fuzz: %s: %s\n", what, strerror(errno));
		exit(1);
	}
	return fd;
}

static void fill_file(int fd, size_t len)
{
	unsigned char buf[4096];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 7 + 1);
	for (size_t off = 0; off < len; off += sizeof(buf))
		if (pwrite(fd, buf, sizeof(buf), (off_t)off) != (ssize_t)sizeof(buf))
			must(-1, "pwrite scratch");
}

/* A fresh pool in a fresh scratch directory (all fds above 2, O_CLOEXEC). */
static void pool_open(void)
{
	char path[PATH_MAX + 32];
	int p[2], s[2];

	snprintf(scratch, sizeof(scratch), "%s/kaio-fuzz-XXXXXX",
		 opt.dir ? opt.dir : (getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp"));
	if (!mkdtemp(scratch))
		must(-1, "mkdtemp");
	snprintf(path, sizeof(path), "%s/a", scratch);
	pool[FD_FILE] = must(open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600), path);
	fill_file(pool[FD_FILE], 65536);
	pool[FD_RDONLY] = must(open(path, O_RDONLY | O_CLOEXEC), path);
	pool[FD_WRONLY] = must(open(path, O_WRONLY | O_CLOEXEC), path);
	pool[FD_OPATH] = must(open(path, O_PATH | O_CLOEXEC), path);
	snprintf(path, sizeof(path), "%s/b", scratch);
	pool[FD_FILE2] = must(open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600), path);
	fill_file(pool[FD_FILE2], 8192);
	snprintf(path, sizeof(path), "%s/c", scratch);
	pool[FD_DIRECT] = open(path, O_RDWR | O_CREAT | O_DIRECT | O_CLOEXEC, 0600);
	if (pool[FD_DIRECT] < 0)	/* tmpfs: no O_DIRECT; a plain file instead */
		pool[FD_DIRECT] = must(open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600), path);
	if (ftruncate(pool[FD_DIRECT], 1 << 20))
		must(-1, "ftruncate");
	pool[FD_DIR] = must(open(scratch, O_RDONLY | O_DIRECTORY | O_CLOEXEC), scratch);
	must(pipe2(p, O_NONBLOCK | O_CLOEXEC), "pipe2");
	pool[FD_PIPE_R] = p[0];
	pool[FD_PIPE_W] = p[1];
	must(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, s), "socketpair");
	pool[FD_SOCK0] = s[0];
	pool[FD_SOCK1] = s[1];
	pool[FD_EVENTFD] = must(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), "eventfd");
	pool[FD_MEMFD] = must((int)syscall(SYS_memfd_create, "kaio-fuzz",
					   MFD_ALLOW_SEALING | 1U /* MFD_CLOEXEC */), "memfd");
	if (ftruncate(pool[FD_MEMFD], 4096) || fcntl(pool[FD_MEMFD], F_ADD_SEALS, F_SEAL_WRITE))
		must(-1, "memfd seal");
	pool[FD_KAIO] = open(KAIO_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (pool[FD_KAIO] < 0)	/* native runs without the module */
		pool[FD_KAIO] = must(open("/dev/null", O_RDONLY | O_CLOEXEC), "/dev/null");
	pool[FD_NULL] = must(open("/dev/null", O_RDWR | O_CLOEXEC), "/dev/null");
	pool[FD_ZERO] = must(open("/dev/zero", O_RDWR | O_CLOEXEC), "/dev/zero");
	/* A descriptor number that stays closed: nothing opens fds during a run. */
	closed_fd = must(open("/dev/null", O_RDONLY | O_CLOEXEC), "/dev/null");
	close(closed_fd);
}

static void pool_close(void)
{
	char path[PATH_MAX + 32];

	for (int i = 0; i < FD_NR; i++) {
		if (pool[i] > 2)
			close(pool[i]);
		pool[i] = -1;
	}
	for (const char *n = "abc"; *n; n++) {
		snprintf(path, sizeof(path), "%s/%c", scratch, *n);
		unlink(path);
	}
	rmdir(scratch);
}

static int pick_fd(struct rng *r)
{
	unsigned int k = (unsigned int)below(r, 100);

	if (k < 85)
		return pool[below(r, FD_NR)];
	if (k < 90)
		return closed_fd;
	if (k < 93 && !diff_run)
		return kaio_device_fd();
	return (int)PICK(r, ((const int64_t[]){ -1, -2, INT_MAX, INT_MIN, 4095, 1 << 20 }));
}

static const char *fd_label(int fd)
{
	for (int i = 0; i < FD_NR; i++)
		if (pool[i] == fd)
			return fd_name[i];
	if (fd == closed_fd)
		return "closed";
	return "num";
}

/* ------------------------------------------------------------------ */
/* history, failure reports                                            */

enum op {
	OP_SETUP, OP_DESTROY, OP_SUBMIT, OP_CANCEL, OP_GETEVENTS, OP_PGETEVENTS,
	OP_GETEVENTS32, OP_PGETEVENTS32, OP_IOCTL, OP_SCRIBBLE, OP_NR,
};

static const char *const op_name[OP_NR] = {
	"io_setup", "io_destroy", "io_submit", "io_cancel", "io_getevents", "io_pgetevents",
	"io_getevents_time32", "io_pgetevents_time32", "ioctl", "scribble",
};

static void format_rec(const struct rec *c, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s(ctx=%s", op_name[c->op], ctx_kind_name[c->ctx_kind]);

	if (c->ctx_kind == CTX_SLOT || c->ctx_kind == CTX_MISALIGNED)
		n += snprintf(buf + n, len - n, "%d", c->ctx_slot);
	if ((size_t)n >= len)
		return;
	switch (c->op) {
	case OP_SETUP:
		n += snprintf(buf + n, len - n, " nr_events=%" PRIu64 " ctxp=%#" PRIx64,
			      c->a[0], c->a[1]);
		break;
	case OP_SUBMIT:
		n += snprintf(buf + n, len - n, " nr=%" PRId64 " iocbpp=%#" PRIx64, c->a[0], c->a[1]);
		if (c->ncb && (size_t)n < len)
			n += snprintf(buf + n, len - n,
				      " cb0={data=%#llx key=%u rw_flags=%#x op=%u prio=%d fd=%u(%s) buf=%#llx nbytes=%#llx off=%lld flags=%#x resfd=%u}",
				      (unsigned long long)c->cb.aio_data, c->cb.aio_key, c->cb.aio_rw_flags,
				      c->cb.aio_lio_opcode, c->cb.aio_reqprio, c->cb.aio_fildes,
				      fd_label((int)c->cb.aio_fildes),
				      (unsigned long long)c->cb.aio_buf, (unsigned long long)c->cb.aio_nbytes,
				      (long long)c->cb.aio_offset, c->cb.aio_flags, c->cb.aio_resfd);
		break;
	case OP_CANCEL:
		n += snprintf(buf + n, len - n, " iocb=%#" PRIx64 " result=%#" PRIx64, c->a[0], c->a[1]);
		break;
	case OP_GETEVENTS:
	case OP_PGETEVENTS:
	case OP_GETEVENTS32:
	case OP_PGETEVENTS32:
		n += snprintf(buf + n, len - n,
			      " min_nr=%" PRId64 " nr=%" PRId64 " events=%#" PRIx64 " timeout=%#" PRIx64
			      " {%" PRId64 ",%" PRId64 "} usig=%#" PRIx64,
			      c->a[0], c->a[1], c->a[2], c->a[3], c->a[4], c->a[5], (uint64_t)c->cb.aio_data);
		break;
	case OP_IOCTL:
		n += snprintf(buf + n, len - n, " fd=%s request=%#" PRIx64 " arg=%#" PRIx64
			      " block=%016" PRIx64 " %016" PRIx64 " %016" PRIx64 " %016" PRIx64,
			      c->a[0] ? "pool-kaio" : "kaio", c->a[1], c->a[2], c->a[3], c->a[4],
			      c->a[5], (uint64_t)c->cb.aio_data);
		break;
	case OP_SCRIBBLE:
		n += snprintf(buf + n, len - n, " word=%" PRIu64 " value=%#" PRIx64, c->a[0], c->a[1]);
		break;
	default:
		break;
	}
	if ((size_t)n < len && !c->done)
		snprintf(buf + n, len - n, ") (in progress)");
	else if ((size_t)n < len)
		snprintf(buf + n, len - n, ") = %ld%s%s", c->ret, c->ret < 0 ? " " : "",
			 c->ret < 0 ? strerrorname_np(c->err) ?: "?" : "");
}

/* Only write(2) from here on: it also runs in the fatal signal handler. */
static void say(const char *s)
{
	size_t n = strlen(s);

	while (n) {
		ssize_t w = write(2, s, n);

		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void dump_thread(struct thread *t)
{
	char line[1024];
	unsigned int first = t->nhist > HIST ? t->nhist - HIST : 0;

	snprintf(line, sizeof(line), "fuzz: thread %d, last %u calls (replay: --seed %" PRIu64
		 " --threads 1 --as-thread %d --calls %llu):\n", t->id, t->nhist - first, opt.seed,
		 t->id + opt.as_thread, t->calls + 1);
	say(line);
	for (unsigned int i = first; i < t->nhist; i++) {
		char desc[900];

		format_rec(&t->hist[i % HIST], desc, sizeof(desc));
		snprintf(line, sizeof(line), "fuzz:   #%u %s\n", i, desc);
		say(line);
	}
}

static void dump_all(void)
{
	for (int i = 0; i < opt.threads; i++)
		dump_thread(&threads[i]);
}

static void fail(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "fuzz: FAIL (seed %" PRIu64 ", abi %s, backend %s): %s\n",
		opt.seed, abi_name(), opt.backend->name, msg);
	atomic_fetch_add(&failures, 1);
}

static void fatal_signal(int sig, siginfo_t *si, void *uc)
{
	char line[200];

	(void)uc;
	if (self && self->guarded)
		siglongjmp(self->jmp, 1);
	snprintf(line, sizeof(line), "fuzz: FAIL: signal %d at %p (seed %" PRIu64 ", abi %s, backend %s)\n",
		 sig, si->si_addr, opt.seed, abi_name(), opt.backend->name);
	say(line);
	if (self)
		dump_thread(self);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_sigaction = fatal_signal, .sa_flags = SA_NODEFER | SA_SIGINFO };
	const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
}

/* ------------------------------------------------------------------ */
/* checking results                                                    */

static bool errno_allowed(int op, int err)
{
	switch (err) {
	case EINVAL:
	case EFAULT:
		return true;
	case ENOTTY:		/* kaio: an operation it does not serve */
		return opt.backend == &aio_backend_kaio;
	case EAGAIN:
	case ENOMEM:
		return op == OP_SETUP || op == OP_SUBMIT || op == OP_IOCTL;
	case EBADF:
	case EOPNOTSUPP:
		return op == OP_SUBMIT || op == OP_IOCTL;
	case EINTR:
		return op >= OP_GETEVENTS && op <= OP_PGETEVENTS32;
	case EINPROGRESS:
		return op == OP_CANCEL || op == OP_IOCTL;
	case ENOSYS:
		return op == OP_GETEVENTS32 || op == OP_PGETEVENTS32;
	default:
		return false;
	}
}

static void check_result(struct thread *t, long bound)
{
	struct rec *c = t->cur;

	if (c->ret < 0 && c->ret != -1)
		fail("thread %d call %llu: %s returned %ld", t->id, t->calls, op_name[c->op], c->ret);
	else if (c->ret < 0 && !errno_allowed(c->op, c->err))
		fail("thread %d call %llu: %s failed with %s, which it cannot return",
		     t->id, t->calls, op_name[c->op], strerrorname_np(c->err) ?: "?");
	else if (bound >= 0 && c->ret > bound)
		fail("thread %d call %llu: %s returned %ld, more than %ld",
		     t->id, t->calls, op_name[c->op], c->ret, bound);
	else
		return;
	dump_thread(t);
}

static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

/* ------------------------------------------------------------------ */
/* the calls                                                           */

static uint64_t pick_size(struct rng *r, size_t room)
{
	if (chance(r, 50))
		return below(r, room + 2);
	if (chance(r, 30))
		return room - below(r, 3);
	return (uint64_t)boundary(r);
}

/* A bounded wait: (sec, nsec) whose ktime (as the kernel computes it, with wrap) is in [0, 10 ms]. */
static bool wait_bounded(int64_t sec, int64_t nsec)
{
	const int64_t sec_max = INT64_MAX / 1000000000LL;	/* KTIME_SEC_MAX */
	int64_t kt;

	if (sec >= sec_max)
		return false;
	kt = (int64_t)((uint64_t)sec * 1000000000ULL + (uint64_t)nsec);
	/*
	 * Not negative either: the hrtimer adds the relative time to
	 * CLOCK_MONOTONIC with ktime_add_safe(), which takes a sum below
	 * the clock for an overflow and makes it KTIME_MAX, a wait without
	 * end.
	 */
	return kt <= MAX_WAIT_NS && kt >= 0;
}

static struct __kernel_timespec pick_timeout(struct rng *r)
{
	static const int64_t secs[] = { 0, 0, 0, -1, 1, INT64_MIN, INT64_MAX, -2, 0x7fffffff, -1000 };
	static const int64_t nsecs[] = { 0, 1, 1000, 1000000, 5000000, 999999999, 1000000000,
					 -1, INT64_MAX, INT64_MIN };
	struct __kernel_timespec ts = { PICK(r, secs), PICK(r, nsecs) };

	if (chance(r, 10))
		ts.tv_sec = (int64_t)rnd(r);
	if (chance(r, 10))
		ts.tv_nsec = (int64_t)rnd(r);
	return ts;
}

static void build_iocb(struct thread *t, struct iocb *cb)
{
	struct rng *r = &t->rng;
	static const uint16_t ops[] = {
		IOCB_CMD_PREAD, IOCB_CMD_PWRITE, IOCB_CMD_FSYNC, IOCB_CMD_FDSYNC, IOCB_CMD_POLL,
		IOCB_CMD_NOOP, IOCB_CMD_PREADV, IOCB_CMD_PWRITEV,
	};
	static const uint32_t rwf[] = { RWF_HIPRI, RWF_DSYNC, RWF_SYNC, RWF_NOWAIT, RWF_APPEND };

	memset(cb, 0, sizeof(*cb));
	cb->aio_data = chance(r, 70) ? (uint64_t)t->calls << 8 | below(r, 256) : (uint64_t)boundary(r);
	if (chance(r, 4))
		cb->aio_key = (uint32_t)rnd(r);
	if (chance(r, 25)) {
		for (int i = 0; i < 2; i++)
			cb->aio_rw_flags |= chance(r, 60) ? PICK(r, rwf) : (uint32_t)rnd(r);
	}
	cb->aio_lio_opcode = chance(r, 92) ? PICK(r, ops) : (uint16_t)(chance(r, 50) ? below(r, 16) : rnd(r));
	if (chance(r, 10))
		cb->aio_reqprio = (int16_t)(chance(r, 50) ? (int64_t)rnd(r) :
					    IOPRIO_PRIO_VALUE(below(r, 4), below(r, 9)));
	cb->aio_fildes = (uint32_t)pick_fd(r);

	switch (cb->aio_lio_opcode) {
	case IOCB_CMD_PREADV:
	case IOCB_CMD_PWRITEV: {
		size_t max = t->area_len[A_IOV] / sizeof(struct iovec);
		struct iovec *iov = (struct iovec *)t->area[A_IOV];
		uint64_t cnt = chance(r, 70) ? below(r, 8) : PICK(r, ((const uint64_t[]){
			0, 1, 1023, 1024, 1025, max, max + 1, 0xffffffffULL, 1ULL << 40 }));
		enum pk k = pick_pk(r, 85);
		size_t fill = cnt < max ? (size_t)cnt : max;

		for (size_t i = 0; i < fill && i < 64; i++) {
			enum pk bk = pick_pk(r, 90);
			uint64_t b = place(t, A_DATA, NULL, 64, bk, RO_ZERO, false);

			if (bk == PK_VALID)
				b += below(r, t->area_len[A_DATA]);
			iov[i].iov_base = (void *)(uintptr_t)b;
			iov[i].iov_len = (size_t)(chance(r, 80) ? below(r, 8192) : (uint64_t)boundary(r));
		}
		for (size_t i = 64; i < fill; i++) {
			iov[i].iov_base = t->area[A_DATA];
			iov[i].iov_len = 1;
		}
		if (k == PK_STRADDLE) {
			size_t sz = fill * sizeof(*iov);

			cb->aio_buf = place(t, A_IOV, NULL, sz ? sz : 1, PK_STRADDLE, 0, true);
			memmove((void *)(uintptr_t)cb->aio_buf, iov,
				(size_t)(t->area[A_IOV] + t->area_len[A_IOV] - (unsigned char *)(uintptr_t)cb->aio_buf));
		} else if (k == PK_VALID || k == PK_MISALIGNED) {
			cb->aio_buf = KAIO_PTR(iov);
		} else {
			cb->aio_buf = place(t, A_IOV, NULL, sizeof(*iov), k, RO_ZERO, true);
		}
		cb->aio_nbytes = cnt;
		break;
	}
	case IOCB_CMD_POLL:
		cb->aio_buf = chance(r, 80) ? PICK(r, ((const uint64_t[]){ POLLIN, POLLOUT, POLLIN | POLLOUT,
			POLLPRI, POLLRDHUP, POLLERR, 0 })) : rnd(r);
		if (chance(r, 10))
			cb->aio_nbytes = (uint64_t)boundary(r);
		if (chance(r, 10))
			cb->aio_offset = boundary(r);
		break;
	default: {
		enum pk k = pick_pk(r, 75);
		size_t room = t->area_len[A_DATA];

		cb->aio_buf = place(t, A_DATA, NULL, 4096, k, RO_ZERO, true);
		if (k == PK_VALID)
			cb->aio_buf += below(r, room);
		cb->aio_nbytes = pick_size(r, 8192);
		break;
	}
	}
	if (cb->aio_lio_opcode != IOCB_CMD_POLL) {
		if (chance(r, 70))
			cb->aio_offset = (int64_t)(below(r, 3) ? below(r, 70000) : below(r, 256) * 4096);
		else
			cb->aio_offset = boundary(r);
	}
	if (chance(r, 25)) {
		static const uint32_t flags[] = { IOCB_FLAG_RESFD, IOCB_FLAG_IOPRIO,
						  IOCB_FLAG_RESFD | IOCB_FLAG_IOPRIO };

		cb->aio_flags = chance(r, 85) ? PICK(r, flags) : (uint32_t)rnd(r);
		cb->aio_resfd = (uint32_t)(chance(r, 70) ? pool[FD_EVENTFD] : pick_fd(r));
	}
	if (chance(r, 3))
		cb->aio_reserved2 = rnd(r);
}

static long do_submit(struct thread *t, aio_context_t ctx)
{
	struct rng *r = &t->rng;
	struct rec *c = t->cur;
	size_t maxcb = t->area_len[A_IOCB] / sizeof(struct iocb);
	size_t maxpp = t->area_len[A_IOCBPP] / sizeof(struct iocb *);
	struct iocb **pp = (struct iocb **)t->area[A_IOCBPP];
	struct iocb *cbs = (struct iocb *)t->area[A_IOCB];
	long nr = chance(r, 80) ? (long)below(r, 9) : (long)boundary(r);
	size_t n = nr > 0 ? (size_t)nr : 0;
	enum pk k = pick_pk(r, 85);
	uint64_t ppaddr;
	long ret;

	if (n > 16)
		n = 16;
	for (size_t i = 0; i < n; i++) {
		unsigned int v = (unsigned int)below(r, 100);

		if (v < 88) {
			build_iocb(t, &cbs[i]);
			pp[i] = &cbs[i];
		} else if (v < 91 && i) {
			pp[i] = pp[below(r, i)];	/* the same iocb twice */
		} else {
			enum pk ck = pick_pk(r, 0);
			struct iocb tmp;

			build_iocb(t, &tmp);
			if (ck == PK_STRADDLE || ck == PK_MISALIGNED) {
				/* past the 16 slots in use, so nothing else is overwritten */
				unsigned char *end = (unsigned char *)&cbs[maxcb];
				unsigned char *q = ck == PK_STRADDLE ? end - 1 - below(r, sizeof(tmp) - 1) :
					(unsigned char *)&cbs[16 + i] + 1 + below(r, 7);
				size_t len = (size_t)(end - q) < sizeof(tmp) ? (size_t)(end - q) : sizeof(tmp);

				memcpy(q, &tmp, len);
				pp[i] = (struct iocb *)q;
			} else {
				pp[i] = (struct iocb *)(uintptr_t)place(t, A_IOCB, NULL, sizeof(tmp), ck,
									RO_IOCB, false);
			}
		}
	}
	/* Beyond what the call may read: a valid pointer up to the end of the array. */
	for (size_t i = n; i < maxpp && i < n + 2; i++)
		pp[i] = &cbs[0];
	if (k == PK_STRADDLE && n) {
		size_t sz = n * sizeof(*pp);
		unsigned char *q = t->area[A_IOCBPP] + t->area_len[A_IOCBPP] - sz +
				   below(r, sz) / sizeof(*pp) * sizeof(*pp) + sizeof(*pp) -
				   (chance(r, 50) ? 1 + below(r, sizeof(*pp) - 1) : 0);

		memmove(q, pp, (size_t)(t->area[A_IOCBPP] + t->area_len[A_IOCBPP] - q));
		ppaddr = KAIO_PTR(q);
	} else if (k == PK_MISALIGNED) {
		unsigned char *q = t->area[A_IOCBPP] + 1 + below(r, sizeof(*pp) - 1);

		memmove(q, pp, (n + 2) * sizeof(*pp));
		ppaddr = KAIO_PTR(q);
	} else if (k == PK_VALID) {
		ppaddr = KAIO_PTR(pp);
	} else {
		ppaddr = place(t, A_IOCBPP, NULL, sizeof(*pp), k, RO_IOCBPP, false);
	}
	c->a[0] = (uint64_t)nr;
	c->a[1] = ppaddr;
	c->ncb = n;
	if (n && pp[0] == &cbs[0])
		c->cb = cbs[0];
	if (opt.replay) {
		char d[900];

		format_rec(c, d, sizeof(d));
		fprintf(stderr, "fuzz: > %s\n", d);
	}
	ret = opt.backend->io_submit(ctx, nr, (struct iocb **)(uintptr_t)ppaddr);
	return ret;
}

/* The timeout and the guard that keeps a wait short. */
static uint64_t getevents_timeout(struct thread *t, long min_nr, long nr, bool time32,
				  int64_t *sec, int64_t *nsec)
{
	struct rng *r = &t->rng;
	struct __kernel_timespec ts = pick_timeout(r);
	struct kaio_timespec32 ts32;
	bool may_block = min_nr > 0 && min_nr <= nr;
	enum pk k = pick_pk(r, 80);

	if (time32) {
		ts32.tv_sec = (int32_t)ts.tv_sec;
		ts32.tv_nsec = (int32_t)ts.tv_nsec;
		ts.tv_sec = ts32.tv_sec;
		ts.tv_nsec = ts32.tv_nsec;
	}
	if (may_block) {
		/* Must not sleep long: readable pointers get a bounded value. */
		if (k == PK_NULL || k == PK_RO || k == PK_HIGHBITS || k == PK_TOP)
			k = PK_VALID;
		if (!wait_bounded(ts.tv_sec, ts.tv_nsec)) {
			ts.tv_sec = 0;
			ts.tv_nsec = (int64_t)below(r, 3) * 1000000;
		}
		if (time32) {
			ts32.tv_sec = (int32_t)ts.tv_sec;
			ts32.tv_nsec = (int32_t)ts.tv_nsec;
		}
	}
	*sec = ts.tv_sec;
	*nsec = ts.tv_nsec;
	if (time32)
		return place(t, A_TS, &ts32, sizeof(ts32), k, RO_TS, false);
	return place(t, A_TS, &ts, sizeof(ts), k, RO_TS, false);
}

static uint64_t pick_usig(struct thread *t)
{
	struct rng *r = &t->rng;
	enum pk k = pick_pk(r, 75);
	static const uint64_t sizes[] = { AIO_KERNEL_SIGSET_SIZE, AIO_KERNEL_SIGSET_SIZE, 0, 4, 7, 16,
					  128, 0xffffffff, 1ULL << 32 | 8 };
	uint64_t mask = 0;
	uint64_t maskp;
	uint64_t size = PICK(r, sizes);
	enum pk mk = pick_pk(r, 75);

	if (k == PK_NULL && chance(r, 50))
		return 0;
	if (chance(r, 50))
		mask = rnd(r) & ~((1ULL << (SIGSEGV - 1)) | (1ULL << (SIGBUS - 1)));
	maskp = chance(r, 20) ? 0 : place(t, A_MASK, &mask, sizeof(mask), mk, RO_ZERO, false);
	if (aio_abi_is_32bit()) {
		struct kaio_sigset32 s = { (uint32_t)maskp, (uint32_t)size };

		return place(t, A_USIG, &s, sizeof(s), k, RO_USIG, false);
	} else {
		struct { uint64_t p, s; } s = { maskp, size };

		return place(t, A_USIG, &s, sizeof(s), k, RO_USIG, false);
	}
}

#ifdef __i386__
/* The 32-bit time io_getevents/io_pgetevents of i386, for diff mode. */
static long native_getevents_time32(aio_context_t ctx, long min_nr, long nr, struct io_event *ev,
				    void *ts)
{
	return syscall(__NR_io_getevents, ctx, min_nr, nr, ev, ts);
}

static long native_pgetevents_time32(aio_context_t ctx, long min_nr, long nr, struct io_event *ev,
				     void *ts, void *usig)
{
	return syscall(__NR_io_pgetevents, ctx, min_nr, nr, ev, ts, usig);
}
#endif

static long do_getevents(struct thread *t, aio_context_t ctx, int op)
{
	struct rng *r = &t->rng;
	struct rec *c = t->cur;
	size_t maxev = t->area_len[A_EVENTS] / sizeof(struct io_event);
	long min_nr = chance(r, 70) ? (long)below(r, 4) : (long)boundary(r);
	long nr = chance(r, 70) ? (long)below(r, 70) : (long)(chance(r, 50) ? maxev + below(r, 3) - 1 :
							       (uint64_t)boundary(r));
	bool time32 = op == OP_GETEVENTS32 || op == OP_PGETEVENTS32;
	bool sig = op == OP_PGETEVENTS || op == OP_PGETEVENTS32;
	enum pk k = pick_pk(r, 85);
	uint64_t evp, tsp, usig = 0;
	int64_t sec = 0, nsec = 0;
	long ret = -1;

	if (diff_run)
		memset(t->area[A_EVENTS], 0xa5, t->area_len[A_EVENTS]);
	evp = place(t, A_EVENTS, NULL, sizeof(struct io_event) * 2, k, RO_ZERO, false);
	if (k == PK_STRADDLE)
		evp = KAIO_PTR(t->area[A_EVENTS] + t->area_len[A_EVENTS] - sizeof(struct io_event) *
			       below(r, 4) - below(r, sizeof(struct io_event)));
	tsp = chance(r, 8) && !(min_nr > 0 && min_nr <= nr) ? 0 :
	      getevents_timeout(t, min_nr, nr, time32, &sec, &nsec);
	if (sig)
		usig = pick_usig(t);
	c->a[0] = (uint64_t)min_nr;
	c->a[1] = (uint64_t)nr;
	c->a[2] = evp;
	c->a[3] = tsp;
	c->a[4] = (uint64_t)sec;
	c->a[5] = (uint64_t)nsec;
	c->cb.aio_data = usig;
	if (opt.replay) {
		char d[900];

		format_rec(c, d, sizeof(d));
		fprintf(stderr, "fuzz: > %s\n", d);
	}
	switch (op) {
	case OP_GETEVENTS:
		ret = opt.backend->io_getevents(ctx, min_nr, nr, (struct io_event *)(uintptr_t)evp,
						(struct __kernel_timespec *)(uintptr_t)tsp);
		break;
	case OP_PGETEVENTS:
		ret = opt.backend->io_pgetevents(ctx, min_nr, nr, (struct io_event *)(uintptr_t)evp,
						 (struct __kernel_timespec *)(uintptr_t)tsp,
						 (const struct kaio_sigset *)(uintptr_t)usig);
		break;
	default:
		if (opt.backend == &aio_backend_kaio) {
			struct kaio_pgetevents_args a = {
				.ctx = ctx, .min_nr = min_nr, .nr = nr, .events = evp,
				.timeout = tsp, .usig = usig,
			};

			ret = ioctl(kaio_device_fd(), sig ? KAIO_IOC_PGETEVENTS_TIME32 :
				    KAIO_IOC_GETEVENTS_TIME32, &a);
		}
#ifdef __i386__
		else if (sig)
			ret = native_pgetevents_time32(ctx, min_nr, nr, (void *)(uintptr_t)evp,
						       (void *)(uintptr_t)tsp, (void *)(uintptr_t)usig);
		else
			ret = native_getevents_time32(ctx, min_nr, nr, (void *)(uintptr_t)evp,
						      (void *)(uintptr_t)tsp);
#else
		else
			errno = ENOSYS;
#endif
		break;
	}
	return ret;
}

static long do_cancel(struct thread *t, aio_context_t ctx)
{
	struct rng *r = &t->rng;
	struct rec *c = t->cur;
	struct iocb *cbs = (struct iocb *)t->area[A_IOCB];
	enum pk k = pick_pk(r, 80);
	uint64_t iocb, result;

	if (k == PK_VALID)
		iocb = KAIO_PTR(&cbs[below(r, 9)]);
	else
		iocb = place(t, A_IOCB, NULL, sizeof(struct iocb), k, RO_IOCB, false);
	if (diff_run)
		memset(t->area[A_RESULT], 0x5a, t->area_len[A_RESULT]);
	result = place(t, A_RESULT, NULL, sizeof(struct io_event), pick_pk(r, 70), RO_ZERO, false);
	c->a[0] = iocb;
	c->a[1] = result;
	return opt.backend->io_cancel(ctx, (struct iocb *)(uintptr_t)iocb,
				      (struct io_event *)(uintptr_t)result);
}

static long do_setup(struct thread *t, int *new_slot)
{
	struct rng *r = &t->rng;
	struct rec *c = t->cur;
	static const uint64_t nrs[] = { 0, 1, 2, 3, 4, 7, 8, 16, 31, 32, 63, 64, 100, 127, 128, 256,
					1000, 4096, 65536, 65537, 0x7fffffff, 0x80000000, 0xffffffff,
					0x10000000 / 64, 0x10000000 / 64 + 1, 0x10000000 / 32 };
	unsigned int nr = (unsigned int)(chance(r, 75) ? 1 + below(r, 64) :
					 (chance(r, 80) ? PICK(r, nrs) : rnd(r)));
	aio_context_t init = chance(r, 90) ? 0 : (aio_context_t)(chance(r, 50) ? 1 : rnd(r));
	enum pk k = pick_pk(r, 85);
	uint64_t ctxp = place(t, A_CTXP, &init, sizeof(init), k, RO_ZERO, false);
	long ret;

	c->a[0] = nr;
	c->a[1] = ctxp;
	c->ctx_kind = CTX_ZERO;
	ret = opt.backend->io_setup(nr, (aio_context_t *)(uintptr_t)ctxp);
	*new_slot = -1;
	if (ret == 0) {
		aio_context_t ctx;

		/* Only writable places can have received it. */
		memcpy(&ctx, (void *)(uintptr_t)ctxp, sizeof(ctx));
		*new_slot = adopt_ctx(ctx);
	}
	return ret;
}

/* Copy to or from a ring that may be gone: false if it faulted. */
static bool ring_copy(void *dst, const void *src, size_t len)
{
	struct thread *t = self;

	if (!t)
		return false;
	t->guarded = 1;
	if (sigsetjmp(t->jmp, 1)) {
		t->guarded = 0;
		return false;
	}
	for (size_t i = 0; i < len; i++)
		((volatile unsigned char *)dst)[i] = ((const volatile unsigned char *)src)[i];
	t->guarded = 0;
	return true;
}

/* Scribble on a ring header (or reap from userspace), under the SIGSEGV guard. */
static long do_scribble(struct thread *t, aio_context_t ctx)
{
	struct rng *r = &t->rng;
	struct rec *c = t->cur;
	unsigned int word = (unsigned int)below(r, 12);
	uint32_t val;

	switch (below(r, 4)) {
	case 0:
		val = (uint32_t)rnd(r);
		break;
	case 1:
		val = (uint32_t)below(r, 300);
		break;
	default:
		val = (uint32_t)PICK(r, ((const int64_t[]){ 0, 1, -1, 0x7fffffff, 0x80000000,
							    KAIO_RING_MAGIC, 126, 127, 128, 254, 255 }));
		break;
	}
	c->a[0] = word;
	c->a[1] = val;
	if (!ctx || (ctx & 3) || ctx >= (aio_context_t)(uintptr_t)0 - 4096)
		return 0;
	if (word == 9 || word == 10) {
		if (c->ctx_kind == CTX_SLOT)
			ring_restore(c->ctx_slot, ctx);
		return 0;
	}
	{
		uint32_t *ring = (uint32_t *)(uintptr_t)ctx;
		uint32_t tail;
		bool ok;

		if (word < 8)	/* id nr head tail magic compat incompat header_length */
			ok = ring_copy(&ring[word], &val, sizeof(val));
		else if (word == 8)	/* reap everything from userspace */
			ok = ring_copy(&tail, &ring[3], sizeof(tail)) &&
			     ring_copy(&ring[2], &tail, sizeof(tail));
		else			/* an event slot */
			ok = ring_copy(&ring[8 + below(r, 64)], &val, sizeof(val));
		return ok ? 0 : -2;
	}
}

/* A raw ioctl on /dev/kaio: random numbers and argument blocks. */
static long do_ioctl(struct thread *t)
{
	struct rng *r = &t->rng;
	struct rec *c = t->cur;
	static const unsigned long known[] = {
		KAIO_IOC_VERSION, KAIO_IOC_SETUP, KAIO_IOC_DESTROY, KAIO_IOC_SUBMIT, KAIO_IOC_CANCEL,
		KAIO_IOC_GETEVENTS, KAIO_IOC_PGETEVENTS, KAIO_IOC_GETEVENTS_TIME32,
		KAIO_IOC_PGETEVENTS_TIME32,
	};
	uint64_t blk[16];
	unsigned long req;
	unsigned int nr;
	int fd = chance(r, 50) ? kaio_device_fd() : pool[FD_KAIO];
	enum pk k = pick_pk(r, 85);
	uint64_t arg;

	switch (below(r, 5)) {
	case 0:
	case 1:
		req = PICK(r, known);
		break;
	case 2:		/* a known number with another size or direction */
		req = PICK(r, known);
		req = _IOC(below(r, 4), KAIO_IOC_MAGIC, _IOC_NR(req),
			   chance(r, 50) ? _IOC_SIZE(req) : below(r, 80));
		break;
	case 3:
		req = _IOC(below(r, 4), KAIO_IOC_MAGIC, below(r, 256), below(r, 1 << 14));
		break;
	default:
		req = (unsigned int)rnd(r);
		break;
	}
	/*
	 * Never the requests the VFS serves itself on any file (FIFREEZE on
	 * devtmpfs, FICLONE, FIOASYNC...): only the module's surface is fuzzed.
	 */
	switch (_IOC_TYPE(req)) {
	case 'X': case 0x94: case 'f': case 0: case 'T': case 0x12: case 'v': case 0x15:
		req = _IOC(_IOC_TYPE(req) == 'T' ? _IOC_READ : _IOC_WRITE, KAIO_IOC_MAGIC + 1,
			   _IOC_NR(req), _IOC_SIZE(req));
		break;
	default:
		break;
	}
	for (int i = 0; i < 16; i++)
		blk[i] = chance(r, 50) ? (uint64_t)boundary(r) : rnd(r);
	nr = _IOC_NR(req);
	if (_IOC_TYPE(req) == KAIO_IOC_MAGIC && nr >= 0x11 && nr <= 0x18 && chance(r, 80)) {
		/* structured: a context, counts, pointers; sometimes a non-zero pad */
		blk[0] = pick_ctx(t);
		if (nr == 0x11) {
			blk[0] = below(r, 8) ? 1 + below(r, 64) : (uint64_t)boundary(r);
			if (below(r, 4))
				blk[0] &= 0xffffffffULL;
			blk[1] = place(t, A_CTXP, (const uint64_t[]){ 0 }, 8, pick_pk(r, 80), RO_ZERO, true);
		} else if (nr == 0x13) {
			blk[1] = below(r, 5);
			blk[2] = place(t, A_IOCBPP, NULL, 8, pick_pk(r, 60), RO_IOCBPP, true);
		} else {
			blk[1] = below(r, 3);
			blk[2] = below(r, 5);
			blk[3] = place(t, A_EVENTS, NULL, 64, pick_pk(r, 80), RO_ZERO, true);
			blk[4] = place(t, A_TS, NULL, 16, pick_pk(r, 60), RO_TS, true);
			blk[5] = place(t, A_USIG, NULL, 16, pick_pk(r, 60), RO_USIG, true);
		}
	}
	/*
	 * Whatever the request, the getevents layout (min_nr, nr, timeout at
	 * words 1, 2, 4) must not make the module sleep long.
	 */
	if ((int64_t)blk[1] > 0 && (int64_t)blk[1] <= (int64_t)blk[2]) {
		struct { int64_t s, ns; } ts = { 0, (int64_t)below(r, 2) * 1000000 };

		blk[4] = place(t, A_TS, &ts, sizeof(ts), PK_VALID, RO_TS, false);
	}
	/* the argument block itself */
	if (k == PK_VALID || k == PK_MISALIGNED || k == PK_STRADDLE)
		arg = place(t, A_ARG, blk, sizeof(blk), k, RO_ZERO, false);
	else
		arg = place(t, A_ARG, NULL, sizeof(blk), k, RO_ZERO, false);
	/* io_setup from a raw block: we may not know where ctx went; remember the place */
	c->a[0] = fd != kaio_device_fd();
	c->a[1] = req;
	c->a[2] = arg;
	c->a[3] = blk[0];
	c->a[4] = blk[1];
	c->a[5] = blk[2];
	c->cb.aio_data = blk[3];
	if (_IOC_TYPE(req) == KAIO_IOC_MAGIC && nr == 0x11 && (k == PK_VALID || k == PK_MISALIGNED)) {
		unsigned char *a = (unsigned char *)(uintptr_t)arg;
		uint64_t ctxp;
		aio_context_t before, after;
		long ret;

		memcpy(&ctxp, a + 8, 8);
		ctxp = (uintptr_t)ctxp;	/* where a module truncating the pointer would write */
		if (ctxp >= KAIO_PTR(t->area[A_CTXP]) &&
		    ctxp <= KAIO_PTR(t->area[A_CTXP] + t->area_len[A_CTXP] - sizeof(after)))
			memcpy(&before, (void *)(uintptr_t)ctxp, sizeof(before));
		else
			ctxp = 0;
		ret = ioctl(fd, req, (void *)(uintptr_t)arg);
		if (ret == 0 && ctxp) {
			memcpy(&after, (void *)(uintptr_t)ctxp, sizeof(after));
			if (after != before)
				adopt_ctx(after);
		}
		return ret;
	}
	return ioctl(fd, req, (void *)(uintptr_t)arg);
}

static uint64_t result_digest(struct thread *t, int op, long ret, int new_slot)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	switch (op) {
	case OP_SETUP:
		return ret == 0 ? (uint64_t)new_slot : hash_bytes(h, t->area[A_CTXP], 64);
	case OP_SUBMIT:
		h = hash_bytes(h, t->area[A_DATA], t->area_len[A_DATA]);
		/* the key the kernel writes back into each iocb */
		return hash_bytes(h, t->area[A_IOCB], t->area_len[A_IOCB]);
	case OP_CANCEL:
		return hash_bytes(h, t->area[A_RESULT], 64);
	case OP_GETEVENTS:
	case OP_PGETEVENTS:
	case OP_GETEVENTS32:
	case OP_PGETEVENTS32:
		return hash_bytes(h, t->area[A_EVENTS], t->area_len[A_EVENTS]);
	default:
		return 0;
	}
}

static int pick_op(struct rng *r)
{
	unsigned int k = (unsigned int)below(r, 100);

	if (k < 10)
		return OP_SETUP;
	if (k < 17)
		return OP_DESTROY;
	if (k < 45)
		return OP_SUBMIT;
	if (k < 52)
		return OP_CANCEL;
	if (k < 66)
		return OP_GETEVENTS;
	if (k < 76)
		return OP_PGETEVENTS;
	if (k < 82) {
		/* the _TIME32 requests; in diff mode only where i386 has the twin */
		if (diff_run ? aio_abi_is_32bit() && have_time32 : true)
			return k < 79 ? OP_GETEVENTS32 : OP_PGETEVENTS32;
		return OP_GETEVENTS;
	}
	if (k < 88)
		return OP_SCRIBBLE;
	return diff_run ? OP_SUBMIT : OP_IOCTL;
}

/* One call: generate, make it, check it, record it. */
static void one_call(struct thread *t)
{
	struct rec *c = &t->hist[t->nhist % HIST];
	int op = pick_op(&t->rng);
	aio_context_t ctx = 0;
	int new_slot = -1;
	unsigned long seq;
	long ret;
	long bound = -1;

	memset(c, 0, sizeof(*c));
	c->op = op;
	c->ctx_kind = CTX_ZERO;
	t->cur = c;
	t->nhist++;
	if (op == OP_GETEVENTS32 || op == OP_PGETEVENTS32) {
		/* the i386 time32 calls are the native twin; kaio needs TIME32 */
		if (!have_time32 && (opt.backend == &aio_backend_kaio || diff_run))
			op = c->op = OP_GETEVENTS;
	}
	if (op != OP_SETUP && op != OP_IOCTL)
		ctx = pick_ctx(t);
	errno = 0;
	switch (op) {
	case OP_SETUP:
		ret = do_setup(t, &new_slot);
		break;
	case OP_DESTROY:
		seq = atomic_load(&adopt_seq);
		ret = opt.backend->io_destroy(ctx);
		if (ret == 0)
			forget_ctx(ctx, seq);
		break;
	case OP_SUBMIT:
		ret = do_submit(t, ctx);
		bound = c->a[0] > 16 ? 16 : (long)c->a[0];
		break;
	case OP_CANCEL:
		ret = do_cancel(t, ctx);
		bound = 0;
		break;
	case OP_SCRIBBLE:
		ret = do_scribble(t, ctx);
		if (ret == -2) {
			ret = -1;
			errno = EFAULT;
		}
		break;
	case OP_IOCTL:
		ret = do_ioctl(t);
		break;
	default:
		ret = do_getevents(t, ctx, op);
		bound = (long)c->a[1] < 0 ? 0 : (long)c->a[1];
		break;
	}
	c->ret = ret;
	c->err = ret < 0 ? errno : 0;
	c->done = true;
	if (diff_run)
		c->digest = result_digest(t, op, ret, new_slot);
	if (opt.replay) {
		char d[900];

		format_rec(c, d, sizeof(d));
		fprintf(stderr, "fuzz: %s\n", d);
	}
	t->calls++;
	atomic_fetch_add_explicit(&t->progress, 1, memory_order_relaxed);
	if (op != OP_IOCTL && op != OP_SCRIBBLE)
		check_result(t, bound);
	else if (op == OP_IOCTL && c->ret < -1)
		check_result(t, -1);
}

/* ------------------------------------------------------------------ */
/* random mode                                                         */

static void *thread_main(void *arg)
{
	struct thread *t = arg;

	self = t;
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		if (opt.calls && atomic_fetch_add(&total_calls, 1) >= opt.calls) {
			atomic_store(&stop, true);
			break;
		}
		one_call(t);
	}
	return NULL;
}

static bool backend_usable(void)
{
	char why[256];

	if (!opt.backend->serves(AIO_OP_SETUP, why, sizeof(why))) {
		printf("fuzz: SKIP %s\n", why);
		return false;
	}
	if (opt.backend == &aio_backend_kaio || opt.mode == MODE_DIFF) {
		struct kaio_version v;

		if (kaio_get_version(&v) == 0)
			have_time32 = (v.features & KAIO_FEAT_TIME32) != 0;
	}
	return true;
}

static int read_nr(const struct aio_backend *b, unsigned long *out)
{
	if (b->nr_in_use(out)) {
		*out = 0;
		return -1;
	}
	return 0;
}

/* aio-nr back at @base, allowing for deferred frees (up to 10 s). */
static void check_nr(const struct aio_backend *b, unsigned long base)
{
	unsigned long now = 0;

	for (int i = 0; i < 200; i++) {
		if (read_nr(b, &now) || now == base)
			return;
		sleep_ms(50);
	}
	fail("%s aio-nr is %lu after the run, %lu before", b->name, now, base);
}

static void init_threads(int n)
{
	for (int i = 0; i < n; i++) {
		threads[i].id = i;
		threads[i].rng.s = mix64(opt.seed ^ mix64((uint64_t)(i + opt.as_thread) + 1));
		thread_areas(&threads[i]);
	}
}

static int run_random(void)
{
	double start = now_sec(), deadline = start + opt.duration;
	unsigned long long last[MAX_THREADS] = { 0 };
	double last_change[MAX_THREADS];
	bool hung = false;

	pool_open();
	init_threads(opt.threads);
	{
		for (int i = 0; i < opt.threads; i++) {
			last_change[i] = start;
			if (pthread_create(&threads[i].tid, NULL, thread_main, &threads[i])) {
				fprintf(stderr, "fuzz: pthread_create failed\n");
				exit(1);
			}
		}
		while (!atomic_load(&stop)) {
			double now;

			sleep_ms(100);
			now = now_sec();
			if (opt.duration > 0 && now >= deadline)
				atomic_store(&stop, true);
			for (int i = 0; i < opt.threads; i++) {
				unsigned long long p = atomic_load(&threads[i].progress);

				if (p != last[i]) {
					last[i] = p;
					last_change[i] = now;
				} else if (now - last_change[i] > HANG_SEC && !hung) {
					hung = true;
					fail("thread %d made no progress for %d s (a call hangs)",
					     i, HANG_SEC);
					dump_all();
					fflush(NULL);
					_exit(1);
				}
			}
		}
		for (int i = 0; i < opt.threads; i++)
			pthread_join(threads[i].tid, NULL);
		total_calls = 0;
		for (int i = 0; i < opt.threads; i++)
			total_calls += threads[i].calls;
	}
	self = &threads[0];	/* the guard of ring_restore() */
	destroy_all();
	pool_close();
	printf("fuzz: mode=random backend=%s abi=%s seconds=%.1f calls=%llu divergences=0\n",
	       opt.backend->name, abi_name(), now_sec() - start, (unsigned long long)total_calls);
	return atomic_load(&failures) ? 1 : 0;
}

/*
 * The random run in a child process, aio-nr checked after it has exited:
 * contexts the bookkeeping lost track of (a raw KAIO_IOC_SETUP that wrote
 * its id somewhere unexpected, a ring header forged for good) are the
 * process's to leak while it lives, but none may outlive it.
 */
static int run_random_process(void)
{
	unsigned long base;
	int status, rc;
	pid_t pid;

	read_nr(opt.backend, &base);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		rc = run_random();
		fflush(NULL);
		_exit(rc);
	}
	if (waitpid(pid, &status, 0) != pid)
		return 1;
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
	if (!WIFEXITED(status))
		fail("the random run died of signal %d", WTERMSIG(status));
	check_nr(opt.backend, base);
	return atomic_load(&failures) ? 1 : rc;
}

/* ------------------------------------------------------------------ */
/* diff mode                                                           */

struct drec {
	struct rec rec;
	int valid;
};

/*
 * One side of a round, in a child: @n calls from @seed on @b into @out.
 * Returns (as exit status) 0, or 1 on a failure of the side itself.
 */
static int diff_side(const struct aio_backend *b, uint64_t seed, unsigned int n, struct drec *out)
{
	struct thread *t = &threads[0];
	unsigned long base;

	opt.backend = b;
	kaio_device_fd();	/* the same fds on both sides */
	read_nr(b, &base);
	pool_open();
	t->rng.s = mix64(seed ^ mix64(1));
	t->calls = 0;
	t->nhist = 0;
	self = t;
	for (unsigned int i = 0; i < n; i++) {
		one_call(t);
		out[i].rec = *t->cur;
		out[i].valid = 1;
		if (atomic_load(&failures))
			break;
	}
	destroy_all();
	pool_close();
	check_nr(b, base);
	return atomic_load(&failures) ? 1 : 0;
}

static bool rec_equal(const struct rec *a, const struct rec *b)
{
	return a->op == b->op && a->ret == b->ret && a->err == b->err && a->digest == b->digest;
}

/*
 * Reap a diff side, or kill it once it has run HANG_SEC seconds (a call
 * that waits forever on one backend): 0, or -1 if it hung.
 */
static int wait_side(pid_t pid, int *status)
{
	double give_up = now_sec() + HANG_SEC;

	for (;;) {
		pid_t got = waitpid(pid, status, WNOHANG);

		if (got == pid)
			return 0;
		if (got < 0 && errno != EINTR) {
			perror("fuzz: waitpid");
			return -1;
		}
		if (now_sec() > give_up) {
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			return -1;
		}
		sleep_ms(10);
	}
}

static int run_diff(void)
{
	double start = now_sec(), deadline = start + opt.duration;
	size_t len = sizeof(struct drec) * ROUND_CALLS;
	struct drec *side[2];
	const struct aio_backend *bs[2] = { &aio_backend_native, &aio_backend_kaio };
	unsigned long long calls = 0;
	unsigned int divergences = 0;
	int status = 0;

	diff_run = true;
	opt.threads = 1;
	for (int s = 0; s < 2; s++) {
		side[s] = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (side[s] == MAP_FAILED) {
			perror("fuzz: mmap");
			return 1;
		}
	}
	init_threads(1);
	for (uint64_t round = 0;; round++) {
		uint64_t seed = round ? mix64(opt.seed + round) : opt.seed;
		unsigned int n = ROUND_CALLS;
		int st[2];

		if (opt.calls) {
			if (calls >= opt.calls)
				break;
			if (opt.calls - calls < n)
				n = (unsigned int)(opt.calls - calls);
		} else if (now_sec() >= deadline) {
			break;
		}
		for (int s = 0; s < 2; s++) {
			pid_t pid;

			memset(side[s], 0, len);
			fflush(NULL);
			pid = fork();
			if (pid < 0) {
				perror("fuzz: fork");
				return 1;
			}
			if (pid == 0)
				_exit(diff_side(bs[s], seed, n, side[s]));
			if (wait_side(pid, &st[s])) {
				unsigned int i = 0;

				while (i < n && side[s][i].valid)
					i++;
				fail("diff round %" PRIu64 " (round seed %" PRIu64 "): the %s side made no"
				     " progress for %d s at call #%u; replay: kaio-fuzz%s --mode diff"
				     " --seed %" PRIu64 " --calls %u --replay", round, seed, bs[s]->name,
				     HANG_SEC, i, aio_abi_is_32bit() ? "_32" : "", seed, i + 1);
				return 1;
			}
		}
		for (int s = 0; s < 2; s++) {
			if (!WIFEXITED(st[s]) || WEXITSTATUS(st[s])) {
				fprintf(stderr, "fuzz: FAIL: diff round %" PRIu64 " (seed %" PRIu64
					"): the %s side %s %d\n", round, seed, bs[s]->name,
					WIFEXITED(st[s]) ? "exited with" : "was killed by signal",
					WIFEXITED(st[s]) ? WEXITSTATUS(st[s]) : WTERMSIG(st[s]));
				status = 1;
			}
		}
		for (unsigned int i = 0; i < n; i++) {
			char d0[900], d1[900];

			if (!side[0][i].valid || !side[1][i].valid)
				break;
			calls += 2;
			if (rec_equal(&side[0][i].rec, &side[1][i].rec))
				continue;
			divergences++;
			format_rec(&side[0][i].rec, d0, sizeof(d0));
			format_rec(&side[1][i].rec, d1, sizeof(d1));
			printf("fuzz: DIVERGENCE abi=%s seed %" PRIu64 " round %" PRIu64
			       " (round seed %" PRIu64 ") call #%u\n"
			       "fuzz:   native: %s digest=%016" PRIx64 "\n"
			       "fuzz:   kaio:   %s digest=%016" PRIx64 "\n"
			       "fuzz:   replay: kaio-fuzz%s --mode diff --seed %" PRIu64 " --calls %u\n",
			       abi_name(), opt.seed, round, seed, i, d0, side[0][i].rec.digest, d1,
			       side[1][i].rec.digest, aio_abi_is_32bit() ? "_32" : "", seed, i + 1);
			/* the calls before it on one side, for context */
			for (unsigned int j = i > 6 ? i - 6 : 0; j < i; j++) {
				format_rec(&side[0][j].rec, d0, sizeof(d0));
				printf("fuzz:     #%u %s\n", j, d0);
			}
			break;
		}
		if (divergences || status)
			break;
	}
	printf("fuzz: mode=diff backend=native+kaio abi=%s seconds=%.1f calls=%llu divergences=%u\n",
	       abi_name(), now_sec() - start, calls, divergences);
	return divergences || status ? 1 : 0;
}

/* ------------------------------------------------------------------ */

static void usage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: kaio-fuzz [--mode random|diff] [--backend kaio|native] [--duration SEC]\n"
		"                 [--calls N] [--seed N] [--threads N] [--replay] [--dir DIR]\n"
		"                 [--as-thread N]\n");
	exit(status);
}

int main(int argc, char **argv)
{
	bool seeded = false;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			usage(0);
		if (!strcmp(a, "--replay")) {
			opt.replay = true;
			continue;
		}
		if (!v)
			usage(2);
		i++;
		if (!strcmp(a, "--mode")) {
			if (!strcmp(v, "random"))
				opt.mode = MODE_RANDOM;
			else if (!strcmp(v, "diff"))
				opt.mode = MODE_DIFF;
			else
				usage(2);
		} else if (!strcmp(a, "--backend")) {
			if (!strcmp(v, "kaio"))
				opt.backend = &aio_backend_kaio;
			else if (!strcmp(v, "native"))
				opt.backend = &aio_backend_native;
			else
				usage(2);
		} else if (!strcmp(a, "--duration")) {
			opt.duration = strtod(v, NULL);
		} else if (!strcmp(a, "--calls")) {
			opt.calls = strtoull(v, NULL, 0);
		} else if (!strcmp(a, "--seed")) {
			opt.seed = strtoull(v, NULL, 0);
			seeded = true;
		} else if (!strcmp(a, "--threads")) {
			opt.threads = atoi(v);
		} else if (!strcmp(a, "--as-thread")) {
			opt.as_thread = atoi(v);
		} else if (!strcmp(a, "--dir")) {
			opt.dir = v;
		} else {
			usage(2);
		}
	}
	if (opt.threads < 1 || opt.threads > MAX_THREADS)
		usage(2);
	if (opt.replay)
		opt.threads = 1;
	if (!opt.calls && opt.duration <= 0)
		opt.duration = 10;
	if (!seeded) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		opt.seed = mix64((uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 20 ^ (uint64_t)getpid());
		opt.seed %= 1000000000000ULL;
	}
	page_size = sysconf(_SC_PAGESIZE);
	install_signals();
	{
		struct rlimit rl = { FSIZE_LIMIT, FSIZE_LIMIT };

		setrlimit(RLIMIT_FSIZE, &rl);
	}
	printf("fuzz: seed %" PRIu64 " mode=%s abi=%s\n", opt.seed,
	       opt.mode == MODE_DIFF ? "diff" : "random", abi_name());
	init_ro_page();
	if (opt.mode == MODE_DIFF) {
		const struct aio_backend *b = opt.backend;

		opt.backend = &aio_backend_native;
		if (!backend_usable())
			return 77;
		opt.backend = &aio_backend_kaio;
		if (!backend_usable())
			return 77;
		opt.backend = b;
		return run_diff();
	}
	if (!backend_usable())
		return 77;
	return run_random_process();
}
