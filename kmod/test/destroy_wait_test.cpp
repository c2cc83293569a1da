// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the protocol of kmod/core/destroy_wait.h.  Whatever the order in
 * which contexts finish and the waiter arrives, a waiter that returns has
 * either consumed the completion or no context ever signalled it: nobody
 * touches a DestroyWait after its waiter returns.
 */
#include <kx/alloc.h>
#include <kx/sched.h>
#include "../core/destroy_wait.h"
#include "../../cxxrt/test/kunit_bridge.h"

using namespace kaio;

namespace {

/* A context that finishes later, from a workqueue. */
struct LateContext {
	DestroyWait *wait;
	kx::RcuWork work;
};

void late_context_done(struct work_struct *work)
{
	LateContext *c = kx::RcuWork::owner(work, &LateContext::work);
	c->wait->context_done();
}

} // namespace

/* No context killed: the waiter does not sleep. */
KX_TEST(kaio_test_destroy_wait_nothing)
{
	DestroyWait w;
	w.wait();
	KX_EXPECT(test, !w.completed_unwaited());
}

/*
 * Every context finished before the waiter came (an exiting mm whose I/O
 * was all done): it returns at once, and no complete() is left that could
 * still be running when it does.
 */
KX_TEST(kaio_test_destroy_wait_all_done_first)
{
	DestroyWait w;
	w.expect();
	w.expect();
	w.context_done();
	w.context_done();
	w.wait();
	KX_EXPECT(test, !w.completed_unwaited());
}

/* The waiter sleeps until the last context is done, and consumes its complete(). */
KX_TEST(kaio_test_destroy_wait_sleeps)
{
	kx::Workqueue wq;
	kx::Result<void> r = wq.create("kaio_test_wq");
	KX_EXPECT(test, r.ok());
	if (!r.ok())
		return;
	auto made = kx::make<LateContext>(kx::gfp::KERNEL);
	KX_EXPECT(test, made.ok());
	if (!made.ok()) {
		wq.destroy();
		return;
	}
	kx::Own<LateContext> late = made.release_value();
	DestroyWait w;
	w.expect();
	w.expect();
	w.context_done();
	late->wait = &w;
	late->work.queue(wq, late_context_done);
	w.wait();
	KX_EXPECT(test, !w.completed_unwaited());
	wq.destroy();
}
