// SPDX-License-Identifier: GPL-2.0-only
/*
 * remap_pfn: map=pages, the buffer mapped as ordinary refcounted pages.
 *
 * get_user_pages() works on such a mapping, so O_DIRECT and vmsplice()
 * do. A shared futex needs more: futex keys of shared memory are made of
 * page->mapping->host and page->index, as for a file. So in this mode the
 * buffer's pages belong to an inode of the driver's own, each at its
 * offset in the buffer, and every open file of the device uses that
 * inode's address_space: all processes then agree on every futex key,
 * and rmap finds the VMAs through it like for any file.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/pagemap.h>
#include <linux/pseudo_fs.h>

#include "remap_pfn.h"

#define REMAP_PFN_FS_MAGIC	0x52504650	/* "RPFP" */

static struct vfsmount *remap_pfn_mnt;
static int remap_pfn_mnt_count;

static int remap_pfn_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, REMAP_PFN_FS_MAGIC) ? 0 : -ENOMEM;
}

/*
 * Never registered, only mounted internally from load to unload. No
 * .owner: a module reference held by the mount would make the module
 * impossible to unload.
 */
static struct file_system_type remap_pfn_fs_type = {
	.name = "remap_pfn",
	.init_fs_context = remap_pfn_init_fs_context,
	.kill_sb = kill_anon_super,
};

/**
 * remap_pfn_pages_attach() - give the buffer's pages to a driver inode
 * @rdev: the device, with its buffer allocated
 *
 * Return: 0 or a negative errno; on error nothing is left attached.
 */
int remap_pfn_pages_attach(struct remap_pfn_device *rdev)
{
	unsigned long i, nr_pages = rdev->buf.size >> PAGE_SHIFT;
	struct inode *inode;
	int ret;

	ret = simple_pin_fs(&remap_pfn_fs_type, &remap_pfn_mnt,
			    &remap_pfn_mnt_count);
	if (ret)
		return ret;

	inode = alloc_anon_inode(remap_pfn_mnt->mnt_sb);
	if (IS_ERR(inode)) {
		simple_release_fs(&remap_pfn_mnt, &remap_pfn_mnt_count);
		return PTR_ERR(inode);
	}

	/*
	 * A compound page (a kmalloc() buffer above KMALLOC_MAX_CACHE_SIZE,
	 * an alloc_pages chunk) carries mapping and index in its head only;
	 * the tails' offsets follow from the head's.
	 */
	for (i = 0; i < nr_pages; i++) {
		struct page *page = rdev->buf.pages[i];

		if (PageTail(page))
			continue;
		page->mapping = inode->i_mapping;
		page->index = i;
	}
	rdev->inode = inode;
	return 0;
}

/**
 * remap_pfn_pages_detach() - undo remap_pfn_pages_attach()
 * @rdev: the device, with no mapping of it left
 *
 * The page allocator refuses to free a page that still has a mapping.
 */
void remap_pfn_pages_detach(struct remap_pfn_device *rdev)
{
	unsigned long i, nr_pages = rdev->buf.size >> PAGE_SHIFT;

	for (i = 0; i < nr_pages; i++) {
		struct page *page = rdev->buf.pages[i];

		if (!PageTail(page))
			page->mapping = NULL;
	}
	iput(rdev->inode);
	rdev->inode = NULL;
	simple_release_fs(&remap_pfn_mnt, &remap_pfn_mnt_count);
}

/* Pages per vm_insert_pages() call: a preemption point every 4 MiB */
#define REMAP_PFN_INSERT_BATCH	1024

/*
 * How many of the first @max entries of @pages to insert in one go: the
 * rest of one compound page (whose head the caller must lock, as rmap
 * insists for a compound page with a mapping), or a run of pages that
 * are not compound.
 */
static unsigned long remap_pfn_pages_run(struct page **pages,
					 unsigned long max)
{
	struct page *head;
	unsigned long n;

	if (!PageCompound(pages[0])) {
		for (n = 1; n < max && !PageCompound(pages[n]); n++)
			;
		return n;
	}
	head = compound_head(pages[0]);
	n = compound_nr(head) - (page_to_pfn(pages[0]) - page_to_pfn(head));
	return min(n, max);
}

/**
 * remap_pfn_pages_insert() - map part of the buffer as refcounted pages
 * @rdev: the device
 * @vma: the new mapping
 * @off: offset in the buffer of the first byte of @vma, checked by the
 *	caller to leave the whole of @vma inside the buffer
 *
 * Return: 0 or a negative errno from vm_insert_pages().
 */
int remap_pfn_pages_insert(struct remap_pfn_device *rdev,
			   struct vm_area_struct *vma, unsigned long off)
{
	struct page **pages = rdev->buf.pages + (off >> PAGE_SHIFT);
	unsigned long left = vma_pages(vma);
	unsigned long addr = vma->vm_start;

	/* normal refcounted pages, not special PTEs */
	remap_pfn_vm_flags_set(vma, VM_MIXEDMAP);

	while (left) {
		unsigned long batch = min_t(unsigned long, left,
					    REMAP_PFN_INSERT_BATCH);
		unsigned long n = remap_pfn_pages_run(pages, batch);
		struct page *head = NULL;
		unsigned long num = n;
		int ret;

		if (PageCompound(pages[0])) {
			head = compound_head(pages[0]);
			lock_page(head);
		}
		ret = vm_insert_pages(vma, addr, pages, &num);
		if (head)
			unlock_page(head);
		if (ret)
			return ret;
		pages += n;
		addr += n << PAGE_SHIFT;
		left -= n;
		cond_resched();
	}
	return 0;
}

/**
 * remap_pfn_vm_fault() - put a data page back into a page table
 * @vmf: the fault
 *
 * Mappings are populated at mmap() time, but MADV_DONTNEED may zap the
 * PTEs of a VM_MIXEDMAP mapping (map=pages); the next touch lands here.
 * A VM_PFNMAP mapping (map=pfn) refuses MADV_DONTNEED and never faults.
 *
 * Return: 0 with @vmf->page set and referenced, or VM_FAULT_SIGBUS.
 */
vm_fault_t remap_pfn_vm_fault(struct vm_fault *vmf)
{
	struct remap_pfn_device *rdev = vmf->vma->vm_private_data;
	struct page *page;

	if (vmf->vma->vm_flags & VM_PFNMAP ||
	    vmf->pgoff >= rdev->buf.size >> PAGE_SHIFT)
		return VM_FAULT_SIGBUS;

	page = rdev->buf.pages[vmf->pgoff];
	get_page(page);
	vmf->page = page;
	return 0;
}
