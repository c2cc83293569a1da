// SPDX-License-Identifier: GPL-2.0
/* kx user-memory bridge: copy_{from,to}_user on addresses carried as u64. */
#include <linux/uaccess.h>
#include <kx/bridge.h>

static_assert(sizeof(unsigned long long) == sizeof(u64));

unsigned long kx_copy_from_user(void *to, unsigned long long from, unsigned long n)
{
	return copy_from_user(to, u64_to_user_ptr(from), n);
}

unsigned long kx_copy_to_user(unsigned long long to, const void *from, unsigned long n)
{
	return copy_to_user(u64_to_user_ptr(to), from, n);
}

/*
 * One object whose size the C++ caller's type fixes (kx::UserPtr<T>::read
 * and write: sizeof(T), into or from a T).  copy_{from,to}_user() skip the
 * hardened-usercopy object walk when the size is a compile-time constant;
 * through this bridge it no longer is one, so these call the same
 * out-of-line copies without the walk (fault injection, access_ok() and
 * the tail zeroing stay).  Runtime sizes use the checked calls above.
 */
unsigned long kx_copy_from_user_object(void *to, unsigned long long from, unsigned long n)
{
	return _copy_from_user(to, u64_to_user_ptr(from), n);
}

unsigned long kx_copy_to_user_object(unsigned long long to, const void *from, unsigned long n)
{
	return _copy_to_user(u64_to_user_ptr(to), from, n);
}
