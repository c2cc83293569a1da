// SPDX-License-Identifier: GPL-2.0
/*
 * ctor-syscall: a program linked with libctor-syscall.so, whose constructor
 * makes system calls through syscall() before main() (see
 * ctor-syscall-lib.c).  main() makes them again, then one io_setup and
 * io_destroy through syscall(), so that under libkaio-preload.so a context
 * goes to /dev/kaio.  Run natively and under the shim (libkaio/kaio-diff),
 * the outputs must be identical.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/aio_abi.h>

void syscall_report(const char *who);

static void show(const char *what, long ret)
{
	if (ret < 0)
		printf("main:        %-30s -1 %s\n", what, strerrorname_np(errno));
	else
		printf("main:        %-30s %ld\n", what, ret);
}

int main(void)
{
	aio_context_t ctx = 0;

	syscall_report("main");
	errno = 0;
	show("syscall(io_setup, 8)", syscall(SYS_io_setup, 8, &ctx));
	errno = 0;
	show("syscall(io_destroy)", syscall(SYS_io_destroy, ctx));
	return 0;
}
