// SPDX-License-Identifier: GPL-2.0
/*
 * Sleeping and deferring: wait queues, RCU read sections, and rcu_work on
 * a workqueue of the module's own.
 */
#pragma once

#include <kx/bridge.h>
#include <kx/consts.h>
#include <kx/lock.h>
#include <kx/result.h>
#include <kx/utility.h>

namespace kx {

/*
 * sched_annotate_sleep(): a wait condition that sleeps (takes a mutex)
 * knowingly; only CONFIG_DEBUG_ATOMIC_SLEEP checks, so only then a call.
 */
inline void annotate_sleep()
{
	if constexpr (KX_DEBUG_ATOMIC_SLEEP)
		kx_sched_annotate_sleep();
}

enum class Wait {
	Ready,		/* the condition became true */
	TimedOut,	/* the timeout expired first */
	Interrupted,	/* a signal is pending (-ERESTARTSYS) */
};

class WaitQueue : Pinned {
public:
	WaitQueue() = default;

	/* init_waitqueue_head(); use KX_LOCK_INIT() for a class per site. */
	void init(const char *name, LockClass &cls) { kx_waitqueue_init(storage_, name, cls.key); }

	void wake_up() { kx_wake_up(storage_); }
	void wake_up_all() { kx_wake_up_all(storage_); }
	/*
	 * waitqueue_active(): is the list of waiters non-empty, i.e. does its
	 * head's next (a READ_ONCE) point elsewhere?  Inline, as the kernel's:
	 * every completion asks.  Order the condition's store before it with
	 * smp_mb(), which pairs with the waiter's set_current_state().
	 */
	[[nodiscard]] bool active()
	{
		void **head = reinterpret_cast<void **>(storage_ + KX_OFFSETOF_WAIT_QUEUE_HEAD_HEAD);
		return __atomic_load_n(head, __ATOMIC_RELAXED) != static_cast<void *>(head);
	}

	/*
	 * Sleep interruptibly until @ready() holds, at most @timeout_ns
	 * (kForever: no timer), as wait_event_interruptible_hrtimeout().
	 */
	static constexpr s64 kForever = KX_KTIME_MAX;

	template <typename F>
	[[nodiscard]] Wait wait_interruptible(F &&ready, s64 timeout_ns)
	{
		/*
		 * The macro's first test, inline: a condition that already
		 * holds (events waiting) costs no bridge call.  might_sleep()
		 * first, as the macro does, where the kernel checks it.
		 */
		if constexpr (KX_DEBUG_ATOMIC_SLEEP)
			kx_might_sleep();
		if (ready())
			return Wait::Ready;
		const int r = kx_wait_event_interruptible_unmet(storage_, &call<remove_reference_t<F>>,
								&ready, timeout_ns);
		if (r == 0)
			return Wait::Ready;
		return r == -KX_ETIME ? Wait::TimedOut : Wait::Interrupted;
	}

	/* Sleep uninterruptibly until @ready() holds (wait_event()). */
	template <typename F>
	void wait(F &&ready)
	{
		kx_wait_event(storage_, &call<remove_reference_t<F>>, &ready);
	}

private:
	template <typename F>
	static int call(void *f)
	{
		return (*static_cast<F *>(f))() ? 1 : 0;
	}

	alignas(KX_ALIGNOF_WAIT_QUEUE_HEAD) unsigned char storage_[KX_SIZEOF_WAIT_QUEUE_HEAD];
};

/* rcu_read_lock() ... rcu_read_unlock() */
class RcuReadGuard : Pinned {
public:
	[[nodiscard]] RcuReadGuard() { kx_rcu_read_lock(); }
	~RcuReadGuard() { kx_rcu_read_unlock(); }
};

class Workqueue : Pinned {
public:
	/*
	 * Bound: work runs on the CPU that queued it, at most 256 items of the
	 * queue at once per CPU.  Unbound: on any CPU of the node that queued
	 * it, at most WQ_UNBOUND_MAX_ACTIVE (512 or 4 per CPU, whichever is
	 * more) at once per node, for work that may sleep for long.
	 */
	enum class Kind { Bound, Unbound };

	Workqueue() = default;

	/*
	 * Always inlined: an inline function the compiler keeps out of line
	 * (gcov's instrumentation makes this one too big) becomes a COMDAT
	 * copy in every object using it, the linker keeps one, and objtool's
	 * .return_sites entries for the discarded copies then fail the link.
	 */
	[[nodiscard, gnu::always_inline]] Result<void> create(const char *name,
							      Kind kind = Kind::Bound)
	{
		wq_ = KX_TRY(from_err_ptr(kx_workqueue_create(name, kind == Kind::Unbound)));
		return {};
	}

	/* Drains: waits for queued and running work, then frees. */
	void destroy()
	{
		if (wq_)
			kx_workqueue_destroy(exchange(wq_, nullptr));
	}

	[[nodiscard]] struct workqueue_struct *raw() { return wq_; }

private:
	struct workqueue_struct *wq_ = nullptr;
};

/*
 * Work that runs in process context on a Workqueue (INIT_WORK +
 * queue_work()).  The function gets the work_struct; owner() finds the
 * object around it.
 */
class Work : Pinned {
public:
	using Fn = void (*)(struct work_struct *work);

	Work() : storage_{} {}

	/* INIT_WORK(): before the first queue(), and to change the function. */
	void init(Fn fn) { kx_work_init(storage_, fn); }
	/* queue_work(): false if it was already pending. */
	bool queue(Workqueue &wq) { return kx_queue_work(wq.raw(), storage_); }

	template <typename T>
	[[nodiscard]] static T *owner(struct work_struct *work, Work T::*member)
	{
		return container_of(reinterpret_cast<Work *>(work), member);
	}

private:
	alignas(KX_ALIGNOF_WORK) unsigned char storage_[KX_SIZEOF_WORK];
};

/* Work that runs in process context after an RCU grace period. */
class RcuWork : Pinned {
public:
	using Fn = void (*)(struct work_struct *work);

	RcuWork() = default;

	void queue(Workqueue &wq, Fn fn) { kx_queue_rcu_work(wq.raw(), storage_, fn); }

	template <typename T>
	[[nodiscard]] static T *owner(struct work_struct *work, RcuWork T::*member)
	{
		return container_of(static_cast<RcuWork *>(kx_rcu_work_of(work)), member);
	}

private:
	alignas(KX_ALIGNOF_RCU_WORK) unsigned char storage_[KX_SIZEOF_RCU_WORK];
};

/*
 * Work the current task runs on its way back to user space, or in
 * exit_task_work() if it is exiting: a place to sleep that holds nothing
 * (task_work_add(TWA_RESUME)).  The module stays loaded until the function
 * has returned.
 *
 *	struct Thing { kx::TaskWork work; ... };
 *	static void run(kx::TaskWork *w) { Thing *t = kx::TaskWork::owner(w, &Thing::work); ... }
 *	if (!thing->work.queue_on_current(run)) ...
 */
class TaskWork : Pinned {
public:
	using Fn = void (*)(TaskWork *work);

	TaskWork() = default;

	/* False if it could not be queued (module unloading, task past its task work). */
	[[nodiscard]] bool queue_on_current(Fn fn)
	{
		fn_ = fn;
		return kx_task_work_queue(&storage_, &TaskWork::trampoline) == 0;
	}

	template <typename T>
	[[nodiscard]] static T *owner(TaskWork *work, TaskWork T::*member)
	{
		return container_of(work, member);
	}

private:
	static void trampoline(void *storage)
	{
		TaskWork *self = container_of(static_cast<Storage *>(storage), &TaskWork::storage_);
		self->fn_(self);
	}

	struct Storage {
		alignas(KX_ALIGNOF_TASK_WORK) unsigned char bytes[KX_SIZEOF_TASK_WORK];
	};
	Storage storage_;
	Fn fn_ = nullptr;
};

} // namespace kx
