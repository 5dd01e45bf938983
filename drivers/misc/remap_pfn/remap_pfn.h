/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * remap_pfn: definitions shared by the driver's files.
 */
#ifndef _REMAP_PFN_H
#define _REMAP_PFN_H

#include <linux/hashtable.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <uapi/linux/remap_pfn.h>

#include "compat.h"

struct remap_pfn_buf;

/**
 * struct remap_pfn_alloc_ops - one way of backing the buffer
 * @name: value of the allocator= module parameter
 * @max_size: largest buffer in bytes this allocator can give, 0 for no limit
 * @pages_min_size: smallest buffer whose memory can be mapped as pages
 *	(map=pages), 0 for any: smaller kmalloc() buffers come from a slab
 *	cache, and slab pages cannot be inserted into user page tables
 * @alloc: allocate @buf->size zeroed bytes, fill @buf->pages and set
 *	@buf->nr_chunks; return 0 or -ENOMEM, without an allocation-failure
 *	warning
 * @free: release everything @alloc allocated
 * @map: map buffer bytes [@off, @off + length of @vma) at @vma->vm_start;
 *	the caller has checked that the range lies inside the buffer
 * @page_vaddr: kernel address of page @pgoff of the buffer
 *
 * The table is the only place that knows how an allocator works; adding
 * one means a new table in alloc.c and a new enum remap_pfn_allocator.
 */
struct remap_pfn_alloc_ops {
	const char *name;
	size_t max_size;
	size_t pages_min_size;
	int (*alloc)(struct remap_pfn_buf *buf);
	void (*free)(struct remap_pfn_buf *buf);
	int (*map)(struct remap_pfn_buf *buf, struct vm_area_struct *vma,
		   unsigned long off);
	void *(*page_vaddr)(struct remap_pfn_buf *buf, unsigned long pgoff);
};

/**
 * struct remap_pfn_buf - the shared buffer
 * @ops: the allocator that owns the memory
 * @size: length in bytes, a whole number of pages
 * @nr_chunks: number of physically contiguous pieces
 * @vaddr: kernel address of the buffer (kmalloc and vmalloc)
 * @pages: every page of the buffer in order
 *
 * Set up once at module load and constant until unload.
 */
struct remap_pfn_buf {
	const struct remap_pfn_alloc_ops *ops;
	size_t size;
	unsigned long nr_chunks;
	void *vaddr;
	struct page **pages;
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
 * @lock: protects @nr_mappings, @mapped_bytes, @nr_processes, @mms and the
 *	counters in @info_page. Taken from the mmap handler and vm_ops with
 *	the caller's mmap_lock held, so it nests inside mmap_lock; nothing
 *	is taken and nothing sleeps under it.
 * @nr_mappings: live VMAs of the device, in every address space
 * @mapped_bytes: their total length
 * @nr_processes: address spaces holding at least one of them (entries
 *	in @mms)
 * @mms: struct remap_pfn_mm entries hashed by mm_struct pointer
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
};

int remap_pfn_mmap(struct file *file, struct vm_area_struct *vma);
void remap_pfn_mmap_stats(struct remap_pfn_device *rdev,
			  struct remap_pfn_info *info,
			  unsigned long *nr_processes);
int remap_pfn_caller_bytes(u64 *vm_bytes, u64 *dev_bytes);

int remap_pfn_pages_attach(struct remap_pfn_device *rdev);
void remap_pfn_pages_detach(struct remap_pfn_device *rdev);
int remap_pfn_pages_insert(struct remap_pfn_device *rdev,
			   struct vm_area_struct *vma, unsigned long off);
vm_fault_t remap_pfn_vm_fault(struct vm_fault *vmf);

static inline struct remap_pfn_device *remap_pfn_from_file(struct file *file)
{
	return container_of(file->private_data, struct remap_pfn_device, misc);
}

#endif /* _REMAP_PFN_H */
