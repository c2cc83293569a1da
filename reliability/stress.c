// SPDX-License-Identifier: GPL-2.0
/*
 * kaio-stress: a randomized, self-verifying load on the six AIO calls, run
 * against /dev/kaio or, as the control, against the kernel's own AIO.
 *
 *   kaio-stress [--backend native|kaio] [--duration SEC] [--seed N]
 *               [--threads N] [--procs N] [--quiet]
 *
 * The main process keeps --procs worker processes alive until the
 * duration is over, replacing each one when it ends its (random, a few
 * seconds long) life; every worker runs --threads threads that pick
 * operations at random, plus one helper thread.  A worker owns up to
 * NCTX contexts, each shared by all of its threads:
 *
 *   io_setup with a random nr_events; io_submit of batches mixing PREAD,
 *   PWRITE, PREADV, PWRITEV, FSYNC, FDSYNC and POLL (on pipes and eventfds
 *   the helper makes readable now and then), some with IOCB_FLAG_RESFD,
 *   IOCB_FLAG_IOPRIO or RWF_HIPRI/DSYNC/SYNC; io_getevents and
 *   io_pgetevents (with or without a signal mask) with random min_nr, nr
 *   and timeouts (zero, a few ms, NULL where every awaited event is sure
 *   to come), interrupted now and then by the helper's SIGUSR1 (EINTR);
 *   reaping straight from the ring; io_cancel of polls (and of requests
 *   that cannot be cancelled); io_destroy while other threads still
 *   submit and reap on the context; a clean retirement (drain, verify,
 *   destroy); mprotect of a ring to read-only (every call still works) or
 *   PROT_NONE (every call fails with EINVAL: a context is found by reading
 *   its ring's id), mremap and munmap of a ring; fork with
 *   I/O in flight (the child checks it cannot use its parent's contexts,
 *   makes its own and exits or execs with I/O in flight); move_pages(2) of
 *   ring pages between NUMA nodes 0 and 1 and /proc/sys/vm/compact_memory
 *   (helper); dup2 over the files under I/O and closing poll sources with
 *   polls pending on them (helper).
 *
 * Verification.  Every request carries a tag in aio_data (worker, context
 * slot, context generation, serial) and is entered in its context's table
 * before io_submit (requests io_submit did not take are removed again).
 * Every event must name a request of the context it was reaped from, with
 * obj its iocb, res what its opcode gives (the block size for reads and
 * writes, 0 for syncs, a POLLIN/POLLHUP mask for polls, 0 for a poll only
 * if somebody tried to cancel it), and a read must return the pattern of
 * the last write to its block (a block is claimed by one request at a
 * time).  An event is removed from the table when verified: a second one
 * is an unknown tag.  A context that survives until it is retired (or the
 * worker ends) is drained with its pending polls cancelled, and its table
 * must then be empty and its RESFD eventfd must have counted exactly its
 * RESFD events.  Events of a context destroyed or unmapped under other
 * threads are not expected (its requests are forgotten, the blocks they
 * wrote become unknown), but every call on it must fail with EINVAL and
 * nothing may crash.  Each worker reads every known block back with
 * pread(2) before it ends.  At the end the backend's aio-nr must be back
 * at its value before the run.
 *
 * A drain waits without timeout only for events that must come; a
 * watchdog ends a worker whose drain saw no event for a minute, listing
 * the requests still in flight.
 *
 * Contexts are addresses: to keep a dead context's address from being
 * handed to a new one while a thread may still use the old id, io_setup
 * and mremap wait (skip) while any dead context still has users.
 *
 * Output: statistics and a result line "stress: backend=... errors=N";
 * exit status 0 only when nothing failed (77: the backend is unusable).
 * KAIO_STRESS_DEBUG set: each worker also says how long after its
 * deadline it ended (the run must end close to --duration).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "aio_backend.h"
#include "aio_test_util.h"

#ifndef MPOL_MF_MOVE
#define MPOL_MF_MOVE	(1 << 1)
#endif

enum {
	NCTX = 4,		/* context slots per worker */
	NFILES = 3,		/* tmpfs files per worker */
	NBLOCKS = 32,		/* blocks per file */
	BLOCK = 4096,
	NSRC = 6,		/* poll sources per worker (pipes and eventfds) */
	MAX_BATCH = 16,
	MAX_THREADS = 16,
	MAX_PROCS = 16,
	HASH = 256,
	MAX_MSGS = 20,		/* error messages printed per worker */
};

/* ------------------------------------------------------------------ */
/* Statistics, shared by all processes                                  */

enum counter {
	S_SETUP, S_SETUP_FAIL, S_DESTROY, S_DESTROY_BUSY, S_RETIRE, S_SUBMIT, S_SUBMIT_EAGAIN,
	S_REQS, S_GETEVENTS, S_PGETEVENTS, S_USER_REAP, S_CANCEL, S_CANCEL_HIT, S_EVENTS,
	S_EVENTS_DEAD, S_MPROTECT, S_MREMAP, S_MUNMAP, S_FORK, S_EXEC, S_MOVE_PAGES,
	S_COMPACT, S_DUP2, S_CLOSE_SRC, S_SIGNAL, S_EINTR, S_READBACK, S_RESFD, S_CALLS, S_WORKERS,
	S_ERRORS,
	S_NR
};

static const char *const stat_names[S_NR] = {
	"setup", "setup_fail", "destroy", "destroy_inuse", "retire", "submit", "submit_eagain",
	"submitted", "getevents", "pgetevents", "user_reap", "cancel", "cancel_inprogress",
	"verified", "unverified_dead", "mprotect", "mremap", "munmap", "fork", "exec",
	"move_pages", "compact", "dup2", "close_src", "signal", "eintr", "readback", "resfd",
	"calls", "workers",
	"errors",
};

struct shared {
	atomic_long st[S_NR];
};

static struct shared *sh;

static void count(enum counter s, long n)
{
	atomic_fetch_add_explicit(&sh->st[s], n, memory_order_relaxed);
}

/* ------------------------------------------------------------------ */
/* Small helpers                                                        */

static const struct aio_backend *B;
static int opt_quiet;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static struct __kernel_timespec kts_ms(long ms)
{
	struct __kernel_timespec ts = { ms / 1000, (ms % 1000) * 1000000LL };

	return ts;
}

/* xorshift64*: a per-thread generator. */
struct rng {
	unsigned long long s;
};

static void rng_seed(struct rng *r, unsigned long long seed)
{
	r->s = seed * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull;
	if (!r->s)
		r->s = 1;
}

static unsigned int rnd(struct rng *r, unsigned int n)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return n ? (unsigned int)((r->s * 0x2545f4914f6cdd1dull) >> 33) % n : 0;
}

/* The pattern of write @wtag at byte i of a block (wtag 0: zeroes, never written). */
static unsigned char pat(unsigned int wtag, size_t i)
{
	return wtag ? (unsigned char)(wtag * 167u + i * 13u + (i >> 9) + 1) : 0;
}

static void fill(unsigned char *buf, unsigned int wtag)
{
	for (size_t i = 0; i < BLOCK; i++)
		buf[i] = pat(wtag, i);
}

static long first_bad(const unsigned char *buf, unsigned int wtag)
{
	for (size_t i = 0; i < BLOCK; i++)
		if (buf[i] != pat(wtag, i))
			return (long)i;
	return -1;
}

/* Size of the mapping that starts exactly at @addr (0 if none). */
static unsigned long mapping_size(unsigned long addr)
{
	char line[512];
	unsigned long size = 0;
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long start, end;

		if (sscanf(line, "%lx-%lx", &start, &end) == 2 && start == addr) {
			size = end - start;
			break;
		}
	}
	fclose(f);
	return size;
}

/* ------------------------------------------------------------------ */
/* A worker's state                                                     */

enum kind { K_PREAD, K_PWRITE, K_PREADV, K_PWRITEV, K_FSYNC, K_FDSYNC, K_POLL, K_NR };
static const char *const kind_names[K_NR] = {
	"pread", "pwrite", "preadv", "pwritev", "fsync", "fdsync", "poll"
};

struct req {
	struct req *next;	/* in its context's hash chain */
	unsigned int serial;
	int refs;		/* the table's, plus a canceller's (under the table lock) */
	bool in_table;
	enum kind kind;
	int file, block;	/* reads and writes: the claimed block */
	unsigned int wtag;	/* write: what it writes; read: what it must find */
	bool resfd;
	atomic_int cancel_tried;
	struct iocb cb;
	struct iovec iov[4];
	unsigned char buf[BLOCK];
};

enum cstate { C_EMPTY, C_LIVE, C_DEAD };

struct sctx {
	pthread_mutex_t lock;	/* state, users, gen, the table */
	pthread_rwlock_t use;	/* read: calls on id; write: exclusive (ring access, remap) */
	enum cstate state;
	int users;		/* threads holding this context */
	int prot;		/* the ring's protection, changed under the write lock */
	unsigned int gen;
	aio_context_t id;
	unsigned int nr_events;
	unsigned long map_size;
	int efd;		/* RESFD eventfd */
	long resfd_expected;	/* RESFD events verified */
	unsigned int next_serial;
	long in_table;
	long polls_pending;	/* polls in the table */
	struct req *hash[HASH];
};

struct block {
	atomic_int claimed;
	unsigned int wtag;	/* what it holds */
	bool known;		/* false: a write of a dead context may or may not have happened */
};

struct src {
	pthread_rwlock_t lock;	/* read: using the fds; write: recycling them */
	bool is_pipe;
	int rfd, wfd;		/* eventfd: both the same */
};

struct worker {
	int index;
	unsigned long long seed;
	long long deadline;
	atomic_int stop;
	atomic_long errors;
	atomic_int msgs;
	pthread_mutex_t addr_lock;	/* io_setup vs. dead contexts' addresses */
	int zombies;			/* dead contexts with users (under addr_lock) */
	struct sctx ctx[NCTX];
	int fd[NFILES];
	struct block blk[NFILES][NBLOCKS];
	struct src src[NSRC];
	atomic_int munmaps;
	atomic_int draining;		/* drains under way */
	long long start_ms;		/* now_ms() when the worker started */
	atomic_long last_event_ms;	/* ms since start_ms of the last event or drain start */
	atomic_uint next_wtag;
	bool numa;
	pthread_t threads[MAX_THREADS];
	pthread_mutex_t sig_lock;	/* nthreads_up: threads that may be signalled */
	int nthreads_up;
};

static struct worker W;

static void __attribute__((format(printf, 1, 2))) err(const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	atomic_fetch_add(&W.errors, 1);
	count(S_ERRORS, 1);
	if (atomic_fetch_add(&W.msgs, 1) >= MAX_MSGS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "stress: worker %d (pid %d): ERROR: %s\n", W.index, (int)getpid(), msg);
}

static void call_count(void)
{
	count(S_CALLS, 1);
}

/* ------------------------------------------------------------------ */
/* Contexts: users, death, and the address-reuse guard                  */

static unsigned long long tag_of(int slot, unsigned int gen, unsigned int serial)
{
	return ((unsigned long long)(W.index & 0xff) << 56) |
	       ((unsigned long long)slot << 52) |
	       ((unsigned long long)(gen & 0xfffff) << 32) | serial;
}

static void req_put_locked(struct req *r)
{
	if (--r->refs == 0)
		free(r);
}

/* Forget a dead context's requests (under c->lock, no users left). */
static void ctx_forget(struct sctx *c)
{
	for (int h = 0; h < HASH; h++) {
		struct req *r = c->hash[h], *next;

		for (; r; r = next) {
			next = r->next;
			if (r->kind == K_PWRITE || r->kind == K_PWRITEV)
				W.blk[r->file][r->block].known = false;
			if (r->kind <= K_PWRITEV)
				atomic_store(&W.blk[r->file][r->block].claimed, 0);
			count(S_EVENTS_DEAD, 1);
			r->in_table = false;
			req_put_locked(r);
		}
		c->hash[h] = NULL;
	}
	c->in_table = 0;
	c->polls_pending = 0;
	if (c->efd >= 0)
		close(c->efd);
	c->efd = -1;
	c->state = C_EMPTY;
}

static void ctx_put(struct sctx *c)
{
	pthread_rwlock_unlock(&c->use);
	pthread_mutex_lock(&c->lock);
	if (--c->users == 0 && c->state == C_DEAD) {
		ctx_forget(c);
		pthread_mutex_lock(&W.addr_lock);
		W.zombies--;
		pthread_mutex_unlock(&W.addr_lock);
	}
	pthread_mutex_unlock(&c->lock);
}

static bool ctx_is_dead(struct sctx *c)
{
	bool dead;

	pthread_mutex_lock(&c->lock);
	dead = c->state != C_LIVE;
	pthread_mutex_unlock(&c->lock);
	return dead;
}

/* Take a live context for calls on its id (NULL if the slot has none). */
static struct sctx *ctx_get(int slot, bool exclusive)
{
	struct sctx *c = &W.ctx[slot];

	pthread_mutex_lock(&c->lock);
	if (c->state != C_LIVE) {
		pthread_mutex_unlock(&c->lock);
		return NULL;
	}
	c->users++;
	pthread_mutex_unlock(&c->lock);
	if (!exclusive) {
		pthread_rwlock_rdlock(&c->use);
		return c;	/* it may die meanwhile: then its calls fail with EINVAL */
	}
	pthread_rwlock_wrlock(&c->use);
	/*
	 * It may have died before we got it; once we hold it exclusively,
	 * nobody else can kill it (killers hold it too), so its ring stays.
	 */
	if (ctx_is_dead(c)) {
		ctx_put(c);
		return NULL;
	}
	return c;
}

/* Mark a context dead (caller holds it): true for the one caller that did. */
static bool ctx_kill(struct sctx *c)
{
	bool won = false;

	pthread_mutex_lock(&c->lock);
	if (c->state == C_LIVE) {
		c->state = C_DEAD;
		won = true;
		pthread_mutex_lock(&W.addr_lock);
		W.zombies++;
		pthread_mutex_unlock(&W.addr_lock);
	}
	pthread_mutex_unlock(&c->lock);
	return won;
}

/* A call on the context failed: fine if it died meanwhile, else an error. */
static void ctx_call_failed(struct sctx *c, const char *call)
{
	int e = errno;

	/*
	 * Dead, or its ring is not readable: every call finds a context by
	 * reading the ring's id from user memory, and fails with EINVAL.
	 */
	if (e == EINVAL && (ctx_is_dead(c) || !(c->prot & PROT_READ)))
		return;
	err("%s on live ctx %#lx: %s", call, (unsigned long)c->id, strerror(e));
}

static void op_setup(struct rng *r)
{
	static const unsigned int sizes[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256, 512 };
	int slot = (int)rnd(r, NCTX);
	struct sctx *c = &W.ctx[slot];
	unsigned int nr = sizes[rnd(r, 10)] + rnd(r, 8);
	aio_context_t id = 0;
	long ret;

	pthread_mutex_lock(&c->lock);
	if (c->state != C_EMPTY) {
		pthread_mutex_unlock(&c->lock);
		return;
	}
	pthread_mutex_lock(&W.addr_lock);
	if (W.zombies) {
		pthread_mutex_unlock(&W.addr_lock);
		pthread_mutex_unlock(&c->lock);
		return;
	}
	call_count();
	ret = B->io_setup(nr, &id);
	pthread_mutex_unlock(&W.addr_lock);
	if (ret) {
		/* EAGAIN: the system-wide limit (others' rings count too). */
		if (errno != EAGAIN)
			err("io_setup(%u): %s", nr, strerror(errno));
		count(S_SETUP_FAIL, 1);
		pthread_mutex_unlock(&c->lock);
		return;
	}
	c->id = id;
	c->nr_events = nr;
	c->gen++;
	c->next_serial = 1;
	c->in_table = c->polls_pending = 0;
	c->resfd_expected = 0;
	c->prot = PROT_READ | PROT_WRITE;
	c->map_size = mapping_size((unsigned long)id);
	c->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->efd < 0)
		err("eventfd: %s", strerror(errno));
	{
		struct kaio_ring *ring = (struct kaio_ring *)(uintptr_t)id;

		if (!c->map_size || ring->magic != KAIO_RING_MAGIC || ring->nr < nr ||
		    ring->head != 0 || ring->tail != 0 ||
		    ring->header_length != sizeof(struct kaio_ring))
			err("io_setup(%u): ring %#lx: size %lu magic %#x nr %u head %u tail %u",
			    nr, (unsigned long)id, c->map_size, ring->magic, ring->nr, ring->head,
			    ring->tail);
	}
	c->state = C_LIVE;
	pthread_mutex_unlock(&c->lock);
	count(S_SETUP, 1);
}

/* ------------------------------------------------------------------ */
/* Events                                                               */

static struct req *table_find_locked(struct sctx *c, unsigned int serial, bool unlink)
{
	struct req **pp = &c->hash[serial % HASH];

	for (; *pp; pp = &(*pp)->next) {
		struct req *r = *pp;

		if (r->serial != serial)
			continue;
		if (unlink) {
			*pp = r->next;
			r->next = NULL;
			r->in_table = false;
			c->in_table--;
			if (r->kind == K_POLL)
				c->polls_pending--;
		}
		return r;
	}
	return NULL;
}

static void table_add_locked(struct sctx *c, struct req *r)
{
	struct req **head = &c->hash[r->serial % HASH];

	r->next = *head;
	*head = r;
	r->in_table = true;
	r->refs = 2;	/* the table's, and the submitter's until io_submit is judged */
	c->in_table++;
	if (r->kind == K_POLL)
		c->polls_pending++;
}

/* Check one event reaped from @c (held by the caller). */
static void check_event(struct sctx *c, int slot, const struct io_event *e)
{
	unsigned long long tag = e->data;
	struct req *r;
	long long want;

	pthread_mutex_lock(&c->lock);
	if ((int)(tag >> 56) != (W.index & 0xff) || (int)((tag >> 52) & 0xf) != slot ||
	    ((tag >> 32) & 0xfffff) != (c->gen & 0xfffff)) {
		pthread_mutex_unlock(&c->lock);
		err("ctx %#lx (slot %d gen %u): event with a foreign tag %#llx res %lld",
		    (unsigned long)c->id, slot, c->gen, tag, (long long)e->res);
		return;
	}
	r = table_find_locked(c, (unsigned int)tag, true);
	if (!r) {
		pthread_mutex_unlock(&c->lock);
		err("ctx %#lx: event %#llx (res %lld) matches no request in flight "
		    "(duplicate or never submitted)", (unsigned long)c->id, tag, (long long)e->res);
		return;
	}
	if (r->resfd)
		c->resfd_expected++;
	pthread_mutex_unlock(&c->lock);

	if (e->obj != (unsigned long long)(uintptr_t)&r->cb)
		err("event %#llx: obj %#llx, its iocb is %p", tag, (unsigned long long)e->obj,
		    (void *)&r->cb);
	if (e->res2 != 0)
		err("event %#llx (%s): res2 %lld", tag, kind_names[r->kind], (long long)e->res2);
	switch (r->kind) {
	case K_POLL: {
		const long long ok = POLLIN | POLLRDNORM | POLLHUP | POLLERR;

		if (e->res == 0 ? !atomic_load(&r->cancel_tried) :
		    (e->res & ~ok) || !(e->res & (POLLIN | POLLHUP)))
			err("poll %#llx: res %#llx%s", tag, (unsigned long long)e->res,
			    atomic_load(&r->cancel_tried) ? " (cancel tried)" : " (never cancelled)");
		break;
	}
	case K_FSYNC:
	case K_FDSYNC:
		if (e->res != 0)
			err("%s %#llx: res %lld", kind_names[r->kind], tag, (long long)e->res);
		break;
	default:
		want = BLOCK;
		if (e->res != want) {
			err("%s %#llx (file %d block %d): res %lld, expected %lld",
			    kind_names[r->kind], tag, r->file, r->block, (long long)e->res, want);
			/* What the block holds is now unknown. */
			W.blk[r->file][r->block].known = false;
		} else if (r->kind == K_PREAD || r->kind == K_PREADV) {
			long bad = first_bad(r->buf, r->wtag);

			if (bad >= 0)
				err("%s %#llx (file %d block %d): byte %ld is %#x, write %u put %#x",
				    kind_names[r->kind], tag, r->file, r->block, bad, r->buf[bad],
				    r->wtag, pat(r->wtag, (size_t)bad));
		} else {
			W.blk[r->file][r->block].wtag = r->wtag;
			W.blk[r->file][r->block].known = true;
		}
		atomic_store_explicit(&W.blk[r->file][r->block].claimed, 0, memory_order_release);
	}
	count(S_EVENTS, 1);
	atomic_store_explicit(&W.last_event_ms, (long)(now_ms() - W.start_ms),
			      memory_order_relaxed);
	pthread_mutex_lock(&c->lock);
	req_put_locked(r);
	pthread_mutex_unlock(&c->lock);
}

/* io_getevents or io_pgetevents with random arguments: events reaped, or -1. */
static long reap_call(struct rng *r, struct sctx *c, int slot, bool pget, long min_nr, long nr,
		      long timeout_ms)
{
	struct io_event ev[64];
	struct __kernel_timespec ts = kts_ms(timeout_ms);
	struct kaio_sigset usig;
	sigset_t mask;
	long got;

	if (nr > 64)
		nr = 64;
	if (min_nr > nr)
		min_nr = nr;
	call_count();
	if (pget) {
		count(S_PGETEVENTS, 1);
		sigemptyset(&mask);
		sigaddset(&mask, SIGUSR2);
		if (rnd(r, 2))
			sigaddset(&mask, SIGUSR1);	/* the helper's: no EINTR then */
		usig.sigmask = &mask;
		usig.sigsetsize = AIO_KERNEL_SIGSET_SIZE;
		got = B->io_pgetevents(c->id, min_nr, nr, ev, timeout_ms < 0 ? NULL : &ts,
				       rnd(r, 2) ? &usig : NULL);
	} else {
		count(S_GETEVENTS, 1);
		got = B->io_getevents(c->id, min_nr, nr, ev, timeout_ms < 0 ? NULL : &ts);
	}
	if (got < 0 && errno == EINTR) {
		/* The helper's SIGUSR1 ran its handler: nothing was consumed. */
		count(S_EINTR, 1);
		return 0;
	}
	if (got < 0)
		return -1;
	if (got > nr) {
		err("io_%sgetevents(min %ld, nr %ld): %ld events", pget ? "p" : "", min_nr, nr, got);
		got = nr;
	}
	for (long i = 0; i < got; i++)
		check_event(c, slot, &ev[i]);
	return got;
}

/* Reap straight from the ring (the caller holds the context exclusively). */
static long user_reap(struct sctx *c, int slot, unsigned int max)
{
	struct kaio_ring *ring = (struct kaio_ring *)(uintptr_t)c->id;
	struct io_event *slots = (struct io_event *)(ring + 1);
	struct io_event ev[64];
	unsigned int nr, head, tail, got = 0;

	if (c->prot != (PROT_READ | PROT_WRITE))
		return 0;
	nr = ring->nr;
	head = __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE);
	tail = __atomic_load_n(&ring->tail, __ATOMIC_ACQUIRE);
	if (ring->magic != KAIO_RING_MAGIC || head >= nr || tail >= nr) {
		err("ring %#lx: magic %#x nr %u head %u tail %u", (unsigned long)c->id,
		    ring->magic, nr, head, tail);
		return -1;
	}
	if (max > 64)
		max = 64;
	while (head != tail && got < max) {
		ev[got++] = slots[head];
		head = (head + 1) % nr;
	}
	__atomic_store_n(&ring->head, head, __ATOMIC_RELEASE);
	count(S_USER_REAP, 1);
	for (unsigned int i = 0; i < got; i++)
		check_event(c, slot, &ev[i]);
	return got;
}

/* ------------------------------------------------------------------ */
/* Submission                                                           */

static bool claim_block(struct rng *r, int *file, int *block)
{
	for (int tries = 0; tries < 4; tries++) {
		int f = (int)rnd(r, NFILES), b = (int)rnd(r, NBLOCKS), zero = 0;

		if (atomic_compare_exchange_strong(&W.blk[f][b].claimed, &zero, 1)) {
			*file = f;
			*block = b;
			return true;
		}
	}
	return false;
}

static void release_block(struct req *q)
{
	if (q->kind <= K_PWRITEV)
		atomic_store(&W.blk[q->file][q->block].claimed, 0);
}

static void prep_rw(struct rng *r, struct req *q, int fd)
{
	const bool write = q->kind == K_PWRITE || q->kind == K_PWRITEV;
	const bool vec = q->kind == K_PREADV || q->kind == K_PWRITEV;
	struct iocb *cb = &q->cb;

	if (write) {
		q->wtag = atomic_fetch_add(&W.next_wtag, 1);
		fill(q->buf, q->wtag);
	} else {
		q->wtag = W.blk[q->file][q->block].wtag;
		memset(q->buf, 0xee, BLOCK);
	}
	cb->aio_fildes = (unsigned int)fd;
	cb->aio_offset = (long long)q->block * BLOCK;
	/* Per-request flags that change nothing a tmpfs file would show. */
	switch (rnd(r, 8)) {
	case 0:
		cb->aio_rw_flags = RWF_HIPRI;	/* dropped: nobody polls for AIO */
		break;
	case 1:
		cb->aio_rw_flags = write ? RWF_DSYNC : 0;
		break;
	case 2:
		cb->aio_rw_flags = write ? RWF_SYNC : 0;
		break;
	case 3:
		/* Best effort, level 4: allowed to anyone. */
		cb->aio_flags |= IOCB_FLAG_IOPRIO;
		cb->aio_reqprio = (2 << 13) | 4;
		break;
	}
	if (vec) {
		int n = 1 + (int)rnd(r, 4);
		size_t left = BLOCK, at = 0;

		for (int i = 0; i < n; i++) {
			/* At least one byte for each iovec still to come. */
			size_t most = left - (size_t)(n - 1 - i);
			size_t len = i == n - 1 ? left : 1 + rnd(r, (unsigned int)most);

			q->iov[i].iov_base = q->buf + at;
			q->iov[i].iov_len = len;
			at += len;
			left -= len;
		}
		cb->aio_lio_opcode = write ? IOCB_CMD_PWRITEV : IOCB_CMD_PREADV;
		cb->aio_buf = (unsigned long long)(uintptr_t)q->iov;
		cb->aio_nbytes = (unsigned long long)n;
	} else {
		cb->aio_lio_opcode = write ? IOCB_CMD_PWRITE : IOCB_CMD_PREAD;
		cb->aio_buf = (unsigned long long)(uintptr_t)q->buf;
		cb->aio_nbytes = BLOCK;
	}
}

static void op_submit(struct rng *r)
{
	int slot = (int)rnd(r, NCTX), nsrc = (int)rnd(r, NSRC);
	struct sctx *c = ctx_get(slot, false);
	struct req *reqs[MAX_BATCH];
	struct iocb *cbs[MAX_BATCH];
	struct src *s = &W.src[nsrc];
	int n = 1 + (int)rnd(r, rnd(r, 2) ? 4 : MAX_BATCH), made = 0;
	long ret;

	if (!c)
		return;
	pthread_rwlock_rdlock(&s->lock);
	for (int i = 0; i < n; i++) {
		struct req *q = calloc(1, sizeof(*q));
		enum kind k = (enum kind)rnd(r, K_NR);

		if (!q)
			break;
		if (k == K_POLL && c->polls_pending >= (long)c->nr_events / 4 + 1)
			k = K_PWRITE;
		q->kind = k;
		if (k <= K_PWRITEV) {
			if (!claim_block(r, &q->file, &q->block)) {
				free(q);
				continue;
			}
			/* Nothing known to read back: write instead. */
			if ((k == K_PREAD || k == K_PREADV) && !W.blk[q->file][q->block].known)
				q->kind = k == K_PREAD ? K_PWRITE : K_PWRITEV;
			prep_rw(r, q, W.fd[q->file]);
		} else if (k == K_FSYNC || k == K_FDSYNC) {
			q->cb.aio_lio_opcode = k == K_FSYNC ? IOCB_CMD_FSYNC : IOCB_CMD_FDSYNC;
			q->cb.aio_fildes = (unsigned int)W.fd[rnd(r, NFILES)];
		} else {
			q->cb.aio_lio_opcode = IOCB_CMD_POLL;
			q->cb.aio_fildes = (unsigned int)s->rfd;
			q->cb.aio_buf = POLLIN;
		}
		if (rnd(r, 4) == 0 && c->efd >= 0) {
			q->resfd = true;
			q->cb.aio_flags |= IOCB_FLAG_RESFD;
			q->cb.aio_resfd = (unsigned int)c->efd;
		}
		reqs[made] = q;
		cbs[made] = &q->cb;
		made++;
	}
	if (!made)
		goto out;
	/* Enter them before io_submit: another thread may reap them first. */
	pthread_mutex_lock(&c->lock);
	for (int i = 0; i < made; i++) {
		reqs[i]->serial = c->next_serial++;
		reqs[i]->cb.aio_data = tag_of(slot, c->gen, reqs[i]->serial);
		table_add_locked(c, reqs[i]);
	}
	pthread_mutex_unlock(&c->lock);

	call_count();
	count(S_SUBMIT, 1);
	ret = B->io_submit(c->id, made, cbs);
	if (ret < 0) {
		if (errno == EAGAIN)
			count(S_SUBMIT_EAGAIN, 1);
		else
			ctx_call_failed(c, "io_submit");
		ret = 0;
	} else if (ret > made) {
		err("io_submit of %d: %ld", made, ret);
		ret = made;
	}
	count(S_REQS, ret);
	/* Those not taken were never submitted: no event may come for them. */
	pthread_mutex_lock(&c->lock);
	for (int i = (int)ret; i < made; i++) {
		struct req *q = reqs[i];

		if (q->in_table) {
			table_find_locked(c, q->serial, true);
			release_block(q);
			req_put_locked(q);
		} else if (c->state == C_LIVE) {
			err("request %#llx not taken by io_submit, yet reaped",
			    (unsigned long long)q->cb.aio_data);
		}
	}
	for (int i = 0; i < made; i++)
		req_put_locked(reqs[i]);
	pthread_mutex_unlock(&c->lock);
out:
	pthread_rwlock_unlock(&s->lock);
	ctx_put(c);
}

/* ------------------------------------------------------------------ */
/* Reaping, cancelling, destroying                                      */

static void op_getevents(struct rng *r, bool pget)
{
	int slot = (int)rnd(r, NCTX);
	struct sctx *c = ctx_get(slot, false);
	long nr = 1 + (long)rnd(r, 64), min_nr = (long)rnd(r, (unsigned int)nr + 1);
	long timeout;

	if (!c)
		return;
	if (rnd(r, 2))
		min_nr = rnd(r, 2);
	switch (rnd(r, 4)) {
	case 0:
		timeout = 0;
		break;
	case 1:
		/* NULL with min_nr 0 returns at once (nothing else is sure to come). */
		timeout = -1;
		min_nr = 0;
		break;
	default:
		timeout = 1 + rnd(r, 20);
		break;
	}
	if (reap_call(r, c, slot, pget, min_nr, nr, timeout) < 0)
		ctx_call_failed(c, pget ? "io_pgetevents" : "io_getevents");
	ctx_put(c);
}

static void op_cancel(struct rng *r)
{
	int slot = (int)rnd(r, NCTX);
	struct sctx *c = ctx_get(slot, false);
	struct req *q = NULL;
	struct io_event result;
	unsigned char *rb = (unsigned char *)&result;
	long ret;

	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	/* A random request in flight, a poll if there is one near. */
	for (int tries = 0; tries < 8 && c->in_table; tries++) {
		struct req *p = c->hash[rnd(r, HASH)];

		for (; p; p = p->next) {
			q = p;
			if (p->kind == K_POLL)
				break;
		}
		if (q && q->kind == K_POLL)
			break;
	}
	if (q) {
		q->refs++;
		atomic_store(&q->cancel_tried, 1);
	}
	pthread_mutex_unlock(&c->lock);
	if (!q) {
		ctx_put(c);
		return;
	}
	memset(&result, 0xa5, sizeof(result));
	call_count();
	count(S_CANCEL, 1);
	ret = B->io_cancel(c->id, &q->cb, &result);
	if (ret == -1 && errno == EINPROGRESS) {
		count(S_CANCEL_HIT, 1);
		if (q->kind != K_POLL)
			err("io_cancel of a %s: EINPROGRESS", kind_names[q->kind]);
	} else if (ret == -1 && errno == EINVAL) {
		/* Completed already, or not cancellable, or the context died. */
	} else {
		err("io_cancel of a %s: %ld (%s)", kind_names[q->kind], ret,
		    ret ? strerror(errno) : "success");
	}
	for (size_t i = 0; i < sizeof(result); i++)
		if (rb[i] != 0xa5) {
			err("io_cancel wrote its result argument");
			break;
		}
	pthread_mutex_lock(&c->lock);
	req_put_locked(q);
	pthread_mutex_unlock(&c->lock);
	ctx_put(c);
}

/* io_destroy while the other threads go on using the context. */
static void op_destroy(struct rng *r)
{
	int slot = (int)rnd(r, NCTX);
	struct sctx *c = ctx_get(slot, false);
	long ret;

	if (!c)
		return;
	if (!(c->prot & PROT_READ)) {
		/* An unreadable ring: the context cannot be found (it lives on). */
		call_count();
		if (B->io_destroy(c->id) != -1 || errno != EINVAL)
			err("io_destroy of ctx %#lx with a PROT_NONE ring: not EINVAL",
			    (unsigned long)c->id);
	} else {
		int users = 0;

		/* Better with company: give the others a moment to come in. */
		for (int i = 0; i < 50; i++) {
			pthread_mutex_lock(&c->lock);
			users = c->users;
			pthread_mutex_unlock(&c->lock);
			if (users > 1)
				break;
			sched_yield();
		}
		if (!ctx_kill(c))
			goto out;
		call_count();
		ret = B->io_destroy(c->id);
		if (ret)
			err("io_destroy of ctx %#lx: %s", (unsigned long)c->id, strerror(errno));
		count(S_DESTROY, 1);
		if (users > 1)
			count(S_DESTROY_BUSY, 1);
		/* A second io_destroy is EINVAL (the address cannot be reused yet). */
		call_count();
		if (B->io_destroy(c->id) != -1 || errno != EINVAL)
			err("second io_destroy of ctx %#lx: not EINVAL", (unsigned long)c->id);
	}
out:
	ctx_put(c);
}

/*
 * Drain a context held exclusively: cancel its pending polls, reap until
 * its table is empty, then check its RESFD count.  false if events were
 * lost.
 */
static bool drain(struct rng *r, struct sctx *c, int slot)
{
	long long last = now_ms();

	/*
	 * Every poll in the table, whether or not somebody tried to cancel it
	 * before (that try may have failed: a PROT_NONE ring, say): cancelled
	 * now, or it completed and its event will come.  We hold the context
	 * exclusively, so nobody reaps and frees the records meanwhile.
	 */
	pthread_mutex_lock(&c->lock);
	for (int h = 0; h < HASH; h++) {
		for (struct req *q = c->hash[h]; q; q = q->next) {
			struct io_event result;
			long ret;

			if (q->kind != K_POLL)
				continue;
			atomic_store(&q->cancel_tried, 1);
			call_count();
			count(S_CANCEL, 1);
			ret = B->io_cancel(c->id, &q->cb, &result);
			if (ret == -1 && errno == EINPROGRESS)
				count(S_CANCEL_HIT, 1);
			else if (ret != -1 || errno != EINVAL)
				err("drain: io_cancel of a poll: %ld (%s)", ret, strerror(errno));
		}
	}
	pthread_mutex_unlock(&c->lock);
	for (;;) {
		long left, now_left;

		pthread_mutex_lock(&c->lock);
		left = c->in_table;
		pthread_mutex_unlock(&c->lock);
		if (!left)
			break;
		if (now_ms() - last > 30000) {
			err("ctx %#lx: %ld requests never completed (nothing for 30 s)",
			    (unsigned long)c->id, left);
			return false;
		}
		if (rnd(r, 3) == 0) {
			if (user_reap(c, slot, 64) < 0)
				return false;
		} else {
			/* Every request left will complete: waiting for them cannot hang. */
			long min_nr = 1 + (long)rnd(r, (unsigned int)(left < 64 ? left : 64));
			long timeout = rnd(r, 2) ? -1 : 1000;

			if (reap_call(r, c, slot, rnd(r, 2), min_nr, 64, timeout) < 0) {
				err("drain: io_getevents on ctx %#lx: %s", (unsigned long)c->id,
				    strerror(errno));
				return false;
			}
		}
		pthread_mutex_lock(&c->lock);
		now_left = c->in_table;
		pthread_mutex_unlock(&c->lock);
		if (now_left != left)
			last = now_ms();
		else
			sched_yield();
	}
	/* Nothing more may come. */
	{
		struct io_event ev;
		struct __kernel_timespec zero = { 0, 0 };
		long got;

		/*
		 * io_getevents() that got nothing fails with EINTR while a
		 * signal is pending, even with a zero timeout (native's
		 * system call checks after the read): the helper's SIGUSR1s.
		 */
		do {
			call_count();
			got = B->io_getevents(c->id, 0, 1, &ev, &zero);
		} while (got == -1 && errno == EINTR);
		if (got != 0) {
			err("ctx %#lx drained, yet io_getevents gives %ld (%s, tag %#llx)",
			    (unsigned long)c->id, got, got < 0 ? strerror(errno) : "events",
			    got > 0 ? (unsigned long long)ev.data : 0ull);
			if (got > 0)
				check_event(c, slot, &ev);
		}
	}
	/* RESFD: one increment per RESFD completion (signalled after the event). */
	if (c->efd >= 0) {
		long long t0 = now_ms();
		long total = 0;

		for (;;) {
			uint64_t v;

			if (read(c->efd, &v, sizeof(v)) == sizeof(v))
				total += (long)v;
			if (total >= c->resfd_expected || now_ms() - t0 > 10000)
				break;
			sleep_ms(1);
		}
		count(S_RESFD, total);
		if (total != c->resfd_expected)
			err("ctx %#lx: RESFD eventfd counted %ld, %ld RESFD events reaped",
			    (unsigned long)c->id, total, c->resfd_expected);
		c->resfd_expected = 0;
	}
	return true;
}

/* Retire a context cleanly: drain and verify, then destroy. */
static void op_retire(struct rng *r, int slot, bool destroy)
{
	struct sctx *c = ctx_get(slot, true);

	if (!c)
		return;
	/* Its ring may be mprotected by a thread that let go of it for a while. */
	if (c->prot != (PROT_READ | PROT_WRITE)) {
		if (mprotect((void *)(uintptr_t)c->id, c->map_size, PROT_READ | PROT_WRITE))
			err("mprotect of ring %#lx: %s", (unsigned long)c->id, strerror(errno));
		c->prot = PROT_READ | PROT_WRITE;
	}
	atomic_store(&W.last_event_ms, (long)(now_ms() - W.start_ms));
	atomic_fetch_add(&W.draining, 1);
	drain(r, c, slot);
	atomic_fetch_sub(&W.draining, 1);
	if (destroy && ctx_kill(c)) {
		call_count();
		if (B->io_destroy(c->id))
			err("io_destroy of drained ctx %#lx: %s", (unsigned long)c->id,
			    strerror(errno));
		count(S_RETIRE, 1);
	}
	ctx_put(c);
}

static void op_user_reap(struct rng *r)
{
	int slot = (int)rnd(r, NCTX);
	struct sctx *c = ctx_get(slot, true);

	if (!c)
		return;
	user_reap(c, slot, 1 + rnd(r, 64));
	ctx_put(c);
}

/* ------------------------------------------------------------------ */
/* The ring's mapping                                                   */

/*
 * Take the ring's write permission, or all of it, for a while: the other
 * threads go on meanwhile.  Read-only, every call works (the kernel writes
 * through its own mapping) but nobody may reap from the ring; PROT_NONE,
 * every call fails with EINVAL (the context is found through the ring's
 * id, which cannot be read).
 */
static void op_mprotect(struct rng *r)
{
	int slot = (int)rnd(r, NCTX), prot = rnd(r, 2) ? PROT_NONE : PROT_READ;
	struct sctx *c = ctx_get(slot, true);
	unsigned int gen;

	if (!c)
		return;
	if (c->prot != (PROT_READ | PROT_WRITE)) {
		ctx_put(c);
		return;
	}
	gen = c->gen;
	if (mprotect((void *)(uintptr_t)c->id, c->map_size, prot)) {
		err("mprotect(%#x) of ring %#lx: %s", prot, (unsigned long)c->id, strerror(errno));
		ctx_put(c);
		return;
	}
	c->prot = prot;
	count(S_MPROTECT, 1);
	for (int i = 0; i < 3; i++) {
		ctx_put(c);
		sched_yield();
		c = ctx_get(slot, false);
		if (!c)
			return;	/* destroyed: the mapping went with it */
		if (c->gen != gen) {
			ctx_put(c);
			return;
		}
		if (reap_call(r, c, slot, rnd(r, 2), 0, 16, 0) < 0)
			ctx_call_failed(c, "io_getevents on an mprotected ring");
		else if (c->prot == PROT_NONE)
			err("io_getevents on a PROT_NONE ring worked");
		ctx_put(c);
		c = ctx_get(slot, true);
		if (!c)
			return;
		if (c->gen != gen) {
			ctx_put(c);
			return;
		}
	}
	/* c->id again: another thread may have moved the ring meanwhile. */
	if (mprotect((void *)(uintptr_t)c->id, c->map_size, PROT_READ | PROT_WRITE))
		err("mprotect(PROT_READ|PROT_WRITE) of ring %#lx: %s", (unsigned long)c->id,
		    strerror(errno));
	c->prot = PROT_READ | PROT_WRITE;
	if (rnd(r, 2))
		user_reap(c, slot, 64);
	ctx_put(c);
}

/* Move the ring elsewhere: the context moves with it. */
static void op_mremap(struct rng *r)
{
	int slot = (int)rnd(r, NCTX);
	struct sctx *c = ctx_get(slot, true);
	aio_context_t old;
	void *target, *res;
	struct io_event ev;
	struct __kernel_timespec zero = { 0, 0 };

	if (!c)
		return;
	if (c->prot != (PROT_READ | PROT_WRITE))
		goto out;
	old = c->id;
	/*
	 * Like io_setup, the move must not land on a dead context's address
	 * (a thread may still use the old id), and nobody may get the old
	 * address while we check it is no context any more.
	 */
	pthread_mutex_lock(&W.addr_lock);
	if (W.zombies) {
		pthread_mutex_unlock(&W.addr_lock);
		goto out;
	}
	target = mmap(NULL, c->map_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (target == MAP_FAILED) {
		pthread_mutex_unlock(&W.addr_lock);
		err("mmap: %s", strerror(errno));
		goto out;
	}
	res = mremap((void *)(uintptr_t)old, c->map_size, c->map_size,
		     MREMAP_MAYMOVE | MREMAP_FIXED, target);
	if (res != target) {
		pthread_mutex_unlock(&W.addr_lock);
		err("mremap of ring %#lx: %s", (unsigned long)old, strerror(errno));
		munmap(target, c->map_size);
		goto out;
	}
	count(S_MREMAP, 1);
	pthread_mutex_lock(&c->lock);
	c->id = (aio_context_t)(uintptr_t)target;
	pthread_mutex_unlock(&c->lock);
	call_count();
	if (B->io_getevents(old, 0, 1, &ev, &zero) != -1 || errno != EINVAL)
		err("io_getevents on a ring's old address after mremap: not EINVAL");
	pthread_mutex_unlock(&W.addr_lock);
	if (rnd(r, 2))
		user_reap(c, slot, 64);
	else if (reap_call(r, c, slot, false, 0, 64, 0) < 0)
		err("io_getevents on a moved ring: %s", strerror(errno));
out:
	ctx_put(c);
}

/* Unmap the ring: the context is unreachable until the process exits. */
static void op_munmap(struct rng *r)
{
	int slot = (int)rnd(r, NCTX);
	struct sctx *c;
	struct io_event ev;
	struct __kernel_timespec zero = { 0, 0 };
	unsigned long size;

	/* Each one stays charged to aio-nr until exit: a few per worker. */
	if (atomic_load(&W.munmaps) >= 2)
		return;
	c = ctx_get(slot, true);
	if (!c)
		return;
	(void)r;
	atomic_fetch_add(&W.munmaps, 1);
	ctx_kill(c);
	size = c->map_size;
	if (munmap((void *)(uintptr_t)c->id, size))
		err("munmap of ring %#lx: %s", (unsigned long)c->id, strerror(errno));
	count(S_MUNMAP, 1);
	/* io_setup is held off by the dead context: the address is nobody's. */
	call_count();
	if (B->io_getevents(c->id, 0, 1, &ev, &zero) != -1 || errno != EINVAL)
		err("io_getevents on an unmapped ring: not EINVAL");
	call_count();
	if (B->io_destroy(c->id) != -1 || errno != EINVAL)
		err("io_destroy of an unmapped ring: not EINVAL");
	ctx_put(c);
}

/* ------------------------------------------------------------------ */
/* fork and exec with I/O in flight                                     */

/* In a forked child: async-signal-safe calls only (other threads held locks). */
static void __attribute__((noreturn)) child_body(int mode, aio_context_t parent_ctx,
						 unsigned long parent_size, int pipe_r, int file_fd)
{
	struct iocb cb[3], *cbs[3] = { &cb[0], &cb[1], &cb[2] };
	struct io_event ev[4];
	struct __kernel_timespec zero = { 0, 0 };
	static const char data[64] = "child";
	aio_context_t mine = 0;
	int bad = 0;

	memset(cb, 0, sizeof(cb));
	if (parent_ctx) {
		/* The parent's contexts are not ours. */
		if (B->io_submit(parent_ctx, 1, cbs) != -1 || errno != EINVAL)
			bad |= 1;
		if (B->io_getevents(parent_ctx, 0, 4, ev, &zero) != -1 || errno != EINVAL)
			bad |= 2;
		if (B->io_destroy(parent_ctx) != -1 || errno != EINVAL)
			bad |= 4;
		if (parent_size) {
			void *t = mmap(NULL, parent_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
				       -1, 0);

			/* CVE-2023-52646: moving an inherited ring fails cleanly. */
			if (t != MAP_FAILED &&
			    mremap((void *)(uintptr_t)parent_ctx, parent_size, parent_size,
				   MREMAP_MAYMOVE | MREMAP_FIXED, t) != MAP_FAILED)
				bad |= 8;
		}
	}
	if (B->io_setup(8, &mine))
		_exit(errno == EAGAIN ? 0 : 20);
	/* A poll that stays pending, a write, an fsync: in flight at exit/exec. */
	cb[0].aio_lio_opcode = IOCB_CMD_POLL;
	cb[0].aio_fildes = (unsigned int)pipe_r;
	cb[0].aio_buf = POLLIN;
	cb[1].aio_lio_opcode = IOCB_CMD_PWRITE;
	cb[1].aio_fildes = (unsigned int)file_fd;
	cb[1].aio_buf = (unsigned long long)(uintptr_t)data;
	cb[1].aio_nbytes = sizeof(data);
	cb[1].aio_offset = (long long)NBLOCKS * BLOCK;	/* past the verified blocks */
	cb[2].aio_lio_opcode = IOCB_CMD_FSYNC;
	cb[2].aio_fildes = (unsigned int)file_fd;
	if (B->io_submit(mine, 3, cbs) != 3)
		bad |= 32;
	if (mode) {
		char *argv_true[] = { "true", NULL };
		char *argv_self[] = { "kaio-stress", "--exec-child", (char *)B->name, NULL };
		char *envp[] = { NULL };

		/* exec with I/O in flight, into a program that has some too, or none. */
		if (mode == 1)
			execve("/bin/true", argv_true, envp);
		else
			execve("/proc/self/exe", argv_self, envp);
		bad |= 64;
	}
	_exit(bad);
}

static void wait_child(pid_t pid, const char *what)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			err("waitpid: %s", strerror(errno));
			return;
		}
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		err("%s child: status %#x (bits: 1 submit, 2 getevents, 4 destroy on the "
		    "parent's ctx not EINVAL, 8 mremap of its ring worked, 20 setup, "
		    "32 submit, 64 exec)", what, status);
}

static void op_fork(struct rng *r)
{
	int slot = (int)rnd(r, NCTX), mode = (int)rnd(r, 3);	/* exit, exec true, exec self */
	struct sctx *c = ctx_get(slot, false);
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC)) {
		err("pipe: %s", strerror(errno));
		if (c)
			ctx_put(c);
		return;
	}
	count(mode ? S_EXEC : S_FORK, 1);
	pid = fork();
	if (pid == 0)
		child_body(mode, c ? c->id : 0, c ? c->map_size : 0, p[0], W.fd[0]);
	if (c)
		ctx_put(c);
	close(p[0]);
	close(p[1]);
	if (pid < 0) {
		err("fork: %s", strerror(errno));
		return;
	}
	wait_child(pid, mode ? "exec" : "fork");
}

/* ------------------------------------------------------------------ */
/* The helper thread: poll wake-ups, fd churn, page migration           */

static int src_open(struct src *s)
{
	if (s->is_pipe) {
		int p[2];

		if (pipe2(p, O_CLOEXEC | O_NONBLOCK))
			return -1;
		s->rfd = p[0];
		s->wfd = p[1];
	} else {
		s->rfd = s->wfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (s->rfd < 0)
			return -1;
	}
	return 0;
}

static void src_close(struct src *s)
{
	close(s->rfd);
	if (s->wfd != s->rfd)
		close(s->wfd);
}

static void make_ready(struct src *s)
{
	uint64_t one = 1;

	if (s->is_pipe) {
		if (write(s->wfd, "x", 1) < 0 && errno != EAGAIN)
			err("pipe write: %s", strerror(errno));
	} else if (write(s->wfd, &one, sizeof(one)) < 0 && errno != EAGAIN) {
		err("eventfd write: %s", strerror(errno));
	}
}

static void make_unready(struct src *s)
{
	char buf[256];

	while (read(s->rfd, buf, s->is_pipe ? sizeof(buf) : 8) > 0)
		;
}

static void move_ring_pages(struct rng *r)
{
	int slot = (int)rnd(r, NCTX), node = (int)rnd(r, 2);
	struct sctx *c = ctx_get(slot, false);
	void *pages[64];
	int nodes[64], status[64];
	long pg = sysconf(_SC_PAGESIZE);
	unsigned long n;

	if (!c)
		return;
	n = c->map_size / (unsigned long)pg;
	if (n > 64)
		n = 64;
	for (unsigned long i = 0; i < n; i++) {
		pages[i] = (char *)(uintptr_t)c->id + i * (unsigned long)pg;
		nodes[i] = node;
	}
	if (syscall(__NR_move_pages, 0, n, pages, nodes, status, MPOL_MF_MOVE) < 0 &&
	    errno != ENOENT && errno != EBUSY && errno != ENOMEM)
		err("move_pages of ring %#lx: %s", (unsigned long)c->id, strerror(errno));
	count(S_MOVE_PAGES, 1);
	ctx_put(c);
}

static void *helper(void *arg)
{
	struct rng r;
	long long next_compact = now_ms() + 1000;

	(void)arg;
	rng_seed(&r, W.seed ^ 0x5eed);
	while (!atomic_load(&W.stop)) {
		struct src *s = &W.src[rnd(&r, NSRC)];

		/* Interrupt a waiter now and then (a handler, no SA_RESTART). */
		if (rnd(&r, 4) == 0) {
			pthread_mutex_lock(&W.sig_lock);
			if (W.nthreads_up) {
				pthread_kill(W.threads[rnd(&r, (unsigned int)W.nthreads_up)], SIGUSR1);
				count(S_SIGNAL, 1);
			}
			pthread_mutex_unlock(&W.sig_lock);
		}
		unsigned int what = rnd(&r, 16);

		if (what < 8) {
			pthread_rwlock_rdlock(&s->lock);
			make_ready(s);
			pthread_rwlock_unlock(&s->lock);
			sleep_ms(1 + rnd(&r, 3));
			pthread_rwlock_rdlock(&s->lock);
			make_unready(s);
			pthread_rwlock_unlock(&s->lock);
		} else if (what < 10) {
			/* Close a poll source with polls pending on it, open a new one. */
			pthread_rwlock_wrlock(&s->lock);
			src_close(s);
			if (src_open(s))
				err("reopening a poll source: %s", strerror(errno));
			pthread_rwlock_unlock(&s->lock);
			count(S_CLOSE_SRC, 1);
		} else if (what < 12) {
			/* dup2 a new open file of the same inode over a busy fd. */
			int f = (int)rnd(&r, NFILES), nfd;
			char path[64];

			snprintf(path, sizeof(path), "/proc/self/fd/%d", W.fd[f]);
			nfd = open(path, O_RDWR | O_CLOEXEC);
			if (nfd < 0 || dup3(nfd, W.fd[f], O_CLOEXEC) < 0)
				err("reopen/dup3 of file %d: %s", f, strerror(errno));
			if (nfd >= 0)
				close(nfd);
			count(S_DUP2, 1);
		} else if (W.numa) {
			move_ring_pages(&r);
		}
		/* Compaction can take a while: none near the end (it would hold us up). */
		if (W.index == 0 && now_ms() >= next_compact && now_ms() < W.deadline - 3000) {
			int fd = open("/proc/sys/vm/compact_memory", O_WRONLY | O_CLOEXEC);

			if (fd >= 0) {
				if (write(fd, "1", 1) == 1)
					count(S_COMPACT, 1);
				close(fd);
			}
			next_compact = now_ms() + 3000;
		}
		sleep_ms(1);
	}
	return NULL;
}

/*
 * A drain waits without a timeout for events that must come: if none
 * comes for a minute, say what is missing and end the worker, rather
 * than hang until the main process kills it.
 */
static void *watchdog(void *arg)
{
	(void)arg;
	for (;;) {
		sleep_ms(1000);
		if (!atomic_load(&W.draining) ||
		    now_ms() - W.start_ms - atomic_load(&W.last_event_ms) < 60000)
			continue;
		err("a drain got no event for 60 s; requests still in flight:");
		for (int i = 0; i < NCTX; i++) {
			struct sctx *c = &W.ctx[i];
			int shown = 0;

			/* No lock: its holder may be the stuck one.  Racy, for diagnosis only. */
			for (int h = 0; h < HASH && shown < 10; h++)
				for (struct req *q = c->hash[h]; q && shown < 10; q = q->next, shown++)
					fprintf(stderr, "stress:   ctx %#lx slot %d: %s tag %#llx%s\n",
						(unsigned long)c->id, i, kind_names[q->kind],
						(unsigned long long)q->cb.aio_data,
						atomic_load(&q->cancel_tried) ? " (cancel tried)" : "");
		}
		_exit(3);
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Worker threads and processes                                         */

struct thread_arg {
	int id;
};

static void *worker_thread(void *arg)
{
	struct thread_arg *ta = arg;
	struct rng r;

	rng_seed(&r, W.seed * 31 + (unsigned long long)ta->id + 1);
	while (now_ms() < W.deadline) {
		unsigned int op = rnd(&r, 1000);

		if (op < 60)
			op_setup(&r);
		else if (op < 420)
			op_submit(&r);
		else if (op < 600)
			op_getevents(&r, false);
		else if (op < 700)
			op_getevents(&r, true);
		else if (op < 760)
			op_user_reap(&r);
		else if (op < 850)
			op_cancel(&r);
		else if (op < 870)
			op_destroy(&r);
		else if (op < 900)
			op_retire(&r, (int)rnd(&r, NCTX), true);
		else if (op < 925)
			op_mprotect(&r);
		else if (op < 950)
			op_mremap(&r);
		else if (op < 955)
			op_munmap(&r);
		else if (op < 965)
			op_fork(&r);
		else
			op_getevents(&r, rnd(&r, 2));
	}
	return NULL;
}

/* Read every block whose content is known back with pread(2). */
static void read_back(void)
{
	static unsigned char buf[BLOCK];

	for (int f = 0; f < NFILES; f++)
		for (int b = 0; b < NBLOCKS; b++) {
			struct block *k = &W.blk[f][b];
			long bad;

			if (!k->known)
				continue;
			if (pread(W.fd[f], buf, BLOCK, (off_t)b * BLOCK) != BLOCK) {
				err("read back file %d block %d: %s", f, b, strerror(errno));
				continue;
			}
			bad = first_bad(buf, k->wtag);
			if (bad >= 0)
				err("read back file %d block %d: byte %ld is %#x, write %u put %#x",
				    f, b, bad, buf[bad], k->wtag, pat(k->wtag, (size_t)bad));
			count(S_READBACK, 1);
		}
}

static void on_sigusr1(int sig)
{
	(void)sig;
}

static int worker_main(int index, unsigned long long seed, long long deadline, int nthreads)
{
	pthread_t hp, wd;
	struct sigaction sa;
	struct thread_arg ta[MAX_THREADS];
	pthread_rwlockattr_t ra;
	struct rng r;

	memset(&W, 0, sizeof(W));
	W.index = index;
	W.seed = seed;
	W.deadline = deadline;
	W.start_ms = now_ms();
	W.numa = have_two_nodes();
	atomic_store(&W.next_wtag, 1);
	pthread_mutex_init(&W.addr_lock, NULL);
	pthread_mutex_init(&W.sig_lock, NULL);
	pthread_rwlockattr_init(&ra);
	pthread_rwlockattr_setkind_np(&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	for (int i = 0; i < NCTX; i++) {
		pthread_mutex_init(&W.ctx[i].lock, NULL);
		pthread_rwlock_init(&W.ctx[i].use, &ra);
		W.ctx[i].efd = -1;
	}
	for (int f = 0; f < NFILES; f++) {
		char path[] = "/tmp/kaio-stress-XXXXXX";

		W.fd[f] = mkostemp(path, O_CLOEXEC);
		if (W.fd[f] < 0 || unlink(path) ||
		    ftruncate(W.fd[f], (off_t)(NBLOCKS + 1) * BLOCK)) {
			err("tmp file: %s", strerror(errno));
			return 1;
		}
		for (int b = 0; b < NBLOCKS; b++)
			W.blk[f][b].known = true;	/* zeroes: wtag 0 */
	}
	for (int i = 0; i < NSRC; i++) {
		pthread_rwlock_init(&W.src[i].lock, &ra);
		W.src[i].is_pipe = i % 2 == 0;
		if (src_open(&W.src[i])) {
			err("poll source: %s", strerror(errno));
			return 1;
		}
	}
	count(S_WORKERS, 1);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigusr1;	/* no SA_RESTART: waits end with EINTR */
	sigaction(SIGUSR1, &sa, NULL);
	pthread_create(&hp, NULL, helper, NULL);
	pthread_create(&wd, NULL, watchdog, NULL);
	pthread_detach(wd);
	for (int i = 0; i < nthreads; i++) {
		ta[i].id = i;
		if (pthread_create(&W.threads[i], NULL, worker_thread, &ta[i])) {
			err("pthread_create: %s", strerror(errno));
			nthreads = i;
			break;
		}
	}
	pthread_mutex_lock(&W.sig_lock);
	W.nthreads_up = nthreads;
	pthread_mutex_unlock(&W.sig_lock);
	/* Threads end at the deadline, but not all at once. */
	while (now_ms() < W.deadline)
		sleep_ms(20);
	pthread_mutex_lock(&W.sig_lock);
	W.nthreads_up = 0;
	pthread_mutex_unlock(&W.sig_lock);
	for (int i = 0; i < nthreads; i++)
		pthread_join(W.threads[i], NULL);
	atomic_store(&W.stop, 1);
	pthread_join(hp, NULL);
	if (getenv("KAIO_STRESS_DEBUG"))
		fprintf(stderr, "stress: worker %d: threads done %lld ms after the deadline\n",
			index, now_ms() - deadline);

	/* Every context still alive: drain and verify; destroy it, or leave it to exit. */
	rng_seed(&r, seed ^ 0xe0d);
	for (int i = 0; i < NCTX; i++) {
		bool destroy = rnd(&r, 3) != 0;

		op_retire(&r, i, destroy);
		if (!destroy) {
			/* Leave some I/O in flight for exit to deal with. */
			struct sctx *c = ctx_get(i, false);

			if (c) {
				struct iocb *cb = calloc(1, sizeof(*cb));

				if (cb) {
					cb->aio_lio_opcode = IOCB_CMD_POLL;
					cb->aio_fildes = (unsigned int)W.src[0].rfd;
					cb->aio_buf = POLLIN;
					call_count();
					if (B->io_submit(c->id, 1, &cb) != 1 && errno != EAGAIN)
						err("io_submit before exit: %s", strerror(errno));
				}
				ctx_put(c);
			}
		}
	}
	read_back();
	if (getenv("KAIO_STRESS_DEBUG"))
		fprintf(stderr, "stress: worker %d: done %lld ms after the deadline\n", index,
			now_ms() - deadline);
	return atomic_load(&W.errors) ? 1 : 0;
}

/* kaio-stress --exec-child BACKEND: run after exec; I/O in flight at exit. */
static int exec_child_main(void)
{
	int p[2], fd;
	char path[] = "/tmp/kaio-stress-exec-XXXXXX";

	if (pipe2(p, O_CLOEXEC))
		return 30;
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return 31;
	unlink(path);
	child_body(0, 0, 0, p[0], fd);
}

/* ------------------------------------------------------------------ */
/* main                                                                 */

/* Collect the workers that ended. */
static void reap_workers(pid_t *pids, int nprocs, long *failed)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (int i = 0; i < nprocs; i++) {
			if (pids[i] != pid)
				continue;
			pids[i] = 0;
			if (!WIFEXITED(status) || WEXITSTATUS(status)) {
				fprintf(stderr, "stress: worker %d (pid %d) failed: status %#x\n", i,
					(int)pid, status);
				(*failed)++;
			}
		}
	}
}

static void usage(void)
{
	fprintf(stderr,
		"usage: kaio-stress [--backend native|kaio] [--duration SEC] [--seed N]\n"
		"                   [--threads N] [--procs N] [--quiet]\n");
	exit(2);
}

static void print_stats(double secs)
{
	long calls = atomic_load(&sh->st[S_CALLS]);

	if (!opt_quiet) {
		printf("stress: counts:");
		for (int i = 0; i < S_NR; i++)
			printf(" %s=%ld", stat_names[i], atomic_load(&sh->st[i]));
		printf("\n");
	}
	printf("stress: %.0f calls/s, %.0f events/s\n", secs > 0 ? calls / secs : 0.0,
	       secs > 0 ? atomic_load(&sh->st[S_EVENTS]) / secs : 0.0);
}

int main(int argc, char **argv)
{
	const char *backend = "kaio";
	double duration = 10;
	unsigned long long seed = 0;
	bool have_seed = false;
	int nthreads = 4, nprocs = 3;
	pid_t pids[MAX_PROCS] = { 0 };
	int gens[MAX_PROCS] = { 0 };
	bool killed[MAX_PROCS] = { false };
	unsigned long base = 0, now = 0;
	long long start, deadline;
	long failed_workers = 0, errors;
	char why[160];
	bool base_ok, back = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--exec-child") && v) {
			B = !strcmp(v, "native") ? &aio_backend_native : &aio_backend_kaio;
			return exec_child_main();
		} else if (!strcmp(a, "--quiet")) {
			opt_quiet = 1;
			continue;
		} else if (!v) {
			usage();
		}
		if (!strcmp(a, "--backend"))
			backend = v;
		else if (!strcmp(a, "--duration"))
			duration = atof(v);
		else if (!strcmp(a, "--seed"))
			seed = strtoull(v, NULL, 0), have_seed = true;
		else if (!strcmp(a, "--threads"))
			nthreads = atoi(v);
		else if (!strcmp(a, "--procs"))
			nprocs = atoi(v);
		else
			usage();
		i++;
	}
	if (!strcmp(backend, "native"))
		B = &aio_backend_native;
	else if (!strcmp(backend, "kaio"))
		B = &aio_backend_kaio;
	else
		usage();
	if (nthreads < 1 || nthreads > MAX_THREADS || nprocs < 1 || nprocs > MAX_PROCS ||
	    duration < 0)
		usage();
	if (!have_seed)
		seed = (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 16);
	for (int op = 0; op < AIO_OP_NR; op++)
		if (!B->serves((enum aio_op)op, why, sizeof(why))) {
			printf("stress: backend=%s abi=%d SKIP: %s\n", B->name,
			       aio_abi_is_32bit() ? 32 : 64, why);
			return 77;
		}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	base_ok = B->nr_in_use(&base) == 0;
	printf("stress: backend=%s abi=%d seed=%llu duration=%g procs=%d threads=%d aio-nr=%lu\n",
	       B->name, aio_abi_is_32bit() ? 32 : 64, seed, duration, nprocs, nthreads, base);
	fflush(stdout);

	start = now_ms();
	deadline = start + (long long)(duration * 1000);
	/* Keep nprocs workers alive until the deadline, each living a few seconds. */
	for (;;) {
		bool any = false;

		for (int i = 0; i < nprocs; i++) {
			long long t = now_ms(), life, end;
			unsigned long long wseed;
			pid_t pid;

			if (pids[i] || t >= deadline)
				continue;
			wseed = seed * 1000003ull + (unsigned long long)i * 7919 + (unsigned long long)gens[i];
			life = 3000 + (long long)((wseed >> 7) % 9000);
			end = t + life > deadline - 1000 ? deadline : t + life;
			gens[i]++;
			fflush(stdout);
			pid = fork();
			if (pid < 0) {
				perror("fork");
				failed_workers++;
				continue;
			}
			if (pid == 0)
				_exit(worker_main(i, wseed, end, nthreads));
			pids[i] = pid;
		}
		for (int i = 0; i < nprocs; i++)
			any |= pids[i] != 0;
		if (!any)
			break;
		reap_workers(pids, nprocs, &failed_workers);
		/* A worker hung past the deadline: kill it (a lost event or a stuck call). */
		if (now_ms() > deadline + 120000) {
			for (int i = 0; i < nprocs; i++)
				if (pids[i] && !killed[i]) {
					fprintf(stderr, "stress: worker %d (pid %d) hung, killed\n", i,
						(int)pids[i]);
					kill(pids[i], SIGKILL);
					killed[i] = true;
					failed_workers++;
				}
		}
		sleep_ms(20);
	}

	/* aio-nr back at its baseline (exit teardown may finish a little later). */
	for (int i = 0; i < 200 && base_ok; i++) {
		if (B->nr_in_use(&now) == 0 && now == base) {
			back = true;
			break;
		}
		sleep_ms(50);
	}
	{
		double secs = (double)(now_ms() - start) / 1000.0;

		print_stats(secs);
		errors = atomic_load(&sh->st[S_ERRORS]) + failed_workers;
		if (!base_ok) {
			fprintf(stderr, "stress: cannot read aio-nr: %s\n", strerror(errno));
			errors++;
		} else if (!back) {
			fprintf(stderr, "stress: aio-nr %lu at the end, %lu before\n", now, base);
			errors++;
		}
		printf("stress: backend=%s abi=%d seed=%llu seconds=%.1f calls=%ld submitted=%ld "
		       "events=%ld verified=%ld aio-nr=%lu/%lu errors=%ld\n",
		       B->name, aio_abi_is_32bit() ? 32 : 64, seed, secs,
		       atomic_load(&sh->st[S_CALLS]), atomic_load(&sh->st[S_REQS]),
		       atomic_load(&sh->st[S_EVENTS]) + atomic_load(&sh->st[S_EVENTS_DEAD]),
		       atomic_load(&sh->st[S_EVENTS]), now, base, errors);
	}
	return errors ? 1 : 0;
}
