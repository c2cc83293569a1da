// SPDX-License-Identifier: GPL-2.0
/* KUnit: kx::PercpuRef, kx::Refcount, kx::Completion. */
#include <kx/refs.h>
#include "kunit_bridge.h"

using namespace kx;

namespace {

struct Owner {
	int released = 0;
	Completion gone;
	PercpuRef ref;
};

void owner_release(struct percpu_ref *ref)
{
	Owner *o = PercpuRef::owner(ref, &Owner::ref);
	o->released++;
	o->gone.complete();
}

} // namespace

KX_TEST(kx_test_percpu_ref_lifecycle)
{
	Owner o;
	Result<void> r = o.ref.init(owner_release, gfp::KERNEL);
	KX_EXPECT(test, r.ok());
	if (!r.ok())
		return;
	KX_EXPECT(test, o.ref.tryget_live());
	o.ref.get();
	o.ref.put();
	o.ref.put();		/* the tryget_live reference */
	KX_EXPECT_EQ(test, o.released, 0);

	o.ref.get();
	o.ref.kill();		/* drops the initial reference; one left */
	KX_EXPECT(test, !o.ref.tryget_live());
	KX_EXPECT_EQ(test, o.released, 0);
	o.ref.put();		/* the last one: release runs once the switch */
	o.gone.wait();		/* to atomic mode completes, after a grace period */
	KX_EXPECT_EQ(test, o.released, 1);
	KX_EXPECT(test, o.ref.is_zero());
	o.ref.exit();
}

/*
 * An error path may exit() a ref that init() never ran on, even where the
 * memory held garbage before: a ref starts out as one percpu_ref_exit()
 * accepts (as a member of a default-initialised object would be made).
 */
KX_TEST(kx_test_percpu_ref_exit_without_init)
{
	alignas(PercpuRef) unsigned char mem[sizeof(PercpuRef)];

	__builtin_memset(mem, 0xa5, sizeof(mem));
	PercpuRef *ref = new (mem) PercpuRef;
	ref->exit();
	ref->~PercpuRef();
	KX_EXPECT(test, true);	/* reached: exit() did not touch garbage */
}

KX_TEST(kx_test_refcount)
{
	Refcount rc(2);
	KX_EXPECT_EQ(test, rc.read(), 2U);
	rc.inc();
	KX_EXPECT(test, !rc.dec_and_test());
	KX_EXPECT(test, !rc.dec_and_test());
	KX_EXPECT(test, rc.dec_and_test());
	KX_EXPECT_EQ(test, rc.read(), 0U);
}

KX_TEST(kx_test_completion)
{
	Completion done;
	KX_EXPECT(test, !done.done());
	done.complete();
	KX_EXPECT(test, done.done());
	done.wait();		/* returns at once: already completed */
	KX_EXPECT(test, !done.done());
}

static int g_unique_puts;
static void count_put(int *)
{
	g_unique_puts++;
}

KX_TEST(kx_test_unique_ref)
{
	int a = 0, b = 0;
	g_unique_puts = 0;
	{
		UniqueRef<int, count_put> r(&a);
		UniqueRef<int, count_put> moved(move(r));
		KX_EXPECT(test, !r && moved.get() == &a);
		moved = UniqueRef<int, count_put>(&b);	/* drops a */
		KX_EXPECT_EQ(test, g_unique_puts, 1);
	}
	KX_EXPECT_EQ(test, g_unique_puts, 2);	/* b, once; the moved-from ones put nothing */
}
