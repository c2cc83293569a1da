// SPDX-License-Identifier: GPL-2.0
/*
 * The ring's pseudo filesystem and files.
 *
 * Each context's completion ring is a file on a filesystem of kaio's own:
 * mounted internally, never registered (so never user-mountable),
 * SB_I_NOEXEC (so the ring can never become executable, CVE-2016-10044).
 * The file's anonymous inode holds the ring pages in its page cache;
 * migration of those pages and mremap() of the mapping call into the core.
 *
 * Module lifetime: the mount is pinned (simple_pin_fs()) while any ring
 * file exists, and its superblock holds a reference on the filesystem type,
 * whose owner is this module.  So a ring file, and every mapping of it,
 * keeps the module loaded until the file's last fput() has torn down the
 * inode and the superblock; the ring files' own fops therefore carry no
 * owner (alloc_file_pseudo() takes no module reference for them).
 *
 * After the last pin: a context's ring file is put by its RCU-delayed free
 * (on the module's workqueue), which runs only once its last request is
 * gone.  The code that drops that last request can still be executing
 * module text afterwards: the return path of a completion, which may run
 * in preemptible process context (iomap's unwritten-extent conversion on
 * ext4 and xfs, a FUSE reply in the server's write()) and be preempted
 * there for as long as the scheduler likes, so neither the RCU grace
 * period before the free nor anything the free does waits for it.  Nor can
 * a reference per request help: whoever drops it runs module code after
 * dropping it.  What closes the window is module exit itself: after every
 * pin is gone it waits (kx_module_text_barrier()) for an RCU grace period,
 * which covers code running with interrupts, bottom halves or preemption
 * off, and for a Tasks RCU grace period, which ends only once every task
 * has switched voluntarily or run in user space; module code never sleeps
 * voluntarily without holding a reference, so no task is left inside it.
 * The same argument covers the task work of an exiting mm (kx::TaskWork)
 * and the tail of the notifier callbacks.
 */
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/pseudo_fs.h>
#include <linux/mount.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pagemap.h>
#include <linux/migrate.h>
#include <linux/kaio.h>
#include <kaio/bridge.h>


static struct vfsmount *kaio_mnt;
static int kaio_mnt_count;

static int kaio_ring_mremap(struct vm_area_struct *vma)
{
	return kaio_core_ring_mremap(vma->vm_file, vma->vm_mm, vma->vm_start);
}

static const struct vm_operations_struct kaio_ring_vm_ops = {
	.mremap = kaio_ring_mremap,
	.fault = filemap_fault,
	.map_pages = filemap_map_pages,
	.page_mkwrite = filemap_page_mkwrite,
};

static int kaio_ring_mmap(struct file *file, struct vm_area_struct *vma)
{
	vma->vm_flags |= VM_DONTEXPAND;
	vma->vm_ops = &kaio_ring_vm_ops;
	return 0;
}

static const struct file_operations kaio_ring_fops = {
	.mmap = kaio_ring_mmap,
};

/*
 * mapping->private_lock keeps the ring alive against its teardown
 * (kaio_ring_file_put() clears private_data under it); the core does the
 * rest under its own locks.
 */
static int kaio_ring_migrate_folio(struct address_space *mapping,
				   struct folio *dst, struct folio *src,
				   enum migrate_mode mode)
{
	void *ring;
	int rc;

	/* The copy must happen under the core's completion lock. */
	if (mode == MIGRATE_SYNC_NO_COPY)
		return -EINVAL;

	spin_lock(&mapping->private_lock);
	ring = mapping->private_data;
	rc = ring ? kaio_core_ring_migrate(ring, mapping, dst, src) : -EINVAL;
	spin_unlock(&mapping->private_lock);
	return rc;
}

static const struct address_space_operations kaio_ring_aops = {
	.dirty_folio = noop_dirty_folio,
	.migrate_folio = kaio_ring_migrate_folio,
};

static int kaio_init_fs_context(struct fs_context *fc)
{
	if (!init_pseudo(fc, KAIO_RING_MAGIC))
		return -ENOMEM;
	fc->s_iflags |= SB_I_NOEXEC;
	return 0;
}

static struct file_system_type kaio_fs_type = {
	.owner = THIS_MODULE,
	.name = "kaio",
	.init_fs_context = kaio_init_fs_context,
	.kill_sb = kill_anon_super,
};

struct file *kaio_ring_file_create(void *ring, unsigned long nr_pages)
{
	struct inode *inode;
	struct file *file;
	int err;

	err = simple_pin_fs(&kaio_fs_type, &kaio_mnt, &kaio_mnt_count);
	if (err)
		return ERR_PTR(err);
	inode = alloc_anon_inode(kaio_mnt->mnt_sb);
	if (IS_ERR(inode)) {
		file = ERR_CAST(inode);
		goto unpin;
	}
	inode->i_mapping->a_ops = &kaio_ring_aops;
	inode->i_mapping->private_data = ring;
	inode->i_size = PAGE_SIZE * nr_pages;

	file = alloc_file_pseudo(inode, kaio_mnt, "[aio]", O_RDWR, &kaio_ring_fops);
	if (!IS_ERR(file))
		return file;
	iput(inode);
unpin:
	simple_release_fs(&kaio_mnt, &kaio_mnt_count);
	return file;
}

void kaio_ring_file_put(struct file *file)
{
	struct address_space *mapping = file->f_mapping;

	truncate_setsize(file_inode(file), 0);
	/* From here on migration cannot reach the ring. */
	spin_lock(&mapping->private_lock);
	mapping->private_data = NULL;
	spin_unlock(&mapping->private_lock);
	/* The file keeps its own mount reference until its final fput. */
	fput(file);
	simple_release_fs(&kaio_mnt, &kaio_mnt_count);
}

struct page *kaio_ring_page_create(struct file *file, unsigned long index)
{
	struct page *page;

	page = find_or_create_page(file->f_mapping, index, GFP_HIGHUSER | __GFP_ZERO);
	if (!page)
		return ERR_PTR(-ENOMEM);
	SetPageUptodate(page);
	unlock_page(page);
	return page;
}

void kaio_page_put(struct page *page)
{
	put_page(page);
}

int kaio_ring_mmap_user(struct file *file, unsigned long size, unsigned long *addr)
{
	unsigned long mapped = vm_mmap(file, 0, size, PROT_READ | PROT_WRITE, MAP_SHARED, 0);

	if (IS_ERR_VALUE(mapped))
		return (int)mapped;
	*addr = mapped;
	return 0;
}

void kaio_ring_munmap_user(unsigned long addr, unsigned long size)
{
	vm_munmap(addr, size);
}

int kaio_folio_migrate_mapping(struct address_space *mapping, struct folio *dst,
			       struct folio *src)
{
	/* Beyond the page cache's, src has one more reference: the context's. */
	const int extra = 1;
	int ret;

	folio_get(dst);
	ret = folio_migrate_mapping(mapping, dst, src, extra);
	if (ret != MIGRATEPAGE_SUCCESS)
		folio_put(dst);
	return ret;
}

void kaio_folio_migrate_copy(struct folio *dst, struct folio *src)
{
	folio_migrate_copy(dst, src);
}

void kaio_folio_put(struct folio *folio)
{
	folio_put(folio);
}

struct page *kaio_folio_page(struct folio *folio)
{
	return &folio->page;
}

unsigned long kaio_folio_index(struct folio *folio)
{
	return folio->index;
}
