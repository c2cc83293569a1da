// SPDX-License-Identifier: GPL-2.0
/* KUnit: kx::WaitQueue, kx::RcuReadGuard, kx::RcuWork on a kx::Workqueue. */
#include <kx/alloc.h>
#include <kx/atomic.h>
#include <kx/refs.h>
#include <kx/sched.h>
#include "kunit_bridge.h"

using namespace kx;

namespace {

struct Deferred {
	Atomic<int> ran;
	Completion done;
	RcuWork work;
};

void deferred_fn(struct work_struct *work)
{
	Deferred *d = RcuWork::owner(work, &Deferred::work);
	d->ran.inc();
	d->done.complete();
}

} // namespace

KX_TEST(kx_test_waitqueue)
{
	WaitQueue wq;
	KX_LOCK_INIT(wq);
	KX_EXPECT(test, !wq.active());

	int calls = 0;
	Wait w = wq.wait_interruptible([&] { return ++calls > 0; }, 1000000);
	KX_EXPECT(test, w == Wait::Ready);
	KX_EXPECT_EQ(test, calls, 1);	/* true at once: no sleep */

	w = wq.wait_interruptible([] { return false; }, 1000000);	/* 1 ms */
	KX_EXPECT(test, w == Wait::TimedOut);

	/*
	 * active() reads the waiter list inline: the condition's second pass
	 * runs with this task queued (the first one before), and once the
	 * wait is over the queue is empty again.
	 */
	int passes = 0;
	bool first_active = true, queued_active = false;
	w = wq.wait_interruptible([&] {
		if (++passes == 1) {
			first_active = wq.active();
			return false;
		}
		queued_active = wq.active();
		return true;
	}, 1000000000);
	KX_EXPECT(test, w == Wait::Ready);
	KX_EXPECT(test, !first_active);
	KX_EXPECT(test, queued_active);
	KX_EXPECT(test, !wq.active());
	wq.wake_up();
	wq.wake_up_all();
}

KX_TEST(kx_test_rcu_work)
{
	Workqueue wq;
	Result<void> r = wq.create("kx_test_wq");
	KX_EXPECT(test, r.ok());
	if (!r.ok())
		return;
	/* Work objects live in the heap, as DEBUG_OBJECTS expects of them. */
	Result<Own<Deferred>> made = make<Deferred>(gfp::KERNEL);
	KX_EXPECT(test, made.ok());
	if (!made.ok()) {
		wq.destroy();
		return;
	}
	Own<Deferred> d = made.release_value();
	{
		RcuReadGuard g;
		d->work.queue(wq, deferred_fn);
	}
	d->done.wait();
	KX_EXPECT_EQ(test, d->ran.load(), 1);
	wq.destroy();
	KX_EXPECT(test, wq.raw() == nullptr);
}
