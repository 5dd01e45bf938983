// SPDX-License-Identifier: GPL-2.0-only
/*
 * remap_pfn: ranges of the buffer exported as dma-bufs.
 *
 * A dma-buf file descriptor is how Linux passes a buffer between
 * processes (over a Unix socket) and between drivers (a GPU, a camera, a
 * DMA engine imports it). REMAP_PFN_IOC_EXPORT makes one for a
 * page-aligned range of the data region; many may exist at once, for the
 * same or overlapping ranges. Each is a view of the buffer, not a copy:
 *
 * - an importing device gets an sg_table of the range's pages, built when
 *   it attaches and DMA-mapped for it by ->map_dma_buf();
 * - DMA_BUF_IOCTL_SYNC brackets CPU access by syncing every mapped
 *   attachment (and the kernel mapping of ->vmap());
 * - mmap() of the dma-buf builds a data mapping of the device, in its
 *   map= mode, counted with the device's (mmap.c);
 * - ->vmap() gives the kernel address of the range.
 *
 * The dma-buf core takes a reference to this module for each dma-buf, so
 * the buffer (which lives as long as the module) outlives them all, and
 * rmmod fails until the last fd and mapping of the last one are gone.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/highmem.h>
#include <linux/iosys-map.h>
#include <linux/overflow.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "remap_pfn.h"

/**
 * struct remap_pfn_dmabuf_attachment - one device attached to an export
 * @node: entry in remap_pfn_dmabuf.attachments
 * @dev: the importing device
 * @sgt: the range's pages, built at attach time
 * @dir: the direction @sgt is DMA-mapped for, while @mapped
 * @mapped: @sgt is DMA-mapped for @dev; only then is there anything to
 *	sync for CPU access
 *
 * @mapped and @dir are written under remap_pfn_dmabuf.lock.
 */
struct remap_pfn_dmabuf_attachment {
	struct list_head node;
	struct device *dev;
	struct sg_table sgt;
	enum dma_data_direction dir;
	bool mapped;
};

static struct page **remap_pfn_dmabuf_pages(struct remap_pfn_dmabuf *rbuf)
{
	return rbuf->rdev->buf.pages + rbuf->first;
}

static size_t remap_pfn_dmabuf_size(struct remap_pfn_dmabuf *rbuf)
{
	return rbuf->nr_pages << PAGE_SHIFT;
}

static int remap_pfn_dmabuf_attach(struct dma_buf *dmabuf,
				   struct dma_buf_attachment *attach)
{
	struct remap_pfn_dmabuf *rbuf = dmabuf->priv;
	struct remap_pfn_dmabuf_attachment *a;
	size_t max_segment;
	int ret;

	a = kzalloc_obj(*a, GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	/*
	 * Each device maps a table of its own; the pages are shared. No
	 * entry may be longer than the device can map in one go (a bounce
	 * buffer, as in an encrypted guest, takes 256 KiB at most), as
	 * drm_prime_pages_to_sg() does it.
	 */
	max_segment = min_t(size_t, dma_max_mapping_size(attach->dev),
			    UINT_MAX);
	ret = sg_alloc_table_from_pages_segment(&a->sgt,
						remap_pfn_dmabuf_pages(rbuf),
						rbuf->nr_pages, 0,
						remap_pfn_dmabuf_size(rbuf),
						max_segment, GFP_KERNEL);
	if (ret) {
		kfree(a);
		return ret;
	}
	a->dev = attach->dev;
	attach->priv = a;

	mutex_lock(&rbuf->lock);
	list_add(&a->node, &rbuf->attachments);
	mutex_unlock(&rbuf->lock);
	return 0;
}

static void remap_pfn_dmabuf_detach(struct dma_buf *dmabuf,
				    struct dma_buf_attachment *attach)
{
	struct remap_pfn_dmabuf *rbuf = dmabuf->priv;
	struct remap_pfn_dmabuf_attachment *a = attach->priv;

	mutex_lock(&rbuf->lock);
	list_del(&a->node);
	mutex_unlock(&rbuf->lock);

	sg_free_table(&a->sgt);
	kfree(a);
}

static struct sg_table *
remap_pfn_dmabuf_map(struct dma_buf_attachment *attach,
		     enum dma_data_direction dir)
{
	struct remap_pfn_dmabuf *rbuf = attach->dmabuf->priv;
	struct remap_pfn_dmabuf_attachment *a = attach->priv;
	int ret;

	/* hands the pages to the device: CPU caches are written back */
	ret = dma_map_sgtable(a->dev, &a->sgt, dir, 0);
	if (ret)
		return ERR_PTR(ret);

	mutex_lock(&rbuf->lock);
	a->dir = dir;
	a->mapped = true;
	mutex_unlock(&rbuf->lock);
	return &a->sgt;
}

static void remap_pfn_dmabuf_unmap(struct dma_buf_attachment *attach,
				   struct sg_table *sgt,
				   enum dma_data_direction dir)
{
	struct remap_pfn_dmabuf *rbuf = attach->dmabuf->priv;
	struct remap_pfn_dmabuf_attachment *a = attach->priv;

	mutex_lock(&rbuf->lock);
	a->mapped = false;
	mutex_unlock(&rbuf->lock);

	dma_unmap_sgtable(a->dev, sgt, dir, 0);
}

/*
 * DMA_BUF_IOCTL_SYNC_START and dma_buf_begin_cpu_access(): what devices
 * wrote must reach the CPU. A coherent machine (x86) makes every sync a
 * no-op, but the calls are what the API promises elsewhere.
 */
static int remap_pfn_dmabuf_begin_cpu_access(struct dma_buf *dmabuf,
					     enum dma_data_direction dir)
{
	struct remap_pfn_dmabuf *rbuf = dmabuf->priv;
	struct remap_pfn_dmabuf_attachment *a;

	mutex_lock(&rbuf->lock);
	if (rbuf->vaddr)
		invalidate_kernel_vmap_range(rbuf->vaddr,
					     remap_pfn_dmabuf_size(rbuf));
	list_for_each_entry(a, &rbuf->attachments, node)
		if (a->mapped)
			dma_sync_sgtable_for_cpu(a->dev, &a->sgt, dir);
	mutex_unlock(&rbuf->lock);
	return 0;
}

/* ... and DMA_BUF_IOCTL_SYNC_END: what the CPU wrote must reach devices */
static int remap_pfn_dmabuf_end_cpu_access(struct dma_buf *dmabuf,
					   enum dma_data_direction dir)
{
	struct remap_pfn_dmabuf *rbuf = dmabuf->priv;
	struct remap_pfn_dmabuf_attachment *a;

	mutex_lock(&rbuf->lock);
	if (rbuf->vaddr)
		flush_kernel_vmap_range(rbuf->vaddr,
					remap_pfn_dmabuf_size(rbuf));
	list_for_each_entry(a, &rbuf->attachments, node)
		if (a->mapped)
			dma_sync_sgtable_for_device(a->dev, &a->sgt, dir);
	mutex_unlock(&rbuf->lock);
	return 0;
}

static int remap_pfn_dmabuf_mmap(struct dma_buf *dmabuf,
				 struct vm_area_struct *vma)
{
	return remap_pfn_dmabuf_mmap_vma(vma);
}

/*
 * The core calls ->vmap() only for its first user and ->vunmap() after
 * its last, and serialises them (under the reservation lock, or its own
 * mutex on older kernels).
 */
static int remap_pfn_dmabuf_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct remap_pfn_dmabuf *rbuf = dmabuf->priv;
	struct remap_pfn_buf *buf = &rbuf->rdev->buf;
	void *vaddr;

	if (buf->vaddr) {
		/* kmalloc and vmalloc: the buffer is mapped whole already */
		vaddr = buf->vaddr + ((size_t)rbuf->first << PAGE_SHIFT);
	} else {
		vaddr = vmap(remap_pfn_dmabuf_pages(rbuf), rbuf->nr_pages,
			     VM_MAP, PAGE_KERNEL);
		if (!vaddr)
			return -ENOMEM;
	}
	/* an alias of the pages (not the linear map) is synced for the CPU */
	if (is_vmalloc_addr(vaddr)) {
		mutex_lock(&rbuf->lock);
		rbuf->vaddr = vaddr;
		mutex_unlock(&rbuf->lock);
	}
	iosys_map_set_vaddr(map, vaddr);
	return 0;
}

static void remap_pfn_dmabuf_vunmap(struct dma_buf *dmabuf,
				    struct iosys_map *map)
{
	struct remap_pfn_dmabuf *rbuf = dmabuf->priv;

	mutex_lock(&rbuf->lock);
	rbuf->vaddr = NULL;
	mutex_unlock(&rbuf->lock);
	if (!rbuf->rdev->buf.vaddr)
		vunmap(map->vaddr);
}

/* Count an export in or out, where the ioctl and the info page show it */
static void remap_pfn_export_account(struct remap_pfn_device *rdev,
				     struct remap_pfn_dmabuf *rbuf, bool add)
{
	struct remap_pfn_info *info = page_address(rdev->info_page);
	size_t bytes = remap_pfn_dmabuf_size(rbuf);

	spin_lock(&rdev->lock);
	if (add) {
		rdev->nr_exports++;
		rdev->export_bytes += bytes;
	} else {
		rdev->nr_exports--;
		rdev->export_bytes -= bytes;
	}
	WRITE_ONCE(info->exports, rdev->nr_exports);
	WRITE_ONCE(info->export_bytes, rdev->export_bytes);
	spin_unlock(&rdev->lock);
}

/* The last reference is gone: no fd, no mapping, no attachment */
static void remap_pfn_dmabuf_release(struct dma_buf *dmabuf)
{
	struct remap_pfn_dmabuf *rbuf = dmabuf->priv;

	remap_pfn_export_account(rbuf->rdev, rbuf, false);
	mutex_destroy(&rbuf->lock);
	kfree(rbuf);
}

static const struct dma_buf_ops remap_pfn_dmabuf_ops = {
	.attach = remap_pfn_dmabuf_attach,
	.detach = remap_pfn_dmabuf_detach,
	.map_dma_buf = remap_pfn_dmabuf_map,
	.unmap_dma_buf = remap_pfn_dmabuf_unmap,
	.release = remap_pfn_dmabuf_release,
	.begin_cpu_access = remap_pfn_dmabuf_begin_cpu_access,
	.end_cpu_access = remap_pfn_dmabuf_end_cpu_access,
	.mmap = remap_pfn_dmabuf_mmap,
	.vmap = remap_pfn_dmabuf_vmap,
	.vunmap = remap_pfn_dmabuf_vunmap,
};

/*
 * Check @arg against the buffer, as the UAPI header promises, and set the
 * range's first page and length in pages.
 */
static int remap_pfn_export_check(struct remap_pfn_device *rdev,
				  struct file *file,
				  const struct remap_pfn_export *arg,
				  pgoff_t *first, unsigned long *nr_pages)
{
	u64 end;

	if (arg->reserved[0] || arg->reserved[1])
		return -EINVAL;
	if (arg->flags & ~(O_ACCMODE | O_CLOEXEC))
		return -EINVAL;
	switch (arg->flags & O_ACCMODE) {
	case O_RDONLY:
		break;
	case O_RDWR:
		/* no more than the caller may do through the device */
		if (!(file->f_mode & FMODE_WRITE))
			return -EACCES;
		break;
	default:
		return -EINVAL;
	}
	if (!arg->length || !PAGE_ALIGNED(arg->offset) ||
	    !PAGE_ALIGNED(arg->length))
		return -EINVAL;
	if (check_add_overflow(arg->offset, arg->length, &end) ||
	    end > rdev->buf.size)
		return -EINVAL;

	*first = arg->offset >> PAGE_SHIFT;
	*nr_pages = arg->length >> PAGE_SHIFT;
	return 0;
}

/**
 * remap_pfn_export() - REMAP_PFN_IOC_EXPORT: a range as a new dma-buf fd
 * @rdev: the device
 * @file: the device file the ioctl came on
 * @uarg: the caller's struct remap_pfn_export
 *
 * The fd is installed only once the caller has it in @uarg->fd, so a bad
 * pointer leaves no descriptor behind.
 *
 * Return: 0, or a negative errno as the UAPI header lists them.
 */
long remap_pfn_export(struct remap_pfn_device *rdev, struct file *file,
		      struct remap_pfn_export __user *uarg)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);
	struct remap_pfn_export arg;
	struct remap_pfn_dmabuf *rbuf;
	struct dma_buf *dmabuf;
	unsigned long nr_pages;
	pgoff_t first;
	int fd, ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	ret = remap_pfn_export_check(rdev, file, &arg, &first, &nr_pages);
	if (ret)
		return ret;

	rbuf = kzalloc_obj(*rbuf, GFP_KERNEL);
	if (!rbuf)
		return -ENOMEM;
	rbuf->rdev = rdev;
	rbuf->first = first;
	rbuf->nr_pages = nr_pages;
	mutex_init(&rbuf->lock);
	INIT_LIST_HEAD(&rbuf->attachments);

	fd = get_unused_fd_flags(arg.flags & O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto err_free_rbuf;
	}

	/* exp_name and owner are KBUILD_MODNAME and this module */
	exp_info.ops = &remap_pfn_dmabuf_ops;
	exp_info.size = arg.length;
	exp_info.flags = arg.flags & O_ACCMODE;
	exp_info.priv = rbuf;
	dmabuf = dma_buf_export(&exp_info);
	if (IS_ERR(dmabuf)) {
		ret = PTR_ERR(dmabuf);
		goto err_put_fd;
	}
	/* from here on, release() frees @rbuf and counts it out */
	remap_pfn_export_account(rdev, rbuf, true);

	if (put_user(fd, &uarg->fd)) {
		put_unused_fd(fd);
		dma_buf_put(dmabuf);
		return -EFAULT;
	}
	fd_install(fd, dmabuf->file);
	return 0;

err_put_fd:
	put_unused_fd(fd);
err_free_rbuf:
	mutex_destroy(&rbuf->lock);
	kfree(rbuf);
	return ret;
}
