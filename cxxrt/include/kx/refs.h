// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's lifetime primitives, wrapped (not reinvented): percpu_ref,
 * refcount_t and completions, as opaque storage sized from the tree.
 *
 * A percpu_ref's release callback receives the struct percpu_ref; the
 * owning object is recovered with PercpuRef::owner():
 *
 *	static void users_gone(struct percpu_ref *ref)
 *	{
 *		Ctx *ctx = kx::PercpuRef::owner(ref, &Ctx::users_);
 *		...
 *	}
 */
#pragma once

#include <kx/alloc.h>
#include <kx/bridge.h>
#include <kx/consts.h>
#include <kx/result.h>
#include <kx/utility.h>

namespace kx {

class PercpuRef : Pinned {
public:
	using Release = void (*)(struct percpu_ref *ref);

	/*
	 * Zeroed: a ref that init() never ran on (or that failed) is one
	 * percpu_ref_exit() accepts, so an error path may exit() every ref it
	 * owns without tracking which were initialised.
	 */
	PercpuRef() : storage_{} {}

	/* percpu_ref_init() with one reference held by the caller. */
	[[nodiscard]] Result<void> init(Release release, Gfp gfp)
	{
		if (kx_percpu_ref_init(raw(), release, gfp.bits))
			return err::ENOMEM;
		return {};
	}

	/* percpu_ref_exit(): after release, or on an init error path. */
	void exit() { kx_percpu_ref_exit(raw()); }

	void get() { kx_percpu_ref_get(raw()); }
	void put() { kx_percpu_ref_put(raw()); }
	[[nodiscard]] bool tryget_live() { return kx_percpu_ref_tryget_live(raw()); }
	/* Switch to atomic mode and drop the initial reference. */
	void kill() { kx_percpu_ref_kill(raw()); }
	[[nodiscard]] bool is_zero() { return kx_percpu_ref_is_zero(raw()); }

	[[nodiscard]] struct percpu_ref *raw() { return reinterpret_cast<struct percpu_ref *>(storage_); }

	template <typename T>
	[[nodiscard]] static T *owner(struct percpu_ref *ref, PercpuRef T::*member)
	{
		return container_of(reinterpret_cast<PercpuRef *>(ref), member);
	}

private:
	alignas(KX_ALIGNOF_PERCPU_REF) unsigned char storage_[KX_SIZEOF_PERCPU_REF];
};

/* refcount_t: saturating, warns on underflow and use-after-free patterns. */
class Refcount : Pinned {
public:
	explicit Refcount(unsigned int initial) { kx_refcount_set(storage_, initial); }

	void inc() { kx_refcount_inc(storage_); }
	[[nodiscard]] bool dec_and_test() { return kx_refcount_dec_and_test(storage_); }
	[[nodiscard]] unsigned int read() { return kx_refcount_read(storage_); }

private:
	alignas(4) unsigned char storage_[KX_SIZEOF_REFCOUNT];
};

class Completion : Pinned {
public:
	Completion() { kx_completion_init(storage_); }

	void complete() { kx_completion_complete(storage_); }
	/* wait_for_completion(): uninterruptible, as io_destroy waits. */
	void wait() { kx_completion_wait(storage_); }
	[[nodiscard]] bool done() { return kx_completion_done(storage_); }

private:
	alignas(KX_ALIGNOF_COMPLETION) unsigned char storage_[KX_SIZEOF_COMPLETION];
};

/*
 * A counted reference to a kernel object that someone else's function
 * drops (fput(), eventfd_ctx_put(), ...): move-only, dropped when it goes.
 *
 *	using FileRef = kx::UniqueRef<struct file, kaio_fput>;
 */
template <typename T, void (*Put)(T *)>
class UniqueRef {
public:
	UniqueRef() = default;
	/* Adopts a reference the caller holds. */
	explicit UniqueRef(T *adopted) : ptr_(adopted) {}
	UniqueRef(UniqueRef &&other) : ptr_(exchange(other.ptr_, nullptr)) {}
	UniqueRef &operator=(UniqueRef &&other)
	{
		if (this != &other)
			reset(exchange(other.ptr_, nullptr));
		return *this;
	}
	UniqueRef(const UniqueRef &) = delete;
	UniqueRef &operator=(const UniqueRef &) = delete;
	~UniqueRef() { reset(); }

	[[nodiscard]] T *get() const { return ptr_; }
	explicit operator bool() const { return ptr_ != nullptr; }

	void reset(T *other = nullptr)
	{
		if (T *old = exchange(ptr_, other))
			Put(old);
	}

private:
	T *ptr_ = nullptr;
};

} // namespace kx
