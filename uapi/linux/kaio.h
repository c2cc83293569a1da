/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kaio: Linux native AIO served by a loadable module through /dev/kaio.
 *
 * Each AIO system call has one ioctl whose argument block carries the
 * system call's arguments verbatim, in the same order, widened to fixed
 * width types (user pointers travel as __u64).  The ioctl returns what the
 * system call returns: a non-negative result, or -1 with errno set to the
 * value the system call would have set.  A wrapper is therefore mechanical:
 *
 *	long io_submit(aio_context_t ctx, long nr, struct iocb **iocbpp)
 *	{
 *		struct kaio_submit_args a = {
 *			.ctx = ctx, .nr = nr, .iocbpp = (__u64)(uintptr_t)iocbpp,
 *		};
 *		return ioctl(kaio_fd, KAIO_IOC_SUBMIT, &a);
 *	}
 *
 * Pointed-to objects (struct iocb, struct io_event, aio_context_t, the
 * iocb pointer array, the signal set argument) keep the layout of the
 * caller's ABI, exactly as the system call sees them: a 32-bit caller passes
 * arrays of 32-bit pointers and a 32-bit aio_context_t.  Timeouts are
 * struct __kernel_timespec (64-bit time), as io_pgetevents_time64 takes,
 * except for the two _TIME32 requests: they stand for the 32-bit time
 * system calls (io_getevents and io_pgetevents of a 32-bit program) and
 * take struct kaio_timespec32, read as those calls read it.  Like those
 * calls, they exist only on kernels built with CONFIG_COMPAT_32BIT_TIME
 * (KAIO_FEAT_TIME32).
 * io_pgetevents' usig points to a struct kaio_sigset (below), the same two
 * words fs/aio.c reads.
 *
 * KAIO_IOC_VERSION tells which operations the loaded module serves.  An
 * operation it does not serve fails with ENOTTY, as does any operation
 * called from a 32-bit process unless KAIO_FEAT_COMPAT is set.  Reserved
 * and padding fields must be zero (EINVAL otherwise).
 *
 * The structures and opcodes of <linux/aio_abi.h> are used unchanged.
 */
#ifndef _UAPI_LINUX_KAIO_H
#define _UAPI_LINUX_KAIO_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define KAIO_DEVICE_NAME	"kaio"		/* /dev/kaio */

/* Bumped on any incompatible change to this header. */
#define KAIO_ABI_VERSION	1

/* KAIO_IOC_VERSION: features[] bits, one per served operation. */
#define KAIO_FEAT_SETUP		(1ULL << 0)
#define KAIO_FEAT_DESTROY	(1ULL << 1)
#define KAIO_FEAT_SUBMIT	(1ULL << 2)
#define KAIO_FEAT_CANCEL	(1ULL << 3)
#define KAIO_FEAT_GETEVENTS	(1ULL << 4)
#define KAIO_FEAT_PGETEVENTS	(1ULL << 5)
#define KAIO_FEAT_COMPAT	(1ULL << 6)	/* serves 32-bit callers */
#define KAIO_FEAT_TIME32	(1ULL << 7)	/* the _TIME32 requests */
#define KAIO_FEAT_POLL		(1ULL << 8)	/* IOCB_CMD_POLL, cancellable */
#define KAIO_FEAT_SUBMIT_WAIT	(1ULL << 9)	/* KAIO_IOC_SUBMIT_WAIT */

struct kaio_version {
	__u32 abi_version;	/* KAIO_ABI_VERSION of the module */
	__u32 reserved;		/* written as 0 */
	__u64 features;		/* KAIO_FEAT_* */
};

/* io_setup(unsigned nr_events, aio_context_t *ctxp) */
struct kaio_setup_args {
	__u32 nr_events;
	__u32 pad;		/* must be 0 */
	__u64 ctxp;		/* aio_context_t __user * */
};

/* io_destroy(aio_context_t ctx) */
struct kaio_destroy_args {
	__u64 ctx;
};

/* io_submit(aio_context_t ctx, long nr, struct iocb __user * __user *iocbpp) */
struct kaio_submit_args {
	__u64 ctx;
	__s64 nr;
	__u64 iocbpp;
};

/* io_cancel(aio_context_t ctx, struct iocb __user *iocb, struct io_event __user *result) */
struct kaio_cancel_args {
	__u64 ctx;
	__u64 iocb;
	__u64 result;
};

/*
 * io_getevents(aio_context_t ctx, long min_nr, long nr,
 *		struct io_event __user *events, struct __kernel_timespec __user *timeout)
 */
struct kaio_getevents_args {
	__u64 ctx;
	__s64 min_nr;
	__s64 nr;
	__u64 events;
	__u64 timeout;
};

/*
 * io_pgetevents(aio_context_t ctx, long min_nr, long nr,
 *		 struct io_event __user *events, struct __kernel_timespec __user *timeout,
 *		 const struct kaio_sigset __user *usig)
 */
struct kaio_pgetevents_args {
	__u64 ctx;
	__s64 min_nr;
	__s64 nr;
	__u64 events;
	__u64 timeout;
	__u64 usig;
};

/*
 * KAIO_IOC_SUBMIT_WAIT: io_submit(ctx, nr, iocbpp), then, in the same call
 * and only if every one of the nr iocbs went in, io_getevents(ctx, min_nr,
 * nr_events, events, timeout).  Not a system call of the kernel's: one
 * crossing instead of two for a submit-and-wait round trip.
 *
 * Before anything is submitted, in this order: submitted is written 0
 * (EFAULT if it cannot be), then EINVAL for nr < 0, min_nr < 0 or
 * min_nr > nr_events, then the timeout is read (EFAULT), then the context
 * is looked up (EINVAL).  Then:
 *   - io_submit() fails: its error is returned; submitted stays 0;
 *   - otherwise submitted is what it returned (EFAULT only if another
 *     thread unmapped it meanwhile), and the call returns, without
 *     waiting or looking at signals, 0 when submitted < nr or when
 *     nr_events is 0; else what io_getevents() would: the number of
 *     events copied to events, EINVAL if the context was destroyed, EINTR
 *     when nothing was read and a signal is pending (not restarted: the
 *     iocbs are already in, and submitted says how many).
 * timeout points to a struct __kernel_timespec (64-bit time, also for
 * 32-bit callers), or is 0 to wait without limit.
 */
struct kaio_submit_wait_args {
	__u64 ctx;
	__s64 nr;
	__u64 iocbpp;		/* struct iocb *__user * (32-bit pointers for 32-bit callers) */
	__s64 min_nr;
	__s64 nr_events;
	__u64 events;		/* struct io_event __user * */
	__u64 timeout;		/* const struct __kernel_timespec __user * */
	__s64 submitted;	/* out */
};

/* The old 32-bit timespec of the _TIME32 requests' timeout. */
struct kaio_timespec32 {
	__s32 tv_sec;
	__s32 tv_nsec;
};

/*
 * io_pgetevents' signal set argument (usig), which fs/aio.c calls struct
 * __aio_sigset.  Like struct iovec it has the caller's word size: 16 bytes
 * from a 64-bit caller, 8 from a 32-bit one (struct kaio_sigset32 spells
 * that layout out).  sigmask NULL: the call keeps the thread's mask.
 */
struct kaio_sigset {
	const void *sigmask;		/* const sigset_t *, the mask for the wait */
	__kernel_size_t sigsetsize;	/* the kernel's sizeof(sigset_t): _NSIG / 8 */
};

/* struct kaio_sigset as a 32-bit caller lays it out. */
struct kaio_sigset32 {
	__u32 sigmask;
	__u32 sigsetsize;
};

/*
 * The completion ring.  A context id (aio_context_t) is the address of its
 * ring, mapped into the caller: this header, then struct io_event slots,
 * slot i at byte (i + 1) * 32 (header_length is the header's size).  Events
 * [head, tail) modulo nr are ready; a program may reap them without a
 * system call (libaio's and fio's userspace_reap): copy them, then store
 * the new head.  The layout is fs/aio.c's struct aio_ring.
 */
#define KAIO_RING_MAGIC			0xa10a10a1U
#define KAIO_RING_COMPAT_FEATURES	1U
#define KAIO_RING_INCOMPAT_FEATURES	0U

struct kaio_ring {
	__u32 id;		/* the context's index in its address space's table */
	__u32 nr;		/* number of io_event slots */
	__u32 head;		/* next slot to reap; written by the consumer */
	__u32 tail;		/* next slot to fill; written by the producer */
	__u32 magic;		/* KAIO_RING_MAGIC */
	__u32 compat_features;	/* KAIO_RING_COMPAT_FEATURES */
	__u32 incompat_features; /* KAIO_RING_INCOMPAT_FEATURES */
	__u32 header_length;	/* sizeof(struct kaio_ring) */
};

#define KAIO_IOC_MAGIC		0xA1	/* numbers 0x10-0x1f; 0x00 belongs to vtpm_proxy */

#define KAIO_IOC_VERSION	_IOR(KAIO_IOC_MAGIC, 0x10, struct kaio_version)
#define KAIO_IOC_SETUP		_IOW(KAIO_IOC_MAGIC, 0x11, struct kaio_setup_args)
#define KAIO_IOC_DESTROY	_IOW(KAIO_IOC_MAGIC, 0x12, struct kaio_destroy_args)
#define KAIO_IOC_SUBMIT		_IOW(KAIO_IOC_MAGIC, 0x13, struct kaio_submit_args)
#define KAIO_IOC_CANCEL		_IOW(KAIO_IOC_MAGIC, 0x14, struct kaio_cancel_args)
#define KAIO_IOC_GETEVENTS	_IOW(KAIO_IOC_MAGIC, 0x15, struct kaio_getevents_args)
#define KAIO_IOC_PGETEVENTS	_IOW(KAIO_IOC_MAGIC, 0x16, struct kaio_pgetevents_args)
/* The same, with timeout pointing to a struct kaio_timespec32. */
#define KAIO_IOC_GETEVENTS_TIME32	_IOW(KAIO_IOC_MAGIC, 0x17, struct kaio_getevents_args)
#define KAIO_IOC_PGETEVENTS_TIME32	_IOW(KAIO_IOC_MAGIC, 0x18, struct kaio_pgetevents_args)
/* Submit, then wait; see struct kaio_submit_wait_args. */
#define KAIO_IOC_SUBMIT_WAIT	_IOWR(KAIO_IOC_MAGIC, 0x19, struct kaio_submit_wait_args)

#endif /* _UAPI_LINUX_KAIO_H */
