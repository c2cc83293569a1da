// SPDX-License-Identifier: GPL-2.0
/* kx page bridge: short-lived kernel mappings of a page. */
#include <linux/highmem.h>
#include <kx/bridge.h>

void *kx_page_map(struct page *page)
{
	return kmap_local_page(page);
}

void kx_page_unmap(void *addr)
{
	kunmap_local(addr);
}

void *kx_page_address(struct page *page)
{
	return page_address(page);
}
