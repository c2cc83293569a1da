// SPDX-License-Identifier: GPL-2.0
/* kx lifetime bridge: percpu_ref, refcount_t, completions. */
#include <linux/percpu-refcount.h>
#include <linux/refcount.h>
#include <linux/completion.h>
#include <kx/bridge.h>
#include <kx/consts.h>

static_assert(sizeof(struct percpu_ref) == KX_SIZEOF_PERCPU_REF);
static_assert(sizeof(refcount_t) == KX_SIZEOF_REFCOUNT);
static_assert(sizeof(struct completion) == KX_SIZEOF_COMPLETION);

int kx_percpu_ref_init(struct percpu_ref *ref, void (*release)(struct percpu_ref *ref),
		       unsigned int gfp)
{
	return percpu_ref_init(ref, release, 0, (__force gfp_t)gfp);
}

void kx_percpu_ref_exit(struct percpu_ref *ref)
{
	percpu_ref_exit(ref);
}

void kx_percpu_ref_get(struct percpu_ref *ref)
{
	percpu_ref_get(ref);
}

void kx_percpu_ref_put(struct percpu_ref *ref)
{
	percpu_ref_put(ref);
}

int kx_percpu_ref_tryget_live(struct percpu_ref *ref)
{
	return percpu_ref_tryget_live(ref);
}

void kx_percpu_ref_kill(struct percpu_ref *ref)
{
	percpu_ref_kill(ref);
}

int kx_percpu_ref_is_zero(struct percpu_ref *ref)
{
	return percpu_ref_is_zero(ref);
}

void kx_refcount_set(void *ref, unsigned int value)
{
	refcount_set((refcount_t *)ref, value);
}

void kx_refcount_inc(void *ref)
{
	refcount_inc((refcount_t *)ref);
}

int kx_refcount_dec_and_test(void *ref)
{
	return refcount_dec_and_test((refcount_t *)ref);
}

unsigned int kx_refcount_read(void *ref)
{
	return refcount_read((refcount_t *)ref);
}

void kx_completion_init(void *done)
{
	init_completion((struct completion *)done);
}

void kx_completion_complete(void *done)
{
	complete((struct completion *)done);
}

void kx_completion_wait(void *done)
{
	wait_for_completion((struct completion *)done);
}

int kx_completion_done(void *done)
{
	return completion_done((struct completion *)done);
}
