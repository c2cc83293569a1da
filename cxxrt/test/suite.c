// SPDX-License-Identifier: GPL-2.0
/*
 * kaio_test.ko: the KUnit suite of the C++ runtime (the core's is
 * registered by kmod/test/suite.c, in the same module).  The tables are C
 * (KUnit's registration macros are kernel C); the cases are C++ (the
 * *_test.cpp files).  Loading the module runs every suite and prints KTAP.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include "cases.h"

static struct kunit_case kx_runtime_cases[] = {
	KUNIT_CASE(kx_test_error_valid),
	KUNIT_CASE(kx_test_result_value_and_error),
	KUNIT_CASE(kx_test_result_try_propagates),
	KUNIT_CASE(kx_test_result_void_try),
	KUNIT_CASE(kx_test_result_destroys_value_once),
	KUNIT_CASE(kx_test_result_c_conventions),
	KUNIT_CASE(kx_test_alloc_make_and_free),
	KUNIT_CASE(kx_test_alloc_own_moves),
	KUNIT_CASE(kx_test_alloc_virtual_destructor),
	KUNIT_CASE(kx_test_alloc_array),
	KUNIT_CASE(kx_test_alloc_array_overflow),
	KUNIT_CASE(kx_test_alloc_gfp_from_tree),
	KUNIT_CASE(kx_test_alloc_flex),
	KUNIT_CASE(kx_test_lock_spin_guard),
	KUNIT_CASE(kx_test_lock_irqsave_guard),
	KUNIT_CASE(kx_test_lock_irq_guard),
	KUNIT_CASE(kx_test_lock_mutex_guard),
	KUNIT_CASE(kx_test_lock_spin_locked),
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
	KUNIT_CASE(kx_test_percpu_ref_lifecycle),
	KUNIT_CASE(kx_test_percpu_ref_exit_without_init),
	KUNIT_CASE(kx_test_refcount),
	KUNIT_CASE(kx_test_unique_ref),
	KUNIT_CASE(kx_test_completion),
	KUNIT_CASE(kx_test_waitqueue),
	KUNIT_CASE(kx_test_rcu_work),
	KUNIT_CASE(kx_test_percpu_local),
	KUNIT_CASE(kx_test_index_nospec),
	{}
};

static struct kunit_suite kx_runtime_suite = {
	.name = "kx_runtime",
	.test_cases = kx_runtime_cases,
};

kunit_test_suites(&kx_runtime_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for kaio's C++ runtime and core");
