// SPDX-License-Identifier: GPL-2.0-only
/*
 * remap_pfn_importer: a test-only in-kernel importer of dma-bufs, for the
 * remap_pfn selftests. User space reaches ->mmap() and the CPU syncs of an
 * exporter; only a driver reaches ->map_dma_buf(), ->vmap() and the
 * syncs of a mapped attachment. This module is that driver, with a device
 * of its own that the dma-buf is mapped for:
 *
 *	struct remap_pfn_importer_check c = {
 *		.fd = dmabuf_fd, .base = offset_in_buffer,
 *		.expect_seed = 1, .fill_seed = 2,
 *	};
 *	ioctl(importer, REMAP_PFN_IMPORTER_IOC_CHECK, &c);
 *
 * compares what the device and the kernel mapping see with a pattern and
 * writes another one through the kernel mapping (remap_pfn_importer.h);
 * REMAP_PFN_IMPORTER_IOC_HOLD keeps one dma-buf attached, mapped and
 * vmapped until REMAP_PFN_IMPORTER_IOC_RELEASE or unload.
 *
 * The device's view: with no IOMMU, as in the test VMs, a DMA address is
 * the physical address the device reads (or the bounce buffer that the
 * syncs fill), so the bytes there are what a device would see.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-buf.h>
#include <linux/dma-direct.h>
#include <linux/dma-mapping.h>
#include <linux/iosys-map.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/scatterlist.h>
#include <linux/uaccess.h>

#include "remap_pfn_importer.h"

#ifdef REMAP_PFN_COMPAT
/* Out of tree, for older kernels: the probes of the Makefile */
#ifndef REMAP_PFN_HAVE_MAP_UNLOCKED
#define dma_buf_map_attachment_unlocked		dma_buf_map_attachment
#define dma_buf_unmap_attachment_unlocked	dma_buf_unmap_attachment
#endif
#ifndef REMAP_PFN_HAVE_VMAP_UNLOCKED
#define dma_buf_vmap_unlocked			dma_buf_vmap
#define dma_buf_vunmap_unlocked			dma_buf_vunmap
#endif
#ifndef REMAP_PFN_HAVE_IMPORT_NS_STRING
#undef MODULE_IMPORT_NS
#define MODULE_IMPORT_NS(ns)	MODULE_INFO(import_ns, ns)
#endif
#endif /* REMAP_PFN_COMPAT */

/* One dma-buf as this importer holds it */
struct remap_pfn_importer_import {
	struct dma_buf *dmabuf;
	struct dma_buf_attachment *attach;
	struct sg_table *sgt;
	struct iosys_map map;
};

/* the device the dma-bufs are attached to and DMA-mapped for */
static struct platform_device *remap_pfn_importer_pdev;

/*
 * protects remap_pfn_importer_held; the dma-buf core takes its own locks
 * (the reservation lock, its mutex) inside it
 */
static DEFINE_MUTEX(remap_pfn_importer_lock);
static struct remap_pfn_importer_import remap_pfn_importer_held;

/* rp_word() of remap_pfn_util.h: the pattern's word at byte offset @off */
static u64 remap_pfn_importer_word(u32 seed, u64 off)
{
	if (!seed)
		return 0;
	return (seed * 0x9e3779b97f4a7c15ULL) ^
	       ((off >> 3) * 0xbf58476d1ce4e5b9ULL) ^ 0x94d049bb133111ebULL;
}

/*
 * Compare [@p, @p + @len), which is at @pos in the dma-buf, with the
 * pattern. Return: the offset of the first bad word, or -1.
 */
static s64 remap_pfn_importer_cmp(const u64 *p, u32 seed, u64 base, u64 pos,
				  size_t len)
{
	size_t i;

	for (i = 0; i < len / 8; i++)
		if (p[i] != remap_pfn_importer_word(seed, base + pos + i * 8))
			return pos + i * 8;
	return -1;
}

/* The first bad offset in the device's view of @imp, or -1 */
static s64 remap_pfn_importer_dev_cmp(struct remap_pfn_importer_import *imp,
				      u32 seed, u64 base)
{
	struct device *dev = &remap_pfn_importer_pdev->dev;
	size_t size = imp->dmabuf->size;
	struct scatterlist *sg;
	u64 pos = 0;
	s64 bad;
	int i;

	for_each_sgtable_dma_sg(imp->sgt, sg, i) {
		phys_addr_t phys = dma_to_phys(dev, sg_dma_address(sg));
		size_t len;

		if (pos >= size)
			break;
		len = min_t(size_t, sg_dma_len(sg), size - pos);
		/* an IOMMU would make it no physical address at all */
		if (!pfn_valid(PHYS_PFN(phys)))
			return pos;
		bad = remap_pfn_importer_cmp(phys_to_virt(phys), seed, base,
					     pos, len);
		if (bad >= 0)
			return bad;
		pos += len;
	}
	return -1;
}

static int remap_pfn_importer_import(int fd,
				     struct remap_pfn_importer_import *imp)
{
	int ret;

	imp->dmabuf = dma_buf_get(fd);
	if (IS_ERR(imp->dmabuf)) {
		ret = PTR_ERR(imp->dmabuf);
		goto err_clear;
	}
	imp->attach = dma_buf_attach(imp->dmabuf, &remap_pfn_importer_pdev->dev);
	if (IS_ERR(imp->attach)) {
		ret = PTR_ERR(imp->attach);
		goto err_put;
	}
	imp->sgt = dma_buf_map_attachment_unlocked(imp->attach,
						   DMA_BIDIRECTIONAL);
	if (IS_ERR(imp->sgt)) {
		ret = PTR_ERR(imp->sgt);
		goto err_detach;
	}
	ret = dma_buf_vmap_unlocked(imp->dmabuf, &imp->map);
	if (ret)
		goto err_unmap;
	/* the words are compared through a plain pointer */
	if (imp->map.is_iomem || !PAGE_ALIGNED(imp->map.vaddr)) {
		ret = -EFAULT;
		goto err_vunmap;
	}
	return 0;

err_vunmap:
	dma_buf_vunmap_unlocked(imp->dmabuf, &imp->map);
err_unmap:
	dma_buf_unmap_attachment_unlocked(imp->attach, imp->sgt,
					  DMA_BIDIRECTIONAL);
err_detach:
	dma_buf_detach(imp->dmabuf, imp->attach);
err_put:
	dma_buf_put(imp->dmabuf);
err_clear:
	/* the held slot must read as empty again */
	imp->dmabuf = NULL;
	return ret;
}

static void remap_pfn_importer_drop(struct remap_pfn_importer_import *imp)
{
	dma_buf_vunmap_unlocked(imp->dmabuf, &imp->map);
	dma_buf_unmap_attachment_unlocked(imp->attach, imp->sgt,
					  DMA_BIDIRECTIONAL);
	dma_buf_detach(imp->dmabuf, imp->attach);
	dma_buf_put(imp->dmabuf);
	imp->dmabuf = NULL;
}

/*
 * The device reads, the CPU reads and writes between the syncs, the
 * device reads again: what each saw goes back to the caller.
 */
static int remap_pfn_importer_check(struct remap_pfn_importer_check __user *uarg)
{
	struct remap_pfn_importer_import imp;
	struct remap_pfn_importer_check arg;
	struct scatterlist *sg;
	size_t i;
	int ret, n;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags || !IS_ALIGNED(arg.base, 8))
		return -EINVAL;
	ret = remap_pfn_importer_import(arg.fd, &imp);
	if (ret)
		return ret;

	arg.size = imp.dmabuf->size;
	arg.dma_bytes = 0;
	for_each_sgtable_dma_sg(imp.sgt, sg, n)
		arg.dma_bytes += sg_dma_len(sg);
	arg.dev_bad = remap_pfn_importer_dev_cmp(&imp, arg.expect_seed,
						 arg.base);

	ret = dma_buf_begin_cpu_access(imp.dmabuf, DMA_BIDIRECTIONAL);
	if (ret)
		goto out_drop;
	arg.vmap_bad = remap_pfn_importer_cmp(imp.map.vaddr, arg.expect_seed,
					      arg.base, 0, arg.size);
	for (i = 0; i < arg.size / 8; i++)
		((u64 *)imp.map.vaddr)[i] =
			remap_pfn_importer_word(arg.fill_seed, arg.base + i * 8);
	ret = dma_buf_end_cpu_access(imp.dmabuf, DMA_BIDIRECTIONAL);
	if (ret)
		goto out_drop;
	arg.written_bad = remap_pfn_importer_dev_cmp(&imp, arg.fill_seed,
						     arg.base);

	if (copy_to_user(uarg, &arg, sizeof(arg)))
		ret = -EFAULT;
out_drop:
	remap_pfn_importer_drop(&imp);
	return ret;
}

/* (no guard(): 6.1 has no linux/cleanup.h) */
static int remap_pfn_importer_hold(int fd)
{
	int ret = -EBUSY;

	mutex_lock(&remap_pfn_importer_lock);
	if (!remap_pfn_importer_held.dmabuf)
		ret = remap_pfn_importer_import(fd, &remap_pfn_importer_held);
	mutex_unlock(&remap_pfn_importer_lock);
	return ret;
}

static int remap_pfn_importer_release(void)
{
	int ret = -ENOENT;

	mutex_lock(&remap_pfn_importer_lock);
	if (remap_pfn_importer_held.dmabuf) {
		remap_pfn_importer_drop(&remap_pfn_importer_held);
		ret = 0;
	}
	mutex_unlock(&remap_pfn_importer_lock);
	return ret;
}

static long remap_pfn_importer_ioctl(struct file *file, unsigned int cmd,
				     unsigned long arg)
{
	switch (cmd) {
	case REMAP_PFN_IMPORTER_IOC_CHECK:
		return remap_pfn_importer_check((void __user *)arg);
	case REMAP_PFN_IMPORTER_IOC_HOLD:
		return remap_pfn_importer_hold((int)arg);
	case REMAP_PFN_IMPORTER_IOC_RELEASE:
		return remap_pfn_importer_release();
	default:
		return -ENOTTY;
	}
}

static const struct file_operations remap_pfn_importer_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = remap_pfn_importer_ioctl,
};

static struct miscdevice remap_pfn_importer_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = KBUILD_MODNAME,
	.fops = &remap_pfn_importer_fops,
};

static int __init remap_pfn_importer_init(void)
{
	int ret;

	remap_pfn_importer_pdev =
		platform_device_register_simple(KBUILD_MODNAME,
						PLATFORM_DEVID_NONE, NULL, 0);
	if (IS_ERR(remap_pfn_importer_pdev))
		return PTR_ERR(remap_pfn_importer_pdev);
	/* a device that reaches all of memory: no bouncing of its own */
	ret = dma_coerce_mask_and_coherent(&remap_pfn_importer_pdev->dev,
					   DMA_BIT_MASK(64));
	if (ret)
		goto err_unregister_pdev;
	remap_pfn_importer_misc.parent = &remap_pfn_importer_pdev->dev;
	ret = misc_register(&remap_pfn_importer_misc);
	if (ret)
		goto err_unregister_pdev;
	return 0;

err_unregister_pdev:
	platform_device_unregister(remap_pfn_importer_pdev);
	return ret;
}

static void __exit remap_pfn_importer_exit(void)
{
	misc_deregister(&remap_pfn_importer_misc);
	/* no ioctl is left to race with */
	if (remap_pfn_importer_held.dmabuf)
		remap_pfn_importer_drop(&remap_pfn_importer_held);
	platform_device_unregister(remap_pfn_importer_pdev);
}

module_init(remap_pfn_importer_init);
module_exit(remap_pfn_importer_exit);

MODULE_DESCRIPTION("remap_pfn selftests: an in-kernel dma-buf importer");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("DMA_BUF");
