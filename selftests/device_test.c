// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/kaio itself: the node, who may open it, KAIO_IOC_VERSION, and the
 * ioctl numbers it must refuse.  In the test VM the module is always
 * loaded, so a missing /dev/kaio fails every test here.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "aio_selftest.h"

#define NOBODY		65534
#define MISC_MAJOR	10

/* Largest argument block of any kaio ioctl, with room to spare. */
union kaio_any_args {
	struct kaio_version version;
	struct kaio_setup_args setup;
	struct kaio_destroy_args destroy;
	struct kaio_submit_args submit;
	struct kaio_cancel_args cancel;
	struct kaio_getevents_args getevents;
	struct kaio_pgetevents_args pgetevents;
	unsigned char bytes[256];
};

static int open_kaio(int flags)
{
	return open(KAIO_DEVICE_PATH, flags | O_CLOEXEC);
}

/* Read /sys/module/kaio/refcnt: >= 0, or -1. */
static int module_refcnt(void)
{
	char buf[32];
	ssize_t n;
	int fd;

	fd = open("/sys/module/kaio/refcnt", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return atoi(buf);
}

FIXTURE(dev) {
	int fd;
	long page;
};

FIXTURE_SETUP(dev)
{
	self->page = sysconf(_SC_PAGESIZE);
	self->fd = open_kaio(O_RDWR);
	ASSERT_LE(0, self->fd) {
		TH_LOG("open %s: %s (is kaio.ko loaded?)", KAIO_DEVICE_PATH, strerror(errno));
	}
}

FIXTURE_TEARDOWN(dev)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* The node: a character device of the misc major, rw for everyone. */
TEST(node)
{
	unsigned int sys_major, sys_minor;
	struct stat st;
	char buf[32];
	FILE *f;

	ASSERT_EQ(0, stat(KAIO_DEVICE_PATH, &st)) {
		TH_LOG("stat %s: %s (is kaio.ko loaded?)", KAIO_DEVICE_PATH, strerror(errno));
	}
	ASSERT_TRUE(S_ISCHR(st.st_mode)) {
		TH_LOG("%s is not a character device (mode 0%o)", KAIO_DEVICE_PATH,
		       (unsigned int)st.st_mode);
	}
	ASSERT_EQ(0666u, (unsigned int)(st.st_mode & 07777));
	ASSERT_EQ((unsigned int)MISC_MAJOR, major(st.st_rdev));

	/* The node is the device the module registered, not a stale one. */
	f = fopen("/sys/class/misc/" KAIO_DEVICE_NAME "/dev", "re");
	ASSERT_TRUE(f != NULL) {
		TH_LOG("/sys/class/misc/%s/dev: %s", KAIO_DEVICE_NAME, strerror(errno));
	}
	ASSERT_TRUE(fgets(buf, sizeof(buf), f) != NULL);
	fclose(f);
	ASSERT_EQ(2, sscanf(buf, "%u:%u", &sys_major, &sys_minor));
	ASSERT_EQ(sys_major, major(st.st_rdev));
	ASSERT_EQ(sys_minor, minor(st.st_rdev));
}

/* An unprivileged user opens it and asks for the version. */
TEST(open_unprivileged)
{
	struct kaio_version v;
	int fd;

	if (geteuid() == 0) {
		ASSERT_EQ(0, setgroups(0, NULL));
		ASSERT_EQ(0, setgid(NOBODY));
		ASSERT_EQ(0, setuid(NOBODY));
	}
	ASSERT_NE(0u, geteuid());
	ASSERT_NE(0u, getegid());

	fd = open_kaio(O_RDWR);
	ASSERT_LE(0, fd) {
		TH_LOG("open %s as uid %u: %s", KAIO_DEVICE_PATH, geteuid(), strerror(errno));
	}
	ASSERT_EQ(0, ioctl(fd, KAIO_IOC_VERSION, &v));
	ASSERT_EQ((__u32)KAIO_ABI_VERSION, v.abi_version);
	close(fd);
}

TEST_F(dev, version)
{
	struct kaio_version v;

	/* Every field must be written: start from garbage. */
	memset(&v, 0xa5, sizeof(v));
	ASSERT_EQ(0, ioctl(self->fd, KAIO_IOC_VERSION, &v)) {
		TH_LOG("KAIO_IOC_VERSION: %s", strerror(errno));
	}
	ASSERT_EQ((__u32)KAIO_ABI_VERSION, v.abi_version);
	ASSERT_EQ(0u, v.reserved);
	EXPECT_EQ(0ull, v.features & ~(__u64)KAIO_FEAT_ALL) {
		TH_LOG("unknown feature bits 0x%llx",
		       (unsigned long long)(v.features & ~(__u64)KAIO_FEAT_ALL));
	}
	ksft_print_msg("kaio module ABI %u, features 0x%llx%s\n", v.abi_version,
		       (unsigned long long)v.features, aio_abi_is_32bit() ? " (32-bit caller)" : "");
	fflush(stdout);	/* the test child ends in _exit() */
}

/* The answer does not depend on how the descriptor was opened. */
TEST(version_any_open_mode)
{
	const int modes[] = { O_RDONLY, O_WRONLY, O_RDWR };

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		struct kaio_version v = { 0 };
		int fd = open_kaio(modes[i]);

		ASSERT_LE(0, fd) {
			TH_LOG("open mode %d: %s", modes[i], strerror(errno));
		}
		ASSERT_EQ(0, ioctl(fd, KAIO_IOC_VERSION, &v));
		ASSERT_EQ((__u32)KAIO_ABI_VERSION, v.abi_version);
		close(fd);
	}
}

TEST_F(dev, version_null)
{
	ASSERT_ERRNO(EFAULT, ioctl(self->fd, KAIO_IOC_VERSION, NULL));
}

TEST_F(dev, version_unmapped)
{
	void *p = mmap(NULL, self->page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_TRUE(p != MAP_FAILED);
	ASSERT_EQ(0, munmap(p, self->page));
	ASSERT_ERRNO(EFAULT, ioctl(self->fd, KAIO_IOC_VERSION, p));
}

/* The top of the address space: kernel memory (64-bit) or beyond TASK_SIZE (32-bit). */
TEST_F(dev, version_kernel_address)
{
	uintptr_t addr = aio_abi_is_32bit() ? (uintptr_t)0xfffff000u
					    : (uintptr_t)~(uintptr_t)0 - 4095;

	ASSERT_ERRNO(EFAULT, ioctl(self->fd, KAIO_IOC_VERSION, (void *)addr));
}

TEST_F(dev, version_readonly)
{
	struct kaio_version *v = mmap(NULL, self->page, PROT_READ,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_TRUE(v != MAP_FAILED);
	ASSERT_ERRNO(EFAULT, ioctl(self->fd, KAIO_IOC_VERSION, v));
	ASSERT_EQ(0u, v->abi_version);
	munmap(v, self->page);
}

/* A block that starts on a writable page and ends on an inaccessible one. */
TEST_F(dev, version_straddles_hole)
{
	char *p = mmap(NULL, 2 * self->page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_TRUE(p != MAP_FAILED);
	ASSERT_EQ(0, mprotect(p + self->page, self->page, PROT_NONE));
	ASSERT_ERRNO(EFAULT, ioctl(self->fd, KAIO_IOC_VERSION,
				   p + self->page - sizeof(struct kaio_version) / 2));
	munmap(p, 2 * self->page);
}

/*
 * Requests the module must refuse with ENOTTY, before looking at the
 * argument: it is left untouched, and NULL does not turn it into EFAULT.
 */
static void check_enotty(struct __test_metadata *_metadata, int fd,
			 unsigned long request, const char *what)
{
	union kaio_any_args a, orig;
	long ret;

	memset(&a, 0x5a, sizeof(a));
	orig = a;
	errno = 0;
	ret = ioctl(fd, request, &a);
	EXPECT_EQ(-1, ret) {
		TH_LOG("%s (0x%lx) returned %ld, expected ENOTTY", what, request, ret);
	}
	EXPECT_EQ(ENOTTY, errno) {
		TH_LOG("%s (0x%lx): errno %s, expected ENOTTY", what, request,
		       strerrorname_np(errno) ?: "?");
	}
	EXPECT_EQ(0, memcmp(&a, &orig, sizeof(a))) {
		TH_LOG("%s (0x%lx) wrote to its argument", what, request);
	}
	errno = 0;
	ret = ioctl(fd, request, NULL);
	EXPECT_EQ(-1, ret) {
		TH_LOG("%s (0x%lx, NULL) returned %ld, expected ENOTTY", what, request, ret);
	}
	EXPECT_EQ(ENOTTY, errno) {
		TH_LOG("%s (0x%lx, NULL): errno %s, expected ENOTTY", what, request,
		       strerrorname_np(errno) ?: "?");
	}
}

TEST_F(dev, unknown_ioctls)
{
	const unsigned int vsize = sizeof(struct kaio_version);
	const unsigned int m = KAIO_IOC_MAGIC;
	char what[64];

	/* The VERSION number under other magics. */
	check_enotty(_metadata, self->fd, _IOC(_IOC_READ, m + 1, 0x10, vsize), "magic 0xA2");
	check_enotty(_metadata, self->fd, _IOC(_IOC_READ, m - 1, 0x10, vsize), "magic 0xA0");
	check_enotty(_metadata, self->fd, _IOC(_IOC_READ, 'T', 0x10, vsize), "magic 'T'");

	/* The VERSION number with another size or direction. */
	check_enotty(_metadata, self->fd, _IOC(_IOC_READ, m, 0x10, 8), "VERSION size 8");
	check_enotty(_metadata, self->fd, _IOC(_IOC_READ, m, 0x10, vsize - 1), "VERSION size 15");
	check_enotty(_metadata, self->fd, _IOC(_IOC_READ, m, 0x10, vsize + 8), "VERSION size 24");
	check_enotty(_metadata, self->fd, _IOC(_IOC_READ, m, 0x10, 0), "VERSION size 0");
	check_enotty(_metadata, self->fd, _IOC(_IOC_NONE, m, 0x10, 0), "_IO VERSION");
	check_enotty(_metadata, self->fd, _IOC(_IOC_WRITE, m, 0x10, vsize), "_IOW VERSION");
	check_enotty(_metadata, self->fd, _IOC(_IOC_READ | _IOC_WRITE, m, 0x10, vsize),
		     "_IOWR VERSION");

	/* SUBMIT_WAIT's number with another size or direction. */
	const unsigned int swsize = sizeof(struct kaio_submit_wait_args);
	check_enotty(_metadata, self->fd, _IOC(_IOC_WRITE, m, 0x19, swsize), "_IOW SUBMIT_WAIT");
	check_enotty(_metadata, self->fd, _IOC(_IOC_READ, m, 0x19, swsize), "_IOR SUBMIT_WAIT");
	check_enotty(_metadata, self->fd, _IOC(_IOC_READ | _IOC_WRITE, m, 0x19, swsize - 8),
		     "SUBMIT_WAIT size - 8");
	check_enotty(_metadata, self->fd, _IOC(_IOC_NONE, m, 0x19, 0), "_IO SUBMIT_WAIT");

	/* Unused numbers of kaio's range, in every direction. */
	for (unsigned int nr = 0x1a; nr <= 0x1f; nr++) {
		snprintf(what, sizeof(what), "number 0x%x", nr);
		check_enotty(_metadata, self->fd, _IOC(_IOC_NONE, m, nr, 0), what);
		check_enotty(_metadata, self->fd, _IOC(_IOC_READ, m, nr, vsize), what);
		check_enotty(_metadata, self->fd, _IOC(_IOC_WRITE, m, nr, vsize), what);
		check_enotty(_metadata, self->fd, _IOC(_IOC_READ | _IOC_WRITE, m, nr, 48), what);
	}

	/* Outside kaio's range of magic 0xA1; 0x00 belongs to vtpm_proxy. */
	check_enotty(_metadata, self->fd, _IOC(_IOC_NONE, m, 0x00, 0), "number 0x00");
	check_enotty(_metadata, self->fd, _IOC(_IOC_READ | _IOC_WRITE, m, 0x00, 20),
		     "VTPM_PROXY_IOC_NEW_DEV");
	check_enotty(_metadata, self->fd, _IOC(_IOC_READ, m, 0x00, vsize), "number 0x00 read");
	check_enotty(_metadata, self->fd, _IOC(_IOC_READ, m, 0x0f, vsize), "number 0x0f");
	check_enotty(_metadata, self->fd, _IOC(_IOC_READ, m, 0x20, vsize), "number 0x20");
	check_enotty(_metadata, self->fd, _IOC(_IOC_READ, m, 0xff, vsize), "number 0xff");

	/* The AIO requests with a size or direction that is not theirs. */
	for (enum aio_op op = 0; op < AIO_OP_NR; op++) {
		unsigned long req = kaio_op_request(op);
		unsigned int size = _IOC_SIZE(req);

		snprintf(what, sizeof(what), "%s, size %u", aio_op_name(op), size + 8);
		check_enotty(_metadata, self->fd, _IOC(_IOC_WRITE, m, _IOC_NR(req), size + 8), what);
		snprintf(what, sizeof(what), "%s, size %u", aio_op_name(op), size - 8);
		check_enotty(_metadata, self->fd, _IOC(_IOC_WRITE, m, _IOC_NR(req), size - 8), what);
		snprintf(what, sizeof(what), "%s, _IOR", aio_op_name(op));
		check_enotty(_metadata, self->fd, _IOC(_IOC_READ, m, _IOC_NR(req), size), what);
		snprintf(what, sizeof(what), "%s, _IOWR", aio_op_name(op));
		check_enotty(_metadata, self->fd, _IOC(_IOC_READ | _IOC_WRITE, m, _IOC_NR(req), size),
			     what);
	}

	/* Degenerate requests. */
	check_enotty(_metadata, self->fd, 0, "request 0");
	check_enotty(_metadata, self->fd, 0xffffffffu, "request 0xffffffff");
	check_enotty(_metadata, self->fd, FIONREAD, "FIONREAD");
}

/* Not a terminal: TCGETS gets ENOTTY (the VFS passes it through to us). */
TEST_F(dev, not_a_tty)
{
	errno = 0;
	ASSERT_EQ(0, isatty(self->fd));
	ASSERT_EQ(ENOTTY, errno);
}

/*
 * The AIO requests follow the advertised features.  Not served: ENOTTY,
 * whatever the argument.  Served: what the system call gives for the same
 * (all-zero) arguments, and EFAULT for an unreadable argument block.
 */
static long native_with_zero_args(enum aio_op op)
{
	switch (op) {
	case AIO_OP_SETUP:
		return native_io_setup(0, NULL);
	case AIO_OP_DESTROY:
		return native_io_destroy(0);
	case AIO_OP_SUBMIT:
		return native_io_submit(0, 0, NULL);
	case AIO_OP_CANCEL:
		return native_io_cancel(0, NULL, NULL);
	case AIO_OP_GETEVENTS:
		return native_io_getevents(0, 0, 0, NULL, NULL);
	case AIO_OP_PGETEVENTS:
		return native_io_pgetevents(0, 0, 0, NULL, NULL, NULL);
	default:
		errno = EINVAL;
		return -2;
	}
}

TEST_F(dev, aio_ioctls_follow_features)
{
	struct kaio_version v;

	ASSERT_EQ(0, ioctl(self->fd, KAIO_IOC_VERSION, &v));
	for (enum aio_op op = 0; op < AIO_OP_NR; op++) {
		unsigned long req = kaio_op_request(op);
		union kaio_any_args a;
		long ret, want;
		int err, want_err;

		memset(&a, 0, sizeof(a));
		if (!kaio_features_serve(v.features, op)) {
			check_enotty(_metadata, self->fd, req, aio_op_name(op));
			continue;
		}

		want = native_with_zero_args(op);
		want_err = errno;
		errno = 0;
		ret = ioctl(self->fd, req, &a);
		err = errno;
		EXPECT_EQ(want, ret) {
			TH_LOG("%s, zero arguments: %ld, native gives %ld",
			       aio_op_name(op), ret, want);
		}
		if (want < 0)
			EXPECT_EQ(want_err, err) {
				TH_LOG("%s, zero arguments: %s, native gives %s", aio_op_name(op),
				       strerrorname_np(err) ?: "?", strerrorname_np(want_err) ?: "?");
			}
		EXPECT_ERRNO(EFAULT, ioctl(self->fd, req, NULL));
	}
}

/* io_setup's pad must be 0: EINVAL, and no context is created. */
TEST_F(dev, setup_pad_nonzero)
{
	aio_context_t ctx = 0;
	struct kaio_setup_args a = {
		.nr_events = 1,
		.pad = 1,
		.ctxp = KAIO_PTR(&ctx),
	};
	struct kaio_version v;

	ASSERT_EQ(0, ioctl(self->fd, KAIO_IOC_VERSION, &v));
	if (!kaio_features_serve(v.features, AIO_OP_SETUP))
		SKIP(return, "the module does not serve io_setup (features 0x%llx)",
		     (unsigned long long)v.features);
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, KAIO_IOC_SETUP, &a));
	EXPECT_EQ((aio_context_t)0, ctx);
	if (ctx && kaio_features_serve(v.features, AIO_OP_DESTROY)) {
		struct kaio_destroy_args d = { .ctx = ctx };

		ioctl(self->fd, KAIO_IOC_DESTROY, &d);
	}
}

TEST(open_close_many)
{
	int first = -1;

	for (int i = 0; i < 2000; i++) {
		struct kaio_version v = { 0 };
		int fd = open_kaio(O_RDWR);

		ASSERT_LE(0, fd) {
			TH_LOG("open #%d: %s", i, strerror(errno));
		}
		if (first < 0)
			first = fd;
		/* Each close released its descriptor. */
		ASSERT_EQ(first, fd);
		ASSERT_EQ(0, ioctl(fd, KAIO_IOC_VERSION, &v));
		ASSERT_EQ((__u32)KAIO_ABI_VERSION, v.abi_version);
		ASSERT_EQ(0, close(fd));
	}
}

TEST(two_fds)
{
	struct kaio_version v1 = { 0 }, v2 = { 0 };
	int fd1, fd2;

	fd1 = open_kaio(O_RDWR);
	ASSERT_LE(0, fd1);
	fd2 = open_kaio(O_RDWR);
	ASSERT_LE(0, fd2);
	ASSERT_NE(fd1, fd2);

	ASSERT_EQ(0, ioctl(fd1, KAIO_IOC_VERSION, &v1));
	ASSERT_EQ(0, ioctl(fd2, KAIO_IOC_VERSION, &v2));
	ASSERT_EQ(0, memcmp(&v1, &v2, sizeof(v1)));

	/* Closing one leaves the other working. */
	ASSERT_EQ(0, close(fd1));
	memset(&v2, 0, sizeof(v2));
	ASSERT_EQ(0, ioctl(fd2, KAIO_IOC_VERSION, &v2));
	ASSERT_EQ((__u32)KAIO_ABI_VERSION, v2.abi_version);
	ASSERT_EQ(0, close(fd2));
}

/* A duplicate and an inherited descriptor reach the same device. */
TEST(dup_and_fork)
{
	struct kaio_version v = { 0 };
	int fd, fd2, status;
	pid_t pid;

	fd = open_kaio(O_RDWR);
	ASSERT_LE(0, fd);
	fd2 = dup(fd);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, ioctl(fd2, KAIO_IOC_VERSION, &v));
	ASSERT_EQ((__u32)KAIO_ABI_VERSION, v.abi_version);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct kaio_version cv = { 0 };

		_exit(ioctl(fd2, KAIO_IOC_VERSION, &cv) == 0 &&
		      cv.abi_version == KAIO_ABI_VERSION ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, close(fd2));
}

/* An open descriptor pins the module (file_operations.owner). */
TEST(open_pins_module)
{
	int before, during, after, fd;

	before = module_refcnt();
	ASSERT_LE(0, before) {
		TH_LOG("cannot read /sys/module/kaio/refcnt");
	}
	fd = open_kaio(O_RDWR);
	ASSERT_LE(0, fd);
	during = module_refcnt();
	ASSERT_EQ(0, close(fd));
	after = module_refcnt();
	ASSERT_EQ(before + 1, during);
	ASSERT_EQ(before, after);
}

TEST_HARNESS_MAIN
