// SPDX-License-Identifier: GPL-2.0
/*
 * The small part of <utility> and <type_traits> kaio uses, in namespace kx.
 */
#pragma once

#include <kx/types.h>

namespace kx {

template <typename T> struct remove_reference { using type = T; };
template <typename T> struct remove_reference<T &> { using type = T; };
template <typename T> struct remove_reference<T &&> { using type = T; };
template <typename T> using remove_reference_t = typename remove_reference<T>::type;

template <typename T> struct remove_cv { using type = T; };
template <typename T> struct remove_cv<const T> { using type = T; };
template <typename T> struct remove_cv<volatile T> { using type = T; };
template <typename T> struct remove_cv<const volatile T> { using type = T; };
template <typename T> using remove_cv_t = typename remove_cv<T>::type;

template <typename A, typename B> inline constexpr bool is_same_v = false;
template <typename A> inline constexpr bool is_same_v<A, A> = true;

template <bool C, typename T = void> struct enable_if {};
template <typename T> struct enable_if<true, T> { using type = T; };
template <bool C, typename T = void> using enable_if_t = typename enable_if<C, T>::type;

template <typename T> inline constexpr bool is_lvalue_reference_v = false;
template <typename T> inline constexpr bool is_lvalue_reference_v<T &> = true;

template <typename T> inline constexpr bool is_integral_impl = false;
#define KX_INTEGRAL(t) template <> inline constexpr bool is_integral_impl<t> = true
KX_INTEGRAL(bool);
KX_INTEGRAL(char);
KX_INTEGRAL(signed char);
KX_INTEGRAL(unsigned char);
KX_INTEGRAL(short);
KX_INTEGRAL(unsigned short);
KX_INTEGRAL(int);
KX_INTEGRAL(unsigned int);
KX_INTEGRAL(long);
KX_INTEGRAL(unsigned long);
KX_INTEGRAL(long long);
KX_INTEGRAL(unsigned long long);
#undef KX_INTEGRAL
template <typename T>
inline constexpr bool is_integral_v = is_integral_impl<remove_cv_t<T>>;
template <typename T>
inline constexpr bool is_signed_v = is_integral_v<T> && (remove_cv_t<T>(-1) < remove_cv_t<T>(0));
template <typename T>
inline constexpr bool is_trivially_copyable_v = __is_trivially_copyable(T);
template <typename T>
inline constexpr bool is_trivially_destructible_v = __has_trivial_destructor(T);
template <typename T> inline constexpr bool is_pointer_impl = false;
template <typename T> inline constexpr bool is_pointer_impl<T *> = true;
template <typename T>
inline constexpr bool is_pointer_v = is_pointer_impl<remove_cv_t<T>>;
template <typename B, typename D>
inline constexpr bool is_base_of_v = __is_base_of(B, D);

template <typename T>
[[nodiscard]] constexpr remove_reference_t<T> &&move(T &&v) noexcept
{
	return static_cast<remove_reference_t<T> &&>(v);
}

template <typename T>
[[nodiscard]] constexpr T &&forward(remove_reference_t<T> &v) noexcept
{
	return static_cast<T &&>(v);
}

template <typename T>
[[nodiscard]] constexpr T &&forward(remove_reference_t<T> &&v) noexcept
{
	static_assert(!is_lvalue_reference_v<T>, "forwarding an rvalue as an lvalue");
	return static_cast<T &&>(v);
}

template <typename T, typename U = T>
constexpr T exchange(T &obj, U &&val)
{
	T old = move(obj);
	obj = forward<U>(val);
	return old;
}

template <typename T>
constexpr void swap(T &a, T &b) noexcept
{
	T tmp = move(a);
	a = move(b);
	b = move(tmp);
}

template <typename T>
[[nodiscard]] constexpr const T &min(const T &a, const T &b)
{
	return b < a ? b : a;
}

template <typename T>
[[nodiscard]] constexpr const T &max(const T &a, const T &b)
{
	return a < b ? b : a;
}

template <typename T> struct limits {
	static_assert(is_integral_v<T>, "integers only");
	static constexpr T min = is_signed_v<T> ? T(T(1) << (sizeof(T) * 8 - 1)) : T(0);
	static constexpr T max = T(~min);
};

/* Overflow-checked arithmetic: false and *out set when the result fits. */
template <typename T>
[[nodiscard]] constexpr bool mul_overflows(T a, T b, T *out)
{
	return __builtin_mul_overflow(a, b, out);
}

template <typename T>
[[nodiscard]] constexpr bool add_overflows(T a, T b, T *out)
{
	return __builtin_add_overflow(a, b, out);
}

/* Classes whose identity matters (locks, list heads, refcounted objects). */
struct Pinned {
	Pinned() = default;
	Pinned(const Pinned &) = delete;
	Pinned &operator=(const Pinned &) = delete;
	Pinned(Pinned &&) = delete;
	Pinned &operator=(Pinned &&) = delete;
};

/* The address of a member from the address of its enclosing object's member. */
template <typename T, typename M>
[[nodiscard]] inline T *container_of(M *member, M T::*field)
{
	const auto offset = reinterpret_cast<uptr>(&(static_cast<T *>(nullptr)->*field));
	return reinterpret_cast<T *>(reinterpret_cast<uptr>(member) - offset);
}

} // namespace kx
