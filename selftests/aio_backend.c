// SPDX-License-Identifier: GPL-2.0
/*
 * The native and kaio backends of aio_backend.h.
 */
#include "aio_backend.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* native: syscall(2)                                                  */

long native_io_setup(unsigned int nr_events, aio_context_t *ctxp)
{
	return syscall(__NR_io_setup, nr_events, ctxp);
}

long native_io_destroy(aio_context_t ctx)
{
	return syscall(__NR_io_destroy, ctx);
}

long native_io_submit(aio_context_t ctx, long nr, struct iocb **iocbpp)
{
	return syscall(__NR_io_submit, ctx, nr, iocbpp);
}

long native_io_cancel(aio_context_t ctx, struct iocb *iocb, struct io_event *result)
{
	return syscall(__NR_io_cancel, ctx, iocb, result);
}

#if defined(__x86_64__) && !defined(__ILP32__)
/* The 64-bit calls take struct __kernel_timespec. */
long native_io_getevents(aio_context_t ctx, long min_nr, long nr,
			 struct io_event *events, struct __kernel_timespec *timeout)
{
	return syscall(__NR_io_getevents, ctx, min_nr, nr, events, timeout);
}

long native_io_pgetevents(aio_context_t ctx, long min_nr, long nr,
			  struct io_event *events, struct __kernel_timespec *timeout,
			  const struct kaio_sigset *usig)
{
	return syscall(__NR_io_pgetevents, ctx, min_nr, nr, events, timeout, usig);
}
#elif defined(__i386__)
/*
 * i386: __NR_io_getevents and __NR_io_pgetevents take the 32-bit
 * old_timespec32; only io_pgetevents has a time64 twin.  See aio_backend.h.
 */
#ifndef __NR_io_pgetevents_time64
#define __NR_io_pgetevents_time64 416
#endif
long native_io_getevents(aio_context_t ctx, long min_nr, long nr,
			 struct io_event *events, struct __kernel_timespec *timeout)
{
	return syscall(__NR_io_pgetevents_time64, ctx, min_nr, nr, events, timeout,
		       (const struct kaio_sigset *)NULL);
}

long native_io_pgetevents(aio_context_t ctx, long min_nr, long nr,
			  struct io_event *events, struct __kernel_timespec *timeout,
			  const struct kaio_sigset *usig)
{
	return syscall(__NR_io_pgetevents_time64, ctx, min_nr, nr, events, timeout, usig);
}
#else
#error "aio_backend: only x86-64 and i386 are supported"
#endif

static bool native_serves(enum aio_op op, char *why, size_t len)
{
	static int probed;	/* 0: not yet, 1: AIO present, -1: absent */

	if ((unsigned int)op >= AIO_OP_NR) {
		snprintf(why, len, "unknown operation %d", (int)op);
		return false;
	}
	if (!probed) {
		/* io_destroy(0) is EINVAL when the kernel has AIO. */
		long ret = native_io_destroy(0);

		probed = (ret < 0 && errno == ENOSYS) ? -1 : 1;
	}
	if (probed < 0) {
		snprintf(why, len, "native: the kernel has no AIO system calls (CONFIG_AIO=n)");
		return false;
	}
	return true;
}

static int read_ulong_file(const char *path, unsigned long *out)
{
	char buf[64];
	ssize_t n;
	char *end;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0) {
		errno = n < 0 ? errno : EINVAL;
		return -1;
	}
	buf[n] = '\0';
	errno = 0;
	*out = strtoul(buf, &end, 10);
	if (errno || end == buf) {
		errno = errno ? errno : EINVAL;
		return -1;
	}
	return 0;
}

static int native_max_nr(unsigned long *out)
{
	return read_ulong_file("/proc/sys/fs/aio-max-nr", out);
}

static int native_nr_in_use(unsigned long *out)
{
	return read_ulong_file("/proc/sys/fs/aio-nr", out);
}

const struct aio_backend aio_backend_native = {
	.name = "native",
	.io_setup = native_io_setup,
	.io_destroy = native_io_destroy,
	.io_submit = native_io_submit,
	.io_cancel = native_io_cancel,
	.io_getevents = native_io_getevents,
	.io_pgetevents = native_io_pgetevents,
	.serves = native_serves,
	.max_nr = native_max_nr,
	.nr_in_use = native_nr_in_use,
};

/* ------------------------------------------------------------------ */
/* kaio: ioctl(2) on /dev/kaio                                         */

static int kaio_fd = -1;

int kaio_device_fd(void)
{
	if (kaio_fd < 0)
		kaio_fd = open(KAIO_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	return kaio_fd;
}

static long kaio_ioctl(unsigned long request, void *args)
{
	int fd = kaio_device_fd();

	if (fd < 0)
		return -1;
	return ioctl(fd, request, args);
}

int kaio_get_version(struct kaio_version *v)
{
	return (int)kaio_ioctl(KAIO_IOC_VERSION, v);
}

/*
 * Integer arguments are assigned to the fixed-width fields by C's
 * conversions: aio_context_t and pointers (via KAIO_PTR) are unsigned and
 * zero-extend, `long` is signed and sign-extends, as the header requires.
 */
long kaio_ioctl_setup(unsigned int nr_events, aio_context_t *ctxp)
{
	struct kaio_setup_args a = {
		.nr_events = nr_events,
		.pad = 0,
		.ctxp = KAIO_PTR(ctxp),
	};

	return kaio_ioctl(KAIO_IOC_SETUP, &a);
}

long kaio_ioctl_destroy(aio_context_t ctx)
{
	struct kaio_destroy_args a = {
		.ctx = ctx,
	};

	return kaio_ioctl(KAIO_IOC_DESTROY, &a);
}

long kaio_ioctl_submit(aio_context_t ctx, long nr, struct iocb **iocbpp)
{
	struct kaio_submit_args a = {
		.ctx = ctx,
		.nr = nr,
		.iocbpp = KAIO_PTR(iocbpp),
	};

	return kaio_ioctl(KAIO_IOC_SUBMIT, &a);
}

long kaio_ioctl_cancel(aio_context_t ctx, struct iocb *iocb, struct io_event *result)
{
	struct kaio_cancel_args a = {
		.ctx = ctx,
		.iocb = KAIO_PTR(iocb),
		.result = KAIO_PTR(result),
	};

	return kaio_ioctl(KAIO_IOC_CANCEL, &a);
}

long kaio_ioctl_getevents(aio_context_t ctx, long min_nr, long nr,
			  struct io_event *events, struct __kernel_timespec *timeout)
{
	struct kaio_getevents_args a = {
		.ctx = ctx,
		.min_nr = min_nr,
		.nr = nr,
		.events = KAIO_PTR(events),
		.timeout = KAIO_PTR(timeout),
	};

	return kaio_ioctl(KAIO_IOC_GETEVENTS, &a);
}

long kaio_ioctl_pgetevents(aio_context_t ctx, long min_nr, long nr,
			   struct io_event *events, struct __kernel_timespec *timeout,
			   const struct kaio_sigset *usig)
{
	struct kaio_pgetevents_args a = {
		.ctx = ctx,
		.min_nr = min_nr,
		.nr = nr,
		.events = KAIO_PTR(events),
		.timeout = KAIO_PTR(timeout),
		.usig = KAIO_PTR(usig),
	};

	return kaio_ioctl(KAIO_IOC_PGETEVENTS, &a);
}

static const struct {
	const char *name;
	unsigned long request;
	__u64 feature;
} kaio_ops[AIO_OP_NR] = {
	[AIO_OP_SETUP] = { "io_setup", KAIO_IOC_SETUP, KAIO_FEAT_SETUP },
	[AIO_OP_DESTROY] = { "io_destroy", KAIO_IOC_DESTROY, KAIO_FEAT_DESTROY },
	[AIO_OP_SUBMIT] = { "io_submit", KAIO_IOC_SUBMIT, KAIO_FEAT_SUBMIT },
	[AIO_OP_CANCEL] = { "io_cancel", KAIO_IOC_CANCEL, KAIO_FEAT_CANCEL },
	[AIO_OP_GETEVENTS] = { "io_getevents", KAIO_IOC_GETEVENTS, KAIO_FEAT_GETEVENTS },
	[AIO_OP_PGETEVENTS] = { "io_pgetevents", KAIO_IOC_PGETEVENTS, KAIO_FEAT_PGETEVENTS },
};

const char *aio_op_name(enum aio_op op)
{
	return (unsigned int)op < AIO_OP_NR ? kaio_ops[op].name : "?";
}

unsigned long kaio_op_request(enum aio_op op)
{
	return (unsigned int)op < AIO_OP_NR ? kaio_ops[op].request : 0;
}

__u64 kaio_op_feature(enum aio_op op)
{
	return (unsigned int)op < AIO_OP_NR ? kaio_ops[op].feature : 0;
}

bool kaio_features_serve(__u64 features, enum aio_op op)
{
	__u64 bit = kaio_op_feature(op);

	if (!bit || !(features & bit))
		return false;
	return !aio_abi_is_32bit() || (features & KAIO_FEAT_COMPAT);
}

static bool kaio_serves(enum aio_op op, char *why, size_t len)
{
	struct kaio_version v;

	if ((unsigned int)op >= AIO_OP_NR) {
		snprintf(why, len, "unknown operation %d", (int)op);
		return false;
	}
	if (kaio_device_fd() < 0) {
		snprintf(why, len, "kaio: cannot open %s: %s", KAIO_DEVICE_PATH, strerror(errno));
		return false;
	}
	if (kaio_get_version(&v)) {
		snprintf(why, len, "kaio: KAIO_IOC_VERSION failed: %s", strerror(errno));
		return false;
	}
	if (v.abi_version != KAIO_ABI_VERSION) {
		snprintf(why, len, "kaio: module ABI %u, tests built for ABI %u",
			 v.abi_version, KAIO_ABI_VERSION);
		return false;
	}
	if (!(v.features & kaio_op_feature(op))) {
		snprintf(why, len, "kaio: module does not serve %s (features 0x%llx)",
			 aio_op_name(op), (unsigned long long)v.features);
		return false;
	}
	if (!kaio_features_serve(v.features, op)) {
		snprintf(why, len, "kaio: module does not serve 32-bit callers (features 0x%llx)",
			 (unsigned long long)v.features);
		return false;
	}
	return true;
}

/* kaio's own quota: fs/aio-* belong to the built-in AIO. */
static int kaio_max_nr(unsigned long *out)
{
	return read_ulong_file("/proc/sys/fs/kaio/aio-max-nr", out);
}

static int kaio_nr_in_use(unsigned long *out)
{
	return read_ulong_file("/proc/sys/fs/kaio/aio-nr", out);
}

const struct aio_backend aio_backend_kaio = {
	.name = "kaio",
	.io_setup = kaio_ioctl_setup,
	.io_destroy = kaio_ioctl_destroy,
	.io_submit = kaio_ioctl_submit,
	.io_cancel = kaio_ioctl_cancel,
	.io_getevents = kaio_ioctl_getevents,
	.io_pgetevents = kaio_ioctl_pgetevents,
	.serves = kaio_serves,
	.max_nr = kaio_max_nr,
	.nr_in_use = kaio_nr_in_use,
};
