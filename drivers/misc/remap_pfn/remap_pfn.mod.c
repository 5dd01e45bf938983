#include <linux/module.h>
#define INCLUDE_VERMAGIC
#include <linux/build-salt.h>
#include <linux/elfnote-lto.h>
#include <linux/export-internal.h>
#include <linux/vermagic.h>
#include <linux/compiler.h>

BUILD_SALT;
BUILD_LTO_INFO;

MODULE_INFO(vermagic, VERMAGIC_STRING);
MODULE_INFO(name, KBUILD_MODNAME);

__visible struct module __this_module
__section(".gnu.linkonce.this_module") = {
	.name = KBUILD_MODNAME,
	.init = init_module,
#ifdef CONFIG_MODULE_UNLOAD
	.exit = cleanup_module,
#endif
	.arch = MODULE_ARCH_INIT,
};

#ifdef CONFIG_RETPOLINE
MODULE_INFO(retpoline, "Y");
#endif


static const struct modversion_info ____versions[]
__used __section("__versions") = {
	{ 0x88db9f48, "__check_object_size" },
	{ 0x47978cc, "misc_deregister" },
	{ 0x13c49cc2, "_copy_from_user" },
	{ 0x222e7ce2, "sysfs_streq" },
	{ 0x8dfe087e, "__mmap_lock_do_trace_acquire_returned" },
	{ 0x292bd6e0, "remap_pfn_range" },
	{ 0x37a0cba, "kfree" },
	{ 0x970f9df6, "__tracepoint_mmap_lock_acquire_returned" },
	{ 0xa59c5e71, "__tracepoint_mmap_lock_released" },
	{ 0xba8fbd64, "_raw_spin_lock" },
	{ 0xbdfb6dbb, "__fentry__" },
	{ 0xe783e261, "sysfs_emit" },
	{ 0x65487097, "__x86_indirect_thunk_rax" },
	{ 0x92997ed8, "_printk" },
	{ 0xa19b956, "__stack_chk_fail" },
	{ 0x5635a60a, "vmalloc_user" },
	{ 0x9acf31c6, "mas_find" },
	{ 0x7d173e99, "__free_pages" },
	{ 0xbb462483, "_dev_info" },
	{ 0x7cd8d75e, "page_offset_base" },
	{ 0x599fb41c, "kvmalloc_node" },
	{ 0x3ef022ec, "compat_ptr_ioctl" },
	{ 0xbcb36fe4, "hugetlb_optimize_vmemmap_key" },
	{ 0x4f730171, "fixed_size_llseek" },
	{ 0x4c9d28b0, "phys_base" },
	{ 0x68fb37ae, "current_task" },
	{ 0x844c8938, "misc_register" },
	{ 0x5b8239ca, "__x86_return_thunk" },
	{ 0x6b10bee1, "_copy_to_user" },
	{ 0x2c48df86, "find_vma_intersection" },
	{ 0x62f7e207, "down_read_killable" },
	{ 0x34e148d7, "__mmap_lock_do_trace_start_locking" },
	{ 0x97651e6c, "vmemmap_base" },
	{ 0x999e8297, "vfree" },
	{ 0x11dd3e1e, "alloc_pages" },
	{ 0x2956c81b, "__tracepoint_mmap_lock_start_locking" },
	{ 0xfcc2748f, "remove_proc_entry" },
	{ 0xf0949581, "seq_printf" },
	{ 0x2d129d4a, "__mmap_lock_do_trace_released" },
	{ 0xc07351b3, "__SCT__cond_resched" },
	{ 0x785a93b4, "si_mem_available" },
	{ 0xbd7274da, "proc_create_single_data" },
	{ 0x606e9d01, "kmalloc_trace" },
	{ 0x50db2169, "remap_vmalloc_range" },
	{ 0x7aa1756e, "kvfree" },
	{ 0x27864d57, "memparse" },
	{ 0xb5b54b34, "_raw_spin_unlock" },
	{ 0x53b954a2, "up_read" },
	{ 0xeb233a45, "__kmalloc" },
	{ 0x7a7caba8, "kmalloc_caches" },
	{ 0x9060323f, "module_layout" },
};

MODULE_INFO(depends, "");

