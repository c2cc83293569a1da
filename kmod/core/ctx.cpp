// SPDX-License-Identifier: GPL-2.0
/*
 * Contexts: creation (io_setup), lookup, kill (io_destroy, mm exit), the
 * reference callbacks that free them, and the completion ring's pages.
 */
#include "ctx.h"
#include "geometry.h"
#include "mm.h"

#include <kaio/consts.h>
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

static_assert(sizeof(kaio_abi_ring) == kEventBytes && sizeof(kaio_abi_io_event) == kEventBytes);

/*
 * vm_mmap() fails where fs/aio.c's do_mmap() does (ENOMEM, and EINTR when
 * the task is killed), and in one more way: it asks the LSMs first
 * (security_mmap_file()), which native io_setup never does.  Their refusal
 * (EACCES, EPERM: do_mmap() cannot give either for the ring's file) is
 * passed on as it is, a documented difference (README, Limits).
 */
kx::Error ring_mmap_error(long err)
{
	if (err == -KX_EINTR || err == -KX_EACCES || err == -KX_EPERM)
		return kx::Error::from_errno(err);
	return kx::err::ENOMEM;
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
kx::Result<Ctx *> Ctx::create(unsigned int asked)
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
	return ctx;
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
	KX_LOCK_INIT(completion_lock_);
	KX_LOCK_INIT(ring_lock_);
	KX_LOCK_INIT(wait_);
	/* Held until the context is complete: migration must not see it half made. */
	ring_lock_.lock();

	KX_TRY(users_.init(users_gone, kx::gfp::KERNEL));
	KX_TRY(reqs_.init(reqs_gone, kx::gfp::KERNEL));
	cpu_ = static_cast<CtxCpu *>(kx_alloc_percpu(sizeof(CtxCpu), alignof(CtxCpu)));
	if (!cpu_)
		return kx::err::ENOMEM;
	KX_TRY(setup_ring(scaled));

	reqs_available_.store(static_cast<int>(nr_events_ - 1));
	req_batch_ = req_batch(nr_events_, kx_num_possible_cpus());

	KX_TRY(quota_charge(max_reqs_));
	users_.get();	/* the io_setup() caller's, dropped by put_user_ref() */
	reqs_.get();	/* dropped by users_gone() */

	auto id = mm_->add(this);
	if (id.is_error()) {
		quota_refund(max_reqs_);
		return id.error();
	}
	id_ = id.value();
	write_ring_id(id_);
	ring_lock_.unlock();
	return {};
}

/* Undo a failed init(): nothing was published, nobody else holds a reference. */
void Ctx::destroy_unpublished()
{
	dead_.store(1);
	if (mmap_size_)
		kaio_ring_munmap_user(mmap_base_, mmap_size_);
	free_ring();
	ring_lock_.unlock();
	if (cpu_)
		kx_free_percpu(cpu_);
	reqs_.exit();
	users_.exit();
	g_ctx_cache.free(this);
	g_live_ctx.dec();
}

kx::Result<void> Ctx::setup_ring(unsigned int scaled)
{
	const RingGeometry geo = ring_geometry(scaled, KX_PAGE_SIZE);
	const unsigned int nr_pages = geo.pages;

	ring_file_ = kaio_ring_file_create(this, nr_pages);
	if (!ring_file_)
		return kx::err::ENOMEM;

	ring_pages_ = inline_pages_;
	if (nr_pages > kInlineRingPages) {
		extra_pages_ = KX_TRY(kx::OwnArray<struct page *>::create(kx::gfp::KERNEL | kx::gfp::ZERO,
									  nr_pages));
		ring_pages_ = extra_pages_.data();
	}
	for (nr_pages_ = 0; nr_pages_ < nr_pages; nr_pages_++) {
		struct page *page = kaio_ring_page_create(ring_file_, nr_pages_);
		if (!page)
			return kx::err::ENOMEM;
		ring_pages_[nr_pages_] = page;
	}

	const unsigned long len = nr_pages * KX_PAGE_SIZE;
	const long addr = kaio_ring_mmap_user(ring_file_, len);
	if (kx::Error::valid(addr))
		return ring_mmap_error(addr);
	mmap_size_ = len;
	mmap_base_ = user_id_ = static_cast<unsigned long>(addr);
	nr_events_ = geo.nr;

	auto *ring = static_cast<kaio_abi_ring *>(kaio_page_map(ring_pages_[0]));
	ring->nr = geo.nr;
	ring->id = ~0U;
	ring->head = ring->tail = 0;
	ring->magic = KAIO_RING_MAGIC;
	ring->compat_features = KAIO_RING_COMPAT_FEATURES;
	ring->incompat_features = KAIO_RING_INCOMPAT_FEATURES;
	ring->header_length = sizeof(kaio_abi_ring);
	kaio_page_unmap(ring);
	return {};
}

void Ctx::write_ring_id(unsigned int id)
{
	auto *ring = static_cast<kaio_abi_ring *>(kaio_page_map(ring_pages_[0]));
	ring->id = id;
	kaio_page_unmap(ring);
}

/* The ring file first: it cuts migration off before the pages go. */
void Ctx::free_ring()
{
	if (ring_file_)
		kaio_ring_file_put(kx::exchange(ring_file_, nullptr));
	for (unsigned int i = 0; i < nr_pages_; i++)
		kaio_page_put(ring_pages_[i]);
	nr_pages_ = 0;
}

kx::Result<Ctx *> Ctx::lookup(kx::u64 ctx_id)
{
	/* The ring's id field: user memory, so only a hint, checked below. */
	auto id = kx::UserPtr<kaio_abi_ring>(ctx_id).field<kx::u32>(__builtin_offsetof(kaio_abi_ring, id)).read();
	if (id.is_error())
		return kx::err::EINVAL;

	kx::RcuReadGuard rcu;
	MmState *state = MmState::find_rcu(kaio_current_mm());
	if (!state)
		return kx::err::EINVAL;	/* e.g. a forked child: no contexts of its own */
	Ctx *ctx = state->slot_rcu(id.value());
	if (ctx && ctx->user_id() == ctx_id && ctx->users_.tryget_live())
		return ctx;
	return kx::err::EINVAL;
}

bool Ctx::mark_dead()
{
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

	if (unmap == Unmap::Yes && mmap_size_)
		kaio_ring_munmap_user(mmap_base_, mmap_size_);

	if (wait)
		wait->expect();
	destroy_wait_ = wait;
	users_.kill();
	return {};
}

bool Ctx::move_mapping(unsigned long new_start)
{
	if (dead())
		return false;
	kx::write_once(mmap_base_, new_start);
	kx::write_once(user_id_, new_start);
	return true;
}

/* No io_* call holds the context any more: nothing new can be submitted. */
void Ctx::users_gone(struct percpu_ref *ref)
{
	Ctx *ctx = kx::PercpuRef::owner(ref, &Ctx::users_);
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
	ctx->free_ring();
	kx_free_percpu(ctx->cpu_);
	ctx->reqs_.exit();
	ctx->users_.exit();
	g_ctx_cache.free(ctx);
	g_live_ctx.dec();
}

int Ctx::migrate_ring_page(struct address_space *mapping, struct folio *dst, struct folio *src)
{
	/* Not while getevents reads the ring or setup is still filling it. */
	if (!ring_lock_.try_lock())
		return -KX_EAGAIN;
	kx::MutexGuard locked(ring_lock_, kx::MutexGuard::Adopt{});

	const unsigned long idx = kaio_folio_index(src);
	if (idx >= nr_pages_)
		return -KX_EINVAL;
	if (ring_pages_[idx] != kaio_folio_page(src))
		return -KX_EAGAIN;	/* already replaced */

	const int rc = kaio_folio_migrate_mapping(mapping, dst, src);
	if (rc)
		return rc;
	{
		/* No completion may land in the old page once the copy is made. */
		kx::SpinIrqSaveGuard g(completion_lock_);
		kaio_folio_migrate_copy(dst, src);
		ring_pages_[idx] = kaio_folio_page(dst);
	}
	kaio_folio_put(src);
	return 0;
}

} // namespace kaio

extern "C" int kaio_core_ring_migrate(void *ctx, struct address_space *mapping, struct folio *dst,
				      struct folio *src)
{
	return static_cast<kaio::Ctx *>(ctx)->migrate_ring_page(mapping, dst, src);
}
