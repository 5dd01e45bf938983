# SPDX-License-Identifier: GPL-2.0-only
#
# Out-of-tree builds only. The driver is written for the newest kernel;
# for an older one, compat.h (and compat.c) fill in what it lacks. Each
# probe below greps the headers of the tree being built against for one
# API and defines a REMAP_PFN_HAVE_* macro for compat.h: never a version
# number, so a distribution's backport is seen as what it is. Everything
# here, compat.h and compat.c, and the REMAP_PFN_COMPAT blocks of the
# sources are left out of the in-tree submission (scripts/patch.sh).

ccflags-y += -DREMAP_PFN_COMPAT

# remap_pfn-grep FILE,REGEX: y if the tree's FILE matches REGEX (a
# variable's name: make cannot pass unbalanced parentheses in arguments)
remap_pfn-grep = $(shell grep -qsE '$($(2))' $(srctree)/$(1) && echo y)

# vm_flags is written through vm_flags_set()/vm_flags_clear() (6.3)
remap_pfn-re-flags-set := void vm_flags_set\(
ccflags-$(call remap_pfn-grep,include/linux/mm.h,remap_pfn-re-flags-set) += \
	-DREMAP_PFN_HAVE_VM_FLAGS_SET

# vma_assert_stabilised() (7.0)
remap_pfn-re-stabilised := void vma_assert_stabilised\(
ccflags-$(call remap_pfn-grep,include/linux/mmap_lock.h,remap_pfn-re-stabilised) += \
	-DREMAP_PFN_HAVE_VMA_ASSERT_STABILISED

# vmf_insert_pfn_pmd() takes a plain PFN; 6.12 passed a pfn_t
remap_pfn-re-pmd-pfn := vmf_insert_pfn_pmd\(struct vm_fault \*vmf, unsigned long pfn
ccflags-$(call remap_pfn-grep,include/linux/huge_mm.h,remap_pfn-re-pmd-pfn) += \
	-DREMAP_PFN_HAVE_PMD_PFN

# f_op->mmap_prepare() with vm_ops->mapped(), the mmap actions, the
# vma_desc_*() flag helpers (7.0) and __compat_vma_mmap(), which applies a
# description to the VMA of a dma-buf's ->mmap(): all of them, or the
# emulation in compat.c
remap_pfn-re-prepare := \(\*mmap_prepare\)
remap_pfn-re-mapped := int \(\*mapped\)\(
remap_pfn-re-action := mmap_action_map_kernel_pages_full\(
remap_pfn-re-desc-flags := define vma_desc_set_flags\(
remap_pfn-re-nested := int __compat_vma_mmap\(
remap_pfn-have-mmap-actions := $(and \
	$(call remap_pfn-grep,include/linux/fs.h,remap_pfn-re-prepare), \
	$(call remap_pfn-grep,include/linux/mm.h,remap_pfn-re-mapped), \
	$(call remap_pfn-grep,include/linux/mm.h,remap_pfn-re-action), \
	$(call remap_pfn-grep,include/linux/mm.h,remap_pfn-re-desc-flags), \
	$(call remap_pfn-grep,include/linux/fs.h,remap_pfn-re-nested))
ccflags-$(remap_pfn-have-mmap-actions) += -DREMAP_PFN_HAVE_MMAP_ACTIONS
remap_pfn-$(if $(remap_pfn-have-mmap-actions),,y) += compat.o

# The package's version (debian/changelog), which the top Makefile and
# DKMS (dkms.conf) pass as REMAP_PFN_VERSION: main.c records it as
# MODULE_VERSION, shown by modinfo and in /sys/module/remap_pfn/version.
# An in-tree driver carries none.
ccflags-$(if $(REMAP_PFN_VERSION),y) += -DREMAP_PFN_VERSION='"$(REMAP_PFN_VERSION)"'

# MODULE_IMPORT_NS() takes the namespace as a string, not an identifier
# that it stringifies (6.13)
remap_pfn-re-import-ns := define MODULE_IMPORT_NS\(ns\)[[:space:]]+MODULE_INFO\(import_ns, ns\)
ccflags-$(call remap_pfn-grep,include/linux/module.h,remap_pfn-re-import-ns) += \
	-DREMAP_PFN_HAVE_IMPORT_NS_STRING
