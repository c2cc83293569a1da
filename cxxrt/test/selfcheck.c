// SPDX-License-Identifier: GPL-2.0
/*
 * kaio_selfcheck.ko: the test pipeline's own test.  Loading it always fails
 * one KUnit expectation (its suite runs as the module arrives); with warn=1
 * its init also reaches a WARN_ON in C++ code, which the VM runner's kernel
 * log gate must catch.  Used only by scripts/check.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include "cases.h"

static bool warn;
module_param(warn, bool, 0444);
MODULE_PARM_DESC(warn, "reach a WARN_ON at load");

static struct kunit_case kaio_selfcheck_cases[] = {
	KUNIT_CASE(kx_selfcheck_fail),
	{}
};

static struct kunit_suite kaio_selfcheck_suite = {
	.name = "kaio_selfcheck",
	.test_cases = kaio_selfcheck_cases,
};
kunit_test_suite(kaio_selfcheck_suite);

/* KUnit runs the suite before module parameters are parsed; init after. */
static int __init kaio_selfcheck_init(void)
{
	if (warn)
		kx_selfcheck_warn();
	return 0;
}
module_init(kaio_selfcheck_init);

static void __exit kaio_selfcheck_exit(void)
{
}
module_exit(kaio_selfcheck_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kaio test pipeline self-check: fails on purpose");
