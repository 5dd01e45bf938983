// SPDX-License-Identifier: GPL-2.0-only
/*
 * remap_pfn: the three ways of backing the buffer, behind one ops table.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "remap_pfn.h"

/*
 * Every allocation may fail quietly: a buffer too big for the machine is a
 * wrong module parameter, answered with -ENOMEM and one log line, not with
 * an allocation splat or an OOM kill.
 */
#define REMAP_PFN_GFP	(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN | \
			 __GFP_RETRY_MAYFAIL)

/*
 * Orders above 0 are only an optimisation: do not reclaim hard for them,
 * fall back to a smaller order instead (as the dma-buf system heap does).
 */
#define REMAP_PFN_GFP_HIGH_ORDER \
	((GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN | __GFP_COMP) & \
	 ~__GFP_DIRECT_RECLAIM)

/*
 * Record every page of a buffer that is contiguous in the kernel's address
 * space: map=pages, and map=pfn of scattered memory, map from this array.
 */
static int remap_pfn_fill_pages(struct remap_pfn_buf *buf)
{
	unsigned long i, nr_pages = buf->size >> PAGE_SHIFT;

	buf->pages = kvmalloc_array(nr_pages, sizeof(*buf->pages),
				    GFP_KERNEL | __GFP_NOWARN);
	if (!buf->pages)
		return -ENOMEM;

	for (i = 0; i < nr_pages; i++) {
		void *kaddr = buf->vaddr + (i << PAGE_SHIFT);

		buf->pages[i] = is_vmalloc_addr(kaddr) ?
				vmalloc_to_page(kaddr) : virt_to_page(kaddr);
	}
	return 0;
}

/**
 * struct remap_pfn_walk - progress of remap_pfn_walk_pte() through a VMA
 * @mm: the address space being populated
 * @pages: the buffer's pages, starting at the one the VMA's first PTE maps
 * @nr_done: PTEs written so far
 * @prot: the protection of every PTE (the VMA's)
 */
struct remap_pfn_walk {
	struct mm_struct *mm;
	struct page **pages;
	unsigned long nr_done;
	pgprot_t prot;
};

/* Mappings are populated in steps of this size, rescheduling in between */
#define REMAP_PFN_WALK_STEP	SZ_64M

static int remap_pfn_walk_pte(pte_t *pte, unsigned long addr, void *data)
{
	struct remap_pfn_walk *walk = data;
	unsigned long pfn = page_to_pfn(walk->pages[walk->nr_done]);

	/* a new VMA has no PTEs: anything else is a kernel bug */
	if (WARN_ON_ONCE(!pte_none(*pte)))
		return -EBUSY;
	set_pte_at(walk->mm, addr, pte, pte_mkspecial(pfn_pte(pfn, walk->prot)));
	walk->nr_done++;
	return 0;
}

/*
 * pfn mode for any buffer, contiguous or not: apply_to_page_range() walks
 * the VMA's page tables once, allocating missing levels and taking each
 * PTE table's lock once, and writes a special PTE per page (what
 * remap_pfn_range() writes for a contiguous range). The mm keeps no
 * reference or mapcount for special PTEs, so munmap() only clears them.
 *
 * remap_pfn_range() would also call track_pfn_remap(). On x86, for RAM,
 * that reserves nothing: it looks up the pages' PAT memory type (once when
 * the call covers the whole VMA, page by page otherwise) and forces it
 * into the PTEs' protection. The buffer's pages are ordinary RAM that is
 * never given another memory type, write-back, and vm_page_prot of a
 * shared mapping is write-back too, so the lookup is skipped: this relies
 * on vm_page_prot staying write-back (a pgprot_writecombine() here would
 * alias the kernel's write-back mapping). On failure the PTEs written so
 * far are zapped before the error goes back to mmap(), which then unmaps
 * the VMA.
 */
static int remap_pfn_map_walk(struct remap_pfn_buf *buf,
			      struct vm_area_struct *vma, unsigned long off)
{
	struct remap_pfn_walk walk = {
		.mm = vma->vm_mm,
		.pages = buf->pages + (off >> PAGE_SHIFT),
		.prot = vma->vm_page_prot,
	};
	unsigned long addr, step;
	int ret = 0;

	/*
	 * As remap_pfn_range() does: vm_normal_page() must not hand these
	 * PTEs' pages to GUP or the rmap, and zap_vma_ptes() needs VM_PFNMAP.
	 */
	remap_pfn_vm_flags_set(vma, VM_IO | VM_PFNMAP);
	for (addr = vma->vm_start; addr < vma->vm_end; addr += step) {
		step = min_t(unsigned long, vma->vm_end - addr,
			     REMAP_PFN_WALK_STEP);
		ret = apply_to_page_range(vma->vm_mm, addr, step,
					  remap_pfn_walk_pte, &walk);
		if (ret)
			break;
		cond_resched();
	}
	if (ret)
		zap_vma_ptes(vma, vma->vm_start, walk.nr_done << PAGE_SHIFT);
	return ret;
}

/* kmalloc: one physically contiguous block, one remap_pfn_range() */

static int remap_pfn_kmalloc_alloc(struct remap_pfn_buf *buf)
{
	/*
	 * kmalloc() aligns power-of-two sizes naturally and serves bigger
	 * ones from the page allocator, so a whole number of pages is
	 * always page aligned.
	 */
	buf->vaddr = kmalloc(buf->size, REMAP_PFN_GFP);
	if (!buf->vaddr)
		return -ENOMEM;
	if (remap_pfn_fill_pages(buf)) {
		kfree(buf->vaddr);
		return -ENOMEM;
	}
	buf->nr_chunks = 1;
	return 0;
}

static void remap_pfn_kmalloc_free(struct remap_pfn_buf *buf)
{
	kvfree(buf->pages);
	kfree(buf->vaddr);
}

static int remap_pfn_kmalloc_map(struct remap_pfn_buf *buf,
				 struct vm_area_struct *vma, unsigned long off)
{
	return remap_pfn_range(vma, vma->vm_start,
			       page_to_pfn(virt_to_page(buf->vaddr + off)),
			       vma->vm_end - vma->vm_start, vma->vm_page_prot);
}

static void *remap_pfn_linear_page_vaddr(struct remap_pfn_buf *buf,
					 unsigned long pgoff)
{
	return buf->vaddr + (pgoff << PAGE_SHIFT);
}

static const struct remap_pfn_alloc_ops remap_pfn_kmalloc_ops = {
	.name = "kmalloc",
	.max_size = KMALLOC_MAX_SIZE,
	.pages_min_size = KMALLOC_MAX_CACHE_SIZE + 1,
	.alloc = remap_pfn_kmalloc_alloc,
	.free = remap_pfn_kmalloc_free,
	.map = remap_pfn_kmalloc_map,
	.page_vaddr = remap_pfn_linear_page_vaddr,
};

/* vmalloc: scattered pages, contiguous only in the kernel's address space */

static int remap_pfn_vmalloc_alloc(struct remap_pfn_buf *buf)
{
	/*
	 * Zeroed and quiet on failure like the others; the mappings are
	 * built from buf->pages, so the area needs no VM_USERMAP.
	 */
	buf->vaddr = __vmalloc(buf->size, REMAP_PFN_GFP);
	if (!buf->vaddr)
		return -ENOMEM;
	if (remap_pfn_fill_pages(buf)) {
		vfree(buf->vaddr);
		return -ENOMEM;
	}
	buf->nr_chunks = buf->size >> PAGE_SHIFT;
	return 0;
}

static void remap_pfn_vmalloc_free(struct remap_pfn_buf *buf)
{
	kvfree(buf->pages);
	vfree(buf->vaddr);
}

static const struct remap_pfn_alloc_ops remap_pfn_vmalloc_ops = {
	.name = "vmalloc",
	.alloc = remap_pfn_vmalloc_alloc,
	.free = remap_pfn_vmalloc_free,
	.map = remap_pfn_map_walk,
	.page_vaddr = remap_pfn_linear_page_vaddr,
};

/* alloc_pages: physically contiguous chunks, largest order first */

/* Free the chunks that start in the first @nr_pages entries of @buf->pages */
static void remap_pfn_alloc_pages_free_first(struct remap_pfn_buf *buf,
					     unsigned long nr_pages)
{
	unsigned long i = 0;

	while (i < nr_pages) {
		struct page *head = buf->pages[i];

		i += compound_nr(head);
		__free_pages(head, compound_order(head));
	}
}

static int remap_pfn_alloc_pages_alloc(struct remap_pfn_buf *buf)
{
	unsigned long nr_pages = buf->size >> PAGE_SHIFT;
	unsigned int order = MAX_ORDER - 1;
	unsigned long done = 0;

	buf->pages = kvmalloc_array(nr_pages, sizeof(*buf->pages),
				    GFP_KERNEL | __GFP_NOWARN);
	if (!buf->pages)
		return -ENOMEM;

	buf->nr_chunks = 0;
	while (done < nr_pages) {
		struct page *page;
		unsigned long j;

		/* never more than is left; an order that failed once is skipped */
		order = min_t(unsigned int, order, ilog2(nr_pages - done));
		for (;;) {
			page = alloc_pages(order ? REMAP_PFN_GFP_HIGH_ORDER :
					   REMAP_PFN_GFP, order);
			if (page || !order)
				break;
			order--;
		}
		if (!page)
			goto err_free_chunks;

		for (j = 0; j < (1UL << order); j++)
			buf->pages[done + j] = nth_page(page, j);
		done += 1UL << order;
		buf->nr_chunks++;
	}
	return 0;

err_free_chunks:
	remap_pfn_alloc_pages_free_first(buf, done);
	kvfree(buf->pages);
	return -ENOMEM;
}

static void remap_pfn_alloc_pages_free(struct remap_pfn_buf *buf)
{
	remap_pfn_alloc_pages_free_first(buf, buf->size >> PAGE_SHIFT);
	kvfree(buf->pages);
}

static void *remap_pfn_alloc_pages_page_vaddr(struct remap_pfn_buf *buf,
					      unsigned long pgoff)
{
	/* GFP_KERNEL pages are never highmem, so always in the linear map */
	return page_address(buf->pages[pgoff]);
}

static const struct remap_pfn_alloc_ops remap_pfn_alloc_pages_ops = {
	.name = "alloc_pages",
	.alloc = remap_pfn_alloc_pages_alloc,
	.free = remap_pfn_alloc_pages_free,
	.map = remap_pfn_map_walk,
	.page_vaddr = remap_pfn_alloc_pages_page_vaddr,
};

const struct remap_pfn_alloc_ops *const remap_pfn_allocators[] = {
	[REMAP_PFN_ALLOC_KMALLOC] = &remap_pfn_kmalloc_ops,
	[REMAP_PFN_ALLOC_VMALLOC] = &remap_pfn_vmalloc_ops,
	[REMAP_PFN_ALLOC_PAGES] = &remap_pfn_alloc_pages_ops,
};

const unsigned int remap_pfn_nr_allocators = ARRAY_SIZE(remap_pfn_allocators);
