// SPDX-License-Identifier: GPL-2.0
/* KUnit: kx::make, kx::Own, kx::OwnArray. */
#include <kx/alloc.h>
#include "kunit_bridge.h"

using namespace kx;

namespace {

struct Tracked {
	Tracked(int *live, int v) : live_(live), value(v) { ++*live_; }
	~Tracked() { --*live_; }
	int *live_;
	int value;
};

struct Base {
	explicit Base(int *live) : live_(live) { ++*live_; }
	virtual ~Base() { --*live_; }
	virtual int kind() const { return 1; }
	int *live_;
};

struct Derived final : Base {
	Derived(int *live, int *derived_live) : Base(live), derived_live_(derived_live) { ++*derived_live_; }
	~Derived() override { --*derived_live_; }
	int kind() const override { return 2; }
	int *derived_live_;
	char payload[200];
};

} // namespace

KX_TEST(kx_test_alloc_make_and_free)
{
	int live = 0;
	{
		Result<Own<Tracked>> r = make<Tracked>(gfp::KERNEL, &live, 42);
		KX_EXPECT(test, r.ok());
		if (!r.ok())
			return;
		Own<Tracked> t = r.release_value();
		KX_EXPECT(test, static_cast<bool>(t));
		KX_EXPECT_EQ(test, t->value, 42);
		KX_EXPECT_EQ(test, live, 1);
	}
	KX_EXPECT_EQ(test, live, 0);
}

KX_TEST(kx_test_alloc_own_moves)
{
	int live = 0;
	Result<Own<Tracked>> r = make<Tracked>(gfp::KERNEL, &live, 1);
	if (!r.ok()) {
		KX_EXPECT(test, r.ok());
		return;
	}
	Own<Tracked> a = r.release_value();
	Tracked *raw = a.get();
	Own<Tracked> b = move(a);
	KX_EXPECT(test, !a);
	KX_EXPECT(test, b.get() == raw);
	KX_EXPECT_EQ(test, live, 1);

	Own<Tracked> c;
	c = move(b);
	KX_EXPECT(test, !b && c.get() == raw);
	KX_EXPECT_EQ(test, live, 1);

	/* leak() gives up ownership; adopting it back frees it once. */
	Tracked *leaked = c.leak();
	KX_EXPECT(test, !c);
	KX_EXPECT_EQ(test, live, 1);
	Own<Tracked> again(leaked);
	again.reset();
	KX_EXPECT_EQ(test, live, 0);
}

KX_TEST(kx_test_alloc_virtual_destructor)
{
	int live = 0, derived_live = 0;
	{
		Result<Own<Derived>> r = make<Derived>(gfp::KERNEL | gfp::ZERO, &live, &derived_live);
		if (!r.ok()) {
			KX_EXPECT(test, r.ok());
			return;
		}
		Own<Base> base = r.release_value();	/* upcast */
		KX_EXPECT_EQ(test, base->kind(), 2);
		KX_EXPECT_EQ(test, live, 1);
		KX_EXPECT_EQ(test, derived_live, 1);
	}
	/* Destroyed through the base: both destructors ran. */
	KX_EXPECT_EQ(test, live, 0);
	KX_EXPECT_EQ(test, derived_live, 0);
}

KX_TEST(kx_test_alloc_array)
{
	Result<OwnArray<u64>> r = OwnArray<u64>::create(gfp::KERNEL | gfp::ZERO, 100);
	KX_EXPECT(test, r.ok());
	if (!r.ok())
		return;
	OwnArray<u64> arr = r.release_value();
	KX_EXPECT_EQ(test, arr.size(), 100UL);
	u64 sum = 0;
	for (u64 v : arr.span())
		sum += v;
	KX_EXPECT_EQ(test, sum, 0ULL);	/* gfp::ZERO */
	arr[99] = 7;
	KX_EXPECT_EQ(test, arr.span()[99], 7ULL);

	OwnArray<u64> moved = move(arr);
	KX_EXPECT(test, arr.data() == nullptr && arr.size() == 0);
	KX_EXPECT_EQ(test, moved.size(), 100UL);
}

KX_TEST(kx_test_alloc_array_overflow)
{
	/* count * sizeof(T) overflows: -ENOMEM without calling kmalloc. */
	Result<OwnArray<u64>> r = OwnArray<u64>::create(gfp::KERNEL, limits<usize>::max / 4);
	KX_EXPECT(test, r.is_error() && r.error() == err::ENOMEM);
}

KX_TEST(kx_test_alloc_gfp_from_tree)
{
	KX_EXPECT(test, gfp::KERNEL.bits != 0);
	KX_EXPECT(test, gfp::KERNEL.bits != gfp::ATOMIC.bits);
	KX_EXPECT(test, (gfp::KERNEL | gfp::ZERO).bits == (KX_GFP_KERNEL | KX_GFP_ZERO));
}

struct FlexTable {
	explicit FlexTable(usize count, int tag) : nr(static_cast<unsigned int>(count)), tag(tag)
	{
		for (unsigned int i = 0; i < nr; i++)
			items[i] = static_cast<u64>(i) * 3;
	}
	unsigned int nr;
	int tag;
	u64 items[];
};

KX_TEST(kx_test_alloc_flex)
{
	auto t = make_flex<FlexTable, u64>(gfp::KERNEL, 5, 7);
	KX_EXPECT(test, t.ok());
	if (t.ok()) {
		KX_EXPECT_EQ(test, t.value()->nr, 5U);
		KX_EXPECT_EQ(test, t.value()->tag, 7);
		KX_EXPECT_EQ(test, t.value()->items[4], 12ULL);
		free_flex(t.value());
	}
	/* A count whose byte size overflows is ENOMEM, never a short block. */
	auto huge = make_flex<FlexTable, u64>(gfp::KERNEL, limits<usize>::max / 4, 0);
	KX_EXPECT(test, huge.is_error() && huge.error() == err::ENOMEM);
}
