// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/kaio in C++: the ioctl dispatcher and the system calls behind it.
 * Every entry point from C ends in kx::to_long(), the single place a
 * kx::Result becomes an errno.
 */
#include <kaio/abi.h>
#include <kaio/bridge.h>
#include <kaio/consts.h>
#include <kx/result.h>
#include <kx/user.h>

#include "ctx.h"
#include "mm.h"

namespace kaio {
namespace {

/* What this build serves; grows as the AIO operations land. */
constexpr kx::u64 kFeatures = KAIO_GEN_FEAT_SETUP | KAIO_GEN_FEAT_DESTROY | KAIO_GEN_FEAT_COMPAT;

kx::Result<long> ioctl_version(kx::UserPtr<kaio_abi_version> out)
{
	const kaio_abi_version v = {
		.abi_version = KAIO_GEN_ABI_VERSION,
		.reserved = 0,
		.features = kFeatures,
	};
	KX_TRY(out.write(v));
	return 0L;
}

/* aio_context_t in the caller's ABI: 32 bits for a compat caller. */
kx::Result<kx::u64> read_ctx(kx::u64 uptr, bool compat)
{
	if (compat)
		return static_cast<kx::u64>(KX_TRY(kx::UserPtr<kx::u32>(uptr).read()));
	return KX_TRY(kx::UserPtr<kx::u64>(uptr).read());
}

kx::Result<void> write_ctx(kx::u64 uptr, kx::u64 ctx, bool compat)
{
	if (compat)
		return kx::UserPtr<kx::u32>(uptr).write(static_cast<kx::u32>(ctx));
	return kx::UserPtr<kx::u64>(uptr).write(ctx);
}

/* io_setup(nr_events, ctxp) */
kx::Result<long> ioctl_setup(kx::UserPtr<kaio_abi_setup_args> uargs, bool compat)
{
	const kaio_abi_setup_args a = KX_TRY(uargs.read());
	if (a.pad)
		return kx::err::EINVAL;

	/* EFAULT on *ctxp comes before any check of nr_events. */
	const kx::u64 old = KX_TRY(read_ctx(a.ctxp, compat));
	if (old || !a.nr_events)
		return kx::err::EINVAL;

	Ctx *ctx = KX_TRY(Ctx::create(a.nr_events));
	auto stored = write_ctx(a.ctxp, ctx->user_id(), compat);
	if (stored.is_error())
		(void)ctx->kill(nullptr, true);	/* nothing may leak */
	ctx->put_user_ref();
	KX_TRY(kx::move(stored));
	return 0L;
}

/* io_destroy(ctx): returns once every request of the context is done. */
kx::Result<long> ioctl_destroy(kx::UserPtr<kaio_abi_destroy_args> uargs)
{
	const kaio_abi_destroy_args a = KX_TRY(uargs.read());
	Ctx *ctx = KX_TRY(Ctx::lookup(a.ctx));
	DestroyWait wait(1);
	auto killed = ctx->kill(&wait, true);
	ctx->put_user_ref();
	KX_TRY(kx::move(killed));
	wait.done.wait();
	return 0L;
}

kx::Result<long> dispatch(unsigned int cmd, kx::u64 arg, bool compat)
{
	switch (cmd) {
	case KAIO_GEN_IOC_VERSION:
		return ioctl_version(kx::UserPtr<kaio_abi_version>(arg));
	case KAIO_GEN_IOC_SETUP:
		return ioctl_setup(kx::UserPtr<kaio_abi_setup_args>(arg), compat);
	case KAIO_GEN_IOC_DESTROY:
		return ioctl_destroy(kx::UserPtr<kaio_abi_destroy_args>(arg));
	default:
		/* Including the AIO operations not served yet (see kFeatures). */
		return kx::err::ENOTTY;
	}
}

kx::Result<void> init()
{
	KX_TRY(MmState::init());
	auto cache = Ctx::init_cache();
	if (cache.is_error())
		MmState::exit();
	return cache;
}

} // namespace
} // namespace kaio

extern "C" int kaio_core_init(void)
{
	return static_cast<int>(kx::to_long(kaio::init()));
}

/* Every context is gone (each pins the module); drain what frees them. */
extern "C" void kaio_core_exit(void)
{
	kaio::MmState::exit();
	kaio::Ctx::destroy_cache();
}

extern "C" int kaio_core_open(struct file *)
{
	return 0;
}

extern "C" int kaio_core_release(struct file *)
{
	return 0;
}

extern "C" long kaio_core_ioctl(struct file *, unsigned int cmd, unsigned long arg, int compat)
{
	return kx::to_long(kaio::dispatch(cmd, arg, compat != 0));
}
