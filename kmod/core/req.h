// SPDX-License-Identifier: GPL-2.0
/*
 * A request (the kernel's struct aio_kiocb): one iocb in flight.
 *
 * Two references: the submitter's, dropped when io_submit() is done with
 * it, and the completion's, dropped when the result arrives.  The last one
 * posts the event to the ring and frees the request; it holds a reference
 * on the context's reqs, so the context outlives it.
 */
#pragma once

#include <kaio/abi.h>
#include <kaio/bridge.h>
#include <kaio/consts.h>
#include <kx/refs.h>

namespace kaio {

class Ctx;

/* The key a submitted iocb's aio_key is set to; io_cancel() checks it. */
constexpr kx::u32 kIocbKey = 0;

class Req : kx::Pinned {
public:
	explicit Req(Ctx *ctx) : ctx_(ctx), refs_(2) {}

	/* Drop a reference; the last posts the event and frees the request. */
	void put();
	/* Free without posting: a submission that failed. */
	void destroy();

	/* The operation's result: the completion's reference is dropped. */
	void complete(long res)
	{
		event_.res = res;
		event_.res2 = 0;
		put();
	}

	/* Storage for the operation: a kiocb, or an fsync's work. */
	struct kiocb *kiocb() { return reinterpret_cast<struct kiocb *>(&op_); }
	static Req *from(struct kiocb *kiocb)
	{
		return kx::container_of(reinterpret_cast<OpStorage *>(kiocb), &Req::op_);
	}

	Ctx *ctx_;
	struct file *file_ = nullptr;
	struct eventfd_ctx *eventfd_ = nullptr;
	kaio_abi_io_event event_ = {};

private:
	struct OpStorage {
		alignas(KAIO_GEN_ALIGNOF_REQ_OP) unsigned char bytes[KAIO_GEN_SIZEOF_REQ_OP];
	};

	kx::Refcount refs_;
	OpStorage op_;
};

/* The request cache and the fsync workqueue. */
kx::Result<void> init_requests();
void exit_requests();
[[nodiscard]] kx::Result<Req *> alloc_req(Ctx *ctx);
[[nodiscard]] kx::Result<long> io_submit(kx::u64 ctx_id, long nr, kx::u64 iocbpp, bool compat);

} // namespace kaio
