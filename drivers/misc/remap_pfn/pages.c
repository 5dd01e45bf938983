// SPDX-License-Identifier: GPL-2.0-only
/*
 * remap_pfn: map=pages, the buffer mapped as ordinary refcounted pages.
 *
 * get_user_pages() works on such a mapping, so O_DIRECT and vmsplice()
 * do. A shared futex needs more: futex keys of shared memory are made of
 * the folio's mapping->host and index, as for a file. So in this mode the
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
	 * A folio of several pages (an alloc_pages chunk) carries mapping
	 * and index once; its other pages' offsets follow from them.
	 */
	for (i = 0; i < nr_pages; i++) {
		struct folio *folio = page_folio(rdev->buf.pages[i]);

		if (&folio->page != rdev->buf.pages[i])
			continue;
		folio->mapping = inode->i_mapping;
		folio->index = i;
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
		struct folio *folio = page_folio(rdev->buf.pages[i]);

		if (&folio->page == rdev->buf.pages[i])
			folio->mapping = NULL;
	}
	iput(rdev->inode);
	rdev->inode = NULL;
	simple_release_fs(&remap_pfn_mnt, &remap_pfn_mnt_count);
}

/**
 * remap_pfn_fault_page() - put a data page back into a page table
 * @vmf: the fault, inside a VMA whose pages the caller checked to lie in
 *	@buf
 * @buf: the buffer
 *
 * map=pages mappings are populated by their mmap action, but
 * MADV_DONTNEED may zap the PTEs of a VM_MIXEDMAP mapping; the next touch
 * lands here.
 *
 * Return: 0 with @vmf->page set and referenced.
 */
vm_fault_t remap_pfn_fault_page(struct vm_fault *vmf,
				struct remap_pfn_buf *buf)
{
	struct page *page = buf->pages[vmf->pgoff];

	get_page(page);
	vmf->page = page;
	return 0;
}
