// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: kx::UserPtr.  A KUnit case runs in a kthread with no user address
 * space, so every real copy faults: what is tested is that faults and
 * overflowing ranges come back as -EFAULT, and the address arithmetic.
 * The selftests cover successful copies from a real process.
 */
#include <kx/user.h>
#include "kunit_bridge.h"

using namespace kx;

namespace {
struct Pair {
	u32 a;
	u32 b;
	u64 c;
};
} // namespace

KX_TEST(kx_test_user_faults_are_efault)
{
	u64 kernel_value = 7;
	/* A kernel address is not a user address: rejected, not read. */
	UserPtr<u64> kp(reinterpret_cast<uptr>(&kernel_value));
	Result<u64> r = kp.read();
	KX_EXPECT(test, r.is_error() && r.error() == err::EFAULT);
	KX_EXPECT(test, kp.write(1).is_error());
	KX_EXPECT_EQ(test, kernel_value, 7ULL);

	UserPtr<u64> null;
	KX_EXPECT(test, null.is_null());
	KX_EXPECT(test, null.read().is_error());

	/* A plausible user address with nothing mapped (no mm at all here). */
	UserPtr<Pair> up(0x10000);
	Result<Pair> rp = up.read();
	KX_EXPECT(test, rp.is_error() && rp.error() == err::EFAULT);
}

KX_TEST(kx_test_user_array_overflow)
{
	u64 buf[4] = {};
	UserPtr<u64> up(0x10000);
	/* A count whose byte size wraps is a fault before any copy is tried. */
	Span<u64> huge(buf, limits<usize>::max / 2);
	Result<void> r = up.read_array(huge);
	KX_EXPECT(test, r.is_error() && r.error() == err::EFAULT);
	/* So is a range that wraps the address space. */
	UserPtr<u64> top(limits<u64>::max - 8);
	KX_EXPECT(test, top.read_array(Span<u64>(buf, 4)).is_error());
	KX_EXPECT(test, top.write_array(Span<const u64>(buf, 4)).is_error());
}

KX_TEST(kx_test_user_address_arithmetic)
{
	UserPtr<Pair> base(0x10000);
	Result<UserPtr<Pair>> third = base.at(2);
	KX_EXPECT(test, third.ok() && third.value().addr() == 0x10000 + 2 * sizeof(Pair));
	KX_EXPECT(test, base.at(limits<usize>::max / 8).is_error());
	KX_EXPECT_EQ(test, base.field(&Pair::c).addr(), 0x10008ULL);
	KX_EXPECT_EQ(test, base.field(&Pair::b).addr(), 0x10004ULL);
	KX_EXPECT_EQ(test, base.cast<u32>().addr(), 0x10000ULL);
}
