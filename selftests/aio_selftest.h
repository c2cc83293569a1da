/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kselftest_harness.h glue for AIO tests that run on both backends.
 *
 *	FIXTURE(f) { ... };
 *	AIO_BACKEND_VARIANTS(f);	// every TEST_F(f, x) runs as f.native.x and f.kaio.x
 *	FIXTURE_SETUP(f) { ... }
 *	FIXTURE_TEARDOWN(f) { ... }
 *	TEST_F(f, x)
 *	{
 *		const struct aio_backend *b = variant->backend;
 *		AIO_REQUIRE(b, AIO_OP_SETUP, AIO_OP_DESTROY);
 *		...
 *	}
 *
 * AIO_REQUIRE() SKIPs the test unless the backend serves every listed
 * operation.  It belongs in the test body: the 6.1 harness runs the body
 * even after a SKIP in FIXTURE_SETUP.
 */
#ifndef KAIO_SELFTEST_AIO_SELFTEST_H
#define KAIO_SELFTEST_AIO_SELFTEST_H

#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"
#include "aio_backend.h"

#define AIO_BACKEND_VARIANTS(fixture)					\
	FIXTURE_VARIANT(fixture) {					\
		const struct aio_backend *backend;			\
	};								\
	FIXTURE_VARIANT_ADD(fixture, native) {				\
		.backend = &aio_backend_native,				\
	};								\
	FIXTURE_VARIANT_ADD(fixture, kaio) {				\
		.backend = &aio_backend_kaio,				\
	}

#define AIO_REQUIRE(backend, ...) do {					\
	const enum aio_op __ops[] = { __VA_ARGS__ };			\
	char __why[256];						\
	for (size_t __i = 0; __i < sizeof(__ops) / sizeof(__ops[0]); __i++) \
		if (!(backend)->serves(__ops[__i], __why, sizeof(__why))) \
			SKIP(return, "%s", __why);			\
} while (0)

/*
 * ASSERT/EXPECT that a call failed with -1 and errno @err; logs the
 * actual result and errno name otherwise.
 */
#define __AIO_ERRNO_CHECK(kind, err, call, text) do {			\
	long __ret = (call);						\
	int __errno = errno;						\
	kind##_EQ(-1, __ret) {						\
		TH_LOG("%s returned %ld, expected -1 (%s)", text,	\
		       __ret, strerrorname_np(err));			\
	}								\
	kind##_EQ(err, __errno) {					\
		TH_LOG("%s: errno %s (%s), expected %s", text,		\
		       strerrorname_np(__errno) ?: "?",			\
		       strerror(__errno), strerrorname_np(err));	\
	}								\
} while (0)
#define ASSERT_ERRNO(err, call)	__AIO_ERRNO_CHECK(ASSERT, err, call, #call)
#define EXPECT_ERRNO(err, call)	__AIO_ERRNO_CHECK(EXPECT, err, call, #call)

/* ASSERT that a call returned @val (>= 0); logs errno otherwise. */
#define __AIO_OK_CHECK(val, call, text) do {				\
	long __ret = (call);						\
	int __errno = errno;						\
	ASSERT_EQ((long)(val), __ret) {					\
		if (__ret == -1)					\
			TH_LOG("%s failed: %s (%s)", text,		\
			       strerrorname_np(__errno) ?: "?",		\
			       strerror(__errno));			\
	}								\
} while (0)
#define ASSERT_OK_VAL(val, call)	__AIO_OK_CHECK(val, call, #call)
#define ASSERT_OK(call)			__AIO_OK_CHECK(0, call, #call)

#endif /* KAIO_SELFTEST_AIO_SELFTEST_H */
