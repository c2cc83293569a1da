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
#if defined(__x86_64__)
	/*
	 * No branch to mispredict: the compare's borrow (index < size) becomes
	 * an all-ones mask, or zero.  The asm keeps the compiler from turning
	 * it back into a branch; arch/x86's array_index_mask_nospec() does
	 * the same, and this saves a bridge call on every context lookup.
	 */
	usize mask;
	asm volatile("cmp %1, %2\n\tsbb %0, %0" : "=r"(mask) : "re"(size), "r"(index) : "cc");
	return index & mask;
#else
	return kx_array_index_nospec(index, size);
#endif
}

} // namespace kx
