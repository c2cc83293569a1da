// SPDX-License-Identifier: GPL-2.0
/* kx memory bridge: the slab allocator. */
#include <linux/slab.h>
#include <linux/err.h>
#include <kx/bridge.h>

static_assert(sizeof(unsigned long) == sizeof(size_t));
static_assert(sizeof(unsigned int) == sizeof(gfp_t));

void *kx_kmalloc(unsigned long size, unsigned int gfp)
{
	void *mem = kmalloc(size, (__force gfp_t)gfp);

	return mem ? mem : ERR_PTR(-ENOMEM);
}

void kx_kfree(const void *ptr)
{
	kfree(ptr);
}

/* A slab cache of objects aligned to @align, or to a cache line if larger. */
struct kmem_cache *kx_slab_create(const char *name, unsigned long size, unsigned long align)
{
	struct kmem_cache *cache = kmem_cache_create(name, size, align, SLAB_HWCACHE_ALIGN, NULL);

	return cache ? cache : ERR_PTR(-ENOMEM);
}

void kx_slab_destroy(struct kmem_cache *cache)
{
	kmem_cache_destroy(cache);
}

void *kx_slab_alloc(struct kmem_cache *cache, unsigned int gfp)
{
	void *obj = kmem_cache_alloc(cache, (__force gfp_t)gfp);

	return obj ? obj : ERR_PTR(-ENOMEM);
}

void kx_slab_free(struct kmem_cache *cache, void *obj)
{
	kmem_cache_free(cache, obj);
}
