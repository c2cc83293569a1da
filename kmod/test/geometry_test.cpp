// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: io_setup()'s sizing (kmod/core/geometry.h) against fs/aio.c's
 * arithmetic, for this machine's CPU count and a spread of sizes.
 */
#include <kx/bridge.h>
#include <kx/consts.h>
#include "../core/geometry.h"
#include "../../cxxrt/test/kunit_bridge.h"
#include "cases.h"

using namespace kaio;

KX_TEST(kaio_test_geometry_sizes)
{
	const unsigned int cpus = kx_num_possible_cpus();
	static const unsigned int asked[] = {1, 2, 7, 8, 63, 64, 126, 127, 128, 255, 256, 1000,
					     4096, 65536, 1048576};
	for (unsigned int n : asked) {
		const unsigned int scaled = scaled_events(n, cpus);
		const unsigned int want_scaled = (n > cpus * 4 ? n : cpus * 4) * 2;
		KX_EXPECT_EQ(test, scaled, want_scaled);

		const RingGeometry g = ring_geometry(scaled, KX_PAGE_SIZE);
		/* Enough pages for the header and scaled + 2 events, and no more. */
		KX_EXPECT(test, g.pages * KX_PAGE_SIZE >= 32UL * (scaled + 3));
		KX_EXPECT(test, (g.pages - 1) * KX_PAGE_SIZE < 32UL * (scaled + 3));
		/* ring->nr fills the pages exactly. */
		KX_EXPECT_EQ(test, 32UL * (g.nr + 1), g.pages * KX_PAGE_SIZE);
		/* At least what was asked for is usable. */
		KX_EXPECT(test, g.nr - 1 >= n);

		const unsigned int batch = req_batch(g.nr, cpus);
		KX_EXPECT(test, batch >= 1);
		KX_EXPECT(test, batch * cpus * 4 <= g.nr - 1 || batch == 1);
	}
}

KX_TEST(kaio_test_geometry_limits)
{
	const unsigned int cpus = kx_num_possible_cpus();
	/* The doubling wraps to 0 at 2^31: io_setup() says EAGAIN. */
	KX_EXPECT_EQ(test, scaled_events(0x80000000U, cpus), 0U);
	/* 2^22 doubles to exactly the largest ring allowed; one more is too many. */
	KX_EXPECT_EQ(test, scaled_events(4194304, cpus), kMaxScaledEvents);
	KX_EXPECT(test, scaled_events(4194305, cpus) > kMaxScaledEvents);
	/* (unsigned)-1 doubles to 0xfffffffe: EINVAL, not EAGAIN. */
	KX_EXPECT(test, scaled_events(0xffffffffU, cpus) > kMaxScaledEvents);
}

/* The ring's index arithmetic against a walk over every event of a ring. */
KX_TEST(kaio_test_geometry_indices)
{
	const RingGeometry g = ring_geometry(scaled_events(1000, kx_num_possible_cpus()), KX_PAGE_SIZE);
	for (unsigned int i = 0; i < g.nr; i++) {
		const unsigned long byte = 32UL * (i + 1);
		KX_EXPECT_EQ(test, event_page(i, KX_PAGE_SIZE), byte / KX_PAGE_SIZE);
		KX_EXPECT_EQ(test, event_in_page(i, KX_PAGE_SIZE), (byte % KX_PAGE_SIZE) / 32);
	}
	for (unsigned int head = 0; head < g.nr; head += 37) {
		for (unsigned int tail = 0; tail < g.nr; tail += 41) {
			/* Stepping head to tail one event at a time counts the same. */
			unsigned int steps = 0;
			for (unsigned int h = head; h != tail; h = (h + 1) % g.nr)
				steps++;
			KX_EXPECT_EQ(test, events_in_ring(head, tail, g.nr), steps);
			/* A contiguous run never crosses a page or the ring's end. */
			const unsigned int run = contiguous_events(head, tail, g.nr, KX_PAGE_SIZE);
			KX_EXPECT(test, run <= steps);
			KX_EXPECT(test, head + run <= g.nr);
			if (run)
				KX_EXPECT_EQ(test, event_page(head + run - 1, KX_PAGE_SIZE),
					     event_page(head, KX_PAGE_SIZE));
			KX_EXPECT(test, run > 0 || head == tail);
		}
	}
}
