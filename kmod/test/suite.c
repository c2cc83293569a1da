// SPDX-License-Identifier: GPL-2.0
/*
 * The core's KUnit suite, in kaio_test.ko beside the C++ runtime's
 * (cxxrt/test/suite.c): the table is C, the cases C++.
 */
#include <kunit/test.h>
#include "cases.h"

static struct kunit_case kaio_core_cases[] = {
	KUNIT_CASE(kaio_test_geometry_sizes),
	KUNIT_CASE(kaio_test_geometry_limits),
	KUNIT_CASE(kaio_test_geometry_indices),
	KUNIT_CASE(kaio_test_destroy_wait_nothing),
	KUNIT_CASE(kaio_test_destroy_wait_all_done_first),
	KUNIT_CASE(kaio_test_destroy_wait_sleeps),
	{}
};

static struct kunit_suite kaio_core_suite = {
	.name = "kaio_core",
	.test_cases = kaio_core_cases,
};

kunit_test_suites(&kaio_core_suite);
