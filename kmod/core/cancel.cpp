// SPDX-License-Identifier: GPL-2.0
/*
 * io_cancel() and the context's list of cancellable requests.
 *
 * Only a pending IOCB_CMD_POLL can be cancelled, as natively: reads, writes
 * and fsync never can (the drivers that let a kiocb be cancelled do it
 * through the built-in AIO's own request, which kaio's are not).  A
 * cancelled poll completes with res 0 through the ring; io_cancel() says
 * EINPROGRESS and never writes @result.  A context that dies (io_destroy,
 * exit, exec) cancels its pending polls, so that none of those waits
 * forever for a file that never becomes ready.
 */
#include "ctx.h"
#include "poll.h"
#include "req.h"
#include "syscalls.h"

#include <kx/user.h>

namespace kaio {

void Ctx::add_cancellable_locked(Req &req)
{
	cancel_lock_.assert_held();
	cancellable_.push_back(req);
}

void Ctx::remove_cancellable_locked(Req &req)
{
	cancel_lock_.assert_held();
	decltype(cancellable_)::remove(req);
}

bool Ctx::cancel(kx::u64 iocb)
{
	kx::SpinIrqGuard locked(cancel_lock_);
	for (Cancellable &c : cancellable_) {
		Req &req = static_cast<Req &>(c);
		if (req.event_.obj == iocb) {
			cancel_poll_locked(&req);
			remove_cancellable_locked(req);
			return true;
		}
	}
	return false;
}

/* The last users reference is gone (free_ioctx_users()): nothing may stay pending. */
void Ctx::cancel_all()
{
	kx::SpinIrqGuard locked(cancel_lock_);
	while (Cancellable *c = cancellable_.pop_front())
		cancel_poll_locked(static_cast<Req *>(c));
}

/* The key is read before the context is looked up. */
kx::Result<long> io_cancel(kx::u64 ctx_id, kx::u64 iocb, kx::u64 result)
{
	const kx::u32 key = KX_TRY(kx::UserPtr<kaio_abi_iocb>(iocb).field(&kaio_abi_iocb::aio_key).read());
	if (key != kIocbKey)
		return kx::err::EINVAL;
	CtxRef ctx = KX_TRY(Ctx::lookup(ctx_id));
	(void)result;	/* never written: the event arrives through the ring */
	if (!ctx->cancel(iocb))
		return kx::err::EINVAL;
	return kx::err::EINPROGRESS;
}

} // namespace kaio
