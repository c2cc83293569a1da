/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal to libkaio: where the AIO calls of a program that did not ask
 * for kaio by name go (the preload shim and the libaio-compatible archive).
 *
 * Each process decides once, at its first AIO call: /dev/kaio when it can
 * be used; otherwise the kernel's own system calls if KAIO_FALLBACK=native,
 * else every call fails with ENOSYS.  Either way a one-line reason goes to
 * stderr.  The route_*() functions have the system calls' convention and,
 * on 32-bit, their 32-bit time arguments.
 */
#ifndef LIBKAIO_ROUTE_H
#define LIBKAIO_ROUTE_H

#include <linux/aio_abi.h>

#define KAIO_HIDDEN __attribute__((visibility("hidden")))
#define KAIO_EXPORT __attribute__((visibility("default")))

KAIO_HIDDEN long kaio_route_setup(unsigned int nr_events, aio_context_t *ctxp);
KAIO_HIDDEN long kaio_route_destroy(aio_context_t ctx);
KAIO_HIDDEN long kaio_route_submit(aio_context_t ctx, long nr, struct iocb **iocbpp);
KAIO_HIDDEN long kaio_route_cancel(aio_context_t ctx, struct iocb *iocb, struct io_event *result);
KAIO_HIDDEN long kaio_route_getevents(aio_context_t ctx, long min_nr, long nr,
				 struct io_event *events, void *timeout);
KAIO_HIDDEN long kaio_route_pgetevents(aio_context_t ctx, long min_nr, long nr,
				  struct io_event *events, void *timeout, const void *usig);
#ifndef __LP64__
KAIO_HIDDEN long kaio_route_pgetevents_time64(aio_context_t ctx, long min_nr, long nr,
					 struct io_event *events, void *timeout,
					 const void *usig);
#endif

/*
 * A system call with the C library's syscall() convention (-1 and errno).
 * The preload shim, being the syscall() that programs see, issues it
 * itself; the archive calls the C library's.
 */
KAIO_HIDDEN long kaio_route_native_syscall(long nr, long a1, long a2, long a3, long a4, long a5,
				      long a6);

#endif /* LIBKAIO_ROUTE_H */
