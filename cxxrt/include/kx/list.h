// SPDX-License-Identifier: GPL-2.0
/*
 * An intrusive, circular doubly linked list with the shape of the kernel's
 * list_head: the node lives in the element, nothing allocates, unlinking is
 * O(1).  Like CONFIG_DEBUG_LIST, every link and unlink checks its neighbours
 * and refuses (with a warning) to corrupt a list; unlinked nodes point to
 * themselves, so "am I on a list?" is a question a node can answer.
 *
 *	struct Req { kx::ListNode node; ... };
 *	kx::List<Req, &Req::node> active;
 *	active.push_back(req);
 *	for (Req &r : active) ...
 */
#pragma once

#include <kx/log.h>
#include <kx/utility.h>

namespace kx {

class ListNode : Pinned {
public:
	ListNode() : next_(this), prev_(this) {}
	~ListNode() { KX_WARN_ON(linked()); }

	[[nodiscard]] bool linked() const { return next_ != this; }

	/* list_del_init(): unlink; a no-op on an unlinked node. */
	void unlink()
	{
		if (!linked())
			return;
		if (KX_WARN_ON(next_->prev_ != this || prev_->next_ != this))
			return;
		next_->prev_ = prev_;
		prev_->next_ = next_;
		next_ = prev_ = this;
	}

private:
	template <typename T, ListNode T::*> friend class List;

	/* Link this (unlinked) node between @prev and @next. */
	bool insert_between(ListNode *prev, ListNode *next)
	{
		if (KX_WARN_ON(linked() || prev->next_ != next || next->prev_ != prev))
			return false;
		next_ = next;
		prev_ = prev;
		prev->next_ = this;
		next->prev_ = this;
		return true;
	}

	ListNode *next_;
	ListNode *prev_;
};

template <typename T, ListNode T::*Node>
class List : Pinned {
public:
	List() = default;
	~List() { KX_WARN_ON(!empty()); }

	[[nodiscard]] bool empty() const { return !head_.linked(); }

	bool push_back(T &elem) { return node(elem).insert_between(head_.prev_, &head_); }
	bool push_front(T &elem) { return node(elem).insert_between(&head_, head_.next_); }

	/* The element must be on this list (or on none). */
	static void remove(T &elem) { node(elem).unlink(); }

	[[nodiscard]] T *front() const { return empty() ? nullptr : elem(head_.next_); }
	[[nodiscard]] T *back() const { return empty() ? nullptr : elem(head_.prev_); }

	/* Unlink and return the first element, or nullptr. */
	[[nodiscard]] T *pop_front()
	{
		T *first = front();
		if (first)
			remove(*first);
		return first;
	}

	/* Move every element of @other to the end of this list. */
	void splice_back(List &other)
	{
		while (T *e = other.pop_front())
			push_back(*e);
	}

	[[nodiscard]] usize count() const
	{
		usize n = 0;
		for (const ListNode *p = head_.next_; p != &head_; p = p->next_)
			n++;
		return n;
	}

	/* Iteration; the iterator reads the next link before yielding, so the
	 * current element may be removed (list_for_each_entry_safe). */
	class Iterator {
	public:
		Iterator(ListNode *pos) : pos_(pos), next_(pos->next_) {}
		T &operator*() const { return *elem(pos_); }
		Iterator &operator++()
		{
			pos_ = next_;
			next_ = pos_->next_;
			return *this;
		}
		bool operator!=(const Iterator &other) const { return pos_ != other.pos_; }

	private:
		ListNode *pos_;
		ListNode *next_;
	};

	Iterator begin() { return Iterator(head_.next_); }
	Iterator end() { return Iterator(&head_); }

private:
	static ListNode &node(T &elem) { return elem.*Node; }
	static T *elem(const ListNode *n) { return container_of(const_cast<ListNode *>(n), Node); }

	ListNode head_;
};

} // namespace kx
