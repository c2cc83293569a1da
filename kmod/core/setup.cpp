// SPDX-License-Identifier: GPL-2.0
/* io_setup() and io_destroy(): making and killing a context (ctx.h). */
#include "ctx.h"
#include "syscalls.h"

#include <kx/user.h>

namespace kaio {
namespace {

/* aio_context_t in the caller's ABI: 32 bits for a compat caller. */
kx::Result<kx::u64> read_ctx(kx::u64 uptr, CallerAbi abi)
{
	if (abi.compat())
		return static_cast<kx::u64>(KX_TRY(kx::UserPtr<kx::u32>(uptr).read()));
	return KX_TRY(kx::UserPtr<kx::u64>(uptr).read());
}

kx::Result<void> write_ctx(kx::u64 uptr, kx::u64 ctx, CallerAbi abi)
{
	if (abi.compat())
		return kx::UserPtr<kx::u32>(uptr).write(static_cast<kx::u32>(ctx));
	return kx::UserPtr<kx::u64>(uptr).write(ctx);
}

} // namespace

kx::Result<long> io_setup(unsigned int nr_events, kx::u64 ctxp, CallerAbi abi)
{
	/* EFAULT on *ctxp comes before any check of nr_events. */
	const kx::u64 old = KX_TRY(read_ctx(ctxp, abi));
	if (old || !nr_events)
		return kx::err::EINVAL;

	CtxRef ctx = KX_TRY(Ctx::create(nr_events));
	auto stored = write_ctx(ctxp, ctx->user_id(), abi);
	if (stored.is_error())
		(void)ctx->kill(nullptr, Ctx::Unmap::Yes);	/* nothing may leak */
	KX_TRY(kx::move(stored));
	return 0L;
}

/* Returns once every request of the context is done. */
kx::Result<long> io_destroy(kx::u64 ctx_id)
{
	DestroyWait wait;
	{
		CtxRef ctx = KX_TRY(Ctx::lookup(ctx_id));
		KX_TRY(ctx->kill(&wait, Ctx::Unmap::Yes));
	}
	/* Our users reference is gone: the last request can now finish it. */
	wait.wait();
	return 0L;
}

} // namespace kaio
