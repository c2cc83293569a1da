// SPDX-License-Identifier: GPL-2.0
/*
 * Fixed-width types and the placement forms of new/delete.  Freestanding:
 * built from compiler builtins, no library headers.
 */
#pragma once

#include <kx/bridge.h>

namespace kx {

using u8 = __UINT8_TYPE__;
using u16 = __UINT16_TYPE__;
using u32 = __UINT32_TYPE__;
using u64 = __UINT64_TYPE__;
using s8 = __INT8_TYPE__;
using s16 = __INT16_TYPE__;
using s32 = __INT32_TYPE__;
using s64 = __INT64_TYPE__;
using usize = __SIZE_TYPE__;
using isize = __PTRDIFF_TYPE__;
using uptr = __UINTPTR_TYPE__;
using nullptr_t = decltype(nullptr);

static_assert(sizeof(long) == 8 && sizeof(void *) == 8, "kaio builds for 64-bit kernels");

} // namespace kx

/*
 * Placement new constructs in storage the caller obtained (kx::make, slab
 * caches).  There is deliberately no global allocating operator new: every
 * allocation names its GFP context and is checked (see <kx/alloc.h>).
 */
inline void *operator new(kx::usize, void *where) noexcept
{
	return where;
}

inline void operator delete(void *, void *) noexcept
{
}

/*
 * The deallocation half of kx::make(): kfree().  Declared here, defined in
 * cxxrt/src/delete.cpp; virtual destructors reference the sized form.
 */
void operator delete(void *ptr, kx::usize size) noexcept;
void operator delete(void *ptr) noexcept;
