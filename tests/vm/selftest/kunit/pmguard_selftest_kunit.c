// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit self-test of the pmguard VM harness (tests/vm/run --selftest):
 * one passing case, one skipped case.
 */
#include <kunit/test.h>
#include <linux/module.h>

static void harness_pass(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 2 + 2, 4);
}

static void harness_skip(struct kunit *test)
{
	kunit_skip(test, "skips are reported as SKIP");
}

static struct kunit_case harness_cases[] = {
	KUNIT_CASE(harness_pass),
	KUNIT_CASE(harness_skip),
	{}
};

static struct kunit_suite harness_suite = {
	.name = "pmguard_harness",
	.test_cases = harness_cases,
};
kunit_test_suite(harness_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pmguard test harness self-test");
