// SPDX-License-Identifier: GPL-2.0
/*
 * Bounds checks that also hold under speculation (array_index_nospec()):
 * an index a user chose, once checked against @size, is clamped so that a
 * mispredicted branch cannot read past the array either.
 */
#pragma once

#include <kx/bridge.h>
#include <kx/types.h>

namespace kx {

/* @index if it is below @size, else 0; call after the architectural check. */
[[nodiscard]] inline usize index_nospec(usize index, usize size)
{
	return kx_array_index_nospec(index, size);
}

} // namespace kx
