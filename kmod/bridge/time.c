// SPDX-License-Identifier: GPL-2.0
/* Timeouts for io_getevents() and io_pgetevents(). */
#include <linux/time.h>
#include <linux/ktime.h>
#include <kaio/bridge.h>

/* get_timespec64() of a struct __kernel_timespec, as a relative ktime. */
int kaio_get_timeout(unsigned long long uts, long long *ktime)
{
	struct timespec64 ts;

	if (get_timespec64(&ts, u64_to_user_ptr(uts)))
		return -EFAULT;
	*ktime = timespec64_to_ktime(ts);
	return 0;
}

/*
 * get_old_timespec32() of a struct kaio_timespec32 (what the 32-bit time
 * system calls read), as a relative ktime.  Those calls, and this helper,
 * exist only with CONFIG_COMPAT_32BIT_TIME; the core never calls it
 * otherwise.
 */
int kaio_get_timeout32(unsigned long long uts, long long *ktime)
{
#ifdef CONFIG_COMPAT_32BIT_TIME
	struct timespec64 ts;

	if (get_old_timespec32(&ts, u64_to_user_ptr(uts)))
		return -EFAULT;
	*ktime = timespec64_to_ktime(ts);
	return 0;
#else
	return -ENOTTY;
#endif
}
