// SPDX-License-Identifier: GPL-2.0
/* kx speculation bridge: clamping user-chosen indices. */
#include <linux/nospec.h>
#include <kx/bridge.h>

unsigned long kx_array_index_nospec(unsigned long index, unsigned long size)
{
	return array_index_nospec(index, size);
}
