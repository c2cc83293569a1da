// SPDX-License-Identifier: GPL-2.0
/*
 * The per-mm states, found by mm: an rhashtable keyed by the mm pointer,
 * so that finding the caller's state costs the same whether ten or a
 * hundred thousand processes ever used kaio (each keeps its state until it
 * exits).  Lookups run under RCU.  Insertion and removal say whether they
 * took effect, which tells the core who holds the state's reference.
 */
#include <linux/rhashtable.h>
#include <linux/sched.h>
#include <kaio/bridge.h>
#include "mmhash.h"

static const struct rhashtable_params kaio_mm_params = {
	.key_len = sizeof(struct mm_struct *),
	.key_offset = offsetof(struct kaio_mm_node, mm),
	.head_offset = offsetof(struct kaio_mm_node, link),
	.automatic_shrinking = true,
};

static struct rhashtable kaio_mm_table;

int kaio_mm_hash_init(void)
{
	return rhashtable_init(&kaio_mm_table, &kaio_mm_params);
}

/* Module exit, once the table is empty. */
void kaio_mm_hash_destroy(void)
{
	rhashtable_destroy(&kaio_mm_table);
}

/* A node for @mm, before it is inserted. */
void kaio_mm_hash_init_node(void *node, struct mm_struct *mm)
{
	struct kaio_mm_node *n = node;

	n->mm = mm;
}

/*
 * NULL once @node is in the table; the node already there for its mm if
 * there is one; or an error pointer (-ENOMEM; -E2BIG or -EBUSY while the
 * table cannot grow).
 */
void *kaio_mm_hash_insert(void *node)
{
	struct kaio_mm_node *n = node;

	return rhashtable_lookup_get_insert_fast(&kaio_mm_table, &n->link, kaio_mm_params);
}

/* 0 if this call took @node out of the table, -ENOENT if it was not in it. */
int kaio_mm_hash_remove(void *node)
{
	struct kaio_mm_node *n = node;

	return rhashtable_remove_fast(&kaio_mm_table, &n->link, kaio_mm_params);
}

/* The node of @mm, or NULL; under rcu_read_lock(). */
void *kaio_mm_hash_lookup(struct mm_struct *mm)
{
	return rhashtable_lookup(&kaio_mm_table, &mm, kaio_mm_params);
}

/* The node of the caller's mm, or NULL; one call on every io_* lookup. */
void *kaio_mm_hash_lookup_current(void)
{
	struct mm_struct *mm = current->mm;

	return rhashtable_lookup(&kaio_mm_table, &mm, kaio_mm_params);
}

/*
 * Module exit: call @fn on every node until the table is empty; @fn removes
 * the node (or finds that a concurrent mm exit just did).
 */
void kaio_mm_hash_drain(void (*fn)(void *node))
{
	struct rhashtable_iter iter;
	void *node;

	while (atomic_read(&kaio_mm_table.nelems)) {
		rhashtable_walk_enter(&kaio_mm_table, &iter);
		rhashtable_walk_start(&iter);
		while ((node = rhashtable_walk_next(&iter))) {
			if (IS_ERR(node))
				continue;	/* -EAGAIN: a resize; the walk goes on */
			fn(node);
		}
		rhashtable_walk_stop(&iter);
		rhashtable_walk_exit(&iter);
	}
}
