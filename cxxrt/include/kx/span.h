// SPDX-License-Identifier: GPL-2.0
/*
 * kx::Span<T>: a pointer and a count.  Indexing out of range is a BUG()
 * (as Rust's slices panic) rather than a read past the end; subspan() clamps
 * its arguments.
 */
#pragma once

#include <kx/log.h>
#include <kx/utility.h>

namespace kx {

template <typename T>
class Span {
public:
	constexpr Span() = default;
	constexpr Span(T *data, usize size) : data_(data), size_(size) {}
	template <usize N>
	constexpr Span(T (&array)[N]) : data_(array), size_(N) {}

	/* Span<T> converts to Span<const T>. */
	template <typename U, typename = enable_if_t<is_same_v<const U, T>>>
	constexpr Span(Span<U> other) : data_(other.data()), size_(other.size()) {}

	[[nodiscard]] constexpr T *data() const { return data_; }
	[[nodiscard]] constexpr usize size() const { return size_; }
	[[nodiscard]] constexpr usize size_bytes() const { return size_ * sizeof(T); }
	[[nodiscard]] constexpr bool empty() const { return size_ == 0; }

	T &operator[](usize i) const
	{
		KX_BUG_ON(i >= size_);
		return data_[i];
	}

	/* Elements [offset, offset + count), clamped to the span. */
	[[nodiscard]] constexpr Span subspan(usize offset, usize count = limits<usize>::max) const
	{
		if (offset > size_)
			offset = size_;
		return {data_ + offset, min(count, size_ - offset)};
	}

	[[nodiscard]] constexpr Span first(usize count) const { return subspan(0, count); }

	constexpr T *begin() const { return data_; }
	constexpr T *end() const { return data_ + size_; }

private:
	T *data_ = nullptr;
	usize size_ = 0;
};

} // namespace kx
