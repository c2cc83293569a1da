// SPDX-License-Identifier: GPL-2.0
/*
 * The completion ring (see ring.h): its file and pages, the user mapping,
 * posting completions (the producer, possibly in interrupt context),
 * reading them back for io_getevents (the consumer), and page migration.
 * Nothing writes ring memory but under one of the ring's locks.
 * The index arithmetic is in geometry.h.
 */
#include "ring.h"
#include "geometry.h"

#include <kx/log.h>
#include <kx/page.h>
#include <kx/sched.h>
#include <kx/user.h>

namespace kaio {
namespace {

static_assert(sizeof(kaio_abi_ring) == kEventBytes && sizeof(kaio_abi_io_event) == kEventBytes);
static_assert(KX_PAGES_DIRECTLY_MAPPED, "ring pages are reached through the direct map");

/*
 * vm_mmap() fails where fs/aio.c's do_mmap() does (ENOMEM, and EINTR when
 * the task is killed), and in one more way: it asks the LSMs first
 * (security_mmap_file()), which native io_setup never does.  Their refusal
 * (EACCES, EPERM: do_mmap() cannot give either for the ring's file) is
 * passed on as it is, a documented difference (README, Limits).
 */
kx::Error ring_mmap_error(kx::Error err)
{
	if (err == kx::err::EINTR || err == kx::err::EACCES || err == kx::err::EPERM)
		return err;
	return kx::err::ENOMEM;
}

template <typename T>
kx::Result<T *> or_enomem(T *ptr)
{
	if (kx::from_err_ptr(ptr).is_error())
		return kx::err::ENOMEM;
	return ptr;
}

} // namespace

kaio_abi_io_event *Ring::event_slot(unsigned int index) const
{
	return static_cast<kaio_abi_io_event *>(addrs_[kaio::event_page(index, KX_PAGE_SIZE)]) +
	       event_in_page(index, KX_PAGE_SIZE);
}

kx::Result<void> Ring::create(unsigned int scaled)
{
	KX_LOCK_INIT_NAMED(lock_, "kaio_ring_lock");
	KX_LOCK_INIT_NAMED(producer_, "kaio_completion_lock");
	/* Migration must not see the ring half made. */
	kx::MutexGuard locked(lock_);
	return create_locked(scaled);
}

kx::Result<void> Ring::create_locked(unsigned int scaled)
{
	lock_.assert_held();
	const RingGeometry geo = ring_geometry(scaled, KX_PAGE_SIZE);

	/* As in fs/aio.c's aio_setup_ring(), any failure to make the ring is ENOMEM. */
	file_ = KX_TRY(or_enomem(kaio_ring_file_create(this, geo.pages)));
	if (geo.pages > kInlineRingPages) {
		extra_pages_ = KX_TRY(kx::OwnArray<struct page *>::create(kx::gfp::KERNEL | kx::gfp::ZERO,
									  geo.pages));
		pages_ = extra_pages_.data();
		extra_addrs_ = KX_TRY(kx::OwnArray<void *>::create(kx::gfp::KERNEL | kx::gfp::ZERO,
								   geo.pages));
		addrs_ = extra_addrs_.data();
	}
	for (nr_pages_ = 0; nr_pages_ < geo.pages; nr_pages_++) {
		pages_[nr_pages_] = KX_TRY(or_enomem(kaio_ring_page_create(file_, nr_pages_)));
		addrs_[nr_pages_] = kx_page_address(pages_[nr_pages_]);
	}

	const unsigned long bytes = geo.pages * KX_PAGE_SIZE;
	unsigned long addr;
	auto mapped = kx::to_result(kaio_ring_mmap_user(file_, bytes, &addr));
	if (mapped.is_error())
		return ring_mmap_error(mapped.error());
	mapped_bytes_ = bytes;
	user_address_ = addr;
	nr_ = geo.nr;

	*header() = {
		.id = ~0U,
		.nr = geo.nr,
		.head = 0,
		.tail = 0,
		.magic = KAIO_ABI_RING_MAGIC,
		.compat_features = KAIO_ABI_RING_COMPAT_FEATURES,
		.incompat_features = KAIO_ABI_RING_INCOMPAT_FEATURES,
		.header_length = sizeof(kaio_abi_ring),
	};
	return {};
}

void Ring::write_id(unsigned int id)
{
	kx::MutexGuard locked(lock_);
	header()->id = id;
}

void Ring::unmap_user()
{
	if (mapped_bytes_)
		kaio_ring_munmap_user(user_address(), mapped_bytes_);
}

void Ring::destroy()
{
	if (file_)
		kaio_ring_file_put(kx::exchange(file_, nullptr));
	for (unsigned int i = 0; i < nr_pages_; i++)
		kaio_page_put(pages_[i]);
	nr_pages_ = 0;
}

/*
 * Completed events that userspace has consumed (the head moved past them)
 * give their slots back.  @head comes from user memory: any value.
 */
unsigned int Ring::reaped_locked(Producer &p, unsigned int head)
{
	producer_.assert_held();
	const unsigned int in_ring = events_in_ring(head % nr_, p.tail, nr_);
	if (p.completed_events <= in_ring)
		return 0;
	const unsigned int reaped = p.completed_events - in_ring;
	p.completed_events -= reaped;
	return reaped;
}

unsigned int Ring::user_reaped_locked(Producer &p)
{
	producer_.assert_held();
	if (!p.completed_events)
		return 0;
	return reaped_locked(p, kx::read_once(header()->head));
}

unsigned int Ring::post_locked(Producer &p, const kaio_abi_io_event &event)
{
	producer_.assert_held();
	const unsigned int at = p.tail;
	*event_slot(at) = event;
	const unsigned int tail = at + 1 >= nr_ ? 0 : at + 1;

	/* The event is visible before the tail that publishes it. */
	kx::smp_wmb();
	p.tail = tail;
	const unsigned int head = kx::read_once(header()->head);
	kx::write_once(header()->tail, tail);

	p.completed_events++;
	return p.completed_events > 1 ? reaped_locked(p, head) : 0;
}

kx::Result<long> Ring::read(kx::u64 out, long nr)
{
	/* Taken inside a wait loop's condition: sleeping here is expected. */
	kx::annotate_sleep();
	kx::MutexGuard locked(lock_);

	unsigned int head = kx::read_once(header()->head);
	unsigned int tail = kx::read_once(header()->tail);
	/* The events up to tail are visible once tail is. */
	kx::smp_rmb();
	if (head == tail)
		return 0L;

	/* Both are user-writable: keep them inside the ring (CVE-2014-0206). */
	head %= nr_;
	tail %= nr_;

	long copied = 0;
	const kx::UserPtr<kaio_abi_io_event> dst(out);
	while (copied < nr && head != tail) {
		const long chunk = kx::min(static_cast<long>(contiguous_events(head, tail, nr_, KX_PAGE_SIZE)),
					   nr - copied);
		kx::Result<void> r = [&]() -> kx::Result<void> {
			const auto to = KX_TRY(dst.at(static_cast<kx::usize>(copied)));
			return to.write_array(kx::Span<const kaio_abi_io_event>(
				event_slot(head), static_cast<kx::usize>(chunk)));
		}();
		if (r.is_error())
			return r.error();	/* head stays: the events remain for a retry */

		copied += chunk;
		head = (head + static_cast<unsigned int>(chunk)) % nr_;
	}

	kx::write_once(header()->head, head);
	return copied;
}

kx::Result<void> Ring::migrate_page(struct address_space *mapping, struct folio *dst,
				      struct folio *src)
{
	/* Not while getevents reads the ring or setup is still filling it. */
	if (!lock_.try_lock())
		return kx::err::EAGAIN;
	kx::MutexGuard locked(lock_, kx::MutexGuard::Adopt{});

	const unsigned long idx = kaio_folio_index(src);
	if (idx >= nr_pages_)
		return kx::err::EINVAL;
	if (pages_[idx] != kaio_folio_page(src))
		return kx::err::EAGAIN;	/* already replaced */

	KX_TRY(kx::to_result(kaio_folio_migrate_mapping(mapping, dst, src)));
	{
		/* No completion may land in the old page once the copy is made. */
		auto p = producer_.lock_irqsave();
		kaio_folio_migrate_copy(dst, src);
		pages_[idx] = kaio_folio_page(dst);
		addrs_[idx] = kx_page_address(pages_[idx]);
	}
	kaio_folio_put(src);
	return {};
}

} // namespace kaio

extern "C" int kaio_core_ring_migrate(void *ring, struct address_space *mapping, struct folio *dst,
				      struct folio *src)
{
	return static_cast<int>(kx::to_long(static_cast<kaio::Ring *>(ring)->migrate_page(mapping, dst, src)));
}
