/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * remap_pfn: definitions shared by the driver's files.
 */
#ifndef _REMAP_PFN_H
#define _REMAP_PFN_H

#include <linux/hashtable.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <uapi/linux/remap_pfn.h>

#ifdef REMAP_PFN_COMPAT
#include "compat.h"
#endif

struct remap_pfn_buf;

/**
 * struct remap_pfn_alloc_ops - one way of backing the buffer
 * @name: value of the allocator= module parameter
 * @max_size: largest buffer in bytes this allocator can give, 0 for no limit
 * @pages_ok: its memory may be mapped as refcounted pages (map=pages);
 *	kmalloc() memory belongs to the slab allocator and may not
 * @alloc: allocate @buf->size zeroed bytes, fill @buf->pages and set
 *	@buf->nr_chunks; return 0 or -ENOMEM, without an allocation-failure
 *	warning
 * @free: release everything @alloc allocated
 * @page_vaddr: kernel address of page @pgoff of the buffer
 *
 * An allocator only describes its memory: every page in @buf->pages, and
 * how many physically contiguous chunks they form. How a mapping is built
 * from that is the mapping layer's business (mmap.c, pfn.c, pages.c), so
 * adding an allocator means a new table in alloc.c and a new enum
 * remap_pfn_allocator, nothing else.
 */
struct remap_pfn_alloc_ops {
	const char *name;
	size_t max_size;
	bool pages_ok;
	int (*alloc)(struct remap_pfn_buf *buf);
	void (*free)(struct remap_pfn_buf *buf);
	void *(*page_vaddr)(struct remap_pfn_buf *buf, unsigned long pgoff);
};

/**
 * struct remap_pfn_buf - the shared buffer
 * @ops: the allocator that owns the memory
 * @size: length in bytes, a whole number of pages
 * @nr_chunks: number of physically contiguous pieces; with one, the whole
 *	buffer is a single PFN range
 * @vaddr: kernel address of the buffer (kmalloc and vmalloc)
 * @pages: every page of the buffer in order
 * @pmd_ok: bit N is set when the buffer's Nth PMD-sized piece is one
 *	naturally aligned PFN range, which a single PMD entry can map; NULL
 *	when no data mapping gets PMD entries (see remap_pfn_pmd_scan())
 *
 * Set up once at module load and constant until unload.
 */
struct remap_pfn_buf {
	const struct remap_pfn_alloc_ops *ops;
	size_t size;
	unsigned long nr_chunks;
	void *vaddr;
	struct page **pages;
	unsigned long *pmd_ok;
};

/* Indexed by enum remap_pfn_allocator */
extern const struct remap_pfn_alloc_ops *const remap_pfn_allocators[];
extern const unsigned int remap_pfn_nr_allocators;

/**
 * struct remap_pfn_device - the misc device and what it accounts for
 * @misc: the registered /dev/remap_pfn
 * @buf: the data region
 * @map: an enum remap_pfn_map: how data mappings are built
 * @inode: map=pages only: owner of the buffer's pages, and the
 *	address_space of every open file of the device
 * @info_page: the info region; starts with a struct remap_pfn_info whose
 *	counters are rewritten under @lock whenever they change
 * @lock: protects @nr_mappings, @mapped_bytes, @nr_processes, @mms,
 *	@huge_faults, @nr_exports, @export_bytes and the counters in
 *	@info_page. Taken from vm_ops with the caller's mmap_lock held
 *	(->huge_fault(): the mmap_lock or the VMA's lock, read; never a page
 *	table lock), so it nests inside them, and from the ioctl, procfs
 *	readers and dma-buf release without them; nothing is taken and
 *	nothing sleeps under it.
 * @nr_mappings: live VMAs of the device, in every address space
 * @mapped_bytes: their total length
 * @nr_processes: address spaces holding at least one of them (entries
 *	in @mms)
 * @mms: struct remap_pfn_mm entries hashed by mm_struct pointer
 * @huge_faults: faults of data mappings answered with a PMD entry
 * @nr_exports: live dma-bufs exported from the buffer (dmabuf.c)
 * @export_bytes: their total size
 */
struct remap_pfn_device {
	struct miscdevice misc;
	struct remap_pfn_buf buf;
	unsigned int map;
	struct inode *inode;
	struct page *info_page;
	spinlock_t lock;	/* guards the accounting that follows */
	unsigned long nr_mappings;
	unsigned long mapped_bytes;
	unsigned long nr_processes;
	DECLARE_HASHTABLE(mms, 6);
	u64 huge_faults;
	unsigned long nr_exports;
	unsigned long export_bytes;
};

/**
 * struct remap_pfn_dmabuf - a range of the buffer exported as a dma-buf
 * @rdev: the device whose buffer it is; outlives the dma-buf, which holds
 *	a reference to the module
 * @first: index of the range's first page in the buffer
 * @nr_pages: length of the range in pages
 * @vaddr: the address ->vmap() returned when it is a vmalloc-space alias
 *	of the pages (always, but for a kmalloc buffer), which CPU access
 *	syncs; else NULL. Set and cleared by the dma-buf core's vmap calls,
 *	which it serialises
 * @lock: protects @attachments, the mapped state of each, and @vaddr;
 *	the innermost lock, taken under the dma-buf's reservation lock on
 *	some paths and under nothing on others
 * @attachments: struct remap_pfn_dmabuf_attachment of every device
 *	attached, for the CPU-access syncs
 *
 * The dma-buf's priv. The range is fixed, so is everything but @vaddr and
 * @attachments.
 */
struct remap_pfn_dmabuf {
	struct remap_pfn_device *rdev;
	pgoff_t first;
	unsigned long nr_pages;
	void *vaddr;
	struct mutex lock;	/* guards @attachments and @vaddr */
	struct list_head attachments;
};

int remap_pfn_mmap_prepare(struct vm_area_desc *desc);
#ifdef REMAP_PFN_COMPAT_MMAP
int remap_pfn_mmap(struct file *file, struct vm_area_struct *vma);
#endif
void remap_pfn_mmap_stats(struct remap_pfn_device *rdev,
			  struct remap_pfn_info *info,
			  unsigned long *nr_processes);
int remap_pfn_caller_bytes(u64 *vm_bytes, u64 *dev_bytes);
int remap_pfn_dmabuf_mmap_vma(struct vm_area_struct *vma);

long remap_pfn_export(struct remap_pfn_device *rdev, struct file *file,
		      struct remap_pfn_export __user *uarg);

vm_fault_t remap_pfn_fault_pfn(struct vm_fault *vmf, struct remap_pfn_buf *buf);
int remap_pfn_pmd_scan(struct remap_pfn_buf *buf);
bool remap_pfn_pmd_possible(struct remap_pfn_buf *buf, unsigned long start,
			    unsigned long end, pgoff_t pgoff);
vm_fault_t remap_pfn_fault_pmd(struct vm_fault *vmf, struct remap_pfn_buf *buf);

int remap_pfn_pages_attach(struct remap_pfn_device *rdev);
void remap_pfn_pages_detach(struct remap_pfn_device *rdev);
vm_fault_t remap_pfn_fault_page(struct vm_fault *vmf,
				struct remap_pfn_buf *buf);

static inline struct remap_pfn_device *
remap_pfn_from_file(const struct file *file)
{
	return container_of(file->private_data, struct remap_pfn_device, misc);
}

#endif /* _REMAP_PFN_H */
