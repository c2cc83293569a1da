// SPDX-License-Identifier: GPL-2.0
/* KUnit: kx traits, move/forward, overflow helpers, container_of. */
#include <kx/utility.h>
#include "kunit_bridge.h"

using namespace kx;

static_assert(is_same_v<remove_reference_t<int &&>, int>);
static_assert(is_same_v<remove_cv_t<const volatile long>, long>);
static_assert(is_integral_v<const unsigned long> && !is_integral_v<int *>);
static_assert(is_signed_v<int> && !is_signed_v<unsigned int>);
static_assert(is_pointer_v<int *const> && !is_pointer_v<int>);
static_assert(limits<int>::max == 2147483647 && limits<int>::min == -2147483647 - 1);
static_assert(limits<u64>::max == ~0ULL && limits<u8>::min == 0);

namespace {

struct Movable {
	explicit Movable(int v) : value(v) {}
	Movable(Movable &&o) : value(exchange(o.value, -1)) {}
	Movable &operator=(Movable &&o)
	{
		value = exchange(o.value, -1);
		return *this;
	}
	int value;
};

int which(int &) { return 1; }
int which(int &&) { return 2; }

template <typename T>
int forwarded(T &&v)
{
	return which(forward<T>(v));
}

struct Outer {
	long a;
	int b;
	char inner;
};

} // namespace

KX_TEST(kx_test_utility_move_forward)
{
	Movable a(5);
	Movable b = move(a);
	KX_EXPECT_EQ(test, b.value, 5);
	KX_EXPECT_EQ(test, a.value, -1);

	Movable c(1), d(2);
	swap(c, d);
	KX_EXPECT(test, c.value == 2 && d.value == 1);

	int x = 0;
	KX_EXPECT_EQ(test, forwarded(x), 1);
	KX_EXPECT_EQ(test, forwarded(3), 2);
	KX_EXPECT_EQ(test, exchange(x, 9), 0);
	KX_EXPECT_EQ(test, x, 9);
	KX_EXPECT_EQ(test, min(3, 4), 3);
	KX_EXPECT_EQ(test, max(3L, -4L), 3L);
}

KX_TEST(kx_test_utility_overflow)
{
	u64 out = 0;
	KX_EXPECT(test, !mul_overflows<u64>(1ULL << 31, 1ULL << 31, &out) && out == 1ULL << 62);
	KX_EXPECT(test, mul_overflows<u64>(1ULL << 32, 1ULL << 32, &out));
	KX_EXPECT(test, add_overflows<u64>(~0ULL, 1, &out));
	long sl = 0;
	KX_EXPECT(test, add_overflows<long>(limits<long>::max, 1, &sl));
	KX_EXPECT(test, !add_overflows<long>(-1, 1, &sl) && sl == 0);
}

KX_TEST(kx_test_utility_container_of)
{
	Outer o{};
	KX_EXPECT(test, container_of(&o.inner, &Outer::inner) == &o);
	KX_EXPECT(test, container_of(&o.b, &Outer::b) == &o);
}
