// SPDX-License-Identifier: GPL-2.0
/* KUnit: kx::SpinLock, kx::Mutex and their guards. */
#include <kx/lock.h>
#include "kunit_bridge.h"

using namespace kx;

/* Whether a spinlock is free, without sleeping: take and drop it. */
static bool spin_free(SpinLock &lock)
{
	if (!lock.try_lock())
		return false;
	lock.unlock();
	return true;
}

KX_TEST(kx_test_lock_spin_guard)
{
	SpinLock lock;
	KX_LOCK_INIT(lock);
	KX_EXPECT(test, spin_free(lock));
	{
		SpinGuard g(lock);
		KX_EXPECT(test, !spin_free(lock));
		lock.assert_held();
	}
	KX_EXPECT(test, spin_free(lock));
}

KX_TEST(kx_test_lock_irqsave_guard)
{
	SpinLock lock;
	KX_LOCK_INIT(lock);
	const bool were_disabled = kx_irqs_disabled();
	{
		SpinIrqSaveGuard g(lock);
		KX_EXPECT(test, !spin_free(lock));
		KX_EXPECT(test, kx_irqs_disabled());
	}
	KX_EXPECT(test, spin_free(lock));
	KX_EXPECT_EQ(test, static_cast<bool>(kx_irqs_disabled()), were_disabled);
}

KX_TEST(kx_test_lock_irq_guard)
{
	SpinLock lock;
	KX_LOCK_INIT(lock);
	KX_EXPECT(test, !kx_irqs_disabled());
	{
		SpinIrqGuard g(lock);
		KX_EXPECT(test, !spin_free(lock));
		KX_EXPECT(test, kx_irqs_disabled());
	}
	KX_EXPECT(test, !kx_irqs_disabled());
	KX_EXPECT(test, spin_free(lock));
}

KX_TEST(kx_test_lock_mutex_guard)
{
	Mutex m;
	KX_LOCK_INIT(m);
	KX_EXPECT(test, !m.is_locked());
	{
		MutexGuard g(m);
		KX_EXPECT(test, m.is_locked());
		m.assert_held();
	}
	KX_EXPECT(test, !m.is_locked());

	KX_EXPECT(test, m.try_lock());
	{
		MutexGuard adopted(m, MutexGuard::Adopt{});
		KX_EXPECT(test, m.is_locked());
	}
	KX_EXPECT(test, !m.is_locked());

	Result<void> r = m.lock_killable();
	KX_EXPECT(test, r.ok());
	if (r.ok())
		m.unlock();
	m.destroy();
}

struct Counter {
	int value;
};

KX_TEST(kx_test_lock_spin_locked)
{
	SpinLocked<Counter> counter;
	KX_LOCK_INIT(counter);
	{
		auto c = counter.lock();
		c->value = 41;
		counter.assert_held();
	}
	{
		auto c = counter.lock_irqsave();
		KX_EXPECT(test, kx_irqs_disabled());
		(*c).value++;
	}
	KX_EXPECT_EQ(test, counter.lock()->value, 42);
}
