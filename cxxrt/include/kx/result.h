// SPDX-License-Identifier: GPL-2.0
/*
 * kx::Result<T>: a T, or a kx::Error.  [[nodiscard]], so an ignored error is
 * a compile warning (and the build treats warnings as failures).
 *
 *	Result<Own<Ctx>> make_ctx(...)
 *	{
 *		auto ring = KX_TRY(Ring::create(nr));	// returns the error
 *		...
 *	}
 *
 * Entry points turn a Result into the long a syscall returns with
 * kx::to_long(), in exactly one place each.
 */
#pragma once

#include <kx/error.h>
#include <kx/log.h>
#include <kx/utility.h>

namespace kx {

template <typename T>
class [[nodiscard]] Result {
public:
	Result(const T &value) : has_value_(true) { new (&value_) T(value); }
	Result(T &&value) : has_value_(true) { new (&value_) T(move(value)); }
	Result(Error error) : error_(error), has_value_(false) {}

	Result(Result &&other) : error_(other.error_), has_value_(other.has_value_)
	{
		if (has_value_)
			new (&value_) T(move(other.value_));
	}

	Result(const Result &) = delete;
	Result &operator=(const Result &) = delete;
	Result &operator=(Result &&) = delete;

	~Result()
	{
		if (has_value_)
			value_.~T();
	}

	[[nodiscard]] bool ok() const { return has_value_; }
	[[nodiscard]] bool is_error() const { return !has_value_; }

	/* Only on an error. */
	[[nodiscard]] Error error() const
	{
		KX_BUG_ON(has_value_);
		return error_;
	}

	/* Only on a value. */
	[[nodiscard]] T &value()
	{
		KX_BUG_ON(!has_value_);
		return value_;
	}

	[[nodiscard]] const T &value() const
	{
		KX_BUG_ON(!has_value_);
		return value_;
	}

	[[nodiscard]] T release_value()
	{
		KX_BUG_ON(!has_value_);
		return move(value_);
	}

private:
	union {
		T value_;
	};
	Error error_ = err::EINVAL;
	bool has_value_;
};

template <>
class [[nodiscard]] Result<void> {
public:
	Result() : error_(err::EINVAL), has_value_(true) {}
	Result(Error error) : error_(error), has_value_(false) {}

	[[nodiscard]] bool ok() const { return has_value_; }
	[[nodiscard]] bool is_error() const { return !has_value_; }

	[[nodiscard]] Error error() const
	{
		KX_BUG_ON(has_value_);
		return error_;
	}

	void release_value() const {}

private:
	Error error_;
	bool has_value_;
};

/* A kernel pointer that may be an error pointer (ERR_PTR()): the pointer, or its errno. */
template <typename T>
[[nodiscard]] inline Result<T *> from_err_ptr(T *ptr)
{
	const long value = static_cast<long>(reinterpret_cast<uptr>(ptr));
	if (Error::valid(value))
		return Error::from_errno(value);
	return ptr;
}

/* A C function's int: 0, or a negative errno. */
[[nodiscard]] inline Result<void> to_result(int rc)
{
	if (rc)
		return Error::from_errno(rc);
	return {};
}

/* For a C caller that takes a pointer or an error pointer (an entry point). */
template <typename T>
[[nodiscard]] inline T *to_err_ptr(Result<T *> &&r)
{
	if (r.is_error())
		return reinterpret_cast<T *>(static_cast<uptr>(static_cast<long>(r.error().to_errno())));
	return r.release_value();
}

/* The one place a Result becomes what a syscall returns. */
template <typename T>
[[nodiscard]] inline long to_long(Result<T> &&r)
{
	static_assert(is_integral_v<T>, "entry points return an integer");
	return r.ok() ? static_cast<long>(r.release_value()) : r.error().to_errno();
}

[[nodiscard]] inline long to_long(Result<void> &&r)
{
	return r.ok() ? 0 : r.error().to_errno();
}

} // namespace kx

/*
 * Evaluate a Result; on error return it from the enclosing function,
 * otherwise yield the value.  A GNU statement expression.
 */
#define KX_TRY(...)                                             \
	({                                                      \
		auto kx_try_ = (__VA_ARGS__);                   \
		if (__builtin_expect(kx_try_.is_error(), 0))    \
			return kx_try_.error();                 \
		kx_try_.release_value();                        \
	})
