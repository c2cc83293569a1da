// SPDX-License-Identifier: GPL-2.0
/*
 * io_submit(): reading the iocbs, checking them, and starting each
 * operation (reads and writes through the file, fsync on a workqueue).
 */
#include "abi_types.h"
#include "ctx.h"
#include "poll.h"
#include "req.h"
#include "syscalls.h"

#include <kx/alloc.h>
#include <kx/log.h>
#include <kx/user.h>

namespace kaio {
namespace {

/*
 * fsync and fdatasync run here, not on the workqueue that frees contexts:
 * an fsync may sleep for as long as its filesystem likes (a FUSE server
 * that never answers), and a workqueue runs a limited number of items at
 * once (256 per CPU for a bound one), so stuck fsyncs would hold up every
 * user's frees.  Bound, as the system workqueue fs/aio.c queues them on:
 * the work runs on the submitting CPU's workers, where an unbound queue
 * wakes a worker wherever it likes (bench/aio_bench's batch-1 tmpfs fsync:
 * 0.57-0.70 of native unbound, 0.72 bound, in full runs).  Beyond 256 per
 * CPU, stuck fsyncs hold up only other fsyncs, as on the system workqueue.
 */
kx::Workqueue g_fsync_wq;

/* More iocbs than this in one call are submitted under a block plug. */
constexpr long kPlugThreshold = 2;

enum class Dir { Read, Write };
enum class Vectored { No, Yes };
enum class Sync { All, Data };

/*
 * The per-iocb steps of reads and writes are inlined into submit_all():
 * each call level costs a return through the return thunk, and under
 * emulation an indirect jump resolved at run time (bench/calls counts them).
 */

/* A user iocb pointer from the caller's array (32-bit pointers for compat). */
[[gnu::always_inline]] inline kx::Result<kx::u64> iocb_pointer(kx::u64 array, long i, CallerAbi abi)
{
	if (abi.compat()) {
		auto at = KX_TRY(kx::UserPtr<kx::u32>(array).at(static_cast<kx::usize>(i)));
		return static_cast<kx::u64>(KX_TRY(at.read()));
	}
	auto at = KX_TRY(kx::UserPtr<kx::u64>(array).at(static_cast<kx::usize>(i)));
	return KX_TRY(at.read());
}

[[gnu::always_inline]] inline kx::Result<void> start_rw(Req *req, const kaio_abi_iocb &iocb, Dir dir, Vectored vec)
{
	KX_TRY(kx::to_result(kaio_rw_prep(req->kiocb(), req->file_.get(), iocb.aio_offset,
					  iocb.aio_rw_flags, has_flag(iocb.aio_flags, IocbFlag::Resfd),
					  has_flag(iocb.aio_flags, IocbFlag::Ioprio), iocb.aio_reqprio)));
	return kx::to_result(kaio_rw_start(req->kiocb(), dir == Dir::Write, iocb.aio_buf,
					   iocb.aio_nbytes, vec == Vectored::Yes));
}

/* fsync/fdatasync: no buffer, offset, length or flags. */
kx::Result<void> start_fsync(Req *req, const kaio_abi_iocb &iocb, Sync sync)
{
	if (iocb.aio_buf || iocb.aio_offset || iocb.aio_nbytes || iocb.aio_rw_flags)
		return kx::err::EINVAL;
	return kx::to_result(kaio_fsync_start(req->kiocb(), g_fsync_wq.raw(), req->file_.get(),
					      sync == Sync::Data));
}

/* __io_submit_one(): everything after the request exists. */
[[gnu::always_inline]] inline kx::Result<void> submit_req(Req *req, const kaio_abi_iocb &iocb, kx::UserPtr<kaio_abi_iocb> user_iocb)
{
	req->file_ = KX_TRY(file_from_fd(static_cast<int>(iocb.aio_fildes)));
	if (has_flag(iocb.aio_flags, IocbFlag::Resfd))
		req->eventfd_ = KX_TRY(eventfd_from_fd(static_cast<int>(iocb.aio_resfd)));

	/* The iocb must be writable: its key is stored for io_cancel(). */
	KX_TRY(user_iocb.field(&kaio_abi_iocb::aio_key).write(kIocbKey));

	req->event_.obj = user_iocb.addr();
	req->event_.data = iocb.aio_data;

	switch (static_cast<Opcode>(iocb.aio_lio_opcode)) {
	case Opcode::Pread:
		return start_rw(req, iocb, Dir::Read, Vectored::No);
	case Opcode::Pwrite:
		return start_rw(req, iocb, Dir::Write, Vectored::No);
	case Opcode::Preadv:
		return start_rw(req, iocb, Dir::Read, Vectored::Yes);
	case Opcode::Pwritev:
		return start_rw(req, iocb, Dir::Write, Vectored::Yes);
	case Opcode::Fsync:
		return start_fsync(req, iocb, Sync::All);
	case Opcode::Fdsync:
		return start_fsync(req, iocb, Sync::Data);
	case Opcode::Poll:
		return start_poll(req, iocb);
	}
	return kx::err::EINVAL;
}

/* io_submit_one() */
[[gnu::always_inline]] inline kx::Result<void> submit_one(Ctx *ctx, kx::UserPtr<kaio_abi_iocb> user_iocb)
{
	const kaio_abi_iocb iocb = KX_TRY(user_iocb.read());

	/* Reserved for the future. */
	if (iocb.aio_reserved2)
		return kx::err::EINVAL;
	/* A length that is negative as a ssize_t cannot be a byte count. */
	if (static_cast<long>(iocb.aio_nbytes) < 0)
		return kx::err::EINVAL;

	Req *req = KX_TRY(Req::alloc(ctx));
	kx::Result<void> r = submit_req(req, iocb, user_iocb);
	if (r.is_error()) {
		/* Nothing was started: both references are ours. */
		req->discard();
		return r;
	}
	/* Done with the submitter's reference. */
	req->put();
	return r;
}

} // namespace

kx::Result<void> submit_init()
{
	return g_fsync_wq.create("kaio_fsync", kx::Workqueue::Kind::Bound);
}

void submit_exit()
{
	g_fsync_wq.destroy();
}

namespace {

/* submit_batch(), inlined into io_submit() too. */
[[gnu::always_inline]] inline kx::Result<long> submit_all(Ctx &ctx, long nr, kx::u64 iocbpp,
							   CallerAbi abi)
{
	if (nr > static_cast<long>(ctx.nr_events()))
		nr = ctx.nr_events();

	alignas(8) unsigned char plug[KAIO_GEN_SIZEOF_BLK_PLUG];
	if (nr > kPlugThreshold)
		kaio_plug_start(plug);
	long i = 0;
	kx::Result<void> r;
	for (; i < nr; i++) {
		auto user_iocb = iocb_pointer(iocbpp, i, abi);
		if (user_iocb.is_error()) {
			r = user_iocb.error();
			break;
		}
		r = submit_one(&ctx, kx::UserPtr<kaio_abi_iocb>(user_iocb.value()));
		if (r.is_error())
			break;
	}
	if (nr > kPlugThreshold)
		kaio_plug_finish(plug);
	/* The count submitted; the error only when the first one failed. */
	if (i || r.ok())
		return i;
	return r.error();
}

} // namespace

kx::Result<long> submit_batch(Ctx &ctx, long nr, kx::u64 iocbpp, CallerAbi abi)
{
	return submit_all(ctx, nr, iocbpp, abi);
}

kx::Result<long> io_submit(kx::u64 ctx_id, long nr, kx::u64 iocbpp, CallerAbi abi)
{
	if (nr < 0)
		return kx::err::EINVAL;
	CtxRef ctx = KX_TRY(Ctx::lookup(ctx_id));
	return submit_all(*ctx, nr, iocbpp, abi);
}

} // namespace kaio
