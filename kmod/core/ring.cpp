// SPDX-License-Identifier: GPL-2.0
/*
 * The completion ring at work: slot accounting for submission, posting
 * completions (the producer, possibly in interrupt context), and reading
 * them back for io_getevents (the consumer, under ring_lock).
 *
 * Event i lives at byte 32 * (i + 1) of the ring: the header takes the
 * first 32 bytes, so "position" below is the event index plus one.
 */
#include "ctx.h"
#include "geometry.h"

#include <kaio/consts.h>
#include <kx/log.h>
#include <kx/user.h>

namespace kaio {
namespace {

constexpr unsigned long kEventsPerPage = KX_PAGE_SIZE / kEventBytes;

/* The slot of event @index, mapped; unmap with kaio_page_unmap(). */
kaio_abi_io_event *map_event(struct page **pages, unsigned int index, void **page_addr)
{
	const unsigned long pos = index + 1;
	*page_addr = kaio_page_map(pages[pos / kEventsPerPage]);
	return static_cast<kaio_abi_io_event *>(*page_addr) + pos % kEventsPerPage;
}

} // namespace

/*
 * Take a slot from this CPU's cache, refilling the cache from the shared
 * pool req_batch_ at a time (__get_reqs_available()).
 */
bool Ctx::take_cpu_slot()
{
	const unsigned long flags = kaio_local_irq_save();
	auto *mine = static_cast<CtxCpu *>(kaio_this_cpu_ptr(cpu_));
	bool ok = true;
	if (!mine->reqs_available) {
		int avail = reqs_available_.load();
		do {
			if (avail < static_cast<int>(req_batch_)) {
				ok = false;
				break;
			}
		} while (!reqs_available_.try_cmpxchg(&avail, avail - static_cast<int>(req_batch_)));
		if (ok)
			mine->reqs_available += req_batch_;
	}
	if (ok)
		mine->reqs_available--;
	kaio_local_irq_restore(flags);
	return ok;
}

/* Return slots to this CPU's cache, spilling batches back to the pool. */
void Ctx::put_slots(unsigned int nr)
{
	const unsigned long flags = kaio_local_irq_save();
	auto *mine = static_cast<CtxCpu *>(kaio_this_cpu_ptr(cpu_));
	mine->reqs_available += nr;
	while (mine->reqs_available >= req_batch_ * 2) {
		mine->reqs_available -= req_batch_;
		reqs_available_.add(static_cast<int>(req_batch_));
	}
	kaio_local_irq_restore(flags);
}

/*
 * Completed events that userspace has consumed (head moved past them)
 * free their slots.  Under completion_lock_; @head comes from user memory.
 */
void Ctx::refill_slots(unsigned int head, unsigned int tail)
{
	head %= nr_events_;
	const unsigned int in_ring = head <= tail ? tail - head : nr_events_ - (head - tail);
	if (completed_events_ <= in_ring)
		return;
	const unsigned int consumed = completed_events_ - in_ring;
	completed_events_ -= consumed;
	put_slots(consumed);
}

/* When no slot is left: learn about events userspace reaped from the ring itself. */
void Ctx::refill_slots_from_user()
{
	kx::SpinIrqGuard g(completion_lock_);
	if (!completed_events_)
		return;
	auto *ring = static_cast<kaio_abi_ring *>(kaio_page_map(ring_pages_[0]));
	const unsigned int head = kx::read_once(ring->head);
	kaio_page_unmap(ring);
	refill_slots(head, tail_);
}

bool Ctx::get_slot()
{
	if (take_cpu_slot())
		return true;
	refill_slots_from_user();
	return take_cpu_slot();
}

void Ctx::post(const kaio_abi_io_event &event, struct eventfd_ctx *eventfd)
{
	{
		kx::SpinIrqSaveGuard g(completion_lock_);
		unsigned int tail = tail_;
		void *page;
		kaio_abi_io_event *slot = map_event(ring_pages_, tail, &page);
		*slot = event;
		kaio_page_unmap(page);
		if (++tail >= nr_events_)
			tail = 0;

		/* The event is visible before the tail that publishes it. */
		kx::smp_wmb();
		tail_ = tail;
		auto *ring = static_cast<kaio_abi_ring *>(kaio_page_map(ring_pages_[0]));
		const unsigned int head = kx::read_once(ring->head);
		kx::write_once(ring->tail, tail);
		kaio_page_unmap(ring);

		completed_events_++;
		if (completed_events_ > 1)
			refill_slots(head, tail);
	}

	if (eventfd)
		kaio_eventfd_signal(eventfd);

	/* Pairs with the waiter's set_current_state(): a waiter sees the tail. */
	kx::smp_mb();
	if (wait_.active())
		wait_.wake_up();
}

long Ctx::read_ring(kx::u64 out, long nr)
{
	/* Taken inside a wait loop's condition: sleeping here is expected. */
	kx_sched_annotate_sleep();
	kx::MutexGuard locked(ring_lock_);

	auto *ring = static_cast<kaio_abi_ring *>(kaio_page_map(ring_pages_[0]));
	unsigned int head = kx::read_once(ring->head);
	unsigned int tail = kx::read_once(ring->tail);
	kaio_page_unmap(ring);
	/* The events up to tail are visible once tail is. */
	kx::smp_rmb();
	if (head == tail)
		return 0;

	/* Both are user-writable: keep them inside the ring (CVE-2014-0206). */
	head %= nr_events_;
	tail %= nr_events_;

	long copied = 0;
	kx::UserPtr<kaio_abi_io_event> dst(out);
	while (copied < nr && head != tail) {
		/* Contiguous events: up to the tail or the ring's end, within one page. */
		const unsigned long pos = head + 1;
		long chunk = (head <= tail ? tail : nr_events_) - head;
		chunk = kx::min(chunk, nr - copied);
		chunk = kx::min(chunk, static_cast<long>(kEventsPerPage - pos % kEventsPerPage));

		void *page = kaio_page_map(ring_pages_[pos / kEventsPerPage]);
		auto *first = static_cast<kaio_abi_io_event *>(page) + pos % kEventsPerPage;
		auto at = dst.at(static_cast<kx::usize>(copied));
		kx::Result<void> r = at.is_error() ? at.error() :
			at.value().write_array(kx::Span<const kaio_abi_io_event>(first, static_cast<kx::usize>(chunk)));
		kaio_page_unmap(page);
		if (r.is_error())
			return -KX_EFAULT;	/* head stays: the events remain for a retry */

		copied += chunk;
		head = (head + static_cast<unsigned int>(chunk)) % nr_events_;
	}

	ring = static_cast<kaio_abi_ring *>(kaio_page_map(ring_pages_[0]));
	kx::write_once(ring->head, head);
	kaio_page_unmap(ring);
	return copied;
}

/* One pass of getevents' condition (aio_read_events()). */
bool Ctx::read_events_once(long min_nr, long nr, kx::u64 out, long *got)
{
	long ret = read_ring(out + static_cast<kx::u64>(*got) * kEventBytes, nr - *got);
	if (ret > 0)
		*got += ret;
	if (dead())
		ret = -KX_EINVAL;
	if (!*got)
		*got = ret;
	return ret < 0 || *got >= min_nr;
}

long Ctx::read_events(long min_nr, long nr, kx::u64 out, kx::s64 timeout)
{
	long got = 0;
	if (timeout == 0) {
		(void)read_events_once(min_nr, nr, out, &got);
		return got;
	}
	/* A signal or a timeout ends the wait with what was copied so far. */
	(void)wait_.wait_interruptible([&] { return read_events_once(min_nr, nr, out, &got); }, timeout);
	return got;
}

} // namespace kaio
