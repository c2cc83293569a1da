// SPDX-License-Identifier: GPL-2.0
/*
 * An AIO context (the kernel's struct kioctx): lifetime, lookup, quota,
 * the submission slot cache, and its completion Ring (ring.h).
 *
 * Lifetime, as fs/aio.c has it:
 *   users  percpu_ref held by every io_* call that looked the context up
 *          (a CtxRef), plus the initial one.  kill() drops the initial
 *          one; when the last user goes, users_gone() kills reqs.
 *   reqs   percpu_ref held by every in-flight request (a ReqsRef), plus
 *          one dropped by users_gone().  When it reaches zero, reqs_gone()
 *          tells a waiting io_destroy()/mm exit and frees the context after
 *          an RCU grace period (lookups walk the table under RCU).
 */
#pragma once

#include <kaio/abi.h>
#include <kaio/bridge.h>
#include <kx/alloc.h>
#include <kx/atomic.h>
#include <kx/list.h>
#include <kx/lock.h>
#include <kx/percpu.h>
#include <kx/refs.h>
#include <kx/sched.h>

#include "destroy_wait.h"
#include "ring.h"

namespace kaio {

class MmState;
class CtxRef;
class Req;

/* How a cancellable request (a pending poll: Req derives from this) is listed. */
struct Cancellable {
	kx::ListNode cancel_node;
};

class Ctx : kx::Pinned {
public:
	/* io_setup(): a live context in current->mm's table, with a users reference. */
	[[nodiscard]] static kx::Result<CtxRef> create(unsigned int asked);
	/* Contexts made and not yet freed. */
	[[nodiscard]] static unsigned long live();

	/* The context @ctx_id names in current->mm, with a users reference; or EINVAL. */
	[[nodiscard]] static kx::Result<CtxRef> lookup(kx::u64 ctx_id);

	/* Whether kill() unmaps the ring: not when the mm is going (it may not be current's). */
	enum class Unmap { No, Yes };

	/*
	 * Mark dead, unpublish, wake waiters, refund the quota, unmap the ring
	 * if asked and drop the initial users reference.  EINVAL if it was
	 * already dead.  @wait (if any) is told when the last request is gone.
	 */
	[[nodiscard]] kx::Result<void> kill(DestroyWait *wait, Unmap unmap);

	/* Set dead; true if it already was.  Under the mm state's lock. */
	bool mark_dead_locked(MmState &mm);

	kx::u64 user_id() const { return ring_.user_address(); }
	struct file *ring_file() const { return ring_.file(); }
	bool dead() const { return dead_.load() != 0; }

	/* vm_ops->mremap moved the ring.  Under the mm state's lock. */
	bool move_mapping_locked(MmState &mm, unsigned long new_start);

	unsigned int nr_events() const { return ring_.nr(); }

	/*
	 * Submission slots: one is taken per submitted request (aio_get_req()).
	 * Inline, this CPU's cache first: every submission asks.
	 */
	[[nodiscard, gnu::always_inline]] bool get_slot()
	{
		return take_cpu_slot() || get_slot_refilled();
	}
	void put_slots(unsigned int nr);

	/*
	 * The cancellable requests (fs/aio.c's active_reqs) and their lock
	 * (ctx_lock), IRQ-safe: a poll's wake-up takes it with trylock from
	 * under its wait queue's lock.
	 */
	kx::SpinLock &cancel_lock() { return cancel_lock_; }
	void add_cancellable_locked(Req &req);
	void remove_cancellable_locked(Req &req);
	/* io_cancel(): cancel the request submitted from @iocb; false if none is cancellable. */
	[[nodiscard]] bool cancel(kx::u64 iocb);

	/* Post a completion to the ring and wake whoever waits (aio_complete()). */
	void post(const kaio_abi_io_event &event, struct eventfd_ctx *eventfd);

	/*
	 * getevents' loop: wait (interruptibly, up to @timeout, a relative
	 * ktime, or kx::WaitQueue::kForever; 0 polls once) until @min_nr
	 * events were copied, an error, or a signal (getevents.cpp).
	 */
	[[nodiscard]] kx::Result<long> read_events(long min_nr, long nr, kx::u64 out, kx::s64 timeout);

	static kx::Result<void> init_cache();
	static void destroy_cache();

	Ctx() = default;
	~Ctx() = default;

private:
	friend class CtxRef;
	friend class ReqsRef;

	/* A CPU's cache of free ring slots (fs/aio.c's kioctx_cpu). */
	struct CpuSlots {
		unsigned int reqs_available;
	};

	kx::Result<void> init(MmState *mm, unsigned int max_reqs, unsigned int scaled);
	/*
	 * Take a slot from this CPU's cache, refilling the cache from the
	 * shared pool req_batch_ at a time (__get_reqs_available()).  Always
	 * inlined, as get_slot(), its lambda and kx::PerCpu::with_local() are:
	 * an inline function kept out of line in two objects (ctx.o, req.o)
	 * breaks the coverage build's link (RELIABILITY.md).
	 */
	[[gnu::always_inline]] bool take_cpu_slot()
	{
		return cpu_slots_.with_local([&](CpuSlots &mine) __attribute__((always_inline)) {
			if (!mine.reqs_available) {
				const int batch = static_cast<int>(req_batch_);
				int avail = reqs_available_.load();
				do {
					if (avail < batch)
						return false;
				} while (!reqs_available_.try_cmpxchg(&avail, avail - batch));
				mine.reqs_available += req_batch_;
			}
			mine.reqs_available--;
			return true;
		});
	}
	[[nodiscard]] bool get_slot_refilled();
	void cancel_all();
	/* Defined (inline) in getevents.cpp, its only user. */
	inline bool read_events_once(long min_nr, long nr, kx::u64 out, long *got);
	void destroy_unpublished();

	static void users_gone(struct percpu_ref *ref);
	static void reqs_gone(struct percpu_ref *ref);
	static void free_after_rcu(struct work_struct *work);

	kx::PercpuRef users_;
	kx::PercpuRef reqs_;
	kx::Atomic<int> dead_;
	DestroyWait *destroy_wait_ = nullptr;
	kx::RcuWork free_work_;
	MmState *mm_ = nullptr;

	unsigned int max_reqs_ = 0;	/* what io_setup() asked: the quota charge */
	unsigned int req_batch_ = 0;
	unsigned int id_ = ~0U;
	kx::PerCpu<CpuSlots> cpu_slots_;

	/* Slots free for submission, beyond the CPUs' caches. */
	alignas(kx::kCacheLine) kx::Atomic<int> reqs_available_;

	kx::SpinLock cancel_lock_;
	kx::List<Cancellable, &Cancellable::cancel_node> cancellable_;

	/* io_getevents() sleeps here; completions and kill() wake it. */
	alignas(kx::kCacheLine) kx::WaitQueue wait_;

	Ring ring_;
};

/*
 * A users reference to a live context, as Ctx::lookup() and Ctx::create()
 * return it; dropped when the CtxRef goes.  Move-only.
 */
class CtxRef {
public:
	CtxRef() = default;
	CtxRef(CtxRef &&other) : ctx_(kx::exchange(other.ctx_, nullptr)) {}
	CtxRef &operator=(CtxRef &&other)
	{
		if (this != &other)
			reset(kx::exchange(other.ctx_, nullptr));
		return *this;
	}
	CtxRef(const CtxRef &) = delete;
	CtxRef &operator=(const CtxRef &) = delete;
	~CtxRef() { reset(nullptr); }

	Ctx *operator->() const { return ctx_; }
	Ctx &operator*() const { return *ctx_; }
	[[nodiscard]] Ctx *get() const { return ctx_; }

private:
	friend class Ctx;
	/* Adopts a users reference the caller holds. */
	explicit CtxRef(Ctx *adopted) : ctx_(adopted) {}

	void reset(Ctx *other)
	{
		if (Ctx *old = kx::exchange(ctx_, other))
			old->users_.put();
	}

	Ctx *ctx_ = nullptr;
};

/*
 * A request's hold on its context (a reqs reference), taken when made and
 * dropped when it goes.  Move-only.
 */
class ReqsRef {
public:
	explicit ReqsRef(Ctx *ctx) : ctx_(ctx) { ctx_->reqs_.get(); }
	ReqsRef(ReqsRef &&other) : ctx_(kx::exchange(other.ctx_, nullptr)) {}
	ReqsRef &operator=(ReqsRef &&) = delete;
	ReqsRef(const ReqsRef &) = delete;
	ReqsRef &operator=(const ReqsRef &) = delete;
	~ReqsRef()
	{
		if (ctx_)
			ctx_->reqs_.put();
	}

	Ctx *operator->() const { return ctx_; }
	[[nodiscard]] Ctx *get() const { return ctx_; }

private:
	Ctx *ctx_;
};

} // namespace kaio
