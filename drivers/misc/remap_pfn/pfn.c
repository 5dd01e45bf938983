// SPDX-License-Identifier: GPL-2.0-only
/*
 * remap_pfn: map=pfn mappings built from the fault handlers: PMD entries
 * for the buffer's 2 MiB pieces that are physically contiguous, PTEs for
 * everything else.
 *
 * A buffer that is one PFN range is remapped whole by its mmap action,
 * unless a PMD entry fits somewhere in the mapping. A scattered one has no
 * action that maps it: the mm offers none for an array of pages as special
 * PTEs. Either way such VMAs start empty, VM_PFNMAP, and fill on demand.
 *
 * PMD entries: where the kernel maps special PFNs at PMD level
 * (CONFIG_ARCH_SUPPORTS_PMD_PFNMAP, x86-64 with THP since 6.12), the mm
 * asks ->huge_fault() first for a missing PMD. It gets one entry when the
 * 2 MiB-aligned range around the fault lies inside the VMA and maps a piece
 * of the buffer that remap_pfn_pmd_scan() found to be one naturally aligned
 * PFN range; that needs the buffer offset to be as aligned as the address,
 * which .get_unmapped_area = thp_get_unmapped_area() arranges for a
 * mapping placed by the kernel. vmf_insert_pfn_pmd() can only be called
 * from a fault (it fills the faulting PMD), so the entries are inserted one
 * per fault, as vfio-pci does for device BARs: a fault per 512 pages.
 * No chunk is 1 GiB (MAX_PAGE_ORDER), so there are no PUD entries. The mm
 * splits or zaps a PMD entry when a munmap(), mprotect() or mremap() cuts
 * through it; the range then faults again, not PMD-sized any more, and
 * gets PTEs.
 *
 * PTEs: each fault maps the whole PTE table around the faulting address
 * (2 MiB on x86-64, clipped to the VMA) in one apply_to_page_range() pass,
 * as i915 populates its CPU mmaps from its fault handler. That keeps the
 * cost per page close to remap_pfn_range()'s: one fault per 512 pages, and
 * one pass that allocates the table and takes its lock once. Measured by
 * make bench (guest instructions per page for mmap() and a write to each
 * page, 64M vmalloc buffer in 4 KiB entries, Linux 7.2): 59 this way; 53
 * populating the whole VMA at its first fault, which saves the other
 * faults but holds the mmap_lock for as long as the mapping is big and
 * maps pages never touched; 1791 with vmf_insert_pfn(), a fault and a PAT
 * lookup per page.
 * A VMA without ->map_pages() is never faulted under the per-VMA lock
 * alone: the mm retries such a fault under the mmap_lock, read, so each
 * window's first touch costs two faults, both counted above.
 *
 * ->fault() only runs for an address whose PMD ->huge_fault() declined or
 * was not asked for. Whether the mm asks depends on the VMA, which cannot
 * change under the lock the fault holds, and, before 7.x, on the THP
 * setting in sysfs too: switched while two threads fault one range, that
 * can leave a PMD entry where the PTE path runs, which then retries the
 * fault instead of walking into it.
 *
 * Several threads may fault in one window at once: each writes only the
 * PTEs still empty, under the table's lock, so the first one wins and the
 * rest find its entries. vmf_insert_pfn_pmd() likewise leaves an entry
 * that another thread installed first.
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

#include <linux/bitmap.h>
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

/* Another fault mapped the range with a PMD entry meanwhile (see the top) */
static bool remap_pfn_pmd_mapped(struct vm_fault *vmf)
{
#ifdef CONFIG_ARCH_SUPPORTS_PMD_PFNMAP
	return pmd_leaf(pmdp_get_lockless(vmf->pmd));
#else
	return false;
#endif
}

/**
 * remap_pfn_fault_pfn() - map the PTE table around a fault of a map=pfn VMA
 * @vmf: the fault, inside a VMA whose pages the caller checked to lie in
 *	@buf
 * @buf: the buffer
 *
 * Return: VM_FAULT_NOPAGE once the PTEs are in place, or when a PMD entry
 * maps the range already, VM_FAULT_OOM when a page table cannot be
 * allocated, VM_FAULT_SIGBUS if the walk meets a PMD entry after all.
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
	if (remap_pfn_pmd_mapped(vmf))
		return VM_FAULT_NOPAGE;
	ret = apply_to_page_range(vma->vm_mm, start, end - start,
				  remap_pfn_walk_pte, &walk);
	if (ret == -ENOMEM)
		return VM_FAULT_OOM;
	return ret ? VM_FAULT_SIGBUS : VM_FAULT_NOPAGE;
}

/**
 * remap_pfn_pmd_scan() - find the buffer's pieces that PMD entries can map
 * @buf: the buffer, allocated
 *
 * Sets @buf->pmd_ok on kernels that map special PFNs at PMD level, for a
 * buffer of at least one PMD-sized piece; leaves it NULL otherwise. Works
 * from the page frame numbers alone, whatever the allocator: a piece
 * qualifies when its first PFN is PMD-aligned and the others follow it.
 *
 * Return: 0, or -ENOMEM.
 */
int remap_pfn_pmd_scan(struct remap_pfn_buf *buf)
{
	unsigned long nr = buf->size >> PMD_SHIFT;
	unsigned long i, j;

	buf->pmd_ok = NULL;
	if (!IS_ENABLED(CONFIG_ARCH_SUPPORTS_PMD_PFNMAP) || !nr)
		return 0;

	buf->pmd_ok = bitmap_zalloc(nr, GFP_KERNEL);
	if (!buf->pmd_ok)
		return -ENOMEM;

	for (i = 0; i < nr; i++) {
		struct page **pages = buf->pages + i * PTRS_PER_PMD;
		unsigned long pfn = page_to_pfn(pages[0]);

		if (!IS_ALIGNED(pfn, PTRS_PER_PMD))
			continue;
		for (j = 1; j < PTRS_PER_PMD; j++)
			if (page_to_pfn(pages[j]) != pfn + j)
				break;
		if (j == PTRS_PER_PMD)
			__set_bit(i, buf->pmd_ok);
	}
	return 0;
}

/*
 * The buffer's piece mapped at PMD-aligned @addr of @vma, if a PMD entry
 * can map it there: the whole PMD range inside the VMA, the buffer offset
 * as aligned as the address, the piece one aligned PFN range.
 */
static bool remap_pfn_pmd_piece(struct remap_pfn_buf *buf, unsigned long start,
				unsigned long end, pgoff_t pgoff,
				unsigned long addr, pgoff_t *piece)
{
	pgoff_t at;

	if (addr < start || end - addr < PMD_SIZE)
		return false;
	at = pgoff + ((addr - start) >> PAGE_SHIFT);
	if (!IS_ALIGNED(at, PTRS_PER_PMD))
		return false;
	*piece = at / PTRS_PER_PMD;
	return test_bit(*piece, buf->pmd_ok);
}

/**
 * remap_pfn_pmd_possible() - would a mapping get any PMD entry?
 * @buf: the buffer
 * @start: first address of the mapping
 * @end: the address after it
 * @pgoff: the buffer page that @start maps; [@start, @end) lies inside
 *	the buffer
 *
 * Return: true if at least one PMD-aligned range of the mapping would be
 * mapped by a PMD entry.
 */
bool remap_pfn_pmd_possible(struct remap_pfn_buf *buf, unsigned long start,
			    unsigned long end, pgoff_t pgoff)
{
	unsigned long addr;
	pgoff_t piece;

	if (!buf->pmd_ok)
		return false;
	for (addr = ALIGN(start, PMD_SIZE); addr < end && addr >= start;
	     addr += PMD_SIZE)
		if (remap_pfn_pmd_piece(buf, start, end, pgoff, addr, &piece))
			return true;
	return false;
}

#ifdef CONFIG_ARCH_SUPPORTS_PMD_PFNMAP
/**
 * remap_pfn_fault_pmd() - map the PMD range around a fault with one entry
 * @vmf: the fault, for a missing PMD of a map=pfn VMA inside @buf
 * @buf: the buffer
 *
 * Return: VM_FAULT_NOPAGE once the entry is in place (or was already, put
 * there by another thread), VM_FAULT_FALLBACK when a PMD entry cannot map
 * this range, so that the mm faults it in PTEs.
 */
vm_fault_t remap_pfn_fault_pmd(struct vm_fault *vmf, struct remap_pfn_buf *buf)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned long addr = ALIGN_DOWN(vmf->address, PMD_SIZE);
	pgoff_t piece;

	if (!buf->pmd_ok ||
	    !remap_pfn_pmd_piece(buf, vma->vm_start, vma->vm_end,
				 vma->vm_pgoff, addr, &piece))
		return VM_FAULT_FALLBACK;

	return vmf_insert_pfn_pmd(vmf,
				  page_to_pfn(buf->pages[piece * PTRS_PER_PMD]),
				  vmf->flags & FAULT_FLAG_WRITE);
}
#endif
