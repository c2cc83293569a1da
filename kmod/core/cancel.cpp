// SPDX-License-Identifier: GPL-2.0
/*
 * io_cancel().  Nothing kaio serves today can be cancelled (reads, writes
 * and fsync never can, as natively), so a valid request still gets EINVAL
 * and @result is never written.  Cancellable requests (IOCB_CMD_POLL) will
 * keep their list here.
 */
#include "ctx.h"
#include "req.h"
#include "syscalls.h"

#include <kx/user.h>

namespace kaio {

/* The key is read before the context is looked up. */
kx::Result<long> io_cancel(kx::u64 ctx_id, kx::u64 iocb, kx::u64 result)
{
	const kx::u32 key = KX_TRY(kx::UserPtr<kaio_abi_iocb>(iocb).field(&kaio_abi_iocb::aio_key).read());
	if (key != kIocbKey)
		return kx::err::EINVAL;
	CtxRef ctx = KX_TRY(Ctx::lookup(ctx_id));
	(void)result;
	return kx::err::EINVAL;
}

} // namespace kaio
