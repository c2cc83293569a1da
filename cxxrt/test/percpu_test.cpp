// SPDX-License-Identifier: GPL-2.0
/* KUnit: kx::PerCpu, kx::LocalIrqGuard and kx::index_nospec(). */
#include <kx/nospec.h>
#include <kx/percpu.h>
#include "kunit_bridge.h"

using namespace kx;

struct Slots {
	unsigned int count;
};

KX_TEST(kx_test_percpu_local)
{
	PerCpu<Slots> slots;
	KX_EXPECT(test, slots.create().ok());
	/* Zeroed, reached with interrupts off, and kept per CPU. */
	const unsigned int first = slots.with_local([&](Slots &mine) {
		KX_EXPECT(test, kx_irqs_disabled());
		return mine.count++;
	});
	KX_EXPECT_EQ(test, first, 0U);
	{
		LocalIrqGuard off;
		/* Interrupts stay off: the same CPU's storage again. */
		KX_EXPECT_EQ(test, slots.with_local([](Slots &mine) { return mine.count; }), 1U);
	}
	slots.destroy();
	slots.destroy();	/* idempotent, as is the destructor after it */
}

KX_TEST(kx_test_index_nospec)
{
	KX_EXPECT_EQ(test, index_nospec(3, 8), 3UL);
	KX_EXPECT_EQ(test, index_nospec(7, 8), 7UL);
	KX_EXPECT_EQ(test, index_nospec(8, 8), 0UL);
	KX_EXPECT_EQ(test, index_nospec(~0UL, 8), 0UL);
	/* Unsigned throughout: "negative" indices and sizes, and size 0. */
	KX_EXPECT_EQ(test, index_nospec(0, 0), 0UL);
	KX_EXPECT_EQ(test, index_nospec(1UL << 63, 8), 0UL);
	KX_EXPECT_EQ(test, index_nospec(1UL << 63, ~0UL), 1UL << 63);
	KX_EXPECT_EQ(test, index_nospec(~0UL - 1, ~0UL), ~0UL - 1);
	KX_EXPECT_EQ(test, index_nospec(~0UL, ~0UL), 0UL);
	/* Sizes the compiler sees as constants, large ones included. */
	volatile usize big = 1UL << 40;
	KX_EXPECT_EQ(test, index_nospec(big - 1, 1UL << 40), (1UL << 40) - 1);
	KX_EXPECT_EQ(test, index_nospec(big, 1UL << 40), 0UL);
}
