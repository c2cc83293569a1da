// SPDX-License-Identifier: GPL-2.0
/*
 * KAIO_IOC_SUBMIT_WAIT: io_submit() and then io_getevents() in one call, on
 * one lookup of the context.  Everything that can make the wait fail on its
 * arguments is checked before anything is submitted, so that an error
 * never comes after iocbs went in unless submitted says so (uapi/linux/kaio.h).
 */
#include "ctx.h"
#include "syscalls.h"

#include <kx/sched.h>
#include <kx/user.h>

namespace kaio {

kx::Result<long> io_submit_wait(kx::u64 arg, CallerAbi abi)
{
	const kx::UserPtr<kaio_abi_submit_wait_args> user(arg);
	const auto a = KX_TRY(user.read());
	auto submitted = user.field(&kaio_abi_submit_wait_args::submitted);
	KX_TRY(submitted.write(0));

	if (a.nr < 0 || a.min_nr < 0 || a.min_nr > a.nr_events)
		return kx::err::EINVAL;
	/* The timeout is a __kernel_timespec for every caller. */
	const kx::s64 timeout = KX_TRY(read_timeout(a.timeout, CallerAbi{abi.pointers, CallerAbi::Time::k64}));
	CtxRef ctx = KX_TRY(Ctx::lookup(a.ctx));

	const long done = KX_TRY(submit_batch(*ctx, a.nr, a.iocbpp, abi));
	KX_TRY(submitted.write(done));
	if (done < a.nr || a.nr_events == 0)
		return 0L;

	const long got = KX_TRY(ctx->read_events(a.min_nr, a.nr_events, a.events, timeout));
	/* As io_getevents(): a signal that ended a wait with nothing read. */
	if (got == 0 && kx_signal_pending())
		return kx::err::EINTR;
	return got;
}

} // namespace kaio
