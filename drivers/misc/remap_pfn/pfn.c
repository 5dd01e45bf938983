// SPDX-License-Identifier: GPL-2.0-only
/*
 * remap_pfn: map=pfn for a buffer in scattered pieces (vmalloc, several
 * alloc_pages chunks), mapped on demand from the fault handler.
 *
 * A buffer that is one PFN range is remapped whole by its mmap action. A
 * scattered one has no action that maps it: the mm offers none for an
 * array of pages as special PTEs. So its VMAs start empty, VM_PFNMAP, and
 * each fault maps the whole PTE table around the faulting address (2 MiB
 * on x86-64, clipped to the VMA) in one apply_to_page_range() pass, as
 * i915 populates its CPU mmaps from its fault handler. That keeps the cost
 * per page close to remap_pfn_range()'s: one fault per 512 pages, and one
 * pass that allocates the table and takes its lock once. Measured by make
 * bench (guest instructions per page for mmap() and a write to each page,
 * 64M vmalloc buffer, Linux 7.2): 59 this way; 53 populating the whole
 * VMA at its first fault, which saves the other faults but holds the
 * mmap_lock for as long as the mapping is big and maps pages never
 * touched; 1791 with vmf_insert_pfn(), a fault and a PAT lookup per page.
 * A VMA without ->map_pages() is never faulted under the per-VMA lock
 * alone: the mm retries such a fault under the mmap_lock, read, so each
 * window's first touch costs two faults, both counted above.
 *
 * Several threads may fault in one window at once: each writes only the
 * PTEs still empty, under the table's lock, so the first one wins and the
 * rest find its entries.
 *
 * remap_pfn_range() would also look up the pages' PAT memory type (on x86)
 * and force it into the PTEs' protection. For RAM that reserves nothing:
 * the buffer's pages are ordinary RAM that is never given another memory
 * type, write-back, and vm_page_prot of a shared mapping is write-back
 * too, so the lookup is skipped, as i915 skips it. This relies on
 * vm_page_prot staying write-back (a pgprot_writecombine() here would
 * alias the kernel's write-back mapping).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/pgtable.h>

#include "remap_pfn.h"

/**
 * struct remap_pfn_walk - progress of remap_pfn_walk_pte() through a range
 * @mm: the address space being populated
 * @pages: the buffer's pages, starting at the one the range's first PTE
 *	maps
 * @prot: the protection of every PTE (the VMA's)
 */
struct remap_pfn_walk {
	struct mm_struct *mm;
	struct page **pages;
	pgprot_t prot;
};

static int remap_pfn_walk_pte(pte_t *pte, unsigned long addr, void *data)
{
	struct remap_pfn_walk *walk = data;
	unsigned long pfn = page_to_pfn(*walk->pages++);

	/* another thread's fault may have mapped it already */
	if (pte_none(ptep_get(pte)))
		set_pte_at(walk->mm, addr, pte,
			   pte_mkspecial(pfn_pte(pfn, walk->prot)));
	return 0;
}

/**
 * remap_pfn_fault_pfn() - map the PTE table around a fault of a map=pfn VMA
 * @vmf: the fault, inside a VMA whose pages the caller checked to lie in
 *	@buf
 * @buf: the buffer
 *
 * Return: VM_FAULT_NOPAGE once the PTEs are in place, VM_FAULT_OOM when
 * a page table cannot be allocated, VM_FAULT_SIGBUS if the range holds a
 * huge entry (none is ever made here).
 */
vm_fault_t remap_pfn_fault_pfn(struct vm_fault *vmf, struct remap_pfn_buf *buf)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned long table = ALIGN_DOWN(vmf->address, PMD_SIZE);
	unsigned long start = max(vma->vm_start, table);
	unsigned long end = min(vma->vm_end, table + PMD_SIZE);
	struct remap_pfn_walk walk = {
		.mm = vma->vm_mm,
		.pages = buf->pages + vma->vm_pgoff +
			 ((start - vma->vm_start) >> PAGE_SHIFT),
		.prot = vma->vm_page_prot,
	};
	int ret;

	vma_assert_stabilised(vma);
	ret = apply_to_page_range(vma->vm_mm, start, end - start,
				  remap_pfn_walk_pte, &walk);
	if (ret == -ENOMEM)
		return VM_FAULT_OOM;
	return ret ? VM_FAULT_SIGBUS : VM_FAULT_NOPAGE;
}
