// SPDX-License-Identifier: GPL-2.0
/* kx memory bridge: the slab allocator. */
#include <linux/slab.h>
#include <linux/percpu.h>
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

void *kx_alloc_percpu(unsigned long size, unsigned long align)
{
	return (__force void *)__alloc_percpu(size, align);
}

void kx_free_percpu(void *ptr)
{
	free_percpu((__force void __percpu *)ptr);
}

/* A slab cache of objects aligned to @align, or to a cache line if larger. */
struct kmem_cache *kx_slab_create(const char *name, unsigned long size, unsigned long align)
{
	return kmem_cache_create(name, size, align, SLAB_HWCACHE_ALIGN, NULL);
}

void kx_slab_destroy(struct kmem_cache *cache)
{
	kmem_cache_destroy(cache);
}

void *kx_slab_alloc(struct kmem_cache *cache, unsigned int gfp)
{
	return kmem_cache_alloc(cache, (__force gfp_t)gfp);
}

void kx_slab_free(struct kmem_cache *cache, void *obj)
{
	kmem_cache_free(cache, obj);
}
