/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The six Linux AIO system calls, behind two interchangeable backends:
 *
 *   native  the kernel's own system calls, through syscall(2)
 *   kaio    the same operations as ioctls on /dev/kaio (uapi/linux/kaio.h)
 *
 * Every call has the system call's signature and convention: a
 * non-negative result, or -1 with errno set.  A test written against
 * struct aio_backend therefore runs unchanged on both, and the native
 * backend is the oracle the kaio backend must agree with.
 *
 * Pointed-to objects always have the caller's ABI layout (32-bit pointers
 * and aio_context_t in an -m32 build), except timeouts, which are always
 * struct __kernel_timespec (64-bit time):
 *
 *   - 64-bit native: io_getevents(2) and io_pgetevents(2) take
 *     struct __kernel_timespec already.
 *   - 32-bit native: i386 has no io_getevents with 64-bit time, so
 *     io_getevents() is io_pgetevents_time64(2) (416) with usig == NULL, and
 *     io_pgetevents() is io_pgetevents_time64(2).  The only difference from
 *     the time32 io_getevents(2) (247): interrupted by a signal that runs no
 *     handler, it restarts instead of failing with EINTR.
 *   - kaio: the ioctl takes struct __kernel_timespec from both ABIs.
 */
#ifndef KAIO_SELFTEST_AIO_BACKEND_H
#define KAIO_SELFTEST_AIO_BACKEND_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/aio_abi.h>
#include <linux/time_types.h>
#include <linux/kaio.h>

#define KAIO_DEVICE_PATH	"/dev/" KAIO_DEVICE_NAME

/* Every KAIO_FEAT_* bit the header defines. */
#define KAIO_FEAT_ALL	(KAIO_FEAT_POLL | KAIO_FEAT_SETUP | KAIO_FEAT_DESTROY | KAIO_FEAT_SUBMIT | \
			 KAIO_FEAT_CANCEL | KAIO_FEAT_GETEVENTS | KAIO_FEAT_PGETEVENTS | \
			 KAIO_FEAT_COMPAT | KAIO_FEAT_TIME32 | KAIO_FEAT_SUBMIT_WAIT)

/* A user pointer as the __u64 of a kaio argument block: zero-extended. */
#define KAIO_PTR(p)	((__u64)(uintptr_t)(p))

/*
 * io_pgetevents(2)'s signal argument is <linux/kaio.h>'s struct kaio_sigset:
 * { sigmask, sigsetsize }, of the caller's word size.
 */

/* The kernel's sizeof(sigset_t), which sigsetsize must equal (glibc's is larger). */
#define AIO_KERNEL_SIGSET_SIZE	(_NSIG / 8)

enum aio_op {
	AIO_OP_SETUP,
	AIO_OP_DESTROY,
	AIO_OP_SUBMIT,
	AIO_OP_CANCEL,
	AIO_OP_GETEVENTS,
	AIO_OP_PGETEVENTS,
	AIO_OP_NR,
};

struct aio_backend {
	const char *name;

	long (*io_setup)(unsigned int nr_events, aio_context_t *ctxp);
	long (*io_destroy)(aio_context_t ctx);
	long (*io_submit)(aio_context_t ctx, long nr, struct iocb **iocbpp);
	long (*io_cancel)(aio_context_t ctx, struct iocb *iocb, struct io_event *result);
	long (*io_getevents)(aio_context_t ctx, long min_nr, long nr,
			     struct io_event *events, struct __kernel_timespec *timeout);
	long (*io_pgetevents)(aio_context_t ctx, long min_nr, long nr,
			      struct io_event *events, struct __kernel_timespec *timeout,
			      const struct kaio_sigset *usig);

	/*
	 * Whether this backend serves @op for this process (its ABI included).
	 * If not, returns false and writes the reason into @why.
	 */
	bool (*serves)(enum aio_op op, char *why, size_t len);

	/*
	 * The system-wide limit on the sum of nr_events and its current use
	 * (native: fs.aio-max-nr and fs.aio-nr; kaio: its own
	 * fs.kaio.aio-max-nr and fs.kaio.aio-nr): 0, or -1 with errno when
	 * the file cannot be read.
	 */
	int (*max_nr)(unsigned long *out);
	int (*nr_in_use)(unsigned long *out);
};

extern const struct aio_backend aio_backend_native;
extern const struct aio_backend aio_backend_kaio;

/*
 * The backends' calls, also usable directly: native_io_*() make the system
 * calls, kaio_ioctl_*() the ioctls (libkaio's kaio_io_*() are not used here).
 */
long native_io_setup(unsigned int nr_events, aio_context_t *ctxp);
long native_io_destroy(aio_context_t ctx);
long native_io_submit(aio_context_t ctx, long nr, struct iocb **iocbpp);
long native_io_cancel(aio_context_t ctx, struct iocb *iocb, struct io_event *result);
long native_io_getevents(aio_context_t ctx, long min_nr, long nr,
			 struct io_event *events, struct __kernel_timespec *timeout);
long native_io_pgetevents(aio_context_t ctx, long min_nr, long nr,
			  struct io_event *events, struct __kernel_timespec *timeout,
			  const struct kaio_sigset *usig);

long kaio_ioctl_setup(unsigned int nr_events, aio_context_t *ctxp);
long kaio_ioctl_destroy(aio_context_t ctx);
long kaio_ioctl_submit(aio_context_t ctx, long nr, struct iocb **iocbpp);
long kaio_ioctl_cancel(aio_context_t ctx, struct iocb *iocb, struct io_event *result);
long kaio_ioctl_getevents(aio_context_t ctx, long min_nr, long nr,
			  struct io_event *events, struct __kernel_timespec *timeout);
long kaio_ioctl_pgetevents(aio_context_t ctx, long min_nr, long nr,
			   struct io_event *events, struct __kernel_timespec *timeout,
			   const struct kaio_sigset *usig);

/*
 * The process's /dev/kaio descriptor, opened (O_RDWR | O_CLOEXEC) on first
 * use and kept open: >= 0, or -1 with errno from open(2).
 */
int kaio_device_fd(void);

/* KAIO_IOC_VERSION on kaio_device_fd(): 0, or -1 with errno. */
int kaio_get_version(struct kaio_version *v);

/* The ioctl request and KAIO_FEAT_* bit of an operation. */
unsigned long kaio_op_request(enum aio_op op);
__u64 kaio_op_feature(enum aio_op op);
const char *aio_op_name(enum aio_op op);

/*
 * Whether the module serves @op to a caller of this ABI, given the
 * features it advertises: the op's bit, and for a 32-bit caller also
 * KAIO_FEAT_COMPAT.
 */
bool kaio_features_serve(__u64 features, enum aio_op op);

/* true when built -m32 (the kernel serves us through its compat paths). */
static inline bool aio_abi_is_32bit(void)
{
	return sizeof(void *) == 4;
}

#endif /* KAIO_SELFTEST_AIO_BACKEND_H */
