// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel locks for C++: spinlock_t and struct mutex held as opaque storage
 * (sized from the tree being built against) and RAII guards over them.
 *
 * A lock is initialised in place, once, with its lockdep class:
 *
 *	KX_LOCK_INIT(ctx->completion_lock);
 *
 * which gives each initialisation site its own class, as spin_lock_init()
 * and mutex_init() do.  Guards are [[nodiscard]]: `kx::SpinGuard(lock);`
 * without a name would unlock at once, and is a compile error here.
 */
#pragma once

#include <kx/bridge.h>
#include <kx/consts.h>
#include <kx/error.h>
#include <kx/result.h>
#include <kx/utility.h>

namespace kx {

/* Static storage for a lockdep class key (zero-initialised, no constructor). */
struct LockClass {
	alignas(KX_ALIGNOF_LOCK_CLASS_KEY) unsigned char key[KX_SIZEOF_LOCK_CLASS_KEY];
};

class SpinLock : Pinned {
public:
	SpinLock() = default;

	void init(const char *name, LockClass &cls) { kx_spin_init(raw(), name, cls.key); }

	void lock() { kx_spin_lock(raw()); }
	void unlock() { kx_spin_unlock(raw()); }
	void lock_irq() { kx_spin_lock_irq(raw()); }
	void unlock_irq() { kx_spin_unlock_irq(raw()); }
	[[nodiscard]] unsigned long lock_irqsave() { return kx_spin_lock_irqsave(raw()); }
	void unlock_irqrestore(unsigned long flags) { kx_spin_unlock_irqrestore(raw(), flags); }

	[[nodiscard]] bool try_lock() { return kx_spin_trylock(raw()); }
	/* spin_trylock_irqsave(): on success, unlock with unlock_irqrestore(*flags). */
	[[nodiscard]] bool try_lock_irqsave(unsigned long *flags)
	{
		return kx_spin_trylock_irqsave(raw(), flags);
	}
	/* lockdep_assert_held(): a no-op without lockdep, and no call then. */
	void assert_held()
	{
		if constexpr (KX_LOCKDEP)
			kx_spin_assert_held(raw());
	}

private:
	void *raw() { return storage_; }
	alignas(KX_ALIGNOF_SPINLOCK) unsigned char storage_[KX_SIZEOF_SPINLOCK];
};

class Mutex : Pinned {
public:
	Mutex() = default;

	void init(const char *name, LockClass &cls) { kx_mutex_init(raw(), name, cls.key); }
	/* mutex_destroy(): debug checks that it is unlocked; call before freeing. */
	void destroy() { kx_mutex_destroy(raw()); }

	void lock() { kx_mutex_lock(raw()); }
	[[nodiscard]] Result<void> lock_killable()
	{
		if (kx_mutex_lock_killable(raw()))
			return err::EINTR;
		return {};
	}
	[[nodiscard]] bool try_lock() { return kx_mutex_trylock(raw()); }
	void unlock() { kx_mutex_unlock(raw()); }

	[[nodiscard]] bool is_locked() { return kx_mutex_is_locked(raw()); }
	void assert_held()
	{
		if constexpr (KX_LOCKDEP)
			kx_mutex_assert_held(raw());
	}

private:
	void *raw() { return storage_; }
	alignas(KX_ALIGNOF_MUTEX) unsigned char storage_[KX_SIZEOF_MUTEX];
};

/* spin_lock() ... spin_unlock() */
class SpinGuard : Pinned {
public:
	[[nodiscard]] explicit SpinGuard(SpinLock &lock) : lock_(lock) { lock_.lock(); }
	~SpinGuard() { lock_.unlock(); }

private:
	SpinLock &lock_;
};

/* spin_lock_irq() ... spin_unlock_irq(): only where interrupts are known on. */
class SpinIrqGuard : Pinned {
public:
	[[nodiscard]] explicit SpinIrqGuard(SpinLock &lock) : lock_(lock) { lock_.lock_irq(); }
	~SpinIrqGuard() { lock_.unlock_irq(); }

private:
	SpinLock &lock_;
};

/* spin_lock_irqsave() ... spin_unlock_irqrestore() */
class SpinIrqSaveGuard : Pinned {
public:
	[[nodiscard]] explicit SpinIrqSaveGuard(SpinLock &lock)
		: lock_(lock), flags_(lock.lock_irqsave())
	{
	}
	~SpinIrqSaveGuard() { lock_.unlock_irqrestore(flags_); }

private:
	SpinLock &lock_;
	unsigned long flags_;
};

/* mutex_lock() ... mutex_unlock() */
class MutexGuard : Pinned {
public:
	[[nodiscard]] explicit MutexGuard(Mutex &lock) : lock_(lock) { lock_.lock(); }
	~MutexGuard() { lock_.unlock(); }

	/* For a lock taken some other way (trylock, killable) by the caller. */
	struct Adopt {};
	[[nodiscard]] MutexGuard(Mutex &lock, Adopt) : lock_(lock) { lock_.assert_held(); }

private:
	Mutex &lock_;
};

/*
 * Data reached only through its lock's guard (a Rust Mutex<T>, for a
 * spinlock):
 *
 *	kx::SpinLocked<Producer> producer_;
 *	...
 *	auto p = producer_.lock_irqsave();
 *	p->tail = tail;
 *
 * The guard object lives as long as the access; the data has no other way in.
 */
template <typename T, typename Guard>
class Locked : Pinned {
public:
	[[nodiscard]] Locked(SpinLock &lock, T &data) : guard_(lock), data_(data) {}

	T *operator->() const { return &data_; }
	T &operator*() const { return data_; }

private:
	Guard guard_;
	T &data_;
};

template <typename T>
class SpinLocked : Pinned {
public:
	SpinLocked() = default;

	/* For KX_LOCK_INIT(). */
	void init(const char *name, LockClass &cls) { lock_.init(name, cls); }

	[[nodiscard]] Locked<T, SpinGuard> lock() { return {lock_, data_}; }
	/* Only where interrupts are known on. */
	[[nodiscard]] Locked<T, SpinIrqGuard> lock_irq() { return {lock_, data_}; }
	[[nodiscard]] Locked<T, SpinIrqSaveGuard> lock_irqsave() { return {lock_, data_}; }

	void assert_held() { lock_.assert_held(); }

private:
	SpinLock lock_;
	T data_{};
};

} // namespace kx

/* Initialise a SpinLock, Mutex or SpinLocked with a lockdep class of its own. */
#define KX_LOCK_INIT(lock) KX_LOCK_INIT_NAMED(lock, #lock)

/* The same, with the name lockdep reports (a member's own name may say little). */
#define KX_LOCK_INIT_NAMED(lock, name)                             \
	do {                                                       \
		static ::kx::LockClass kx_lock_class_;             \
		(lock).init(name, kx_lock_class_);                 \
	} while (0)
