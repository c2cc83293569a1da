// SPDX-License-Identifier: GPL-2.0
/*
 * Requests: their cache, allocation against the ring's free slots, and
 * the last reference, which posts the completion (req.h).
 */
#include "req.h"

#include <kx/alloc.h>

namespace kaio {
namespace {

kx::SlabCache<Req> g_req_cache;

} // namespace

kx::Result<void> Req::init_cache()
{
	return g_req_cache.create("kaio_req");
}

/* Every request is gone (each holds its context, which pins the module). */
void Req::destroy_cache()
{
	g_req_cache.destroy();
}

kx::Result<Req *> Req::alloc(Ctx *ctx)
{
	if (!ctx->get_slot())
		return kx::err::EAGAIN;
	auto made = g_req_cache.make(kx::gfp::KERNEL, ctx);
	if (made.is_error()) {
		ctx->put_slots(1);
		return kx::err::EAGAIN;
	}
	return made.release_value();
}

/*
 * The context's reference goes last, after the request's memory: the
 * context pins the module, and with it the cache this memory came from.
 */
[[gnu::always_inline]] inline void Req::destroy()
{
	ReqsRef hold = kx::move(ctx_);
	g_req_cache.free(this);
}

void Req::discard()
{
	Ctx *ctx = ctx_.get();
	ReqsRef hold = kx::move(ctx_);
	g_req_cache.free(this);
	ctx->put_slots(1);
}

void Req::put()
{
	if (refs_.dec_and_test()) {
		ctx_->post(event_, eventfd_.get());
		destroy();
	}
}

} // namespace kaio

/* A request's result, from its file's completion (any context). */
extern "C" void kaio_core_rw_done(struct kiocb *kiocb, long res)
{
	kaio::Req::from(kiocb)->complete(res);
}

extern "C" void kaio_core_fsync_done(void *storage, long res)
{
	kaio::Req::from(static_cast<struct kiocb *>(storage))->complete(res);
}
