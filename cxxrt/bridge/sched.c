// SPDX-License-Identifier: GPL-2.0
/* kx scheduling bridge: wait queues, RCU, deferred work. */
#include <linux/wait.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>
#include <linux/ktime.h>
#include <linux/sched/signal.h>
#include <linux/cpumask.h>
#include <linux/task_work.h>
#include <linux/module.h>
#include <linux/err.h>
#include <kx/bridge.h>
#include <kx/consts.h>

static_assert(sizeof(struct wait_queue_head) == KX_SIZEOF_WAIT_QUEUE_HEAD);
/* kx::WaitQueue::active() reads the waiter list's next pointer inline. */
static_assert(offsetof(struct wait_queue_head, head) == KX_OFFSETOF_WAIT_QUEUE_HEAD_HEAD);
static_assert(offsetof(struct list_head, next) == 0);
static_assert(sizeof(struct rcu_work) == KX_SIZEOF_RCU_WORK);
static_assert(sizeof(struct work_struct) == KX_SIZEOF_WORK);

/*
 * A module built for a preemptible kernel relies on Tasks RCU to know that
 * no task is still inside its text (kx_module_text_barrier()).
 */
#if defined(CONFIG_PREEMPTION) && !defined(CONFIG_TASKS_RCU)
#error "a preemptible kernel without CONFIG_TASKS_RCU: kx_module_text_barrier() cannot work"
#endif

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

/*
 * wait_event_interruptible_hrtimeout() after its first test of @cond,
 * which the caller made (inline, in C++) and found false: queue, test
 * again, sleep.  0 when @cond returned true, -ETIME on timeout,
 * -ERESTARTSYS on a signal.  @timeout is a relative ktime; KTIME_MAX
 * waits without a timer.  The caller also did the might_sleep().
 */
int kx_wait_event_interruptible_unmet(void *wq, int (*cond)(void *arg), void *arg,
				      long long timeout)
{
	struct wait_queue_head *head = wq;

	return __wait_event_hrtimeout(*head, cond(arg), timeout, TASK_INTERRUPTIBLE);
}

/* might_sleep(): C++ calls it only where CONFIG_DEBUG_ATOMIC_SLEEP checks. */
void kx_might_sleep(void)
{
	might_sleep();
}

/* wait_event(): uninterruptibly, until @cond returns true. */
void kx_wait_event(void *wq, int (*cond)(void *arg), void *arg)
{
	struct wait_queue_head *head = wq;

	wait_event(*head, cond(arg));
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
 * reference that pinned the module.  Bound: the default limit of items
 * running at once, per CPU.  Unbound: the largest limit the kernel allows
 * (WQ_UNBOUND_MAX_ACTIVE), per NUMA node.
 */
struct workqueue_struct *kx_workqueue_create(const char *name, int unbound)
{
	struct workqueue_struct *wq;

	if (unbound)
		wq = alloc_workqueue("%s", WQ_UNBOUND, WQ_UNBOUND_MAX_ACTIVE, name);
	else
		wq = alloc_workqueue("%s", 0, 0, name);
	return wq ? wq : ERR_PTR(-ENOMEM);
}

void kx_workqueue_destroy(struct workqueue_struct *wq)
{
	destroy_workqueue(wq);
}

void kx_work_init(void *work, void (*fn)(struct work_struct *work))
{
	INIT_WORK((struct work_struct *)work, fn);
}

int kx_queue_work(struct workqueue_struct *wq, void *work)
{
	return queue_work(wq, work);
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

/*
 * Returns once no task can still be running module text it entered
 * without holding a module reference: the tail of a callback after the
 * call that dropped the last reference, or the return path of a completion
 * that freed the last object pinning the module.  Code running with
 * preemption, interrupts or bottom halves off is waited for by an RCU
 * grace period; a task preempted anywhere is waited for by Tasks RCU, whose
 * grace period ends only when every task has switched voluntarily (or run
 * in user space), which module code never does without a reference.
 */
void kx_module_text_barrier(void)
{
	synchronize_rcu();
	synchronize_rcu_tasks();
}

/* task_work_add() of a function of the module's, pinning the module meanwhile. */
struct kx_task_work {
	struct callback_head head;
	void (*fn)(void *work);
};

static_assert(sizeof(struct kx_task_work) == KX_SIZEOF_TASK_WORK);
static_assert(__alignof__(struct kx_task_work) == KX_ALIGNOF_TASK_WORK);

static void kx_task_work_run(struct callback_head *head)
{
	struct kx_task_work *work = container_of(head, struct kx_task_work, head);

	work->fn(work);		/* may free @work */
	/*
	 * The last module code this task runs for the work: the module may go
	 * as soon as the reference is dropped, and its exit waits in
	 * kx_module_text_barrier() until this task has left.
	 */
	module_put(THIS_MODULE);
}

/*
 * Queue @fn(@storage) on the current task, to run when it next returns to
 * user space or, if it is exiting, in exit_task_work().  0, or -ENODEV
 * while the module is unloading, or -ESRCH when the task is past running
 * task work.
 */
int kx_task_work_queue(void *storage, void (*fn)(void *work))
{
	struct kx_task_work *work = storage;
	int err;

	if (!try_module_get(THIS_MODULE))
		return -ENODEV;
	work->fn = fn;
	init_task_work(&work->head, kx_task_work_run);
	err = task_work_add(current, &work->head, TWA_RESUME);
	if (err)
		module_put(THIS_MODULE);
	return err;
}
