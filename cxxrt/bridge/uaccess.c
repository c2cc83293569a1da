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
