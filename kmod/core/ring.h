// SPDX-License-Identifier: GPL-2.0
/*
 * The completion ring of one context: the pseudo-file whose pages hold it,
 * the user mapping (whose address is the context id), the producer state,
 * and the two locks that order its readers and writers.
 *
 *   lock_             mutex: the consumer (io_getevents), the id write and
 *                     page migration.  Nothing writes ring memory outside
 *                     producer_ without it, so a migrating page is
 *                     never written behind the copy.
 *   producer_         spinlock, IRQ-safe, and the producer state it guards
 *                     (completions, from any context); migration's
 *                     copy-and-swap holds it too.
 *
 * Lock order: lock_, then producer_.
 */
#pragma once

#include <kaio/abi.h>
#include <kaio/bridge.h>
#include <kx/alloc.h>
#include <kx/atomic.h>
#include <kx/lock.h>
#include <kx/result.h>

namespace kaio {

/* Up to this many ring pages are tracked without a separate allocation. */
constexpr unsigned int kInlineRingPages = 8;

class Ring : kx::Pinned {
public:
	Ring() = default;
	~Ring() = default;

	/*
	 * Make the file and its @scaled-event pages, map them into the
	 * current mm and write the header (id ~0U until write_id()).  On
	 * error, what was made stays for destroy() to undo (and unmap_user(),
	 * which is a no-op if nothing was mapped).
	 */
	[[nodiscard]] kx::Result<void> create(unsigned int scaled);
	/* Publish the context's table index in the header. */
	void write_id(unsigned int id);
	/* Unmap from the current mm (io_destroy(); mm exit leaves that to the mm). */
	void unmap_user();
	/* Free the file first (cutting migration off), then the pages. */
	void destroy();

	/* The user address: the context id.  Moves with mremap(). */
	[[nodiscard]] kx::u64 user_address() const { return kx::read_once(user_address_); }
	void moved_to(unsigned long new_start) { kx::write_once(user_address_, new_start); }
	[[nodiscard]] struct file *file() const { return file_; }
	/* ring->nr: slots in the ring, one of which always stays free. */
	[[nodiscard]] unsigned int nr() const { return nr_; }

	/*
	 * Producer (aio_complete()): add @event and publish it with the tail.
	 * If userspace has reaped completed events since, give_back(n) returns
	 * their slots to submission, still under the producer lock (as
	 * fs/aio.c does: a submitter that finds no slot then waits for the
	 * lock, and finds them back).
	 */
	template <typename GiveBack>
	void post(const kaio_abi_io_event &event, GiveBack &&give_back)
	{
		auto p = producer_.lock_irqsave();
		if (const unsigned int reaped = post_locked(*p, event))
			give_back(reaped);
	}
	/* The slots run out: give_back(n) for events reaped from the head userspace wrote. */
	template <typename GiveBack>
	void refill_from_user(GiveBack &&give_back)
	{
		auto p = producer_.lock_irq();
		if (const unsigned int reaped = user_reaped_locked(*p))
			give_back(reaped);
	}

	/*
	 * Consumer (aio_read_events_ring()): copy up to @nr events to @out and
	 * advance the head: the number copied, or -EFAULT with the head unchanged.
	 */
	[[nodiscard]] kx::Result<long> read(kx::u64 out, long nr);

	/* Page migration (kmod/bridge/aiofs.c, under the mapping's private_lock). */
	[[nodiscard]] kx::Result<void> migrate_page(struct address_space *mapping, struct folio *dst,
						    struct folio *src);

private:
	/* The producer's state: reached only through producer_'s guard. */
	struct Producer {
		unsigned int tail;
		unsigned int completed_events;	/* posted, slots not yet given back */
	};

	[[nodiscard]] kx::Result<void> create_locked(unsigned int scaled);
	[[nodiscard]] unsigned int post_locked(Producer &p, const kaio_abi_io_event &event);
	[[nodiscard]] unsigned int user_reaped_locked(Producer &p);
	[[nodiscard]] unsigned int reaped_locked(Producer &p, unsigned int head);
	/* The ring's memory through the kernel's direct map (addrs_). */
	[[nodiscard]] kaio_abi_ring *header() const { return static_cast<kaio_abi_ring *>(addrs_[0]); }
	[[nodiscard]] kaio_abi_io_event *event_slot(unsigned int index) const;

	struct file *file_ = nullptr;
	unsigned int nr_pages_ = 0;
	struct page **pages_ = inline_pages_;
	struct page *inline_pages_[kInlineRingPages] = {};
	kx::OwnArray<struct page *> extra_pages_;
	/*
	 * Each page's permanent kernel address, changed with pages_ (under both
	 * locks) when a page migrates: no mapping call per event on kernels
	 * without highmem, which are the ones kaio builds for.
	 */
	void **addrs_ = inline_addrs_;
	void *inline_addrs_[kInlineRingPages] = {};
	kx::OwnArray<void *> extra_addrs_;
	unsigned long user_address_ = 0;
	unsigned long mapped_bytes_ = 0;
	unsigned int nr_ = 0;

	/* Consumer side. */
	alignas(kx::kCacheLine) kx::Mutex lock_;

	/* Producer side. */
	alignas(kx::kCacheLine) kx::SpinLocked<Producer> producer_;
};

} // namespace kaio
