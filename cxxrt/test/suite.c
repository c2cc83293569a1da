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
#include "kunit_bridge.h"

#define KX_CASES(X)                             \
	X(kx_test_error_valid)                  \
	X(kx_test_result_value_and_error)       \
	X(kx_test_result_try_propagates)        \
	X(kx_test_result_void_try)              \
	X(kx_test_result_destroys_value_once)   \
	X(kx_test_alloc_make_and_free)          \
	X(kx_test_alloc_own_moves)              \
	X(kx_test_alloc_virtual_destructor)     \
	X(kx_test_alloc_array)                  \
	X(kx_test_alloc_array_overflow)         \
	X(kx_test_alloc_gfp_from_tree)          \
	X(kx_test_lock_spin_guard)              \
	X(kx_test_lock_irqsave_guard)           \
	X(kx_test_lock_irq_guard)               \
	X(kx_test_lock_mutex_guard)             \
	X(kx_test_list_push_and_iterate)        \
	X(kx_test_list_remove_while_iterating)  \
	X(kx_test_list_splice)                  \
	X(kx_test_atomic_int)                   \
	X(kx_test_atomic_cmpxchg)               \
	X(kx_test_atomic_pointer_and_once)      \
	X(kx_test_span_basics)                  \
	X(kx_test_span_subspan_clamps)          \
	X(kx_test_user_faults_are_efault)       \
	X(kx_test_user_array_overflow)          \
	X(kx_test_user_address_arithmetic)      \
	X(kx_test_utility_move_forward)         \
	X(kx_test_utility_overflow)             \
	X(kx_test_utility_container_of)

#define KX_DECLARE(name) void name(struct kunit *test);
KX_CASES(KX_DECLARE)

#define KX_CASE(name) KUNIT_CASE(name),
static struct kunit_case kx_runtime_cases[] = {
	KX_CASES(KX_CASE)
	{}
};

static struct kunit_suite kx_runtime_suite = {
	.name = "kx_runtime",
	.test_cases = kx_runtime_cases,
};

static char *inject = "";
module_param(inject, charp, 0444);
MODULE_PARM_DESC(inject, "fail on purpose: 'expect' (a KUnit expectation) or 'warn' (WARN_ON)");

void kx_test_inject_warn(void);

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
