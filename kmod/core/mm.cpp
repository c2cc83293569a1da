// SPDX-License-Identifier: GPL-2.0
/*
 * Per-mm context tables and the mm-exit hook (see mm.h).
 *
 * Exit and exec, and why nothing sleeps in ->release
 * ---------------------------------------------------
 * fs/aio.c's exit_aio() kills an mm's contexts and then waits for their
 * in-flight I/O, from __mmput(), holding nothing.  kaio learns of the same
 * moment through the mmu_notifier ->release, but that callback runs inside
 * the SRCU read section that the notifiers of all mms share: every other
 * process that has a notifier (every kaio user, every KVM or vfio process)
 * waits for that section in its own exit (exit_mmap() -> synchronize_srcu()).
 * A wait for I/O there would stall all of them for as long as the I/O
 * takes, and forever if the I/O needs one of them to make progress (a FUSE
 * server that uses kaio itself and would abort the request when it closes
 * /dev/fuse, later in its exit).
 *
 * So ->release only kills the contexts, which never sleeps, and the wait
 * moves into the task that owned the mm: a task_work queued on it runs in
 * exit_task_work() on exit (before the parent can reap it, as with
 * exit_aio()) or on the way back to user space after exec (before the new
 * program runs), holding no lock anyone else needs.  The task work pins the
 * module until it has returned.  Its memory is allocated with the state, so
 * ->release need not allocate.  Where ->release runs in someone else's
 * mmput() (a process that held a reference to the mm, e.g. through /proc)
 * or in a kernel thread, nobody waits: the requests complete on their own
 * and the contexts are freed when they have.
 */
#include "mm.h"
#include "ctx.h"
#include "destroy_wait.h"

#include <kx/alloc.h>
#include <kx/log.h>
#include <kx/nospec.h>

namespace kaio {

/* An exiting mm's wait for its contexts, run by the task that owned it. */
struct ExitWait {
	DestroyWait wait;
	kx::TaskWork work;

	static void run(kx::TaskWork *work)
	{
		ExitWait *self = kx::TaskWork::owner(work, &ExitWait::work);
		self->wait.wait();
		delete self;	/* made by kx::make() in MmState::alloc() */
	}
};

namespace {

kx::Workqueue g_free_wq;
/* States made and not yet freed; module exit waits for zero. */
kx::Atomic<long> g_live;
kx::WaitQueue g_live_wq;

kx::Result<CtxTable *> alloc_table(unsigned int nr)
{
	return kx::make_flex<CtxTable, kx::Atomic<Ctx *>>(kx::gfp::KERNEL, nr);
}

} // namespace

kx::Workqueue &free_wq()
{
	return g_free_wq;
}

kx::Result<void> MmState::init()
{
	KX_LOCK_INIT(g_live_wq);
	KX_TRY(g_free_wq.create("kaio_free"));
	const int err = kaio_mm_hash_init();
	if (err) {
		g_free_wq.destroy();
		return kx::Error::from_errno(err);
	}
	return {};
}

/*
 * Module exit: no context exists any more (each pins the module), but the
 * mms that used kaio keep their notifiers; drop them, then wait until every
 * state is freed.  mmu_notifier_synchronize() would not do: it is a
 * synchronize_srcu(), which does not wait for notifier frees queued on
 * other CPUs when Tree SRCU runs per CPU, and those frees call into the
 * module.
 */
void MmState::exit()
{
	kaio_mm_hash_drain(unhash_and_put_node);
	g_live_wq.wait([] { return g_live.load() == 0; });
	g_free_wq.destroy();
	kaio_mm_hash_destroy();
}

unsigned long MmState::live()
{
	return static_cast<unsigned long>(g_live.load());
}

MmState::MmState(struct mm_struct *mm, kx::Own<ExitWait> exit_wait)
	: exit_wait_(kx::move(exit_wait))
{
	KX_LOCK_INIT_NAMED(lock_, "kaio_mm_lock");
	kaio_mm_hash_init_node(&node_, mm);
}

MmState::~MmState()
{
	if (CtxTable *table = table_.load())
		kx::free_flex(table);
}

MmState *MmState::from(struct mmu_notifier *mn)
{
	return kx::container_of(reinterpret_cast<NotifierStorage *>(mn), &MmState::notifier_);
}

MmState *MmState::find_rcu(struct mm_struct *mm)
{
	void *node = kaio_mm_hash_lookup(mm);
	return node ? from_node(node) : nullptr;
}

/* Called by mmu_notifier_get() with the mmap lock held for writing. */
kx::Result<struct mmu_notifier *> MmState::alloc(struct mm_struct *mm)
{
	auto exit_wait = KX_TRY(kx::make<ExitWait>(kx::gfp::KERNEL));
	auto made = KX_TRY(kx::make<MmState>(kx::gfp::KERNEL, mm, kx::move(exit_wait)));
	g_live.inc();
	return made.leak()->notifier();
}

void MmState::free(struct mmu_notifier *mn)
{
	/* SRCU callback context: lookups may still be walking it under RCU. */
	MmState *state = from(mn);
	state->free_work_.queue(g_free_wq, free_after_rcu);
}

void MmState::free_after_rcu(struct work_struct *work)
{
	MmState *state = kx::RcuWork::owner(work, &MmState::free_work_);
	delete state;	/* made by kx::make() in alloc() */
	/* The work function returns before module exit's workqueue destroy does. */
	if (g_live.dec_and_test())
		g_live_wq.wake_up_all();
}

kx::Result<MmState *> MmState::get_current()
{
	{
		kx::RcuReadGuard rcu;
		if (MmState *state = find_current_rcu())
			return state;
	}

	/*
	 * Slow path: mmu_notifier_get() makes the state or finds it (one per
	 * mm), with a reference for us.  The state in the table holds exactly
	 * one: ours is the extra one if a racing thread put it there first, and
	 * nobody's if it cannot go in.
	 */
	struct mmu_notifier *mn = KX_TRY(kx::from_err_ptr(kaio_mm_notifier_get()));
	MmState *state = from(mn);
	void *there = kaio_mm_hash_insert(&state->node_);
	if (there)
		kaio_mm_notifier_put(mn);
	if (kx::from_err_ptr(there).is_error())
		return kx::err::ENOMEM;	/* as fs/aio.c's table growth failing */
	return state;
}

/* Take @state out of the table; whoever does drops the reference it held. */
void MmState::unhash_and_put(MmState *state)
{
	if (kaio_mm_hash_remove(&state->node_) == 0)
		kaio_mm_notifier_put(state->notifier());
}

void MmState::unhash_and_put_node(void *node)
{
	unhash_and_put(from_node(node));
}

kx::Result<unsigned int> MmState::add(Ctx *ctx)
{
	for (;;) {
		unsigned int want;
		{
			kx::SpinGuard g(lock_);
			CtxTable *table = table_.load();
			if (table) {
				for (unsigned int i = 0; i < table->nr; i++) {
					if (!table->slots[i].load()) {
						table->slots[i].store_release(ctx);
						return i;
					}
				}
			}
			want = (table ? table->nr : 1) * 4;
		}

		CtxTable *bigger = KX_TRY(alloc_table(want));
		CtxTable *old;
		bool grown;
		{
			kx::SpinGuard g(lock_);
			old = table_.load();
			grown = !old || old->nr < bigger->nr;
			if (grown) {
				for (unsigned int i = 0; old && i < old->nr; i++)
					bigger->slots[i].store(old->slots[i].load());
				table_.store_release(bigger);
			}
		}
		if (!grown) {
			kx::free_flex(bigger);	/* a racing add() grew it: use theirs */
		} else if (old) {
			kx_synchronize_rcu();	/* lookups may still walk the old one */
			kx::free_flex(old);
		}
	}
}

bool MmState::unpublish(Ctx *ctx)
{
	kx::SpinGuard g(lock_);
	if (ctx->mark_dead_locked(*this))
		return false;
	CtxTable *table = table_.load();
	for (unsigned int i = 0; table && i < table->nr; i++) {
		if (table->slots[i].load() == ctx) {
			table->slots[i].store(nullptr);
			return true;
		}
	}
	KX_WARN_ON(true);	/* a live context is always in its table */
	return true;
}

kx::Result<void> MmState::ring_mremap(struct file *ring, struct mm_struct *mm, unsigned long new_start)
{
	kx::RcuReadGuard rcu;
	MmState *state = find_rcu(mm);
	/* A forked child has no state: its inherited ring cannot move (CVE-2023-52646). */
	if (!state)
		return kx::err::EINVAL;
	return state->ring_moved(ring, new_start);
}

kx::Result<void> MmState::ring_moved(struct file *ring, unsigned long new_start)
{
	kx::SpinGuard g(lock_);
	kx::RcuReadGuard rcu;
	CtxTable *table = table_.load();
	for (unsigned int i = 0; table && i < table->nr; i++) {
		Ctx *ctx = table->slots[i].load();
		if (ctx && ctx->ring_file() == ring)
			return ctx->move_mapping_locked(*this, new_start) ? kx::Result<void>() : kx::err::EINVAL;
	}
	return kx::err::EINVAL;
}

/*
 * The mm is going (exit or exec): as exit_aio(), kill every context without
 * unmapping (the mappings go with the mm, which may not be current's).
 * With ExitWaiter::Task the task waits for their requests in its task work
 * (see the top of this file); never here.  No thread of the mm runs any more, so
 * the table cannot change under us.
 */
void MmState::kill_all(ExitWaiter who)
{
	CtxTable *table = table_.load();
	unsigned int live = 0;
	for (unsigned int i = 0; table && i < table->nr; i++)
		live += table->slots[i].load() != nullptr;
	if (!live)
		return;

	ExitWait *waiter = nullptr;
	if (who == ExitWaiter::Task) {
		waiter = exit_wait_.leak();
		/* Queued before any context can finish: the work runs after we return. */
		if (!waiter->work.queue_on_current(ExitWait::run)) {
			exit_wait_.reset(waiter);
			waiter = nullptr;
		}
	}
	for (unsigned int i = 0; i < table->nr; i++) {
		if (Ctx *ctx = table->slots[i].load())
			(void)ctx->kill(waiter ? &waiter->wait : nullptr, Ctx::Unmap::No);
	}
}

void MmState::release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	MmState *state = from(mn);
	state->kill_all(kaio_mm_release_is_own(mm) ? ExitWaiter::Task : ExitWaiter::Nobody);
	unhash_and_put(state);
}

} // namespace kaio

extern "C" struct mmu_notifier *kaio_core_mm_alloc(struct mm_struct *mm)
{
	return kx::to_err_ptr(kaio::MmState::alloc(mm));
}

extern "C" void kaio_core_mm_free(struct mmu_notifier *mn)
{
	kaio::MmState::free(mn);
}

extern "C" void kaio_core_mm_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	kaio::MmState::release(mn, mm);
}

extern "C" int kaio_core_ring_mremap(struct file *file, struct mm_struct *mm, unsigned long new_start)
{
	return static_cast<int>(kx::to_long(kaio::MmState::ring_mremap(file, mm, new_start)));
}
