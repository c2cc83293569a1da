// SPDX-License-Identifier: GPL-2.0
/* kx scheduling bridge: wait queues, RCU, deferred work. */
#include <linux/wait.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>
#include <linux/ktime.h>
#include <linux/sched/signal.h>
#include <linux/cpumask.h>
#include <kx/bridge.h>
#include <kx/consts.h>

static_assert(sizeof(struct wait_queue_head) == KX_SIZEOF_WAIT_QUEUE_HEAD);
static_assert(sizeof(struct rcu_work) == KX_SIZEOF_RCU_WORK);

/* init_waitqueue_head() with the caller's lockdep class. */
void kx_waitqueue_init(void *wq, const char *name, void *key)
{
	__init_waitqueue_head(wq, name, key);
}

void kx_wake_up(void *wq)
{
	wake_up((struct wait_queue_head *)wq);
}

void kx_wake_up_all(void *wq)
{
	wake_up_all((struct wait_queue_head *)wq);
}

int kx_waitqueue_active(void *wq)
{
	/* The caller's smp_mb() pairs with the waiter's set_current_state(). */
	return waitqueue_active((struct wait_queue_head *)wq);
}

/*
 * wait_event_interruptible_hrtimeout() on a condition evaluated by the
 * caller: 0 when @cond returned true, -ETIME on timeout, -ERESTARTSYS on a
 * signal.  @timeout is a relative ktime; KTIME_MAX waits without a timer.
 */
int kx_wait_event_interruptible(void *wq, int (*cond)(void *arg), void *arg, long long timeout)
{
	struct wait_queue_head *head = wq;

	return wait_event_interruptible_hrtimeout(*head, cond(arg), timeout);
}

/* A condition that may sleep (take a mutex) in a wait loop, knowingly. */
void kx_sched_annotate_sleep(void)
{
	sched_annotate_sleep();
}

int kx_signal_pending(void)
{
	return signal_pending(current);
}

unsigned int kx_num_possible_cpus(void)
{
	return num_possible_cpus();
}

void kx_rcu_read_lock(void)
{
	rcu_read_lock();
}

void kx_rcu_read_unlock(void)
{
	rcu_read_unlock();
}

void kx_synchronize_rcu(void)
{
	synchronize_rcu();
}

/*
 * A workqueue of the module's own: destroying it at module exit waits for
 * work functions still running module code after they dropped the last
 * reference that pinned the module.
 */
struct workqueue_struct *kx_workqueue_create(const char *name)
{
	return alloc_workqueue("%s", 0, 0, name);
}

void kx_workqueue_destroy(struct workqueue_struct *wq)
{
	destroy_workqueue(wq);
}

/* queue_rcu_work(): @fn runs on @wq in process context after a grace period. */
void kx_queue_rcu_work(struct workqueue_struct *wq, void *rwork,
		       void (*fn)(struct work_struct *work))
{
	INIT_RCU_WORK((struct rcu_work *)rwork, fn);
	queue_rcu_work(wq, rwork);
}

/* The rcu_work a work_struct handed to an rcu_work function belongs to. */
void *kx_rcu_work_of(struct work_struct *work)
{
	return to_rcu_work(work);
}

void kx_rcu_barrier(void)
{
	rcu_barrier();
}
