// SPDX-License-Identifier: GPL-2.0
/*
 * io_getevents() and io_pgetevents(): the timeout, the temporary signal
 * mask, and waiting on a context until enough events were read from its
 * ring (Ring::read()).
 */
#include "ctx.h"
#include "syscalls.h"

#include <kx/sched.h>
#include <kx/user.h>

namespace kaio {

namespace {

/* The signal set argument (uapi struct kaio_sigset), in the caller's word size. */
kx::Result<kaio_abi_sigset> read_sigset_arg(kx::u64 usig, CallerAbi abi)
{
	if (!usig)
		return kaio_abi_sigset{0, 0};
	if (abi.compat()) {
		const auto c = KX_TRY(kx::UserPtr<kaio_abi_sigset32>(usig).read());
		return kaio_abi_sigset{c.sigmask, c.sigsetsize};
	}
	return KX_TRY(kx::UserPtr<kaio_abi_sigset>(usig).read());
}

/* do_io_getevents(): @timeout as Ctx::read_events() takes it. */
[[gnu::always_inline]] inline kx::Result<long> getevents(kx::u64 ctx_id, long min_nr, long nr, kx::u64 events, kx::s64 timeout)
{
	CtxRef ctx = KX_TRY(Ctx::lookup(ctx_id));
	if (min_nr > nr || min_nr < 0)
		return kx::err::EINVAL;
	return ctx->read_events(min_nr, nr, events, timeout);
}

} // namespace

/* One pass of the wait's condition (aio_read_events()); inlined into its callers. */
[[gnu::always_inline]] inline bool Ctx::read_events_once(long min_nr, long nr, kx::u64 out, long *got)
{
	auto read = ring_.read(out + static_cast<kx::u64>(*got) * sizeof(kaio_abi_io_event), nr - *got);
	long ret = read.is_error() ? read.error().to_errno() : read.value();
	if (ret > 0)
		*got += ret;
	if (dead())
		ret = -KX_EINVAL;
	if (!*got)
		*got = ret;
	return ret < 0 || *got >= min_nr;
}

kx::Result<long> Ctx::read_events(long min_nr, long nr, kx::u64 out, kx::s64 timeout)
{
	/* What was copied, or (if nothing was) the error that ended the wait. */
	long got = 0;
	if (timeout == 0)
		(void)read_events_once(min_nr, nr, out, &got);
	else	/* A signal or a timeout ends the wait with what was copied so far. */
		(void)wait_.wait_interruptible([&] { return read_events_once(min_nr, nr, out, &got); },
					       timeout);
	if (got < 0)
		return kx::Error::from_errno(got);
	return got;
}

kx::Result<long> io_getevents(kx::u64 ctx, long min_nr, long nr, kx::u64 events, kx::u64 uts,
			      CallerAbi abi)
{
	const kx::s64 timeout = KX_TRY(read_timeout(uts, abi));
	auto got = getevents(ctx, min_nr, nr, events, timeout);
	if (got.ok() && got.value() == 0 && kx_signal_pending())
		return kx::err::EINTR;
	return got;
}

kx::Result<long> io_pgetevents(kx::u64 ctx, long min_nr, long nr, kx::u64 events, kx::u64 uts,
			       kx::u64 usig, CallerAbi abi)
{
	const kx::s64 timeout = KX_TRY(read_timeout(uts, abi));
	const kaio_abi_sigset sig = KX_TRY(read_sigset_arg(usig, abi));
	KX_TRY(kx::to_result(kaio_sigmask_set(sig.sigmask, sig.sigsetsize, abi.compat())));

	auto got = getevents(ctx, min_nr, nr, events, timeout);
	const bool interrupted = kx_signal_pending();
	kaio_sigmask_restore_unless(interrupted);
	if (interrupted && got.ok() && got.value() == 0)
		return kx::err::ERESTARTNOHAND;
	return got;
}

} // namespace kaio
