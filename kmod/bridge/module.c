// SPDX-License-Identifier: GPL-2.0
/* kaio module entry: bring up the C++ core, then the device; reverse on exit. */
#include <linux/module.h>
#include <linux/init.h>
#include <kaio/bridge.h>
#include "miscdev.h"

static int __init kaio_init(void)
{
	int err;

	err = kaio_core_init();
	if (err)
		return err;
	err = kaio_miscdev_register();
	if (err) {
		kaio_core_exit();
		return err;
	}
	return 0;
}

static void __exit kaio_exit(void)
{
	kaio_miscdev_deregister();
	kaio_core_exit();
}

module_init(kaio_init);
module_exit(kaio_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Linux native AIO served through /dev/kaio, in freestanding C++");
MODULE_AUTHOR("The kaio developers");
