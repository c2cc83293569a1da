// SPDX-License-Identifier: GPL-2.0
/*
 * IOCB_CMD_POLL's contact with the kernel's poll machinery: a request's
 * wait queue entry, the one wait queue a file may put it on, the locking of
 * that queue against its early free (POLLFREE), and the conversions between
 * the user's event mask and __poll_t.  The logic (when to complete, cancel,
 * defer) is the core's (kmod/core/poll.cpp).
 *
 * @entry points at KAIO_GEN_SIZEOF_WAIT_ENTRY bytes of the request;
 * @head_slot at the request's pointer to the queue it is on, which is
 * NULL before the file queued it and after a POLLFREE detached it.
 */
#include <linux/poll.h>
#include <linux/wait.h>
#include <linux/rcupdate.h>
#include <kaio/bridge.h>
#include <kaio/consts.h>

static_assert(sizeof(struct wait_queue_entry) == KAIO_GEN_SIZEOF_WAIT_ENTRY);

static int kaio_poll_wake(struct wait_queue_entry *wait, unsigned int mode, int sync, void *key)
{
	return kaio_core_poll_wake(wait, (__force unsigned int)key_to_poll(key));
}

/*
 * The file's poll_wait(): the first queue takes the entry, a second is an
 * error.  kaio_poll_start() returns that error: -EINVAL if the file queued
 * the entry on no queue or on more than one.
 */
struct kaio_poll_table {
	struct poll_table_struct pt;
	void *entry;
	struct wait_queue_head **head_slot;
	bool queued;
	int error;
};

static void kaio_poll_queue(struct file *file, struct wait_queue_head *head,
			    struct poll_table_struct *p)
{
	struct kaio_poll_table *t = container_of(p, struct kaio_poll_table, pt);

	if (t->queued) {
		t->error = -EINVAL;	/* more than one wait queue */
		return;
	}
	t->queued = true;
	t->error = 0;
	/* Stored before the entry is reachable from the queue's wake-ups. */
	WRITE_ONCE(*t->head_slot, head);
	add_wait_queue(head, t->entry);
}

int kaio_poll_start(struct file *file, unsigned int user_events, void *entry,
		    struct wait_queue_head **head_slot, unsigned int *events, unsigned int *mask,
		    unsigned int *res, int *queued)
{
	struct wait_queue_entry *wait = entry;
	struct kaio_poll_table t = {
		.entry = entry,
		.head_slot = head_slot,
		.queued = false,
		/* A file that never queues the entry cannot wake it: as no poll support. */
		.error = -EINVAL,
	};
	__poll_t want = demangle_poll((u16)user_events) | EPOLLERR | EPOLLHUP;
	__poll_t ready;

	/* Before the entry is queued: wake-ups filter on it (under the queue's lock). */
	*events = (__force unsigned int)want;
	/* An empty list head: "on no queue" can be asked before queueing. */
	INIT_LIST_HEAD(&wait->entry);
	init_waitqueue_func_entry(wait, kaio_poll_wake);

	init_poll_funcptr(&t.pt, kaio_poll_queue);
	t.pt._key = want;
	ready = vfs_poll(file, &t.pt) & want;
	*mask = (__force unsigned int)ready;
	*res = mangle_poll(ready);
	*queued = t.queued;
	return t.error;
}

/* The file's readiness now, without queueing anything. */
unsigned int kaio_poll_check(struct file *file, unsigned int events)
{
	struct poll_table_struct pt = { ._key = (__force __poll_t)events };

	return (__force unsigned int)vfs_poll(file, &pt);
}

/*
 * Lock the queue the entry is on, unless a POLLFREE took it off (the
 * queue may be gone then).  Those who free a queue with pending polls
 * (wake_up_pollfree()) defer the free by RCU, so under rcu_read_lock() a
 * non-NULL head can be locked; once locked, the entry is on it or it is
 * not.  1: the queue is locked, the entry on it, and RCU held until
 * kaio_poll_unlock_queue().
 */
int kaio_poll_lock_queue(void *entry, struct wait_queue_head **head_slot)
{
	struct wait_queue_entry *wait = entry;
	struct wait_queue_head *head;

	rcu_read_lock();
	/* Pairs with the release in kaio_poll_detach(). */
	head = smp_load_acquire(head_slot);
	if (head) {
		spin_lock(&head->lock);
		if (!list_empty(&wait->entry))
			return 1;
		spin_unlock(&head->lock);
	}
	rcu_read_unlock();
	return 0;
}

void kaio_poll_unlock_queue(struct wait_queue_head **head_slot)
{
	spin_unlock(&(*head_slot)->lock);
	rcu_read_unlock();
}

/* Under the queue's lock: off the queue. */
void kaio_poll_dequeue(void *entry)
{
	struct wait_queue_entry *wait = entry;

	list_del_init(&wait->entry);
}

/*
 * In the wake-up of a queue being freed (under its lock): off the queue,
 * and the request forgets it.  Last, with release order: from then on the
 * request may be completed and freed by whoever sees the NULL.
 */
void kaio_poll_detach(void *entry, struct wait_queue_head **head_slot)
{
	struct wait_queue_entry *wait = entry;

	list_del_init(&wait->entry);
	/* After the unlink: pairs with the acquire in kaio_poll_lock_queue(). */
	smp_store_release(head_slot, NULL);
}

unsigned int kaio_poll_mangle(unsigned int mask)
{
	return mangle_poll((__force __poll_t)mask);
}
