// SPDX-License-Identifier: GPL-2.0
/*
 * Pages mapped into the kernel for a scope (kmap_local_page()).
 *
 * A page is reached only through a PageMapping, whose destructor unmaps
 * it, so no map can lose its unmap on an early return:
 *
 *	kx::PageMapping ring(pages[0]);
 *	ring.as<Header>()->tail = tail;
 *
 * or, for one expression, kx::with_page_mapped(page, [&](void *addr) {...}).
 * Local mappings nest and are released in reverse order, which scopes give
 * for free; the mapping is valid in this task (or interrupt) only.
 */
#pragma once

#include <kx/bridge.h>
#include <kx/types.h>
#include <kx/utility.h>

namespace kx {

class PageMapping : Pinned {
public:
	[[nodiscard]] explicit PageMapping(struct page *page) : addr_(kx_page_map(page)) {}
	~PageMapping() { kx_page_unmap(addr_); }

	[[nodiscard]] void *addr() const { return addr_; }

	/* The page as an array of T: element @index of it. */
	template <typename T>
	[[nodiscard]] T *as(usize index = 0) const
	{
		return static_cast<T *>(addr_) + index;
	}

private:
	void *addr_;
};

/* Run @fn on @page's kernel address; the page is unmapped when it returns. */
template <typename Fn>
decltype(auto) with_page_mapped(struct page *page, Fn &&fn)
{
	PageMapping mapped(page);
	return fn(mapped.addr());
}

} // namespace kx
