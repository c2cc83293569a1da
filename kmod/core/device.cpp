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
#include "req.h"

namespace kaio {
namespace {

/* What this build serves; grows as the AIO operations land. */
constexpr kx::u64 kFeatures = KAIO_GEN_FEAT_SETUP | KAIO_GEN_FEAT_DESTROY | KAIO_GEN_FEAT_SUBMIT |
			       KAIO_GEN_FEAT_CANCEL | KAIO_GEN_FEAT_GETEVENTS | KAIO_GEN_FEAT_PGETEVENTS |
			       KAIO_GEN_FEAT_COMPAT | (KAIO_GEN_HAVE_TIME32 ? KAIO_GEN_FEAT_TIME32 : 0);

/* The timeout's layout: the time64 calls' or the old 32-bit one. */
enum class TimeAbi { k64, k32 };

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
		(void)ctx->kill(nullptr, Ctx::Unmap::Yes);	/* nothing may leak */
	ctx->put_user_ref();
	KX_TRY(kx::move(stored));
	return 0L;
}

/* io_destroy(ctx): returns once every request of the context is done. */
kx::Result<long> ioctl_destroy(kx::UserPtr<kaio_abi_destroy_args> uargs)
{
	const kaio_abi_destroy_args a = KX_TRY(uargs.read());
	Ctx *ctx = KX_TRY(Ctx::lookup(a.ctx));
	DestroyWait wait;
	auto killed = ctx->kill(&wait, Ctx::Unmap::Yes);
	ctx->put_user_ref();
	KX_TRY(kx::move(killed));
	wait.wait();
	return 0L;
}

/* do_io_getevents(): @timeout as read_events() takes it. */
kx::Result<long> getevents(kx::u64 ctx_id, long min_nr, long nr, kx::u64 events, kx::s64 timeout)
{
	Ctx *ctx = KX_TRY(Ctx::lookup(ctx_id));
	long ret = -KX_EINVAL;
	if (min_nr <= nr && min_nr >= 0)
		ret = ctx->read_events(min_nr, nr, events, timeout);
	ctx->put_user_ref();
	if (ret < 0)
		return kx::Error::from_errno(ret);
	return ret;
}

/* A NULL timeout waits forever; otherwise a relative time, {0, 0} polls. */
kx::Result<kx::s64> read_timeout(kx::u64 uts, TimeAbi abi)
{
	if (!uts)
		return kx::WaitQueue::kForever;
	long long t;
	if ((abi == TimeAbi::k32 ? kaio_get_timeout32(uts, &t) : kaio_get_timeout(uts, &t)) != 0)
		return kx::err::EFAULT;
	return t;
}

/* io_getevents(ctx, min_nr, nr, events, timeout), and its 32-bit time form. */
kx::Result<long> ioctl_getevents(kx::UserPtr<kaio_abi_getevents_args> uargs, TimeAbi abi)
{
	const kaio_abi_getevents_args a = KX_TRY(uargs.read());
	const kx::s64 timeout = KX_TRY(read_timeout(a.timeout, abi));
	auto got = getevents(a.ctx, a.min_nr, a.nr, a.events, timeout);
	if (got.ok() && got.value() == 0 && kx_signal_pending())
		return kx::err::EINTR;
	return got;
}

/* The signal set argument: { const sigset_t *sigmask; size_t sigsetsize; }. */
struct SigsetArg {
	kx::u64 mask;
	kx::u64 size;
};

kx::Result<SigsetArg> read_sigset_arg(kx::u64 usig, bool compat)
{
	if (!usig)
		return SigsetArg{0, 0};
	if (compat) {
		struct {
			kx::u32 mask, size;
		} c = KX_TRY(kx::UserPtr<decltype(c)>(usig).read());
		return SigsetArg{c.mask, c.size};
	}
	return KX_TRY(kx::UserPtr<SigsetArg>(usig).read());
}

/* io_pgetevents(ctx, min_nr, nr, events, timeout, usig), and its 32-bit time form. */
kx::Result<long> ioctl_pgetevents(kx::UserPtr<kaio_abi_pgetevents_args> uargs, bool compat,
				  TimeAbi abi)
{
	const kaio_abi_pgetevents_args a = KX_TRY(uargs.read());
	const kx::s64 timeout = KX_TRY(read_timeout(a.timeout, abi));
	const SigsetArg sig = KX_TRY(read_sigset_arg(a.usig, compat));
	const int set = kaio_sigmask_set(sig.mask, sig.size, compat);
	if (set)
		return kx::Error::from_errno(set);

	auto got = getevents(a.ctx, a.min_nr, a.nr, a.events, timeout);
	const bool interrupted = kx_signal_pending();
	kaio_sigmask_restore_unless(interrupted);
	if (interrupted && got.ok() && got.value() == 0)
		return kx::err::ERESTARTNOHAND;
	return got;
}

/* io_submit(ctx, nr, iocbpp) */
kx::Result<long> ioctl_submit(kx::UserPtr<kaio_abi_submit_args> uargs, bool compat)
{
	const kaio_abi_submit_args a = KX_TRY(uargs.read());
	return io_submit(a.ctx, a.nr, a.iocbpp, compat);
}

/*
 * io_cancel(ctx, iocb, result): the key is read before the context is
 * looked up.  Nothing kaio serves today can be cancelled (reads, writes and
 * fsync never can, as natively), so a valid request still gets EINVAL and
 * @result is never written.
 */
kx::Result<long> ioctl_cancel(kx::UserPtr<kaio_abi_cancel_args> uargs)
{
	const kaio_abi_cancel_args a = KX_TRY(uargs.read());
	const kx::u32 key = KX_TRY(kx::UserPtr<kaio_abi_iocb>(a.iocb)
					   .field<kx::u32>(__builtin_offsetof(kaio_abi_iocb, aio_key))
					   .read());
	if (key != kIocbKey)
		return kx::err::EINVAL;
	Ctx *ctx = KX_TRY(Ctx::lookup(a.ctx));
	ctx->put_user_ref();
	return kx::err::EINVAL;
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
	case KAIO_GEN_IOC_SUBMIT:
		return ioctl_submit(kx::UserPtr<kaio_abi_submit_args>(arg), compat);
	case KAIO_GEN_IOC_CANCEL:
		return ioctl_cancel(kx::UserPtr<kaio_abi_cancel_args>(arg));
	case KAIO_GEN_IOC_GETEVENTS:
		return ioctl_getevents(kx::UserPtr<kaio_abi_getevents_args>(arg), TimeAbi::k64);
	case KAIO_GEN_IOC_PGETEVENTS:
		return ioctl_pgetevents(kx::UserPtr<kaio_abi_pgetevents_args>(arg), compat,
					TimeAbi::k64);
	case KAIO_GEN_IOC_GETEVENTS_TIME32:
		if (!KAIO_GEN_HAVE_TIME32)
			return kx::err::ENOTTY;
		return ioctl_getevents(kx::UserPtr<kaio_abi_getevents_args>(arg), TimeAbi::k32);
	case KAIO_GEN_IOC_PGETEVENTS_TIME32:
		if (!KAIO_GEN_HAVE_TIME32)
			return kx::err::ENOTTY;
		return ioctl_pgetevents(kx::UserPtr<kaio_abi_pgetevents_args>(arg), compat,
					TimeAbi::k32);
	default:
		/* Including the AIO operations not served yet (see kFeatures). */
		return kx::err::ENOTTY;
	}
}

kx::Result<void> init()
{
	KX_TRY(MmState::init());
	auto ctxs = Ctx::init_cache();
	if (ctxs.is_error()) {
		MmState::exit();
		return ctxs;
	}
	auto reqs = init_requests();
	if (reqs.is_error()) {
		Ctx::destroy_cache();
		MmState::exit();
	}
	return reqs;
}

} // namespace
} // namespace kaio

extern "C" int kaio_core_init(void)
{
	return static_cast<int>(kx::to_long(kaio::init()));
}

/*
 * Every context is gone (each pins the module); drain what frees them,
 * then wait until no task can still be on its way out of module code (see
 * kx_module_text_barrier() and the pinning argument in kmod/bridge/aiofs.c).
 */
extern "C" void kaio_core_exit(void)
{
	kaio::MmState::exit();
	kaio::exit_requests();
	kaio::Ctx::destroy_cache();
	kx_module_text_barrier();
}

extern "C" void kaio_core_objects(unsigned long *contexts, unsigned long *mm_states)
{
	*contexts = kaio::Ctx::live();
	*mm_states = kaio::MmState::live();
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
