// SPDX-License-Identifier: GPL-2.0
/*
 * Per-address-space state: the table of an mm's contexts (fs/aio.c keeps it
 * in mm->ioctx_table, which belongs to the built-in AIO), found by mm
 * through an rhashtable, and the mmu_notifier that tells us when the mm
 * dies.
 *
 * An MmState is made by the first io_setup() of an mm and lives until the
 * mm's exit (->release) or module exit, whichever comes first.
 */
#pragma once

#include <kaio/bridge.h>
#include <kaio/consts.h>
#include <kx/alloc.h>
#include <kx/atomic.h>
#include <kx/lock.h>
#include <kx/nospec.h>
#include <kx/result.h>
#include <kx/sched.h>
#include <kx/utility.h>

namespace kaio {

class Ctx;
struct ExitWait;

/* An RCU-replaced array of context slots; a slot's index is the ring's id. */
struct CtxTable {
	explicit CtxTable(kx::usize count) : nr(static_cast<unsigned int>(count))
	{
		for (unsigned int i = 0; i < nr; i++)
			new (&slots[i]) kx::Atomic<Ctx *>();
	}

	unsigned int nr;
	kx::Atomic<Ctx *> slots[];
};

class MmState : kx::Pinned {
public:
	/*
	 * current->mm's state, made on first use: registering the notifier
	 * may fail with ENOMEM, or ERESTARTNOINTR/EINTR on a signal.
	 */
	[[nodiscard]] static kx::Result<MmState *> get_current();
	/* @mm's state, or nullptr; under RCU. */
	[[nodiscard]] static MmState *find_rcu(struct mm_struct *mm);
	/* current->mm's state, or nullptr; under RCU (every io_* call). */
	[[nodiscard, gnu::always_inline]] static MmState *find_current_rcu()
	{
		void *node = kaio_mm_hash_lookup_current();
		return node ? from_node(node) : nullptr;
	}

	/* Publish @ctx in a free slot (growing the table) and return the slot. */
	[[nodiscard]] kx::Result<unsigned int> add(Ctx *ctx);
	/* Mark @ctx dead and unpublish it; false if it already was dead. */
	[[nodiscard]] bool unpublish(Ctx *ctx);
	/* The context in slot @id, under RCU. */
	[[nodiscard, gnu::always_inline]] Ctx *slot_rcu(unsigned int id)
	{
		CtxTable *table = table_.load();
		if (!table || id >= table->nr)
			return nullptr;
		return table->slots[kx::index_nospec(id, table->nr)].load();
	}
	/* lockdep: the caller holds this state's lock (the kernel's ioctx_lock). */
	void assert_locked() { lock_.assert_held(); }

	/* vm_ops->mremap of a ring mapping in @mm. */
	[[nodiscard]] static kx::Result<void> ring_mremap(struct file *ring, struct mm_struct *mm,
							  unsigned long new_start);

	static kx::Result<void> init();
	static void exit();
	/* States made and not yet freed. */
	[[nodiscard]] static unsigned long live();

	/* Callbacks of the notifier (see kmod/bridge/mm.c). */
	[[nodiscard]] static kx::Result<struct mmu_notifier *> alloc(struct mm_struct *mm);
	static void release(struct mmu_notifier *mn, struct mm_struct *mm);
	static void free(struct mmu_notifier *mn);

	MmState(struct mm_struct *mm, kx::Own<ExitWait> exit_wait);
	~MmState();

private:
	static MmState *from(struct mmu_notifier *mn);
	[[gnu::always_inline]] static MmState *from_node(void *node)
	{
		return kx::container_of(static_cast<NodeStorage *>(node), &MmState::node_);
	}
	struct mmu_notifier *notifier() { return reinterpret_cast<struct mmu_notifier *>(&notifier_); }
	/* Who waits for the killed contexts' requests: the exiting task, or nobody. */
	enum class ExitWaiter { Task, Nobody };
	void kill_all(ExitWaiter waiter);
	[[nodiscard]] kx::Result<void> ring_moved(struct file *ring, unsigned long new_start);
	static void unhash_and_put(MmState *state);
	static void unhash_and_put_node(void *node);
	static void free_after_rcu(struct work_struct *work);

	struct NotifierStorage {
		alignas(KAIO_GEN_ALIGNOF_MMU_NOTIFIER) unsigned char bytes[KAIO_GEN_SIZEOF_MMU_NOTIFIER];
	};
	struct NodeStorage {
		alignas(KAIO_GEN_ALIGNOF_MM_NODE) unsigned char bytes[KAIO_GEN_SIZEOF_MM_NODE];
	};
	NotifierStorage notifier_;
	NodeStorage node_;			/* in the table of states by mm */
	kx::SpinLock lock_;			/* writers of table_ (the kernel's ioctx_lock) */
	kx::Atomic<CtxTable *> table_;
	kx::Own<ExitWait> exit_wait_;		/* handed to the task at ->release */
	kx::RcuWork free_work_;
};

/* The module's own workqueue: frees that must wait for an RCU grace period. */
kx::Workqueue &free_wq();

} // namespace kaio
