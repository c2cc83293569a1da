// SPDX-License-Identifier: GPL-2.0
/*
 * io_submit(): requests, their submission, and their completion.
 */
#include "ctx.h"
#include "req.h"

#include <kaio/consts.h>
#include <kx/alloc.h>
#include <kx/log.h>
#include <kx/user.h>

namespace kaio {
namespace {

kx::SlabCache<Req> g_req_cache;
/*
 * fsync and fdatasync run here, not on the workqueue that frees contexts:
 * an fsync may sleep for as long as its filesystem likes (a FUSE server
 * that never answers), and a workqueue runs a limited number of items at
 * once (256 per CPU for the bound one that frees), so stuck fsyncs would
 * hold up every user's frees.  Unbound, with the kernel's largest limit
 * (at least 512 per NUMA node): beyond that, stuck fsyncs hold up only
 * other fsyncs, as on the system workqueue fs/aio.c uses for them.
 */
kx::Workqueue g_fsync_wq;

/* More iocbs than this in one call are submitted under a block plug. */
constexpr long kPlugThreshold = 2;

/* A user iocb pointer from the caller's array (32-bit pointers for compat). */
kx::Result<kx::u64> iocb_pointer(kx::u64 array, long i, bool compat)
{
	if (compat) {
		auto at = KX_TRY(kx::UserPtr<kx::u32>(array).at(static_cast<kx::usize>(i)));
		return static_cast<kx::u64>(KX_TRY(at.read()));
	}
	auto at = KX_TRY(kx::UserPtr<kx::u64>(array).at(static_cast<kx::usize>(i)));
	return KX_TRY(at.read());
}

kx::Result<void> start_rw(Req *req, const kaio_abi_iocb &iocb, bool write, bool vectored)
{
	const int prep = kaio_rw_prep(req->kiocb(), req->file_, iocb.aio_offset, iocb.aio_rw_flags,
				      (iocb.aio_flags & KAIO_GEN_IOCB_FLAG_RESFD) != 0,
				      (iocb.aio_flags & KAIO_GEN_IOCB_FLAG_IOPRIO) != 0, iocb.aio_reqprio);
	if (prep)
		return kx::Error::from_errno(prep);
	const int started = kaio_rw_start(req->kiocb(), write, iocb.aio_buf, iocb.aio_nbytes, vectored);
	if (started)
		return kx::Error::from_errno(started);
	return {};
}

/* fsync/fdatasync: no buffer, offset, length or flags. */
kx::Result<void> start_fsync(Req *req, const kaio_abi_iocb &iocb, bool datasync)
{
	if (iocb.aio_buf || iocb.aio_offset || iocb.aio_nbytes || iocb.aio_rw_flags)
		return kx::err::EINVAL;
	const int started = kaio_fsync_start(req->kiocb(), g_fsync_wq.raw(), req->file_, datasync);
	if (started)
		return kx::Error::from_errno(started);
	return {};
}

/* __io_submit_one(): everything after the request exists. */
kx::Result<void> submit_req(Req *req, const kaio_abi_iocb &iocb, kx::u64 user_iocb)
{
	req->file_ = kaio_fget(static_cast<int>(iocb.aio_fildes));
	if (!req->file_)
		return kx::err::EBADF;

	if (iocb.aio_flags & KAIO_GEN_IOCB_FLAG_RESFD) {
		int err = 0;
		req->eventfd_ = kaio_eventfd_get(static_cast<int>(iocb.aio_resfd), &err);
		if (!req->eventfd_)
			return kx::Error::from_errno(err);
	}

	/* The iocb must be writable: its key is stored for io_cancel(). */
	KX_TRY(kx::UserPtr<kaio_abi_iocb>(user_iocb).field<kx::u32>(__builtin_offsetof(kaio_abi_iocb, aio_key)).write(kIocbKey));

	req->event_.obj = user_iocb;
	req->event_.data = iocb.aio_data;

	switch (iocb.aio_lio_opcode) {
	case KAIO_GEN_IOCB_CMD_PREAD:
		return start_rw(req, iocb, false, false);
	case KAIO_GEN_IOCB_CMD_PWRITE:
		return start_rw(req, iocb, true, false);
	case KAIO_GEN_IOCB_CMD_PREADV:
		return start_rw(req, iocb, false, true);
	case KAIO_GEN_IOCB_CMD_PWRITEV:
		return start_rw(req, iocb, true, true);
	case KAIO_GEN_IOCB_CMD_FSYNC:
		return start_fsync(req, iocb, false);
	case KAIO_GEN_IOCB_CMD_FDSYNC:
		return start_fsync(req, iocb, true);
	default:
		return kx::err::EINVAL;
	}
}

/* io_submit_one() */
kx::Result<void> submit_one(Ctx *ctx, kx::u64 user_iocb)
{
	const kaio_abi_iocb iocb = KX_TRY(kx::UserPtr<kaio_abi_iocb>(user_iocb).read());

	/* Reserved for the future. */
	if (iocb.aio_reserved2)
		return kx::err::EINVAL;
	/* A length that is negative as a ssize_t cannot be a byte count. */
	if (static_cast<long>(iocb.aio_nbytes) < 0)
		return kx::err::EINVAL;

	Req *req = KX_TRY(alloc_req(ctx));
	kx::Result<void> r = submit_req(req, iocb, user_iocb);
	/* Done with the submitter's reference. */
	req->put();
	if (r.is_error()) {
		/* Nothing was started: the completion's reference is ours to drop. */
		req->destroy();
		ctx->put_slots(1);
	}
	return r;
}

} // namespace

kx::Result<void> init_requests()
{
	KX_TRY(g_fsync_wq.create("kaio_fsync", kx::Workqueue::Kind::Unbound));
	auto cache = g_req_cache.create("kaio_req");
	if (cache.is_error())
		g_fsync_wq.destroy();
	return cache;
}

/* Every request is gone (each holds its context, which pins the module). */
void exit_requests()
{
	g_fsync_wq.destroy();
	g_req_cache.destroy();
}

/* aio_get_req(): a free ring slot, then the request; EAGAIN without either. */
kx::Result<Req *> alloc_req(Ctx *ctx)
{
	if (!ctx->get_slot())
		return kx::err::EAGAIN;
	auto made = g_req_cache.make(kx::gfp::KERNEL, ctx);
	if (made.is_error()) {
		ctx->put_slots(1);
		return kx::err::EAGAIN;
	}
	ctx->reqs_get();
	return made.release_value();
}

void Req::destroy()
{
	Ctx *ctx = ctx_;
	if (eventfd_)
		kaio_eventfd_put(eventfd_);
	if (file_)
		kaio_fput(file_);
	g_req_cache.free(this);
	ctx->reqs_put();
}

void Req::put()
{
	if (refs_.dec_and_test()) {
		ctx_->post(event_, eventfd_);
		destroy();
	}
}

/* io_submit(ctx, nr, iocbpp) */
kx::Result<long> io_submit(kx::u64 ctx_id, long nr, kx::u64 iocbpp, bool compat)
{
	if (nr < 0)
		return kx::err::EINVAL;
	Ctx *ctx = KX_TRY(Ctx::lookup(ctx_id));
	if (nr > static_cast<long>(ctx->nr_events()))
		nr = ctx->nr_events();

	alignas(8) unsigned char plug[KAIO_GEN_SIZEOF_BLK_PLUG];
	if (nr > kPlugThreshold)
		kaio_plug_start(plug);
	long i = 0;
	kx::Result<void> r;
	for (; i < nr; i++) {
		auto user_iocb = iocb_pointer(iocbpp, i, compat);
		if (user_iocb.is_error()) {
			r = user_iocb.error();
			break;
		}
		r = submit_one(ctx, user_iocb.value());
		if (r.is_error())
			break;
	}
	if (nr > kPlugThreshold)
		kaio_plug_finish(plug);
	ctx->put_user_ref();
	/* The count submitted; the error only when the first one failed. */
	if (i || r.ok())
		return i;
	return r.error();
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
