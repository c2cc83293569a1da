// SPDX-License-Identifier: GPL-2.0
/* kx lock bridge: spinlock_t and struct mutex behind opaque C++ storage. */
#include <linux/spinlock.h>
#include <linux/mutex.h>
#include <linux/lockdep.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <kx/bridge.h>
#include <kx/consts.h>

static_assert(sizeof(spinlock_t) == KX_SIZEOF_SPINLOCK);
static_assert(sizeof(struct mutex) == KX_SIZEOF_MUTEX);
static_assert(sizeof(struct lock_class_key) <= KX_SIZEOF_LOCK_CLASS_KEY);

/* spin_lock_init() with the caller's lockdep class instead of a per-line one. */
void kx_spin_init(void *lock, const char *name, void *key)
{
#ifdef CONFIG_DEBUG_SPINLOCK
	__raw_spin_lock_init(spinlock_check(lock), name, key, LD_WAIT_CONFIG);
#else
	spin_lock_init((spinlock_t *)lock);
#endif
}

void kx_spin_lock(void *lock)
{
	spin_lock(lock);
}

void kx_spin_unlock(void *lock)
{
	spin_unlock(lock);
}

void kx_spin_lock_irq(void *lock)
{
	spin_lock_irq(lock);
}

void kx_spin_unlock_irq(void *lock)
{
	spin_unlock_irq(lock);
}

unsigned long kx_spin_lock_irqsave(void *lock)
{
	unsigned long flags;

	spin_lock_irqsave((spinlock_t *)lock, flags);
	return flags;
}

void kx_spin_unlock_irqrestore(void *lock, unsigned long flags)
{
	spin_unlock_irqrestore(lock, flags);
}

int kx_spin_trylock(void *lock)
{
	return spin_trylock((spinlock_t *)lock);
}

int kx_spin_trylock_irqsave(void *lock, unsigned long *flags)
{
	unsigned long f;

	if (!spin_trylock_irqsave((spinlock_t *)lock, f))
		return 0;
	*flags = f;
	return 1;
}

void kx_spin_assert_held(void *lock)
{
	lockdep_assert_held((spinlock_t *)lock);
}

void kx_mutex_init(void *lock, const char *name, void *key)
{
	__mutex_init(lock, name, key);
}

void kx_mutex_destroy(void *lock)
{
	mutex_destroy(lock);
}

void kx_mutex_lock(void *lock)
{
	mutex_lock(lock);
}

int kx_mutex_lock_killable(void *lock)
{
	return mutex_lock_killable(lock);
}

int kx_mutex_trylock(void *lock)
{
	return mutex_trylock(lock);
}

void kx_mutex_unlock(void *lock)
{
	mutex_unlock(lock);
}

int kx_mutex_is_locked(void *lock)
{
	return mutex_is_locked(lock);
}

void kx_mutex_assert_held(void *lock)
{
	lockdep_assert_held((struct mutex *)lock);
}

int kx_irqs_disabled(void)
{
	return irqs_disabled();
}
