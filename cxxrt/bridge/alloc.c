// SPDX-License-Identifier: GPL-2.0
/* kx memory bridge: the slab allocator. */
#include <linux/slab.h>
#include <kx/bridge.h>

static_assert(sizeof(unsigned long) == sizeof(size_t));
static_assert(sizeof(unsigned int) == sizeof(gfp_t));

void *kx_kmalloc(unsigned long size, unsigned int gfp)
{
	return kmalloc(size, (__force gfp_t)gfp);
}

void kx_kfree(const void *ptr)
{
	kfree(ptr);
}
