// SPDX-License-Identifier: GPL-2.0
/*
 * The per-process choice between /dev/kaio and the kernel's own AIO, for
 * programs that were not written for kaio (see route.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "libkaio.h"
#include "route.h"

#ifndef __LP64__
long kaio_io_pgetevents_time64(aio_context_t ctx, long min_nr, long nr,
			       struct io_event *events, void *timeout,
			       const struct kaio_sigset *usig);
#endif

enum route { ROUTE_UNDECIDED, ROUTE_KAIO, ROUTE_NATIVE, ROUTE_FAIL };

static int route_taken = ROUTE_UNDECIDED;

#ifdef KAIO_PRELOAD
/*
 * The shim is the program's syscall(): the other numbers are issued here,
 * with the instruction itself.  Nothing to look up, so nothing that a
 * constructor running before the shim's, or a signal handler, could find
 * missing.
 */
#if defined(__x86_64__)
static long raw_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	long ret;

	/* The instruction clobbers rcx (return address) and r11 (flags). */
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}
#elif defined(__i386__)
static long raw_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	/*
	 * int $0x80 takes the arguments in ebx, ecx, edx, esi, edi, ebp.
	 * ebx may hold the GOT pointer and ebp the frame pointer, neither of
	 * which the compiler lets an asm claim: both are saved on the stack
	 * and loaded, like the others, from the array edi points to; edi
	 * last, as it holds the pointer.
	 */
	long args[6] = { a1, a2, a3, a4, a5, a6 };
	long *p = args;
	long ret;

	__asm__ volatile("push %%ebx\n\t"
			 "push %%ebp\n\t"
			 "mov 0(%%edi), %%ebx\n\t"
			 "mov 4(%%edi), %%ecx\n\t"
			 "mov 8(%%edi), %%edx\n\t"
			 "mov 12(%%edi), %%esi\n\t"
			 "mov 20(%%edi), %%ebp\n\t"
			 "mov 16(%%edi), %%edi\n\t"
			 "int $0x80\n\t"
			 "pop %%ebp\n\t"
			 "pop %%ebx"
			 : "=a"(ret), "+D"(p)
			 : "0"(nr)
			 : "ecx", "edx", "esi", "memory");
	return ret;
}
#else
#error "the preload shim issues system calls itself: x86-64 and i386 only"
#endif

long kaio_route_native_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	long ret = raw_syscall(nr, a1, a2, a3, a4, a5, a6);

	/* The C library's convention: -4095..-1 are errors, anything else a result. */
	if ((unsigned long)ret > -4096UL) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}
#else
long kaio_route_native_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	return syscall(nr, a1, a2, a3, a4, a5, a6);
}
#endif

static void say(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0) {
		if ((size_t)n >= sizeof(buf))
			n = sizeof(buf) - 1;
		if (write(STDERR_FILENO, buf, (size_t)n) < 0) {
			/* Nowhere left to report it. */
		}
	}
}

/*
 * Open failures that say nothing about the device (out of descriptors or
 * memory, a signal): fail this call, decide again at the next.
 */
static bool transient(int err)
{
	return err == EMFILE || err == ENFILE || err == ENOMEM || err == EINTR || err == EAGAIN;
}

static const char *device_path(void)
{
	const char *dev = secure_getenv("KAIO_DEVICE");

	return dev && *dev ? dev : "/dev/kaio";
}

/*
 * The process's route, taken at its first AIO call.  errno is left as it
 * was: a call that succeeds must not change it.
 */
static int decide(void)
{
	int taken = __atomic_load_n(&route_taken, __ATOMIC_ACQUIRE);
	int expected = ROUTE_UNDECIDED;
	const char *fallback;
	int saved, err = 0;

	if (taken != ROUTE_UNDECIDED)
		return taken;
	saved = errno;
	if (kaio_probe() == 0) {
		taken = ROUTE_KAIO;
	} else {
		err = errno;
		fallback = secure_getenv("KAIO_FALLBACK");
		taken = fallback && !strcmp(fallback, "native") ? ROUTE_NATIVE : ROUTE_FAIL;
	}
	if (taken == ROUTE_FAIL && transient(err))
		say("libkaio: %s: %s; this AIO call fails with ENOSYS\n", device_path(),
		    strerror(err));
	else if (!__atomic_compare_exchange_n(&route_taken, &expected, taken, false,
					      __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		taken = expected;	/* another thread decided first, and said why */
	else if (taken == ROUTE_NATIVE)
		say("libkaio: %s: %s; using the kernel's own AIO (KAIO_FALLBACK=native)\n",
		    device_path(), strerror(err));
	else if (taken == ROUTE_FAIL)
		say("libkaio: %s: %s; AIO calls fail with ENOSYS (is kaio.ko loaded? "
		    "KAIO_FALLBACK=native uses the kernel's own AIO instead)\n",
		    device_path(), strerror(err));
	errno = saved;
	return taken;
}

/* KAIO_PRELOAD_LOG: one line per io_setup that succeeded, and where it went. */
static void log_setup(unsigned int nr_events, int taken)
{
	const char *path = secure_getenv("KAIO_PRELOAD_LOG");
	char line[96];
	int fd, n, saved = errno;

	if (!path || !*path)
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		goto out;
	n = snprintf(line, sizeof(line), "pid %d io_setup nr=%u %s\n", (int)getpid(), nr_events,
		     taken == ROUTE_KAIO ? "kaio" : "native");
	if (n > 0 && write(fd, line, (size_t)n) < 0) {
		/* A test harness's problem; never the program's. */
	}
	close(fd);
out:
	errno = saved;
}

static long no_aio(void)
{
	errno = ENOSYS;
	return -1;
}

#define L(x) ((long)(x))

long kaio_route_setup(unsigned int nr_events, aio_context_t *ctxp)
{
	int taken = decide();
	long ret;

	if (taken == ROUTE_KAIO)
		ret = kaio_io_setup(nr_events, ctxp);
	else if (taken == ROUTE_NATIVE)
		ret = kaio_route_native_syscall(SYS_io_setup, L(nr_events), L(ctxp), 0, 0, 0, 0);
	else
		return no_aio();
	if (ret == 0)
		log_setup(nr_events, taken);
	return ret;
}

long kaio_route_destroy(aio_context_t ctx)
{
	switch (decide()) {
	case ROUTE_KAIO:
		return kaio_io_destroy(ctx);
	case ROUTE_NATIVE:
		return kaio_route_native_syscall(SYS_io_destroy, L(ctx), 0, 0, 0, 0, 0);
	}
	return no_aio();
}

long kaio_route_submit(aio_context_t ctx, long nr, struct iocb **iocbpp)
{
	switch (decide()) {
	case ROUTE_KAIO:
		return kaio_io_submit(ctx, nr, iocbpp);
	case ROUTE_NATIVE:
		return kaio_route_native_syscall(SYS_io_submit, L(ctx), nr, L(iocbpp), 0, 0, 0);
	}
	return no_aio();
}

long kaio_route_cancel(aio_context_t ctx, struct iocb *iocb, struct io_event *result)
{
	switch (decide()) {
	case ROUTE_KAIO:
		return kaio_io_cancel(ctx, iocb, result);
	case ROUTE_NATIVE:
		return kaio_route_native_syscall(SYS_io_cancel, L(ctx), L(iocb), L(result), 0, 0, 0);
	}
	return no_aio();
}

long kaio_route_getevents(aio_context_t ctx, long min_nr, long nr, struct io_event *events,
		     void *timeout)
{
	switch (decide()) {
	case ROUTE_KAIO:
		return kaio_io_getevents(ctx, min_nr, nr, events, timeout);
	case ROUTE_NATIVE:
		return kaio_route_native_syscall(SYS_io_getevents, L(ctx), min_nr, nr, L(events),
					    L(timeout), 0);
	}
	return no_aio();
}

long kaio_route_pgetevents(aio_context_t ctx, long min_nr, long nr, struct io_event *events,
		      void *timeout, const void *usig)
{
	switch (decide()) {
	case ROUTE_KAIO:
		return kaio_io_pgetevents(ctx, min_nr, nr, events, timeout, usig);
	case ROUTE_NATIVE:
		return kaio_route_native_syscall(SYS_io_pgetevents, L(ctx), min_nr, nr, L(events),
					    L(timeout), L(usig));
	}
	return no_aio();
}

#ifndef __LP64__
long kaio_route_pgetevents_time64(aio_context_t ctx, long min_nr, long nr, struct io_event *events,
			     void *timeout, const void *usig)
{
	switch (decide()) {
	case ROUTE_KAIO:
		return kaio_io_pgetevents_time64(ctx, min_nr, nr, events, timeout, usig);
	case ROUTE_NATIVE:
		return kaio_route_native_syscall(SYS_io_pgetevents_time64, L(ctx), min_nr, nr,
					    L(events), L(timeout), L(usig));
	}
	return no_aio();
}
#endif
