// SPDX-License-Identifier: GPL-2.0
/*
 * A request (the kernel's struct aio_kiocb): one iocb in flight.
 *
 * Two references: the submitter's, dropped when io_submit() is done with
 * it, and the completion's, dropped when the result arrives.  The last one
 * posts the event to the ring and frees the request.  The request holds its
 * context's reqs (a ReqsRef, so the context outlives it), its file and its
 * eventfd, each as a move-only reference that lets go when the request does.
 */
#pragma once

#include <kaio/abi.h>
#include <kaio/bridge.h>
#include <kaio/consts.h>
#include <kx/refs.h>

#include "ctx.h"
#include "poll.h"

namespace kaio {

/* The key a submitted iocb's aio_key is set to; io_cancel() checks it. */
constexpr kx::u32 kIocbKey = 0;

/* What a request holds: its file and its eventfd (kmod/bridge/files.c, eventfd.c). */
using FileRef = kx::UniqueRef<struct file, kaio_fput>;
using EventfdRef = kx::UniqueRef<struct eventfd_ctx, kaio_eventfd_put>;

/* The file open as @fd in the caller; EBADF if none. */
[[nodiscard]] inline kx::Result<FileRef> file_from_fd(int fd)
{
	return FileRef(KX_TRY(kx::from_err_ptr(kaio_fget(fd))));
}

/* The eventfd open as @fd; EBADF, or EINVAL if it is no eventfd. */
[[nodiscard]] inline kx::Result<EventfdRef> eventfd_from_fd(int fd)
{
	return EventfdRef(KX_TRY(kx::from_err_ptr(kaio_eventfd_get(fd))));
}

/* On the context's cancellable list while it is a pending poll (ctx.h). */
class Req : kx::Pinned, public Cancellable {
public:
	/* aio_get_req(): a free ring slot, then the request; EAGAIN without either. */
	[[nodiscard]] static kx::Result<Req *> alloc(Ctx *ctx);

	/* Drop a reference; the last posts the event and frees the request. */
	void put();
	/* Free without posting, and give the ring slot back: a submission that failed. */
	void discard();

	/* The operation's result: the completion's reference is dropped. */
	void complete(long res)
	{
		event_.res = res;
		event_.res2 = 0;
		put();
	}

	/* Storage for the operation: a kiocb, an fsync's work, or a poll. */
	struct kiocb *kiocb() { return reinterpret_cast<struct kiocb *>(&op_); }
	static Req *from(struct kiocb *kiocb)
	{
		return kx::container_of(reinterpret_cast<OpStorage *>(kiocb), &Req::op_);
	}
	/* The poll's state, made by start_poll(). */
	PollOp *poll() { return reinterpret_cast<PollOp *>(&op_); }
	static Req *from(PollOp *poll)
	{
		return kx::container_of(reinterpret_cast<OpStorage *>(poll), &Req::op_);
	}

	[[nodiscard]] Ctx *ctx() const { return ctx_.get(); }

	FileRef file_;
	EventfdRef eventfd_;
	kaio_abi_io_event event_ = {};

	explicit Req(Ctx *ctx) : ctx_(ctx), refs_(2) {}
	~Req() = default;

	static kx::Result<void> init_cache();
	static void destroy_cache();

private:
	static constexpr kx::usize kOpSize =
		KAIO_GEN_SIZEOF_REQ_OP > sizeof(PollOp) ? KAIO_GEN_SIZEOF_REQ_OP : sizeof(PollOp);
	static constexpr kx::usize kOpAlign =
		KAIO_GEN_ALIGNOF_REQ_OP > alignof(PollOp) ? KAIO_GEN_ALIGNOF_REQ_OP : alignof(PollOp);
	struct OpStorage {
		alignas(kOpAlign) unsigned char bytes[kOpSize];
	};

	inline void destroy();	/* defined in req.cpp, its only user */

	ReqsRef ctx_;
	kx::Refcount refs_;
	OpStorage op_;
};

} // namespace kaio
