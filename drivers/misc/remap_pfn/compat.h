/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * remap_pfn: every difference between the kernel APIs the driver is built
 * against (Debian's 6.1 LTS and newer mainline) lives here and nowhere
 * else. The Makefile tests the tree for each feature rather than trusting
 * a version number, so stable backports are handled too.
 */
#ifndef _REMAP_PFN_COMPAT_H
#define _REMAP_PFN_COMPAT_H

#include <linux/mm.h>

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

#endif /* _REMAP_PFN_COMPAT_H */
