// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/kaio: decode each request's argument block and dispatch it to its
 * system call (syscalls.h).  Each entry (kaio_core_unlocked_ioctl() for
 * 64-bit callers, kaio_core_compat_ioctl() for 32-bit ones) ends in
 * kx::to_long(), the single place a kx::Result becomes an errno for it.
 */
#include <kaio/abi.h>
#include <kaio/bridge.h>
#include <kaio/consts.h>
#include <kx/result.h>
#include <kx/user.h>

#include "abi_types.h"
#include "syscalls.h"

namespace kaio {
namespace {

/* What this build serves (uapi/linux/kaio.h's KAIO_FEAT_*). */
constexpr kx::u64 kFeatures = KAIO_GEN_FEAT_SETUP | KAIO_GEN_FEAT_DESTROY | KAIO_GEN_FEAT_SUBMIT |
			       KAIO_GEN_FEAT_CANCEL | KAIO_GEN_FEAT_GETEVENTS | KAIO_GEN_FEAT_PGETEVENTS |
			       KAIO_GEN_FEAT_COMPAT | (KAIO_GEN_HAVE_TIME32 ? KAIO_GEN_FEAT_TIME32 : 0) |
			       KAIO_GEN_FEAT_POLL | KAIO_GEN_FEAT_SUBMIT_WAIT;

/*
 * The hot decoders (submit, getevents) are inlined into dispatch(), and it
 * into the entries: each call level is a return through the return thunk,
 * and under emulation an indirect jump resolved at run time (bench/calls).
 */
template <typename Args>
[[gnu::always_inline]] inline kx::Result<Args> args(kx::u64 arg)
{
	return kx::UserPtr<Args>(arg).read();
}

kx::Result<long> version(kx::u64 arg)
{
	const kaio_abi_version v = {
		.abi_version = KAIO_GEN_ABI_VERSION,
		.reserved = 0,
		.features = kFeatures,
	};
	KX_TRY(kx::UserPtr<kaio_abi_version>(arg).write(v));
	return 0L;
}

kx::Result<long> setup(kx::u64 arg, CallerAbi abi)
{
	const auto a = KX_TRY(args<kaio_abi_setup_args>(arg));
	if (a.pad)
		return kx::err::EINVAL;
	return io_setup(a.nr_events, a.ctxp, abi);
}

kx::Result<long> destroy(kx::u64 arg)
{
	const auto a = KX_TRY(args<kaio_abi_destroy_args>(arg));
	return io_destroy(a.ctx);
}

[[gnu::always_inline]] inline kx::Result<long> submit(kx::u64 arg, CallerAbi abi)
{
	const auto a = KX_TRY(args<kaio_abi_submit_args>(arg));
	return io_submit(a.ctx, a.nr, a.iocbpp, abi);
}

kx::Result<long> cancel(kx::u64 arg)
{
	const auto a = KX_TRY(args<kaio_abi_cancel_args>(arg));
	return io_cancel(a.ctx, a.iocb, a.result);
}

[[gnu::always_inline]] inline kx::Result<long> getevents(kx::u64 arg, CallerAbi abi)
{
	const auto a = KX_TRY(args<kaio_abi_getevents_args>(arg));
	return io_getevents(a.ctx, a.min_nr, a.nr, a.events, a.timeout, abi);
}

kx::Result<long> pgetevents(kx::u64 arg, CallerAbi abi)
{
	const auto a = KX_TRY(args<kaio_abi_pgetevents_args>(arg));
	return io_pgetevents(a.ctx, a.min_nr, a.nr, a.events, a.timeout, a.usig, abi);
}

/* Inlined into both entries: a 64-bit caller's ioctl is one call into the core. */
[[gnu::always_inline]] inline kx::Result<long> dispatch(Ioctl cmd, kx::u64 arg,
							 CallerAbi::Pointers pointers)
{
	const CallerAbi abi{pointers, CallerAbi::Time::k64};
	const CallerAbi abi_time32{pointers, CallerAbi::Time::k32};

	switch (cmd) {
	case Ioctl::Version:
		return version(arg);
	case Ioctl::Setup:
		return setup(arg, abi);
	case Ioctl::Destroy:
		return destroy(arg);
	case Ioctl::Submit:
		return submit(arg, abi);
	case Ioctl::Cancel:
		return cancel(arg);
	case Ioctl::Getevents:
		return getevents(arg, abi);
	case Ioctl::Pgetevents:
		return pgetevents(arg, abi);
	case Ioctl::GeteventsTime32:
		if (!KAIO_GEN_HAVE_TIME32)
			return kx::err::ENOTTY;
		return getevents(arg, abi_time32);
	case Ioctl::PgeteventsTime32:
		if (!KAIO_GEN_HAVE_TIME32)
			return kx::err::ENOTTY;
		return pgetevents(arg, abi_time32);
	case Ioctl::SubmitWait:
		return io_submit_wait(arg, abi);
	}
	return kx::err::ENOTTY;
}

} // namespace
} // namespace kaio

extern "C" int kaio_core_open(struct file *)
{
	return 0;
}

extern "C" int kaio_core_release(struct file *)
{
	return 0;
}

/* ->unlocked_ioctl itself, with no C wrapper in between: the hot path. */
extern "C" long kaio_core_unlocked_ioctl(struct file *, unsigned int cmd, unsigned long arg)
{
	return kx::to_long(kaio::dispatch(static_cast<kaio::Ioctl>(cmd), arg,
					  kaio::CallerAbi::Pointers::k64));
}

extern "C" long kaio_core_compat_ioctl(struct file *, unsigned int cmd, unsigned long arg)
{
	return kx::to_long(kaio::dispatch(static_cast<kaio::Ioctl>(cmd), arg,
					  kaio::CallerAbi::Pointers::k32));
}
