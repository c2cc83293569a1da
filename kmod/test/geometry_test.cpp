// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: io_setup()'s sizing (kmod/core/geometry.h) against fs/aio.c's
 * arithmetic, for this machine's CPU count and a spread of sizes.
 */
#include <kx/bridge.h>
#include <kx/consts.h>
#include "../core/geometry.h"
#include "../../cxxrt/test/kunit_bridge.h"

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
