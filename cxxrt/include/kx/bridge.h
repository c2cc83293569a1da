/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The C functions behind the C++ runtime.
 *
 * Included from C (the cxxrt/bridge files, which see the kernel headers) and from
 * C++ (which never does).  So only builtin types here: kernel objects that
 * C++ embeds are opaque byte storage whose size and alignment come from
 * <kx/consts.h>, generated from the tree being built against.
 *
 * None of these is declared noreturn: objtool cannot see through a call into
 * another object, so a terminator lives in C and C++ just calls it.
 */
#ifndef KX_BRIDGE_H
#define KX_BRIDGE_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Type conventions (checked in the bridge): sizes are unsigned long
 * (size_t), GFP masks unsigned int (gfp_t), and user addresses are 64-bit
 * integers (u64), never dereferenced.  C++ cannot see the kernel's __printf.
 *
 * Error convention (as kmod/include/kaio/bridge.h's): an int is 0 or a
 * negative errno; a pointer that can fail is an error pointer, never NULL
 * (C++ takes them apart with kx::to_result() and kx::from_err_ptr()).
 * Predicates (the trylocks, kx_irqs_disabled(), kx_signal_pending(), ...)
 * return 0 or 1.
 */
#define KX_PRINTF(fmt, args) __attribute__((__format__(__printf__, fmt, args)))

/* Memory: kmalloc/kfree and slab caches; allocations fail with ERR_PTR(-ENOMEM). */
void *kx_kmalloc(unsigned long size, unsigned int gfp);
void kx_kfree(const void *ptr);
struct kmem_cache;
struct kmem_cache *kx_slab_create(const char *name, unsigned long size, unsigned long align);
void kx_slab_destroy(struct kmem_cache *cache);
void *kx_slab_alloc(struct kmem_cache *cache, unsigned int gfp);
void kx_slab_free(struct kmem_cache *cache, void *obj);

/*
 * Locks.  @lock points at storage of KX_SIZEOF_SPINLOCK / KX_SIZEOF_MUTEX
 * bytes; @key at KX_SIZEOF_LOCK_CLASS_KEY bytes of static storage, one per
 * lock class, which lockdep keys its dependency graph on.
 */
void kx_spin_init(void *lock, const char *name, void *key);
void kx_spin_lock(void *lock);
void kx_spin_unlock(void *lock);
void kx_spin_lock_irq(void *lock);
void kx_spin_unlock_irq(void *lock);
unsigned long kx_spin_lock_irqsave(void *lock);
void kx_spin_unlock_irqrestore(void *lock, unsigned long flags);
int kx_spin_trylock(void *lock);		/* 1 if taken */
int kx_spin_trylock_irqsave(void *lock, unsigned long *flags);	/* 1 if taken */
void kx_spin_assert_held(void *lock);

void kx_mutex_init(void *lock, const char *name, void *key);
void kx_mutex_destroy(void *lock);
void kx_mutex_lock(void *lock);
int kx_mutex_lock_killable(void *lock);		/* 0 or -EINTR */
int kx_mutex_trylock(void *lock);		/* 1 if taken */
void kx_mutex_unlock(void *lock);
int kx_mutex_is_locked(void *lock);
void kx_mutex_assert_held(void *lock);

int kx_irqs_disabled(void);

/* Per-CPU memory (percpu.c): zeroed, or ERR_PTR(-ENOMEM). */
void *kx_alloc_percpu(unsigned long size, unsigned long align);
void kx_free_percpu(void *ptr);
unsigned long kx_local_irq_save(void);
void kx_local_irq_restore(unsigned long flags);
/* local_irq_save() into *@flags, then this_cpu_ptr(@percpu): one call. */
void *kx_this_cpu_ptr_irqsave(void *percpu, unsigned long *flags);

/* Pages (page.c): kmap_local_page()/kunmap_local(), strictly nested. */
struct page;
void *kx_page_map(struct page *page);
void kx_page_unmap(void *addr);
/* A page's permanent kernel address: only where KX_PAGES_DIRECTLY_MAPPED. */
void *kx_page_address(struct page *page);

/* array_index_nospec() (nospec.c). */
unsigned long kx_array_index_nospec(unsigned long index, unsigned long size);

/*
 * Lifetimes.  Kernel objects C++ embeds as storage of the KX_SIZEOF_*
 * sizes; the struct types are opaque here.
 */
struct percpu_ref;
struct work_struct;
struct workqueue_struct;

int kx_percpu_ref_init(struct percpu_ref *ref, void (*release)(struct percpu_ref *ref),
		       unsigned int gfp);
void kx_percpu_ref_exit(struct percpu_ref *ref);
void kx_percpu_ref_get(struct percpu_ref *ref);
void kx_percpu_ref_put(struct percpu_ref *ref);
int kx_percpu_ref_tryget_live(struct percpu_ref *ref);
void kx_percpu_ref_kill(struct percpu_ref *ref);
int kx_percpu_ref_is_zero(struct percpu_ref *ref);

void kx_refcount_set(void *ref, unsigned int value);
void kx_refcount_inc(void *ref);
int kx_refcount_dec_and_test(void *ref);
unsigned int kx_refcount_read(void *ref);

void kx_completion_init(void *done);
void kx_completion_complete(void *done);
void kx_completion_wait(void *done);
int kx_completion_done(void *done);

/* Wait queues, RCU, deferred work. */
void kx_waitqueue_init(void *wq, const char *name, void *key);
void kx_wake_up(void *wq);
void kx_wake_up_all(void *wq);
int kx_wait_event_interruptible_unmet(void *wq, int (*cond)(void *arg), void *arg,
				      long long timeout);
void kx_might_sleep(void);
void kx_wait_event(void *wq, int (*cond)(void *arg), void *arg);
void kx_sched_annotate_sleep(void);
int kx_signal_pending(void);
unsigned int kx_num_possible_cpus(void);

void kx_rcu_read_lock(void);
void kx_rcu_read_unlock(void);
void kx_synchronize_rcu(void);

struct workqueue_struct *kx_workqueue_create(const char *name, int unbound);
void kx_workqueue_destroy(struct workqueue_struct *wq);
void kx_work_init(void *work, void (*fn)(struct work_struct *work));
int kx_queue_work(struct workqueue_struct *wq, void *work);	/* 1 if queued, 0 if pending */
void kx_queue_rcu_work(struct workqueue_struct *wq, void *rwork,
		       void (*fn)(struct work_struct *work));
void *kx_rcu_work_of(struct work_struct *work);

/*
 * Task work (@storage: KX_SIZEOF_TASK_WORK bytes), run by the current task
 * on its way to user space or out of exit; the module stays loaded until
 * @fn has returned.  0 or -errno.
 */
int kx_task_work_queue(void *storage, void (*fn)(void *work));

/* Module exit, last: no task is left inside module text (see sched.c). */
void kx_module_text_barrier(void);

/* User memory: each returns the number of bytes NOT copied (0 = success). */
unsigned long kx_copy_from_user(void *to, unsigned long long from, unsigned long n);
unsigned long kx_copy_to_user(unsigned long long to, const void *from, unsigned long n);
/* The same for one object of a fixed type's size (no hardened-usercopy walk). */
unsigned long kx_copy_from_user_object(void *to, unsigned long long from, unsigned long n);
unsigned long kx_copy_to_user_object(unsigned long long to, const void *from, unsigned long n);

/* Log and warn.  kx_warn() is WARN(1, ...); kx_bug() is BUG(). */
void kx_log(int level, const char *fmt, ...) KX_PRINTF(2, 3);
void kx_warn(const char *file, int line, const char *what);
void kx_bug(const char *file, int line, const char *what);

#ifdef __cplusplus
}
#endif

#endif /* KX_BRIDGE_H */
