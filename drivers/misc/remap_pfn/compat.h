/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * remap_pfn: out-of-tree builds for kernels older than the one the driver
 * is written for. The sources use the newest kernel's API; this header
 * (with compat.c) provides what an older kernel lacks, switched by the
 * REMAP_PFN_HAVE_* probes of compat.mk, never by a version number.
 *
 * The one difference the sources must spell out is REMAP_PFN_COMPAT_MMAP:
 * a kernel without f_op->mmap_prepare() has no vm_ops->mapped() member to
 * initialise either, so the file and vm operations name ->mmap() and leave
 * ->mapped() out under #ifdef REMAP_PFN_COMPAT_MMAP. Such blocks, this
 * header and compat.[cm]* are all the in-tree submission leaves out.
 */
#ifndef _REMAP_PFN_COMPAT_H
#define _REMAP_PFN_COMPAT_H

#include <linux/bits.h>
#include <linux/fs.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/module.h>

/*
 * MAX_ORDER became MAX_PAGE_ORDER in 6.8, and it counted one order more
 * before 6.4; MAX_ORDER_NR_PAGES has always been the largest block.
 */
#ifndef MAX_PAGE_ORDER
#define MAX_PAGE_ORDER	ilog2(MAX_ORDER_NR_PAGES)
#endif

/*
 * MODULE_IMPORT_NS() stringified an identifier before 6.13; the sources
 * name the namespace as a string, as MODULE_INFO() takes it.
 */
#ifndef REMAP_PFN_HAVE_IMPORT_NS_STRING
#undef MODULE_IMPORT_NS
#define MODULE_IMPORT_NS(ns)	MODULE_INFO(import_ns, ns)
#endif

/* kzalloc_obj() and friends came with 7.0 */
#ifndef kzalloc_obj
#define kzalloc_obj(obj, gfp)	kzalloc(sizeof(obj), gfp)
#endif

/*
 * vma_assert_stabilised() came with 7.0; before it, ->fault() of a VMA
 * without ->map_pages() always ran under the mmap_lock.
 */
#ifndef REMAP_PFN_HAVE_VMA_ASSERT_STABILISED
#define vma_assert_stabilised(vma)	mmap_assert_locked((vma)->vm_mm)
#endif

/*
 * vmf_insert_pfn_pmd() took a pfn_t in 6.12; only kernels that map
 * special PFNs at PMD level (6.12 on) call it. Flags 0: the PFN is RAM with
 * a struct page, and the entry is special, not devmap.
 */
#if defined(CONFIG_ARCH_SUPPORTS_PMD_PFNMAP) && !defined(REMAP_PFN_HAVE_PMD_PFN)
#include <linux/pfn_t.h>

static inline vm_fault_t remap_pfn_compat_insert_pfn_pmd(struct vm_fault *vmf,
							 unsigned long pfn,
							 bool write)
{
	return vmf_insert_pfn_pmd(vmf, __pfn_to_pfn_t(pfn, 0), write);
}

#define vmf_insert_pfn_pmd remap_pfn_compat_insert_pfn_pmd
#endif

/* vm_flags became read-only behind vm_flags_set()/vm_flags_clear() in 6.3 */
#ifdef REMAP_PFN_HAVE_VM_FLAGS_SET
static inline void remap_pfn_vm_flags_set(struct vm_area_struct *vma,
					  vm_flags_t flags)
{
	vm_flags_set(vma, flags);
}

static inline void remap_pfn_vm_flags_clear(struct vm_area_struct *vma,
					    vm_flags_t flags)
{
	vm_flags_clear(vma, flags);
}
#else
static inline void remap_pfn_vm_flags_set(struct vm_area_struct *vma,
					  vm_flags_t flags)
{
	vma->vm_flags |= flags;
}

static inline void remap_pfn_vm_flags_clear(struct vm_area_struct *vma,
					    vm_flags_t flags)
{
	vma->vm_flags &= ~flags;
}
#endif

#ifndef REMAP_PFN_HAVE_MMAP_ACTIONS
#define REMAP_PFN_COMPAT_MMAP

/*
 * The 7.x mmap_prepare API, as much of it as the driver uses: a
 * descriptor of the mapping to be, filled in by ->mmap_prepare() and
 * applied to the VMA by remap_pfn_compat_mmap() from ->mmap(). The names
 * are macros for private ones, so that what a kernel with part of this
 * API already declares stays its own.
 */
enum remap_pfn_compat_action {
	REMAP_PFN_COMPAT_NOTHING,
	REMAP_PFN_COMPAT_REMAP_PFN,
	REMAP_PFN_COMPAT_MAP_PAGES,
};

struct remap_pfn_compat_desc {
	struct file *file;
	unsigned long start;
	unsigned long end;
	pgoff_t pgoff;
	vm_flags_t vm_flags;
	pgprot_t page_prot;
	const struct vm_operations_struct *vm_ops;
	void *private_data;
	struct {
		enum remap_pfn_compat_action type;
		unsigned long start_pfn;
		struct page **pages;
	} action;
};

#define vm_area_desc remap_pfn_compat_desc

/* The VMA_*_BIT flag numbers the driver uses, from the VM_* masks */
#define VMA_WRITE_BIT		ilog2(VM_WRITE)
#define VMA_EXEC_BIT		ilog2(VM_EXEC)
#define VMA_MAYWRITE_BIT	ilog2(VM_MAYWRITE)
#define VMA_MAYEXEC_BIT		ilog2(VM_MAYEXEC)
#define VMA_MAYSHARE_BIT	ilog2(VM_MAYSHARE)
#define VMA_IO_BIT		ilog2(VM_IO)
#define VMA_PFNMAP_BIT		ilog2(VM_PFNMAP)
#define VMA_DONTEXPAND_BIT	ilog2(VM_DONTEXPAND)
#define VMA_DONTDUMP_BIT	ilog2(VM_DONTDUMP)

#define remap_pfn_compat_mask(...) ({					\
	const unsigned int __bits[] = { __VA_ARGS__ };			\
	vm_flags_t __mask = 0;						\
	unsigned int __i;						\
									\
	for (__i = 0; __i < ARRAY_SIZE(__bits); __i++)			\
		__mask |= BIT(__bits[__i]);				\
	__mask;								\
})

#undef vma_desc_set_flags
#undef vma_desc_clear_flags
#undef vma_desc_test
#define vma_desc_set_flags(desc, ...) \
	((desc)->vm_flags |= remap_pfn_compat_mask(__VA_ARGS__))
#define vma_desc_clear_flags(desc, ...) \
	((desc)->vm_flags &= ~remap_pfn_compat_mask(__VA_ARGS__))
#define vma_desc_test(desc, bit)	(!!((desc)->vm_flags & BIT(bit)))

static inline unsigned long
remap_pfn_compat_desc_size(const struct vm_area_desc *desc)
{
	return desc->end - desc->start;
}

#define vma_desc_size remap_pfn_compat_desc_size

static inline void remap_pfn_compat_remap_full(struct vm_area_desc *desc,
					       unsigned long start_pfn)
{
	desc->action.type = REMAP_PFN_COMPAT_REMAP_PFN;
	desc->action.start_pfn = start_pfn;
}

#define mmap_action_remap_full remap_pfn_compat_remap_full

static inline void remap_pfn_compat_map_pages_full(struct vm_area_desc *desc,
						   struct page **pages)
{
	desc->action.type = REMAP_PFN_COMPAT_MAP_PAGES;
	desc->action.pages = pages;
}

#define mmap_action_map_kernel_pages_full remap_pfn_compat_map_pages_full

int remap_pfn_compat_mmap(struct file *file, struct vm_area_struct *vma,
			  int (*prepare)(struct vm_area_desc *desc),
			  int (*mapped)(unsigned long start, unsigned long end,
					pgoff_t pgoff, const struct file *file,
					void **vm_private_data));
#endif /* !REMAP_PFN_HAVE_MMAP_ACTIONS */

#endif /* _REMAP_PFN_COMPAT_H */
