// SPDX-License-Identifier: GPL-2.0
/*
 * The six AIO system calls, as the core serves them: arguments already
 * decoded from their ioctl blocks (device.cpp), user pointers still user
 * pointers, and @abi saying how the caller lays them out.
 *
 *   io_setup, io_destroy            setup.cpp
 *   io_submit                       submit.cpp
 *   io_cancel                       cancel.cpp
 *   io_getevents, io_pgetevents     getevents.cpp
 */
#pragma once

#include <kaio/bridge.h>
#include <kx/result.h>
#include <kx/sched.h>
#include <kx/types.h>

#include "abi_types.h"

namespace kaio {

[[nodiscard]] kx::Result<long> io_setup(unsigned int nr_events, kx::u64 ctxp, CallerAbi abi);
[[nodiscard]] kx::Result<long> io_destroy(kx::u64 ctx);
[[nodiscard]] kx::Result<long> io_submit(kx::u64 ctx, long nr, kx::u64 iocbpp, CallerAbi abi);
[[nodiscard]] kx::Result<long> io_cancel(kx::u64 ctx, kx::u64 iocb, kx::u64 result);
[[nodiscard]] kx::Result<long> io_getevents(kx::u64 ctx, long min_nr, long nr, kx::u64 events,
					    kx::u64 timeout, CallerAbi abi);
[[nodiscard]] kx::Result<long> io_pgetevents(kx::u64 ctx, long min_nr, long nr, kx::u64 events,
					     kx::u64 timeout, kx::u64 usig, CallerAbi abi);

/* Submit, then wait (KAIO_IOC_SUBMIT_WAIT); @arg is the user's argument block. */
[[nodiscard]] kx::Result<long> io_submit_wait(kx::u64 arg, CallerAbi abi);

/* The pieces the calls share (submit.cpp, getevents.cpp). */
class Ctx;
/* io_submit() after the lookup: nr >= 0. */
[[nodiscard]] kx::Result<long> submit_batch(Ctx &ctx, long nr, kx::u64 iocbpp, CallerAbi abi);
/*
 * A user timeout pointer as Ctx::read_events() takes it: NULL waits
 * forever, otherwise a relative time, {0, 0} polls.  Always inlined: it
 * is on every getevents call, and an inline function kept out of line in
 * two objects breaks the coverage build's link (RELIABILITY.md).
 */
[[nodiscard, gnu::always_inline]] inline kx::Result<kx::s64> read_timeout(kx::u64 uts, CallerAbi abi)
{
	if (!uts)
		return kx::WaitQueue::kForever;
	long long t;
	const int rc = abi.time == CallerAbi::Time::k32 ? kaio_get_timeout32(uts, &t) :
							  kaio_get_timeout(uts, &t);
	KX_TRY(kx::to_result(rc));
	return t;
}

/* What submission needs from module init and exit (the fsync workqueue). */
[[nodiscard]] kx::Result<void> submit_init();
void submit_exit();

} // namespace kaio
