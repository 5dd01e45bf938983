// SPDX-License-Identifier: GPL-2.0-only
/*
 * remap_pfn: mmap() dispatch by offset, and exact accounting of every VMA
 * that maps the device.
 *
 * ->mmap_prepare() only validates the request and describes the mapping:
 * its flags, its vm_ops, and how it is populated (an mmap action for a
 * single PFN range or an array of pages, else the fault handler). It
 * counts nothing, since the mm may still fail the mapping after it.
 *
 * Accounting follows VMAs rather than mmap() calls, because the mm splits,
 * copies and moves them behind the driver's back:
 *
 * - a new mapping of a region is counted in vm_ops->mapped(), which the mm
 *   calls once the VMA exists and can no longer fail for other reasons;
 * - fork(), mremap() moves and splits (partial munmap() or mprotect())
 *   create one through vm_ops->open();
 * - every VMA ends in vm_ops->close(), with its length at that moment.
 *   A VMA that never got to ->mapped() (its action failed) has no private
 *   data and is not counted.
 *
 * A split is the one case where a new VMA brings no new bytes: the VMA it
 * was cut from shrinks afterwards without telling the driver. It is
 * recognised in ->open() because the original still covers the new range.
 * The mm never merges these VMAs (VM_DONTEXPAND makes them special), so no
 * other size change goes unseen.
 *
 * Mappings of an exported dma-buf (dmabuf.c) are data mappings too: built
 * by the same description from the range's offset in the buffer, with
 * the same vm_ops but for ->mapped(), and counted with the device's.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-buf.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "remap_pfn.h"

/**
 * struct remap_pfn_mm - one address space that maps the device
 * @node: entry in remap_pfn_device.mms
 * @mm: the address space; a key only, never dereferenced
 * @nr_vmas: VMAs of the device in @mm
 */
struct remap_pfn_mm {
	struct hlist_node node;
	struct mm_struct *mm;
	unsigned long nr_vmas;
};

static struct remap_pfn_mm *remap_pfn_mm_find(struct remap_pfn_device *rdev,
					      struct mm_struct *mm)
{
	struct remap_pfn_mm *rmm;

	lockdep_assert_held(&rdev->lock);
	hash_for_each_possible(rdev->mms, rmm, node, (unsigned long)mm)
		if (rmm->mm == mm)
			return rmm;
	return NULL;
}

/* Copy the live counters into the info page that user space maps */
static void remap_pfn_info_page_update(struct remap_pfn_device *rdev)
{
	struct remap_pfn_info *info = page_address(rdev->info_page);

	lockdep_assert_held(&rdev->lock);
	WRITE_ONCE(info->mappings, rdev->nr_mappings);
	WRITE_ONCE(info->mapped_bytes, rdev->mapped_bytes);
	WRITE_ONCE(info->huge_faults, rdev->huge_faults);
}

static bool remap_pfn_mm_known(struct remap_pfn_device *rdev,
			       struct mm_struct *mm)
{
	bool known;

	spin_lock(&rdev->lock);
	known = remap_pfn_mm_find(rdev, mm);
	spin_unlock(&rdev->lock);
	return known;
}

/*
 * Count a new VMA of @bytes bytes in @mm. @spare becomes the address
 * space's entry if it has none yet; it may only be NULL when
 * remap_pfn_mm_known() said there is one. The caller holds @mm's
 * mmap_lock for writing, so no entry for @mm can come or go meanwhile.
 */
static void remap_pfn_track(struct remap_pfn_device *rdev,
			    struct mm_struct *mm, unsigned long bytes,
			    struct remap_pfn_mm *spare)
{
	struct remap_pfn_mm *rmm;

	mmap_assert_write_locked(mm);

	spin_lock(&rdev->lock);
	rmm = remap_pfn_mm_find(rdev, mm);
	if (!rmm) {
		rmm = spare;
		spare = NULL;
		rmm->mm = mm;
		hash_add(rdev->mms, &rmm->node, (unsigned long)mm);
		rdev->nr_processes++;
	}
	rmm->nr_vmas++;
	rdev->nr_mappings++;
	rdev->mapped_bytes += bytes;
	remap_pfn_info_page_update(rdev);
	spin_unlock(&rdev->lock);

	kfree(spare);
}

/*
 * A new mapping of @rdev, which the mm has just set up in the caller's
 * address space: the VMA's private data marks it as counted.
 */
static int remap_pfn_count_new(struct remap_pfn_device *rdev,
			       unsigned long start, unsigned long end,
			       void **vm_private_data)
{
	struct remap_pfn_mm *spare = NULL;

	if (!remap_pfn_mm_known(rdev, current->mm)) {
		spare = kzalloc_obj(*spare, GFP_KERNEL);
		if (!spare)
			return -ENOMEM;
	}
	remap_pfn_track(rdev, current->mm, end - start, spare);
	*vm_private_data = rdev;
	return 0;
}

static int remap_pfn_vm_mapped(unsigned long start, unsigned long end,
			       pgoff_t pgoff, const struct file *file,
			       void **vm_private_data)
{
	return remap_pfn_count_new(remap_pfn_from_file(file), start, end,
				   vm_private_data);
}

/* @file is the dma-buf's own: its private data is the struct dma_buf */
static struct remap_pfn_dmabuf *
remap_pfn_dmabuf_from_file(const struct file *file)
{
	struct dma_buf *dmabuf = file->private_data;

	return dmabuf->priv;
}

static int remap_pfn_dmabuf_vm_mapped(unsigned long start, unsigned long end,
				      pgoff_t pgoff, const struct file *file,
				      void **vm_private_data)
{
	return remap_pfn_count_new(remap_pfn_dmabuf_from_file(file)->rdev,
				   start, end, vm_private_data);
}

/*
 * Is @vma being split off another VMA of the device? __split_vma() calls
 * ->open() on the new part while the original still spans it. A VMA
 * copied by fork() is alone in its new mm at that range (or already
 * inserted as itself), and mremap() copies into an empty range.
 */
static bool remap_pfn_vma_is_split(struct vm_area_struct *vma)
{
	struct vm_area_struct *other;

	other = find_vma_intersection(vma->vm_mm, vma->vm_start, vma->vm_end);
	return other && other != vma && other->vm_ops == vma->vm_ops;
}

/* Only counted VMAs are ever split, copied or moved: see the top */
static void remap_pfn_vm_open(struct vm_area_struct *vma)
{
	struct remap_pfn_device *rdev = vma->vm_private_data;
	unsigned long bytes = vma->vm_end - vma->vm_start;
	struct remap_pfn_mm *spare = NULL;

	if (remap_pfn_vma_is_split(vma))
		bytes = 0;

	/*
	 * ->open() cannot fail, and only the first VMA of a new address
	 * space (a fork() child) needs memory: a few bytes, so wait for
	 * them rather than lose count.
	 */
	if (!remap_pfn_mm_known(rdev, vma->vm_mm))
		spare = kzalloc_obj(*spare, GFP_KERNEL | __GFP_NOFAIL);

	remap_pfn_track(rdev, vma->vm_mm, bytes, spare);
}

static void remap_pfn_vm_close(struct vm_area_struct *vma)
{
	struct remap_pfn_device *rdev = vma->vm_private_data;
	struct remap_pfn_mm *rmm, *gone = NULL;

	/* never counted: the mapping failed before ->mapped() */
	if (!rdev)
		return;

	spin_lock(&rdev->lock);
	rmm = remap_pfn_mm_find(rdev, vma->vm_mm);
	if (!WARN_ON_ONCE(!rmm) && !--rmm->nr_vmas) {
		hash_del(&rmm->node);
		rdev->nr_processes--;
		gone = rmm;
	}
	rdev->nr_mappings--;
	/* an aborted split hands back a VMA with vm_start == vm_end */
	rdev->mapped_bytes -= vma->vm_end - vma->vm_start;
	remap_pfn_info_page_update(rdev);
	spin_unlock(&rdev->lock);

	kfree(gone);
}

/*
 * A data page is missing from a page table: map=pfn maps scattered
 * buffers on demand, and map=pages refills after MADV_DONTNEED.
 */
static vm_fault_t remap_pfn_vm_fault(struct vm_fault *vmf)
{
	struct remap_pfn_device *rdev = vmf->vma->vm_private_data;
	struct remap_pfn_buf *buf = &rdev->buf;

	/* remap_pfn_mmap_prepare() kept the VMA inside the buffer */
	if (WARN_ON_ONCE(vmf->pgoff >= buf->size >> PAGE_SHIFT))
		return VM_FAULT_SIGBUS;
	if (rdev->map == REMAP_PFN_MAP_PAGES)
		return remap_pfn_fault_page(vmf, buf);
	return remap_pfn_fault_pfn(vmf, buf);
}

#ifdef CONFIG_ARCH_SUPPORTS_PMD_PFNMAP
/*
 * A missing PMD (or PUD) of a data mapping: one PMD entry where it fits
 * (remap_pfn_fault_pmd()), else the mm falls back to ->fault().
 */
static vm_fault_t remap_pfn_vm_huge_fault(struct vm_fault *vmf,
					  unsigned int order)
{
	struct remap_pfn_device *rdev = vmf->vma->vm_private_data;
	vm_fault_t ret;

	/* no chunk reaches PUD size; map=pages has no PMD entries at all */
	if (order != PMD_ORDER || rdev->map != REMAP_PFN_MAP_PFN)
		return VM_FAULT_FALLBACK;

	ret = remap_pfn_fault_pmd(vmf, &rdev->buf);
	if (ret == VM_FAULT_NOPAGE) {
		spin_lock(&rdev->lock);
		rdev->huge_faults++;
		remap_pfn_info_page_update(rdev);
		spin_unlock(&rdev->lock);
	}
	return ret;
}
#endif

/*
 * ptrace() and /proc/PID/mem on a data mapping. They go through GUP, which
 * refuses VM_PFNMAP, and then ask the VMA: copy between @buf and the bytes
 * of the buffer that @addr maps. Writing needs VM_WRITE, as GUP demands of
 * a shared mapping even when the debugger forces access.
 */
static int remap_pfn_vm_access(struct vm_area_struct *vma, unsigned long addr,
			       void *buf, int len, int write)
{
	struct remap_pfn_device *rdev = vma->vm_private_data;
	struct remap_pfn_buf *rbuf = &rdev->buf;
	unsigned long pos, n, done = 0;

	if (write && !(vma->vm_flags & VM_WRITE))
		return -EFAULT;
	/* the VMA lies inside the buffer: remap_pfn_mmap_prepare() checked */
	pos = (vma->vm_pgoff << PAGE_SHIFT) + (addr - vma->vm_start);
	if (len <= 0 || pos >= rbuf->size)
		return -EFAULT;
	len = min3((unsigned long)len, vma->vm_end - addr, rbuf->size - pos);

	while (done < len) {
		unsigned long at = pos + done;
		void *kaddr = rbuf->ops->page_vaddr(rbuf, at >> PAGE_SHIFT);

		kaddr += offset_in_page(at);
		n = min(len - done, PAGE_SIZE - offset_in_page(at));
		if (write)
			memcpy(kaddr, buf + done, n);
		else
			memcpy(buf + done, kaddr, n);
		done += n;
	}
	return len;
}

/*
 * The data region: populated by its mmap action or on demand by
 * ->huge_fault() and ->fault(); reachable by debuggers although GUP
 * refuses it (map=pfn).
 */
static const struct vm_operations_struct remap_pfn_data_vm_ops = {
#ifndef REMAP_PFN_COMPAT_MMAP
	.mapped = remap_pfn_vm_mapped,
#endif
	.open = remap_pfn_vm_open,
	.close = remap_pfn_vm_close,
	.fault = remap_pfn_vm_fault,
#ifdef CONFIG_ARCH_SUPPORTS_PMD_PFNMAP
	.huge_fault = remap_pfn_vm_huge_fault,
#endif
	.access = remap_pfn_vm_access,
};

/*
 * A dma-buf's mapping: a data mapping, counted from the dma-buf's file.
 * The dma-buf core aligns no address, so PMD entries come only where the
 * address the mm chose happens to fit.
 */
static const struct vm_operations_struct remap_pfn_dmabuf_vm_ops = {
#ifndef REMAP_PFN_COMPAT_MMAP
	.mapped = remap_pfn_dmabuf_vm_mapped,
#endif
	.open = remap_pfn_vm_open,
	.close = remap_pfn_vm_close,
	.fault = remap_pfn_vm_fault,
#ifdef CONFIG_ARCH_SUPPORTS_PMD_PFNMAP
	.huge_fault = remap_pfn_vm_huge_fault,
#endif
	.access = remap_pfn_vm_access,
};

/* The info page: populated by its mmap action, never zapped (VM_PFNMAP) */
static const struct vm_operations_struct remap_pfn_info_vm_ops = {
#ifndef REMAP_PFN_COMPAT_MMAP
	.mapped = remap_pfn_vm_mapped,
#endif
	.open = remap_pfn_vm_open,
	.close = remap_pfn_vm_close,
};

static bool remap_pfn_is_device_vma(struct vm_area_struct *vma)
{
	return vma->vm_ops == &remap_pfn_data_vm_ops ||
	       vma->vm_ops == &remap_pfn_dmabuf_vm_ops ||
	       vma->vm_ops == &remap_pfn_info_vm_ops;
}

/*
 * Bytes [@off, @off + length) of the buffer. map=pages hands the mm the
 * buffer's pages. In pfn mode, a mapping that a PMD entry fits in anywhere
 * is left to the fault handlers, which map it in PMD entries where they
 * fit and PTEs elsewhere (pfn.c); failing that, a single PFN range (the
 * kmalloc block, any one-chunk buffer) is remapped by the mm in one go,
 * and scattered memory is left to the fault handler.
 */
static int remap_pfn_prepare_data(struct remap_pfn_device *rdev,
				  struct vm_area_desc *desc, unsigned long off,
				  const struct vm_operations_struct *vm_ops)
{
	struct remap_pfn_buf *buf = &rdev->buf;
	struct page **pages = buf->pages + (off >> PAGE_SHIFT);

	desc->vm_ops = vm_ops;
	if (rdev->map == REMAP_PFN_MAP_PAGES) {
		mmap_action_map_kernel_pages_full(desc, pages);
		return 0;
	}
	if (buf->nr_chunks == 1 &&
	    !remap_pfn_pmd_possible(buf, desc->start, desc->end, desc->pgoff)) {
		mmap_action_remap_full(desc, page_to_pfn(pages[0]));
		return 0;
	}
	/* what remapping sets: GUP and rmap must leave the PTEs alone */
	vma_desc_set_flags(desc, VMA_IO_BIT, VMA_PFNMAP_BIT);
	return 0;
}

static int remap_pfn_prepare_info(struct remap_pfn_device *rdev,
				  struct vm_area_desc *desc)
{
	desc->vm_ops = &remap_pfn_info_vm_ops;
	if (vma_desc_test(desc, VMA_WRITE_BIT))
		return -EPERM;
	/* only the kernel writes the info page; mprotect() cannot change that */
	vma_desc_clear_flags(desc, VMA_MAYWRITE_BIT);
	mmap_action_remap_full(desc, page_to_pfn(rdev->info_page));
	return 0;
}

/*
 * What every mapping of the device or of a dma-buf must be, and the flags
 * they all get; sets [@off, @end) to the byte range of the file mapped.
 */
static int remap_pfn_prepare_common(struct vm_area_desc *desc, u64 *off,
				    u64 *end)
{
	/* VM_SHARED is dropped for read-only fds; VM_MAYSHARE is MAP_SHARED */
	if (!vma_desc_test(desc, VMA_MAYSHARE_BIT))
		return -EINVAL;
	if (vma_desc_test(desc, VMA_EXEC_BIT))
		return -EPERM;
	if (check_shl_overflow((u64)desc->pgoff, PAGE_SHIFT, off) ||
	    check_add_overflow(*off, (u64)vma_desc_size(desc), end))
		return -EINVAL;

	/* a shared data buffer is never code */
	vma_desc_clear_flags(desc, VMA_MAYEXEC_BIT);
	/*
	 * mremap() may not grow a mapping past the range checked here; a
	 * core dump of every process would copy the whole shared buffer
	 */
	vma_desc_set_flags(desc, VMA_DONTEXPAND_BIT, VMA_DONTDUMP_BIT);
	/* set by ->mapped(): until then ->close() must not uncount the VMA */
	desc->private_data = NULL;
	return 0;
}

/**
 * remap_pfn_mmap_prepare() - describe the mapping of one region
 * @desc: the mapping to be; its offset selects the region
 *
 * Return: 0, -EINVAL for a private mapping or a range that is not inside
 * one region, or -EPERM for an executable mapping or a writable mapping
 * of the info region.
 */
int remap_pfn_mmap_prepare(struct vm_area_desc *desc)
{
	struct remap_pfn_device *rdev = remap_pfn_from_file(desc->file);
	u64 off, end;
	int ret;

	ret = remap_pfn_prepare_common(desc, &off, &end);
	if (ret)
		return ret;
	if (end <= rdev->buf.size)
		return remap_pfn_prepare_data(rdev, desc, off,
					      &remap_pfn_data_vm_ops);
	if (off == REMAP_PFN_OFF_INFO && end - off == PAGE_SIZE)
		return remap_pfn_prepare_info(rdev, desc);
	return -EINVAL;
}

/*
 * A mapping of an exported range: a data mapping of the same bytes, whose
 * page offset becomes the buffer's, so that the fault and access handlers
 * and split detection need not know the difference.
 */
static int remap_pfn_dmabuf_mmap_prepare(struct vm_area_desc *desc)
{
	struct remap_pfn_dmabuf *rbuf = remap_pfn_dmabuf_from_file(desc->file);
	u64 off, end;
	int ret;

	ret = remap_pfn_prepare_common(desc, &off, &end);
	if (ret)
		return ret;
	/* the dma-buf core checked this already; the buffer depends on it */
	if (end > (u64)rbuf->nr_pages << PAGE_SHIFT)
		return -EINVAL;
	desc->pgoff += rbuf->first;
	return remap_pfn_prepare_data(rbuf->rdev, desc,
				      off + ((u64)rbuf->first << PAGE_SHIFT),
				      &remap_pfn_dmabuf_vm_ops);
}

/**
 * remap_pfn_dmabuf_mmap_vma() - map an exported range into a new VMA
 * @vma: the VMA that dma_buf_ops->mmap() was given, of a dma-buf's file,
 *	with its page offset relative to the range
 *
 * The dma-buf core still hands its exporters a VMA rather than a
 * description, so the description is applied to @vma here, as the mm
 * does for a stacked ->mmap_prepare(): the same steps as a device mapping,
 * in the same order.
 *
 * Return: 0, or an error of the same meaning as for the device (the
 * VMA is then freed without ->close()).
 */
int remap_pfn_dmabuf_mmap_vma(struct vm_area_struct *vma)
{
#ifdef REMAP_PFN_COMPAT_MMAP
	return remap_pfn_compat_mmap(vma->vm_file, vma,
				     remap_pfn_dmabuf_mmap_prepare,
				     remap_pfn_dmabuf_vm_mapped);
#else
	struct vm_area_desc desc;
	int ret;

	compat_set_desc_from_vma(&desc, vma->vm_file, vma);
	ret = remap_pfn_dmabuf_mmap_prepare(&desc);
	if (ret)
		return ret;
	return __compat_vma_mmap(&desc, vma);
#endif
}

#ifdef REMAP_PFN_COMPAT_MMAP
/**
 * remap_pfn_mmap() - ->mmap() for a kernel without ->mmap_prepare()
 * @file: an open /dev/remap_pfn
 * @vma: the new mapping
 *
 * Return: what remap_pfn_compat_mmap() returns for the same steps.
 */
int remap_pfn_mmap(struct file *file, struct vm_area_struct *vma)
{
	return remap_pfn_compat_mmap(file, vma, remap_pfn_mmap_prepare,
				     remap_pfn_vm_mapped);
}
#endif

/**
 * remap_pfn_mmap_stats() - read the live accounting
 * @rdev: the device
 * @info: filled with the info page's contents
 * @nr_processes: if not NULL, set to the number of address spaces that map
 *	the device
 */
void remap_pfn_mmap_stats(struct remap_pfn_device *rdev,
			  struct remap_pfn_info *info,
			  unsigned long *nr_processes)
{
	spin_lock(&rdev->lock);
	memcpy(info, page_address(rdev->info_page), sizeof(*info));
	if (nr_processes)
		*nr_processes = rdev->nr_processes;
	spin_unlock(&rdev->lock);
}

static void remap_pfn_sum_vmas(struct mm_struct *mm, u64 *vm_bytes,
			       u64 *dev_bytes)
{
	VMA_ITERATOR(vmi, mm, 0);
	struct vm_area_struct *vma;

	mmap_assert_locked(mm);
	for_each_vma(vmi, vma) {
		unsigned long len = vma->vm_end - vma->vm_start;

		*vm_bytes += len;
		if (remap_pfn_is_device_vma(vma))
			*dev_bytes += len;
	}
}

/**
 * remap_pfn_caller_bytes() - measure the calling process's address space
 * @vm_bytes: set to the total length of its VMAs
 * @dev_bytes: set to the part of @vm_bytes that maps the device
 *
 * Return: 0, or -EINTR if a fatal signal interrupted the wait for the
 * mmap_lock.
 */
int remap_pfn_caller_bytes(u64 *vm_bytes, u64 *dev_bytes)
{
	struct mm_struct *mm = current->mm;

	*vm_bytes = 0;
	*dev_bytes = 0;
	if (!mm)
		return 0;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	remap_pfn_sum_vmas(mm, vm_bytes, dev_bytes);
	mmap_read_unlock(mm);
	return 0;
}
