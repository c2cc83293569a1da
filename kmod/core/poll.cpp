// SPDX-License-Identifier: GPL-2.0
/*
 * IOCB_CMD_POLL, as 6.1's fs/aio.c serves it.
 *
 * A poll asks its file for the wanted events (plus EPOLLERR and EPOLLHUP)
 * and completes at once if one is there; otherwise its entry waits on the
 * one wait queue the file offered, and the request goes on the context's
 * cancellable list.  The result is the mangled mask of the events seen
 * (res 0 for a cancelled poll).  One shot: it completes once.
 *
 * Who completes it, and the locks (context's cancel lock, then the queue's):
 *   - the wake-up, inline, when the waker says which events happened, no
 *     completion work is pending, and the cancel lock can be had without
 *     waiting (the wake-up already holds the queue's lock, so it may only
 *     try); with an eventfd to signal from inside an eventfd wake-up, the
 *     completion's put (which may post the event and signal the eventfd)
 *     is deferred to the workqueue instead (the eventfd would recurse);
 *   - otherwise the completion work, which asks the file again.  The entry
 *     stays on the queue until then, so no wake-up is lost; a wake-up that
 *     arrives while the work is pending makes it run once more;
 *   - cancellation (io_cancel, the context dying) marks it cancelled and
 *     lets the work complete it with no events;
 *   - a queue freed under the poll (POLLFREE, e.g. a signalfd whose sighand
 *     goes) detaches the entry from inside that wake-up and leaves the rest
 *     to the work, which from then on must not touch the queue.
 * The queue is reached only through kaio_poll_lock_queue(), which locks it
 * unless a POLLFREE took the request off (see kmod/bridge/poll.c).
 */
#include "poll.h"
#include "abi_types.h"
#include "ctx.h"
#include "req.h"

#include <kx/atomic.h>
#include <kx/lock.h>

namespace kaio {
namespace {

/*
 * Completions and deferred puts.  The module's own queue: module exit
 * drains it, so no work function is left running module code.
 */
kx::Workqueue g_poll_wq;

void *entry_of(PollOp *op)
{
	return &op->entry;
}

PollOp *op_of_entry(void *entry)
{
	return kx::container_of(static_cast<PollOp::Entry *>(entry), &PollOp::entry);
}

/* Queue the completion work, or note that it has to look once more. */
void schedule_completion(PollOp *op)
{
	if (op->work_scheduled) {
		op->work_need_resched = true;
	} else {
		(void)op->work.queue(g_poll_wq);
		op->work_scheduled = true;
	}
}

void complete_work(struct work_struct *work)
{
	PollOp *op = kx::Work::owner(work, &PollOp::work);
	Req *req = Req::from(op);
	Ctx *ctx = req->ctx();
	unsigned int mask = 0;

	if (!kx::read_once(op->cancelled))
		mask = kaio_poll_check(req->file_.get(), op->events) & op->events;
	{
		kx::SpinIrqGuard locked(ctx->cancel_lock());
		if (kaio_poll_lock_queue(entry_of(op), &op->head)) {
			if (!mask && !kx::read_once(op->cancelled)) {
				/* Not ready after all: wait on, unless a wake-up came meanwhile. */
				if (op->work_need_resched) {
					(void)op->work.queue(g_poll_wq);
					op->work_need_resched = false;
				} else {
					op->work_scheduled = false;
				}
				kaio_poll_unlock_queue(&op->head);
				return;
			}
			kaio_poll_dequeue(entry_of(op));
			kaio_poll_unlock_queue(&op->head);
		}
		/* (If the lock failed, a POLLFREE detached the entry: complete now.) */
		ctx->remove_cancellable_locked(*req);
		req->event_.res = kaio_poll_mangle(mask);
	}
	req->put();
}

/* The completion's put, away from an eventfd wake-up. */
void put_work(struct work_struct *work)
{
	Req::from(kx::Work::owner(work, &PollOp::work))->put();
}

} // namespace

kx::Result<void> poll_init()
{
	return g_poll_wq.create("kaio_poll");
}

void poll_exit()
{
	g_poll_wq.destroy();
}

kx::Result<void> start_poll(Req *req, const kaio_abi_iocb &iocb)
{
	/* The events are a 16-bit mask; the fields a poll has no use for are 0. */
	if (static_cast<kx::u16>(iocb.aio_buf) != iocb.aio_buf)
		return kx::err::EINVAL;
	if (iocb.aio_offset || iocb.aio_nbytes || iocb.aio_rw_flags)
		return kx::err::EINVAL;

	PollOp *op = new (req->poll()) PollOp{};
	op->work.init(complete_work);

	unsigned int mask, res;
	int queued;
	int err = kaio_poll_start(req->file_.get(), static_cast<unsigned int>(iocb.aio_buf),
				  entry_of(op), &op->head, &op->events, &mask, &res, &queued);
	{
		kx::SpinIrqGuard locked(req->ctx()->cancel_lock());
		if (queued) {
			const bool on_queue = kaio_poll_lock_queue(entry_of(op), &op->head);
			bool cancel = false;
			if (!on_queue || op->work_scheduled) {
				/* A wake-up came first: it completed the poll or left it to the work. */
				cancel = err != 0;	/* ...but the file used two queues */
				err = 0;
				mask = 0;
			}
			if (mask || err)
				kaio_poll_dequeue(entry_of(op));	/* done here, or refused */
			else if (cancel)
				kx::write_once(op->cancelled, true);	/* too late to refuse */
			else if (on_queue)
				req->ctx()->add_cancellable_locked(*req);	/* waits: cancellable */
			if (on_queue)
				kaio_poll_unlock_queue(&op->head);
		}
		if (mask) {
			req->event_.res = res;
			err = 0;
		}
	}
	if (mask)
		req->put();	/* ready at once: the completion's reference */
	return kx::to_result(err);
}

void cancel_poll_locked(Req *req)
{
	PollOp *op = req->poll();
	req->ctx()->cancel_lock().assert_held();
	if (kaio_poll_lock_queue(entry_of(op), &op->head)) {
		kx::write_once(op->cancelled, true);
		if (!op->work_scheduled) {
			(void)op->work.queue(g_poll_wq);
			op->work_scheduled = true;
		}
		kaio_poll_unlock_queue(&op->head);
	}
	/* Otherwise a POLLFREE already cancelled it, and its work is queued. */
}

} // namespace kaio

/* A wake-up on the queue a poll waits on (under its lock, any context). */
extern "C" int kaio_core_poll_wake(void *entry, unsigned int mask)
{
	using namespace kaio;
	PollOp *op = op_of_entry(entry);
	Req *req = Req::from(op);
	Ctx *ctx = req->ctx();
	unsigned long flags;

	/* A waker that names its events and none is ours: not for us. */
	if (mask && !(mask & op->events))
		return 0;

	if (mask && !op->work_scheduled && ctx->cancel_lock().try_lock_irqsave(&flags)) {
		kaio_poll_dequeue(entry);
		ctx->remove_cancellable_locked(*req);
		req->event_.res = kaio_poll_mangle(mask);
		const bool defer = req->eventfd_.get() && !kaio_eventfd_signal_allowed();
		if (defer) {
			op->work.init(put_work);
			(void)op->work.queue(g_poll_wq);
		}
		ctx->cancel_lock().unlock_irqrestore(flags);
		if (!defer)
			req->put();
		return 1;
	}

	schedule_completion(op);
	/*
	 * The queue is being freed and the poll cannot complete here: off the
	 * queue now, cancelled, and the work (queued above) completes it.
	 * Detaching is the last touch: the request may be freed right after.
	 */
	if (mask & KAIO_GEN_POLLFREE) {
		kx::write_once(op->cancelled, true);
		kaio_poll_detach(entry, &op->head);
	}
	return 1;
}
