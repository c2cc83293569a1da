// SPDX-License-Identifier: GPL-2.0
/* kx memory bridge: the slab allocator. */
#include <linux/slab.h>
#include <kx/bridge.h>

static_assert(sizeof(kx_size_t) == sizeof(size_t));
static_assert(sizeof(kx_gfp_t) == sizeof(gfp_t));

void *kx_kmalloc(kx_size_t size, kx_gfp_t gfp)
{
	return kmalloc(size, (__force gfp_t)gfp);
}

void kx_kfree(const void *ptr)
{
	kfree(ptr);
}
