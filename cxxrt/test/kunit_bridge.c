// SPDX-License-Identifier: GPL-2.0
/* KUnit reporting for the C++ test bodies. */
#include <kunit/test.h>
#include "kunit_bridge.h"

void kx_test_fail(struct kunit *test, const char *file, int line, const char *expr)
{
	KUNIT_FAIL(test, "%s:%d: expected %s", file, line, expr);
}

void kx_test_fail_eq(struct kunit *test, const char *file, int line, const char *expr,
		     long long left, long long right)
{
	KUNIT_FAIL(test, "%s:%d: expected %s, got %lld vs %lld", file, line, expr, left, right);
}
