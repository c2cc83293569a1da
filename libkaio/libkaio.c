// SPDX-License-Identifier: GPL-2.0
/*
 * libkaio: the six AIO system calls as ioctls on /dev/kaio.
 *
 * The device is opened lazily and published with a compare-and-swap, so
 * concurrent first calls race harmlessly (the losers close their extra
 * descriptor) and no lock exists that fork() could inherit held.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/kaio.h>

#include "libkaio.h"

#if !defined(__LP64__) && defined(__USE_TIME_BITS64)
#error "build libkaio with the default time_t: it provides both 32-bit time entry points"
#endif

#define KAIO_NEEDED_FEATURES                                                        \
	(KAIO_FEAT_SETUP | KAIO_FEAT_DESTROY | KAIO_FEAT_SUBMIT | KAIO_FEAT_CANCEL | \
	 KAIO_FEAT_GETEVENTS | KAIO_FEAT_PGETEVENTS)

/* The published descriptor, and the device it must be to be ours. */
static int dev_fd = -1;
static dev_t dev_rdev;
static uint64_t dev_features;

static int open_device(void)
{
	const char *path = secure_getenv("KAIO_DEVICE");
	struct kaio_version v;
	struct stat st;
	uint64_t need = KAIO_NEEDED_FEATURES;
	int fd, err;

	if (!path || !*path)
		path = "/dev/" KAIO_DEVICE_NAME;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISCHR(st.st_mode)) {
		err = ENODEV;
		goto fail;
	}
	memset(&v, 0, sizeof(v));
	if (ioctl(fd, KAIO_IOC_VERSION, &v)) {
		err = errno == ENOTTY ? EPROTO : errno;
		goto fail;
	}
	if (v.abi_version != KAIO_ABI_VERSION) {
		err = EPROTO;
		goto fail;
	}
#ifndef __LP64__
	need |= KAIO_FEAT_COMPAT;
#endif
	if ((v.features & need) != need) {
		err = ENOSYS;
		goto fail;
	}
	__atomic_store_n(&dev_rdev, st.st_rdev, __ATOMIC_RELAXED);
	__atomic_store_n(&dev_features, v.features, __ATOMIC_RELAXED);
	return fd;
fail:
	close(fd);
	errno = err;
	return -1;
}

int kaio_fd(void)
{
	int fd = __atomic_load_n(&dev_fd, __ATOMIC_ACQUIRE);
	int expected = -1;
	int nfd;

	if (fd >= 0)
		return fd;
	nfd = open_device();
	if (nfd < 0)
		return -1;
	if (__atomic_compare_exchange_n(&dev_fd, &expected, nfd, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		return nfd;
	/* Another thread published first: use its descriptor. */
	close(nfd);
	return expected;
}

int kaio_probe(void)
{
	return kaio_fd() < 0 ? -1 : 0;
}

void kaio_close(void)
{
	int fd = __atomic_exchange_n(&dev_fd, -1, __ATOMIC_ACQ_REL);

	if (fd >= 0)
		close(fd);
}

/*
 * Is @fd still the device we opened?  A program may close descriptors it
 * does not know about (daemons closing everything above 2), and the number
 * may since have been reused for another file.
 */
static bool still_ours(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) &&
	       st.st_rdev == __atomic_load_n(&dev_rdev, __ATOMIC_RELAXED);
}

/* One ioctl, with the system call's result convention. */
static long call(unsigned long cmd, void *args)
{
	int saved = errno;
	int fd = kaio_fd();
	long ret;

	if (fd < 0) {
		errno = ENOSYS;
		return -1;
	}
	errno = saved;
	ret = ioctl(fd, cmd, args);
	/* Any failure may come from a file that is no longer ours; fstat() tells. */
	if (ret < 0 && !still_ours(fd)) {
		/* Forget the stolen number (it is not ours to close) and reopen. */
		int expected = fd;

		__atomic_compare_exchange_n(&dev_fd, &expected, -1, false, __ATOMIC_ACQ_REL,
					    __ATOMIC_ACQUIRE);
		fd = kaio_fd();
		if (fd < 0) {
			errno = ENOSYS;
			return -1;
		}
		errno = saved;
		ret = ioctl(fd, cmd, args);
	}
	return ret;
}

static inline uint64_t uptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

long kaio_io_setup(unsigned int nr_events, aio_context_t *ctxp)
{
	struct kaio_setup_args a = { .nr_events = nr_events, .ctxp = uptr(ctxp) };

	return call(KAIO_IOC_SETUP, &a);
}

long kaio_io_destroy(aio_context_t ctx)
{
	struct kaio_destroy_args a = { .ctx = ctx };

	return call(KAIO_IOC_DESTROY, &a);
}

long kaio_io_submit(aio_context_t ctx, long nr, struct iocb **iocbpp)
{
	struct kaio_submit_args a = { .ctx = ctx, .nr = nr, .iocbpp = uptr(iocbpp) };

	return call(KAIO_IOC_SUBMIT, &a);
}

long kaio_io_submit_wait(aio_context_t ctx, long nr, struct iocb **iocbpp, long min_nr,
			 long nr_events, struct io_event *events,
			 const struct __kernel_timespec *timeout, long *submitted)
{
	struct kaio_submit_wait_args a = {
		.ctx = ctx, .nr = nr, .iocbpp = uptr(iocbpp), .min_nr = min_nr,
		.nr_events = nr_events, .events = uptr(events), .timeout = uptr(timeout),
	};
	long ret;

	if (submitted)
		*submitted = 0;
	if (kaio_fd() >= 0 &&
	    !(__atomic_load_n(&dev_features, __ATOMIC_RELAXED) & KAIO_FEAT_SUBMIT_WAIT)) {
		errno = ENOSYS;
		return -1;
	}
	ret = call(KAIO_IOC_SUBMIT_WAIT, &a);
	if (submitted)
		*submitted = (long)a.submitted;
	return ret;
}

long kaio_io_cancel(aio_context_t ctx, struct iocb *iocb, struct io_event *result)
{
	struct kaio_cancel_args a = { .ctx = ctx, .iocb = uptr(iocb), .result = uptr(result) };

	return call(KAIO_IOC_CANCEL, &a);
}

/*
 * Timeouts: a 64-bit caller's struct timespec is the module's struct
 * __kernel_timespec, and so is a 32-bit caller's with 64-bit time_t (the
 * kernel drops the upper half of tv_nsec for 32-bit callers, as for any
 * time64 system call).  A 32-bit caller's old timespec goes with the _TIME32
 * requests, which the module serves only where the kernel has the 32-bit
 * time system calls; elsewhere those calls fail with ENOSYS, as natively.
 */
#ifndef __LP64__
static bool have_time32(void)
{
	return kaio_fd() >= 0 &&
	       (__atomic_load_n(&dev_features, __ATOMIC_RELAXED) & KAIO_FEAT_TIME32);
}
#endif

static long getevents(unsigned long cmd, aio_context_t ctx, long min_nr, long nr,
		      struct io_event *events, const void *timeout)
{
	struct kaio_getevents_args a = {
		.ctx = ctx, .min_nr = min_nr, .nr = nr,
		.events = uptr(events), .timeout = uptr(timeout),
	};

	return call(cmd, &a);
}

static long pgetevents(unsigned long cmd, aio_context_t ctx, long min_nr, long nr,
		       struct io_event *events, const void *timeout,
		       const struct kaio_sigset *usig)
{
	struct kaio_pgetevents_args a = {
		.ctx = ctx, .min_nr = min_nr, .nr = nr, .events = uptr(events),
		.timeout = uptr(timeout), .usig = uptr(usig),
	};

	return call(cmd, &a);
}

#ifdef __LP64__
long kaio_io_getevents(aio_context_t ctx, long min_nr, long nr, struct io_event *events,
		       struct timespec *timeout)
{
	return getevents(KAIO_IOC_GETEVENTS, ctx, min_nr, nr, events, timeout);
}

long kaio_io_pgetevents(aio_context_t ctx, long min_nr, long nr, struct io_event *events,
			struct timespec *timeout, const struct kaio_sigset *usig)
{
	return pgetevents(KAIO_IOC_PGETEVENTS, ctx, min_nr, nr, events, timeout, usig);
}
#else
/*
 * The 32-bit names keep the system calls' old 32-bit timespec whatever
 * time_t this file is compiled with; the header maps _TIME_BITS=64
 * programs to the _time64 ones.
 */
long kaio_io_getevents_time64(aio_context_t ctx, long min_nr, long nr,
			      struct io_event *events, void *timeout);
long kaio_io_pgetevents_time64(aio_context_t ctx, long min_nr, long nr,
			       struct io_event *events, void *timeout,
			       const struct kaio_sigset *usig);

long kaio_io_getevents(aio_context_t ctx, long min_nr, long nr, struct io_event *events,
		       struct timespec *timeout)
{
	if (!have_time32()) {
		errno = ENOSYS;
		return -1;
	}
	return getevents(KAIO_IOC_GETEVENTS_TIME32, ctx, min_nr, nr, events, timeout);
}

long kaio_io_pgetevents(aio_context_t ctx, long min_nr, long nr, struct io_event *events,
			struct timespec *timeout, const struct kaio_sigset *usig)
{
	if (!have_time32()) {
		errno = ENOSYS;
		return -1;
	}
	return pgetevents(KAIO_IOC_PGETEVENTS_TIME32, ctx, min_nr, nr, events, timeout, usig);
}

long kaio_io_getevents_time64(aio_context_t ctx, long min_nr, long nr,
			      struct io_event *events, void *timeout)
{
	return getevents(KAIO_IOC_GETEVENTS, ctx, min_nr, nr, events, timeout);
}

long kaio_io_pgetevents_time64(aio_context_t ctx, long min_nr, long nr,
			       struct io_event *events, void *timeout,
			       const struct kaio_sigset *usig)
{
	return pgetevents(KAIO_IOC_PGETEVENTS, ctx, min_nr, nr, events, timeout, usig);
}
#endif
