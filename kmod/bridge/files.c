// SPDX-License-Identifier: GPL-2.0
/* The file references requests hold (fget()/fput()). */
#include <linux/file.h>
#include <linux/err.h>
#include <kaio/bridge.h>

struct file *kaio_fget(int fd)
{
	struct file *file = fget(fd);

	return file ? file : ERR_PTR(-EBADF);
}

void kaio_fput(struct file *file)
{
	fput(file);
}
