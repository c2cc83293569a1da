// SPDX-License-Identifier: GPL-2.0
/*
 * An AIO context (the kernel's struct kioctx): the completion ring, its
 * accounting, and the references that keep it alive.
 *
 * Lifetime, as fs/aio.c has it:
 *   users  percpu_ref held by every io_* call that looked the context up
 *          (Ctx::lookup()), plus the initial one.  kill() drops the initial
 *          one; when the last user goes, users_gone() cancels what can be
 *          cancelled and kills reqs.
 *   reqs   percpu_ref held by every in-flight request, plus one dropped by
 *          users_gone().  When it reaches zero, reqs_gone() wakes a waiting
 *          io_destroy()/mm exit and frees the context after an RCU grace
 *          period (lookups walk the table under RCU).
 */
#pragma once

#include <kaio/abi.h>
#include <kaio/bridge.h>
#include <kx/alloc.h>
#include <kx/atomic.h>
#include <kx/lock.h>
#include <kx/refs.h>
#include <kx/sched.h>

#include "destroy_wait.h"

namespace kaio {

class MmState;

/* A CPU's cache of free ring slots (fs/aio.c's kioctx_cpu). */
struct CtxCpu {
	unsigned int reqs_available;
};

/* Up to this many ring pages are tracked without a separate allocation. */
constexpr unsigned int kInlineRingPages = 8;

class Ctx : kx::Pinned {
public:
	/* io_setup(): a live context in current->mm's table, with one users reference. */
	[[nodiscard]] static kx::Result<Ctx *> create(unsigned int asked);
	/* Contexts made and not yet freed. */
	[[nodiscard]] static unsigned long live();

	/* The context @ctx_id names in current->mm, with a users reference; or EINVAL. */
	[[nodiscard]] static kx::Result<Ctx *> lookup(kx::u64 ctx_id);

	/* Whether kill() unmaps the ring: not when the mm is going (it may not be current's). */
	enum class Unmap { No, Yes };

	/*
	 * Mark dead, unpublish, wake waiters, refund the quota, unmap the ring
	 * if asked and drop the initial users reference.  EINVAL if it was
	 * already dead.  @wait (if any) is told when the last request is gone.
	 */
	[[nodiscard]] kx::Result<void> kill(DestroyWait *wait, Unmap unmap);

	void put_user_ref() { users_.put(); }

	/* Set dead; true if it already was (the mm state's lock is held). */
	bool mark_dead();

	kx::u64 user_id() const { return kx::read_once(user_id_); }
	struct file *ring_file() const { return ring_file_; }
	bool dead() const { return dead_.load() != 0; }

	/* vm_ops->mremap moved the ring (under the mm state's lock). */
	bool move_mapping(unsigned long new_start);

	unsigned int nr_events() const { return nr_events_; }

	/* Ring slots (ring.cpp): one is taken per submitted request. */
	[[nodiscard]] bool get_slot();
	void put_slots(unsigned int nr);

	/* A request's hold on the context. */
	void reqs_get() { reqs_.get(); }
	void reqs_put() { reqs_.put(); }

	/* Post a completion to the ring and wake whoever waits (aio_complete()). */
	void post(const kaio_abi_io_event &event, struct eventfd_ctx *eventfd);

	/*
	 * Copy up to @nr events to @out from the ring (aio_read_events_ring()):
	 * the number copied, or -EFAULT with the ring's head unchanged.
	 */
	[[nodiscard]] long read_ring(kx::u64 out, long nr);

	/*
	 * getevents' loop: wait (interruptibly, up to @timeout, a relative
	 * ktime, or kx::WaitQueue::kForever; 0 polls once) until @min_nr
	 * events were copied, an error, or a signal.
	 */
	[[nodiscard]] long read_events(long min_nr, long nr, kx::u64 out, kx::s64 timeout);

	/* Ring page migration; see ring.cpp. */
	int migrate_ring_page(struct address_space *mapping, struct folio *dst, struct folio *src);

	static kx::Result<void> init_cache();
	static void destroy_cache();

	Ctx() = default;
	~Ctx() = default;

private:
	kx::Result<void> init(MmState *mm, unsigned int max_reqs, unsigned int scaled);
	kx::Result<void> setup_ring(unsigned int scaled);
	void free_ring();
	void write_ring_id(unsigned int id);
	bool take_cpu_slot();
	void refill_slots(unsigned int head, unsigned int tail);
	void refill_slots_from_user();
	bool read_events_once(long min_nr, long nr, kx::u64 out, long *got);
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

	/* Fixed after setup, but user_id_/mmap_base_ move with mremap(). */
	unsigned long user_id_ = 0;
	unsigned long mmap_base_ = 0;
	unsigned long mmap_size_ = 0;
	unsigned int max_reqs_ = 0;	/* what io_setup() asked: the quota charge */
	unsigned int nr_events_ = 0;	/* ring slots; one is never used */
	unsigned int req_batch_ = 0;
	unsigned int id_ = ~0U;
	CtxCpu *cpu_ = nullptr;		/* per-CPU */

	struct file *ring_file_ = nullptr;
	unsigned int nr_pages_ = 0;
	struct page **ring_pages_ = nullptr;
	struct page *inline_pages_[kInlineRingPages] = {};
	kx::OwnArray<struct page *> extra_pages_;

	/* Slots free for submission; see the submission path. */
	alignas(64) kx::Atomic<int> reqs_available_;

	/* Readers of the ring (getevents) and ring page migration. */
	alignas(64) kx::Mutex ring_lock_;
	kx::WaitQueue wait_;

	/* The producer side of the ring. */
	alignas(64) unsigned int tail_ = 0;
	unsigned int completed_events_ = 0;
	kx::SpinLock completion_lock_;
};

} // namespace kaio
