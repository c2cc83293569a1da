// SPDX-License-Identifier: GPL-2.0
/*
 * kaio_selfcheck.ko, the C++ half: failures on purpose, so `make check` can
 * prove that a failing KUnit expectation and a WARN_ON reached in module C++
 * code each turn a run red.  Never part of a normal test run.
 */
#include <kx/log.h>
#include "kunit_bridge.h"

KX_TEST(kx_selfcheck_fail)
{
	KX_EXPECT_EQ(test, 1, 2);	/* fails on purpose */
}

extern "C" void kx_selfcheck_warn(void)
{
	KX_WARN_ON(true);
}
