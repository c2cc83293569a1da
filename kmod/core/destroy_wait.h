// SPDX-License-Identifier: GPL-2.0
/*
 * Waiting for killed contexts to drain: io_destroy() waits for one, the
 * exit of an mm for all of its contexts.
 *
 * The count starts with a bias that belongs to the waiter; each context
 * killed with this wait adds one (expect()) and drops it when its last
 * request is gone (context_done()).  Only the waiter drops the bias, so the
 * count reaches zero exactly once, either
 *   - in context_done(): the waiter has dropped its bias and is asleep (or
 *     about to sleep) in done_, and the complete() wakes it; the waiter
 *     cannot return before complete() has released the completion, or
 *   - in wait(): every context was already done, none will call complete(),
 *     and nobody touches the object after the waiter returns.
 * Without the bias, a waiter that found the count at zero could return (and
 * free, or leave the stack frame holding, the object) while the last
 * context was still between its decrement and its complete().
 */
#pragma once

#include <kx/atomic.h>
#include <kx/refs.h>
#include <kx/utility.h>

namespace kaio {

class DestroyWait : kx::Pinned {
public:
	DestroyWait() = default;

	/* A context will call context_done() once its requests are gone. */
	void expect() { pending_.inc(); }

	/* A context's last request is gone (any context, even an interrupt). */
	void context_done()
	{
		if (pending_.dec_and_test())
			done_.complete();
	}

	/* Drop the waiter's bias and sleep until every expected context is done. */
	void wait()
	{
		if (!pending_.dec_and_test())
			done_.wait();
	}

	/* For tests: complete() ran and no waiter consumed it. */
	[[nodiscard]] bool completed_unwaited() { return done_.done(); }

private:
	kx::Atomic<int> pending_{1};
	kx::Completion done_;
};

} // namespace kaio
