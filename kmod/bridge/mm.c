// SPDX-License-Identifier: GPL-2.0
/*
 * The address space a context belongs to.
 *
 * The built-in AIO hooks exit_aio() into __mmput(); a module cannot, so it
 * registers an mmu_notifier per mm whose ->release runs at the same point
 * (exit_mmap(), on exit and on exec, before the mappings go).  The core
 * allocates its per-mm state around the notifier.
 */
#include <linux/mmu_notifier.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/nospec.h>
#include <kaio/bridge.h>

static void kaio_mm_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	kaio_core_mm_release(mn);
}

static struct mmu_notifier *kaio_mm_alloc(struct mm_struct *mm)
{
	struct mmu_notifier *mn = kaio_core_mm_alloc(mm);

	return mn ? mn : ERR_PTR(-ENOMEM);
}

static void kaio_mm_free(struct mmu_notifier *mn)
{
	kaio_core_mm_free(mn);
}

static const struct mmu_notifier_ops kaio_mm_ops = {
	.release = kaio_mm_release,
	.alloc_notifier = kaio_mm_alloc,
	.free_notifier = kaio_mm_free,
};

struct mm_struct *kaio_current_mm(void)
{
	return current->mm;
}

/* The notifier of the current mm, made on first use; NULL on failure. */
struct mmu_notifier *kaio_mm_notifier_get(void)
{
	struct mmu_notifier *mn = mmu_notifier_get(&kaio_mm_ops, current->mm);

	return IS_ERR(mn) ? NULL : mn;
}

void kaio_mm_notifier_put(struct mmu_notifier *mn)
{
	mmu_notifier_put(mn);
}

/* Module exit: wait until every notifier put so far has been freed. */
void kaio_mm_notifier_synchronize(void)
{
	mmu_notifier_synchronize();
}

unsigned long kaio_array_index_nospec(unsigned long index, unsigned long size)
{
	return array_index_nospec(index, size);
}
