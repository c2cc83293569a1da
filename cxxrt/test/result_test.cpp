// SPDX-License-Identifier: GPL-2.0
/* KUnit: kx::Error, kx::Result and KX_TRY. */
#include <kx/result.h>
#include "kunit_bridge.h"

using namespace kx;

namespace {

int g_half_calls;

Result<int> half(int x)
{
	g_half_calls++;
	if (x % 2)
		return err::EINVAL;
	return x / 2;
}

Result<int> quarter(int x)
{
	const int h = KX_TRY(half(x));
	return KX_TRY(half(h));
}

Result<void> check_positive(int x)
{
	if (x <= 0)
		return err::ERANGE;
	return {};
}

Result<long> sum_positive(int a, int b)
{
	KX_TRY(check_positive(a));
	KX_TRY(check_positive(b));
	return static_cast<long>(a + b);
}

struct Counted {
	explicit Counted(int *live) : live_(live) { ++*live_; }
	Counted(Counted &&other) : live_(other.live_) { ++*live_; }
	~Counted() { --*live_; }
	int *live_;
};

Result<Counted> make_counted(int *live, bool fail)
{
	if (fail)
		return err::ENOMEM;
	return Counted(live);
}

} // namespace

KX_TEST(kx_test_error_valid)
{
	KX_EXPECT(test, Error::valid(-1));
	KX_EXPECT(test, Error::valid(-KX_MAX_ERRNO));
	KX_EXPECT(test, !Error::valid(0));
	KX_EXPECT(test, !Error::valid(1));
	KX_EXPECT(test, !Error::valid(-KX_MAX_ERRNO - 1));
	/* Values from the tree match the x86 asm-generic numbering userspace sees. */
	KX_EXPECT_EQ(test, err::EINVAL.to_errno(), -22);
	KX_EXPECT_EQ(test, err::EFAULT.to_errno(), -14);
	KX_EXPECT_EQ(test, err::ENOTTY.to_errno(), -25);
	KX_EXPECT_EQ(test, Error::from_errno(-5).to_errno(), err::EIO.to_errno());
	KX_EXPECT(test, err::EAGAIN == Error::from_errno(-KX_EAGAIN));
	KX_EXPECT(test, !(err::EAGAIN == err::EINTR));
}

KX_TEST(kx_test_result_value_and_error)
{
	Result<int> good = 7;
	KX_EXPECT(test, good.ok());
	KX_EXPECT_EQ(test, good.value(), 7);

	Result<int> bad = err::EBADF;
	KX_EXPECT(test, bad.is_error());
	KX_EXPECT_EQ(test, bad.error().to_errno(), -KX_EBADF);
}

KX_TEST(kx_test_result_try_propagates)
{
	g_half_calls = 0;
	Result<int> q = quarter(8);
	KX_EXPECT(test, q.ok() && q.value() == 2);
	KX_EXPECT_EQ(test, g_half_calls, 2);

	/* The first failure returns at once: the second half() never runs. */
	g_half_calls = 0;
	Result<int> odd = quarter(7);
	KX_EXPECT(test, odd.is_error() && odd.error() == err::EINVAL);
	KX_EXPECT_EQ(test, g_half_calls, 1);

	/* A failure in the second step propagates too. */
	Result<int> six = quarter(6);
	KX_EXPECT(test, six.is_error() && six.error() == err::EINVAL);
}

KX_TEST(kx_test_result_void_try)
{
	KX_EXPECT_EQ(test, to_long(sum_positive(2, 3)), 5L);
	KX_EXPECT_EQ(test, to_long(sum_positive(2, -3)), static_cast<long>(-KX_ERANGE));
	KX_EXPECT_EQ(test, to_long(sum_positive(-2, 3)), static_cast<long>(-KX_ERANGE));
	KX_EXPECT_EQ(test, to_long(check_positive(1)), 0L);
	KX_EXPECT_EQ(test, to_long(check_positive(0)), static_cast<long>(-KX_ERANGE));
}

KX_TEST(kx_test_result_destroys_value_once)
{
	int live = 0;
	{
		Result<Counted> r = make_counted(&live, false);
		KX_EXPECT(test, r.ok());
		KX_EXPECT_EQ(test, live, 1);
		Counted taken = r.release_value();
		KX_EXPECT_EQ(test, live, 2);	/* moved-from value still alive in r */
	}
	KX_EXPECT_EQ(test, live, 0);
	{
		Result<Counted> r = make_counted(&live, true);
		KX_EXPECT(test, r.is_error() && r.error() == err::ENOMEM);
		KX_EXPECT_EQ(test, live, 0);
	}
	KX_EXPECT_EQ(test, live, 0);
}

KX_TEST(kx_test_result_c_conventions)
{
	KX_EXPECT(test, to_result(0).ok());
	KX_EXPECT(test, to_result(-KX_EBADF).error() == err::EBADF);

	int object = 0;
	KX_EXPECT_EQ(test, to_err_ptr(Result<int *>(&object)), &object);
	int *failed = to_err_ptr(Result<int *>(err::ENOMEM));
	KX_EXPECT(test, from_err_ptr(failed).is_error() && from_err_ptr(failed).error() == err::ENOMEM);
	KX_EXPECT_EQ(test, from_err_ptr(&object).value(), &object);
}
