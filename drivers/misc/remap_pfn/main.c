// SPDX-License-Identifier: GPL-2.0-only
/*
 * remap_pfn: one kernel buffer, shared by every process that maps
 * /dev/remap_pfn, with no copies.
 *
 * A process sees the buffer like this (error handling left out):
 *
 *	fd = open("/dev/remap_pfn", O_RDWR);
 *	ioctl(fd, REMAP_PFN_IOC_INFO, &info);
 *	half = info.size / 2;
 *	p = mmap(NULL, half, PROT_READ | PROT_WRITE, MAP_SHARED, fd, half);
 *	strcpy(p, "seen by every process that maps the second half");
 *	pread(fd, line, sizeof(line), half);	// the same bytes
 *
 * The buffer is allocated once, at module load, by the allocator named in
 * the allocator= parameter, and lives until the module is unloaded, which
 * the open files and mappings prevent.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "remap_pfn.h"

/*
 * Module parameters. Their ->set() only parses: it reports a bad value in
 * one log line and makes remap_pfn_init() fail with -EINVAL. Returning an
 * error from ->set() would add a second, generic line from the module
 * loader.
 */
static unsigned int remap_pfn_allocator = REMAP_PFN_ALLOC_VMALLOC;
static size_t remap_pfn_size = SZ_128K;
static unsigned int remap_pfn_map = REMAP_PFN_MAP_PFN;
static bool remap_pfn_huge = true;
static bool remap_pfn_bad_param;

/* Indexed by enum remap_pfn_map */
static const char *const remap_pfn_map_names[] = {
	[REMAP_PFN_MAP_PFN] = "pfn",
	[REMAP_PFN_MAP_PAGES] = "pages",
};

static int remap_pfn_allocator_set(const char *val,
				   const struct kernel_param *kp)
{
	unsigned int i;

	for (i = 0; i < remap_pfn_nr_allocators; i++) {
		if (sysfs_streq(val, remap_pfn_allocators[i]->name)) {
			*(unsigned int *)kp->arg = i;
			return 0;
		}
	}
	pr_err("allocator=%s is unknown; valid names: kmalloc, vmalloc, alloc_pages\n",
	       val);
	remap_pfn_bad_param = true;
	return 0;
}

static int remap_pfn_allocator_get(char *buffer, const struct kernel_param *kp)
{
	unsigned int i = *(unsigned int *)kp->arg;

	return sysfs_emit(buffer, "%s\n", remap_pfn_allocators[i]->name);
}

static const struct kernel_param_ops remap_pfn_allocator_ops = {
	.set = remap_pfn_allocator_set,
	.get = remap_pfn_allocator_get,
};

static int remap_pfn_map_set(const char *val, const struct kernel_param *kp)
{
	int i = sysfs_match_string(remap_pfn_map_names, val);

	if (i < 0) {
		pr_err("map=%s is unknown; valid names: pfn, pages\n", val);
		remap_pfn_bad_param = true;
		return 0;
	}
	*(unsigned int *)kp->arg = i;
	return 0;
}

static int remap_pfn_map_get(char *buffer, const struct kernel_param *kp)
{
	return sysfs_emit(buffer, "%s\n",
			  remap_pfn_map_names[*(unsigned int *)kp->arg]);
}

static const struct kernel_param_ops remap_pfn_map_ops = {
	.set = remap_pfn_map_set,
	.get = remap_pfn_map_get,
};

static int remap_pfn_size_set(const char *val, const struct kernel_param *kp)
{
	unsigned long long bytes;
	size_t rounded;
	char *end;

	bytes = memparse(val, &end);
	if (end == val || (*end && *end != '\n')) {
		pr_err("size=%s is not a number of bytes (K, M, G suffixes allowed)\n",
		       val);
		goto bad;
	}
	if (!bytes) {
		pr_err("size=0: the buffer needs at least one byte\n");
		goto bad;
	}
	if (bytes > SIZE_MAX ||
	    check_add_overflow((size_t)bytes, (size_t)PAGE_SIZE - 1, &rounded)) {
		pr_err("size=%s is too large\n", val);
		goto bad;
	}
	*(size_t *)kp->arg = rounded & PAGE_MASK;
	return 0;

bad:
	remap_pfn_bad_param = true;
	return 0;
}

static int remap_pfn_size_get(char *buffer, const struct kernel_param *kp)
{
	return sysfs_emit(buffer, "%zu\n", *(size_t *)kp->arg);
}

static const struct kernel_param_ops remap_pfn_size_ops = {
	.set = remap_pfn_size_set,
	.get = remap_pfn_size_get,
};

module_param_cb(allocator, &remap_pfn_allocator_ops, &remap_pfn_allocator,
		0444);
MODULE_PARM_DESC(allocator,
		 "How the buffer is allocated: kmalloc, vmalloc or alloc_pages (default: vmalloc)");
module_param_cb(size, &remap_pfn_size_ops, &remap_pfn_size, 0444);
MODULE_PARM_DESC(size,
		 "Buffer size in bytes, K/M/G suffixes allowed, rounded up to whole pages (default: 128K)");
module_param_cb(map, &remap_pfn_map_ops, &remap_pfn_map, 0444);
MODULE_PARM_DESC(map,
		 "How data is mapped: pfn (special PTEs) or pages (refcounted pages, get_user_pages works) (default: pfn)");
module_param_named(huge, remap_pfn_huge, bool, 0444);
MODULE_PARM_DESC(huge,
		 "map=pfn: map 2 MiB pieces that are physically contiguous with one PMD entry, where the kernel can (default: Y)");

static struct remap_pfn_device remap_pfn_dev;

/*
 * Copy @count bytes between user memory and the buffer at @pos, one page
 * at a time: pages of the buffer need not be contiguous in the kernel.
 * Returns how many bytes were copied before a fault stopped it.
 */
static size_t remap_pfn_copy(struct remap_pfn_buf *buf, void __user *ubuf,
			     size_t pos, size_t count, bool to_user)
{
	size_t done = 0;

	while (done < count) {
		size_t in_page = offset_in_page(pos + done);
		size_t n = min(count - done, PAGE_SIZE - in_page);
		void *kaddr = buf->ops->page_vaddr(buf, (pos + done) >> PAGE_SHIFT);
		size_t left;

		kaddr += in_page;
		if (to_user)
			left = copy_to_user(ubuf + done, kaddr, n);
		else
			left = copy_from_user(kaddr, ubuf + done, n);
		done += n - left;
		if (left)
			break;
		cond_resched();
	}
	return done;
}

static int remap_pfn_open(struct inode *inode, struct file *file)
{
	struct remap_pfn_device *rdev = remap_pfn_from_file(file);

	/* map=pages: every file shares the address_space that owns the pages */
	if (rdev->inode)
		file->f_mapping = rdev->inode->i_mapping;
	return 0;
}

static ssize_t remap_pfn_read(struct file *file, char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct remap_pfn_buf *buf = &remap_pfn_from_file(file)->buf;
	loff_t pos = *ppos;
	size_t done;

	if (pos < 0)
		return -EINVAL;
	if (pos >= buf->size || !count)
		return 0;

	count = min_t(size_t, count, buf->size - pos);
	done = remap_pfn_copy(buf, ubuf, pos, count, true);
	if (!done)
		return -EFAULT;
	*ppos = pos + done;
	return done;
}

static ssize_t remap_pfn_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct remap_pfn_buf *buf = &remap_pfn_from_file(file)->buf;
	loff_t pos = *ppos;
	size_t done;

	if (pos < 0)
		return -EINVAL;
	if (!count)
		return 0;
	/* the buffer never grows */
	if (pos >= buf->size)
		return -ENOSPC;

	count = min_t(size_t, count, buf->size - pos);
	done = remap_pfn_copy(buf, (void __user *)ubuf, pos, count, false);
	if (!done)
		return -EFAULT;
	*ppos = pos + done;
	return done;
}

static loff_t remap_pfn_llseek(struct file *file, loff_t offset, int whence)
{
	struct remap_pfn_buf *buf = &remap_pfn_from_file(file)->buf;

	return fixed_size_llseek(file, offset, whence, buf->size);
}

static long remap_pfn_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct remap_pfn_device *rdev = remap_pfn_from_file(file);
	struct remap_pfn_info info;

	switch (cmd) {
	case REMAP_PFN_IOC_INFO:
		remap_pfn_mmap_stats(rdev, &info, NULL);
		if (copy_to_user((void __user *)arg, &info, sizeof(info)))
			return -EFAULT;
		return 0;
	case REMAP_PFN_IOC_EXPORT:
		return remap_pfn_export(rdev, file, (void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations remap_pfn_fops = {
	.owner = THIS_MODULE,
	.open = remap_pfn_open,
	.read = remap_pfn_read,
	.write = remap_pfn_write,
	.llseek = remap_pfn_llseek,
	/* an address as aligned as the offset, so that PMD entries fit */
	.get_unmapped_area = thp_get_unmapped_area,
#ifdef REMAP_PFN_COMPAT_MMAP
	.mmap = remap_pfn_mmap,
#else
	.mmap_prepare = remap_pfn_mmap_prepare,
#endif
	.unlocked_ioctl = remap_pfn_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static int remap_pfn_proc_show(struct seq_file *m, void *v)
{
	struct remap_pfn_device *rdev = m->private;
	struct remap_pfn_info info;
	unsigned long nr_processes;
	u64 vm_bytes, dev_bytes;
	int ret;

	remap_pfn_mmap_stats(rdev, &info, &nr_processes);
	ret = remap_pfn_caller_bytes(&vm_bytes, &dev_bytes);
	if (ret)
		return ret;

	seq_printf(m, "allocator: %s\n", rdev->buf.ops->name);
	seq_printf(m, "map: %s\n", remap_pfn_map_names[rdev->map]);
	seq_printf(m, "size: %llu\n", info.size);
	seq_printf(m, "chunks: %llu\n", info.chunks);
	seq_printf(m, "mappings: %llu\n", info.mappings);
	seq_printf(m, "mapped_bytes: %llu\n", info.mapped_bytes);
	seq_printf(m, "processes: %lu\n", nr_processes);
	seq_printf(m, "caller_vm_bytes: %llu\n", vm_bytes);
	seq_printf(m, "caller_mapped_bytes: %llu\n", dev_bytes);
	seq_printf(m, "huge_faults: %llu\n", info.huge_faults);
	seq_printf(m, "exports: %u\n", info.exports);
	seq_printf(m, "export_bytes: %llu\n", info.export_bytes);
	return 0;
}

/* Refuse what cannot work before allocating anything */
static int remap_pfn_check_size(const struct remap_pfn_alloc_ops *ops,
				size_t size, unsigned int map)
{
	if (ops->max_size && size > ops->max_size) {
		pr_err("size=%zu exceeds the %zu bytes %s can allocate; use allocator=vmalloc or allocator=alloc_pages\n",
		       size, ops->max_size, ops->name);
		return -EINVAL;
	}
	if (map == REMAP_PFN_MAP_PAGES && !ops->pages_ok) {
		pr_err("map=pages: %s memory belongs to the slab allocator and cannot be mapped as pages; use allocator=vmalloc or allocator=alloc_pages, or map=pfn\n",
		       ops->name);
		return -EINVAL;
	}
	/*
	 * Do not even try what cannot fit: the buffer's pages fail quietly
	 * (__GFP_RETRY_MAYFAIL, honoured by vmalloc for its pages as
	 * kvmalloc() relies on), but only after reclaiming all they can,
	 * and vmalloc's page tables are allocated without that flag.
	 */
	if (size >> PAGE_SHIFT > si_mem_available()) {
		pr_err("size=%zu exceeds the %lu bytes of memory available\n",
		       size, si_mem_available() << PAGE_SHIFT);
		return -ENOMEM;
	}
	return 0;
}

static void remap_pfn_info_init(struct remap_pfn_device *rdev)
{
	struct remap_pfn_info *info = page_address(rdev->info_page);

	info->allocator = remap_pfn_allocator;
	info->map = rdev->map;
	info->page_size = PAGE_SIZE;
	info->size = rdev->buf.size;
	info->chunks = rdev->buf.nr_chunks;
}

static int __init remap_pfn_init(void)
{
	struct remap_pfn_device *rdev = &remap_pfn_dev;
	struct remap_pfn_buf *buf = &rdev->buf;
	int ret;

	if (remap_pfn_bad_param)
		return -EINVAL;

	buf->ops = remap_pfn_allocators[remap_pfn_allocator];
	buf->size = remap_pfn_size;
	rdev->map = remap_pfn_map;
	ret = remap_pfn_check_size(buf->ops, buf->size, rdev->map);
	if (ret)
		return ret;

	spin_lock_init(&rdev->lock);
	hash_init(rdev->mms);

	ret = buf->ops->alloc(buf);
	if (ret) {
		pr_err("cannot allocate %zu bytes with %s\n", buf->size,
		       buf->ops->name);
		return ret;
	}

	buf->pmd_ok = NULL;
	if (rdev->map == REMAP_PFN_MAP_PFN && remap_pfn_huge) {
		ret = remap_pfn_pmd_scan(buf);
		if (ret)
			goto err_free_buf;
	}

	rdev->info_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!rdev->info_page) {
		ret = -ENOMEM;
		goto err_free_pmd_ok;
	}
	remap_pfn_info_init(rdev);

	if (rdev->map == REMAP_PFN_MAP_PAGES) {
		ret = remap_pfn_pages_attach(rdev);
		if (ret)
			goto err_free_info_page;
	}

	if (!proc_create_single_data("driver/remap_pfn", 0444, NULL,
				     remap_pfn_proc_show, rdev)) {
		ret = -ENOMEM;
		goto err_detach_pages;
	}

	/* last: user space may open the device as soon as it exists */
	rdev->misc.minor = MISC_DYNAMIC_MINOR;
	rdev->misc.name = "remap_pfn";
	rdev->misc.fops = &remap_pfn_fops;
	rdev->misc.mode = 0600;
	ret = misc_register(&rdev->misc);
	if (ret)
		goto err_remove_proc;

	dev_info(rdev->misc.this_device,
		 "%zu bytes from %s in %lu chunks, mapped as %s\n", buf->size,
		 buf->ops->name, buf->nr_chunks, remap_pfn_map_names[rdev->map]);
	return 0;

err_remove_proc:
	remove_proc_entry("driver/remap_pfn", NULL);
err_detach_pages:
	if (rdev->inode)
		remap_pfn_pages_detach(rdev);
err_free_info_page:
	__free_page(rdev->info_page);
err_free_pmd_ok:
	bitmap_free(buf->pmd_ok);
err_free_buf:
	buf->ops->free(buf);
	return ret;
}
module_init(remap_pfn_init);

static void __exit remap_pfn_exit(void)
{
	struct remap_pfn_device *rdev = &remap_pfn_dev;

	misc_deregister(&rdev->misc);
	remove_proc_entry("driver/remap_pfn", NULL);
	if (rdev->inode)
		remap_pfn_pages_detach(rdev);
	__free_page(rdev->info_page);
	bitmap_free(rdev->buf.pmd_ok);
	rdev->buf.ops->free(&rdev->buf);
}
module_exit(remap_pfn_exit);

MODULE_DESCRIPTION("One kernel buffer shared by all processes that mmap /dev/remap_pfn");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("DMA_BUF");
#if defined(REMAP_PFN_COMPAT) && defined(REMAP_PFN_VERSION)
/* the remap-pfn-dkms package's version, from compat.mk */
MODULE_VERSION(REMAP_PFN_VERSION);
#endif
