// SPDX-License-Identifier: GPL-2.0
/*
 * kx::Error: a negative errno that is known to be valid (-MAX_ERRNO..-1).
 *
 * The named constants (kx::err::EINVAL, ...) are checked at compile time;
 * a value computed at run time (a kernel function's return) goes through
 * Error::from_errno(), which warns and substitutes -EINVAL for anything that
 * is not an errno, so a bogus value never reaches userspace.
 */
#pragma once

#include <kx/consts.h>
#include <kx/log.h>
#include <kx/types.h>

namespace kx {

class Error {
public:
	/* Is @code a negative errno the kernel could return? */
	[[nodiscard]] static constexpr bool valid(long code)
	{
		return code < 0 && code >= -KX_MAX_ERRNO;
	}

	/* A constant, checked when compiled: Error::of<-KX_EINVAL>(). */
	template <long Code>
	[[nodiscard]] static constexpr Error of()
	{
		static_assert(valid(Code), "not a negative errno");
		return Error(static_cast<int>(Code));
	}

	/* A value from a kernel function: warns and gives -EINVAL if invalid. */
	[[nodiscard]] static Error from_errno(long code)
	{
		if (KX_WARN_ON(!valid(code)))
			return Error(-KX_EINVAL);
		return Error(static_cast<int>(code));
	}

	/* The negative errno, for the one conversion at an entry point. */
	[[nodiscard]] constexpr int to_errno() const { return code_; }

	constexpr bool operator==(const Error &) const = default;

private:
	constexpr explicit Error(int code) : code_(code) {}
	int code_;
};

namespace err {
inline constexpr Error EPERM = Error::of<-KX_EPERM>();
inline constexpr Error ENOENT = Error::of<-KX_ENOENT>();
inline constexpr Error EINTR = Error::of<-KX_EINTR>();
inline constexpr Error EIO = Error::of<-KX_EIO>();
inline constexpr Error EBADF = Error::of<-KX_EBADF>();
inline constexpr Error EAGAIN = Error::of<-KX_EAGAIN>();
inline constexpr Error ENOMEM = Error::of<-KX_ENOMEM>();
inline constexpr Error EACCES = Error::of<-KX_EACCES>();
inline constexpr Error EFAULT = Error::of<-KX_EFAULT>();
inline constexpr Error EBUSY = Error::of<-KX_EBUSY>();
inline constexpr Error EEXIST = Error::of<-KX_EEXIST>();
inline constexpr Error ENODEV = Error::of<-KX_ENODEV>();
inline constexpr Error EINVAL = Error::of<-KX_EINVAL>();
inline constexpr Error ENOSPC = Error::of<-KX_ENOSPC>();
inline constexpr Error ENOTTY = Error::of<-KX_ENOTTY>();
inline constexpr Error ERANGE = Error::of<-KX_ERANGE>();
inline constexpr Error EOVERFLOW = Error::of<-KX_EOVERFLOW>();
inline constexpr Error EOPNOTSUPP = Error::of<-KX_EOPNOTSUPP>();
inline constexpr Error ECANCELED = Error::of<-KX_ECANCELED>();
inline constexpr Error EINPROGRESS = Error::of<-KX_EINPROGRESS>();
inline constexpr Error ERESTARTSYS = Error::of<-KX_ERESTARTSYS>();
inline constexpr Error ERESTARTNOINTR = Error::of<-KX_ERESTARTNOINTR>();
inline constexpr Error ERESTARTNOHAND = Error::of<-KX_ERESTARTNOHAND>();
} // namespace err

} // namespace kx
