// SPDX-License-Identifier: GPL-2.0
/* KUnit: kx::Atomic, READ_ONCE/WRITE_ONCE and barriers. */
#include <kx/atomic.h>
#include "kunit_bridge.h"

using namespace kx;

KX_TEST(kx_test_atomic_int)
{
	Atomic<int> a(5);
	KX_EXPECT_EQ(test, a.load(), 5);
	a.inc();
	a.add(10);
	KX_EXPECT_EQ(test, a.load(), 16);
	KX_EXPECT_EQ(test, a.fetch_add(4), 16);
	KX_EXPECT_EQ(test, a.add_return(-10), 10);
	KX_EXPECT_EQ(test, a.fetch_sub(9), 10);
	KX_EXPECT(test, a.dec_and_test());
	KX_EXPECT_EQ(test, a.load(), 0);
	KX_EXPECT(test, !a.dec_and_test());
	KX_EXPECT_EQ(test, a.load(), -1);

	a.store(3);
	KX_EXPECT_EQ(test, a.xchg(8), 3);
	KX_EXPECT_EQ(test, a.load_acquire(), 8);
	a.store_release(9);
	KX_EXPECT_EQ(test, a.load(), 9);
}

KX_TEST(kx_test_atomic_cmpxchg)
{
	Atomic<long> a(100);
	KX_EXPECT_EQ(test, a.cmpxchg(100, 200), 100L);	/* success returns old */
	KX_EXPECT_EQ(test, a.load(), 200L);
	KX_EXPECT_EQ(test, a.cmpxchg(100, 300), 200L);	/* failure returns current */
	KX_EXPECT_EQ(test, a.load(), 200L);

	long expected = 5;
	KX_EXPECT(test, !a.try_cmpxchg(&expected, 6));
	KX_EXPECT_EQ(test, expected, 200L);	/* updated to the current value */
	KX_EXPECT(test, a.try_cmpxchg(&expected, 6));
	KX_EXPECT_EQ(test, a.load(), 6L);

	KX_EXPECT(test, a.add_unless(1, 0));
	KX_EXPECT_EQ(test, a.load(), 7L);
	a.store(0);
	KX_EXPECT(test, !a.add_unless(1, 0));
	KX_EXPECT_EQ(test, a.load(), 0L);
}

KX_TEST(kx_test_atomic_pointer_and_once)
{
	int x = 1, y = 2;
	Atomic<int *> p(&x);
	KX_EXPECT(test, p.xchg(&y) == &x);
	KX_EXPECT(test, p.load() == &y);

	unsigned int shared = 0;
	write_once(shared, 41u);
	smp_wmb();
	smp_mb();
	smp_rmb();
	barrier();
	KX_EXPECT_EQ(test, read_once(shared), 41u);
}
