// SPDX-License-Identifier: GPL-2.0
/*
 * The address space a context belongs to.
 *
 * The built-in AIO hooks exit_aio() into __mmput(); a module cannot, so it
 * registers an mmu_notifier per mm whose ->release runs at the same point
 * (exit_mmap(), on exit and on exec, before the mappings go).  The core
 * allocates its per-mm state around the notifier.  ->release runs inside
 * the SRCU read section that every notifier of every mm shares: see the top
 * of kmod/core/mm.cpp for why the core never sleeps there.
 */
#include <linux/mmu_notifier.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/signal.h>
#include <kaio/bridge.h>

static void kaio_mm_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	kaio_core_mm_release(mn, mm);
}

static struct mmu_notifier *kaio_mm_alloc(struct mm_struct *mm)
{
	return kaio_core_mm_alloc(mm);
}

static void kaio_mm_free(struct mmu_notifier *mn)
{
	kaio_core_mm_free(mn);
}

static const struct mmu_notifier_ops kaio_mm_ops = {
	.release = kaio_mm_release,
	.alloc_notifier = kaio_mm_alloc,
	.free_notifier = kaio_mm_free,
};

/*
 * The notifier of the current mm, made on first use, or an error pointer.
 *
 * Registering takes every lock of the address space (mm_take_all_locks(),
 * O(mappings)), and gives up with -EINTR whenever a signal is pending.
 * Native io_setup() has no such failure.  So signals are blocked meanwhile
 * (all but SIGKILL and SIGSTOP; one that arrives stays pending and is
 * delivered when the call returns), or a steady stream of them could keep
 * the registration from ever finishing.  What blocking cannot hold off
 * (SIGSTOP, task work that io_uring signals) makes the call start over once
 * it has been dealt with, as nothing was done yet; if the cause went away
 * meanwhile (a stop undone by SIGCONT, a freezer pass over), nothing would
 * restart the call, so it tries again at once.  Only a fatal signal ends
 * it, with EINTR, which the dying task never sees.
 */
struct mmu_notifier *kaio_mm_notifier_get(void)
{
	struct mmu_notifier *mn;
	sigset_t all, saved;

	siginitsetinv(&all, sigmask(SIGKILL) | sigmask(SIGSTOP));
	for (;;) {
		sigprocmask(SIG_SETMASK, &all, &saved);
		mn = mmu_notifier_get(&kaio_mm_ops, current->mm);
		sigprocmask(SIG_SETMASK, &saved, NULL);

		if (mn != ERR_PTR(-EINTR) || fatal_signal_pending(current))
			return mn;
		if (signal_pending(current))
			return ERR_PTR(-ERESTARTNOINTR);
	}
}

void kaio_mm_notifier_put(struct mmu_notifier *mn)
{
	mmu_notifier_put(mn);
}

/*
 * Is ->release of @mm running in a task that may wait for the mm's I/O:
 * an exiting task that has let go of its address space (the last thread of
 * a process in exit_mm(), or later in its exit, e.g. when closing a vhost
 * device drops the last reference), or a task replacing @mm in exec?
 * Otherwise it is another process's mmput() (a reader of /proc/PID/cmdline)
 * or a kernel thread's, which must not be made to wait.  (An exiting task
 * that drops the last reference to another process's mm waits for that
 * I/O in its own exit: rare, and it holds nothing meanwhile.)
 */
int kaio_mm_release_is_own(struct mm_struct *mm)
{
	if (current->flags & PF_KTHREAD)
		return 0;
	if (current->flags & PF_EXITING)
		return !current->mm;
	return current->in_execve && current->mm != mm;
}
