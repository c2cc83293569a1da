// SPDX-License-Identifier: GPL-2.0
/*
 * The ABI numbers of uapi/linux/kaio.h, published to C++ as
 * <kaio/consts.h> (see Kbuild).  Never linked into the module.
 */
#include <linux/kbuild.h>
#include <linux/kaio.h>
#include <linux/mmu_notifier.h>
#include <linux/aio_abi.h>
#include <linux/fs.h>
#include <linux/blkdev.h>
#include <linux/minmax.h>
#include <linux/poll.h>
#include <linux/wait.h>
#include "fsync.h"
#include "mmhash.h"

static void __used kaio_consts(void)
{
	COMMENT("uapi/linux/kaio.h");
	DEFINE(KAIO_GEN_ABI_VERSION, KAIO_ABI_VERSION);
	DEFINE(KAIO_GEN_IOC_VERSION, KAIO_IOC_VERSION);
	DEFINE(KAIO_GEN_IOC_SETUP, KAIO_IOC_SETUP);
	DEFINE(KAIO_GEN_IOC_DESTROY, KAIO_IOC_DESTROY);
	DEFINE(KAIO_GEN_IOC_SUBMIT, KAIO_IOC_SUBMIT);
	DEFINE(KAIO_GEN_IOC_CANCEL, KAIO_IOC_CANCEL);
	DEFINE(KAIO_GEN_IOC_GETEVENTS, KAIO_IOC_GETEVENTS);
	DEFINE(KAIO_GEN_IOC_PGETEVENTS, KAIO_IOC_PGETEVENTS);
	DEFINE(KAIO_GEN_IOC_GETEVENTS_TIME32, KAIO_IOC_GETEVENTS_TIME32);
	DEFINE(KAIO_GEN_IOC_PGETEVENTS_TIME32, KAIO_IOC_PGETEVENTS_TIME32);
	DEFINE(KAIO_GEN_FEAT_SETUP, KAIO_FEAT_SETUP);
	DEFINE(KAIO_GEN_FEAT_DESTROY, KAIO_FEAT_DESTROY);
	DEFINE(KAIO_GEN_FEAT_SUBMIT, KAIO_FEAT_SUBMIT);
	DEFINE(KAIO_GEN_FEAT_CANCEL, KAIO_FEAT_CANCEL);
	DEFINE(KAIO_GEN_FEAT_GETEVENTS, KAIO_FEAT_GETEVENTS);
	DEFINE(KAIO_GEN_FEAT_PGETEVENTS, KAIO_FEAT_PGETEVENTS);
	DEFINE(KAIO_GEN_FEAT_COMPAT, KAIO_FEAT_COMPAT);
	DEFINE(KAIO_GEN_FEAT_TIME32, KAIO_FEAT_TIME32);
	DEFINE(KAIO_GEN_FEAT_POLL, KAIO_FEAT_POLL);
	COMMENT("The 32-bit time system calls exist (the _TIME32 requests' oracle)");
	DEFINE(KAIO_GEN_HAVE_TIME32, IS_ENABLED(CONFIG_COMPAT_32BIT_TIME));
	BLANK();

	COMMENT("Kernel objects the core embeds");
	DEFINE(KAIO_GEN_SIZEOF_MMU_NOTIFIER, sizeof(struct mmu_notifier));
	DEFINE(KAIO_GEN_ALIGNOF_MMU_NOTIFIER, __alignof__(struct mmu_notifier));
	COMMENT("A request's operation: a kiocb, or an fsync's work");
	DEFINE(KAIO_GEN_SIZEOF_REQ_OP, max(sizeof(struct kiocb), sizeof(struct kaio_fsync)));
	DEFINE(KAIO_GEN_ALIGNOF_REQ_OP, max(__alignof__(struct kiocb), __alignof__(struct kaio_fsync)));
	DEFINE(KAIO_GEN_SIZEOF_BLK_PLUG, sizeof(struct blk_plug));
	DEFINE(KAIO_GEN_SIZEOF_MM_NODE, sizeof(struct kaio_mm_node));
	DEFINE(KAIO_GEN_SIZEOF_WAIT_ENTRY, sizeof(struct wait_queue_entry));
	DEFINE(KAIO_GEN_ALIGNOF_WAIT_ENTRY, __alignof__(struct wait_queue_entry));
	DEFINE(KAIO_GEN_ALIGNOF_MM_NODE, __alignof__(struct kaio_mm_node));
	BLANK();

	COMMENT("<linux/aio_abi.h>");
	DEFINE(KAIO_GEN_IOCB_CMD_PREAD, IOCB_CMD_PREAD);
	DEFINE(KAIO_GEN_IOCB_CMD_PWRITE, IOCB_CMD_PWRITE);
	DEFINE(KAIO_GEN_IOCB_CMD_PREADV, IOCB_CMD_PREADV);
	DEFINE(KAIO_GEN_IOCB_CMD_PWRITEV, IOCB_CMD_PWRITEV);
	DEFINE(KAIO_GEN_IOCB_CMD_FSYNC, IOCB_CMD_FSYNC);
	DEFINE(KAIO_GEN_IOCB_CMD_FDSYNC, IOCB_CMD_FDSYNC);
	DEFINE(KAIO_GEN_IOCB_CMD_POLL, IOCB_CMD_POLL);
	DEFINE(KAIO_GEN_IOCB_FLAG_RESFD, IOCB_FLAG_RESFD);
	DEFINE(KAIO_GEN_IOCB_FLAG_IOPRIO, IOCB_FLAG_IOPRIO);
	BLANK();

	COMMENT("<linux/poll.h>: __poll_t bits");
	DEFINE(KAIO_GEN_EPOLLERR, (__force unsigned int)EPOLLERR);
	DEFINE(KAIO_GEN_EPOLLHUP, (__force unsigned int)EPOLLHUP);
	DEFINE(KAIO_GEN_POLLFREE, (__force unsigned int)POLLFREE);
}
