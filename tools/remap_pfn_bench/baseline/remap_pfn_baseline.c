// SPDX-License-Identifier: GPL-2.0-only
/*
 * remap_pfn_baseline: the benchmark's yardstick for mapping vmalloc memory,
 * done the way the classic examples do it: one remap_pfn_range() per page,
 * each page's frame found with vmalloc_to_pfn(). It is not part of the
 * driver and never will be; it exists so that tools/remap_pfn_bench can
 * show what the driver's own vmalloc mapping gains over it.
 *
 * Apart from going page by page it is written as a real driver would be,
 * so the comparison is fair: the buffer is zeroed, offsets are honoured
 * and checked without overflow, only shared mappings are allowed, and no
 * page is marked reserved (that is obsolete).
 *
 *	fd = open("/dev/remap_pfn_baseline", O_RDWR);
 *	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/sizes.h>
#include <linux/vmalloc.h>

static unsigned long remap_pfn_baseline_size = SZ_128K;
module_param_named(size, remap_pfn_baseline_size, ulong, 0444);
MODULE_PARM_DESC(size,
		 "Buffer size in bytes, rounded up to whole pages (default: 131072)");

static void *remap_pfn_baseline_buf;
static size_t remap_pfn_baseline_len;

static int remap_pfn_baseline_mmap(struct file *file,
				   struct vm_area_struct *vma)
{
	unsigned long len = vma->vm_end - vma->vm_start;
	unsigned long addr;
	u64 off, end;

	/* a private mapping would need copy-on-write of special PTEs */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (check_shl_overflow((u64)vma->vm_pgoff, PAGE_SHIFT, &off) ||
	    check_add_overflow(off, (u64)len, &end) ||
	    end > remap_pfn_baseline_len)
		return -EINVAL;

	/* the pages are not physically contiguous: map them one by one */
	for (addr = vma->vm_start; addr < vma->vm_end; addr += PAGE_SIZE) {
		unsigned long pfn = vmalloc_to_pfn(remap_pfn_baseline_buf + off);
		int ret;

		ret = remap_pfn_range(vma, addr, pfn, PAGE_SIZE,
				      vma->vm_page_prot);
		if (ret)
			return ret;
		off += PAGE_SIZE;
	}
	return 0;
}

static const struct file_operations remap_pfn_baseline_fops = {
	.owner = THIS_MODULE,
	.mmap = remap_pfn_baseline_mmap,
};

static struct miscdevice remap_pfn_baseline_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "remap_pfn_baseline",
	.fops = &remap_pfn_baseline_fops,
	.mode = 0600,
};

static int __init remap_pfn_baseline_init(void)
{
	int ret;

	if (!remap_pfn_baseline_size ||
	    remap_pfn_baseline_size > SIZE_MAX - PAGE_SIZE)
		return -EINVAL;
	remap_pfn_baseline_len = PAGE_ALIGN(remap_pfn_baseline_size);

	/* zeroed: user space must never see stale kernel data */
	remap_pfn_baseline_buf = vmalloc_user(remap_pfn_baseline_len);
	if (!remap_pfn_baseline_buf)
		return -ENOMEM;

	ret = misc_register(&remap_pfn_baseline_misc);
	if (ret)
		goto err_free_buf;
	return 0;

err_free_buf:
	vfree(remap_pfn_baseline_buf);
	return ret;
}
module_init(remap_pfn_baseline_init);

static void __exit remap_pfn_baseline_exit(void)
{
	misc_deregister(&remap_pfn_baseline_misc);
	vfree(remap_pfn_baseline_buf);
}
module_exit(remap_pfn_baseline_exit);

MODULE_DESCRIPTION("Benchmark baseline: vmalloc memory mapped with one remap_pfn_range() per page");
MODULE_LICENSE("GPL");
