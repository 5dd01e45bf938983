/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * remap_pfn: one kernel buffer shared by every process that maps
 * /dev/remap_pfn.
 *
 * mmap() offsets select a region; a mapping must lie inside one:
 *
 *   [0, size)                        the data buffer, read/write
 *   REMAP_PFN_OFF_INFO, one page     struct remap_pfn_info, read-only
 *
 * mmap() fails with EINVAL for MAP_PRIVATE, for an offset outside every
 * region or a range that does not fit inside one (an offset so close to
 * 2^64 that offset + length wraps is refused by the mm with EOVERFLOW
 * first), and with EPERM for PROT_EXEC or a writable info mapping.
 * mprotect() cannot add PROT_EXEC, nor PROT_WRITE to the info region
 * (EACCES), and mremap() cannot grow a mapping (EFAULT). Mappings stay
 * valid after close().
 *
 * read(), write(), pread(), pwrite() and lseek() work on the data region,
 * so a file position is a byte offset into the buffer: reading at or past
 * the end returns 0, a write that starts there fails with ENOSPC, a write
 * crossing it is short, and lseek() beyond [0, size] fails with EINVAL.
 * Unknown ioctl() commands fail with ENOTTY.
 *
 * REMAP_PFN_IOC_EXPORT turns a page-aligned range of the data region into
 * a dma-buf file descriptor, to pass to another process or to import into
 * another driver. It fails with EINVAL for a range that is empty,
 * unaligned, wraps or does not lie inside the data region, for unknown
 * flags, O_WRONLY, or a nonzero reserved field; with EACCES for an
 * O_RDWR export from a device file opened read-only; with EFAULT for a
 * bad pointer; and with EMFILE or ENOMEM when the fd or the dma-buf
 * cannot be had. The dma-buf maps the same bytes, in the same map= mode,
 * as a device mapping of that offset; mapping a read-only one writable
 * fails with EACCES (from the mm). It keeps the module loaded until it is
 * released: its last fd closed and its last mapping gone.
 */
#ifndef _UAPI_LINUX_REMAP_PFN_H
#define _UAPI_LINUX_REMAP_PFN_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* mmap() offsets of the regions, in bytes */
#define REMAP_PFN_OFF_DATA	0ULL
#define REMAP_PFN_OFF_INFO	(1ULL << 40)

/**
 * enum remap_pfn_allocator - how the kernel allocated the buffer
 * @REMAP_PFN_ALLOC_KMALLOC: one physically contiguous kmalloc() block
 * @REMAP_PFN_ALLOC_VMALLOC: vmalloc() pages, contiguous only in the
 *	kernel's virtual address space
 * @REMAP_PFN_ALLOC_PAGES: physically contiguous chunks from alloc_pages(),
 *	largest order first
 */
enum remap_pfn_allocator {
	REMAP_PFN_ALLOC_KMALLOC = 0,
	REMAP_PFN_ALLOC_VMALLOC = 1,
	REMAP_PFN_ALLOC_PAGES = 2,
};

/**
 * enum remap_pfn_map - how mappings of the data region are built
 * @REMAP_PFN_MAP_PFN: special page-table entries (VM_PFNMAP); cheapest to
 *	map, but get_user_pages() and everything built on it (futexes,
 *	O_DIRECT, vmsplice) fail on them
 * @REMAP_PFN_MAP_PAGES: the buffer's pages, inserted as normal refcounted
 *	pages (VM_MIXEDMAP), so get_user_pages() works; not for
 *	%REMAP_PFN_ALLOC_KMALLOC, whose memory belongs to the slab allocator
 */
enum remap_pfn_map {
	REMAP_PFN_MAP_PFN = 0,
	REMAP_PFN_MAP_PAGES = 1,
};

/**
 * struct remap_pfn_info - description of the buffer and its live mappings
 * @allocator: an enum remap_pfn_allocator value
 * @page_size: the kernel's page size in bytes; offsets and lengths passed
 *	to mmap() are multiples of it
 * @size: length of the data region in bytes (the size= module parameter
 *	rounded up to whole pages)
 * @chunks: number of physically contiguous pieces backing the buffer
 * @mappings: number of live VMAs of the device, in every process, data and
 *	info regions alike
 * @mapped_bytes: total length in bytes of those VMAs
 * @map: an enum remap_pfn_map value
 * @exports: number of live dma-bufs exported by %REMAP_PFN_IOC_EXPORT
 * @huge_faults: page faults of data mappings that the driver answered with
 *	one page-table entry for a whole 2 MiB (PMD-sized) range, since the
 *	module was loaded; a fault that finds the entry another thread
 *	installed meanwhile counts too. Always 0 with %REMAP_PFN_MAP_PAGES,
 *	with the huge=0 module parameter, and on kernels that cannot map
 *	special PFNs at PMD level
 * @export_bytes: total size in bytes of the @exports dma-bufs
 *
 * Returned by %REMAP_PFN_IOC_INFO and also found, kept up to date, at the
 * start of the page mapped at %REMAP_PFN_OFF_INFO.
 */
struct remap_pfn_info {
	__u32 allocator;
	__u32 page_size;
	__u64 size;
	__u64 chunks;
	__u64 mappings;
	__u64 mapped_bytes;
	__u32 map;
	__u32 exports;
	__u64 huge_faults;
	__u64 export_bytes;
};

/**
 * struct remap_pfn_export - a range of the data region to export
 * @offset: byte offset of the range in the data region, a multiple of the
 *	page size
 * @length: length of the range in bytes, a nonzero multiple of the page
 *	size
 * @flags: O_RDWR or O_RDONLY, the access mode of the dma-buf's file,
 *	optionally ORed with O_CLOEXEC for its descriptor
 * @fd: set to the new dma-buf file descriptor on success
 * @reserved: must be zero
 *
 * Argument of %REMAP_PFN_IOC_EXPORT; the same layout for 32-bit and
 * 64-bit processes.
 */
struct remap_pfn_export {
	__u64 offset;
	__u64 length;
	__u32 flags;
	__s32 fd;
	__u64 reserved[2];
};

#define REMAP_PFN_IOC_MAGIC	0xB9

/* Fill a struct remap_pfn_info; never fails on a valid pointer */
#define REMAP_PFN_IOC_INFO	_IOR(REMAP_PFN_IOC_MAGIC, 0x00, struct remap_pfn_info)

/* Export a range of the data region as a dma-buf; 0 and @fd set, or -1 */
#define REMAP_PFN_IOC_EXPORT	_IOWR(REMAP_PFN_IOC_MAGIC, 0x01, struct remap_pfn_export)

#endif /* _UAPI_LINUX_REMAP_PFN_H */
