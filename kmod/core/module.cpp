// SPDX-License-Identifier: GPL-2.0
/*
 * Module init and exit for the core (kmod/bridge/module.c calls these
 * around registering /dev/kaio), and its object counters for debugfs.
 */
#include <kaio/bridge.h>
#include <kx/result.h>
#include <kx/sched.h>

#include "ctx.h"
#include "mm.h"
#include "poll.h"
#include "req.h"
#include "syscalls.h"

namespace kaio {
namespace {

kx::Result<void> init()
{
	KX_TRY(MmState::init());
	auto ctxs = Ctx::init_cache();
	if (ctxs.is_error()) {
		MmState::exit();
		return ctxs;
	}
	auto reqs = Req::init_cache();
	if (reqs.is_error()) {
		Ctx::destroy_cache();
		MmState::exit();
		return reqs;
	}
	auto sub = submit_init();
	if (sub.is_error()) {
		Req::destroy_cache();
		Ctx::destroy_cache();
		MmState::exit();
		return sub;
	}
	auto polls = poll_init();
	if (polls.is_error()) {
		submit_exit();
		Req::destroy_cache();
		Ctx::destroy_cache();
		MmState::exit();
	}
	return polls;
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
	kaio::poll_exit();
	kaio::submit_exit();
	kaio::Req::destroy_cache();
	kaio::Ctx::destroy_cache();
	kx_module_text_barrier();
}

extern "C" void kaio_core_objects(unsigned long *contexts, unsigned long *mm_states)
{
	*contexts = kaio::Ctx::live();
	*mm_states = kaio::MmState::live();
}
