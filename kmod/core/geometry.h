// SPDX-License-Identifier: GPL-2.0
/*
 * io_setup()'s arithmetic, as fs/aio.c does it, in one place:
 *
 *   asked            the caller's nr_events (what the quota is charged)
 *   scaled           max(asked, 4 * possible CPUs) * 2, in 32 bits: up to
 *                    half the free slots may sit in other CPUs' caches
 *   ring pages       enough for a 32-byte header and scaled + 2 events
 *   ring->nr         as many 32-byte events as fill those pages
 *   usable slots     ring->nr - 1 (head == tail means empty)
 *   batch            slots moved between a CPU cache and the pool at a time
 *
 * and the ring's index arithmetic: event i lives at byte 32 * (i + 1) of
 * the ring (the header takes the first 32 bytes), head == tail is empty,
 * and both wrap at ring->nr.
 */
#pragma once

#include <kx/types.h>

namespace kaio {

constexpr unsigned int kEventBytes = 32;	/* struct io_event, and the ring header */
constexpr unsigned int kMaxScaledEvents = 0x10000000U / kEventBytes;

/* 0 when the doubling wraps (io_setup then fails with EAGAIN). */
constexpr unsigned int scaled_events(unsigned int asked, unsigned int possible_cpus)
{
	const unsigned int floor = possible_cpus * 4;
	return (asked > floor ? asked : floor) * 2;
}

struct RingGeometry {
	unsigned int pages;
	unsigned int nr;	/* ring->nr */
};

constexpr RingGeometry ring_geometry(unsigned int scaled, unsigned long page_size)
{
	const unsigned long bytes = kEventBytes + kEventBytes * static_cast<unsigned long>(scaled + 2);
	const unsigned long pages = (bytes + page_size - 1) / page_size;
	return {static_cast<unsigned int>(pages),
		static_cast<unsigned int>((page_size * pages - kEventBytes) / kEventBytes)};
}

constexpr unsigned int req_batch(unsigned int ring_nr, unsigned int possible_cpus)
{
	const unsigned int batch = (ring_nr - 1) / (possible_cpus * 4);
	return batch ? batch : 1;
}

/* The page of event @index, and its slot within that page. */
constexpr unsigned long event_page(unsigned int index, unsigned long page_size)
{
	return (index + 1UL) / (page_size / kEventBytes);
}

constexpr unsigned long event_in_page(unsigned int index, unsigned long page_size)
{
	return (index + 1UL) % (page_size / kEventBytes);
}

/* Events between @head and @tail (both below @nr) in a ring of @nr slots. */
constexpr unsigned int events_in_ring(unsigned int head, unsigned int tail, unsigned int nr)
{
	return head <= tail ? tail - head : nr - (head - tail);
}

/*
 * Events from @head that lie next to each other in one page: up to the
 * tail or the ring's end, whichever comes first, and not past the page.
 */
constexpr unsigned int contiguous_events(unsigned int head, unsigned int tail, unsigned int nr,
					 unsigned long page_size)
{
	const unsigned int upto = (head <= tail ? tail : nr) - head;
	const unsigned long in_page = page_size / kEventBytes - event_in_page(head, page_size);
	return upto < in_page ? upto : static_cast<unsigned int>(in_page);
}

/* The worked examples of the reference (2 possible CPUs, 4 KiB pages). */
static_assert(scaled_events(1, 2) == 16);
static_assert(ring_geometry(16, 4096).pages == 1 && ring_geometry(16, 4096).nr == 127);
static_assert(req_batch(127, 2) == 15);
static_assert(scaled_events(128, 2) == 256);
static_assert(ring_geometry(256, 4096).pages == 3 && ring_geometry(256, 4096).nr == 383);
static_assert(scaled_events(0x80000000U, 2) == 0);
static_assert(scaled_events(4194304, 2) == kMaxScaledEvents);
/* Event 0 follows the header; the 128th slot of a page starts the next. */
static_assert(event_page(0, 4096) == 0 && event_in_page(0, 4096) == 1);
static_assert(event_page(126, 4096) == 0 && event_in_page(126, 4096) == 127);
static_assert(event_page(127, 4096) == 1 && event_in_page(127, 4096) == 0);
static_assert(events_in_ring(5, 5, 127) == 0 && events_in_ring(3, 10, 127) == 7);
static_assert(events_in_ring(120, 2, 127) == 9);
/* A wrapped ring is read in two steps: to its end, then from 0. */
static_assert(contiguous_events(120, 2, 127, 4096) == 7 && contiguous_events(0, 2, 127, 4096) == 2);
/* A copy stops at the page boundary: events 126 and 127 lie in pages 0 and 1. */
static_assert(contiguous_events(125, 200, 383, 4096) == 2);

} // namespace kaio
