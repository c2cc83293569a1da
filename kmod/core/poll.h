// SPDX-License-Identifier: GPL-2.0
/*
 * IOCB_CMD_POLL: a one-shot wait for events on a file, the only request
 * that can be cancelled.  Its state lives in the request's operation
 * storage; the logic is in poll.cpp, the kernel's poll machinery behind
 * kmod/bridge/poll.c.
 */
#pragma once

#include <kaio/abi.h>
#include <kaio/bridge.h>
#include <kaio/consts.h>
#include <kx/result.h>
#include <kx/sched.h>

namespace kaio {

class Req;

struct PollOp {
	struct Entry {
		alignas(KAIO_GEN_ALIGNOF_WAIT_ENTRY) unsigned char bytes[KAIO_GEN_SIZEOF_WAIT_ENTRY];
	};

	Entry entry;				/* on the file's wait queue */
	struct wait_queue_head *head;		/* that queue; NULL once a POLLFREE detached it */
	kx::Work work;				/* completion (or the deferred put) off the wake-up */
	unsigned int events;			/* __poll_t wanted, EPOLLERR|EPOLLHUP included */
	/* Under the queue's lock, except cancelled (READ_ONCE/WRITE_ONCE). */
	bool cancelled;
	bool work_scheduled;
	bool work_need_resched;
};

/* The poll workqueue, for module init and exit. */
[[nodiscard]] kx::Result<void> poll_init();
void poll_exit();

/* io_submit() of an IOCB_CMD_POLL whose request has its file. */
[[nodiscard]] kx::Result<void> start_poll(Req *req, const kaio_abi_iocb &iocb);
/* io_cancel() and context teardown, under the context's cancel lock. */
void cancel_poll_locked(Req *req);

} // namespace kaio
