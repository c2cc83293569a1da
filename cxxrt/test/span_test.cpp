// SPDX-License-Identifier: GPL-2.0
/* KUnit: kx::Span. */
#include <kx/span.h>
#include "kunit_bridge.h"

using namespace kx;

KX_TEST(kx_test_span_basics)
{
	int data[5] = {1, 2, 3, 4, 5};
	Span<int> s(data);
	KX_EXPECT_EQ(test, s.size(), 5UL);
	KX_EXPECT_EQ(test, s.size_bytes(), 5 * sizeof(int));
	KX_EXPECT(test, !s.empty());
	int sum = 0;
	for (int v : s)
		sum += v;
	KX_EXPECT_EQ(test, sum, 15);
	s[4] = 50;
	KX_EXPECT_EQ(test, data[4], 50);

	Span<const int> cs = s;
	KX_EXPECT_EQ(test, cs[0], 1);
	KX_EXPECT(test, Span<int>().empty());
}

KX_TEST(kx_test_span_subspan_clamps)
{
	int data[5] = {1, 2, 3, 4, 5};
	Span<int> s(data);
	Span<int> mid = s.subspan(1, 3);
	KX_EXPECT(test, mid.data() == data + 1 && mid.size() == 3);
	KX_EXPECT_EQ(test, s.subspan(3).size(), 2UL);
	KX_EXPECT_EQ(test, s.subspan(2, 100).size(), 3UL);	/* count clamped */
	KX_EXPECT_EQ(test, s.subspan(9).size(), 0UL);		/* offset clamped */
	KX_EXPECT(test, s.subspan(9).data() == data + 5);
	KX_EXPECT_EQ(test, s.first(2).size(), 2UL);
}
