/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the AIO selftests (aio_basic_test, ring_test,
 * submit_test, rw_test, getevents_test, lifetime_test, migrate_test,
 * fault_test, lsm_test): the ring header as userspace sees it at the ctx
 * address, the ring geometry Linux 6.1 computes, iocb set-up, bounded
 * reaping, the fs.aio-nr baseline check, and scratch devices (null_blk
 * through configfs, ext4 on top).  The functions are in aio_test_util.c,
 * linked into every selftest binary; the macros use the harness.
 *
 * Everything goes through a struct aio_backend, never syscall(2), so the
 * same test exercises the native system calls and /dev/kaio.
 */
#ifndef KAIO_SELFTEST_AIO_TEST_UTIL_H
#define KAIO_SELFTEST_AIO_TEST_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "aio_backend.h"

/* ------------------------------------------------------------------ */
/* The ring at the ctx address: <linux/kaio.h>'s struct kaio_ring     */

_Static_assert(sizeof(struct kaio_ring) == sizeof(struct io_event), "ring header");
_Static_assert(sizeof(struct io_event) == 32, "io_event");
_Static_assert(sizeof(struct iocb) == 64, "iocb");

static inline struct kaio_ring *aio_ring_of(aio_context_t ctx)
{
	return (struct kaio_ring *)(uintptr_t)ctx;
}

/* The ring's io_event slots, right after the header. */
static inline struct io_event *aio_ring_events(struct kaio_ring *ring)
{
	return (struct io_event *)(ring + 1);
}

static inline unsigned int ring_load(const unsigned int *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void ring_store(unsigned int *p, unsigned int v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/*
 * Reap up to @max events straight from the ring, as libaio's and fio's
 * userspace_reap do: copy the slots [head, tail) and publish the new head.
 * Returns the number copied.
 */
unsigned int ring_user_reap(aio_context_t ctx, struct io_event *out, unsigned int max);

/* The number of CPUs in /sys/devices/system/cpu/possible, or -1. */
int possible_cpus(void);

/*
 * What Linux 6.1 makes of io_setup(nr_events) (fs/aio.c ioctx_alloc and
 * aio_setup_ring): the request is raised to 4 slots per possible CPU and
 * doubled (slots may be stranded in per-CPU caches), 2 are added for the
 * head/tail overlap, the pages needed for that many events after the
 * 32-byte header are allocated, and ring->nr is whatever fills them.
 * Usable slots are nr - 1, moved between the shared pool and the per-CPU
 * caches in batches of (nr - 1) / (4 * CPUs), at least 1.
 */
struct ring_geometry {
	unsigned int nr;		/* ring->nr */
	unsigned long pages;		/* size of the mapping, in pages */
	unsigned int slots;		/* nr - 1 */
	unsigned int batch;		/* req_batch */
	unsigned int pinned_capacity;	/* submits before EAGAIN on one CPU, nothing reaped */
};

struct ring_geometry ring_geometry(unsigned int nr_events, unsigned int cpus,
				   unsigned long page);

/* ------------------------------------------------------------------ */
/* /proc/self/maps                                                    */

struct mapping_info {
	unsigned long start, end;
	char perms[5];
	char path[128];
};

/* The mapping that contains @addr: 0, or -1 if there is none. */
int find_mapping(const void *addr, struct mapping_info *out);

/* ------------------------------------------------------------------ */
/* iocbs, submission and reaping                                      */

void iocb_prep(struct iocb *cb, unsigned int opcode, int fd, const void *buf,
	       unsigned long long nbytes, long long offset, unsigned long long data);

static inline unsigned long long iocb_ptr_value(const struct iocb *cb)
{
	return (unsigned long long)(uintptr_t)cb;
}

/* CLOCK_MONOTONIC in ns; the ms since such a time; a relative timeout of @ms. */
long long now_ns(void);
long long ms_since(long long start_ns);
struct __kernel_timespec ts_ms(long ms);

/*
 * Sleep @ms milliseconds.  Not usleep(3)/nanosleep(3): 32-bit glibc makes
 * those the time32 system calls, which a kernel without
 * CONFIG_COMPAT_32BIT_TIME (the debug test kernel) lacks, so they fail at
 * once there; i386 gets clock_nanosleep_time64 (407) instead.
 */
void msleep(long ms);

/*
 * Collect exactly @want events with io_getevents, giving up after
 * @limit_ms: the count got (== want on success), or -1 with errno from
 * the first failing call.
 */
long reap_events(const struct aio_backend *b, aio_context_t ctx,
		 struct io_event *ev, long want, long limit_ms);

/* A regular file of @size bytes in /tmp (tmpfs in the test VM), unlinked. */
int tmp_file(size_t size, int flags);

/* Pin the calling thread to the first CPU it may run on: that CPU, or -1. */
int pin_to_one_cpu(cpu_set_t *saved);

/*
 * Whether this process can use pthreads here.  32-bit glibc waits on a
 * futex with the time32 futex(2) (i386 240), which a kernel built without
 * CONFIG_COMPAT_32BIT_TIME (the debug test kernel) does not have: every
 * contended wait, pthread_join included, then aborts.  64-bit: always.
 */
bool threads_usable(char *why, size_t len);

#define THREADS_OR_SKIP() do {						\
	char __why[160];						\
	if (!threads_usable(__why, sizeof(__why)))			\
		SKIP(return, "%s", __why);				\
} while (0)

/* ------------------------------------------------------------------ */
/* Contexts a test owns, destroyed by teardown; the fs.aio-nr baseline */

#define AIO_TRACK_MAX 32

struct aio_tracker {
	const struct aio_backend *b;
	aio_context_t ctx[AIO_TRACK_MAX];
	bool have_nr;
	unsigned long nr_before;
};

void tracker_init(struct aio_tracker *t, const struct aio_backend *b);
void track_ctx(struct aio_tracker *t, aio_context_t ctx);
void untrack_ctx(struct aio_tracker *t, aio_context_t ctx);

/* Destroy what is left; the number that could not be destroyed. */
int tracker_destroy_all(struct aio_tracker *t);

/*
 * Teardown: after the test's contexts are destroyed, the backend's
 * in-use count is what it was at setup (io_destroy refunds at once).
 * Skipped where the backend's count cannot be read.
 */
#define TRACKER_TEARDOWN_CHECK(t) do {					\
	unsigned long __now;						\
	tracker_destroy_all(t);						\
	if ((t)->have_nr) {						\
		EXPECT_EQ(0, (t)->b->nr_in_use(&__now));		\
		EXPECT_EQ((t)->nr_before, __now) {			\
			TH_LOG("%s: aio-nr %lu after the test, %lu before", \
			       (t)->b->name, __now, (t)->nr_before);	\
		}							\
	}								\
} while (0)

/* fs.aio-nr (the backend's) is back to @t's baseline (true where its count cannot be read). */
bool nr_at_baseline(struct aio_tracker *t, unsigned long *now);

/* Whether NUMA nodes 0 and 1 both have memory (move_pages between them). */
bool have_two_nodes(void);

/* Number of mappings in /proc/self/maps; no allocation between calls. */
int count_mappings(void);

/* ------------------------------------------------------------------ */
/* Commands and sysfs/configfs files                                  */

/* Run argv quietly: its exit status, or -1 if it could not run. */
int run_quiet(const char *const argv[]);

/* Write @val to the file @path: 0, or -1 with errno. */
int write_str(const char *path, const char *val);

/* ------------------------------------------------------------------ */
/* kaio's object counts (debugfs; tests only)                         */

#define KAIO_OBJECTS "/sys/kernel/debug/kaio/objects"

/* Contexts kaio has made and not yet freed, or -1 if it cannot be read. */
long kaio_live_contexts(void);

/* ------------------------------------------------------------------ */
/* null_blk devices made through configfs                             */

#define NULLB_CONFIGFS "/sys/kernel/config/nullb"

struct nullb_dev {
	char name[32];
	char dir[96];
	char path[64];
	bool created;
	bool powered;
};

struct nullb_params {
	unsigned int size_mb;
	unsigned int blocksize;
	bool memory_backed;
	unsigned long completion_nsec;	/* 0: complete in softirq, else on a timer */
};

/*
 * Make a null_blk device of our own through configfs (loading null_blk if
 * need be): 0, or -1 with the reason in @why.
 */
int nullb_create(struct nullb_dev *d, const struct nullb_params *p,
		 char *why, size_t whylen);

void nullb_remove(struct nullb_dev *d);

/* ------------------------------------------------------------------ */
/* A scratch ext4 file system on a memory-backed null_blk device      */

struct scratch_ext4 {
	struct nullb_dev dev;
	char mnt[64];
	bool mounted;
};

int scratch_ext4_make(struct scratch_ext4 *s, char *why, size_t whylen);

void scratch_ext4_remove(struct scratch_ext4 *s);

/* An aligned buffer for O_DIRECT, filled with @fill; NULL on failure. */
void *dio_buffer(size_t size, int fill);

/* A recognisable byte pattern: byte i of block @tag. */
void fill_pattern(unsigned char *buf, size_t len, unsigned int tag);
bool check_pattern(const unsigned char *buf, size_t len, unsigned int tag);

/*
 * A page that stays mapped PROT_NONE: any access through it faults, and
 * no later mmap can land on it.  NULL on failure.
 */
void *guard_page(void);

#endif /* KAIO_SELFTEST_AIO_TEST_UTIL_H */
