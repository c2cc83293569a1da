// SPDX-License-Identifier: GPL-2.0
/*
 * kaio_test.ko: KUnit suites for the C++ runtime.  The tables are C (KUnit's
 * registration macros are kernel C); the cases are C++ (the *_test.cpp
 * files).  Loading the module runs every suite and prints KTAP.
 *
 * inject= makes the run fail on purpose, to prove the test pipeline notices:
 *   inject=expect  a KUnit expectation fails (kaio_selfcheck.inject)
 *   inject=warn    the C++ side reaches a WARN_ON (caught by the log gate)
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/string.h>
#include "cases.h"

static struct kunit_case kx_runtime_cases[] = {
	KUNIT_CASE(kx_test_error_valid),
	KUNIT_CASE(kx_test_result_value_and_error),
	KUNIT_CASE(kx_test_result_try_propagates),
	KUNIT_CASE(kx_test_result_void_try),
	KUNIT_CASE(kx_test_result_destroys_value_once),
	KUNIT_CASE(kx_test_alloc_make_and_free),
	KUNIT_CASE(kx_test_alloc_own_moves),
	KUNIT_CASE(kx_test_alloc_virtual_destructor),
	KUNIT_CASE(kx_test_alloc_array),
	KUNIT_CASE(kx_test_alloc_array_overflow),
	KUNIT_CASE(kx_test_alloc_gfp_from_tree),
	KUNIT_CASE(kx_test_lock_spin_guard),
	KUNIT_CASE(kx_test_lock_irqsave_guard),
	KUNIT_CASE(kx_test_lock_irq_guard),
	KUNIT_CASE(kx_test_lock_mutex_guard),
	KUNIT_CASE(kx_test_list_push_and_iterate),
	KUNIT_CASE(kx_test_list_remove_while_iterating),
	KUNIT_CASE(kx_test_list_splice),
	KUNIT_CASE(kx_test_atomic_int),
	KUNIT_CASE(kx_test_atomic_cmpxchg),
	KUNIT_CASE(kx_test_atomic_pointer_and_once),
	KUNIT_CASE(kx_test_span_basics),
	KUNIT_CASE(kx_test_span_subspan_clamps),
	KUNIT_CASE(kx_test_user_faults_are_efault),
	KUNIT_CASE(kx_test_user_array_overflow),
	KUNIT_CASE(kx_test_user_address_arithmetic),
	KUNIT_CASE(kx_test_utility_move_forward),
	KUNIT_CASE(kx_test_utility_overflow),
	KUNIT_CASE(kx_test_utility_container_of),
	{}
};

static struct kunit_suite kx_runtime_suite = {
	.name = "kx_runtime",
	.test_cases = kx_runtime_cases,
};

static char *inject = "";
module_param(inject, charp, 0444);
MODULE_PARM_DESC(inject, "fail on purpose: 'expect' (a KUnit expectation) or 'warn' (WARN_ON)");

static void kaio_selfcheck_inject(struct kunit *test)
{
	if (!strcmp(inject, "expect"))
		KUNIT_EXPECT_STREQ_MSG(test, inject, "", "failing on purpose (inject=expect)");
	else if (!strcmp(inject, "warn"))
		kx_test_inject_warn();
	else
		KUNIT_EXPECT_STREQ(test, inject, "");
}

static struct kunit_case kaio_selfcheck_cases[] = {
	KUNIT_CASE(kaio_selfcheck_inject),
	{}
};

static struct kunit_suite kaio_selfcheck_suite = {
	.name = "kaio_selfcheck",
	.test_cases = kaio_selfcheck_cases,
};

kunit_test_suites(&kx_runtime_suite, &kaio_selfcheck_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for kaio's C++ runtime");
