// SPDX-License-Identifier: GPL-2.0
/* KUnit: kx::List, the intrusive list. */
#include <kx/list.h>
#include "kunit_bridge.h"

using namespace kx;

namespace {

struct Item {
	explicit Item(int v) : value(v) {}
	int value;
	ListNode node;
};

using ItemList = List<Item, &Item::node>;

/* The list's values in order, as decimal digits: 1,2,3 -> 123. */
long digits(ItemList &list)
{
	long out = 0;
	for (Item &it : list)
		out = out * 10 + it.value;
	return out;
}

} // namespace

KX_TEST(kx_test_list_push_and_iterate)
{
	Item a(1), b(2), c(3), d(4);
	ItemList list;
	KX_EXPECT(test, list.empty());
	KX_EXPECT(test, list.front() == nullptr);

	KX_EXPECT(test, list.push_back(b));
	KX_EXPECT(test, list.push_back(c));
	KX_EXPECT(test, list.push_front(a));
	KX_EXPECT(test, list.push_back(d));
	KX_EXPECT_EQ(test, digits(list), 1234L);
	KX_EXPECT_EQ(test, list.count(), 4UL);
	KX_EXPECT(test, list.front() == &a && list.back() == &d);
	KX_EXPECT(test, b.node.linked());

	ItemList::remove(b);
	KX_EXPECT(test, !b.node.linked());
	KX_EXPECT_EQ(test, digits(list), 134L);
	ItemList::remove(b);	/* unlinking twice is harmless */
	KX_EXPECT_EQ(test, digits(list), 134L);

	while (list.pop_front())
		;
	KX_EXPECT(test, list.empty());
	KX_EXPECT(test, !a.node.linked() && !c.node.linked() && !d.node.linked());
}

KX_TEST(kx_test_list_remove_while_iterating)
{
	Item items[6] = {Item(1), Item(2), Item(3), Item(4), Item(5), Item(6)};
	ItemList list;
	for (Item &it : items)
		list.push_back(it);
	for (Item &it : list)
		if (it.value % 2 == 0)
			ItemList::remove(it);
	KX_EXPECT_EQ(test, digits(list), 135L);
	for (Item &it : list)
		ItemList::remove(it);
	KX_EXPECT(test, list.empty());
}

KX_TEST(kx_test_list_splice)
{
	Item a(1), b(2), c(3), d(4);
	ItemList first, second;
	first.push_back(a);
	first.push_back(b);
	second.push_back(c);
	second.push_back(d);
	first.splice_back(second);
	KX_EXPECT(test, second.empty());
	KX_EXPECT_EQ(test, digits(first), 1234L);
	while (first.pop_front())
		;
}
