/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The interface of remap_pfn_importer, the selftests' in-kernel dma-buf
 * importer: shared by the test module and the test programs, as
 * lib/test_hmm_uapi.h is by test_hmm and the hmm selftests.
 */
#ifndef _REMAP_PFN_IMPORTER_H
#define _REMAP_PFN_IMPORTER_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define REMAP_PFN_IMPORTER_DEV	"/dev/remap_pfn_importer"

/**
 * struct remap_pfn_importer_check - one import of a dma-buf, checked
 * @fd: the dma-buf
 * @flags: must be 0
 * @base: where the dma-buf's first byte is in the pattern: its offset in
 *	the remap_pfn buffer (8-byte aligned)
 * @expect_seed: the pattern the dma-buf must hold, as rp_word() of
 *	remap_pfn_util.h computes it
 * @fill_seed: the pattern written through dma_buf_vmap()
 * @size: out: the dma-buf's size
 * @dma_bytes: out: the DMA length of the importer's mapped sg_table
 * @dev_bad: out: the first offset into the dma-buf where the device's
 *	view (the bytes at the DMA addresses) is not @expect_seed, or -1
 * @vmap_bad: out: the same, through dma_buf_vmap() after
 *	dma_buf_begin_cpu_access()
 * @written_bad: out: the first offset where the device's view is not
 *	@fill_seed after dma_buf_end_cpu_access(), or -1
 */
struct remap_pfn_importer_check {
	__s32 fd;
	__u32 flags;
	__u64 base;
	__u32 expect_seed;
	__u32 fill_seed;
	__u64 size;
	__u64 dma_bytes;
	__s64 dev_bad;
	__s64 vmap_bad;
	__s64 written_bad;
};

#define REMAP_PFN_IMPORTER_MAGIC	0xBA

/* attach, map, vmap, check, write, unmap, detach: struct above */
#define REMAP_PFN_IMPORTER_IOC_CHECK	_IOWR(REMAP_PFN_IMPORTER_MAGIC, 0x00, \
					      struct remap_pfn_importer_check)
/* attach, map and vmap the dma-buf whose fd is the argument, and keep it */
#define REMAP_PFN_IMPORTER_IOC_HOLD	_IO(REMAP_PFN_IMPORTER_MAGIC, 0x01)
/* drop what IOC_HOLD keeps (ENOENT if nothing) */
#define REMAP_PFN_IMPORTER_IOC_RELEASE	_IO(REMAP_PFN_IMPORTER_MAGIC, 0x02)

#endif /* _REMAP_PFN_IMPORTER_H */
