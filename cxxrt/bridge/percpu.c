// SPDX-License-Identifier: GPL-2.0
/* kx per-CPU bridge: per-CPU memory and the local CPU's interrupts. */
#include <linux/percpu.h>
#include <linux/irqflags.h>
#include <linux/err.h>
#include <kx/bridge.h>

void *kx_alloc_percpu(unsigned long size, unsigned long align)
{
	void __percpu *mem = __alloc_percpu(size, align);

	return mem ? (__force void *)mem : ERR_PTR(-ENOMEM);
}

void kx_free_percpu(void *ptr)
{
	free_percpu((__force void __percpu *)ptr);
}

unsigned long kx_local_irq_save(void)
{
	unsigned long flags;

	local_irq_save(flags);
	return flags;
}

void kx_local_irq_restore(unsigned long flags)
{
	local_irq_restore(flags);
}

/* Interrupts off, and this CPU's copy: PerCpu::with_local() in one call. */
void *kx_this_cpu_ptr_irqsave(void *percpu, unsigned long *flags)
{
	unsigned long f;

	local_irq_save(f);
	*flags = f;
	return this_cpu_ptr((void __percpu *)percpu);
}
