/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The C++ runtime's KUnit cases in kaio_test.ko: defined in C++ (the
 * *_test.cpp files, with KX_TEST), listed in suite.c.
 */
#ifndef KX_TEST_CASES_H
#define KX_TEST_CASES_H

#ifdef __cplusplus
extern "C" {
#endif

struct kunit;

void kx_test_error_valid(struct kunit *test);
void kx_test_result_value_and_error(struct kunit *test);
void kx_test_result_try_propagates(struct kunit *test);
void kx_test_result_void_try(struct kunit *test);
void kx_test_result_destroys_value_once(struct kunit *test);
void kx_test_result_c_conventions(struct kunit *test);
void kx_test_alloc_make_and_free(struct kunit *test);
void kx_test_alloc_own_moves(struct kunit *test);
void kx_test_alloc_virtual_destructor(struct kunit *test);
void kx_test_alloc_array(struct kunit *test);
void kx_test_alloc_array_overflow(struct kunit *test);
void kx_test_alloc_gfp_from_tree(struct kunit *test);
void kx_test_alloc_flex(struct kunit *test);
void kx_test_lock_spin_guard(struct kunit *test);
void kx_test_lock_irqsave_guard(struct kunit *test);
void kx_test_lock_irq_guard(struct kunit *test);
void kx_test_lock_mutex_guard(struct kunit *test);
void kx_test_lock_spin_locked(struct kunit *test);
void kx_test_list_push_and_iterate(struct kunit *test);
void kx_test_list_remove_while_iterating(struct kunit *test);
void kx_test_list_splice(struct kunit *test);
void kx_test_atomic_int(struct kunit *test);
void kx_test_atomic_cmpxchg(struct kunit *test);
void kx_test_atomic_pointer_and_once(struct kunit *test);
void kx_test_span_basics(struct kunit *test);
void kx_test_span_subspan_clamps(struct kunit *test);
void kx_test_user_faults_are_efault(struct kunit *test);
void kx_test_user_array_overflow(struct kunit *test);
void kx_test_user_address_arithmetic(struct kunit *test);
void kx_test_utility_move_forward(struct kunit *test);
void kx_test_utility_overflow(struct kunit *test);
void kx_test_utility_container_of(struct kunit *test);
void kx_test_percpu_ref_lifecycle(struct kunit *test);
void kx_test_percpu_ref_exit_without_init(struct kunit *test);
void kx_test_refcount(struct kunit *test);
void kx_test_unique_ref(struct kunit *test);
void kx_test_completion(struct kunit *test);
void kx_test_waitqueue(struct kunit *test);
void kx_test_rcu_work(struct kunit *test);
void kx_test_percpu_local(struct kunit *test);
void kx_test_index_nospec(struct kunit *test);

/* kaio_selfcheck.ko: a failing expectation and a WARN_ON, from C++. */
void kx_selfcheck_fail(struct kunit *test);
void kx_selfcheck_warn(void);

#ifdef __cplusplus
}
#endif

#endif /* KX_TEST_CASES_H */
