// SPDX-License-Identifier: GPL-2.0
/*
 * fsync and fdatasync requests: vfs_fsync() in process context on the
 * module's workqueue, with the submitter's credentials (fs/aio.c's fix
 * 530f32fc370f: a kworker's would be wrong for FUSE and overlayfs).
 */
#include <linux/fs.h>
#include <linux/cred.h>
#include <linux/workqueue.h>
#include <kaio/bridge.h>
#include <kaio/consts.h>
#include "fsync.h"

static_assert(sizeof(struct kaio_fsync) <= KAIO_GEN_SIZEOF_REQ_OP);

static void kaio_fsync_work(struct work_struct *work)
{
	struct kaio_fsync *req = container_of(work, struct kaio_fsync, work);
	const struct cred *old = override_creds(req->creds);
	long res = vfs_fsync(req->file, req->datasync);

	revert_creds(old);
	put_cred(req->creds);
	kaio_core_fsync_done(req, res);
}

/* 0 once queued (the result comes to kaio_core_fsync_done()), or -errno. */
int kaio_fsync_start(void *storage, struct workqueue_struct *wq, struct file *file, int datasync)
{
	struct kaio_fsync *req = storage;

	if (!file->f_op->fsync)
		return -EINVAL;
	req->creds = prepare_creds();
	if (!req->creds)
		return -ENOMEM;
	req->file = file;
	req->datasync = datasync;
	INIT_WORK(&req->work, kaio_fsync_work);
	queue_work(wq, &req->work);
	return 0;
}
