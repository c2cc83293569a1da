// SPDX-License-Identifier: GPL-2.0
/*
 * kx::UserPtr<T>: a user-space address of a T.  It cannot be dereferenced;
 * the only ways through it are the copy helpers, which return -EFAULT as
 * copy_{from,to}_user() failures do, and check the arithmetic on counts and
 * offsets for overflow (an overflowing range is a fault, never a wrap).
 * Only trivially copyable types cross the boundary.
 */
#pragma once

#include <kx/bridge.h>
#include <kx/error.h>
#include <kx/result.h>
#include <kx/span.h>
#include <kx/utility.h>

namespace kx {

template <typename T>
class UserPtr {
	static_assert(is_trivially_copyable_v<T>, "only plain data crosses to userspace");

public:
	constexpr UserPtr() = default;
	constexpr explicit UserPtr(u64 addr) : addr_(addr) {}

	[[nodiscard]] constexpr u64 addr() const { return addr_; }
	[[nodiscard]] constexpr bool is_null() const { return addr_ == 0; }

	/* copy_from_user() of one T. */
	[[nodiscard]] Result<T> read() const
	{
		T value;
		if (kx_copy_from_user_object(&value, addr_, sizeof(T)))
			return err::EFAULT;
		return value;
	}

	/* copy_to_user() of one T. */
	[[nodiscard]] Result<void> write(const T &value) const
	{
		if (kx_copy_to_user_object(addr_, &value, sizeof(T)))
			return err::EFAULT;
		return {};
	}

	/* out.size() consecutive Ts starting here. */
	[[nodiscard]] Result<void> read_array(Span<T> out) const
	{
		const unsigned long bytes = KX_TRY(array_bytes(out.size()));
		if (kx_copy_from_user(out.data(), addr_, bytes))
			return err::EFAULT;
		return {};
	}

	[[nodiscard]] Result<void> write_array(Span<const T> in) const
	{
		const unsigned long bytes = KX_TRY(array_bytes(in.size()));
		if (kx_copy_to_user(addr_, in.data(), bytes))
			return err::EFAULT;
		return {};
	}

	/* &this[index], or -EFAULT if the address computation overflows. */
	[[nodiscard]] Result<UserPtr> at(usize index) const
	{
		u64 off, addr;
		if (mul_overflows<u64>(index, sizeof(T), &off) || add_overflows(addr_, off, &addr))
			return err::EFAULT;
		return UserPtr(addr);
	}

	/* A field of the pointed-to T: ptr.field(&T::member) is a UserPtr to it. */
	template <typename U, typename C = T>
	[[nodiscard]] UserPtr<U> field(U C::*member) const
	{
		static_assert(is_same_v<C, T>, "a member of the pointed-to type");
		return UserPtr<U>(addr_ + offset_of(member));
	}

	template <typename U>
	[[nodiscard]] constexpr UserPtr<U> cast() const
	{
		return UserPtr<U>(addr_);
	}

private:
	/* A member's offset, measured on a real T (the compiler folds it to a constant). */
	template <typename U, typename C>
	[[nodiscard]] static usize offset_of(U C::*member)
	{
		const T probe{};
		return static_cast<usize>(reinterpret_cast<const unsigned char *>(&(probe.*member)) -
					  reinterpret_cast<const unsigned char *>(&probe));
	}

	[[nodiscard]] Result<unsigned long> array_bytes(usize count) const
	{
		u64 bytes, end;
		if (mul_overflows<u64>(count, sizeof(T), &bytes) || add_overflows(addr_, bytes, &end))
			return err::EFAULT;
		return static_cast<unsigned long>(bytes);
	}

	u64 addr_ = 0;
};

} // namespace kx
