// SPDX-License-Identifier: GPL-2.0
/*
 * uapi/linux/kaio.h as userspace sees it.  Built four times, strictly
 * (-Wall -Wextra -Wpedantic -Werror): as C11 and as C++17, 64-bit and
 * -m32 (uapi_c11, uapi_c11_32, uapi_cxx17, uapi_cxx17_32).  Every build
 * checks, at compile time, the same literal sizes, offsets, ioctl numbers
 * and constants, so all four agree with each other and with the ABI as
 * published: any change to the header that moves a byte breaks the build.
 * The binaries then print the same checks as TAP, so a run counts them.
 */

/* First, and twice: the header is self-contained and guarded. */
#include <linux/kaio.h>
#include <linux/kaio.h>

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <linux/aio_abi.h>	/* used alongside: no clash */

#ifdef __cplusplus
#define UAPI_LANG	"C++17"
#else
#include <assert.h>		/* static_assert */
#define UAPI_LANG	"C11"
#endif

#define FIELD_SIZE(type, field)	sizeof(((type *)0)->field)

/* One expected field: its offset and size. */
#define CHECK_FIELD(type, field, off, size)					\
	static_assert(offsetof(type, field) == (off), #type "." #field " offset"); \
	static_assert(FIELD_SIZE(type, field) == (size), #type "." #field " size")

/* ---------------------------------------------------------------- */
/* The ABI, spelled out.                                             */

static_assert(KAIO_ABI_VERSION == 1, "KAIO_ABI_VERSION");

static_assert(sizeof(struct kaio_version) == 16, "kaio_version size");
CHECK_FIELD(struct kaio_version, abi_version, 0, 4);
CHECK_FIELD(struct kaio_version, reserved, 4, 4);
CHECK_FIELD(struct kaio_version, features, 8, 8);

static_assert(sizeof(struct kaio_setup_args) == 16, "kaio_setup_args size");
CHECK_FIELD(struct kaio_setup_args, nr_events, 0, 4);
CHECK_FIELD(struct kaio_setup_args, pad, 4, 4);
CHECK_FIELD(struct kaio_setup_args, ctxp, 8, 8);

static_assert(sizeof(struct kaio_destroy_args) == 8, "kaio_destroy_args size");
CHECK_FIELD(struct kaio_destroy_args, ctx, 0, 8);

static_assert(sizeof(struct kaio_submit_args) == 24, "kaio_submit_args size");
CHECK_FIELD(struct kaio_submit_args, ctx, 0, 8);
CHECK_FIELD(struct kaio_submit_args, nr, 8, 8);
CHECK_FIELD(struct kaio_submit_args, iocbpp, 16, 8);

static_assert(sizeof(struct kaio_cancel_args) == 24, "kaio_cancel_args size");
CHECK_FIELD(struct kaio_cancel_args, ctx, 0, 8);
CHECK_FIELD(struct kaio_cancel_args, iocb, 8, 8);
CHECK_FIELD(struct kaio_cancel_args, result, 16, 8);

static_assert(sizeof(struct kaio_getevents_args) == 40, "kaio_getevents_args size");
CHECK_FIELD(struct kaio_getevents_args, ctx, 0, 8);
CHECK_FIELD(struct kaio_getevents_args, min_nr, 8, 8);
CHECK_FIELD(struct kaio_getevents_args, nr, 16, 8);
CHECK_FIELD(struct kaio_getevents_args, events, 24, 8);
CHECK_FIELD(struct kaio_getevents_args, timeout, 32, 8);

static_assert(sizeof(struct kaio_pgetevents_args) == 48, "kaio_pgetevents_args size");
CHECK_FIELD(struct kaio_pgetevents_args, ctx, 0, 8);
CHECK_FIELD(struct kaio_pgetevents_args, min_nr, 8, 8);
CHECK_FIELD(struct kaio_pgetevents_args, nr, 16, 8);
CHECK_FIELD(struct kaio_pgetevents_args, events, 24, 8);
CHECK_FIELD(struct kaio_pgetevents_args, timeout, 32, 8);
CHECK_FIELD(struct kaio_pgetevents_args, usig, 40, 8);

/* Signedness: nr and min_nr are signed (a 32-bit long sign-extends into them). */
#ifdef __cplusplus
#define FIELD_TYPE(type, field)	decltype(((type *)0)->field)
#else
#define FIELD_TYPE(type, field)	__typeof__(((type *)0)->field)
#endif
#define IS_SIGNED(type, field)	((FIELD_TYPE(type, field))-1 < (FIELD_TYPE(type, field))1)
static_assert(IS_SIGNED(struct kaio_submit_args, nr), "submit nr signed");
static_assert(IS_SIGNED(struct kaio_getevents_args, min_nr), "getevents min_nr signed");
static_assert(IS_SIGNED(struct kaio_getevents_args, nr), "getevents nr signed");
static_assert(IS_SIGNED(struct kaio_pgetevents_args, min_nr), "pgetevents min_nr signed");
static_assert(IS_SIGNED(struct kaio_pgetevents_args, nr), "pgetevents nr signed");
static_assert(!IS_SIGNED(struct kaio_setup_args, ctxp), "pointers unsigned");
static_assert(!IS_SIGNED(struct kaio_destroy_args, ctx), "ctx unsigned");
static_assert(!IS_SIGNED(struct kaio_setup_args, nr_events), "nr_events unsigned");

/* The requests: magic 0xA1, numbers 0x10-0x19, the sizes above. */
static_assert(KAIO_IOC_MAGIC == 0xA1, "magic");
static_assert(KAIO_IOC_VERSION == 0x8010A110u, "KAIO_IOC_VERSION");
static_assert(KAIO_IOC_SETUP == 0x4010A111u, "KAIO_IOC_SETUP");
static_assert(KAIO_IOC_DESTROY == 0x4008A112u, "KAIO_IOC_DESTROY");
static_assert(KAIO_IOC_SUBMIT == 0x4018A113u, "KAIO_IOC_SUBMIT");
static_assert(KAIO_IOC_CANCEL == 0x4018A114u, "KAIO_IOC_CANCEL");
static_assert(KAIO_IOC_GETEVENTS == 0x4028A115u, "KAIO_IOC_GETEVENTS");
static_assert(KAIO_IOC_PGETEVENTS == 0x4030A116u, "KAIO_IOC_PGETEVENTS");
static_assert(KAIO_IOC_GETEVENTS_TIME32 == 0x4028A117u, "KAIO_IOC_GETEVENTS_TIME32");
static_assert(KAIO_IOC_PGETEVENTS_TIME32 == 0x4030A118u, "KAIO_IOC_PGETEVENTS_TIME32");
static_assert(KAIO_IOC_SUBMIT_WAIT == 0xC040A119u, "KAIO_IOC_SUBMIT_WAIT");
static_assert(sizeof(struct kaio_timespec32) == 8, "kaio_timespec32 size");
static_assert(offsetof(struct kaio_timespec32, tv_nsec) == 4, "kaio_timespec32 tv_nsec");

/* io_pgetevents' signal set argument: two words of the caller's size. */
static_assert(sizeof(struct kaio_sigset) == 2 * sizeof(void *), "kaio_sigset size");
CHECK_FIELD(struct kaio_sigset, sigmask, 0, sizeof(void *));
CHECK_FIELD(struct kaio_sigset, sigsetsize, sizeof(void *), sizeof(size_t));
static_assert(!IS_SIGNED(struct kaio_sigset, sigsetsize), "sigsetsize unsigned");
static_assert(sizeof(struct kaio_sigset32) == 8, "kaio_sigset32 size");
CHECK_FIELD(struct kaio_sigset32, sigmask, 0, 4);
CHECK_FIELD(struct kaio_sigset32, sigsetsize, 4, 4);
#ifndef __LP64__
/* A 32-bit caller's struct kaio_sigset is struct kaio_sigset32. */
static_assert(sizeof(struct kaio_sigset) == sizeof(struct kaio_sigset32), "32-bit kaio_sigset");
static_assert(offsetof(struct kaio_sigset, sigsetsize) ==
	      offsetof(struct kaio_sigset32, sigsetsize), "32-bit kaio_sigset sigsetsize");
#endif

/* The ring header at the context address: fs/aio.c's struct aio_ring. */
static_assert(sizeof(struct kaio_ring) == 32, "kaio_ring size");
CHECK_FIELD(struct kaio_ring, id, 0, 4);
CHECK_FIELD(struct kaio_ring, nr, 4, 4);
CHECK_FIELD(struct kaio_ring, head, 8, 4);
CHECK_FIELD(struct kaio_ring, tail, 12, 4);
CHECK_FIELD(struct kaio_ring, magic, 16, 4);
CHECK_FIELD(struct kaio_ring, compat_features, 20, 4);
CHECK_FIELD(struct kaio_ring, incompat_features, 24, 4);
CHECK_FIELD(struct kaio_ring, header_length, 28, 4);
static_assert(!IS_SIGNED(struct kaio_ring, head), "ring head unsigned");
static_assert(!IS_SIGNED(struct kaio_ring, tail), "ring tail unsigned");
static_assert(KAIO_RING_MAGIC == 0xa10a10a1u, "KAIO_RING_MAGIC");
static_assert(KAIO_RING_COMPAT_FEATURES == 1, "KAIO_RING_COMPAT_FEATURES");
static_assert(KAIO_RING_INCOMPAT_FEATURES == 0, "KAIO_RING_INCOMPAT_FEATURES");

static_assert(KAIO_FEAT_SETUP == 0x01, "KAIO_FEAT_SETUP");
static_assert(KAIO_FEAT_DESTROY == 0x02, "KAIO_FEAT_DESTROY");
static_assert(KAIO_FEAT_SUBMIT == 0x04, "KAIO_FEAT_SUBMIT");
static_assert(KAIO_FEAT_CANCEL == 0x08, "KAIO_FEAT_CANCEL");
static_assert(KAIO_FEAT_GETEVENTS == 0x10, "KAIO_FEAT_GETEVENTS");
static_assert(KAIO_FEAT_PGETEVENTS == 0x20, "KAIO_FEAT_PGETEVENTS");
static_assert(KAIO_FEAT_COMPAT == 0x40, "KAIO_FEAT_COMPAT");
static_assert(KAIO_FEAT_TIME32 == 0x80, "KAIO_FEAT_TIME32");
static_assert(KAIO_FEAT_SUBMIT_WAIT == 0x200, "KAIO_FEAT_SUBMIT_WAIT");
static_assert(sizeof(struct kaio_submit_wait_args) == 64, "kaio_submit_wait_args size");
CHECK_FIELD(struct kaio_submit_wait_args, ctx, 0, 8);
CHECK_FIELD(struct kaio_submit_wait_args, nr, 8, 8);
CHECK_FIELD(struct kaio_submit_wait_args, iocbpp, 16, 8);
CHECK_FIELD(struct kaio_submit_wait_args, min_nr, 24, 8);
CHECK_FIELD(struct kaio_submit_wait_args, nr_events, 32, 8);
CHECK_FIELD(struct kaio_submit_wait_args, events, 40, 8);
CHECK_FIELD(struct kaio_submit_wait_args, timeout, 48, 8);
CHECK_FIELD(struct kaio_submit_wait_args, submitted, 56, 8);
static_assert(sizeof(KAIO_FEAT_SETUP) == 8, "feature bits are 64-bit");

/* The structures of <linux/aio_abi.h> the ioctls point to, per ABI. */
static_assert(sizeof(struct iocb) == 64, "struct iocb");
static_assert(sizeof(struct io_event) == 32, "struct io_event");
static_assert(sizeof(struct kaio_ring) == sizeof(struct io_event), "ring slot i at (i + 1) * 32");
static_assert(sizeof(aio_context_t) == sizeof(void *), "aio_context_t is a user word");

/* ---------------------------------------------------------------- */
/* The same facts at run time, as TAP.                               */

static int test_num, failures;

static void result(int ok, const char *what)
{
	test_num++;
	if (!ok)
		failures++;
	printf("%sok %d %s\n", ok ? "" : "not ", test_num, what);
}

struct field {
	const char *name;
	size_t off, size, want_off, want_size;
};

#define F(type, field, off, size) \
	{ #field, offsetof(type, field), FIELD_SIZE(type, field), off, size }

static void check_struct(const char *name, size_t size, size_t want_size,
			 const struct field *f, size_t n)
{
	char what[96];
	int ok = size == want_size;

	for (size_t i = 0; i < n; i++) {
		if (f[i].off != f[i].want_off || f[i].size != f[i].want_size) {
			printf("# %s.%s: offset %zu size %zu, expected %zu %zu\n", name,
			       f[i].name, f[i].off, f[i].size, f[i].want_off, f[i].want_size);
			ok = 0;
		}
	}
	if (size != want_size)
		printf("# %s: size %zu, expected %zu\n", name, size, want_size);
	snprintf(what, sizeof(what), "layout of %s", name);
	result(ok, what);
}

static void check_value(const char *name, unsigned long long got, unsigned long long want)
{
	char what[96];

	if (got != want)
		printf("# %s: 0x%llx, expected 0x%llx\n", name, got, want);
	snprintf(what, sizeof(what), "%s == 0x%llx", name, want);
	result(got == want, what);
}

#define N(a)	(sizeof(a) / sizeof((a)[0]))

int main(void)
{
	static const struct field version[] = {
		F(struct kaio_version, abi_version, 0, 4),
		F(struct kaio_version, reserved, 4, 4),
		F(struct kaio_version, features, 8, 8),
	};
	static const struct field setup[] = {
		F(struct kaio_setup_args, nr_events, 0, 4),
		F(struct kaio_setup_args, pad, 4, 4),
		F(struct kaio_setup_args, ctxp, 8, 8),
	};
	static const struct field destroy[] = {
		F(struct kaio_destroy_args, ctx, 0, 8),
	};
	static const struct field submit[] = {
		F(struct kaio_submit_args, ctx, 0, 8),
		F(struct kaio_submit_args, nr, 8, 8),
		F(struct kaio_submit_args, iocbpp, 16, 8),
	};
	static const struct field cancel[] = {
		F(struct kaio_cancel_args, ctx, 0, 8),
		F(struct kaio_cancel_args, iocb, 8, 8),
		F(struct kaio_cancel_args, result, 16, 8),
	};
	static const struct field getevents[] = {
		F(struct kaio_getevents_args, ctx, 0, 8),
		F(struct kaio_getevents_args, min_nr, 8, 8),
		F(struct kaio_getevents_args, nr, 16, 8),
		F(struct kaio_getevents_args, events, 24, 8),
		F(struct kaio_getevents_args, timeout, 32, 8),
	};
	static const struct field pgetevents[] = {
		F(struct kaio_pgetevents_args, ctx, 0, 8),
		F(struct kaio_pgetevents_args, min_nr, 8, 8),
		F(struct kaio_pgetevents_args, nr, 16, 8),
		F(struct kaio_pgetevents_args, events, 24, 8),
		F(struct kaio_pgetevents_args, timeout, 32, 8),
		F(struct kaio_pgetevents_args, usig, 40, 8),
	};
	static const struct field timespec32[] = {
		F(struct kaio_timespec32, tv_sec, 0, 4),
		F(struct kaio_timespec32, tv_nsec, 4, 4),
	};
	static const struct field sigset[] = {
		F(struct kaio_sigset, sigmask, 0, sizeof(void *)),
		F(struct kaio_sigset, sigsetsize, sizeof(void *), sizeof(size_t)),
	};
	static const struct field sigset32[] = {
		F(struct kaio_sigset32, sigmask, 0, 4),
		F(struct kaio_sigset32, sigsetsize, 4, 4),
	};
	static const struct field ring[] = {
		F(struct kaio_ring, id, 0, 4),
		F(struct kaio_ring, nr, 4, 4),
		F(struct kaio_ring, head, 8, 4),
		F(struct kaio_ring, tail, 12, 4),
		F(struct kaio_ring, magic, 16, 4),
		F(struct kaio_ring, compat_features, 20, 4),
		F(struct kaio_ring, incompat_features, 24, 4),
		F(struct kaio_ring, header_length, 28, 4),
	};

	printf("TAP version 13\n");
	printf("1..%d\n", 11 + 13 + 1);
	printf("# <linux/kaio.h> as %s, %zu-bit\n", UAPI_LANG, sizeof(void *) * 8);

	check_struct("struct kaio_version", sizeof(struct kaio_version), 16, version, N(version));
	check_struct("struct kaio_setup_args", sizeof(struct kaio_setup_args), 16,
		     setup, N(setup));
	check_struct("struct kaio_destroy_args", sizeof(struct kaio_destroy_args), 8,
		     destroy, N(destroy));
	check_struct("struct kaio_submit_args", sizeof(struct kaio_submit_args), 24,
		     submit, N(submit));
	check_struct("struct kaio_cancel_args", sizeof(struct kaio_cancel_args), 24,
		     cancel, N(cancel));
	check_struct("struct kaio_getevents_args", sizeof(struct kaio_getevents_args), 40,
		     getevents, N(getevents));
	check_struct("struct kaio_pgetevents_args", sizeof(struct kaio_pgetevents_args), 48,
		     pgetevents, N(pgetevents));
	check_struct("struct kaio_timespec32", sizeof(struct kaio_timespec32), 8,
		     timespec32, N(timespec32));
	check_struct("struct kaio_sigset", sizeof(struct kaio_sigset), 2 * sizeof(void *),
		     sigset, N(sigset));
	check_struct("struct kaio_sigset32", sizeof(struct kaio_sigset32), 8,
		     sigset32, N(sigset32));
	check_struct("struct kaio_ring", sizeof(struct kaio_ring), 32, ring, N(ring));

	check_value("KAIO_ABI_VERSION", KAIO_ABI_VERSION, 1);
	check_value("KAIO_IOC_VERSION", KAIO_IOC_VERSION, 0x8010A110u);
	check_value("KAIO_IOC_SETUP", KAIO_IOC_SETUP, 0x4010A111u);
	check_value("KAIO_IOC_DESTROY", KAIO_IOC_DESTROY, 0x4008A112u);
	check_value("KAIO_IOC_SUBMIT", KAIO_IOC_SUBMIT, 0x4018A113u);
	check_value("KAIO_IOC_CANCEL", KAIO_IOC_CANCEL, 0x4018A114u);
	check_value("KAIO_IOC_GETEVENTS", KAIO_IOC_GETEVENTS, 0x4028A115u);
	check_value("KAIO_IOC_PGETEVENTS", KAIO_IOC_PGETEVENTS, 0x4030A116u);
	check_value("KAIO_IOC_GETEVENTS_TIME32", KAIO_IOC_GETEVENTS_TIME32, 0x4028A117u);
	check_value("KAIO_IOC_PGETEVENTS_TIME32", KAIO_IOC_PGETEVENTS_TIME32, 0x4030A118u);
	check_value("KAIO_RING_MAGIC", KAIO_RING_MAGIC, 0xa10a10a1u);
	check_value("KAIO_RING_COMPAT_FEATURES", KAIO_RING_COMPAT_FEATURES, 1);
	check_value("KAIO_RING_INCOMPAT_FEATURES", KAIO_RING_INCOMPAT_FEATURES, 0);
	check_value("KAIO_FEAT_* bits", KAIO_FEAT_SETUP | KAIO_FEAT_DESTROY | KAIO_FEAT_SUBMIT |
		    KAIO_FEAT_CANCEL | KAIO_FEAT_GETEVENTS | KAIO_FEAT_PGETEVENTS |
		    KAIO_FEAT_COMPAT | KAIO_FEAT_TIME32, 0xff);

	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n",
	       test_num - failures, failures);
	return failures ? 1 : 0;
}
