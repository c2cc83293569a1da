// SPDX-License-Identifier: GPL-2.0
/* kaio module entry: bring up the C++ core, then the device; reverse on exit. */
#include <linux/module.h>
#include <linux/init.h>
#include <kaio/bridge.h>
#include "miscdev.h"
#include "sysctl.h"

static int __init kaio_init(void)
{
	int err;

	err = kaio_sysctl_init();
	if (err)
		return err;
	err = kaio_core_init();
	if (err)
		goto sysctl;
	kaio_debugfs_init();
	err = kaio_miscdev_register();
	if (err)
		goto core;
	return 0;

core:
	kaio_debugfs_exit();
	kaio_core_exit();
sysctl:
	kaio_sysctl_exit();
	return err;
}

static void __exit kaio_exit(void)
{
	kaio_miscdev_deregister();
	kaio_debugfs_exit();
	kaio_core_exit();
	kaio_sysctl_exit();
}

module_init(kaio_init);
module_exit(kaio_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Linux native AIO served through /dev/kaio, in freestanding C++");
MODULE_AUTHOR("The kaio developers");
