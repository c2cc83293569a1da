// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU data (alloc_percpu()), reached only with interrupts off on the
 * local CPU, the way fs/aio.c reaches its per-CPU slot caches:
 *
 *	kx::PerCpu<Cache> cache;		// zeroed, one T per possible CPU
 *	KX_TRY(cache.create());
 *	cache.with_local([&](Cache &mine) { mine.count++; });
 *
 * T must be plain data: the memory starts zeroed (no constructor runs) and
 * is freed without running destructors.
 */
#pragma once

#include <kx/bridge.h>
#include <kx/error.h>
#include <kx/result.h>
#include <kx/utility.h>

namespace kx {

/* local_irq_save()/local_irq_restore() for a scope. */
class LocalIrqGuard : Pinned {
public:
	[[nodiscard, gnu::always_inline]] LocalIrqGuard() : flags_(kx_local_irq_save()) {}
	/* Interrupts already off, saved in @flags: restore them at scope exit. */
	struct Adopt {
		unsigned long flags;
	};
	[[nodiscard, gnu::always_inline]] explicit LocalIrqGuard(Adopt saved) : flags_(saved.flags) {}
	[[gnu::always_inline]] ~LocalIrqGuard() { kx_local_irq_restore(flags_); }

private:
	unsigned long flags_;
};

template <typename T>
class PerCpu : Pinned {
	static_assert(is_trivially_destructible_v<T>, "per-CPU memory is freed without destructors");
	static_assert(__is_trivial(T), "per-CPU memory starts zeroed, no constructor runs");

public:
	PerCpu() = default;
	~PerCpu() { destroy(); }

	/* Zeroed storage for every possible CPU. */
	[[nodiscard]] Result<void> create()
	{
		ptr_ = KX_TRY(from_err_ptr(kx_alloc_percpu(sizeof(T), alignof(T))));
		return {};
	}

	void destroy()
	{
		if (ptr_)
			kx_free_percpu(exchange(ptr_, nullptr));
	}

	/* Run @fn on this CPU's T with interrupts off (nothing else on the CPU can touch it). */
	template <typename Fn>
	[[gnu::always_inline]] decltype(auto) with_local(Fn &&fn)
	{
		unsigned long flags;
		T *mine = static_cast<T *>(kx_this_cpu_ptr_irqsave(ptr_, &flags));
		LocalIrqGuard off(LocalIrqGuard::Adopt{flags});
		return fn(*mine);
	}

private:
	void *ptr_ = nullptr;
};

} // namespace kx
