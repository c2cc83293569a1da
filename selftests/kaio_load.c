// SPDX-License-Identifier: GPL-2.0
/*
 * kaio-load: load a module with the n-th fault point of the load failing,
 * for selftests/load-faults.
 *
 *	kaio-load MODULE N
 *
 * Opens MODULE, arms /proc/thread-self/fail-nth with N and calls
 * finit_module(2) at once, so that the faults counted are the load's own
 * (the kernel's module loader, then the module's init).  Prints one line:
 *
 *	<result> <errno name or 0> <fired: 1 if the N-th point was reached>
 *
 * and exits 0, or 2 if the test itself could not run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[16] = "";
	int mod, nth, n, fired;
	long ret;
	int err;

	if (argc != 3 || (n = atoi(argv[2])) < 1) {
		fprintf(stderr, "usage: %s MODULE N\n", argv[0]);
		return 2;
	}
	mod = open(argv[1], O_RDONLY | O_CLOEXEC);
	nth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (mod < 0 || nth < 0) {
		perror("open");
		return 2;
	}
	snprintf(buf, sizeof(buf), "%d", n);
	if (pwrite(nth, buf, strlen(buf), 0) != (ssize_t)strlen(buf)) {
		perror("fail-nth");
		return 2;
	}
	ret = syscall(SYS_finit_module, mod, "", 0);
	err = ret ? errno : 0;
	memset(buf, 0, sizeof(buf));
	/* Read back: 0 once the armed point has failed, else what was left. */
	fired = pread(nth, buf, sizeof(buf) - 1, 0) > 0 && atoi(buf) == 0;
	if (pwrite(nth, "0", 1, 0) != 1)
		return 2;
	printf("%ld %s %d\n", ret, err ? strerrorname_np(err) ?: "?" : "0", fired);
	return 0;
}
