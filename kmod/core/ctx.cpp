// SPDX-License-Identifier: GPL-2.0
/*
 * Contexts: creation (io_setup), lookup, kill (io_destroy, mm exit), the
 * reference callbacks that free them, the quota, and the submission slot
 * cache.  The ring itself is in ring.cpp, waiting for events in
 * getevents.cpp.
 */
#include "ctx.h"
#include "geometry.h"
#include "mm.h"

#include <kx/log.h>
#include <kx/user.h>

namespace kaio {
namespace {

kx::SlabCache<Ctx> g_ctx_cache;
/* Contexts made and not yet freed (debugfs). */
kx::Atomic<long> g_live_ctx;

/* The system-wide quota: the sum of what io_setup() callers asked for. */
kx::SpinLock g_quota_lock;

kx::Result<void> quota_charge(unsigned int nr)
{
	kx::SpinGuard g(g_quota_lock);
	const unsigned long now = kaio_aio_nr;
	if (now + nr > kx::read_once(kaio_aio_max_nr) || now + nr < now)
		return kx::err::EAGAIN;
	kx::write_once(kaio_aio_nr, now + nr);
	return {};
}

void quota_refund(unsigned int nr)
{
	kx::SpinGuard g(g_quota_lock);
	const unsigned long now = kaio_aio_nr;
	kx::write_once(kaio_aio_nr, KX_WARN_ON(now < nr) ? 0UL : now - nr);
}

} // namespace

kx::Result<void> Ctx::init_cache()
{
	KX_LOCK_INIT(g_quota_lock);
	return g_ctx_cache.create("kaio_ctx");
}

void Ctx::destroy_cache()
{
	g_ctx_cache.destroy();
}

unsigned long Ctx::live()
{
	return static_cast<unsigned long>(g_live_ctx.load());
}

/* io_setup() after its argument checks (the sizing is in geometry.h). */
kx::Result<CtxRef> Ctx::create(unsigned int asked)
{
	const unsigned int scaled = scaled_events(asked, kx_num_possible_cpus());
	if (scaled > kMaxScaledEvents)
		return kx::err::EINVAL;
	if (!scaled || asked > kx::read_once(kaio_aio_max_nr))
		return kx::err::EAGAIN;

	/*
	 * The mm's state first: registering its notifier may be interrupted
	 * by a signal and restarted, which must find nothing mapped or charged.
	 */
	MmState *mm = KX_TRY(MmState::get_current());

	Ctx *ctx = KX_TRY(g_ctx_cache.make(kx::gfp::KERNEL));
	g_live_ctx.inc();
	auto ready = ctx->init(mm, asked, scaled);
	if (ready.is_error()) {
		ctx->destroy_unpublished();
		return ready.error();
	}
	return CtxRef(ctx);
}

/*
 * Everything up to publication; on error the caller runs
 * destroy_unpublished(), which undoes whatever was done (every member it
 * looks at starts out empty: null pointers, zero sizes, zeroed refs).
 */
kx::Result<void> Ctx::init(MmState *mm, unsigned int max_reqs, unsigned int scaled)
{
	mm_ = mm;
	max_reqs_ = max_reqs;
	KX_LOCK_INIT_NAMED(wait_, "kaio_ctx_wait");
	KX_LOCK_INIT_NAMED(cancel_lock_, "kaio_ctx_lock");

	KX_TRY(users_.init(users_gone, kx::gfp::KERNEL));
	KX_TRY(reqs_.init(reqs_gone, kx::gfp::KERNEL));
	KX_TRY(cpu_slots_.create());
	KX_TRY(ring_.create(scaled));

	reqs_available_.store(static_cast<int>(ring_.nr() - 1));
	req_batch_ = req_batch(ring_.nr(), kx_num_possible_cpus());

	KX_TRY(quota_charge(max_reqs_));
	users_.get();	/* the io_setup() caller's: its CtxRef */
	reqs_.get();	/* dropped by users_gone() */

	auto id = mm_->add(this);
	if (id.is_error()) {
		quota_refund(max_reqs_);
		return id.error();
	}
	id_ = id.value();
	ring_.write_id(id_);
	return {};
}

/* Undo a failed init(): nothing was published, nobody else holds a reference. */
void Ctx::destroy_unpublished()
{
	dead_.store(1);
	ring_.unmap_user();
	ring_.destroy();
	cpu_slots_.destroy();
	reqs_.exit();
	users_.exit();
	g_ctx_cache.free(this);
	g_live_ctx.dec();
}

kx::Result<CtxRef> Ctx::lookup(kx::u64 ctx_id)
{
	/* The ring's id field: user memory, so only a hint, checked below. */
	auto id = kx::UserPtr<kaio_abi_ring>(ctx_id).field(&kaio_abi_ring::id).read();
	if (id.is_error())
		return kx::err::EINVAL;

	kx::RcuReadGuard rcu;
	MmState *state = MmState::find_current_rcu();
	if (!state)
		return kx::err::EINVAL;	/* e.g. a forked child: no contexts of its own */
	Ctx *ctx = state->slot_rcu(id.value());
	if (ctx && ctx->user_id() == ctx_id && ctx->users_.tryget_live())
		return CtxRef(ctx);
	return kx::err::EINVAL;
}

bool Ctx::mark_dead_locked(MmState &mm)
{
	mm.assert_locked();
	return dead_.xchg(1) != 0;
}

kx::Result<void> Ctx::kill(DestroyWait *wait, Unmap unmap)
{
	if (!mm_->unpublish(this))
		return kx::err::EINVAL;	/* a concurrent destroyer won */

	/* Waiters in getevents see the context dead and return. */
	wait_.wake_up_all();

	/*
	 * Refund now rather than when the last request is gone: by then
	 * io_destroy() has returned, and a following io_setup() must not see
	 * a quota that userspace cannot account for.
	 */
	quota_refund(max_reqs_);

	if (unmap == Unmap::Yes)
		ring_.unmap_user();

	if (wait)
		wait->expect();
	destroy_wait_ = wait;
	users_.kill();
	return {};
}

bool Ctx::move_mapping_locked(MmState &mm, unsigned long new_start)
{
	mm.assert_locked();
	if (dead())
		return false;
	ring_.moved_to(new_start);
	return true;
}

/* Return slots to this CPU's cache, spilling batches back to the pool. */
void Ctx::put_slots(unsigned int nr)
{
	cpu_slots_.with_local([&](CpuSlots &mine) {
		mine.reqs_available += nr;
		while (mine.reqs_available >= req_batch_ * 2) {
			mine.reqs_available -= req_batch_;
			reqs_available_.add(static_cast<int>(req_batch_));
		}
	});
}

/* get_slot() found none: learn about events userspace reaped from the ring itself. */
bool Ctx::get_slot_refilled()
{
	ring_.refill_from_user([this](unsigned int reaped) { put_slots(reaped); });
	return take_cpu_slot();
}

void Ctx::post(const kaio_abi_io_event &event, struct eventfd_ctx *eventfd)
{
	ring_.post(event, [this](unsigned int reaped) { put_slots(reaped); });

	if (eventfd)
		kaio_eventfd_signal(eventfd);

	/* Pairs with the waiter's set_current_state(): a waiter sees the tail. */
	kx::smp_mb();
	if (wait_.active())
		wait_.wake_up();
}

/* No io_* call holds the context any more: nothing new can be submitted. */
void Ctx::users_gone(struct percpu_ref *ref)
{
	Ctx *ctx = kx::PercpuRef::owner(ref, &Ctx::users_);
	ctx->cancel_all();
	ctx->reqs_.kill();
	ctx->reqs_.put();
}

/* No request is in flight: tell the destroyer, free after RCU. */
void Ctx::reqs_gone(struct percpu_ref *ref)
{
	Ctx *ctx = kx::PercpuRef::owner(ref, &Ctx::reqs_);
	if (DestroyWait *wait = ctx->destroy_wait_)
		wait->context_done();
	/* Lookups walk the table under RCU; and freeing the ring may sleep. */
	ctx->free_work_.queue(free_wq(), free_after_rcu);
}

void Ctx::free_after_rcu(struct work_struct *work)
{
	Ctx *ctx = kx::RcuWork::owner(work, &Ctx::free_work_);
	ctx->ring_.destroy();
	ctx->cpu_slots_.destroy();
	ctx->reqs_.exit();
	ctx->users_.exit();
	g_ctx_cache.free(ctx);
	g_live_ctx.dec();
}

} // namespace kaio
