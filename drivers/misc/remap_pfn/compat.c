// SPDX-License-Identifier: GPL-2.0-only
/*
 * remap_pfn: ->mmap_prepare(), its action and ->mapped() driven from
 * ->mmap(), for kernels that call only ->mmap(). Out-of-tree builds only
 * (compat.mk, compat.h).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched.h>

#include "remap_pfn.h"

/* Pages per vm_insert_pages() call: a preemption point every 4 MiB */
#define REMAP_PFN_COMPAT_BATCH	1024

/*
 * How many of the first @max entries of @pages to insert in one go: the
 * rest of one compound page, or a run of pages that are not compound.
 */
static unsigned long remap_pfn_compat_run(struct page **pages,
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

/*
 * The map-kernel-pages action: every page of @vma from @pages. Before 6.2
 * rmap insists that a compound page with a mapping be locked while one of
 * its pages is mapped by PTE, so each compound page goes in on its own,
 * under its head's lock.
 */
static int remap_pfn_compat_insert_pages(struct vm_area_struct *vma,
					 struct page **pages)
{
	unsigned long left = vma_pages(vma);
	unsigned long addr = vma->vm_start;

	/* normal refcounted pages, not special PTEs */
	remap_pfn_vm_flags_set(vma, VM_MIXEDMAP);
	while (left) {
		unsigned long batch = min_t(unsigned long, left,
					    REMAP_PFN_COMPAT_BATCH);
		unsigned long n = remap_pfn_compat_run(pages, batch);
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
 * remap_pfn_compat_mmap() - what the mm does for ->mmap_prepare() in 7.x
 * @file: the file being mapped
 * @vma: the new VMA
 * @prepare: the driver's ->mmap_prepare()
 * @mapped: the driver's vm_ops->mapped()
 *
 * Describe the mapping with @prepare, apply the description to @vma, run
 * its action, then let @mapped account for it. On an error the mm frees
 * @vma without calling ->close(); nothing needs undoing, since @mapped
 * runs last and is the only step that counts.
 *
 * Return: 0 or the first error.
 */
int remap_pfn_compat_mmap(struct file *file, struct vm_area_struct *vma,
			  int (*prepare)(struct vm_area_desc *desc),
			  int (*mapped)(unsigned long start, unsigned long end,
					pgoff_t pgoff, const struct file *file,
					void **vm_private_data))
{
	struct vm_area_desc desc = {
		.file = file,
		.start = vma->vm_start,
		.end = vma->vm_end,
		.pgoff = vma->vm_pgoff,
		.vm_flags = vma->vm_flags,
		.page_prot = vma->vm_page_prot,
	};
	void *private_data;
	int ret;

	ret = prepare(&desc);
	if (ret)
		return ret;

	/* what 7.x's mmap_region() takes from the descriptor */
	remap_pfn_vm_flags_set(vma, desc.vm_flags & ~vma->vm_flags);
	remap_pfn_vm_flags_clear(vma, vma->vm_flags & ~desc.vm_flags);
	vma->vm_pgoff = desc.pgoff;
	vma->vm_page_prot = desc.page_prot;
	vma->vm_ops = desc.vm_ops;
	vma->vm_private_data = desc.private_data;

	switch (desc.action.type) {
	case REMAP_PFN_COMPAT_REMAP_PFN:
		ret = remap_pfn_range(vma, vma->vm_start, desc.action.start_pfn,
				      vma->vm_end - vma->vm_start,
				      vma->vm_page_prot);
		break;
	case REMAP_PFN_COMPAT_MAP_PAGES:
		ret = remap_pfn_compat_insert_pages(vma, desc.action.pages);
		break;
	case REMAP_PFN_COMPAT_NOTHING:
		break;
	}
	if (ret)
		return ret;

	private_data = vma->vm_private_data;
	ret = mapped(vma->vm_start, vma->vm_end, vma->vm_pgoff, file,
		     &private_data);
	if (ret)
		return ret;
	vma->vm_private_data = private_data;
	return 0;
}
