// SPDX-License-Identifier: GPL-2.0
/*
 * io_pgetevents()'s temporary signal mask: set_user_sigmask() and
 * restore_saved_sigmask_unless(), which 6.1 does not export, rebuilt on
 * sigprocmask() and the exported restore-sigmask helpers.
 */
#include <linux/signal.h>
#include <linux/sched/signal.h>
#include <linux/compat.h>
#include <linux/uaccess.h>
#include <kaio/bridge.h>

/* Install *@umask (@size bytes) until the return to userspace; 0 or -errno. */
int kaio_sigmask_set(unsigned long long umask, unsigned long size, int compat)
{
	sigset_t kmask;
	int fault;

	if (!umask)
		return 0;
	if (size != sizeof(sigset_t))
		return -EINVAL;
	if (IS_ENABLED(CONFIG_COMPAT) && compat)
		fault = get_compat_sigset(&kmask, u64_to_user_ptr(umask));
	else
		fault = copy_from_user(&kmask, u64_to_user_ptr(umask), sizeof(kmask)) ? -EFAULT : 0;
	if (fault)
		return -EFAULT;

	sigdelsetmask(&kmask, sigmask(SIGKILL) | sigmask(SIGSTOP));
	set_restore_sigmask();
	current->saved_sigmask = current->blocked;
	sigprocmask(SIG_SETMASK, &kmask, NULL);
	return 0;
}

/*
 * Put the old mask back now, unless a signal is about to be delivered: then
 * the temporary mask stays in force for the handler and the signal code
 * restores it (as pselect and ppoll do).
 */
void kaio_sigmask_restore_unless(int interrupted)
{
	if (interrupted)
		return;
	if (test_and_clear_restore_sigmask())
		sigprocmask(SIG_SETMASK, &current->saved_sigmask, NULL);
}
