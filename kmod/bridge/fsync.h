/* SPDX-License-Identifier: GPL-2.0 */
/* An fsync request's state, kept in a core request's operation storage. */
#ifndef KAIO_FSYNC_H
#define KAIO_FSYNC_H

#include <linux/workqueue.h>

struct file;
struct cred;

struct kaio_fsync {
	struct work_struct work;
	struct file *file;
	const struct cred *creds;
	bool datasync;
};

#endif /* KAIO_FSYNC_H */
