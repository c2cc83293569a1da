// SPDX-License-Identifier: GPL-2.0
/*
 * Per-mm context tables and the mm-exit hook (see mm.h).
 */
#include "mm.h"
#include "ctx.h"

#include <kx/alloc.h>
#include <kx/log.h>

namespace kaio {
namespace {

/* mm -> MmState: singly linked RCU chains, written under g_hash_lock. */
constexpr unsigned int kHashBuckets = 64;
constinit kx::Atomic<MmState *> g_hash[kHashBuckets];
kx::SpinLock g_hash_lock;
kx::Workqueue g_free_wq;

unsigned int bucket(struct mm_struct *mm)
{
	const auto v = reinterpret_cast<kx::uptr>(mm);
	return (v >> 6 ^ v >> 12) % kHashBuckets;
}

kx::Result<CtxTable *> alloc_table(unsigned int nr)
{
	void *mem = kx_kmalloc(sizeof(CtxTable) + nr * sizeof(kx::Atomic<Ctx *>),
			       (kx::gfp::KERNEL | kx::gfp::ZERO).bits);
	if (!mem)
		return kx::err::ENOMEM;
	auto *table = static_cast<CtxTable *>(mem);
	table->nr = nr;	/* slots: zeroed memory is a null Atomic<Ctx *> */
	return table;
}

} // namespace

kx::Workqueue &free_wq()
{
	return g_free_wq;
}

kx::Result<void> MmState::init()
{
	KX_LOCK_INIT(g_hash_lock);
	return g_free_wq.create("kaio_free");
}

/*
 * Module exit: no context exists any more (each pins the module), but the
 * mms that used kaio keep their notifiers; drop them, then wait until the
 * notifier frees and their RCU-delayed work have all run.
 */
void MmState::exit()
{
	for (auto &head : g_hash) {
		while (MmState *state = head.load())
			unhash_and_put(state);
	}
	kaio_mm_notifier_synchronize();
	kx_rcu_barrier();
	g_free_wq.destroy();
}

MmState *MmState::from(struct mmu_notifier *mn)
{
	return kx::container_of(reinterpret_cast<NotifierStorage *>(mn), &MmState::notifier_);
}

MmState *MmState::find_rcu(struct mm_struct *mm)
{
	for (MmState *s = g_hash[bucket(mm)].load(); s; s = s->hash_next_.load())
		if (s->mm_ == mm)
			return s;
	return nullptr;
}

struct mmu_notifier *MmState::alloc(struct mm_struct *mm)
{
	auto made = kx::make<MmState>(kx::gfp::KERNEL, mm);
	if (made.is_error())
		return nullptr;
	MmState *state = made.release_value().leak();
	KX_LOCK_INIT(state->lock_);
	return state->notifier();
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
	kx_kfree(state->table_.load());
	delete state;	/* made by kx::make() in alloc() */
}

kx::Result<MmState *> MmState::get_current()
{
	struct mm_struct *mm = kaio_current_mm();
	{
		kx::RcuReadGuard rcu;
		if (MmState *state = find_rcu(mm))
			return state;
	}

	/* Slow path: mmu_notifier_get() makes it or finds a racing thread's. */
	struct mmu_notifier *mn = kaio_mm_notifier_get();
	if (!mn)
		return kx::err::ENOMEM;
	MmState *state = from(mn);
	bool extra_ref;
	{
		kx::SpinGuard g(g_hash_lock);
		extra_ref = state->hashed_;
		if (!extra_ref) {
			state->hash_next_.store(g_hash[bucket(mm)].load());
			g_hash[bucket(mm)].store_release(state);
			state->hashed_ = true;
		}
	}
	/* Each state holds exactly one notifier reference. */
	if (extra_ref)
		kaio_mm_notifier_put(mn);
	return state;
}

/* Unhash @state and drop its notifier reference, if nobody did already. */
void MmState::unhash_and_put(MmState *state)
{
	{
		kx::SpinGuard g(g_hash_lock);
		if (!state->hashed_)
			return;
		kx::Atomic<MmState *> *link = &g_hash[bucket(state->mm_)];
		while (link->load() != state)
			link = &link->load()->hash_next_;
		link->store_release(state->hash_next_.load());
		state->hashed_ = false;
	}
	kaio_mm_notifier_put(state->notifier());
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
			kx_kfree(bigger);	/* a racing add() grew it: use theirs */
		} else if (old) {
			kx_synchronize_rcu();	/* lookups may still walk the old one */
			kx_kfree(old);
		}
	}
}

bool MmState::unpublish(Ctx *ctx)
{
	kx::SpinGuard g(lock_);
	if (ctx->mark_dead())
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

Ctx *MmState::slot_rcu(unsigned int id)
{
	CtxTable *table = table_.load();
	if (!table || id >= table->nr)
		return nullptr;
	return table->slots[kaio_array_index_nospec(id, table->nr)].load();
}

int MmState::ring_moved(struct file *ring, unsigned long new_start)
{
	kx::SpinGuard g(lock_);
	kx::RcuReadGuard rcu;
	CtxTable *table = table_.load();
	for (unsigned int i = 0; table && i < table->nr; i++) {
		Ctx *ctx = table->slots[i].load();
		if (ctx && ctx->ring_file() == ring)
			return ctx->move_mapping(new_start) ? 0 : -KX_EINVAL;
	}
	return -KX_EINVAL;
}

/*
 * The mm is going (exit or exec): as exit_aio(), kill every context without
 * unmapping (the mappings go with the mm, which may not be current's) and
 * wait for all their in-flight requests.
 */
void MmState::kill_all_and_wait()
{
	CtxTable *table = table_.load();
	if (!table)
		return;
	DestroyWait wait(static_cast<int>(table->nr));
	int skipped = 0;
	for (unsigned int i = 0; i < table->nr; i++) {
		Ctx *ctx = table->slots[i].load();
		if (!ctx || ctx->kill(&wait, false).is_error())
			skipped++;
	}
	if (wait.pending.sub_return(skipped) != 0)
		wait.done.wait();
}

void MmState::release(struct mmu_notifier *mn)
{
	MmState *state = from(mn);
	state->kill_all_and_wait();
	unhash_and_put(state);
}

} // namespace kaio

extern "C" struct mmu_notifier *kaio_core_mm_alloc(struct mm_struct *mm)
{
	return kaio::MmState::alloc(mm);
}

extern "C" void kaio_core_mm_free(struct mmu_notifier *mn)
{
	kaio::MmState::free(mn);
}

extern "C" void kaio_core_mm_release(struct mmu_notifier *mn)
{
	kaio::MmState::release(mn);
}

extern "C" int kaio_core_ring_mremap(struct file *file, struct mm_struct *mm, unsigned long new_start)
{
	kx::RcuReadGuard rcu;
	kaio::MmState *state = kaio::MmState::find_rcu(mm);
	/* A forked child has no state: its inherited ring cannot move (CVE-2023-52646). */
	return state ? state->ring_moved(file, new_start) : -KX_EINVAL;
}
