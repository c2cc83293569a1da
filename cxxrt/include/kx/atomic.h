// SPDX-License-Identifier: GPL-2.0
/*
 * Atomics and barriers with the kernel's semantics (memory-barriers.txt,
 * atomic_t.txt), for x86-64:
 *
 *   kx::Atomic<T>::load()/store()      READ_ONCE()/WRITE_ONCE(): one access,
 *                                      no ordering
 *   load_acquire()/store_release()     smp_load_acquire()/smp_store_release()
 *   add()/sub()/inc()/dec()            atomic_add() & co: RMW, no ordering
 *                                      promise (x86's lock prefix orders anyway)
 *   *_return(), fetch_*(), xchg(),     fully ordered, like the kernel's
 *   cmpxchg(), dec_and_test()          value-returning atomics
 *   smp_mb()/smp_rmb()/smp_wmb()       as arch/x86/include/asm/barrier.h
 *
 * The GCC __atomic builtins generate the same lock-prefixed instructions as
 * the kernel's inline assembly, and KASAN instruments them as accesses.
 */
#pragma once

#include <kx/utility.h>

#ifndef __x86_64__
#error "kx/atomic.h maps the kernel's x86-64 barriers; port it for this arch"
#endif

namespace kx {

/* barrier(): the compiler may not move memory accesses across it. */
inline void barrier()
{
	asm volatile("" ::: "memory");
}

/* smp_mb(): a full barrier; x86 uses a locked no-op on the stack. */
inline void smp_mb()
{
	asm volatile("lock; addl $0,-4(%%rsp)" ::: "memory", "cc");
}

/* x86 is TSO: loads are not reordered with loads, stores not with stores. */
inline void smp_rmb()
{
	barrier();
}

inline void smp_wmb()
{
	barrier();
}

/* READ_ONCE() / WRITE_ONCE() on plain memory, e.g. a field userspace writes. */
template <typename T>
[[nodiscard]] inline T read_once(const T &ref)
{
	static_assert(is_integral_v<T> || is_pointer_v<T>, "scalars only");
	return *static_cast<const volatile T *>(&ref);
}

template <typename T>
inline void write_once(T &ref, T value)
{
	static_assert(is_integral_v<T> || is_pointer_v<T>, "scalars only");
	*static_cast<volatile T *>(&ref) = value;
}

template <typename T>
class Atomic {
	static_assert(is_integral_v<T> || is_pointer_v<T>, "integers and pointers only");
	static_assert(sizeof(T) == 4 || sizeof(T) == 8, "atomic_t and atomic64_t sizes only");

public:
	constexpr Atomic() : v_() {}
	constexpr explicit Atomic(T initial) : v_(initial) {}
	Atomic(const Atomic &) = delete;
	Atomic &operator=(const Atomic &) = delete;

	[[nodiscard]] T load() const { return __atomic_load_n(&v_, __ATOMIC_RELAXED); }
	void store(T v) { __atomic_store_n(&v_, v, __ATOMIC_RELAXED); }
	[[nodiscard]] T load_acquire() const { return __atomic_load_n(&v_, __ATOMIC_ACQUIRE); }
	void store_release(T v) { __atomic_store_n(&v_, v, __ATOMIC_RELEASE); }

	void add(T d) { __atomic_fetch_add(&v_, d, __ATOMIC_RELAXED); }
	void sub(T d) { __atomic_fetch_sub(&v_, d, __ATOMIC_RELAXED); }
	void inc() { add(1); }
	void dec() { sub(1); }

	T fetch_add(T d) { return __atomic_fetch_add(&v_, d, __ATOMIC_SEQ_CST); }
	T fetch_sub(T d) { return __atomic_fetch_sub(&v_, d, __ATOMIC_SEQ_CST); }
	T add_return(T d) { return __atomic_add_fetch(&v_, d, __ATOMIC_SEQ_CST); }
	T sub_return(T d) { return __atomic_sub_fetch(&v_, d, __ATOMIC_SEQ_CST); }
	T inc_return() { return add_return(1); }
	T dec_return() { return sub_return(1); }
	[[nodiscard]] bool dec_and_test() { return sub_return(1) == 0; }

	T xchg(T v) { return __atomic_exchange_n(&v_, v, __ATOMIC_SEQ_CST); }

	/* cmpxchg(): returns the old value; stored @desired iff it was @expected. */
	T cmpxchg(T expected, T desired)
	{
		__atomic_compare_exchange_n(&v_, &expected, desired, false, __ATOMIC_SEQ_CST,
					    __ATOMIC_SEQ_CST);
		return expected;
	}

	/* try_cmpxchg(): on failure *expected is updated to the current value. */
	[[nodiscard]] bool try_cmpxchg(T *expected, T desired)
	{
		return __atomic_compare_exchange_n(&v_, expected, desired, false, __ATOMIC_SEQ_CST,
						   __ATOMIC_SEQ_CST);
	}

	/* atomic_add_unless(): add @d unless the value is @unless; true if added. */
	bool add_unless(T d, T unless)
	{
		T cur = load();
		do {
			if (cur == unless)
				return false;
		} while (!try_cmpxchg(&cur, cur + d));
		return true;
	}

private:
	T v_;
};

static_assert(sizeof(Atomic<int>) == 4 && sizeof(Atomic<long>) == 8);

} // namespace kx
