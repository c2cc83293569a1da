/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libkaio: the AIO system calls, served by /dev/kaio.
 *
 * Each kaio_io_*() function has the signature of the system call it stands
 * for and its convention: a non-negative result, or -1 with errno set to
 * exactly what the system call would have set.  A program that calls
 *
 *	syscall(__NR_io_submit, ctx, nr, iocbpp)
 *
 * can call kaio_io_submit(ctx, nr, iocbpp) instead and see the same
 * results, the same ring (the context id is the ring's address, laid out as
 * the kernel's own) and the same errors.
 *
 * The library opens the device (/dev/kaio, or $KAIO_DEVICE) once per process,
 * on first use, close-on-exec.  Contexts belong to the process's address
 * space as native ones do: a forked child keeps using the inherited
 * descriptor, cannot use its parent's contexts (EINVAL, as natively) and
 * makes its own.  If the program closes the descriptor behind the library's
 * back, the next call notices and reopens.  Every function is thread-safe.
 *
 * When the device cannot be used (not there, no permission, another ABI
 * version), every kaio_io_*() call fails with ENOSYS, as the system calls do
 * on a kernel built without AIO; kaio_probe() tells why.
 *
 * The header includes <linux/aio_abi.h> (struct iocb, struct io_event), so
 * a file cannot include it together with libaio's <libaio.h>, which names
 * the same structures differently.  It also includes kaio's <linux/kaio.h>
 * (uapi/ on the include path) for struct kaio_sigset, io_pgetevents' signal
 * set argument { sigmask, sigsetsize } as the system call reads it.
 *
 * Timeouts are struct timespec of the caller.  A 32-bit program built with
 * 64-bit time_t (_TIME_BITS=64) gets the time64 entry points through asm
 * labels, as glibc does for its own calls.  With the default 32-bit time_t,
 * kaio_io_getevents() and kaio_io_pgetevents() stand for the 32-bit time
 * system calls, and like them fail with ENOSYS on a kernel built without
 * CONFIG_COMPAT_32BIT_TIME.
 */
#ifndef LIBKAIO_H
#define LIBKAIO_H

#include <linux/aio_abi.h>
#include <linux/kaio.h>
#include <signal.h>
#include <stddef.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * 0 when /dev/kaio can serve this process; otherwise -1 with errno: what
 * open() failed with, EPROTO for a module of another ABI version, ENOSYS
 * when the module does not serve this kind of process (32-bit without
 * compat support) or lacks one of the six operations.
 */
int kaio_probe(void);

/* The descriptor in use (opening it if need be), or -1 with errno as kaio_probe(). */
int kaio_fd(void);

/*
 * Close the library's descriptor; the next call opens the device again.
 * Contexts are not affected (they belong to the address space).  Not to be
 * called while another thread is inside a kaio_io_*() call.
 */
void kaio_close(void);

#if !defined(__LP64__) && defined(__USE_TIME_BITS64)
#define LIBKAIO_TIME64(name) __asm__(#name "_time64")
#else
#define LIBKAIO_TIME64(name)
#endif

long kaio_io_setup(unsigned int nr_events, aio_context_t *ctxp);
long kaio_io_destroy(aio_context_t ctx);
long kaio_io_submit(aio_context_t ctx, long nr, struct iocb **iocbpp);
long kaio_io_cancel(aio_context_t ctx, struct iocb *iocb, struct io_event *result);
long kaio_io_getevents(aio_context_t ctx, long min_nr, long nr, struct io_event *events,
		       struct timespec *timeout) LIBKAIO_TIME64(kaio_io_getevents);
long kaio_io_pgetevents(aio_context_t ctx, long min_nr, long nr, struct io_event *events,
			struct timespec *timeout, const struct kaio_sigset *usig)
	LIBKAIO_TIME64(kaio_io_pgetevents);

/*
 * Beyond the system calls: kaio_io_submit(ctx, nr, iocbpp) and then, in the
 * same crossing into the kernel and only if all nr iocbs went in,
 * kaio_io_getevents(ctx, min_nr, nr_events, events, timeout).  Returns the
 * number of events read (0 without waiting when fewer than nr iocbs went
 * in, or when nr_events is 0) or -1 with errno; *submitted (may be NULL)
 * is set to the number submitted whenever the call got that far (on EINTR
 * too, which ends a wait that read nothing and is not restarted).  The
 * wait's arguments are checked before anything is submitted.  The timeout
 * is 64-bit (struct __kernel_timespec) for 32-bit callers too.  ENOSYS if
 * the module lacks KAIO_FEAT_SUBMIT_WAIT.
 */
struct __kernel_timespec;
long kaio_io_submit_wait(aio_context_t ctx, long nr, struct iocb **iocbpp, long min_nr,
			 long nr_events, struct io_event *events,
			 const struct __kernel_timespec *timeout, long *submitted);

#ifdef __cplusplus
}
#endif

#endif /* LIBKAIO_H */
