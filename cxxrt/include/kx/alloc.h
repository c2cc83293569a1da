// SPDX-License-Identifier: GPL-2.0
/*
 * Explicit, fallible allocation.
 *
 * There is no global operator new.  Objects are made with
 *
 *	auto obj = KX_TRY(kx::make<Thing>(kx::gfp::KERNEL, args...));
 *
 * which names its GFP context, returns -ENOMEM instead of a null pointer,
 * and hands back a kx::Own<Thing> that destroys and frees the object when it
 * goes out of scope, unless it was release()d to a longer-lived owner.
 */
#pragma once

#include <kx/consts.h>
#include <kx/result.h>
#include <kx/span.h>
#include <kx/utility.h>

namespace kx {

/* The cache line of the kernel built against (SMP_CACHE_BYTES), for alignas(). */
inline constexpr usize kCacheLine = KX_CACHELINE_BYTES;

/* A GFP mask, as the kernel it was built against defines it. */
struct Gfp {
	unsigned int bits;

	[[nodiscard]] constexpr Gfp operator|(Gfp other) const { return {bits | other.bits}; }
};

namespace gfp {
inline constexpr Gfp KERNEL{KX_GFP_KERNEL};
inline constexpr Gfp KERNEL_ACCOUNT{KX_GFP_KERNEL_ACCOUNT};
inline constexpr Gfp ATOMIC{KX_GFP_ATOMIC};
inline constexpr Gfp NOWAIT{KX_GFP_NOWAIT};
inline constexpr Gfp ZERO{KX_GFP_ZERO};
inline constexpr Gfp NOWARN{KX_GFP_NOWARN};
} // namespace gfp

/* Sole owner of a heap object made by kx::make(); move-only. */
template <typename T>
class Own {
public:
	Own() = default;
	Own(nullptr_t) {}
	explicit Own(T *adopted) : ptr_(adopted) {}
	Own(Own &&other) : ptr_(other.leak()) {}

	template <typename U, typename = enable_if_t<is_base_of_v<T, U>>>
	Own(Own<U> &&other) : ptr_(other.leak())
	{
		static_assert(__has_virtual_destructor(T), "upcast needs a virtual destructor");
	}

	Own &operator=(Own &&other)
	{
		if (this != &other)
			reset(other.leak());
		return *this;
	}

	Own(const Own &) = delete;
	Own &operator=(const Own &) = delete;

	~Own() { reset(); }

	[[nodiscard]] T *get() const { return ptr_; }
	T *operator->() const { return ptr_; }
	T &operator*() const { return *ptr_; }
	explicit operator bool() const { return ptr_ != nullptr; }

	/* Give up ownership; the caller now frees the object. */
	[[nodiscard]] T *leak() { return exchange(ptr_, nullptr); }

	void reset(T *other = nullptr)
	{
		T *old = exchange(ptr_, other);
		if (old)
			delete old;	/* ~T(), then operator delete: kfree() */
	}

private:
	T *ptr_ = nullptr;
};

/* Construct a T in fresh kmalloc() memory. */
template <typename T, typename... Args>
[[nodiscard]] Result<Own<T>> make(Gfp gfp, Args &&...args)
{
	static_assert(alignof(T) <= 8, "kmalloc only promises 8; use a kx::SlabCache");
	void *mem = KX_TRY(from_err_ptr(kx_kmalloc(sizeof(T), gfp.bits)));
	return Own<T>(new (mem) T(forward<Args>(args)...));
}

/*
 * A T that ends in a flexible array of @count Es, in one kmalloc() block
 * sized as struct_size() sizes it (an overflow is ENOMEM, never a short
 * block).  T's constructor gets the count first and constructs the
 * elements; free with free_flex().
 */
template <typename T, typename E, typename... Args>
[[nodiscard]] Result<T *> make_flex(Gfp gfp, usize count, Args &&...args)
{
	static_assert(alignof(T) <= 8 && alignof(E) <= 8, "kmalloc only promises 8");
	usize bytes;
	if (mul_overflows(count, sizeof(E), &bytes) || add_overflows(bytes, sizeof(T), &bytes))
		return err::ENOMEM;
	void *mem = KX_TRY(from_err_ptr(kx_kmalloc(bytes, gfp.bits)));
	return new (mem) T(count, forward<Args>(args)...);
}

template <typename T>
void free_flex(T *obj)
{
	static_assert(is_trivially_destructible_v<T>, "flexible arrays are not destroyed one by one");
	kx_kfree(obj);
}

/*
 * A slab cache of T (kmem_cache): cache-line aligned objects of one type,
 * as the kernel keeps hot, often allocated objects.  Objects are made with
 * make() and destroyed with free(); the cache outlives all of them.
 */
template <typename T>
class SlabCache : Pinned {
public:
	SlabCache() = default;

	[[nodiscard]] Result<void> create(const char *name)
	{
		cache_ = KX_TRY(from_err_ptr(kx_slab_create(name, sizeof(T), alignof(T))));
		return {};
	}

	/* kmem_cache_destroy(): every object must have been destroyed. */
	void destroy()
	{
		if (cache_)
			kx_slab_destroy(exchange(cache_, nullptr));
	}

	template <typename... Args>
	[[nodiscard]] Result<T *> make(Gfp gfp, Args &&...args)
	{
		void *mem = KX_TRY(from_err_ptr(kx_slab_alloc(cache_, gfp.bits)));
		return new (mem) T(forward<Args>(args)...);
	}

	void free(T *obj)
	{
		obj->~T();
		kx_slab_free(cache_, obj);
	}

private:
	struct kmem_cache *cache_ = nullptr;
};

/*
 * An owned array of trivially destructible elements, e.g. a page-pointer
 * table; the size is overflow-checked as kmalloc_array() does.
 */
template <typename T>
class OwnArray {
	static_assert(is_trivially_destructible_v<T>, "elements are not destroyed one by one");

public:
	OwnArray() = default;
	OwnArray(OwnArray &&other) : data_(exchange(other.data_, nullptr)), size_(exchange(other.size_, 0)) {}
	OwnArray &operator=(OwnArray &&other)
	{
		if (this != &other) {
			kx_kfree(data_);
			data_ = exchange(other.data_, nullptr);
			size_ = exchange(other.size_, 0);
		}
		return *this;
	}
	OwnArray(const OwnArray &) = delete;
	OwnArray &operator=(const OwnArray &) = delete;
	~OwnArray() { kx_kfree(data_); }

	/* @count elements; with gfp::ZERO they start zeroed, otherwise undefined. */
	[[nodiscard]] static Result<OwnArray> create(Gfp gfp, usize count)
	{
		usize bytes;
		if (mul_overflows(count, sizeof(T), &bytes))
			return err::ENOMEM;
		void *mem = KX_TRY(from_err_ptr(kx_kmalloc(bytes ? bytes : 1, gfp.bits)));
		OwnArray arr;
		arr.data_ = static_cast<T *>(mem);
		arr.size_ = count;
		return arr;
	}

	[[nodiscard]] usize size() const { return size_; }
	[[nodiscard]] T *data() const { return data_; }
	[[nodiscard]] Span<T> span() const { return {data_, size_}; }
	T &operator[](usize i) const { return span()[i]; }

private:
	T *data_ = nullptr;
	usize size_ = 0;
};

} // namespace kx
