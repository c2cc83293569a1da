// SPDX-License-Identifier: GPL-2.0
/*
 * A selftest that always fails, run by scripts/check to prove a failing
 * selftest turns `make check` red.  Not part of the real suite.
 */
#include "kselftest_harness.h"

TEST(fails_on_purpose)
{
	ASSERT_EQ(1, 2) TH_LOG("failing on purpose (pipeline self-test)");
}

TEST_HARNESS_MAIN
