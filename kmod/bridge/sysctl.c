// SPDX-License-Identifier: GPL-2.0
/*
 * kaio's system-wide context quota, as sysctls of its own:
 * /proc/sys/fs/kaio/aio-nr and aio-max-nr.  (fs/aio-nr and fs/aio-max-nr
 * belong to the built-in AIO.)  The core updates kaio_aio_nr under its lock.
 */
#include <linux/sysctl.h>
#include <kaio/bridge.h>
#include "sysctl.h"

unsigned long kaio_aio_nr;
unsigned long kaio_aio_max_nr = 0x10000;	/* the built-in default, 65536 */

static struct ctl_table kaio_sysctls[] = {
	{
		.procname = "aio-nr",
		.data = &kaio_aio_nr,
		.maxlen = sizeof(kaio_aio_nr),
		.mode = 0444,
		.proc_handler = proc_doulongvec_minmax,
	},
	{
		.procname = "aio-max-nr",
		.data = &kaio_aio_max_nr,
		.maxlen = sizeof(kaio_aio_max_nr),
		.mode = 0644,
		.proc_handler = proc_doulongvec_minmax,
	},
	{}
};

static struct ctl_table_header *kaio_sysctl_header;

int kaio_sysctl_init(void)
{
	kaio_sysctl_header = register_sysctl("fs/kaio", kaio_sysctls);
	return kaio_sysctl_header ? 0 : -ENOMEM;
}

void kaio_sysctl_exit(void)
{
	unregister_sysctl_table(kaio_sysctl_header);
}
