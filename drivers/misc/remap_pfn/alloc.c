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
 * space: the mapping layer maps from this array.
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

/* kmalloc: one physically contiguous block */

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

static void *remap_pfn_linear_page_vaddr(struct remap_pfn_buf *buf,
					 unsigned long pgoff)
{
	return buf->vaddr + (pgoff << PAGE_SHIFT);
}

static const struct remap_pfn_alloc_ops remap_pfn_kmalloc_ops = {
	.name = "kmalloc",
	.max_size = KMALLOC_MAX_SIZE,
	.alloc = remap_pfn_kmalloc_alloc,
	.free = remap_pfn_kmalloc_free,
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
	.pages_ok = true,
	.alloc = remap_pfn_vmalloc_alloc,
	.free = remap_pfn_vmalloc_free,
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
	unsigned int order = MAX_PAGE_ORDER;
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

		/* a buddy block's struct pages are contiguous on any model */
		for (j = 0; j < (1UL << order); j++)
			buf->pages[done + j] = page + j;
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
	.pages_ok = true,
	.alloc = remap_pfn_alloc_pages_alloc,
	.free = remap_pfn_alloc_pages_free,
	.page_vaddr = remap_pfn_alloc_pages_page_vaddr,
};

const struct remap_pfn_alloc_ops *const remap_pfn_allocators[] = {
	[REMAP_PFN_ALLOC_KMALLOC] = &remap_pfn_kmalloc_ops,
	[REMAP_PFN_ALLOC_VMALLOC] = &remap_pfn_vmalloc_ops,
	[REMAP_PFN_ALLOC_PAGES] = &remap_pfn_alloc_pages_ops,
};

const unsigned int remap_pfn_nr_allocators = ARRAY_SIZE(remap_pfn_allocators);
