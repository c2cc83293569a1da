// SPDX-License-Identifier: GPL-2.0
/* Block plugging around a batch of submissions, as io_submit() does. */
#include <linux/blkdev.h>
#include <kaio/bridge.h>
#include <kaio/consts.h>

static_assert(sizeof(struct blk_plug) <= KAIO_GEN_SIZEOF_BLK_PLUG);

void kaio_plug_start(void *plug)
{
	blk_start_plug(plug);
}

void kaio_plug_finish(void *plug)
{
	blk_finish_plug(plug);
}
