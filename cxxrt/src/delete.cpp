// SPDX-License-Identifier: GPL-2.0
/*
 * Global operator delete: the deallocation half of kx::make(), which
 * allocates with kmalloc().  There is no global operator new to pair with.
 */
#include <kx/types.h>

void operator delete(void *ptr, kx::usize) noexcept
{
	kx_kfree(ptr);
}

void operator delete(void *ptr) noexcept
{
	kx_kfree(ptr);
}
