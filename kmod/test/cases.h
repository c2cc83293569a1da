/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The core's KUnit cases in kaio_test.ko: defined in C++ (the *_test.cpp
 * files here, with KX_TEST), listed in suite.c.
 */
#ifndef KAIO_TEST_CASES_H
#define KAIO_TEST_CASES_H

#ifdef __cplusplus
extern "C" {
#endif

struct kunit;

void kaio_test_geometry_sizes(struct kunit *test);
void kaio_test_geometry_limits(struct kunit *test);
void kaio_test_geometry_indices(struct kunit *test);
void kaio_test_destroy_wait_nothing(struct kunit *test);
void kaio_test_destroy_wait_all_done_first(struct kunit *test);
void kaio_test_destroy_wait_sleeps(struct kunit *test);

#ifdef __cplusplus
}
#endif

#endif /* KAIO_TEST_CASES_H */
