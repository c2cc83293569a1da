// SPDX-License-Identifier: GPL-2.0
/*
 * kaio-demo: asynchronous reads and writes through /dev/kaio.
 *
 * Sets up a context, writes four blocks to a file with one KAIO_IOC_SUBMIT,
 * reaps the completions, reads the blocks back asynchronously, checks them,
 * and destroys the context, printing what happened at each step.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/aio_abi.h>
#include <linux/kaio.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BLOCKS 4
#define BLOCK 4096

static int kaio_fd;

static const struct {
	__u64 bit;
	const char *name;
} features[] = {
	{ KAIO_FEAT_SETUP, "io_setup" },
	{ KAIO_FEAT_DESTROY, "io_destroy" },
	{ KAIO_FEAT_SUBMIT, "io_submit" },
	{ KAIO_FEAT_CANCEL, "io_cancel" },
	{ KAIO_FEAT_GETEVENTS, "io_getevents" },
	{ KAIO_FEAT_PGETEVENTS, "io_pgetevents" },
	{ KAIO_FEAT_COMPAT, "32-bit callers" },
};

static void die(const char *what)
{
	fprintf(stderr, "kaio-demo: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Submit @n iocbs, then wait for all their events. */
static void run_batch(aio_context_t ctx, struct iocb *cbs, int n, const char *what)
{
	struct iocb *ptrs[BLOCKS];
	struct io_event ev[BLOCKS];
	struct kaio_submit_args s = { .ctx = ctx, .nr = n, .iocbpp = (uintptr_t)ptrs };
	struct kaio_getevents_args g = { .ctx = ctx, .min_nr = n, .nr = n,
					 .events = (uintptr_t)ev };
	long got, i;

	for (i = 0; i < n; i++)
		ptrs[i] = &cbs[i];
	got = ioctl(kaio_fd, KAIO_IOC_SUBMIT, &s);
	if (got != n)
		die("KAIO_IOC_SUBMIT");
	printf("%s: submitted %ld iocbs\n", what, got);
	got = ioctl(kaio_fd, KAIO_IOC_GETEVENTS, &g);
	if (got != n)
		die("KAIO_IOC_GETEVENTS");
	for (i = 0; i < got; i++)
		printf("  event: data=%llu res=%lld (iocb %s)\n", (unsigned long long)ev[i].data,
		       (long long)ev[i].res,
		       ev[i].obj == (uintptr_t)&cbs[ev[i].data] ? "matches" : "MISMATCH");
}

int main(void)
{
	static char wbuf[BLOCKS][BLOCK], rbuf[BLOCKS][BLOCK];
	char path[] = "/tmp/kaio-demo-XXXXXX";
	struct kaio_version v;
	struct iocb cbs[BLOCKS];
	aio_context_t ctx = 0;
	struct kaio_setup_args setup = { .nr_events = 16, .ctxp = (uintptr_t)&ctx };
	struct kaio_destroy_args destroy;
	unsigned int i;
	int fd;

	kaio_fd = open("/dev/" KAIO_DEVICE_NAME, O_RDWR | O_CLOEXEC);
	if (kaio_fd < 0)
		die("open /dev/kaio (is kaio.ko loaded?)");
	if (ioctl(kaio_fd, KAIO_IOC_VERSION, &v) < 0)
		die("KAIO_IOC_VERSION");
	printf("kaio ABI version %u serves:", v.abi_version);
	for (i = 0; i < ARRAY_SIZE(features); i++)
		if (v.features & features[i].bit)
			printf(" %s", features[i].name);
	printf("\n");

	if (ioctl(kaio_fd, KAIO_IOC_SETUP, &setup) < 0)
		die("KAIO_IOC_SETUP");
	printf("context %#llx: ring of %u events mapped there\n", (unsigned long long)ctx,
	       *(unsigned int *)(uintptr_t)(ctx + 4));

	fd = mkstemp(path);
	if (fd < 0)
		die("mkstemp");
	unlink(path);

	for (i = 0; i < BLOCKS; i++) {
		memset(wbuf[i], 'a' + i, BLOCK);
		cbs[i] = (struct iocb){ .aio_data = i, .aio_lio_opcode = IOCB_CMD_PWRITE,
					.aio_fildes = fd, .aio_buf = (uintptr_t)wbuf[i],
					.aio_nbytes = BLOCK, .aio_offset = (long long)i * BLOCK };
	}
	run_batch(ctx, cbs, BLOCKS, "write");

	for (i = 0; i < BLOCKS; i++) {
		cbs[i].aio_lio_opcode = IOCB_CMD_PREAD;
		cbs[i].aio_buf = (uintptr_t)rbuf[i];
	}
	run_batch(ctx, cbs, BLOCKS, "read");
	printf("data read back %s what was written\n",
	       memcmp(wbuf, rbuf, sizeof(wbuf)) ? "DIFFERS from" : "matches");

	destroy.ctx = ctx;
	if (ioctl(kaio_fd, KAIO_IOC_DESTROY, &destroy) < 0)
		die("KAIO_IOC_DESTROY");
	printf("context destroyed\n");
	close(fd);
	return memcmp(wbuf, rbuf, sizeof(wbuf)) ? 1 : 0;
}
