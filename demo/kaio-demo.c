// SPDX-License-Identifier: GPL-2.0
/*
 * kaio-demo: talk to /dev/kaio and report what it serves.
 *
 * Today the module answers KAIO_IOC_VERSION; the AIO operations arrive with
 * the AIO core, and this demo grows into real asynchronous reads and writes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/kaio.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

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

int main(void)
{
	const char *path = "/dev/" KAIO_DEVICE_NAME;
	struct kaio_version v;
	struct stat st;
	unsigned int i;
	int fd;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "kaio-demo: open %s: %s (is kaio.ko loaded?)\n", path, strerror(errno));
		return 1;
	}
	if (fstat(fd, &st) == 0)
		printf("%s: character device %u:%u, mode %04o\n", path, major(st.st_rdev),
		       minor(st.st_rdev), st.st_mode & 07777);

	memset(&v, 0xff, sizeof(v));
	if (ioctl(fd, KAIO_IOC_VERSION, &v) < 0) {
		fprintf(stderr, "kaio-demo: KAIO_IOC_VERSION: %s\n", strerror(errno));
		return 1;
	}
	printf("kaio ABI version %u (this program was built for %u)\n", v.abi_version,
	       KAIO_ABI_VERSION);
	for (i = 0; i < ARRAY_SIZE(features); i++)
		printf("  %-16s %s\n", features[i].name,
		       (v.features & features[i].bit) ? "served" : "not yet");

	/* An ioctl the device does not know is refused the standard way. */
	if (ioctl(fd, _IO(KAIO_IOC_MAGIC, 0x1f)) < 0)
		printf("unknown ioctl -> %s (errno %d)\n", strerror(errno), errno);

	close(fd);
	return v.abi_version == KAIO_ABI_VERSION ? 0 : 1;
}
