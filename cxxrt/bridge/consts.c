// SPDX-License-Identifier: GPL-2.0
/*
 * Constants the C++ runtime needs from the kernel it is built against,
 * emitted as DEFINE() markers and turned into <kx/consts.h> by Kbuild (the
 * asm-offsets.h technique).  Never linked into the module.
 */
#include <linux/kbuild.h>
#include <linux/errno.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/spinlock.h>
#include <linux/mutex.h>
#include <linux/lockdep_types.h>
#include <linux/kern_levels.h>
#include <linux/mm.h>
#include <linux/percpu-refcount.h>
#include <linux/refcount.h>
#include <linux/completion.h>
#include <linux/workqueue.h>
#include <linux/wait.h>
#include <linux/ktime.h>
#include <linux/task_work.h>
#include <linux/cache.h>

/* lockdep's key is an empty struct without CONFIG_LOCKDEP; C++ wants >= 1. */
#define SIZE_AT_LEAST_1(t) (sizeof(t) ? sizeof(t) : 1)

static void __used kx_consts(void)
{
	COMMENT("Sizes of kernel objects that C++ embeds as opaque storage");
	DEFINE(KX_SIZEOF_SPINLOCK, sizeof(spinlock_t));
	DEFINE(KX_ALIGNOF_SPINLOCK, __alignof__(spinlock_t));
	DEFINE(KX_SIZEOF_MUTEX, sizeof(struct mutex));
	DEFINE(KX_ALIGNOF_MUTEX, __alignof__(struct mutex));
	DEFINE(KX_SIZEOF_LOCK_CLASS_KEY, SIZE_AT_LEAST_1(struct lock_class_key));
	DEFINE(KX_ALIGNOF_LOCK_CLASS_KEY, __alignof__(struct lock_class_key));
	DEFINE(KX_SIZEOF_PERCPU_REF, sizeof(struct percpu_ref));
	DEFINE(KX_ALIGNOF_PERCPU_REF, __alignof__(struct percpu_ref));
	DEFINE(KX_SIZEOF_REFCOUNT, sizeof(refcount_t));
	DEFINE(KX_SIZEOF_COMPLETION, sizeof(struct completion));
	DEFINE(KX_ALIGNOF_COMPLETION, __alignof__(struct completion));
	DEFINE(KX_SIZEOF_WORK, sizeof(struct work_struct));
	DEFINE(KX_ALIGNOF_WORK, __alignof__(struct work_struct));
	DEFINE(KX_SIZEOF_RCU_WORK, sizeof(struct rcu_work));
	DEFINE(KX_ALIGNOF_RCU_WORK, __alignof__(struct rcu_work));
	DEFINE(KX_SIZEOF_WAIT_QUEUE_HEAD, sizeof(struct wait_queue_head));
	DEFINE(KX_ALIGNOF_WAIT_QUEUE_HEAD, __alignof__(struct wait_queue_head));
	COMMENT("Where its list of waiters starts (a list_head: next first)");
	DEFINE(KX_OFFSETOF_WAIT_QUEUE_HEAD_HEAD, offsetof(struct wait_queue_head, head));
	COMMENT("struct kx_task_work (cxxrt/bridge/sched.c): a callback_head and a function");
	DEFINE(KX_SIZEOF_TASK_WORK, sizeof(struct callback_head) + sizeof(void (*)(void *)));
	DEFINE(KX_ALIGNOF_TASK_WORK, __alignof__(struct callback_head));
	BLANK();

	COMMENT("Allocation flags");
	DEFINE(KX_GFP_KERNEL, (__force unsigned int)GFP_KERNEL);
	DEFINE(KX_GFP_ATOMIC, (__force unsigned int)GFP_ATOMIC);
	DEFINE(KX_GFP_NOWAIT, (__force unsigned int)GFP_NOWAIT);
	DEFINE(KX_GFP_KERNEL_ACCOUNT, (__force unsigned int)GFP_KERNEL_ACCOUNT);
	DEFINE(KX_GFP_ZERO, (__force unsigned int)__GFP_ZERO);
	DEFINE(KX_GFP_NOWARN, (__force unsigned int)__GFP_NOWARN);
	DEFINE(KX_KMALLOC_MAX_SIZE, KMALLOC_MAX_SIZE);
	DEFINE(KX_PAGE_SIZE, PAGE_SIZE);
	COMMENT("Every page has a permanent kernel address (no highmem)");
	DEFINE(KX_PAGES_DIRECTLY_MAPPED, !IS_ENABLED(CONFIG_HIGHMEM));
	DEFINE(KX_CACHELINE_BYTES, SMP_CACHE_BYTES);
	DEFINE(KX_PAGE_SHIFT, PAGE_SHIFT);
	DEFINE(KX_KTIME_MAX, KTIME_MAX);
	COMMENT("Debug checks whose bridge calls are left out where they do nothing");
	DEFINE(KX_LOCKDEP, IS_ENABLED(CONFIG_LOCKDEP));
	DEFINE(KX_DEBUG_ATOMIC_SLEEP, IS_ENABLED(CONFIG_DEBUG_ATOMIC_SLEEP));
	BLANK();

	COMMENT("Log levels (the digit of KERN_*)");
	DEFINE(KX_LOGLEVEL_ERR, LOGLEVEL_ERR);
	DEFINE(KX_LOGLEVEL_WARNING, LOGLEVEL_WARNING);
	DEFINE(KX_LOGLEVEL_INFO, LOGLEVEL_INFO);
	DEFINE(KX_LOGLEVEL_DEBUG, LOGLEVEL_DEBUG);
	BLANK();

	COMMENT("errno values");
	DEFINE(KX_MAX_ERRNO, MAX_ERRNO);
	DEFINE(KX_EPERM, EPERM);
	DEFINE(KX_ENOENT, ENOENT);
	DEFINE(KX_EINTR, EINTR);
	DEFINE(KX_EIO, EIO);
	DEFINE(KX_EBADF, EBADF);
	DEFINE(KX_EAGAIN, EAGAIN);
	DEFINE(KX_ENOMEM, ENOMEM);
	DEFINE(KX_EACCES, EACCES);
	DEFINE(KX_EFAULT, EFAULT);
	DEFINE(KX_EBUSY, EBUSY);
	DEFINE(KX_EEXIST, EEXIST);
	DEFINE(KX_ENODEV, ENODEV);
	DEFINE(KX_EINVAL, EINVAL);
	DEFINE(KX_ENOSPC, ENOSPC);
	DEFINE(KX_ENOTTY, ENOTTY);
	DEFINE(KX_ERANGE, ERANGE);
	DEFINE(KX_EOVERFLOW, EOVERFLOW);
	DEFINE(KX_EOPNOTSUPP, EOPNOTSUPP);
	DEFINE(KX_ECANCELED, ECANCELED);
	DEFINE(KX_EINPROGRESS, EINPROGRESS);
	DEFINE(KX_ETIME, ETIME);
	DEFINE(KX_ERESTARTSYS, ERESTARTSYS);
	DEFINE(KX_ERESTARTNOINTR, ERESTARTNOINTR);
	DEFINE(KX_ERESTARTNOHAND, ERESTARTNOHAND);
	DEFINE(KX_EIOCBQUEUED, EIOCBQUEUED);
}
