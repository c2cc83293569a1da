// SPDX-License-Identifier: GPL-2.0
/*
 * libctor-syscall.so, the library of ctor-syscall: its constructor makes
 * system calls that are not AIO through the C library's syscall() before
 * the program's main() runs, as libnuma's does (sched_getaffinity) in fio.
 * ld.so runs it before the constructors of a preloaded library that does
 * not depend on it, so under libkaio-preload.so these calls reach the
 * shim's syscall() before anything the shim could set up in a constructor:
 * its pass-through must not need any, and must keep the C library's result
 * and errno convention.
 *
 * syscall_report() prints one line per check and nothing that differs
 * between two correct runs; the program calls it again from main().
 */
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096

__attribute__((visibility("default"))) void syscall_report(const char *who);

static void say(const char *who, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(const char *who, const char *what, const char *fmt, ...)
{
	va_list ap;

	printf("%s:%*s %-30s ", who, (int)(11 - strlen(who)), "", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static const char *yes(int cond)
{
	return cond ? "yes" : "no";
}

/* "-1 ENAME" for a failed call, else the result. */
static const char *result(long ret, int err, char *buf, size_t len)
{
	if (ret == -1)
		snprintf(buf, len, "-1 %s", strerrorname_np(err) ? strerrorname_np(err) : "?");
	else
		snprintf(buf, len, "%ld", ret);
	return buf;
}

/*
 * mmap through syscall() with all six arguments meaning something: a page
 * of a file, at an offset, at an address asked for.  On i386 it is mmap2,
 * whose offset is in pages.  The address may be above 2 GiB there, a
 * negative long: only -4095..-1 are errors.
 */
static void six_arguments(const char *who)
{
	char buf[64];
	void *want, *got;
	long ret;
	int fd, err;

	fd = memfd_create("ctor-syscall", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, 2 * PAGE) ||
	    pwrite(fd, "second page", 11, PAGE) != 11) {
		say(who, "syscall(mmap), six arguments", "cannot set up: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	want = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (want == MAP_FAILED) {
		say(who, "syscall(mmap), six arguments", "cannot reserve: %s", strerror(errno));
		close(fd);
		return;
	}
	errno = 0;
#ifdef SYS_mmap2
	ret = syscall(SYS_mmap2, want, PAGE, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 1);
#else
	ret = syscall(SYS_mmap, want, PAGE, PROT_READ, MAP_SHARED | MAP_FIXED, fd, PAGE);
#endif
	err = errno;
	got = (void *)ret;
	if (got == want)
		say(who, "syscall(mmap), six arguments", "at the address asked: yes, "
		    "the second page: %s, errno kept: %s", yes(!memcmp(got, "second page", 11)),
		    yes(err == 0));
	else
		say(who, "syscall(mmap), six arguments", "%s", result(ret, err, buf, sizeof(buf)));
	munmap(want, PAGE);
	close(fd);
}

void syscall_report(const char *who)
{
	unsigned long mask[64];
	char buf[64];
	cpu_set_t set;
	long ret;
	int err;

	errno = EDOM;
	ret = syscall(SYS_gettid);
	err = errno;
	if (ret == getpid())
		say(who, "syscall(gettid) == getpid()", "yes, errno kept: %s", yes(err == EDOM));
	else
		say(who, "syscall(gettid) == getpid()", "no: %s",
		    result(ret, err, buf, sizeof(buf)));

	errno = 0;
	ret = syscall(SYS_sched_getaffinity, 0, sizeof(mask), mask);
	err = errno;
	if (ret > 0 && sched_getaffinity(0, sizeof(set), &set) == 0 &&
	    (size_t)ret <= sizeof(set))
		say(who, "syscall(sched_getaffinity)", "ok, %ld bytes, as sched_getaffinity(): %s",
		    ret, yes(!memcmp(mask, &set, (size_t)ret)));
	else
		say(who, "syscall(sched_getaffinity)", "%s", result(ret, err, buf, sizeof(buf)));

	errno = 0;
	ret = syscall(SYS_close, -1);
	say(who, "syscall(close, -1)", "%s", result(ret, errno, buf, sizeof(buf)));

	/* A number no kernel has: the kernel's ENOSYS, not one of the shim's. */
	errno = 0;
	ret = syscall(99999, 1, 2, 3, 4, 5, 6);
	say(who, "syscall(99999)", "%s", result(ret, errno, buf, sizeof(buf)));

	six_arguments(who);
	fflush(stdout);
}

__attribute__((constructor)) static void before_main(void)
{
	syscall_report("constructor");
}
