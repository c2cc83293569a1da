// SPDX-License-Identifier: GPL-2.0
/*
 * libkaio-preload.so: LD_PRELOAD it and a program's AIO goes to /dev/kaio.
 *
 * Two doors lead a program to AIO: the C library's syscall() with an AIO
 * number (Debian's libaio, fio and many test suites use it), and libaio's
 * io_* functions (libaio_api.c, versioned as libaio.so.1).  Both end in
 * route.c.  Every other system call number goes to the kernel untouched,
 * with the C library's convention (-1 and errno), issued by the shim
 * itself: it works before any constructor has run, so a library whose
 * constructor runs before the shim's can make system calls too.
 *
 * Programs that issue the syscall instruction themselves are not seen.
 */
#include <stdarg.h>
#include <sys/syscall.h>

#include "route.h"

KAIO_EXPORT long syscall(long nr, ...);

long syscall(long nr, ...)
{
	long a[6];
	va_list ap;

	/* syscall() cannot know how many arguments it got; take six, as the C library does. */
	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);

	switch (nr) {
	case SYS_io_setup:
		return kaio_route_setup((unsigned int)a[0], (aio_context_t *)a[1]);
	case SYS_io_destroy:
		return kaio_route_destroy((aio_context_t)a[0]);
	case SYS_io_submit:
		return kaio_route_submit((aio_context_t)a[0], a[1], (struct iocb **)a[2]);
	case SYS_io_cancel:
		return kaio_route_cancel((aio_context_t)a[0], (struct iocb *)a[1],
				    (struct io_event *)a[2]);
	case SYS_io_getevents:
		return kaio_route_getevents((aio_context_t)a[0], a[1], a[2], (struct io_event *)a[3],
				       (void *)a[4]);
	case SYS_io_pgetevents:
		return kaio_route_pgetevents((aio_context_t)a[0], a[1], a[2],
					(struct io_event *)a[3], (void *)a[4], (const void *)a[5]);
#ifndef __LP64__
	case SYS_io_pgetevents_time64:
		return kaio_route_pgetevents_time64((aio_context_t)a[0], a[1], a[2],
					       (struct io_event *)a[3], (void *)a[4],
					       (const void *)a[5]);
#endif
	}
	return kaio_route_native_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}
