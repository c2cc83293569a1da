/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seam between kaio's C bridge and its C++ core.  Builtin types only;
 * kernel objects are opaque pointers.
 *
 * C calls into C++ (file_operations, directly or through trampolines)
 * through the kaio_core_* functions; each returns a negative errno or a result, already
 * converted from the C++ side's kx::Result in exactly one place.
 *
 * One error convention for every function here, both ways: an int is 0 or
 * a negative errno (a value, if any, goes through an out-parameter); a
 * pointer is valid or an error pointer (ERR_PTR()), never NULL for
 * "failed".  Predicates (kaio_mm_release_is_own) return 0 or 1, and a
 * lookup may return NULL for "not there".  C++ adapts these with
 * kx::to_result() and kx::from_err_ptr().  Generic kernel primitives (pages,
 * per-CPU data, locks) are the C++ runtime's (cxxrt/include/kx/bridge.h),
 * not listed here.
 */
#ifndef KAIO_BRIDGE_H
#define KAIO_BRIDGE_H

#ifdef __cplusplus
extern "C" {
#endif

struct file;
struct page;
struct folio;
struct address_space;
struct mm_struct;
struct mmu_notifier;

/* Module lifetime: init runs before /dev/kaio exists, exit after it is gone. */
int kaio_core_init(void);
void kaio_core_exit(void);

/* /dev/kaio file operations. @arg is a user address (compat already widened). */
int kaio_core_open(struct file *file);
int kaio_core_release(struct file *file);
/* ->unlocked_ioctl itself: a 64-bit caller's call goes straight to the core. */
long kaio_core_unlocked_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
/* A 32-bit caller's ioctl, @arg already widened with compat_ptr(). */
long kaio_core_compat_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

/*
 * The ring (kmod/bridge/aiofs.c).  A ring file's mapping carries its
 * core Ring (@ring) for migration until kaio_ring_file_put().
 */
int kaio_core_ring_mremap(struct file *file, struct mm_struct *mm, unsigned long new_start);
int kaio_core_ring_migrate(void *ring, struct address_space *mapping, struct folio *dst,
			   struct folio *src);

struct file *kaio_ring_file_create(void *ring, unsigned long nr_pages);
void kaio_ring_file_put(struct file *file);
struct page *kaio_ring_page_create(struct file *file, unsigned long index);	/* zeroed */
void kaio_page_put(struct page *page);
int kaio_ring_mmap_user(struct file *file, unsigned long size, unsigned long *addr);
void kaio_ring_munmap_user(unsigned long addr, unsigned long size);
int kaio_folio_migrate_mapping(struct address_space *mapping, struct folio *dst,
			       struct folio *src);
void kaio_folio_migrate_copy(struct folio *dst, struct folio *src);
void kaio_folio_put(struct folio *folio);
struct page *kaio_folio_page(struct folio *folio);
unsigned long kaio_folio_index(struct folio *folio);

/*
 * The address space (kmod/bridge/mm.c): one mmu_notifier per mm that uses
 * kaio, allocated by the core (alloc/free) and told when the mm goes away.
 */
struct mmu_notifier *kaio_core_mm_alloc(struct mm_struct *mm);
void kaio_core_mm_free(struct mmu_notifier *mn);
void kaio_core_mm_release(struct mmu_notifier *mn, struct mm_struct *mm);

/* current->mm's notifier, or an error pointer (-ERESTARTNOINTR on a signal). */
struct mmu_notifier *kaio_mm_notifier_get(void);
void kaio_mm_notifier_put(struct mmu_notifier *mn);
int kaio_mm_release_is_own(struct mm_struct *mm);

/*
 * The per-mm states by mm (kmod/bridge/mmhash.c).  @node: storage of
 * KAIO_GEN_SIZEOF_MM_NODE bytes in the state.  Lookups under RCU.
 */
int kaio_mm_hash_init(void);
void kaio_mm_hash_destroy(void);
void kaio_mm_hash_init_node(void *node, struct mm_struct *mm);
void *kaio_mm_hash_insert(void *node);	/* NULL, the node already there, or ERR_PTR */
int kaio_mm_hash_remove(void *node);	/* 0, or -ENOENT if not in the table */
void *kaio_mm_hash_lookup(struct mm_struct *mm);	/* NULL: no state */
void *kaio_mm_hash_lookup_current(void);		/* current->mm's, or NULL */
void kaio_mm_hash_drain(void (*fn)(void *node));

/*
 * Counters for tests and the curious (kmod/bridge/debugfs.c):
 * /sys/kernel/debug/kaio/objects.
 */
void kaio_core_objects(unsigned long *contexts, unsigned long *mm_states);
void kaio_debugfs_init(void);
void kaio_debugfs_exit(void);

/*
 * Reads and writes (kmod/bridge/rw.c).  @kiocb is the operation storage
 * (KAIO_GEN_SIZEOF_REQ_OP bytes) of a core request; kaio_core_rw_done()
 * receives its result, from any context including hard interrupts.
 */
struct kiocb;
struct eventfd_ctx;

void kaio_core_rw_done(struct kiocb *kiocb, long res);
int kaio_rw_prep(void *kiocb, struct file *file, long long pos, unsigned int rw_flags,
		 int resfd, int set_ioprio, int ioprio);
int kaio_rw_start(void *kiocb, int write, unsigned long long buf, unsigned long long nbytes,
		  int vectored);

/* What a request holds (kmod/bridge/files.c, eventfd.c). */
struct file *kaio_fget(int fd);			/* ERR_PTR(-EBADF) */
void kaio_fput(struct file *file);
struct eventfd_ctx *kaio_eventfd_get(int fd);	/* ERR_PTR(-EBADF, -EINVAL) */
void kaio_eventfd_signal(struct eventfd_ctx *ctx);
int kaio_eventfd_signal_allowed(void);		/* 0 inside an eventfd wake-up */
void kaio_eventfd_put(struct eventfd_ctx *ctx);

/*
 * IOCB_CMD_POLL (kmod/bridge/poll.c).  @entry: KAIO_GEN_SIZEOF_WAIT_ENTRY
 * bytes of the request; @head_slot: the request's pointer to the wait queue
 * it is on.  kaio_core_poll_wake() runs under that queue's lock, from any
 * context, with the woken events (0 if the waker gave none); it returns 1.
 */
struct wait_queue_head;
int kaio_core_poll_wake(void *entry, unsigned int mask);
/*
 * Start a poll in one call: *events = the user's 16-bit mask made the
 * kernel's, plus EPOLLERR | EPOLLHUP; @entry initialised and queued on the
 * file's wait queue by vfs_poll() (*queued); *mask = the ready events among
 * *events, *res = *mask as the user sees it (mangled).  Returns 0, or
 * -EINVAL if the file queued the entry on no queue, or on two.
 */
int kaio_poll_start(struct file *file, unsigned int user_events, void *entry,
		    struct wait_queue_head **head_slot, unsigned int *events, unsigned int *mask,
		    unsigned int *res, int *queued);
unsigned int kaio_poll_check(struct file *file, unsigned int events);
int kaio_poll_lock_queue(void *entry, struct wait_queue_head **head_slot);	/* 1: locked */
void kaio_poll_unlock_queue(struct wait_queue_head **head_slot);
void kaio_poll_dequeue(void *entry);
void kaio_poll_detach(void *entry, struct wait_queue_head **head_slot);
unsigned int kaio_poll_mangle(unsigned int mask);

/*
 * fsync/fdatasync requests (kmod/bridge/fsync.c), in the same storage as a
 * kiocb; kaio_core_fsync_done() receives the result, in process context.
 */
struct workqueue_struct;
void kaio_core_fsync_done(void *storage, long res);
int kaio_fsync_start(void *storage, struct workqueue_struct *wq, struct file *file, int datasync);

/* Submission batches (kmod/bridge/plug.c). */
void kaio_plug_start(void *plug);	/* @plug: KAIO_GEN_SIZEOF_BLK_PLUG bytes */
void kaio_plug_finish(void *plug);

/* io_pgetevents' signal mask (kmod/bridge/sigmask.c). */
int kaio_sigmask_set(unsigned long long umask, unsigned long size, int compat);
void kaio_sigmask_restore_unless(int interrupted);

/* Timeouts (kmod/bridge/time.c). */
int kaio_get_timeout(unsigned long long uts, long long *ktime);	/* 0 or -EFAULT */
int kaio_get_timeout32(unsigned long long uts, long long *ktime);	/* struct kaio_timespec32 */

/* The quota (kmod/bridge/sysctl.c): /proc/sys/fs/kaio/aio-{nr,max-nr}. */
extern unsigned long kaio_aio_nr;
extern unsigned long kaio_aio_max_nr;

#ifdef __cplusplus
}
#endif

#endif /* KAIO_BRIDGE_H */
