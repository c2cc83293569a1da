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

/* The worked examples of the reference (2 possible CPUs, 4 KiB pages). */
static_assert(scaled_events(1, 2) == 16);
static_assert(ring_geometry(16, 4096).pages == 1 && ring_geometry(16, 4096).nr == 127);
static_assert(req_batch(127, 2) == 15);
static_assert(scaled_events(128, 2) == 256);
static_assert(ring_geometry(256, 4096).pages == 3 && ring_geometry(256, 4096).nr == 383);
static_assert(scaled_events(0x80000000U, 2) == 0);
static_assert(scaled_events(4194304, 2) == kMaxScaledEvents);

} // namespace kaio
