/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit for C++ test bodies.  The suites are declared in C (suite.c); each
 * case is an extern "C" function written in C++ that reports through
 * kx_test_fail().  Checks are EXPECT-style only: a KUnit assertion ends the
 * test's kthread without unwinding, so C++ destructors (lock guards, owners)
 * of the aborted frame would never run.
 */
#ifndef KX_KUNIT_BRIDGE_H
#define KX_KUNIT_BRIDGE_H

#include "cases.h"

#ifdef __cplusplus
extern "C" {
#endif

struct kunit;

void kx_test_fail(struct kunit *test, const char *file, int line, const char *expr);
void kx_test_fail_eq(struct kunit *test, const char *file, int line, const char *expr,
		     long long left, long long right);

#ifdef __cplusplus
}

#define KX_EXPECT(test, cond)                                           \
	do {                                                            \
		if (!(cond))                                            \
			kx_test_fail(test, __FILE__, __LINE__, #cond);  \
	} while (0)

#define KX_EXPECT_EQ(test, a, b)                                              \
	do {                                                                  \
		const auto kx_a_ = (a);                                       \
		const auto kx_b_ = (b);                                       \
		if (!(kx_a_ == kx_b_))                                        \
			kx_test_fail_eq(test, __FILE__, __LINE__, #a " == " #b, \
					(long long)kx_a_, (long long)kx_b_);  \
	} while (0)

/* Define a case declared in cases.h. */
#define KX_TEST(name) extern "C" void name(struct kunit *test)
#endif

#endif /* KX_KUNIT_BRIDGE_H */
