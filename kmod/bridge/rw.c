// SPDX-License-Identifier: GPL-2.0
/*
 * Reads and writes through a file's ->read_iter/->write_iter with a kiocb
 * the core embeds.
 *
 * Completion may come from interrupt context (O_DIRECT on a block device):
 * kaio_rw_complete() ends a write's freeze protection and hands the result
 * to the core.  The module's kiocbs never carry IOCB_AIO_RW: that flag tells
 * drivers the kiocb sits in the built-in AIO's struct aio_kiocb, which ours
 * does not (see kiocb_set_cancel_fn()).
 */
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/uio.h>
#include <linux/ioprio.h>
#include <linux/capability.h>
#include <linux/slab.h>
#include <kaio/bridge.h>
#include <kaio/consts.h>

static_assert(sizeof(struct kiocb) <= KAIO_GEN_SIZEOF_REQ_OP);

/* ioprio_check_cap(), which 6.1 does not export. */
static int kaio_ioprio_check(int ioprio)
{
	int level = IOPRIO_PRIO_LEVEL(ioprio);

	switch (IOPRIO_PRIO_CLASS(ioprio)) {
	case IOPRIO_CLASS_RT:
		if (!capable(CAP_SYS_ADMIN) && !capable(CAP_SYS_NICE))
			return -EPERM;
		fallthrough;
	case IOPRIO_CLASS_BE:
		return level >= IOPRIO_NR_LEVELS ? -EINVAL : 0;
	case IOPRIO_CLASS_IDLE:
		return 0;
	case IOPRIO_CLASS_NONE:
		return level ? -EINVAL : 0;
	default:
		return -EINVAL;
	}
}

static void kaio_rw_complete(struct kiocb *kiocb, long res)
{
	struct file *file = kiocb->ki_filp;

	if (kiocb->ki_flags & IOCB_WRITE) {
		struct super_block *sb = file_inode(file)->i_sb;

		/* Tell lockdep we took the freeze protection kaio_rw_start() dropped. */
		if (S_ISREG(file_inode(file)->i_mode))
			__sb_writers_acquired(sb, SB_FREEZE_WRITE);
		file_end_write(file);
	}
	kaio_core_rw_done(kiocb, res);
}

int kaio_rw_prep(void *storage, struct file *file, long long pos, unsigned int rw_flags,
		 int resfd, int set_ioprio, int ioprio)
{
	struct kiocb *kiocb = storage;
	int ret;

	memset(kiocb, 0, sizeof(*kiocb));
	kiocb->ki_filp = file;
	kiocb->ki_complete = kaio_rw_complete;
	kiocb->ki_pos = pos;
	kiocb->ki_flags = file->f_iocb_flags;
	if (resfd)
		kiocb->ki_flags |= IOCB_EVENTFD;
	if (set_ioprio) {
		ret = kaio_ioprio_check(ioprio);
		if (ret)
			return ret;
		kiocb->ki_ioprio = ioprio;
	} else {
		kiocb->ki_ioprio = get_current_ioprio();
	}
	ret = kiocb_set_rw_flags(kiocb, (__force rwf_t)rw_flags);
	if (ret)
		return ret;
	kiocb->ki_flags &= ~IOCB_HIPRI;	/* nobody polls for AIO completions */
	return 0;
}

/*
 * Start the I/O: 0 once it is under way or done (the result arrives through
 * kaio_core_rw_done(), possibly before this returns), or a negative errno
 * when it could not be started.
 */
int kaio_rw_start(void *storage, int write, unsigned long long buf, unsigned long long nbytes,
		  int vectored)
{
	struct kiocb *kiocb = storage;
	struct file *file = kiocb->ki_filp;
	struct inode *inode = file_inode(file);
	struct iovec fast_vecs[UIO_FASTIOV];
	struct iovec *iovec = fast_vecs;
	struct iov_iter iter;
	ssize_t ret;

	if (!(file->f_mode & (write ? FMODE_WRITE : FMODE_READ)))
		return -EBADF;
	if (write ? !file->f_op->write_iter : !file->f_op->read_iter)
		return -EINVAL;

	if (vectored) {
		ret = import_iovec(write ? ITER_SOURCE : ITER_DEST, u64_to_user_ptr(buf), nbytes,
				   UIO_FASTIOV, &iovec, &iter);
	} else {
		ret = import_single_range(write ? ITER_SOURCE : ITER_DEST, u64_to_user_ptr(buf),
					  nbytes, iovec, &iter);
		iovec = NULL;
	}
	if (ret < 0)
		return ret;

	ret = rw_verify_area(write ? WRITE : READ, file, &kiocb->ki_pos, iov_iter_count(&iter));
	if (ret)
		goto out;

	if (write) {
		/*
		 * Freeze protection is held until completion, which may run in
		 * another context: tell lockdep it is released here.
		 */
		if (S_ISREG(inode->i_mode)) {
			sb_start_write(inode->i_sb);
			__sb_writers_release(inode->i_sb, SB_FREEZE_WRITE);
		}
		kiocb->ki_flags |= IOCB_WRITE;
		ret = call_write_iter(file, kiocb, &iter);
	} else {
		ret = call_read_iter(file, kiocb, &iter);
	}

	switch (ret) {
	case -EIOCBQUEUED:
		break;
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
	case -ERESTARTNOHAND:
	case -ERESTART_RESTARTBLOCK:
		/* Other requests may be under way: this one cannot restart. */
		ret = -EINTR;
		fallthrough;
	default:
		kiocb->ki_complete(kiocb, ret);
	}
	ret = 0;
out:
	kfree(iovec);
	return ret;
}
