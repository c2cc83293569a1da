// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/kaio: a misc device whose file operations land in the C++ core
 * (->unlocked_ioctl directly; open, release and the compat ioctl, which
 * widens its pointer, through small trampolines).  Mode 0666, as the AIO
 * system calls are open to every user.
 */
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/compat.h>
#include <linux/module.h>
#include <linux/kaio.h>
#include <kaio/bridge.h>
#include "miscdev.h"

static int kaio_fop_open(struct inode *inode, struct file *file)
{
	return kaio_core_open(file);
}

static int kaio_fop_release(struct inode *inode, struct file *file)
{
	return kaio_core_release(file);
}

#ifdef CONFIG_COMPAT
static long kaio_fop_compat_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	return kaio_core_compat_ioctl(file, cmd, (unsigned long)compat_ptr(arg));
}
#endif

static const struct file_operations kaio_fops = {
	.owner = THIS_MODULE,
	.open = kaio_fop_open,
	.release = kaio_fop_release,
	.unlocked_ioctl = kaio_core_unlocked_ioctl,
#ifdef CONFIG_COMPAT
	.compat_ioctl = kaio_fop_compat_ioctl,
#endif
	.llseek = noop_llseek,
};

static struct miscdevice kaio_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = KAIO_DEVICE_NAME,
	.fops = &kaio_fops,
	.mode = 0666,
};

int kaio_miscdev_register(void)
{
	return misc_register(&kaio_miscdev);
}

void kaio_miscdev_deregister(void)
{
	misc_deregister(&kaio_miscdev);
}
